"""Comparison with the upper-level law (assistant/review/compare.py): duties the law forbids to compel, filings
examined on substance, approvals the law gives to a higher authority."""

import pytest

from assistant.kb.powers import PowerTable, extract
from assistant.models import Article, Clause, Level
from assistant.review.checks.compare import check_competence, forbidden_duty
from assistant.review.checks.threshold import check_threshold
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


@pytest.fixture
def temporary_works(monkeypatch):
    """The competence rule, with a table of 城乡规划法第四十四条 (临时建设 approved by the county's planning department)."""
    law = _law("中华人民共和国城乡规划法", "第四十四条", 44,
               "在城市、镇规划区内进行临时建设的，应当经城市、县人民政府城乡规划主管部门批准。")
    table = PowerTable(extract(law, law.instrument_title, Level.LAW, None))
    monkeypatch.setattr(ReviewContext, "powers", lambda self: table)
    return load_rules().get("compare.competence")


def test_a_town_approving_what_the_law_gives_to_the_county_planning_department(temporary_works):
    rule = temporary_works
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


def test_a_lead_in_exercising_the_power_is_found_there_and_not_again_at_each_item(temporary_works):
    rule = temporary_works
    texts = ["某镇临时建设管理方案", "在镇规划区内进行下列临时建设的，须报镇人民政府审批同意后方可施工：",
             "（一）搭建临时售楼处；", "（二）设置临时工棚。"]
    clauses = [Clause(location=f"第{i}段", number=i, text=t) for i, t in enumerate(texts, 1)]
    ctx = ReviewContext.from_text("\n".join(texts), object(), issuer="某县某镇人民政府", clauses=clauses)
    assert [f.location for c in clauses for f in check_competence(rule, rule.options, c, ctx)] == ["第2段"]


def test_a_county_granting_what_the_law_gives_the_province(monkeypatch):
    law = Article(id="殡葬管理条例:8", instrument_id="殡葬管理条例", instrument_title="殡葬管理条例", number=8, label="第八条",
                  level=Level.ADMIN_REGULATION,
                  text="建设殡仪服务站、骨灰堂，由县级人民政府和设区的市、自治州人民政府的民政部门审批；建设公墓，经县级人民政府"
                       "和设区的市、自治州人民政府的民政部门审核同意后，报省、自治区、直辖市人民政府民政部门审批。")
    table = PowerTable(extract(law, law.instrument_title, Level.ADMIN_REGULATION, None))
    monkeypatch.setattr(ReviewContext, "powers", lambda self: table)
    rule = load_rules().get("compare.competence")

    def found(text: str) -> list[tuple[str, str]]:
        clause = Clause(location="第四条", number=4, text=text)
        ctx = ReviewContext.from_text(text, object(), issuer="某县民政局", clauses=[clause])
        return [(f.code, f.compared_with[0].article) for f in check_competence(rule, rule.options, clause, ctx)]

    assert found("建设经营性公墓，由县民政局审批；审批通过的，报市民政局备案。") == [("C.ULTRA_VIRES", "第八条")]
    assert found("建设殡仪服务站、骨灰堂，由县民政局审批。") == []  # the county's own approval under the same article
    assert found("建设经营性公墓，由县民政局审核同意后，报省民政厅审批。") == []  # the law's own steps


def test_an_approval_the_sectors_department_gives_under_the_law_is_a_restatement_and_a_towns_is_not():
    from assistant.review.measures import read, sector_approval

    law = _law("中华人民共和国文物保护法", "第三十二条", 32, "对未定级不可移动文物进行修缮，应当报县级人民政府文物行政部门批准。")
    table = PowerTable(extract(law, law.instrument_title, Level.LAW, None))
    row = sector_approval(read("对未定级不可移动文物进行修缮的，应当事先报区文物局，经批准后方能实施。"), table)
    assert row is not None and row.article == "第三十二条"
    assert sector_approval(read("对未定级不可移动文物进行修缮的，应当经镇文物办审核同意后方可实施。"), table) is None
    assert sector_approval(read("在老街开设商铺的，应当报区文物局，经批准后方能营业。"), table) is None  # another matter


def test_a_plan_quoting_a_laws_articles_in_an_annex_is_read_by_paragraphs():
    from assistant.review.clauses import has_articles, split_clauses

    text = ("居民装修报备办法\n一、报备人应至所属街镇文物部门登记。\n附件\n（二）《中华人民共和国文物保护法》\n"
            "第二十条 建设工程选址，应当尽可能避开不可移动文物。\n第二十一条 国有不可移动文物由使用人负责修缮。\n"
            "第二十五条 非国有不可移动文物不得转让、抵押给外国人。")
    assert not has_articles(text)
    assert [c.location for c in split_clauses(text)][:3] == ["第1段", "第2段", "第3段"]


def test_a_notice_with_a_body_of_its_own_before_an_annexed_contract_is_read_by_paragraphs():
    """A notice organised 一、二、…… whose annex is a contract form of 第一条…… is read by paragraphs (its own body
    located 第N段); a cover notice wrapping rules of articles stays read by articles."""
    from assistant.review.clauses import split_clauses

    body = [f"{n}、临时用地使用人应当按要求办理第{n}项手续。" for n in "一二三四五六七八九十"]
    annex = "附件：临时用地合同\n第一条 甲方将土地临时出租给乙方。\n第二条 乙方按期支付租金。\n第三条 乙方期满后复垦。"
    text = "关于规范临时用地管理的通知\n各镇人民政府：\n" + "\n".join(body) + "\n" + annex
    clauses = split_clauses(text)
    assert clauses[2].location == "第3段" and clauses[2].text.startswith("一、")
    assert clauses[-1].location == f"第{len(clauses)}段" and "复垦" in clauses[-1].text
    cover = "关于印发《某区临时用地管理办法》的通知\n各镇人民政府：\n现将办法印发给你们，请遵照执行。\n" + annex
    assert [c.location for c in split_clauses(cover)] == ["第一条", "第二条", "第三条"]


