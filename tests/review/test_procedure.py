"""Procedure checks (P.*) on hand-made dossiers: what the materials show, and what they do not."""

from datetime import date

import pytest

from assistant.config import ReviewSettings
from assistant.models import DocType, Dossier, Material, Stage
from assistant.review.engine import run_procedure
from assistant.review.materials import classify_material
from assistant.review.procedure_facts import build_facts
from assistant.review.rules import load_rules

MARKET_DRAFT = """某县农贸市场管理办法（送审稿）
第一条　为了规范农贸市场经营秩序，维护经营者和消费者合法权益，制定本办法。
第二条　本办法适用于本县农贸市场的开办、经营及其监督管理。
第三条　市场开办者应当建立经营者档案，经营者应当亮照经营。
第四条　市场开办者收取摊位费，应当明码标价。
第五条　本办法自2026年12月1日起施行，有效期五年。
"""

WELFARE_DRAFT = """某县城乡居民临时救助办法（送审稿）
第一条　为了保障困难群众基本生活，根据《社会救助暂行办法》，制定本办法。
第二条　本县户籍居民因突发事件导致基本生活陷入困境的，可以申请临时救助。
第三条　申请人向户籍所在地乡镇人民政府提出申请，乡镇人民政府应当及时审核。
第四条　临时救助标准由县民政局会同县财政局确定并公布。
第五条　本办法自2026年12月1日起施行，有效期五年。
"""

NOTE = ("关于《{title}》的起草说明\n一、必要性。群众反映问题较多，有必要制定。\n二、合法性。依据《中华人民共和国食品安全法》等制定。\n"
        "三、主要内容。共五条，规定了适用范围和管理措施。\n某县市场监督管理局\n2026年9月5日")
FAIR_OK = ("公平竞争审查表\n政策措施名称：某县农贸市场管理办法\n审查机关：某县市场监督管理局（会同起草单位）\n"
           "审查结论：经审查，未发现排除、限制竞争内容，可以出台。")


@pytest.fixture(scope="module")
def rules(catalog):
    return load_rules(catalog=catalog)


def dossier(draft=MARKET_DRAFT, materials=(), *, doc_type=DocType.NORMATIVE, stage=Stage.REVIEW,
            issuer="某县人民政府", title=None) -> Dossier:
    title = title or draft.splitlines()[0]
    mats = [Material(name=n, text=t, kinds=classify_material(n, t)) for n, t in materials]
    return Dossier(title=title, draft_name="draft.md", draft_text=draft,
                   paragraphs=[ln for ln in draft.splitlines() if ln.strip()], doc_type=doc_type, stage=stage,
                   issuer=issuer, review_date=date(2026, 9, 30), materials=mats)


def run(rules, d, settings=ReviewSettings()):
    findings, reminders, _ = run_procedure(rules.rules, build_facts(d, settings=settings))
    return {f.code: f for f in findings}, reminders


def comment(period: str, adoption: str = "共收到意见7条，采纳3条，未采纳4条（理由见附表）。") -> tuple[str, str]:
    return ("公开征求意见情况说明.md",
            f"{period}，在某县人民政府门户网站公开征求意见。\n{adoption}\n某县市场监督管理局\n2026年9月10日")


COMPLETE_MARKET = [("起草说明.md", NOTE.format(title="某县农贸市场管理办法")),
                   comment("2026年8月1日至8月31日"), ("公平竞争审查表.md", FAIR_OK)]


def test_complete_dossier_has_no_procedure_findings(rules):
    found, reminders = run(rules, dossier(materials=COMPLETE_MARKET))
    assert found == {}
    assert reminders and all(r.code == "R.AFTER_DECISION" and r.severity == "reminder" for r in reminders)


def test_no_draft_note_only_a_cover_letter(rules):
    mats = [("送审函.md", "县司法局：现将《某县农贸市场管理办法（送审稿）》报送你局，请予审核。附件：送审稿"), *COMPLETE_MARKET[1:]]
    found, _ = run(rules, dossier(materials=mats))
    assert set(found) == {"P.DRAFT_NOTE"}
    assert "送审函" in found["P.DRAFT_NOTE"].explanation


def test_period_too_short_when_operators_are_concerned(rules):
    mats = [COMPLETE_MARKET[0], comment("2026年8月3日至8月12日"), COMPLETE_MARKET[2]]
    found, _ = run(rules, dossier(materials=mats))
    assert set(found) == {"P.PUBLIC_COMMENT"}
    text = found["P.PUBLIC_COMMENT"].explanation
    assert "2026年8月3日至8月12日" in text and "共10日" in text and "少于30日" in text
    assert any(b.article == "第六十二条" and b.paragraph == 2 for b in found["P.PUBLIC_COMMENT"].basis)


def test_deadline_form_of_the_window(rules):
    mats = [COMPLETE_MARKET[0], ("征求意见情况.md", "2026年8月3日，我局在县政府网站发布征求意见稿，征求意见截止日期为2026年8月12日。"
                                              "收到意见2条，均已采纳。"), COMPLETE_MARKET[2]]
    found, _ = run(rules, dossier(materials=mats))
    assert set(found) == {"P.PUBLIC_COMMENT"} and "共10日" in found["P.PUBLIC_COMMENT"].explanation


def test_seven_working_days_without_operators_and_holidays_count(rules):
    note = ("起草说明.md", NOTE.format(title="某县城乡居民临时救助办法"))
    # 9/28-10/9: 12 calendar days but only 5 working days (国庆 10/1-10/7)
    found, _ = run(rules, dossier(WELFARE_DRAFT, [note, comment("2026年9月28日至10月9日")]))
    assert set(found) == {"P.PUBLIC_COMMENT"}
    assert "5个工作日" in found["P.PUBLIC_COMMENT"].explanation and "少于7个工作日" in found["P.PUBLIC_COMMENT"].explanation
    # 8/10-8/25: 12 working days: enough; no operators, so no fair-competition review either
    found, _ = run(rules, dossier(WELFARE_DRAFT, [note, comment("2026年8月10日至8月25日")]))
    assert found == {}


