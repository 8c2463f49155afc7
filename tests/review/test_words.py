"""Triggers match words, not strings (assistant/review/checks/words.py): the false alarms reviewers reported on
real text stay clean, and the lexicon is what keeps the near misses clean."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.review import checks
from assistant.review.checks.words import on_word_boundaries
from assistant.review.context import ReviewContext
from assistant.review.engine import run_content

REVIEW_DATE = date(2026, 10, 1)
TOWN = "某县某镇人民政府"


def _pairs(text, content_rules, catalog, issuer=TOWN):
    ctx = ReviewContext.from_text(text, catalog, issuer=issuer, review_date=REVIEW_DATE)
    return [(f.code, f.location) for f in run_content(content_rules, ctx)]


def _draft(*clauses: str) -> str:
    numbers = "一二三四五六七八九"
    return "\n".join(f"第{numbers[i]}条　{c}" for i, c in enumerate(clauses))


def test_on_word_boundaries():
    text = "社区居民委员会应当每月检查"
    assert not on_word_boundaries(text, 1, 7)  # 区居民委员会 begins inside 社区
    assert on_word_boundaries(text, 0, 7)
    text = "充满自动断电功能"
    assert not on_word_boundaries(text, 4, 6)  # 断电 ends 自动断电 but begins inside it
    assert on_word_boundaries("对其断电", 2, 4)


def test_the_reported_false_alarms_stay_clean_and_their_true_neighbours_are_found(content_rules, catalog):
    # a town's draft: 社区居民委员会 is no 区-level body; a charger's 自动断电 is no coercive 断电
    text = _draft("社区居民委员会应当每月组织一次环境卫生检查。",
                  "新建住宅小区的电动自行车集中充电设施应当具备充满自动断电功能。",
                  "区住房和城乡建设委员会应当每年安排专项资金用于本镇老旧小区改造。",
                  "对逾期不拆除违法建筑的，由镇人民政府协调供电企业对其停电。",
                  "本办法自2026年12月1日起施行，有效期五年。")
    assert _pairs(text, content_rules, catalog) == [("C.ULTRA_VIRES", "第三条"), ("C.COERCION", "第四条")]


NEAR_MISSES = [
    ("ultra-vires.town-directs-upper", "社区居民委员会应当每月组织一次环境卫生检查。"),
    ("ultra-vires.town-directs-upper", "小区物业服务中心应当做好电动自行车集中充电场所的日常管理。"),
    ("coercion.utilities", "新建住宅小区的电动自行车集中充电设施应当具备充满自动断电功能。"),
    ("coercion.utilities", "充电桩应当具备过载断电保护装置。"),
]


@pytest.mark.parametrize(("rule_id", "text"), NEAR_MISSES)
def test_near_misses_are_lawful_examples_kept_clean_by_the_lexicon(rule_id, text, content_rules, catalog,
                                                                  monkeypatch):
    from tests.review.test_rule_examples import run_example

    rule = next(r for r in content_rules if r.id == rule_id)
    assert text in rule.examples.lawful
    assert run_example(rule, text, catalog) == []
    monkeypatch.setattr(checks.patterns, "on_word_boundaries", lambda *a: True)  # matching strings, not words
    assert [f.code for f in run_example(rule, text, catalog)] == [rule.code]
