"""The knowledge base as users see it: open the current generation, search it (lookup + hybrid), read articles."""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.config import Settings, get_settings
from assistant.errors import KnowledgeBaseMissing
from assistant.kb.catalog import Catalog, normalize_title
from assistant.kb.embed import get_embedder
from assistant.kb.fusion import SearchMode, rrf, score_fusion
from assistant.kb.lexical import LexicalIndex
from assistant.kb.packs import province
from assistant.kb.rerank import rerank
from assistant.kb.store import DenseStore, chroma_client, chroma_where
from assistant.models import Article, Hit, Status
from assistant.text.normalize import normalize
from assistant.text.numerals import CN_NUM, cn_to_int

log = logging.getLogger(__name__)
CURRENT = "CURRENT"
DENSE_DEPTH = 5

# 《行政处罚法》第十六条 / 行政处罚法第16条 / 刑法第一百三十三条之一 — used to look an article up directly.
_LOOKUP = re.compile(
    rf"《?([^《》\s，。？?、；;：:]{{2,60}}?)》?\s*第\s*({CN_NUM}|\d+)\s*条(?:之({CN_NUM}|\d+))?")


@dataclass
class Generation:
    """One built knowledge base on disk: catalog, lexical index, dense collection and their metadata."""

    path: Path
    meta: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name


def current_generation(settings: Settings) -> Generation | None:
    """The generation CURRENT points at, or None when no knowledge base has been built."""
    pointer = settings.kb_dir / CURRENT
    if not pointer.exists():
        return None
    path = settings.kb_dir / pointer.read_text(encoding="utf-8").strip()
    meta_path = path / "meta.json"
    if not meta_path.exists():
        return None
    return Generation(path, json.loads(meta_path.read_text(encoding="utf-8")))


