"""The competence table: powers read from the law's own sentences (assistant/kb/powers.py)."""

from assistant.kb.powers import PowerTable, extract, sector_of, tier_of, with_terms
from assistant.models import Article, Level


def _article(text: str, label: str = "第三十三条", number: int = 33) -> Article:
    return Article(id=f"某条例:{number}", instrument_id="某条例", instrument_title="烟花爆竹安全管理条例", number=number,
                   label=label, text=text, paragraphs=[text], level=Level.ADMIN_REGULATION)


def test_tiers_of_authorities_named_by_the_law():
    assert tier_of("县级以上地方人民政府公安部门") == "county"
    assert tier_of("乡（镇）人民政府") == "town"
    assert tier_of("省、自治区、直辖市人民政府") == "provincial"
    assert tier_of("国务院") == "national"
    assert tier_of("公安机关") == "department"
    assert sector_of("县级以上地方人民政府公安部门") == "公安"
    assert sector_of("乡（镇）人民政府") is None


def test_a_permit_given_to_the_police_is_read_with_its_authority_and_sentence():
    art = _article("举办焰火晚会以及其他大型焰火燃放活动，应当按照举办的时间、地点、环境、活动性质、规模以及燃放烟花爆竹的"
                   "种类、规格和数量，确定危险等级，实行分级管理。申请举办焰火晚会以及其他大型焰火燃放活动，主办单位应当"
                   "按照分级管理的规定，向有关人民政府公安部门提出申请。")
    rows = extract(art, "烟花爆竹安全管理条例", Level.ADMIN_REGULATION, None)
    assert [(r.authority, r.tier, r.sector, r.action, r.role) for r in rows] == [
        ("有关人民政府公安部门", "department", "公安", "approve", "向")]
    assert rows[0].citation == "《烟花爆竹安全管理条例》第三十三条"


def test_two_authorities_of_one_sentence_and_several_actions():
    art = _article("适龄儿童因身体状况需要延缓入学的，由当地乡镇人民政府或者县级人民政府教育行政部门批准。"
                   "违反本条例规定的，由县级以上地方人民政府城乡规划主管部门责令改正，处一万元以上五万元以下的罚款。",
                   label="第十一条", number=11)
    rows = extract(art, "某条例", Level.ADMIN_REGULATION, None)
    got = [(r.tier, r.action) for r in rows]
    assert ("town", "approve") in got and ("county", "approve") in got
    assert ("county", "order") in got and ("county", "penalty") in got


def test_a_sentence_without_an_authority_gives_no_power():
    art = _article("设立其他高等教育机构，应当具备法定条件。")
    assert extract(art, "某法", Level.LAW, None) == []


def test_find_by_matter_not_by_authority_words():
    rows = extract(_article("农村村民住宅用地，由乡（镇）人民政府审核批准。", "第六十二条", 62), "中华人民共和国土地管理法",
                   Level.LAW, None)
    rows += extract(_article("在城市、镇规划区内进行临时建设的，应当经城市、县人民政府城乡规划主管部门批准。", "第四十四条", 44),
                    "中华人民共和国城乡规划法", Level.LAW, None)
    table = PowerTable(rows)
    hits = table.find("在镇规划区内进行临时建设的，须经镇规划办审批同意")
    assert [p.article for p, _ in hits] == ["第四十四条"]
    assert [p.article for p, _ in table.find("农村村民建房须经镇人民政府审批")] == ["第六十二条"]
    assert table.find("镇人民政府审批") == []  # authority and action words alone are no matter


def test_prohibitions_of_compulsion_are_kept_with_what_they_forbid():
    art = _article("招标人有权自行选择招标代理机构，委托其办理招标事宜。任何单位和个人不得以任何方式为招标人指定招标代理机构。"
                   "招标人具有编制招标文件和组织评标能力的，可以自行办理招标事宜。任何单位和个人不得强制其委托招标代理机构办理招标事宜。",
                   "第十二条", 12)
    rows = [r for r in extract(art, "中华人民共和国招标投标法", Level.LAW, None) if r.action == "forbid"]
    assert [(r.authority, r.matter) for r in rows] == [
        ("任何单位和个人", "指定招标代理机构"), ("任何单位和个人", "强制其委托招标代理机构办理招标事宜")]


def test_a_licence_handed_in_among_the_papers_is_not_the_approval_required():
    from assistant.kb.powers import licence_in_law

    table = PowerTable(extract(_article("旅行社经营国内旅游业务，应当向旅游主管部门申请取得旅行社业务经营许可。", "第二十八条", 28),
                               "中华人民共和国旅游法", Level.LAW, None))
    assert licence_in_law("从事旅行社业务的，应当依法取得《旅行社业务经营许可证》。", table) is not None
    # the papers of an application to the issuer's own list: the law's licence among them, the gate the issuer's
    assert licence_in_law("拟承接研学活动的机构，应当提交营业执照、旅行社业务经营许可证、课程方案等材料，经县教育局审核同意"
                          "入库后，方可承接研学活动。", table) is None


def test_a_lead_in_takes_the_conduct_of_the_items_it_lists_as_its_matter():
    art = _article("违反本条例规定，有下列行为之一的，由县级以上地方人民政府水行政主管部门责令停止违法行为，限期恢复原状或者"
                   "采取补救措施：（一）堆放阻碍农田水利工程设施蓄水、输水、排水的物体；（二）建设妨碍农田水利工程设施蓄水、"
                   "输水、排水的建筑物和构筑物。", "第四十三条", 43)
    rows = with_terms(extract(art, "农田水利条例", Level.ADMIN_REGULATION, None))
    assert {"堆放", "输水", "构筑物"} <= set(rows[0].terms)  # the items' words, not the lead-in's alone
    table = PowerTable(rows)
    hits = table.find("在灌溉渠道内堆放阻碍输水的物体的，由镇农业农村综合服务中心责令停止违法行为", actions=["order"])
    assert [(p.article, p.tier) for p, _ in hits] == [("第四十三条", "county")]