def test_an_outright_ban_of_what_the_law_licenses_is_stricter_than_the_law():
    from assistant.review.checks.compare import total_ban

    law = _law("烟花爆竹安全管理条例", "第十九条", 19, "申请从事烟花爆竹零售的经营者，应当向所在地县级人民政府安全生产监督管理部门"
               "提出申请，并提供能够证明符合本条例第十八条规定条件的有关材料。受理申请的安全生产监督管理部门应当对申请人"
               "提交的有关材料和经营场所进行审查，对符合条件的，核发《烟花爆竹经营（零售）许可证》。")
    table = PowerTable(extract(law, law.instrument_title, Level.LAW, None))
    row = total_ban("本市行政区域内全面禁止销售、燃放烟花爆竹。", table, 4)
    assert row is not None and row.article == "第十九条"
    assert total_ban("本市中心城区禁止燃放烟花爆竹，具体区域由市人民政府划定。", table, 4) is None  # a place of its own
    assert total_ban("全面禁止露天焚烧秸秆。", table, 4) is None  # nothing the law licenses


def _vote(text: str, catalog, day) -> list:
    rule = load_rules().get("compare.threshold")
    clause = Clause(location="第十条", number=10, text=text)
    ctx = ReviewContext.from_text(text, catalog, issuer="某镇人民政府", clauses=[clause], review_date=day)
    return check_threshold(rule, rule.options, clause, ctx)


def test_a_vote_counted_among_those_present_is_lower_than_the_laws_count_of_all_members(catalog):
    from datetime import date
    text = "对入市方案、收益分配等事项，须经本集体经济组织成员大会或成员代表大会出席人数三分之二以上同意并形成决议。"
    [f] = _vote(text, catalog, date(2026, 10, 1))
    assert (f.code, f.location) == ("C.OBLIGATION", "第十条")
    assert [(b.instrument, b.article) for b in f.compared_with] == [("中华人民共和国农村集体经济组织法", "第二十七条")]
    assert "全体成员三分之二以上同意" in f.compared_with[0].quote
    # the same count as the law's, or a document dated before that law took effect (2025-05-01): nothing to compare
    assert _vote("入市方案须经本集体经济组织成员大会全体成员三分之二以上同意。", catalog, date(2026, 10, 1)) == []
    assert _vote(text, catalog, date(2024, 6, 1)) == []
    # a specific article of the law counts only for its own matter (承包方案, not 集体资产出租)
    assert _vote("村民会议所作决定应当经到会人员的过半数通过。", catalog, date(2026, 10, 1)) == []
    [f] = _vote("土地承包方案须经村民会议到会人员过半数同意。", catalog, date(2026, 10, 1))
    assert f.compared_with[0].article == "第十九条"


def test_the_mandated_act_must_be_the_one_the_law_protects_from_compulsion():
    law = _law("中华人民共和国农村土地承包法", "第三十八条", 38,
               "土地经营权流转应当遵循以下原则：（一）依法、自愿、有偿，任何组织和个人不得强迫或者阻碍土地经营权流转。")
    table = PowerTable(extract(law, law.instrument_title, Level.LAW, None))
    assert forbidden_duty("承包农户应当将土地经营权统一流转给村股份经济合作社。", table) is not None
    # a contract's form the law itself asks for (第四十条) mandates no 流转
    assert forbidden_duty("土地经营权流转应当签订书面流转合同。", table) is None


def test_a_rate_above_the_ceiling_the_law_sets_for_its_fee(catalog, rules, tmp_path):
    """城市房地产管理法第二十六条: 土地闲置费 up to 百分之二十 of the price — the law's fee at the law's rate restates it,
    above it the excess has no basis (C.FEE, compared with the article)."""
    import json

    from assistant.review.dossier import load_case
    from assistant.review.engine import review
    from assistant.text.numerals import rate_over

    assert rate_over("按照出让价款的百分之三十征收", "可以征收相当于出让金百分之二十以下的土地闲置费") == ("百分之三十", "百分之二十以下")
    assert rate_over("按照出让价款的20%征收", "可以征收相当于出让金20%以下的土地闲置费") is None
    assert rate_over("按照出让价款的百分之三十征收", "每年征收出让土地现值一定比例的土地闲置费") is None  # no ceiling

    def found(rate: str):
        case = tmp_path / rate
        case.mkdir()
        (case / "draft.md").write_text("某县国有建设用地供后监管办法\n第一条　为加强监管，制定本办法。\n第二条　受让人原因造成土地闲置满一年"
                                       f"未动工开发的，由县自然资源局按照土地使用权出让价款的{rate}征收土地闲置费。\n"
                                       "第三条　本办法自2026年12月1日起施行，有效期五年。\n", encoding="utf-8")
        (case / "case.json").write_text(json.dumps({"doc_type": "normative", "stage": "备案", "issuer": "某县人民政府",
                                                    "title": "某县国有建设用地供后监管办法", "draft": "draft.md"}),
                                        encoding="utf-8")
        report = review(load_case(case), catalog=catalog, rules=rules)
        return [(f.code, f.location, [b.article for b in f.compared_with]) for f in report.findings
                if f.code.startswith("C.")]

    assert found("百分之三十") == [("C.FEE", "第二条", ["第二十六条"])]
    assert found("百分之二十") == []
