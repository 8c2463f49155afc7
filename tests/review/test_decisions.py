"""The reviewer's decisions: findings kept, rejected with a reason, reworded, added by hand with a basis the citation
checker verifies; what is refused says what to fix; the JSON report carries each finding's id and decision."""

from __future__ import annotations

import json

import pytest

from assistant.errors import InputError
from assistant.models import Basis, Clause, DocType, Finding, ReviewReport, Rewrite, Severity
from assistant.review.decisions import (
    Action, AddedFinding, Decision, Decisions, FindingEdit, add_finding, check_decisions, decided, decision_counts,
    finding_ids, read_decisions,
)
from assistant.review.report import report_to_json_dict

PENALTY_LAW = "中华人民共和国行政处罚法"


@pytest.fixture
def report() -> ReviewReport:
    clauses = [Clause(location=f"第{n}条", number=i, text=t) for i, (n, t) in enumerate(
        [("一", "为了规范管理，制定本办法。"), ("二", "经营者应当缴纳保证金三千元。"), ("三", "违反本办法的，处二千元罚款。"),
         ("四", "经营者应当每月向县商务局报送经营数据。")], 1)]
    return ReviewReport(title="青禾县某办法", doc_type=DocType.NORMATIVE, clauses=clauses, findings=[
        Finding(code="P.PUBLIC_COMMENT", title="未向社会公开征求意见"),
        Finding(code="C.FEE", location="第二条", title="设立保证金", evidence="经营者应当缴纳保证金三千元。"),
        Finding(code="C.PENALTY", location="第三条", title="设定罚款", evidence="违反本办法的，处二千元罚款。",
                basis=[Basis(instrument=PENALTY_LAW, article="第十六条", verified=True)]),
    ])


def test_findings_have_stable_ids(report):
    assert finding_ids(report.findings) == ["P.PUBLIC_COMMENT", "C.FEE@第二条", "C.PENALTY@第三条"]
    twice = [*report.findings, report.findings[1]]
    assert finding_ids(twice)[-1] == "C.FEE@第二条#2"


def test_rejected_findings_leave_edits_apply_added_ones_take_their_place(report, catalog):
    added = add_finding(report, AddedFinding(code="C.OBLIGATION", location="第四条", title="增设报送义务",
                                             evidence="经营者应当每月向县商务局报送经营数据。",
                                             basis="《中华人民共和国行政许可法》第十六条"), catalog, user="张三")
    assert added.source == "reviewer:张三" and added.basis[0].verified and added.basis[0].article == "第十六条"
    decisions = Decisions(decisions=[
        Decision(finding="C.FEE@第二条", action=Action.REJECT, reason="上位法已有规定"),
        Decision(finding="C.PENALTY@第三条", action=Action.EDIT, edit=FindingEdit(
            suggestion="删除罚款。", severity=Severity.WARNING, rewrite=Rewrite(old="处二千元罚款", new="依法处理"))),
    ], added=[added])
    kept = decided(report, check_decisions(report, decisions)).findings
    assert [(f.code, f.location) for f in kept] == [("P.PUBLIC_COMMENT", None), ("C.PENALTY", "第三条"),
                                                    ("C.OBLIGATION", "第四条")]
    penalty = kept[1]
    assert (penalty.suggestion, penalty.severity, penalty.rewrite) == ("删除罚款。", Severity.WARNING,
                                                                       Rewrite(old="处二千元罚款", new="依法处理"))
    assert penalty.title == "设定罚款"  # what the edit leaves unset stays the engine's
    assert decision_counts(report, decisions) == {"accept": 0, "reject": 1, "edit": 1, "pending": 1, "added": 1}


def test_the_latest_decision_on_a_finding_counts(report):
    decisions = Decisions(decisions=[Decision(finding="C.FEE@第二条", action=Action.REJECT, reason="x"),
                                     Decision(finding="C.FEE@第二条", action=Action.ACCEPT)])
    assert [f.code for f in decided(report, decisions).findings] == ["P.PUBLIC_COMMENT", "C.FEE", "C.PENALTY"]


