"""A fine copied from the law compared with the law's range (assistant/review/upper.py): outside it, the finding
names the article and both ranges; inside it, with the article cited, nothing is found."""

import pytest

from assistant.models import Article, Finding, Hit, Level
from assistant.review.sentences import fine_bounds
from assistant.review.upper import compare_with_law, encourages_only, outside_range, restates_penalty, sanctions_within
from assistant.text.numerals import int_to_cn

FIRE_LAW = ("单位违反本法规定，有下列行为之一的，责令改正，处五千元以上五万元以下罚款；"
            "个人有前款第二项、第三项行为之一的，处警告或者五百元以下罚款。")


@pytest.mark.parametrize("text, bounds", [
    ("处五千元以上五万元以下罚款", (5000, 50000)),
    ("处二千元以下罚款", (0, 2000)),
    ("并处1000元罚款", (1000, 1000)),
    ("可以处 500 元以上 5000 元以下罚款", (500, 5000)),
    ("处一万元以下罚款；情节严重的，处一万元以上十万元以下罚款", (0, 100000)),
    ("处五百元以上罚款", (500, float("inf"))),
    ("处违法所得二倍以下罚款", None),
    ("责令改正", None),
])
def test_the_range_a_text_lets_a_fine_be(text, bounds):
    assert fine_bounds(text) == bounds


def test_a_range_outside_the_laws_for_the_same_party_is_named():
    assert outside_range("单位损坏消防设施的，处二千元以上二万元以下罚款。", FIRE_LAW) == \
        "上位法规定的罚款幅度为5000元至5万元，本条为2000元至2万元"
    assert outside_range("单位损坏消防设施的，处一万元以上五万元以下罚款。", FIRE_LAW) is None  # narrower, inside
    assert outside_range("个人堵塞疏散通道的，处二百元以下罚款。", FIRE_LAW) is None  # the law's range for persons
    assert outside_range("单位损坏消防设施的，处违法所得二倍以下罚款。", FIRE_LAW) is None  # nothing to compare


def test_a_law_that_only_encourages_is_not_restated_by_a_duty():
    assert encourages_only("鼓励保险公司承保火灾公众责任保险")
    assert not encourages_only("高危行业生产经营单位应当投保安全生产责任保险，鼓励其他单位投保")


def test_the_finding_names_the_article_and_ranges_it_compared():
    article = Article(id="消防法:60", instrument_id="消防法", instrument_title="中华人民共和国消防法", number=60,
                      label="第六十条", level=Level.LAW, text=FIRE_LAW,
                      paragraphs=["单位违反本法规定，有下列行为之一的，责令改正，处五千元以上五万元以下罚款：",
                                  "（二）损坏、挪用或者擅自拆除、停用消防设施、器材的；",
                                  "个人有前款第二项、第三项行为之一的，处警告或者五百元以下罚款。"])

    def search(query: str, k: int) -> list[Hit]:
        return [Hit(article=article, score=1.0)]

    def finding(evidence: str) -> Finding:
        return Finding(code="C.PENALTY", location="第二条", title="规范性文件设定罚款", evidence=evidence,
                       explanation="本条规定罚款。", source="rule:penalty.fine")

    copied = "单位损坏、挪用或者擅自拆除、停用消防设施、器材的，由区消防救援机构责令改正，处二千元以上二万元以下罚款。"
    (kept,), aside = compare_with_law([finding(copied)], search)
    assert aside == [] and (kept.compared_with[0].instrument, kept.compared_with[0].article) == ("中华人民共和国消防法", "第六十条")
    assert "《中华人民共和国消防法》第六十条，上位法规定的罚款幅度为5000元至5万元，本条为2000元至2万元" in kept.explanation
    inside = "单位损坏、挪用或者擅自拆除、停用消防设施、器材的，由区消防救援机构责令改正，处五千元以上五万元以下罚款。"
    (kept,), _ = compare_with_law([finding(inside)], search)
    assert "幅度" not in kept.explanation


class _OneArticle:
    """A review context that knows one article (what `_restated_mismatch` asks of it)."""

    def __init__(self, title: str, text: str):
        self.title, self.text = title, text

    def instrument(self, name):
        return type("Instrument", (), {"title": self.title})() if name == self.title else None

    def article_text(self, title, number, suffix=0):
        return self.text if title == self.title else None


