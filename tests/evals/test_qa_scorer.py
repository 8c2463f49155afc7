"""Answer scoring: gold-citation recall, precision, fabricated citations, must_say, traps."""

from __future__ import annotations

import pytest

from evals.base import RunContext
from evals.qa import cited_articles, load_cases, metrics, score_case
from evals.cite import Resolver
from assistant.models import Answer, Citation, CitationStatus


@pytest.fixture
def cases(evaldata):
    return {c.id: c for c in load_cases(evaldata / "qa-admin" / "dev.jsonl")}


@pytest.fixture
def ctx(tiny_catalog):
    return RunContext(catalog=tiny_catalog)


def answer(text: str, **kw) -> Answer:
    return Answer(question="q", answer=text, **kw)


def test_perfect_answer(cases, ctx):
    r = score_case(cases["q1"], answer("依据《中华人民共和国行政处罚法》第十六条，其他规范性文件不得设定行政处罚。"), ctx)
    assert r.scores["gold_citation_recall"] == 1.0
    assert r.scores["citation_precision"] == 1.0
    assert r.scores["must_say_coverage"] == 1.0
    assert r.detail["fabricated"] == []
    assert r.score == 1.0


def test_empty_answer(cases, ctx):
    r = score_case(cases["q1"], answer(""), ctx)
    assert r.scores["gold_citation_recall"] == 0.0
    assert r.scores["citation_precision"] is None
    assert r.scores["must_say_coverage"] == 0.0
    assert r.scores["answered"] == 0.0
    assert score_case(cases["q1"], None, ctx).score == 0.0


def test_partly_right_short_title_and_an_extra_article(cases, ctx):
    r = score_case(cases["q1"], answer("行政处罚法第十六条和《民法典》第五条都相关。"), ctx)
    assert r.scores["gold_citation_recall"] == 1.0
    assert r.scores["citation_precision"] == 0.5
    assert r.scores["must_say_coverage"] == 0.0
    assert r.score == 0.5


def test_a_citation_the_kb_lacks_is_fabricated_unless_marked(cases, ctx):
    r = score_case(cases["q1"], answer("见《中华人民共和国行政处罚法》第十六条和《行政处罚法》第九十九条。"), ctx)
    assert r.detail["fabricated"] == ["行政处罚法第九十九条"]
    assert r.score == 0.0  # a fabricated citation zeroes the item
    marked = score_case(cases["q1"], answer("见《行政处罚法》第十六条；《行政处罚法》第九十九条〔未核实：知识库中没有该条〕。"), ctx)
    assert marked.detail["fabricated"] == []
    listed = answer("见《行政处罚法》第十六条和《行政处罚法》第九十九条。",
                    unverified=[Citation(text="《行政处罚法》第九十九条", instrument="中华人民共和国行政处罚法",
                                         article="第九十九条", article_no=99, status=CitationStatus.NO_SUCH_ARTICLE)])
    assert score_case(cases["q1"], listed, ctx).detail["fabricated"] == []


def test_without_a_catalog_the_systems_own_verification_decides(cases):
    ctx = RunContext()
    pred = answer("见《行政处罚法》第十六条和《行政处罚法》第九十九条。", citations=[
        Citation(text="《行政处罚法》第十六条", instrument="中华人民共和国行政处罚法", article="第十六条", article_no=16, verified=True),
        Citation(text="《行政处罚法》第九十九条", instrument="中华人民共和国行政处罚法", article="第九十九条", article_no=99,
                 verified=False, status=CitationStatus.NO_SUCH_ARTICLE),
    ])
    cited = {c["key"]: c for c in cited_articles(pred, Resolver())}
    assert cited["行政处罚法第十六条"]["exists"] is True
    assert cited["行政处罚法第九十九条"]["fabricated"] is True


def test_nonexistent_article_trap(cases, ctx):
    good = score_case(cases["q2"], answer("行政处罚法第二百条并不存在，该法共八十六条。"), ctx)
    assert good.scores["trap_pass"] == 1.0 and good.detail["fabricated"] == []
    bad = score_case(cases["q2"], answer("行政处罚法第二百条规定，罚款最高十万元。"), ctx)
    assert bad.scores["trap_pass"] == 0.0
    assert bad.detail["fabricated"] == ["行政处罚法第二百条"]


def test_false_premise_trap_automatic_part(cases, ctx):
    good = score_case(cases["q4"], answer("不能。限制人身自由的行政处罚，只能由法律设定（《行政处罚法》第十条）。"), ctx)
    assert good.scores["trap_pass"] == 1.0
    no_citation = score_case(cases["q4"], answer("只能由法律设定。"), ctx)
    assert no_citation.scores["trap_pass"] == 0.0


def test_metrics_pool_the_fabricated_rate(cases, ctx):
    items = [
        score_case(cases["q1"], answer("《行政处罚法》第十六条：其他规范性文件不得设定行政处罚。"), ctx),
        score_case(cases["q3"], answer("《民法典》第五十四条；另见《民法典》第九百条。"), ctx),
        score_case(cases["q2"], answer("并不存在。"), ctx),
        score_case(cases["q4"], answer("没有依据。"), ctx),
    ]
    m = metrics(items)
    assert m["fabricated_citation_rate"] == pytest.approx(1 / 3)  # 3 cited, 1 fabricated
    assert m["gold_citation_recall"] == pytest.approx((1 + 1 + 0) / 3)
    assert m["nonexistent_trap_pass"] == 1.0
    assert m["false_premise_auto_pass"] == 0.0
    assert metrics([score_case(cases["q1"], answer("不知道。"), ctx)])["fabricated_citation_rate"] == 0.0
