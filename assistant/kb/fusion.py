"""Fusion of several retrievers' rankings: weighted reciprocal rank fusion, or a weighted sum of scores
normalised per ranking (min-max over its candidates)."""

from __future__ import annotations

from enum import StrEnum


class SearchMode(StrEnum):
    HYBRID = "hybrid"
    LEXICAL = "lexical"
    DENSE = "dense"


def rrf(rankings: dict[str, list[str]], weights: dict[str, float] | None = None, k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score = Σ weight / (k + rank); ties keep first-seen order."""
    scores: dict[str, float] = {}
    for name, ids in rankings.items():
        w = (weights or {}).get(name, 1.0)
        for rank, doc_id in enumerate(ids, 1):
            scores[doc_id] = scores.get(doc_id, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def score_fusion(rankings: dict[str, list[tuple[str, float]]], weights: dict[str, float] | None = None,
                 ) -> list[tuple[str, float]]:
    """Fuse scored lists: score = Σ weight × (s − min) / (max − min) within each list (a list whose scores
    are all equal counts 1 for each of its ids); ties keep first-seen order.

    Unlike RRF it keeps how far apart a retriever's scores are: a clear lexical winner stays ahead of the
    dense runner-ups instead of sharing rank 1's credit with them."""
    scores: dict[str, float] = {}
    for name, hits in rankings.items():
        if not hits:
            continue
        w = (weights or {}).get(name, 1.0)
        values = [s for _, s in hits]
        low, span = min(values), max(values) - min(values)
        for doc_id, s in hits:
            scores[doc_id] = scores.get(doc_id, 0.0) + w * ((s - low) / span if span > 0 else 1.0)
    return sorted(scores.items(), key=lambda kv: -kv[1])
