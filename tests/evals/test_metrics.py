"""Metric arithmetic on hand-computed examples."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evals.metrics import (
    bootstrap_ci,
    dedupe,
    first_rank,
    hit_at_k,
    lcs_len,
    lcs_substring_len,
    mean,
    percentile,
    prf,
    recall_at_k,
    reciprocal_rank,
    rouge_l,
)


def test_recall_hit_mrr_on_a_known_ranking():
    ranked = ["a", "x", "b", "y", "c"]
    gold = {"b", "c", "z"}
    assert recall_at_k(ranked, gold, 1) == 0
    assert recall_at_k(ranked, gold, 3) == pytest.approx(1 / 3)
    assert recall_at_k(ranked, gold, 5) == pytest.approx(2 / 3)
    assert hit_at_k(ranked, gold, 2) == 0.0
    assert hit_at_k(ranked, gold, 3) == 1.0
    assert first_rank(ranked, gold) == 3
    assert reciprocal_rank(ranked, gold) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked, gold, k=2) == 0.0


def test_duplicates_in_a_ranking_count_once():
    # The same article twice must not push a gold article out of the top k.
    assert recall_at_k(["a", "a", "a", "b"], {"b"}, 2) == 1.0
    assert first_rank(["a", "a", "b"], {"b"}) == 2
    assert dedupe(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]


def test_no_gold_is_undefined_not_zero():
    assert recall_at_k(["a"], set(), 5) is None
    assert hit_at_k(["a"], [], 5) is None
    assert reciprocal_rank(["a"], []) is None
    assert mean([None, None]) is None
    assert mean([1.0, None, 0.0]) == 0.5


@pytest.mark.parametrize("matched, reported, gold, expected", [
    (2, 2, 2, (1.0, 1.0, 1.0)),        # perfect
    (0, 0, 3, (None, 0.0, 0.0)),       # nothing reported
    (0, 2, 0, (0.0, None, 0.0)),       # reports where nothing was due
    (0, 0, 0, (None, None, None)),     # nothing due, nothing reported
    (1, 4, 2, (0.25, 0.5, pytest.approx(1 / 3))),
])
def test_prf(matched, reported, gold, expected):
    assert prf(matched, reported, gold) == expected


def _lcs_dp(a: str, b: str) -> int:
    dp = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, ca in enumerate(a, 1):
        for j, cb in enumerate(b, 1):
            dp[i][j] = dp[i - 1][j - 1] + 1 if ca == cb else max(dp[i - 1][j], dp[i][j - 1])
    return dp[-1][-1]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc罚款法", max_size=40), st.text(alphabet="abc罚款法", max_size=40))
def test_bit_parallel_lcs_equals_dynamic_programming(a, b):
    assert lcs_len(a, b) == _lcs_dp(a, b)


def test_lcs_substring_and_rouge():
    assert lcs_substring_len("其他规范性文件不得设定", "规范性文件可以设定") == 5
    assert rouge_l("abc", "abc") == 1.0
    assert rouge_l("", "abc") == 0.0
    assert rouge_l("ab", "abcd") == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_percentile_interpolates():
    assert percentile([0.0, 1.0], 0.5) == 0.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.25) == 2.0


def _mean_stat(items):
    return {"m": mean(items), "none": None}


def test_bootstrap_is_seeded_and_brackets_the_point_estimate():
    items = [(i * 7919 % 101) / 100 for i in range(40)]  # spread over [0, 1], mean about 0.5
    point = mean(items)
    a = bootstrap_ci(items, _mean_stat, n_resamples=300, seed=7)
    b = bootstrap_ci(items, _mean_stat, n_resamples=300, seed=7)
    c = bootstrap_ci(items, _mean_stat, n_resamples=300, seed=8)
    assert a == b
    assert a != c
    lo, hi = a["m"]
    assert lo < point < hi
    assert point - 0.25 < lo and hi < point + 0.25
    assert "none" not in a  # a metric that is never defined gets no interval


def test_bootstrap_of_a_constant_has_zero_width():
    assert bootstrap_ci([1.0] * 10, _mean_stat, n_resamples=50, seed=0)["m"] == (1.0, 1.0)
    assert bootstrap_ci([], _mean_stat) == {}