class KnowledgeBase:
    """Read side of one generation; thread-safe for concurrent searches."""

    def __init__(self, generation: Generation, settings: Settings) -> None:
        self.generation = generation
        self.settings = settings
        self.catalog = Catalog(generation.path / "catalog.sqlite")
        self.lexical = LexicalIndex.load(generation.path / "lexical")
        self.embedder_name = generation.meta.get("embedder", "none")
        self._dense: DenseStore | None = None
        self._dense_lock = threading.Lock()
        self._core: tuple[set[str], list[str]] | None = None
        self._priors: dict[str, float] | None = None
        self._mask_cache: dict[str, np.ndarray | None] = {}

    def core(self) -> tuple[set[str], list[str]]:
        """Article ids and instrument ids of the core tier (review-central and user-ingested instruments)."""
        if self._core is None:
            insts = [i.id for i in self.catalog.instruments()
                     if i.tier == "core" and i.status != Status.REPEALED and i.is_current_version]
            self._core = ({a for iid in insts for a in self._ids_of(iid)}, insts)
        return self._core

    def priors(self) -> dict[str, float]:
        """Instrument id → score factor, for the long tail from the packs (every 行政法规, 司法解释, 规章 and local
        rule): it answers a question less often than the laws and the curated instruments, so it yields to them."""
        if self._priors is None:
            factor = self.settings.retrieval.pack_factor
            self._priors = {i.id: factor for i in self.catalog.instruments()
                            if i.provenance.source.startswith("pack:") and i.is_current_version}
        return self._priors

    @property
    def fingerprint(self) -> str:
        return self.generation.meta.get("fingerprint") or self.catalog.fingerprint()

    @property
    def dense(self) -> DenseStore | None:
        """The dense store, opened on first use (loading the embedder takes a second)."""
        if self.embedder_name == "none":
            return None
        with self._dense_lock:
            if self._dense is None:
                client = chroma_client(self.generation.meta.get("chroma_url"), self.generation.path / "chroma")
                self._dense = DenseStore(client, self.generation.meta["collection"], get_embedder(self.embedder_name))
        return self._dense

    # -- lookup --------------------------------------------------------------------------------------

    def article(self, instrument: str, number: int, suffix: int = 0) -> Article | None:
        """An article by instrument name (title, short title or alias) and number."""
        inst = self.catalog.resolve(instrument)
        return self.catalog.get_article(inst.id, number, suffix) if inst else None

    def lookup(self, query: str) -> list[Article]:
        """Articles the query names explicitly (《行政处罚法》第十六条, 行政处罚法第16条)."""
        out: list[Article] = []
        for m in _LOOKUP.finditer(query):
            name = m.group(1)
            inst = None
            # The title may be preceded by other words (请问行政处罚法第十六条): try the longest resolvable suffix.
            for start in range(len(name) - 1):
                inst = self.catalog.resolve(name[start:])
                if inst:
                    break
            if not inst:
                continue
            art = self.catalog.get_article(inst.id, cn_to_int(m.group(2)), cn_to_int(m.group(3)) if m.group(3) else 0)
            if art and art not in out:
                out.append(art)
        return out

    def named_instruments(self, query: str) -> list[str]:
        """Instrument ids whose title or alias appears in the query (longest names first, no overlaps)."""
        q = normalize_title(query)
        found: list[str] = []
        taken: list[tuple[int, int]] = []
        for alias in sorted(self.catalog.alias_map(), key=len, reverse=True):
            if len(alias) < 3:
                continue
            pos = q.find(alias)
            if pos < 0 or any(a <= pos < b or a < pos + len(alias) <= b for a, b in taken):
                continue
            inst = self.catalog.resolve(alias)
            if inst and inst.id not in found:
                found.append(inst.id)
                taken.append((pos, pos + len(alias)))
        return found

    # -- search --------------------------------------------------------------------------------------

    @property
    def regions(self) -> list[str]:
        """The provinces whose local rules this knowledge base holds (the user's own, preferred in search)."""
        return list(dict.fromkeys([*self.generation.meta.get("regions", []), *self.settings.kb.regions]))

    def search(self, query: str, k: int | None = None, *, mode: SearchMode | str = SearchMode.HYBRID,
               level: list[str] | None = None, region: list[str] | None = None, status: list[str] | None = None,
               instrument: list[str] | None = None, prefer_region: str | None = None) -> list[Hit]:
        """Direct lookup first, then hybrid (lexical + dense, fused by RRF or by normalised scores, optionally
        reranked); current versions rank above repealed ones, and another province's local rules below those of
        `prefer_region` (default: the provinces this knowledge base was built for) unless the query names it."""
        mode = SearchMode(mode)
        query = normalize(query, chrome=False)  # 繁体, full-width digits (行政處罰法第１６條) as the texts are stored
        rs = self.settings.retrieval
        k = k or rs.k
        n = max(rs.candidates, k)
        filters = {"level": level, "region": region, "status": status,
                   "instrument_id": [self.catalog.resolve(i).id for i in instrument or [] if self.catalog.resolve(i)]
                   or (None if not instrument else ["∅"])}
        allowed = self._allowed_ids(filters)
        rankings: dict[str, list[tuple[str, float]]] = {}
        weights: dict[str, float] = {}
        core_ids, core_insts = self.core()
        if mode in (SearchMode.HYBRID, SearchMode.LEXICAL):
            # One BM25 pass, ranked within each scope: everything, what the query names, the core instruments.
            scores = self.lexical.scores(query)
            within = self.lexical.mask(allowed)
            rankings["lexical"] = self.lexical.top(scores, n, within)
            weights["lexical"] = rs.lexical_weight
            named = self.named_instruments(query)
            if named:
                scope = {a for iid in named for a in self._ids_of(iid)}
                rankings["named"] = self.lexical.top(scores, n, _and(self.lexical.mask(scope), within))
                weights["named"] = rs.lexical_weight
            if core_ids:
                rankings["core"] = self.lexical.top(scores, n, _and(self._core_mask(), within))
                weights["core"] = rs.core_weight * rs.lexical_weight
        if mode in (SearchMode.HYBRID, SearchMode.DENSE) and self.dense is not None:
            dense_weight = rs.dense_weight if rs.dense_weight is not None else self.dense.embedder.fusion_weight
            vec = self.dense.embedder.query(query)  # once for both dense rankings
            where = chroma_where(filters)
            # Unfiltered nearest neighbours are ~30× cheaper than a filtered query: the core ranking is read from
            # a deeper unfiltered one (DENSE_DEPTH × n) when no filter is set.
            wide = self.dense.search(vec, n if where else DENSE_DEPTH * n, where)
            rankings["dense"] = wide[:n]
            weights["dense"] = dense_weight
            if core_insts:
                if where:
                    core_where = chroma_where({**filters, "instrument_id": filters["instrument_id"] or core_insts})
                    rankings["dense_core"] = self.dense.search(vec, n, core_where)
                else:
                    core = set(core_insts)
                    rankings["dense_core"] = [h for h in wide if h[0].rsplit(":", 1)[0] in core][:n]
                weights["dense_core"] = rs.core_weight * dense_weight
        if rs.fusion == "score":
            fused = score_fusion(rankings, weights)
        else:
            fused = rrf({name: [i for i, _ in r] for name, r in rankings.items()}, weights, rs.rrf_k)
        articles = self.catalog.get_articles([i for i, _ in fused[: n]])
        positions = {name: {aid: r for r, (aid, _) in enumerate(hits, 1)} for name, hits in rankings.items()}
        preferred = {province(prefer_region)} if prefer_region else set(self.regions)
        priors = self.priors()
        hits: list[Hit] = []
        for art in self.lookup(query):
            if allowed is None or art.id in allowed:
                hits.append(Hit(article=art, score=1.0, matched_by="lookup"))
        seen = {h.article.id for h in hits}
        for aid, score in fused:
            art = articles.get(aid)
            if art is None or aid in seen:
                continue
            if positions.get("lexical", {}).get(aid, rs.pack_exempt_rank + 1) > rs.pack_exempt_rank:
                score *= priors.get(art.instrument_id, 1.0)  # the long tail yields, unless it is the best match
            if art.status == Status.REPEALED:
                score *= 0.5  # findable, labelled, ranked below what is in force
            if art.region and art.region not in query and art.region not in preferred:
                score *= rs.other_region_factor  # another province's rule answers a local question less well
            ranks = {name: pos[aid] for name, pos in positions.items() if aid in pos}
            hits.append(Hit(article=art, score=score, ranks=ranks, matched_by=mode.value))
        lookups = [h for h in hits if h.matched_by == "lookup"]
        rest = sorted((h for h in hits if h.matched_by != "lookup"), key=lambda h: -h.score)
        if rs.reranker:
            return rerank(query, lookups + rest, rs.reranker, rs.rerank_top)[:k]
        return (lookups + rest)[:k]

    def _core_mask(self) -> np.ndarray | None:
        if "core" not in self._mask_cache:
            self._mask_cache["core"] = self.lexical.mask(self.core()[0])
        return self._mask_cache["core"]

    def _ids_of(self, instrument_id: str) -> list[str]:
        return [a.id for a in self.catalog.articles_of(instrument_id)]

    def _allowed_ids(self, filters: dict) -> set[str] | None:
        active = {k: v for k, v in filters.items() if v}
        if not active:
            return None
        out = set()
        for inst in self.catalog.instruments():
            if not inst.is_current_version:
                continue
            if "level" in active and inst.level not in active["level"]:
                continue
            if "region" in active and inst.region not in active["region"]:
                continue
            if "status" in active and inst.status not in active["status"]:
                continue
            if "instrument_id" in active and inst.id not in active["instrument_id"]:
                continue
            out.update(self._ids_of(inst.id))
        return out


def _and(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    return a if b is None else b if a is None else a & b


_open: dict[str, KnowledgeBase] = {}
_open_lock = threading.Lock()


def open_kb(settings: Settings | None = None) -> KnowledgeBase:
    """The current knowledge base (cached per generation); KnowledgeBaseMissing when none was built."""
    settings = settings or get_settings()
    gen = current_generation(settings)
    if gen is None:
        raise KnowledgeBaseMissing(str(settings.kb_dir))
    key = str(gen.path)
    with _open_lock:
        if key not in _open:
            # An ingest made a new generation: drop the older ones of the same home (their files may go too).
            for old in [k for k in _open if Path(k).parent == gen.path.parent]:
                _open.pop(old).catalog.close()
            _open[key] = KnowledgeBase(gen, settings)
        return _open[key]
