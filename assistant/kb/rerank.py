"""Optional second stage: a cross-encoder the user has on disk re-orders the best fused hits.

No reranker ships (none is installable offline from a package registry); `FASHEN_RETRIEVAL__RERANKER=st:<dir>`
points at a local sentence-transformers CrossEncoder directory (e.g. a bge-reranker), loaded once per process
and never downloaded. Only the first `rerank_top` hits are scored; their order is the model's, the rest follow
in fused order, and lookups named in the query stay first.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from assistant.errors import ConfigError
from assistant.kb.embed import load_local_st
from assistant.kb.lexical import article_document
from assistant.models import Hit


class CrossEncoderReranker:
    """A sentence-transformers CrossEncoder from a local directory."""

    def __init__(self, path: str) -> None:
        self.name = f"st:{path}"
        self._model = load_local_st(path, "CrossEncoder", "重排模型")
        self._lock = threading.Lock()  # one forward pass at a time on the shared model

    def scores(self, query: str, passages: Sequence[str]) -> list[float]:
        """Relevance of each passage to the query (higher is better)."""
        if not passages:
            return []
        with self._lock:
            out = self._model.predict([(query, p) for p in passages], show_progress_bar=False)
        return [float(s) for s in out]


@lru_cache(maxsize=2)
def get_reranker(spec: str) -> CrossEncoderReranker:
    """The reranker a setting names (`st:<dir>`), loaded once per process."""
    if not spec.startswith("st:"):
        raise ConfigError(f"未知的重排模型 {spec!r}；可选：st:<本地 CrossEncoder 目录>，或不设置。")
    return CrossEncoderReranker(spec[3:])


def rerank(query: str, hits: list[Hit], spec: str, top: int) -> list[Hit]:
    """`hits` with the first `top` non-lookup hits re-ordered by the reranker's scores (kept in `score`)."""
    head_at = [i for i, h in enumerate(hits) if h.matched_by != "lookup"][:top]
    if len(head_at) < 2:
        return hits
    head = [hits[i] for i in head_at]
    docs = [article_document(h.article.instrument_title, h.article.label, h.article.chapter, h.article.text)
            for h in head]
    scored = sorted(zip(get_reranker(spec).scores(query, docs), range(len(head)), head),
                    key=lambda t: (-t[0], t[1]))
    reordered = [h.model_copy(update={"score": s, "ranks": {**h.ranks, "rerank": n}})
                 for n, (s, _, h) in enumerate(scored, 1)]
    out = list(hits)
    for i, h in zip(head_at, reordered):
        out[i] = h
    return out
