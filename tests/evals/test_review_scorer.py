"""The review scorer on hand-made predictions whose scores are known."""

from __future__ import annotations

import pytest

from evals.base import EvalCase
from evals.review import (
    breakdowns,
    load_cases,
    match_findings,
    metrics,
    normalize_location,
    reported_findings,
    score_case,
)
from assistant.models import DocType, Finding, ReviewReport, Severity

GOLD = [{"code": "C.PENALTY", "location": "第七条"}, {"code": "C.FEE", "location": "第十条"}, {"code": "P.PUBLIC_COMMENT"}]
CLEAN = ["第二条", "第三条"]


def case(gold=GOLD, clean=CLEAN, cid="c", doc_type="normative") -> EvalCase:
    return EvalCase(id=cid, input={"path": "unused"}, gold={"findings": gold, "clean": clean}, meta={"doc_type": doc_type})


def report(*findings: tuple[str, str | None], reminders: tuple = ()) -> ReviewReport:
    return ReviewReport(
        title="t", doc_type=DocType.NORMATIVE,
        findings=[Finding(code=c, location=loc, title=c) for c, loc in findings],
        reminders=[Finding(code=c, location=None, title=c, severity=Severity.REMINDER) for c in reminders],
    )


@pytest.mark.parametrize("written, canonical", [
    ("第七条", "第7条"), ("第7条", "第7条"), ("第 七 条", "第7条"), ("第七条第二款", "第7条"), ("第３段", "第3段"),
    ("第十条之一", "第10条之1"), (None, None), ("附件", "附件"),
])
def test_normalize_location(written, canonical):
    assert normalize_location(written) == canonical


def test_perfect_prediction():
    r = score_case(case(), report(("C.PENALTY", "第七条"), ("C.FEE", "第10条"), ("P.PUBLIC_COMMENT", None)))
    assert r.scores == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert r.detail["missed"] == [] and r.detail["spurious"] == [] and r.detail["false_alarms"] == []


def test_empty_prediction():
    r = score_case(case(), report())
    assert r.scores == {"precision": None, "recall": 0.0, "f1": 0.0}
    assert [m["code"] for m in r.detail["missed"]] == ["C.PENALTY", "C.FEE", "P.PUBLIC_COMMENT"]
    assert score_case(case(), None).scores["recall"] == 0.0  # a crashed system scores as empty


def test_nothing_due_and_nothing_reported_is_a_perfect_case():
    r = score_case(case(gold=[]), report())
    assert r.score == 1.0


def test_partly_right():
    # One right, one at the wrong clause, one on a clean clause, one procedure finding missed.
    r = score_case(case(), report(("C.PENALTY", "第七条"), ("C.FEE", "第十一条"), ("C.OBLIGATION", "第二条")))
    assert r.scores["precision"] == pytest.approx(1 / 3)
    assert r.scores["recall"] == pytest.approx(1 / 3)
    assert r.detail["location_mismatches"] == [{"code": "C.FEE", "gold": "第十条", "reported": "第十一条"}]
    assert r.detail["false_alarms"] == [{"code": "C.OBLIGATION", "location": "第二条"}]
    assert {m["code"] for m in r.detail["missed"]} == {"C.FEE", "P.PUBLIC_COMMENT"}


def test_duplicate_predictions_are_spurious():
    r = score_case(case(gold=[{"code": "C.PENALTY", "location": "第七条"}], clean=[]),
                   report(("C.PENALTY", "第七条"), ("C.PENALTY", "第7条"), ("C.PENALTY", "第七条第二款")))
    assert len(r.detail["matched"]) == 1
    assert len(r.detail["spurious"]) == 2
    assert r.scores["precision"] == pytest.approx(1 / 3)
    assert r.scores["recall"] == 1.0


def test_procedure_gold_matches_any_location_but_only_once():
    gold = [{"code": "P.PUBLIC_COMMENT"}]
    r = score_case(case(gold=gold, clean=[]), report(("P.PUBLIC_COMMENT", "第一条"), ("P.PUBLIC_COMMENT", None)))
    assert r.detail["matched"] == [{"code": "P.PUBLIC_COMMENT", "location": None, "reported_location": None}]
    assert len(r.detail["spurious"]) == 1