def test_a_paraphrase_keeping_the_articles_acts_attributes_nothing_new_and_another_act_does():
    from assistant.models import Citation
    from assistant.review.checks.citations import _restated_mismatch

    title = "中华人民共和国计量法实施细则"
    ctx = _OneArticle(title, "县级以上人民政府计量行政部门可以根据需要，采取以下形式授权其他单位的计量检定机构和技术机构，"
                             "在规定的范围内执行强制检定和其他检定、测试任务：（三）授权某一部门或某一单位的计量检定机构，"
                             "对其内部使用的强制检定计量器具执行强制检定。")

    def mismatch(said: str) -> str | None:
        text = f"依据《{title}》第二十七条规定，{said}"
        c = Citation(text=f"《{title}》第二十七条", instrument=title, article="第二十七条", article_no=27,
                     start=2, end=2 + len(f"《{title}》第二十七条"))
        return _restated_mismatch(c, text, ctx)

    # 授权……检定, as the article provides (heldout12 s10)
    assert mismatch("经市场监管部门授权的生产企业，对本企业制造的民用水表、燃气表在出厂前进行计量检定，检定合格后在安装前可不再"
                    "进行首次强制检定。") is None
    # a fee the article does not provide for
    assert mismatch("生产企业应当向市场监管部门缴纳民用水表、燃气表出厂检定费，每只收费五元。") is not None


GREEN = "未经同意擅自占用城市绿化用地的，由城市人民政府城市绿化行政主管部门责令限期退还、恢复原状，可以并处罚款"  # 城市绿化条例第二十七条


@pytest.mark.parametrize("sentence, expected", [
    # the law's penalty for the same conduct, reworded, by a district department
    ("对擅自占用绿地的，由区绿化市容局责令限期归还，恢复原状，并处罚款", True),
    # a sanction the law does not name for it
    ("对擅自占用绿地的，由区绿化市容局责令限期归还，并吊销其营业执照", False),
    # a town's body where the law names the city's department
    ("对擅自占用绿地的，由镇人民政府责令限期归还，并处罚款", False),
    # conduct of no words of its own: 逾期仍不缴纳 is every law's
    ("逾期仍不改正的，处罚款", False),
])
def test_a_penalty_reworded_from_the_law_for_the_same_conduct_is_a_restatement(sentence, expected):
    from assistant.review.upper import restates_penalty

    assert restates_penalty(sentence, GREEN) is expected


# 《中华人民共和国道路运输条例》第六十五条, as in the national knowledge base
ROAD = ["违反本条例的规定，未经许可擅自从事道路旅客运输站（场）经营的，由县级以上地方人民政府交通运输主管部门责令停止经营；有违法所得的，"
        "没收违法所得，处违法所得2倍以上10倍以下的罚款；没有违法所得或者违法所得不足1万元的，处2万元以上5万元以下的罚款；构成犯罪的，依法"
        "追究刑事责任。",
        "从事机动车维修经营业务不符合国务院交通运输主管部门制定的机动车维修经营业务标准的，由县级以上地方人民政府交通运输主管部门责令改正；"
        "情节严重的，由县级以上地方人民政府交通运输主管部门责令停业整顿。",
        "从事道路货物运输站（场）经营、机动车驾驶员培训业务，未按规定进行备案的，由县级以上地方人民政府交通运输主管部门责令改正；拒不改正的，"
        "处5000元以上2万元以下的罚款。",
        "从事机动车维修经营业务，未按规定进行备案的，由县级以上地方人民政府交通运输主管部门责令改正；拒不改正的，处3000元以上1万元以下的罚款。",
        "备案时提供虚假材料情节严重的，其直接负责的主管人员和其他直接责任人员5年内不得从事原备案的业务。"]


@pytest.mark.parametrize("cited, expected", [(2, 4), (4, None)])
def test_a_paragraph_cited_for_another_paragraphs_conduct_is_named(cited, expected):
    """The conduct before the citation (未按规定进行备案) is the fourth 款's: citing the second is an error the finding
    names, citing the fourth is none."""
    from assistant.models import Citation
    from assistant.review.checks.law import right_paragraph

    title = "中华人民共和国道路运输条例"
    ctx = type("Ctx", (), {"article_paragraphs": lambda self, t, n, suffix=0: ROAD if (t, n) == (title, 65) else None})()
    cited_text = f"《{title}》第六十五条第{'二四'[cited // 4]}款"
    text = f"从事机动车维修经营业务，未按规定进行备案的，由县交通运输局依照{cited_text}的规定责令改正"
    start = text.index("《")
    c = Citation(text=cited_text, instrument=title, article="第六十五条", article_no=65, paragraph=cited, start=start,
                 end=start + len(cited_text))
    assert right_paragraph(c, text, ctx) == expected


RIVER = {44: "违反本条例规定，有下列行为之一的，县级以上地方人民政府河道主管机关除责令其纠正违法行为、采取补救措施外，可以并处警告、"
             "罚款、没收非法所得：（一）在河道管理范围内弃置、堆放阻碍行洪物体的；种植阻碍行洪的林木或者高秆植物的；",
         45: "违反本条例规定，有下列行为之一的，县级以上地方人民政府河道主管机关除责令其纠正违法行为、赔偿损失、采取补救措施外，可以并处"
             "警告、罚款：（一）损毁堤防、护岸、闸坝、水工程建筑物，损毁防汛设施、水文监测和测量设施；（三）非管理人员操作河道上的涵闸闸门的。",
         24: "在河道管理范围内，禁止弃置、堆放阻碍行洪的物体；禁止种植阻碍行洪的林木和高秆作物。"}