def test_no_adoption_statement(rules):
    mats = [COMPLETE_MARKET[0], comment("2026年8月1日至9月1日", "上述意见我局将在下一步修改完善中统筹研究考虑。"),
            COMPLETE_MARKET[2]]
    found, _ = run(rules, dossier(materials=mats))
    assert set(found) == {"P.PUBLIC_COMMENT"}
    assert "统筹研究考虑" in found["P.PUBLIC_COMMENT"].explanation


def test_no_comments_received_is_an_answer(rules):
    mats = [COMPLETE_MARKET[0], comment("2026年8月1日至9月1日", "征求意见期间未收到意见。"), COMPLETE_MARKET[2]]
    assert run(rules, dossier(materials=mats))[0] == {}


def test_letters_to_departments_are_not_public_comment(rules):
    mats = [COMPLETE_MARKET[0], COMPLETE_MARKET[2],
            ("部门意见征求及采纳情况.md", "2026年7月14日，我局书面征求了县发改局、县财政局等12个单位意见。截至2026年7月31日，"
                                  "共收到书面反馈15份，采纳10条，未采纳5条。")]
    found, _ = run(rules, dossier(materials=mats))
    assert set(found) == {"P.PUBLIC_COMMENT"}
    assert "未向社会公开征求意见" in found["P.PUBLIC_COMMENT"].explanation
    assert "书面征求" in found["P.PUBLIC_COMMENT"].explanation


def test_a_symposium_with_a_few_firms_is_not_a_public_notice(rules):
    mats = [COMPLETE_MARKET[0], COMPLETE_MARKET[2],
            ("征求意见情况.md", "2026年8月5日，召开3家市场开办企业座谈会征求意见，收到意见6条，采纳4条。")]
    found, _ = run(rules, dossier(materials=mats))
    assert set(found) == {"P.PUBLIC_COMMENT"}


def test_fair_competition_review_without_conclusion(rules):
    table = "公平竞争审查表\n政策措施名称：某县农贸市场管理办法\n审查情况：正在对照审查标准逐项审查。\n审查结论："
    mats = [*COMPLETE_MARKET[:2], ("公平竞争审查表.md", table)]
    found, _ = run(rules, dossier(materials=mats))
    assert set(found) == {"P.FAIR_COMPETITION"}
    assert found["P.FAIR_COMPETITION"].title == "公平竞争审查未作出审查结论"
    assert {b.article for b in found["P.FAIR_COMPETITION"].basis} == {"第十七条", "第十八条"}


def test_fair_competition_missing_for_operators_not_for_welfare(rules):
    found, _ = run(rules, dossier(materials=COMPLETE_MARKET[:2]))
    assert set(found) == {"P.FAIR_COMPETITION"}
    assert any(b.article == "第十四条" for b in found["P.FAIR_COMPETITION"].basis)  # a government's document
    note = ("起草说明.md", NOTE.format(title="某县城乡居民临时救助办法"))
    assert run(rules, dossier(WELFARE_DRAFT, [note, comment("2026年8月1日至8月31日")]))[0] == {}


def test_internal_rules_need_no_public_comment(rules):
    draft = ("某县民政局机关考勤管理办法\n第一条　为加强机关工作人员考勤管理，制定本办法。\n第二条　本办法适用于本局机关工作人员。\n"
             "第三条　工作人员应当按时上下班。\n第四条　本办法自印发之日起施行。")
    found, _ = run(rules, dossier(draft, [("起草说明.md", NOTE.format(title="某县民政局机关考勤管理办法"))],
                                  issuer="某县民政局"))
    assert found == {}


FILED = [*COMPLETE_MARKET,
         ("合法性审核意见书.md", "某县司法局关于《某县农贸市场管理办法（送审稿）》的合法性审核意见书\n县市场监督管理局：你局报送的送审稿收悉。"
                          "经审核，第八条建议删除。\n审核结论：修改后合法。\n某县司法局\n2026年9月20日\n附：上述意见已全部采纳（县市场监督管理局）。"),
         ("县政府常务会议纪要.md", "某县人民政府常务会议纪要\n2026年9月25日，县长主持召开县人民政府第12次常务会议，副县长出席。"
                          "会议审议通过了《某县农贸市场管理办法（送审稿）》。")]


def test_filing_stage_complete(rules):
    assert run(rules, dossier(materials=FILED, stage=Stage.FILING))[0] == {}


def test_review_stage_never_reports_legality_or_collective(rules):
    found, _ = run(rules, dossier(materials=COMPLETE_MARKET, stage=Stage.REVIEW))
    assert not {"P.LEGALITY_REVIEW", "P.COLLECTIVE"} & set(found)
    found, _ = run(rules, dossier(materials=[], stage=Stage.REVIEW))
    assert not {"P.LEGALITY_REVIEW", "P.COLLECTIVE"} & set(found)


def test_filing_without_minutes(rules):
    mats = [*FILED[:4], ("备案报告.md", "县人大常委会：现将经县人民政府研究同意后印发的《某县农贸市场管理办法》报送备案。")]
    found, _ = run(rules, dossier(materials=mats, stage=Stage.FILING))
    assert set(found) == {"P.COLLECTIVE"}
    assert "研究同意" in found["P.COLLECTIVE"].explanation and "常务会议" in found["P.COLLECTIVE"].explanation