def test_located_gold_needs_the_same_location():
    r = match_findings([{"code": "C.FEE", "location": "第3段"}], [{"code": "C.FEE", "location": None}])
    assert r["matched"] == [] and len(r["spurious"]) == 1


def test_unknown_codes_are_spurious_and_counted():
    r = score_case(case(), report(("C.PENALTY", "第七条"), ("X.MADE_UP", "第九条")))
    assert r.detail["unknown_codes"] == [{"code": "X.MADE_UP", "location": "第九条"}]
    assert r.scores["precision"] == 0.5


def test_reminders_are_not_scored():
    pred = report(("C.PENALTY", "第七条"), reminders=("R.AFTER_DECISION",))
    pred.findings.append(Finding(code="R.AFTER_DECISION", title="公布", severity=Severity.REMINDER))
    assert reported_findings(pred) == [{"code": "C.PENALTY", "location": "第七条"}]
    # The JSON form of `fashen review --format json` works too.
    assert reported_findings({"findings": [{"code": "C.FEE", "location": "第十条"}], "reminders": [{"code": "R.X"}]}) == [
        {"code": "C.FEE", "location": "第十条"}]


def test_aggregate_metrics_and_per_code_breakdown():
    items = [
        score_case(case(cid="a"), report(("C.PENALTY", "第七条"), ("C.FEE", "第十条"), ("P.PUBLIC_COMMENT", None))),
        score_case(case(cid="b"), report(("C.PENALTY", "第七条"), ("C.OBLIGATION", "第二条"))),
        score_case(case(cid="c", gold=[], clean=["第一条"]), report()),
    ]
    m = metrics(items)
    # matched 3 + 1, reported 3 + 2, gold 3 + 3
    assert m["precision"] == pytest.approx(4 / 5)
    assert m["recall"] == pytest.approx(4 / 6)
    assert m["clean_false_alarms"] == 1.0
    assert m["clean_false_alarm_rate"] == pytest.approx(1 / 5)  # clean clauses: 2 + 2 + 1
    assert m["case_exact"] == pytest.approx(2 / 3)
    assert m["procedure_recall"] == 0.5 and m["content_recall"] == pytest.approx(3 / 4)
    per_code = breakdowns(items)["per_code"]
    assert per_code["C.PENALTY"] == {"gold": 2, "reported": 2, "matched": 2, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert per_code["C.FEE"]["recall"] == 0.5 and per_code["C.FEE"]["precision"] == 1.0
    assert per_code["C.OBLIGATION"]["precision"] == 0.0 and per_code["C.OBLIGATION"]["recall"] is None
    assert per_code["C.VALIDITY"] == {"gold": 0, "reported": 0, "matched": 0, "precision": None, "recall": None, "f1": None}
    # macro recall over codes with gold: PENALTY 1, FEE 0.5, PUBLIC_COMMENT 0.5
    assert m["macro_recall"] == pytest.approx((1 + 0.5 + 0.5) / 3)


def test_load_cases(evaldata):
    cases = load_cases(evaldata / "review" / "cases")
    assert [c.id for c in cases] == ["c1", "c2", "c3"]
    assert cases[0].gold == {"findings": [{"code": "C.PENALTY", "location": "第七条"},
                                          {"code": "P.PUBLIC_COMMENT", "location": None}], "clean": ["第二条"]}
    assert cases[1].meta["doc_type"] == "major_decision"


def test_a_document_without_a_dossier_is_scored_on_content_codes_only():
    from evals.base import EvalCase
    from evals.review import score_case

    case = EvalCase(id="real", input={}, gold={"findings": [{"code": "C.PENALTY", "location": "第七条"}], "clean": []},
                    meta={"score_procedures": False})
    report = {"findings": [{"code": "P.DRAFT_NOTE", "location": None}, {"code": "C.PENALTY", "location": "第七条"}]}
    item = score_case(case, report)
    assert item.scores == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