@pytest.mark.parametrize("cited, expected", [(45, "第四十四条"), (44, None), (24, None)])
def test_a_conduct_the_next_article_sanctions_shows_the_number_is_wrong(cited, expected):
    """The conduct before "的，由……依照" is what the cited penalty article must sanction; the duty's own article
    (第二十四条, no sanction) is no better neighbour."""
    from assistant.models import Citation
    from assistant.review.checks.citations import _conduct_mismatch

    title = "中华人民共和国河道管理条例"
    ctx = type("Ctx", (), {"instrument": lambda self, name: type("I", (), {"title": title})(),
                           "article_text": lambda self, t, n, suffix=0: RIVER.get(n)})()
    cited_text = f"《{title}》第{int_to_cn(cited)}条"
    text = f"在河道管理范围内弃置、堆放垃圾、渣土等阻碍行洪物体的，由县水利局依照{cited_text}的规定，责令其纠正违法行为，并可以处罚款。"
    c = Citation(text=cited_text, instrument=title, article=f"第{int_to_cn(cited)}条", article_no=cited,
                 start=text.index("《"), end=text.index("《") + len(cited_text))
    problem = _conduct_mismatch(c, text, ctx)
    if expected is None:
        assert problem is None
    else:
        assert problem.endswith(f"本条所述内容见该法{expected}")


def test_an_article_cited_to_found_the_document_by_its_number_before_an_amendment_is_named():
    """村民委员会组织法 2025 moved the 筹资筹劳 of the old 第二十四条 to 第二十八条: a 2026 document founded on
    "第二十四条" cites the work handover of the text in force."""
    from types import SimpleNamespace as NS

    from assistant.models import Citation
    from assistant.review.checks.citations import _renumbered

    title = "中华人民共和国村民委员会组织法"
    old, new = NS(id="old", title=title), NS(id="new", title=title)
    texts = {("old", 24): "涉及村民利益的下列事项，经村民会议讨论决定方可办理：（四）本村公益事业的兴办和筹资筹劳方案及建设承包方案；",
             ("new", 24): "村民委员会应当自新一届村民委员会产生之日起十日内完成工作移交。",
             ("new", 28): "涉及村民利益的下列事项，经村民会议讨论决定方可办理：（四）本村公益事业的兴办和筹资筹劳方案及建设承包方案；"}
    article = lambda iid, n: NS(text=texts[(iid, n)], number=n) if (iid, n) in texts else None  # noqa: E731
    catalog = NS(versions=lambda inst: [old, new], get_article=article,
                 articles_of=lambda iid: [a for (i, n) in texts if i == iid for a in [article(i, n)]])
    ctx = NS(title="某镇村级公益事业建设一事一议筹资筹劳管理办法", catalog=catalog, instrument=lambda name: new,
             article_text=lambda t, n, suffix=0: texts.get(("new", n)))

    def problem(number: int) -> str | None:
        cited = f"《{title}》第{int_to_cn(number)}条"
        text = f"为规范一事一议筹资筹劳行为，根据{cited}等规定，结合本镇实际，制定本办法。"
        c = Citation(text=cited, instrument=title, article=f"第{int_to_cn(number)}条", article_no=number,
                     start=text.index("《"), end=text.index("《") + len(cited))
        return _renumbered(c, text, ctx)

    assert problem(24).endswith("修改前该条的内容现为第二十八条")
    assert problem(28) is None


def test_a_sentence_naming_a_bank_the_law_does_not_name_restates_nothing():
    from assistant.review.upper import restates

    law = "施工总承包单位应当按照有关规定开设农民工工资专用账户，专项用于支付该工程建设项目农民工工资。"
    assert restates("施工总承包单位应当按照有关规定开设农民工工资专用账户，专项用于支付农民工工资。", law)
    assert not restates("施工总承包单位应当在汶阳农村商业银行开设农民工工资专用账户，专项用于支付农民工工资。", law)


def test_an_order_to_stop_production_added_to_the_laws_fine_is_a_sanction_of_its_own():
    law = ("排水户未取得污水排入排水管网许可证向城镇排水设施排放污水的，由城镇排水主管部门责令停止违法行为，限期采取治理措施，"
           "补办污水排入排水管网许可证，可以处50万元以下罚款")
    assert not sanctions_within("由开发区管委会责令停产整治，并处一万元以上五万元以下罚款", law)
    assert sanctions_within("由县城市管理局责令停业整顿，并处罚款", "责令停产停业，并处罚款")


def test_two_lead_ins_share_no_conduct():
    law = ("违反本法规定，疾病预防控制机构有下列情形之一的，由县级以上人民政府卫生健康主管部门责令改正，给予警告或者通报批评")
    assert not restates_penalty("经营者有下列情形之一的，由县文广体旅局予以通报批评，并责令其暂停经营一至三个月：", law)