def test_filing_with_a_topical_meeting_only(rules):
    minutes = ("县政府专题会议纪要.md", "某县人民政府专题会议纪要\n2026年9月25日，副县长主持召开专题会议，研究《某县农贸市场管理办法》。"
                                 "会议同意该办法。")
    found, _ = run(rules, dossier(materials=[*FILED[:4], minutes], stage=Stage.FILING))
    assert set(found) == {"P.COLLECTIVE"} and "专题会议" in found["P.COLLECTIVE"].explanation


def test_minutes_silent_on_the_draft(rules):
    minutes = ("县政府常务会议纪要.md", "某县人民政府常务会议纪要\n2026年9月25日，县长主持召开第12次常务会议。"
                                 "会议审议通过了《某县2027年财政预算草案》和《某县河道管理办法》。")
    found, _ = run(rules, dossier(materials=[*FILED[:4], minutes], stage=Stage.FILING))
    assert set(found) == {"P.COLLECTIVE"} and "未记载审议本文件" in found["P.COLLECTIVE"].explanation


def test_minutes_of_the_meeting_named_that_decided_another_document_of_the_subject(rules):
    """The filing report says 第12次常务会议 decided it; that meeting's minutes passed the subject's plan and sent the
    draft back to be completed — no collective decision, whatever the report says."""
    minutes = ("县政府第12次常务会议纪要.md", "某县人民政府第12次常务会议纪要\n2026年9月25日，县长主持召开第12次常务会议。会议审议"
                                       "通过了《某县农贸市场建设三年行动计划（2026—2028年）》。会议要求抓紧完善配套管理制度，修改完善后按程序报县政府审定。")
    report = ("备案报告.md", "现将经县人民政府第12次常务会议审议通过的《某县农贸市场管理办法》报送备案。")
    found, _ = run(rules, dossier(materials=[*FILED[:4], minutes, report], stage=Stage.FILING))
    assert set(found) == {"P.COLLECTIVE"} and "未记载审议本文件" in found["P.COLLECTIVE"].explanation
    # the session numbered in words is the same meeting
    worded = (minutes[0], minutes[1].replace("第12次", "第十二次"))
    assert set(run(rules, dossier(materials=[*FILED[:4], worded, report], stage=Stage.FILING))[0]) == {"P.COLLECTIVE"}
    # the minutes of another meeting than the one named say nothing against it
    other = (minutes[0].replace("12", "11"), minutes[1].replace("12次", "11次"))
    assert run(rules, dossier(materials=[*FILED[:4], other, report], stage=Stage.FILING))[0] == {}
    # the meeting named by its day, not its number
    dated = ("备案报告.md", "现将经2026年9月25日县人民政府常务会议审议通过的《某县农贸市场管理办法》报送备案。")
    assert set(run(rules, dossier(materials=[*FILED[:4], minutes, dated], stage=Stage.FILING))[0]) == {"P.COLLECTIVE"}


def test_department_document_needs_its_office_meeting(rules):
    signoff = ("发文稿纸.md", "发文稿纸\n拟稿：某科\n核稿：法规科\n分管领导意见：同意\n签发：同意印发。")
    found, _ = run(rules, dossier(materials=[*FILED[:4], signoff], stage=Stage.FILING, issuer="某县市场监督管理局"))
    assert set(found) == {"P.COLLECTIVE"} and "发文稿纸" in found["P.COLLECTIVE"].explanation
    minutes = ("局务会议纪要.md", "2026年9月25日，局长主持召开局务会议，班子成员出席。会议审议通过《某县农贸市场管理办法（送审稿）》。")
    found, _ = run(rules, dossier(materials=[*FILED[:4], minutes], stage=Stage.FILING, issuer="某县市场监督管理局"))
    assert found == {}