@pytest.mark.parametrize("decision, says", [
    (Decision(finding="C.FEE@第九条", action=Action.ACCEPT), "可用的编号：P.PUBLIC_COMMENT、C.FEE@第二条、C.PENALTY@第三条"),
    (Decision(finding="C.FEE@第二条", action=Action.REJECT), "须写明理由"),
    (Decision(finding="C.FEE@第二条", action=Action.EDIT, edit=FindingEdit()), "须给出修改后的内容"),
    (Decision(finding="C.FEE@第二条", action=Action.EDIT, edit=FindingEdit(rewrite=Rewrite(old="押金", new=""))),
     "修订的原文“押金”不在第二条中"),
])
def test_a_decision_that_cannot_hold_is_refused_saying_why(report, decision, says):
    with pytest.raises(InputError, match=says):
        check_decisions(report, Decisions(decisions=[decision]))


@pytest.mark.parametrize("spec, says", [
    (AddedFinding(code="C.NOPE", location="第二条", basis="《中华人民共和国行政处罚法》第十六条"), "问题代码“C.NOPE”无效"),
    (AddedFinding(code="P.EXPERT", location="第二条", basis="《中华人民共和国行政处罚法》第十六条"), "不填条款位置"),
    (AddedFinding(code="C.PENALTY", location="第九条", basis="《中华人民共和国行政处罚法》第十六条"),
     "草案中没有“第九条”；可用的位置：第一条、第二条、第三条、第四条"),
    (AddedFinding(code="C.PENALTY", location="第三条", basis="《中华人民共和国行政处罚法》第二百条"),
     r"法律依据未通过核对：《中华人民共和国行政处罚法》第二百条（《中华人民共和国行政处罚法》共八十六条，没有第二百条）"),
    (AddedFinding(code="C.PENALTY", location="第三条", basis="行政处罚法"), "未识别出任何条文引用"),
    (AddedFinding(code="C.PENALTY", location="第三条", basis="《中华人民共和国行政处罚法》第十六条", evidence="处五万元罚款"),
     "所引原文不在第三条中"),
])
def test_an_added_finding_is_checked_before_it_is_kept(report, catalog, spec, says):
    with pytest.raises(InputError, match=says):
        add_finding(report, spec, catalog)


def test_decisions_are_read_from_a_file_and_the_json_report_carries_them(report, catalog):
    data = json.dumps({
        "decisions": [{"finding": "C.FEE@第二条", "action": "reject", "reason": "上位法已有规定"},
                      {"finding": "P.PUBLIC_COMMENT", "action": "accept"}],
        "added": [{"code": "C.OBLIGATION", "location": "第四条", "basis": "《中华人民共和国行政许可法》第十六条"}],
    }, ensure_ascii=False)
    decisions = read_decisions(data, report, catalog, user="李四")
    assert {d.user for d in decisions.decisions} == {"李四"} and decisions.added[0].title == "减损权利增加义务"
    out = report_to_json_dict(report, decisions)
    assert [(f["id"], f["decision"], f["reason"]) for f in out["findings"]] == [
        ("P.PUBLIC_COMMENT", "accept", None), ("C.FEE@第二条", "reject", "上位法已有规定"),
        ("C.PENALTY@第三条", "pending", None), ("C.OBLIGATION@第四条", "added", None)]
    assert out["decisions"] == {"accept": 1, "reject": 1, "edit": 0, "pending": 1, "added": 1}
    # the saved form reads back too
    assert read_decisions(decisions.model_dump_json(), report, catalog) == decisions


def test_a_malformed_decisions_file_says_what_it_should_look_like(report, catalog):
    with pytest.raises(InputError, match="审查决定文件格式有误"):
        read_decisions('{"decisions": [{"finding": "C.FEE@第二条", "action": "maybe"}]}', report, catalog)
