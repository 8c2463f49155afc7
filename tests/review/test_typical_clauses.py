"""Clauses as towns, districts and cities write them, each set alone in a three-article document: the unlawful
ones are found under their code, the lawful ones raise nothing. Written from the law and from 备案审查 reports,
not from the rule catalog: a check of how the engine generalises beyond the labelled sets."""

import pytest

from assistant.models import DocType, Dossier, Stage
from assistant.review.engine import review

UNLAWFUL = [
    ("上海市某区某镇人民政府", "第二条 对违反本规定的单位，镇人民政府可处以1000元以下罚款。", "C.PENALTY"),
    ("上海市某区某镇人民政府", "第二条 经营户须向镇市场管理办公室缴纳管理费每月200元。", "C.FEE"),
    ("上海市某区某镇人民政府", "第二条 本镇范围内的建筑垃圾统一由镇环卫所清运，其他单位不得承接。", "C.COMPETITION"),
    ("上海市某区某镇人民政府", "第二条 申请享受本办法补贴的企业，其注册地和纳税地须在本镇。", "C.COMPETITION"),
    ("上海市某区某镇人民政府", "第二条 对占道经营的流动摊贩，镇城管中队可暂扣其经营工具。", "C.COERCION"),
    ("上海市某区某镇人民政府", "第二条 出租房屋的，出租人须向村委会缴纳500元保证金。", "C.FEE"),
    ("上海市某区某街道办事处", "第二条 对不配合垃圾分类的居民，将其纳入失信名单并在社区公示。", "C.PENALTY"),
    ("上海市某区某街道办事处", "第二条 设置户外招牌的，须报街道办事处审批，未经审批不得设置。", "C.LICENSE"),
    ("上海市某区某镇人民政府", "第二条 对存在重大事故隐患拒不整改的企业，镇安监所可以责令其停产停业。", "C.PENALTY"),
    ("某市人民政府", "第二条 失信被执行人的子女不得就读收费高昂的私立学校，不得报考公务员。", "C.OBLIGATION"),
    ("某区人民政府", "第二条 业主拒不缴纳物业服务费的，有关部门不予办理其子女入学和评优评先手续。", "C.OBLIGATION"),
    ("某县人民政府", "第二条 未按规定完成预防接种的儿童，幼儿园和学校不得接收其入园、入学。", "C.OBLIGATION"),
    ("某县人民政府", "第二条 村民申请宅基地的，应当提供村民委员会出具的无违法犯罪记录证明。", "C.CERTIFICATE"),
    ("某县人民政府", "第二条 加油站应当向镇政府提出申请，经审核同意后方可经营。", "C.LICENSE"),
    # the law's compensation for removal (土地管理法第四十八条) withheld from those evicted by force
    ("上海市某区人民政府", "第二条 对强制执行的宅基地使用人或者房屋所有人，不予发放搬家补助费。", "C.OBLIGATION"),
    # the town is the sentence's subject, the villagers the ones held back: still the town's own licence
    ("上海市某区某镇人民政府", "第二条 镇人民政府应当对村民临时搭建申请进行审核，村民经审核同意后方可搭建。", "C.LICENSE"),
    ("上海市某区农业农村委员会", "第二条 补贴对象在申报过程中出现1次不实信息的，对其提出警告；出现3次的，取消其年度全部补贴资金。",
     "C.PENALTY"),
    ("上海市某区建设管理委员会", "第二条 确定区域专营保险机构，并由区域专营保险机构统一承保区域内小型建设工程。", "C.COMPETITION"),
    ("某县发展和改革委员会", "第二条 民营企业参与本地风场资源开发运营的，应当与国有企业共同参与。", "C.COMPETITION"),
    ("某县教育局", "第二条 各中小学校必须从获得校服制作资格的5家企业中选择一家作为供应商。", "C.COMPETITION"),
    ("某县农业农村局", "第二条 流转价款不得低于县农业农村局每年公布的流转指导价格，流转期限不得少于五年。", "C.OBLIGATION"),
    ("某区某街道办事处", "第二条 改造所需维修资金由社区居委会统一提出使用申请，经街道审核同意后直接拨付施工单位，不再另行组织业主表决。",
     "C.ULTRA_VIRES"),
    ("某县水利局", "第二条 垂钓人应当向城区河道管理所办理垂钓登记，领取垂钓证后在划定的垂钓区域内垂钓。", "C.LICENSE"),
    ("某区某街道办事处", "第二条 物业服务企业收取的装修垃圾清运费，由街道按照每平方米建筑面积不超过4元的标准统一核定。", "C.ULTRA_VIRES"),
    # an exemption attributed to an article that holds no such figure (招标投标法实施条例第九条 lists no sums)
    ("某县人民政府", "第二条 依据《中华人民共和国招标投标法实施条例》第九条的规定，施工单项合同估算价在400万元以下的小型项目，可以不进行招标。",
     "C.BASIS_INVALID"),
    ("上海市某区建设管理委员会", "第二条 对施工造成管线破损的，一律顶格处罚，并视情况作停工整改处理。", "C.PENALTY"),
]
LAWFUL = [
    ("上海市某区某街道办事处", "第二条 街道办事处协助区城管执法局做好违法建筑的排查工作，发现违法建筑的，及时报告。"),
    ("某县人民政府", "第二条 对符合条件的企业，按照其实际设备投资额的5%给予补贴，最高不超过50万元。"),
    ("某市人民政府", "第二条 出租人应当与承租人签订书面租赁合同，并按规定办理租赁登记备案。"),
    ("某县市场监督管理局", "第二条 经营者应当明码标价，不得哄抬价格。"),
    ("某县人民政府", "第二条 对拒不整改的，由有关部门依法处理。"),
    ("某县人民政府", "第二条 项目建设单位应当按照国家有关规定办理施工许可手续。"),
    ("上海市某区某镇人民政府", "第二条 各村居应当建立垃圾分类志愿者队伍，开展桶边督导，对不按规定投放的行为进行劝导。"),
    ("上海市某区人民政府", "第二条 经营性停车场的收费标准由经营者依法自主确定，并在显著位置公示。"),
    ("上海市某区某镇人民政府", "第二条 村民建房应当依法办理乡村建设规划许可证，未取得许可证的，不得开工建设。"),
    ("上海市某区人民政府", "第二条 农村村民未经批准占用土地建住宅的，由区农业农村委责令退还非法占用的土地，限期拆除在非法占用的土地上新建的"
                          "建筑物和其他设施。"),
    ("上海市某区人民政府", "第二条 被征收人在签约期限内签约并搬迁的，给予提前搬迁奖励；逾期签约的，不予奖励。"),
    # government bodies and the government's own companies among themselves; what another document provides
    ("上海市某区人民政府", "第二条 各街镇、相关区管企业应自行选址建筑垃圾中转场所，选址需经区规划资源部门审核同意。"),
    ("上海市某区建设管理委员会", "第二条 《若干意见》对物业服务企业的委托聘用、合同签订等从业行为作了规定。"),
    ("上海市某区建设管理委员会", "第二条 各镇政府、街道办事处要严格准入审核，区建管委要组织抽查，对把关不严的情况进行通报。"),
    ("上海市某区房屋管理局", "第二条 擅自改建排水设施的，由区房管局依照《上海市住宅物业管理规定》相关条款予以处罚。"),
    ("上海市某区房屋管理局", "第二条 实施主体按照项目需求筹集资金和房源。"),
    ("某县某镇人民政府", "第二条 村保洁员由各村按照村民会议或者村民代表会议决定的方式选聘，镇财政给予保洁经费补助。"),
    ("某区某街道办事处", "第二条 街道城建办会同社区定期开展巡查，发现违法行为的，及时移交有关行政管理部门处理。"),
    ("某区人民政府", "第二条 对在本区投资的工业企业新购置生产设备的，按照设备投资额的5%给予一次性补助。"),
    ("上海市某区建设管理委员会", "第二条 燃气企业应当迅速发布停气通知，告知用户停气时间、预计通气时间等信息。"),
    ("上海市某区建设管理委员会", "第二条 地下管线保护范围内的施工作业实行动土作业审批制度，由施工单位提出申请，监理单位进行审核，建设单位进行审批。"),
    ("上海市房屋管理局", "第二条 评审专家有违规行为或者不称职行为的，市房屋管理局应当取消其参加物业项目评标活动资格。"),
    ("上海市某区人民政府", "第二条 离婚户对宅基地及住房权益未处置完毕或者自愿放弃宅基地及住房权益的，不得申请宅基地建房。"),
    ("上海市某区应急管理局", "第二条 本办法由区应急局负责解释，有效期自2025年8月25日起至2030年8月24日止。"),
]


def _review(issuer: str, article: str, catalog, rules):
    text = (f"某管理办法\n\n第一条 为加强管理，根据有关法律、法规，结合本地实际，制定本办法。\n\n{article}\n\n"
            "第三条 本办法自2026年1月1日起施行，有效期5年。\n")
    dossier = Dossier(title="某管理办法", issuer=issuer, draft_name="draft.md", draft_text=text,
                      doc_type=DocType.NORMATIVE, stage=Stage.FILING)
    report = review(dossier, catalog=catalog, rules=rules)
    return [(f.code, f.location) for f in report.findings if f.code.startswith("C.")]


@pytest.mark.parametrize("issuer, article, code", UNLAWFUL)
def test_an_unlawful_clause_is_found_where_it_is(issuer, article, code, catalog, rules):
    assert (code, "第二条") in _review(issuer, article, catalog, rules)


@pytest.mark.parametrize("issuer, article", LAWFUL)
def test_a_lawful_clause_raises_nothing(issuer, article, catalog, rules):
    assert _review(issuer, article, catalog, rules) == []
