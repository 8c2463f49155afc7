"""Time limits compared with the law's (checks/periods.py): the same act from the same event, a shorter period put
on others is a finding; an authority's own, a generic event, another act or a longer period are not."""

from __future__ import annotations

import pytest

from assistant.models import DocType, Dossier, Stage
from assistant.review.checks.periods import shorter
from assistant.review.engine import review

# 《中华人民共和国土地管理法实施条例》第二十条第三款 and 《建设工程安全生产管理条例》第三十五条第三款, as in the KB
RECLAIM = "土地使用者应当自临时用地期满之日起一年内完成土地复垦，使其达到可供利用状态"
REGISTER = "施工单位应当自施工起重机械和整体提升脚手架、模板等自升式架设设施验收合格之日起30日内，向建设行政主管部门或者其他有关部门登记"
TAX = "从事生产、经营的纳税人应当自领取营业执照之日起三十日内，持有关证件，向税务机关申报办理税务登记"  # 税收征收管理法第十五条
SHARES = 0.5


@pytest.mark.parametrize("sentence, law, expected", [
    ("乙方自临时用地使用期满之日起三个月内，按照土地复垦方案要求完成土地平整，九个月内恢复至土地复垦方案要求地类", RECLAIM,
     ("自临时用地使用期满之日起三个月内", "自临时用地期满之日起一年内")),
    # 工作日 count as up to one and a half days, still short of 30
    ("总承包单位应当自建筑起重机械使用验收合格之日起7个工作日内，将安装验收资料等信息通过管理信息系统进行网上使用登记",
     REGISTER, ("自建筑起重机械使用验收合格之日起7个工作日内", "自施工起重机械和整体提升脚手架、模板等自升式架设设施验收合格之日起30日内")),
    # a generic act (申报) counts with its object shared (税务登记)
    ("个体工商户应当自领取营业执照之日起十日内申报办理税务登记", TAX, ("自领取营业执照之日起十日内", "自领取营业执照之日起三十日内")),
])
def test_a_shorter_period_for_the_same_act_from_the_same_event_is_found(sentence, law, expected):
    assert shorter(sentence, law, SHARES) == expected


@pytest.mark.parametrize("sentence, law", [
    # as long as the law's, or longer
    ("使用人应当自临时用地期满之日起十二个月内完成土地复垦", RECLAIM),
    # the authority binds itself: deciding sooner serves the public
    ("区规划资源局应当自临时用地期满之日起三个月内组织复垦验收并予以公告", RECLAIM),
    # another act from the same event (验收 is not 复垦)
    ("使用人应当自临时用地期满之日起十日内报告使用情况", RECLAIM),
    # the same event, a generic act (提交, 报告) about another thing
    ("个体工商户应当自领取营业执照之日起十日内向街道提交经营情况报告", TAX),
    # an event of no words of its own: 自备案事项变更之日起 is not the law's 法定变更事项发生
    ("权属人应当自备案事项变更之日起10日内办理变更备案", "市场主体应当自作出变更决议、决定或者法定变更事项发生之日起30日内向登记机关申请变更登记"),
])
def test_what_is_not_a_shorter_period_on_others_is_not_found(sentence, law):
    assert shorter(sentence, law, SHARES) is None


def test_the_finding_names_the_article_compared_and_is_located(catalog):
    """Through the engine, with the knowledge base's search stood in for by a fixed hit list."""
    from assistant.models import Hit

    law = catalog.get_article(catalog.resolve("中华人民共和国土地管理法实施条例").id, 20)
    text = ("某区临时用地管理办法\n\n第一条 为规范临时用地管理，制定本办法。\n\n第二条 临时用地使用人应当自临时用地期满之日起"
            "三个月内完成土地复垦，逾期未完成的，由区规划资源局责令限期改正。\n\n第三条 本办法自2026年1月1日起施行，有效期5年。\n")
    dossier = Dossier(title="某区临时用地管理办法", issuer="上海市某区规划和自然资源局", draft_name="draft.md", draft_text=text,
                      doc_type=DocType.NORMATIVE, stage=Stage.FILING)
    report = review(dossier, catalog=catalog, search=lambda q, k: [Hit(article=law, score=1.0)])
    found = [f for f in report.findings if f.source == "rule:compare.shorter-period"]
    assert [(f.code, f.location) for f in found] == [("C.OBLIGATION", "第二条")]
    assert found[0].compared_with[0].instrument == "中华人民共和国土地管理法实施条例"
    assert found[0].compared_with[0].article == "第二十条"
    assert "一年内" in found[0].explanation and "三个月内" in found[0].explanation