def test_legality_opinion_dated_after_the_meeting(rules):
    late = ("合法性审核意见书.md", FILED[3][1].replace("2026年9月20日", "2026年9月28日"))
    found, _ = run(rules, dossier(materials=[*FILED[:3], late, FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"}
    assert "晚于2026年9月25日" in found["P.LEGALITY_REVIEW"].explanation


def test_legality_opinion_ignored(rules):
    ignored = ("合法性审核意见书.md", FILED[3][1].split("\n附")[0])
    minutes = ("县政府常务会议纪要.md", FILED[4][1] + "由起草单位结合县司法局审核意见修改完善后印发。")
    found, _ = run(rules, dossier(materials=[*FILED[:3], ignored, minutes], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"} and "未见落实" in found["P.LEGALITY_REVIEW"].explanation


def test_no_legality_opinion_or_only_a_reply_to_a_consultation(rules):
    found, _ = run(rules, dossier(materials=[*FILED[:3], FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"}
    reply = ("县司法局关于征求意见的复函.md", "县市场监督管理局：你局征求意见的函收悉。经研究，我局无意见。")
    found, _ = run(rules, dossier(materials=[*FILED[:3], reply, FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"} and "复函" in found["P.LEGALITY_REVIEW"].explanation


# --- major decisions ------------------------------------------------------------------------------

WATER_DRAFT = "某县城区居民生活用水价格调整方案（送审稿）\n一、调整范围\n城区居民生活用水。\n二、调整标准\n第一阶梯水价由2.60元调整为3.10元。"
WATER_NOTE = ("决策草案说明.md", "一、调整的必要性。价格与成本倒挂。\n二、调整方案。第一阶梯调整为3.10元。\n三、履行程序情况。"
                               "2026年7月15日至8月16日在县政府门户网站公开征求意见。")
WATER_COMMENT = ("公开征求意见情况.md", "2026年7月15日至8月16日，在县政府门户网站公开征求意见，收到意见64条，采纳21条，未采纳43条。")
WATER_FAIR = ("公平竞争审查意见.md", "审查结论：未发现排除、限制竞争内容，可以出台。")
WATER_RISK = ("社会稳定风险评估报告.md", "一、风险点。二、防范化解措施。三、评估结论：风险等级为低风险。")
WATER_EXPERT = ("专家论证意见.md", "专家组认为方案可行。专家签名：甲、乙、丙")
WATER_HEARING = ("听证报告.md", "听证主持人：某某。听证参加人15名。听证笔录已经听证参加人确认签字。")


def major(materials, draft=WATER_DRAFT):
    return dossier(draft, materials, doc_type=DocType.MAJOR_DECISION)


def test_a_utility_plan_that_fixes_the_users_price_needs_a_hearing_and_a_siting_plan_needing_land_does_not(rules):
    gas = "某县城区管道燃气特许经营区域整合实施方案（送审稿）\n一、价格\n城区居民管道天然气销售价格统一执行每立方米2.86元。"
    found, _ = run(rules, major([WATER_NOTE, WATER_COMMENT, WATER_FAIR, WATER_RISK, WATER_EXPERT], draft=gas))
    assert set(found) == {"P.HEARING"}
    site = "某县储气调峰站选址方案（送审稿）\n一、用地\n站址需征收石桥村集体土地20亩。"
    against = ("征求意见情况.md", "石桥村多数村民代表反对将站址设在石桥村西侧。")
    assert run(rules, major([WATER_NOTE, WATER_COMMENT, against, WATER_FAIR, WATER_RISK, WATER_EXPERT], draft=site))[0] == {}


def test_public_utility_price_needs_hearing_and_experts(rules):
    complete = [WATER_NOTE, WATER_COMMENT, WATER_FAIR, WATER_RISK, WATER_EXPERT, WATER_HEARING]
    assert run(rules, major(complete))[0] == {}
    note = (WATER_NOTE[0], WATER_NOTE[1] + "因时间较紧，未单独组织专家论证；拟不再召开价格听证会。")
    found, _ = run(rules, major([note, WATER_COMMENT, WATER_FAIR, WATER_RISK]))
    assert set(found) == {"P.EXPERT", "P.HEARING"}
    assert "拟不再召开价格听证会" in found["P.HEARING"].explanation
    assert any(b.instrument == "中华人民共和国价格法" and b.article == "第二十三条" for b in found["P.HEARING"].basis)


def test_major_decision_participation_period(rules):
    short = ("公示情况说明.md", "2026年8月18日至8月27日，在县政府门户网站对方案进行公示，公示期10天。收到意见46条，"
                           "已对提出意见的村民上门做好解释工作。")
    mats = [WATER_NOTE, short, WATER_FAIR, WATER_RISK, WATER_EXPERT, WATER_HEARING]
    found, _ = run(rules, major(mats))
    assert set(found) == {"P.PUBLIC_PARTICIPATION"}
    text = found["P.PUBLIC_PARTICIPATION"].explanation
    assert "共10日" in text and "少于30日" in text and "采纳情况" in text


def test_urgency_explains_a_shorter_major_decision_period(rules):
    urgent = ("公开征求意见情况.md", "因情况紧急，征求意见期限为15日：2026年8月1日至8月15日在县政府网站公开征求意见，收到意见5条，采纳2条。")
    mats = [WATER_NOTE, urgent, WATER_FAIR, WATER_RISK, WATER_EXPERT, WATER_HEARING]
    assert run(rules, major(mats))[0] == {}


def test_expropriation_with_majority_objection_needs_hearing_and_risk(rules):
    draft = "某区旧城区改建项目房屋征收补偿方案（送审稿）\n第一条　为保障旧城区改建顺利实施，制定本方案。\n第二条　征收范围内被征收人612户。\n第三条　补偿方式为货币补偿或者房屋产权调换。"
    note = ("起草说明.md", "一、项目背景。危旧房屋集中。\n二、依据。《国有土地上房屋征收与补偿条例》。\n三、主要内容。共三条。")
    notice = ("征求意见情况公告.md", "征求意见期限为2026年6月20日至7月21日，在区政府门户网站公布。共有351户（占被征收人总数的57.4%）"
                                "认为补偿方案不符合条例规定。\n采纳情况：已采纳评估机构协商选定的意见。")
    found, _ = run(rules, major([note, notice, ("论证会纪要.md", "与会专家经论证认为方案可行。")], draft=draft))
    assert set(found) == {"P.HEARING", "P.RISK"}
    assert any(b.article == "第十一条" for b in found["P.HEARING"].basis)
    assert any(b.article == "第十二条" for b in found["P.RISK"].basis)


def test_resource_exploitation_that_ends_existing_operators_needs_experts_and_risk(rules):
    # 开发利用重要自然资源 (条例 第三条): reserves and quotas are technical (第十九条); licensed operators forced to
    # dismantle and give up compensation may affect social stability and flood safety (第二十二条)
    draft = ("某县矿山石料资源整合方案（送审稿）\n第一条　为保障防洪和地质安全，制定本方案。\n"
             "第二条　全县年度开采总量控制在200万吨以内，划定可采区和禁采区。\n"
             "第三条　采矿许可尚未到期的现有矿主，应当在2027年6月30日前自行拆除设备并停止开采。\n"
             "第四条　现有矿主签订承诺书，放弃因整合提出的补偿请求。")
    note = ("决策草案说明.md", "一、必要性。资源粗放开采。\n二、主要内容。整合矿山。\n三、程序。已公开征求意见。")
    cm = ("公开征求意见情况.md", "2026年7月1日至8月5日在县政府网站公开征求意见，收到意见9条，采纳4条，未采纳5条。")
    fair = ("公平竞争审查意见.md", "审查结论：未发现排除、限制竞争内容，可以出台。")
    found, _ = run(rules, major([note, cm, fair], draft=draft))
    assert set(found) == {"P.EXPERT", "P.RISK"}
    done = [note, cm, fair, ("专家论证意见.md", "专家组认为开采总量测算合理。专家签名：甲、乙、丙"),
            ("社会稳定风险评估报告.md", "一、风险点。二、防范化解措施。三、评估结论：风险等级为中风险。")]
    assert run(rules, major(done, draft=draft))[0] == {}


def test_a_plain_major_decision_needs_no_expert_risk_or_hearing(rules):
    draft = "某县城乡居民基本医疗保险补助调整实施方案（送审稿）\n一、补助对象\n全县参保居民。\n二、补助标准\n每人每年增加30元。"
    note = ("决策草案说明.md", "一、必要性。提高保障水平。\n二、主要内容。提高补助标准。")
    cm = ("公开征求意见情况.md", "2026年7月1日至7月31日在县政府网站公开征求意见，未收到意见。")
    assert run(rules, major([note, cm], draft=draft))[0] == {}


def test_government_measure_reviewed_by_the_drafting_unit_alone(rules):
    own = ("公平竞争审查表.md", "政策措施名称：某县农贸市场管理办法\n审查机关：某县商务局\n审查结论：符合公平竞争审查标准，可以出台。")
    found, _ = run(rules, dossier(materials=[*COMPLETE_MARKET[:2], own]))
    assert set(found) == {"P.FAIR_COMPETITION"} and "市场监督管理部门" in found["P.FAIR_COMPETITION"].explanation
    # a department's own measure is reviewed by the department itself (第十三条)
    assert run(rules, dossier(materials=[*COMPLETE_MARKET[:2], own], issuer="某县商务局"))[0] == {}


def test_government_document_reviewed_only_inside_the_drafting_department(rules):
    inside = ("合法性审核意见书.md", "某县商务局政策法规科关于《某县农贸市场管理办法（送审稿）》的合法性审核意见\n经审核，审核结论：合法。\n"
                              "政策法规科\n2026年9月20日")
    found, _ = run(rules, dossier(materials=[*FILED[:3], inside, FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"} and "司法行政部门" in found["P.LEGALITY_REVIEW"].explanation


def test_fair_competition_table_with_an_empty_conclusion_cell(rules):
    table = ("| 项目 | 内容 |\n|---|---|\n| 政策措施名称 | 某县农贸市场管理办法 |\n| 审查机关 | 某县市场监督管理局（会同起草单位） |\n"
             "| 市场准入和退出 | 符合 |\n| 审查结论 |  |\n| 审查人 | 张三 |")
    found, _ = run(rules, dossier(materials=[*COMPLETE_MARKET[:2], ("公平竞争审查表.md", table)]))
    assert set(found) == {"P.FAIR_COMPETITION"} and found["P.FAIR_COMPETITION"].title == "公平竞争审查未作出审查结论"
    # the conclusion left to a later review by the 市场监督管理部门
    pending = ("公平竞争审查表.md", table.replace("| 审查结论 |  |", "| 审查结论 | 待报县市场监督管理局审查后形成。 |"))
    found, _ = run(rules, dossier(materials=[*COMPLETE_MARKET[:2], pending]))
    assert found["P.FAIR_COMPETITION"].title == "公平竞争审查未作出审查结论"


def test_said_adopted_but_the_deleted_clause_is_still_there(rules):
    opinion = ("合法性审核意见书.md", "某县司法局关于《某县农贸市场管理办法（送审稿）》的合法性审核意见书\n经审核，提出如下意见：\n"
                              "一、第四条“市场开办者收取摊位费”缺乏依据，建议删除。\n审核结论：修改后合法。\n某县司法局\n2026年9月20日\n"
                              "附：上述意见已全部采纳。")
    found, _ = run(rules, dossier(materials=[*FILED[:3], opinion, FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"} and "第四条仍有" in found["P.LEGALITY_REVIEW"].explanation


def test_opinion_items_are_read_one_by_one_and_made_deletions_do_not_count(rules):
    # (一) confirms a deletion already made; (二) asks to ADD wording that reuses words of 第四条: no finding.
    opinion = ("合法性审核意见书.md", "某县司法局关于《某县农贸市场管理办法（送审稿）》的合法性审核意见书\n经审核，提出如下意见："
                              "（一）原第五条要求提交的证明已在征求意见后删除，予以确认；（二）第四条建议明确市场开办者收取摊位费"
                              "应当明码标价；（三）第九条建议删除“取消经营资格”的规定。\n审核结论：修改后合法。\n某县司法局\n"
                              "2026年9月20日\n附：上述意见已全部采纳。")
    assert run(rules, dossier(materials=[*FILED[:3], opinion, FILED[4]], stage=Stage.FILING))[0] == {}


def _opinion(items: str) -> tuple[str, str]:
    return ("合法性审核意见书.md", "某县司法局关于《某县农贸市场管理办法（送审稿）》的合法性审核意见书\n县市场监督管理局：送审稿收悉。"
                             f"经审核，提出如下意见：\n{items}\n审核结论：按上述意见修改后，可以提请县政府常务会议审议。\n"
                             "某县司法局\n2026年9月20日")


def test_an_opinion_is_followed_when_the_wording_it_quoted_is_gone_and_ignored_when_it_stays(rules):
    # no adoption statement anywhere: the issued text itself shows whether the quoted old wording was changed
    changed = _opinion("一、送审稿第四条原规定“市场开办者向经营者收取管理保证金”，缺乏依据，建议修改为“市场开办者收取摊位费，应当"
                       "明码标价”。")
    assert run(rules, dossier(materials=[*FILED[:3], changed, FILED[4]], stage=Stage.FILING))[0] == {}
    # a quoted clause keeps its ；, and the wording the item wants kept is not what it asks to delete
    kept = _opinion("一、第三条“市场开办者应当建立经营者档案，经营者应当亮照经营”之后增加的“违者；不得入场”没有依据。\n"
                    "二、第四条“市场开办者收取摊位费；应当明码标价”建议删除，保留“明码标价”。")
    draft = MARKET_DRAFT.replace("收取摊位费，应当", "收取摊位费；应当")
    found, _ = run(rules, dossier(draft, materials=[*FILED[:3], kept, FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"}
    assert "第四条仍有“市场开办者收取摊位费；应当明码标价”" in found["P.LEGALITY_REVIEW"].explanation


def test_a_refinement_the_opinion_suggests_needs_no_adoption_record(rules):
    refine = _opinion("（一）建议第三条进一步细化经营者档案的内容。\n（二）建议第四条明确摊位费的公示方式。")
    assert run(rules, dossier(materials=[*FILED[:3], refine, FILED[4]], stage=Stage.FILING))[0] == {}


def test_a_quoted_wording_kept_only_where_the_text_now_rules_it_out_was_acted_on(rules):
    opinion = _opinion("一、送审稿第三条规定公示经营者“身份证号码”，建议删除，明确不公示身份证号码。")
    ruled_out = MARKET_DRAFT.replace("经营者应当亮照经营。", "经营者应当亮照经营，档案不公示身份证号码。")
    assert run(rules, dossier(ruled_out, materials=[*FILED[:3], opinion, FILED[4]], stage=Stage.FILING))[0] == {}
    elided = _opinion("一、建议删除第三条“经营者应当……经营”的表述。")  # a quote cut short: each stretch is looked for
    found, _ = run(rules, dossier(materials=[*FILED[:3], elided, FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"}
    kept = MARKET_DRAFT.replace("经营者应当亮照经营。", "经营者应当亮照经营，并公示身份证号码。")
    found, _ = run(rules, dossier(kept, materials=[*FILED[:3], opinion, FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"}


def test_a_rewording_by_a_word_and_a_finding_of_no_conflict_need_no_adoption_record(rules):
    reword = _opinion("一、建议将第三条中的“经营者应当亮照经营”修改为“经营者应当依法亮照经营”。\n"
                      "综上，送审稿未发现与上位法相抵触的情形，可以按程序审定后印发。")
    assert run(rules, dossier(materials=[*FILED[:3], reword, FILED[4]], stage=Stage.FILING))[0] == {}
    # a change of substance stays a request whose fate must show
    change = _opinion("一、建议将第三条中的“经营者应当亮照经营”修改为“经营者应当在醒目位置公示营业执照和食品经营许可证”。")
    found, _ = run(rules, dossier(materials=[*FILED[:3], change, FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"}


def test_a_fair_competition_review_that_stops_at_not_applicable(rules):
    # the form answers "不涉及" for a draft about market operators: no review was made (公平竞争审查条例第二条)
    na = ("公平竞争审查表.md", "| 项目 | 内容 |\n|---|---|\n| 是否涉及经营者经济活动 | 否 |\n"
                          "| 审查结论 | 本政策措施不涉及经营者经济活动，无需开展公平竞争审查 |")
    found, _ = run(rules, dossier(materials=[*COMPLETE_MARKET[:2], na]))
    assert set(found) == {"P.FAIR_COMPETITION"} and "为由未作审查" in found["P.FAIR_COMPETITION"].explanation
    # "……无需开展公平竞争审查，可以出台" reaches nothing either; a form that says what it does not restrict and
    # then concludes has reviewed
    bare = (na[0], na[1].replace("本政策措施不涉及经营者经济活动，无需开展公平竞争审查", "不涉及公平竞争审查，无需开展审查"))
    found, _ = run(rules, dossier(materials=[*COMPLETE_MARKET[:2], bare]))
    assert "以“不涉及公平竞争审查，无需开展审查”为由" in found["P.FAIR_COMPETITION"].explanation
    waved = (na[0], na[1].replace("无需开展公平竞争审查 |", "无需开展公平竞争审查，可以出台。 |"))
    assert set(run(rules, dossier(materials=[*COMPLETE_MARKET[:2], waved]))[0]) == {"P.FAIR_COMPETITION"}
    done = (na[0], "审查意见：不涉及给予特定经营者优惠政策。结论：未发现排除、限制竞争内容，可以出台。")
    assert run(rules, dossier(materials=[*COMPLETE_MARKET[:2], done]))[0] == {}
    # a conclusion in the 起草说明's section on the review, a sentence after the one naming it, is accepted
    note = ("起草说明.md", NOTE.format(title="某县农贸市场管理办法") + "\n四、公平竞争审查情况\n县市场监督管理局会同我局开展了公平竞争"
                       "审查。经审查，未设置市场准入条件。审查结论：未发现排除、限制竞争的内容，可以出台。\n五、其他")
    assert run(rules, dossier(materials=[note, COMPLETE_MARKET[1]]))[0] == {}


def test_experts_who_are_all_officials_or_interested_companies_are_no_expert_argument(rules):
    base = [WATER_NOTE, WATER_COMMENT, WATER_FAIR, WATER_RISK, WATER_HEARING]
    staff = ("专家论证意见.md", "县发展和改革局组织召开专家论证会（征求意见稿），论证意见认为方案可行。\n| 姓名 | 工作单位及职务 |\n|---|---|\n"
                           "| 甲 | 县发展和改革局价格股股长 |\n| 乙 | 县自来水有限公司总经理 |\n| 丙 | 县财政局经建股副股长 |")
    found, _ = run(rules, major([*base, staff]))
    assert set(found) == {"P.EXPERT"} and "中立性" in found["P.EXPERT"].explanation
    author = ("专家论证会纪要.md", "参加论证专家：\n何建平　某县规划设计院有限公司　项目负责人\n彭丽娟　某县规划设计院有限公司　总工程师\n"
                             "唐国庆　某镇自然资源所　所长\n\n论证意见：同意。")
    commissioned = (WATER_NOTE[0], WATER_NOTE[1] + "\n四、编制。县水务局委托某县规划设计院有限公司编制方案。")
    found, _ = run(rules, major([commissioned, *base[1:], author]))
    assert set(found) == {"P.EXPERT"}  # the firm that wrote the plan, listed row by row under its heading
    roll = ("专家论证会纪要.md", "参加人员：县教育局基础教育股股长　周慧；县教师发展中心主任　刘玉梅；梅坪中心小学校长　许建国\n"
                           "论证意见：与会专家一致同意方案。")
    found, _ = run(rules, major([*base, roll]))
    assert set(found) == {"P.EXPERT"}  # one line of the bureau's staff and the receiving school's head
    listed = ("专家论证会纪要.md", "参加论证人员：\n- 县水务局供水科科长　张明\n- 县自来水有限公司总经理　李强\n- 县财政局经建股副股长　王芳\n"
                             "论证结论：与会人员一致同意方案。")
    found, _ = run(rules, major([*base, listed]))
    assert set(found) == {"P.EXPERT"}  # a bullet list, each affiliation before the name
    mixed = (staff[0], staff[1] + "\n| 丁 | 某大学经济学院教授 |")
    assert run(rules, major([*base, mixed]))[0] == {}  # one independent expert beside the officials
    # the panel introduced in a sentence, an entry a row; the firm the plan engages and the plan's author sit on it,
    # with the deciding bureaus: one professor beside them makes it no independent argument (条例第十九条)
    panel = ("专家论证意见.md", "论证专家5名：\n刘振华，某县公安局交通管理大队副大队长（组长）；\n魏国栋，某县智慧交通科技有限公司"
                            "总工程师；\n石婧，某县交通运输局运输管理股副股长；\n唐晓岚，某县教育局安全管理股股长；\n"
                            "王丽君，某大学土木工程学院副教授。\n论证意见：总体可行。")
    draft = "某县学校周边交通组织调整方案（送审稿）\n一、设备由某县智慧交通科技有限公司负责供货、安装和维护。"
    assert set(run(rules, major([*base, panel], draft=draft))[0]) == {"P.EXPERT"}


def test_a_risk_assessment_that_is_only_its_verdict(rules):
    bare = ("社会稳定风险评估情况.md", "经县水务局组织评估，本方案符合群众根本利益，社会稳定风险等级为低风险，可以实施。")
    found, _ = run(rules, major([WATER_NOTE, WATER_COMMENT, WATER_FAIR, WATER_EXPERT, WATER_HEARING, bare]))
    assert set(found) == {"P.RISK"} and "只有评估结论" in found["P.RISK"].explanation


def test_public_school_fees_need_a_hearing_and_a_conditional_is_no_hearing_held(rules):
    draft = "某县公办幼儿园保育教育费标准调整方案（送审稿）\n一、调整标准\n每生每月由600元调整为800元。"
    note = (WATER_NOTE[0], WATER_NOTE[1] + "\n四、听证。家长代表要求召开听证会；符合法定情形的，依法组织听证。")
    found, _ = run(rules, major([note, WATER_COMMENT, WATER_FAIR, WATER_RISK, WATER_EXPERT], draft=draft))
    assert set(found) == {"P.HEARING"}


def test_most_members_objecting_calls_for_a_hearing_and_answers_their_objection(rules):
    draft = "某县某片区集体土地征收补偿安置方案（送审稿）\n一、补偿标准\n按省定区片综合地价执行。"
    objection = ("公告期间意见汇总.md", "2026年7月6日至8月5日在县政府门户网站和村务公开栏公告。\n两村集体经济组织成员共1146人。"
                                   "联名提出方案不符合法律规定并要求听证的共672人，占58.6%。")
    found, _ = run(rules, major([WATER_NOTE, objection, WATER_FAIR, WATER_RISK, WATER_EXPERT], draft=draft))
    assert set(found) == {"P.HEARING"}  # the objections unanswered are the hearing's, not a second finding
    none = (objection[0], "两村集体经济组织成员共1146人，未出现多数成员认为方案不符合法律、法规规定的情形，也未收到听证申请。")
    assert run(rules, major([WATER_NOTE, WATER_COMMENT, none, WATER_FAIR, WATER_RISK, WATER_EXPERT], draft=draft))[0] == {}


def test_a_draft_for_operators_put_out_only_on_village_boards_and_chat_groups(rules):
    local = ("征求意见情况.md", "2026年8月1日，将征求意见稿张贴在镇政府公告栏和各村村务公开栏，同时在村民微信群发布，至8月31日止。"
                            "共收到意见6条，采纳4条，未采纳2条。")
    found, _ = run(rules, dossier(materials=[COMPLETE_MARKET[0], local, COMPLETE_MARKET[2]]))
    assert set(found) == {"P.PUBLIC_COMMENT"} and "报纸、网络" in found["P.PUBLIC_COMMENT"].explanation
    also_web = (local[0], local[1] + "同期在县人民政府门户网站公布征求意见稿。")
    assert run(rules, dossier(materials=[COMPLETE_MARKET[0], also_web, COMPLETE_MARKET[2]]))[0] == {}
    # the issued text published on the website afterwards put nothing out for comment
    issued = ("备案报告.md", "《某县农贸市场管理办法》已于2026年10月8日印发，并在县人民政府门户网站公布。")
    found, _ = run(rules, dossier(materials=[COMPLETE_MARKET[0], local, COMPLETE_MARKET[2], issued]))
    assert set(found) == {"P.PUBLIC_COMMENT"}


def test_a_government_office_document_reviewed_by_a_bureaus_own_legal_section(rules):
    """Whom the opinion mentions (县司法局无意见) is not who wrote it: the drafting bureau's 政策法规科."""
    own = ("合法性审查意见.md", "关于《某县农贸市场管理办法（送审稿）》的合法性审查意见\n局领导：\n政策法规科对送审稿进行了审查。"
                             "送审稿已征求县司法局等单位意见，县司法局无意见。\n审查结论：合法。\n某县商务局政策法规科\n2026年9月12日")
    found, _ = run(rules, dossier(materials=[*FILED[:3], own, FILED[4]], stage=Stage.FILING, issuer="某县人民政府办公室"))
    assert set(found) == {"P.LEGALITY_REVIEW"} and "内设机构" in found["P.LEGALITY_REVIEW"].explanation


def test_a_legality_opinion_signed_by_the_drafting_unit_itself(rules):
    note = ("起草说明.md", NOTE.format(title="某县农贸市场管理办法").replace("某县市场监督管理局\n2026年9月5日",
                                                                     "某县商务局\n2026年9月5日"))
    own = ("合法性审核意见.md", "关于《某县农贸市场管理办法（送审稿）》的合法性审核意见\n县人民政府：我局对送审稿进行了合法性审核，"
                             "审核结论：合法。\n某县商务局\n2026年9月12日")
    found, _ = run(rules, dossier(materials=[note, *FILED[1:3], own, FILED[4]], stage=Stage.FILING))
    assert set(found) == {"P.LEGALITY_REVIEW"} and "起草单位某县商务局自行出具" in found["P.LEGALITY_REVIEW"].explanation


def test_a_decision_the_governments_catalogue_marks_for_a_hearing(rules):
    draft = "某县城区道路停车泊位收费标准调整方案（送审稿）\n一、调整标准\n每小时由2元调整为3元。"
    catalogue = ("重大行政决策事项目录（摘录）.md", "|序号|决策事项名称|是否听证|\n|---|---|---|\n"
                                             "|3|某县城区道路停车泊位收费标准调整|是（列入省定价听证目录）|")
    found, _ = run(rules, major([WATER_NOTE, WATER_COMMENT, WATER_FAIR, WATER_RISK, WATER_EXPERT, catalogue], draft=draft))
    assert set(found) == {"P.HEARING"}
    not_listed = (catalogue[0], catalogue[1].replace("是（列入省定价听证目录）", "否"))
    draft2 = draft.replace("道路停车泊位收费标准调整", "公共自行车站点布局调整")
    assert run(rules, major([WATER_NOTE, WATER_COMMENT, WATER_FAIR, WATER_RISK, WATER_EXPERT, not_listed],
                            draft=draft2))[0] == {}


def test_circulation_admitted_in_a_material_is_no_meeting_whatever_the_notice_says(rules):
    draft = MARKET_DRAFT + "（经局务会议研究同意）\n"
    sheet = ("班子成员传阅意见单.md", "备注：因局务会时间安排较紧，本件采取班子成员传阅方式研究。\n局长：同意。副局长：同意。")
    found, _ = run(rules, dossier(draft, materials=[*FILED[:4], sheet], stage=Stage.FILING, issuer="某县市场监督管理局"))
    assert set(found) == {"P.COLLECTIVE"} and "传阅" in found["P.COLLECTIVE"].explanation


def test_objections_short_of_a_majority_call_for_no_hearing(rules):
    draft = "某县某片区集体土地征收补偿安置方案（送审稿）\n一、补偿标准\n按省定区片综合地价执行。"
    few = ("公告期间意见汇总.md", "2026年7月6日至8月5日在县政府门户网站和村务公开栏公告。\n集体经济组织成员共86户。"
                              "经统计，提出方案不符合法律法规意见的为11户，未达到多数，无需组织听证。收到意见11条，均已答复，未采纳。")
    assert run(rules, major([WATER_NOTE, few, WATER_FAIR, WATER_RISK, WATER_EXPERT], draft=draft))[0] == {}


def test_a_public_buildings_site_is_no_policy_on_operators():
    from assistant.review.materials import load_vocabulary
    from assistant.review.procedure_facts import detect_operators
    vocab = load_vocabulary()
    site = ("某县档案馆新馆选址方案\n一、新馆总投资约6800万元，资金由县级财政预算安排，不向企业和职工摊派。\n"
            "二、项目建设单位为县档案馆，依法履行项目审批、规划许可、招标投标等建设程序。")
    assert not detect_operators("某县档案馆新馆选址方案", site, [], vocab).value
    # a household's 土地经营权 and the government's own care homes are no market (特困人员 入住)
    care = ("某县特困人员集中供养入住管理办法\n第一条　特困人员入住供养服务机构，由乡镇人民政府受理申请。\n"
            "第二条　供养服务机构应当为入住人员提供生活照料。供养服务机构实行岗位责任制。\n"
            "第三条　入住人员的承包地，其土地经营权可以自愿委托流转。供养服务机构不得收取押金。")
    assert not detect_operators("某县特困人员集中供养入住管理办法", care, [], vocab).value
    # a draft choosing the operators itself does concern them
    venue = site.replace("依法履行项目审批、规划许可、招标投标等建设程序", "通过招标投标选定运营企业，运营企业享受运营补贴")
    assert detect_operators("某县档案馆新馆选址方案", venue, [], vocab).value


def test_another_documents_publication_date_is_no_issue_date():
    draft = ("某县禁捕退捕渔民安置方案\n登记基准日已由县人民政府于2026年6月15日发布的《关于开展捕捞渔民登记工作的通告》向社会公布。\n"
             "本方案于2026年10月16日印发。")
    assert build_facts(dossier(draft, stage=Stage.FILING), settings=ReviewSettings()).issue_date() == date(2026, 10, 16)
