"""The citations suite, LawBench 1-1 / 3-2 and LexEval 1-2 on tiny hand-made data and a tiny catalog."""

from __future__ import annotations

from datetime import date

import pytest

from evals import citations, lawbench, lexeval
from evals.base import RunConfig, RunContext
from assistant.models import Citation, CitationStatus


# -- citations ------------------------------------------------------------------------------------------

def test_citation_cases_from_gold_and_traps(evaldata):
    cases = citations.load_cases(evaldata / "qa-admin" / "dev.jsonl")
    assert {c.id: c.gold["exists"] for c in cases} == {
        "ok:中华人民共和国行政处罚法第十六条": True,
        "trap:q2:行政处罚法第二百条": False,
        "ok:中华人民共和国民法典第五十四条": True,
        "ok:中华人民共和国行政处罚法第十条": True,
    }


def test_prepare_adds_a_past_the_end_negative_per_instrument(evaldata, tiny_catalog):
    cases = citations.prepare(citations.load_cases(evaldata / "qa-admin" / "dev.jsonl"), RunContext(catalog=tiny_catalog))
    past = [c for c in cases if c.meta["kind"] == "past_end"]
    assert [(c.input["instrument"], c.input["article"]) for c in past] == [
        ("中华人民共和国行政处罚法", "第十七条"), ("中华人民共和国民法典", "第五十五条")]


def test_verdicts_and_rates():
    ok = citations.EvalCase(id="ok", input={}, gold={"exists": True}, meta={"kind": "exists"})
    neg = citations.EvalCase(id="neg", input={}, gold={"exists": False}, meta={"kind": "nonexistent"})
    verified = Citation(text="x", verified=True, status=CitationStatus.VERIFIED, quote="条文")
    missing = Citation(text="x", verified=False, status=CitationStatus.NO_SUCH_ARTICLE)
    items = [citations.score_case(ok, verified), citations.score_case(ok, missing),
             citations.score_case(neg, missing), citations.score_case(neg, verified)]
    assert [it.score for it in items] == [1.0, 0.0, 1.0, 0.0]
    m = citations.metrics(items)
    assert m["false_accept_rate"] == 0.5 and m["false_reject_rate"] == 0.5 and m["accuracy"] == 0.5
    assert m["quote_rate"] == 0.5
    assert citations.score_case(ok, {"verified": True}).score == 1.0
    assert citations.score_case(neg, None).score == 1.0


# -- LawBench 1-1 -----------------------------------------------------------------------------------------

def test_recitation_lookup_is_exact_on_items_in_the_kb(evaldata, tiny_catalog):
    ctx = RunContext(RunConfig(), catalog=tiny_catalog)
    cases = lawbench.load_recitation(evaldata / "lawbench" / "zero_shot" / "1-1.json")
    assert cases[0].input["title"] == "民法商法农民专业合作社法" and cases[0].meta["law"] == "农民专业合作社法"
    predict = lawbench.system_recitation(ctx)
    cases = lawbench.prepare_recitation(cases, ctx)
    assert cases[2].skip == "知识库未收录该法：社会法慈善法"
    items = [lawbench.score_recitation(c, predict(c), ctx) for c in cases if not c.skip]
    # The 民法典 article has two paragraphs; LawBench joins them with "," — equal after normalising.
    assert [it.scores["exact_match"] for it in items] == [1.0, 1.0]
    m = lawbench.metrics_recitation(items)
    assert m["exact_match"] == 1.0 and m["wrong_article_rate"] == 0.0


def test_recitation_scores_wrong_and_missing_text():
    case = lawbench.EvalCase(id="x", input={}, gold={"text": "民事主体从事民事活动，应当遵循自愿原则。"})
    wrong = lawbench.score_recitation(case, "自然人从事工商业经营，经依法登记，为个体工商户。")
    assert wrong.scores["exact_match"] == 0.0 and wrong.scores["wrong_article"] == 1.0
    missing = lawbench.score_recitation(case, "")
    assert missing.scores["not_found"] == 1.0 and missing.scores["wrong_article"] == 0.0
    near = lawbench.score_recitation(case, "民事主体从事民事活动应当遵循自愿原则")
    assert near.scores["exact_match"] == 1.0  # punctuation only
    longer = lawbench.score_recitation(case, "答：民事主体从事民事活动，应当遵循自愿原则。这是基本原则。")
    assert longer.scores["exact_match"] == 0.0 and longer.scores["quote_contained"] == 1.0


