"""A duty the draft imposes that the law forbids anyone to compel (assistant/review/compare.py)."""

from assistant.kb.powers import PowerTable, extract
from assistant.models import Article, Clause, Level
from assistant.review.compare import contradictions, forbidden_duty

LAW = Article(id="招标投标法:12", instrument_id="招标投标法", instrument_title="中华人民共和国招标投标法", number=12,
              label="第十二条", text="招标人具有编制招标文件和组织评标能力的，可以自行办理招标事宜。"
                                   "任何单位和个人不得强制其委托招标代理机构办理招标事宜。", level=Level.LAW)
TABLE = PowerTable(extract(LAW, "中华人民共和国招标投标法", Level.LAW, None))


def test_a_mandate_the_law_forbids_to_compel_is_found_at_its_clause_with_the_article_compared():
    clauses = [Clause(location="第七条", number=7, text="村级集体投资项目，建设单位应当委托招标代理公司编制招标文件并组织招标。"),
               Clause(location="第八条", number=8, text="招标结果应当在村务公开栏公示。")]
    (f,) = contradictions(clauses, TABLE)
    assert (f.code, f.location) == ("C.OBLIGATION", "第七条")
    assert f.compared_with[0].article == "第十二条" and f.basis[0].verified


def test_a_choice_or_a_permission_is_no_compulsion():
    assert forbidden_duty("建设单位可以自行组织招标，也可以委托招标代理机构办理招标事宜。", TABLE) is None
    assert forbidden_duty("建设单位应当按规定自行组织招标，或者委托招标代理机构代理招标。", TABLE) is None
    # 应 inside 相应 is no mandate
    assert forbidden_duty("建设单位委托具有相应资质的招标代理机构进行代理招标。", TABLE) is None


def test_an_authority_binding_itself_compels_no_one():
    assert forbidden_duty("区住房保障局应当委托招标代理机构办理招标事宜。", TABLE) is None
