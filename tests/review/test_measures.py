"""Measures read from a sentence, and the findings their reading sets aside (assistant/review/measures.py).

Each case pairs a lawful sentence the phrase rules would flag with its unlawful neighbour that must stay flagged:
the reading decides by who approves, in which setting, on whom — not by the words that triggered the rule."""

import pytest

from assistant.review.measures import PartyKind, Setting, owner_posture, party_kind, read, vet


@pytest.mark.parametrize("phrase, kind", [
    ("相邻农户", PartyKind.PRIVATE), ("出租企业", PartyKind.PRIVATE), ("主任办公会", PartyKind.INTERNAL),
    ("镇集体资产监督管理委员会", PartyKind.SELF_GOVERNMENT), ("居民委员会", PartyKind.SELF_GOVERNMENT),
    ("县城市管理局", PartyKind.AUTHORITY), ("镇人民政府", PartyKind.AUTHORITY),
    # an office by its level or sector; a business that merely ends in 站/中心/所 is none
    ("镇规建办", PartyKind.AUTHORITY), ("城建中心", PartyKind.AUTHORITY), ("吴泾市场所", PartyKind.AUTHORITY),
    ("本街道城运中心", PartyKind.AUTHORITY), ("区交通部门", PartyKind.AUTHORITY),
    ("加油站", PartyKind.UNKNOWN), ("培训中心", PartyKind.UNKNOWN), ("经营场所", PartyKind.UNKNOWN),
    ("市场服务中心", PartyKind.UNKNOWN), ("社区卫生服务中心", PartyKind.UNKNOWN),
])
def test_party_kinds(phrase, kind):
    assert party_kind(phrase) == kind


def test_reading_names_the_approver_and_its_kind():
    r = read("在本县城区开设洗车场的，须经县城市管理局审批同意后方可营业。")
    assert [(a.approver, a.kind, a.blocking) for a in r.approvals] == [("县城市管理局", PartyKind.AUTHORITY, True)]
    assert vet("C.LICENSE", r) is None


@pytest.mark.parametrize("sentence", [
    "房屋翻建涉及共用墙体的，须经相邻农户书面同意后方可施工。",                       # private consent
    "转租须取得出租企业书面同意。",
    "学校应当书面告知家长活动内容和费用明细，经家长签字同意后方可安排学生参加。",  # a parent's consent
    "新建住宅小区的二次供水设施，应当经供水企业验收合格并交其统一管理后，方可投入使用。",  # 城市供水条例第二十八条
])
def test_consent_of_a_private_party_is_no_licence(sentence):
    assert "民事主体" in vet("C.LICENSE", read(sentence))


def test_a_school_letting_its_pupils_skip_its_service_is_no_licence_and_a_hospital_gating_a_clinic_is_one():
    school = read("家长不让学生参加的，应当向学校提交书面申请，经班主任和学校分管负责人签字同意后方可不参加。")
    assert "学校" in vet("C.LICENSE", school)
    clinic = read("社会办医疗机构新增诊疗科目的，须报片区医共体牵头医院审核同意后，方可向卫生健康部门申请办理相关手续。")
    assert vet("C.LICENSE", clinic) is None


def test_internal_approval_in_an_owners_document_is_no_licence_but_stays_one_for_the_public():
    internal = "工程量调整的，项目管理人应当报领导小组审核同意后方可实施。"
    assert vet("C.LICENSE", read(internal), owner=True) is not None
    assert vet("C.LICENSE", read(internal), owner=False) is None
    # a coordination body approving what villagers may build blocks the public: a licence whoever approves
    public = "未经镇联席会议审议通过的图纸，村民不得用于建房。"
    assert vet("C.LICENSE", read(public), owner=False) is None


def test_owner_posture_from_the_title_or_the_scope():
    assert owner_posture("某镇政府投资小型建设工程项目管理办法", "")
    assert owner_posture("某街道工程建设项目管理办法", "一、适用范围\n本办法适用于本街道作为投资主体的工程项目。")
    assert not owner_posture("某区农村村民建房风貌管理实施意见", "本意见适用于本区农村村民建房。")


@pytest.mark.parametrize("lawful, unlawful, code", [
    # a benefit's own condition vs. a benefit withheld to punish
    ("申请人放弃配租资格的，一年内不得再次申请公共租赁住房。",
     "以虚假材料骗取补贴的，三年内不得再次申请补贴。", "C.PENALTY"),
    # rent for a public property vs. a deposit securing good conduct
    ("承租人应当按照租赁合同约定按时支付租金。",
     "经营户应当向镇人民政府缴纳诚信经营押金五千元。", "C.FEE"),
    # enforcement by a court vs. demolition ordered by the document
    ("被人民法院强制执行的承租人不享受搬家补助。",
     "逾期不拆除的，由镇人民政府组织强制拆除。", "C.COERCION"),
    # a transition that keeps what was granted vs. a new approval
    ("本办法施行前已取得许可的，按原规定执行。",
     "开设民宿的，须经镇人民政府审批同意后方可营业。", "C.LICENSE"),
    # a reference to the law vs. a fine the document sets
    ("对拒不缴纳的，街道应当依法采取相应法律措施。",
     "对拒不缴纳的，处二百元罚款。", "C.PENALTY"),
    # budget funding vs. a charge
    ("征收工作经费纳入部门预算。", "办理登记应当缴纳工本费二十元。", "C.FEE"),
    # changes to an existing approval vs. a new one
    ("重大设计变更的，应当报原审批部门重新审查。", "设计方案须报镇规划办审查同意后方可施工。", "C.LICENSE"),
])
def test_reading_sets_aside_the_lawful_and_keeps_the_unlawful(lawful, unlawful, code):
    assert vet(code, read(lawful)) is not None
    assert vet(code, read(unlawful)) is None