# -- LawBench 3-2 -----------------------------------------------------------------------------------------

def test_cited_gold_and_answer_scoring(evaldata, tiny_catalog):
    ctx = RunContext(catalog=tiny_catalog)
    cases = lawbench.prepare_cited(lawbench.loader_cited("3-2")(evaldata / "lawbench" / "zero_shot" / "3-2.json"), ctx)
    assert cases[0].gold["keys"] == ["行政处罚法第十六条"] and cases[0].skip is None
    r = lawbench.score_cited(cases[0], "依据《中华人民共和国行政处罚法》第十六条，其他规范性文件不得设定行政处罚。", ctx)
    assert r.scores["gold_citation_recall"] == 1.0 and r.scores["rouge_l"] > 0.5
    bad = lawbench.score_cited(cases[0], "依据《行政处罚法》第三百条。", ctx)
    assert bad.detail["fabricated"] == ["行政处罚法第三百条"] and bad.score == 0.0
    assert lawbench.metrics_cited([r, bad])["fabricated_citation_rate"] == 0.5


# -- LexEval 1-2 ------------------------------------------------------------------------------------------

def test_lexeval_lookup_picks_the_article_text(evaldata, tiny_catalog):
    ctx = RunContext(catalog=tiny_catalog)
    cases = lexeval.load_cases(evaldata / "lexeval" / "1_2.json")
    assert cases[0].input["title"] == "中华人民共和国民法" and cases[0].gold == {"answer": "B"}
    predict = lexeval.system(ctx)
    cases = lexeval.prepare(cases, ctx)
    assert cases[1].skip is not None  # 刑法 is not in the tiny catalog
    r = lexeval.score_case(cases[0], predict(cases[0]))
    assert r.score == 1.0 and r.detail["predicted"] == "B"


@pytest.mark.parametrize("prediction, letters", [
    ({"answer": "B"}, "B"), ("答案是 A、C", "AC"), ("", ""), ({"answer": "D", "similarity": 0.9}, "D"),
])
def test_predicted_letters(prediction, letters):
    assert lexeval.predicted_letters(prediction) == letters


def test_recitation_separates_laws_revised_after_lawbench(evaldata, tiny_catalog):
    title = "中华人民共和国农民专业合作社法"
    inst = tiny_catalog.get_instrument(title)
    tiny_catalog.upsert(inst.model_copy(update={"promulgation_date": date(2025, 1, 1)}), tiny_catalog.articles_of(title))
    ctx = RunContext(RunConfig(), catalog=tiny_catalog)
    predict = lawbench.system_recitation(ctx)
    cases = [c for c in lawbench.prepare_recitation(lawbench.load_recitation(
        evaldata / "lawbench" / "zero_shot" / "1-1.json"), ctx) if not c.skip]
    assert [c.meta["revised_after_lawbench"] for c in cases] == [True, False]
    wrong = {cases[0].id: "另一版本的条文内容", cases[1].id: None}
    items = [lawbench.score_recitation(c, wrong[c.id] or predict(c)) for c in cases]
    m = lawbench.metrics_recitation(items)
    assert m["exact_match"] == 0.5 and m["exact_match_unrevised"] == 1.0
    assert lawbench.breakdowns_recitation(items)["per_version"]["revised_after_lawbench"]["items"] == 1
    later = RunContext(RunConfig(options={"asof": "2026-01-01"}), catalog=tiny_catalog)
    assert not any(c.meta.get("revised_after_lawbench") for c in lawbench.prepare_recitation(cases, later))
