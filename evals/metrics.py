"""Metric arithmetic the scorers share: ranking metrics, precision/recall/F1, LCS / ROUGE-L, bootstrap CIs."""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")


def safe_div(num: float, den: float) -> float | None:
    """num / den, or None when den is 0 (an undefined metric is not a zero)."""
    return num / den if den else None


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def dedupe(seq: Iterable[T]) -> list[T]:
    """Keep the first occurrence of each element, in order (a ranking lists an article once)."""
    seen: set = set()
    out: list[T] = []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def recall_at_k(ranked: Sequence[Hashable], gold: Iterable[Hashable], k: int) -> float | None:
    """|gold ∩ top k| / |gold|; None when there is no gold."""
    gold = set(gold)
    if not gold:
        return None
    return len(gold & set(dedupe(ranked)[:k])) / len(gold)


def hit_at_k(ranked: Sequence[Hashable], gold: Iterable[Hashable], k: int) -> float | None:
    """1.0 if any gold item is in the top k, else 0.0; None when there is no gold."""
    gold = set(gold)
    if not gold:
        return None
    return 1.0 if gold & set(dedupe(ranked)[:k]) else 0.0


def first_rank(ranked: Sequence[Hashable], gold: Iterable[Hashable]) -> int | None:
    """1-based rank of the first gold item, None when no gold item was ranked."""
    gold = set(gold)
    for i, x in enumerate(dedupe(ranked), 1):
        if x in gold:
            return i
    return None


def reciprocal_rank(ranked: Sequence[Hashable], gold: Iterable[Hashable], k: int | None = None) -> float | None:
    """1 / rank of the first gold item within the top k (0 when none); None when there is no gold."""
    gold = set(gold)
    if not gold:
        return None
    r = first_rank(ranked, gold)
    return 0.0 if r is None or (k is not None and r > k) else 1.0 / r


def prf(matched: int, reported: int, gold: int) -> tuple[float | None, float | None, float | None]:
    """(precision, recall, F1) from counts; each None where its denominator is 0."""
    p = safe_div(matched, reported)
    r = safe_div(matched, gold)
    if reported == 0 and gold == 0:
        return None, None, None
    if p is None or r is None:
        # Nothing reported against some gold, or reports where there is no gold: F1 is 0, not undefined.
        return p, r, 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def lcs_len(a: str, b: str) -> int:
    """Length of the longest common subsequence of two strings (bit-parallel, Allison–Dix / Hyyrö)."""
    if not a or not b:
        return 0
    if len(a) < len(b):
        a, b = b, a  # the bit vector runs over the longer string; fewer loop turns in Python
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for ch in b:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def lcs_substring_len(a: str, b: str) -> int:
    """Length of the longest common substring (contiguous), for fuzzy phrase matching."""
    if not a or not b:
        return 0
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def rouge_l(candidate: str, reference: str) -> float:
    """Character-level ROUGE-L F1 (LCS-based), as LawBench scores Chinese answers."""
    lcs = lcs_len(candidate, reference)
    if lcs == 0:
        return 0.0
    p, r = lcs / len(candidate), lcs / len(reference)
    return 2 * p * r / (p + r)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in [0, 1]) of an already sorted sequence."""
    if not sorted_values:
        raise ValueError("percentile of an empty sequence")
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def bootstrap_ci(
    items: Sequence[T],
    statistic: Callable[[Sequence[T]], dict[str, float | None]],
    *,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, tuple[float, float] | None]:
    """Percentile bootstrap CIs for every metric `statistic` returns, resampling items with replacement.

    The statistic is recomputed on each resample, so pooled (micro) and macro metrics get honest
    intervals too. A metric undefined on most resamples gets None. Same seed, same intervals.
    """
    if not items or n_resamples <= 0:
        return {}
    rng = random.Random(seed)
    n = len(items)
    samples: dict[str, list[float]] = {}
    for _ in range(n_resamples):
        resample = [items[rng.randrange(n)] for _ in range(n)]
        for name, value in statistic(resample).items():
            if value is not None:
                samples.setdefault(name, []).append(float(value))
    alpha = (1 - confidence) / 2
    out: dict[str, tuple[float, float] | None] = {}
    for name, values in samples.items():
        if len(values) < n_resamples / 2:
            out[name] = None
            continue
        values.sort()
        out[name] = (percentile(values, alpha), percentile(values, 1 - alpha))
    return out
