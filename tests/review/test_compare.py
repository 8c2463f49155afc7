"""Comparison with the upper-level law (assistant/review/compare.py): duties the law forbids to compel, filings
examined on substance, approvals the law gives to a higher authority."""

from assistant.kb.powers import PowerTable, extract
from assistant.models import Article, Clause, Level
from assistant.review.checks.compare import check_competence, forbidden_duty
from assistant.review.context import ReviewContext
from assistant.review.rules import load_rules


def _law(title: str, label: str, number: int, text: str) -> Article:
    return Article(id=f"{title}:{number}", instrument_id=title, instrument_title=title, number=number, label=label,
                   text=text, level=Level.LAW)


LAW = _law("中华人民共和国招标投标法", "第十二条", 12, "招标人具有编制招标文件和组织评标能力的，可以自行办理招标事宜。"
           "任何单位和个人不得强制其委托招标代理机构办理招标事宜。")
TABLE = PowerTable(extract(LAW, LAW.instrument_title, Level.LAW, None))


def test_a_mandate_the_law_forbids_to_compel_is_found():
    row = forbidden_duty("村级集体投资项目，建设单位应当委托招标代理公司编制招标文件并组织招标。", TABLE)
    assert row is not None and row.article == "第十二条"


def test_a_choice_a_permission_or_the_issuer_binding_itself_is_no_compulsion():
    assert forbidden_duty("建设单位可以自行组织招标，也可以委托招标代理机构办理招标事宜。", TABLE) is None
    assert forbidden_duty("建设单位应当按规定自行组织招标，或者委托招标代理机构代理招标。", TABLE) is None
    assert forbidden_duty("建设单位委托具有相应资质的招标代理机构进行代理招标。", TABLE) is None  # 相应 is no 应
    assert forbidden_duty("区住房保障局应当委托招标代理机构办理招标事宜。", TABLE) is None


def test_a_town_approving_what_the_law_gives_to_the_county_planning_department(monkeypatch):
    law = _law("中华人民共和国城乡规划法", "第四十四条", 44,
               "在城市、镇规划区内进行临时建设的，应当经城市、县人民政府城乡规划主管部门批准。")
    table = PowerTable(extract(law, law.instrument_title, Level.LAW, None))
    monkeypatch.setattr("assistant.review.checks.compare._table", lambda ctx: table)
    rule = load_rules().get("compare.competence")
    text = "在镇规划区内进行临时建设的，须报镇人民政府审批同意后方可施工。"
    clause = Clause(location="第六条", number=6, text=text)
    town = ReviewContext.from_text(text, object(), issuer="某县某镇人民政府", clauses=[clause])
    (f,) = check_competence(rule, rule.options, clause, town)
    assert (f.code, f.location) == ("C.ULTRA_VIRES", "第六条")
    assert f.compared_with[0].instrument == "中华人民共和国城乡规划法" and f.compared_with[0].article == "第四十四条"
    # a county document giving the town the department's approval is beyond its powers too …
    county = ReviewContext.from_text(text, object(), issuer="某县人民政府", clauses=[clause])
    assert [f.code for f in check_competence(rule, rule.options, clause, county)] == ["C.ULTRA_VIRES"]
    # … but not one that leaves it with the county's department
    own = "在镇规划区内进行临时建设的，须报县自然资源和规划局审批同意后方可施工。"
    clause = Clause(location="第六条", number=6, text=own)
    county = ReviewContext.from_text(own, object(), issuer="某县人民政府", clauses=[clause])
    assert check_competence(rule, rule.options, clause, county) == []