def test_settings_read_from_the_sentence():
    r = read("村集体资产出租方案经成员代表会议民主决策后实施。")
    assert Setting.COLLECTIVE in r.settings
    assert vet("C.LICENSE", r) is not None


def test_purpose_clause_sets_no_measure():
    r = read("为规范交通建设市场秩序，根据《上海市社会信用条例》和失信联合惩戒的有关规定，制定本办法。")
    assert vet("C.PENALTY", r) is not None


def test_a_heading_decides_whose_project_a_procedure_governs():
    from assistant.models import Clause
    from assistant.review.measures import section_postures

    lines = ["（1）使用财政、集体资金的限额以下小型建设工程项目",
             "建设单位填报申报表，提交相关资料至镇规建办审核。",
             "（2）使用社会资金的限额以下小型建设工程项目",
             "建设单位填报申报表，提交相关资料至镇规建办审核。"]
    clauses = [Clause(location=f"第{i}段", number=i, text=t) for i, t in enumerate(lines, 1)]
    postures = section_postures(clauses, default=False)
    assert (postures["第2段"], postures["第4段"]) == (True, False)
    # the same approval: the issuer's own project is an internal decision, the public's is a licence
    reading = read(lines[1])
    assert [a.approver for a in reading.approvals] == ["镇规建办"]
    assert vet("C.LICENSE", reading, owner=True) is not None
    assert vet("C.LICENSE", reading, owner=False) is None
    # a scope naming both kinds of money makes no document of the issuer's own
    assert not owner_posture("", "1.适用范围\n（1）使用财政、集体资金的项目；\n（2）使用社会资金的项目。")


def test_the_issuers_own_office_applying_and_an_agreement_renewed_are_no_licences():
    assert "内设机构" in vet("C.LICENSE", read("城建中心应当向领导小组提出申请，经领导小组审核同意后由设计单位变更设计图。"))
    assert "续期" in vet("C.LICENSE", read("需要延续共享停车协议的，应提前一个月向街镇提出申请，经审核通过后可续期共享。"))
    assert vet("C.LICENSE", read("由企业提出申请，经镇规建部门审核，并提交建设分管领导审批通过。")) is None


def test_form_titles_are_no_approvers_and_an_approver_may_act_after_a_comma():
    reading = read("申报单位填报《限额以下小型建设工程审批表》报镇规建办审核。")
    assert [a.approver for a in reading.approvals] == ["镇规建办"]
    assert [a.approver for a in read("修缮工程应当事先报区文物局，经批准后方能实施。").approvals] == ["区文物局"]


def test_charges_between_private_parties_and_demolishing_handed_over_houses_are_set_aside():
    assert "民事主体" in vet("C.FEE", read("使用人应按时缴纳电梯管理费。"))
    assert vet("C.FEE", read("经营户应当向镇市场管理办公室缴纳管理费。")) is None  # an authority collects
    assert "移交" in vet("C.COERCION", read("对于已移交的房屋，一旦条件成熟，即按照程序予以拆除。"))
    assert vet("C.COERCION", read("对逾期不搬迁的，依法强制拆除其房屋。")) is None
    # an authority's own charge, its collector unnamed, stays: 养犬人……缴纳留检饲养管理费
    assert vet("C.FEE", read("犬只留检期间，养犬人应当按照每日八十元的标准缴纳留检饲养管理费。")) is None


def test_an_authority_reporting_to_another_is_no_licence():
    assert "机关之间" in vet("C.LICENSE", read("在协议置换项目启动前，区房管局应向市房管局报备，经市房管局备案通过后方可进入协议置换系统。"))
    assert vet("C.LICENSE", read("设置户外招牌的，须报街道办事处审批，未经审批不得设置。")) is None
    assert vet("C.LICENSE", read("在本街道辖区内设置户外广告的，应当向街道办事处申请，经审核同意后方可设置。")) is None


@pytest.mark.parametrize("sentence", [
    "经营场所应当向街道办事处报备，经审核同意后方可营业。",          # 场所, 站, 中心 end names of the public's premises too
    "加油站应当向镇政府提出申请，经审核同意后方可经营。",
    "培训中心须向区教育局提出申请，经批准后方可招生。",
])
def test_the_public_named_like_an_office_still_needs_the_licence(sentence):
    assert vet("C.LICENSE", read(sentence)) is None


def test_a_clearance_charged_to_the_party_is_no_management_of_the_issuers_own_funds():
    own = "项目拆除所需资金由镇财政统一拨付，镇城建中心负责实施。"
    assert vet("C.COERCION", read(own), owner=True) is not None
    forced = "当事人逾期不恢复原状的，由镇人民政府组织人员强制清除、拆除，所需费用由当事人承担。"
    assert vet("C.COERCION", read(forced), owner=True) is None


def test_pulling_down_houses_already_vacated_is_no_enforcement():
    assert "腾空" in vet("C.COERCION", read("组织拆除腾空房屋，对适宜复垦的地块实施复垦，按规定报县自然资源局验收。"))


def test_a_fee_skimmed_off_the_households_rent_is_no_rent():
    assert vet("C.FEE", read("流转租金支付至村股份经济合作社账户，合作社按照每亩租金的5%提取管理服务费后，将余额发放给承包农户。")) is None
    assert "租金" in vet("C.FEE", read("承租人应当按照租赁合同约定按时缴纳租金。"))
