"""Material classification: title first, then text; one file may hold several kinds."""

import pytest

from assistant.review.materials import classify_material, load_vocabulary


@pytest.mark.parametrize("name, kind", [
    ("起草说明.md", "draft_note"),
    ("关于《某县农贸市场管理办法（送审稿）》的制定说明.docx", "draft_note"),
    ("某县国土空间规划编制说明.docx", "draft_note"),
    ("决策草案说明.md", "draft_note"),
    ("关于《某县停车收费方案（征求意见稿）》的说明.md", "draft_note"),
    ("公开征求意见情况说明.md", "comment_report"),
    ("意见采纳情况表.xlsx.md", "comment_report"),
    ("社会公众意见反馈情况.md", "comment_report"),
    ("公众参与情况报告.md", "comment_report"),
    ("公平竞争审查表.docx", "fair_competition"),
    ("公平竞争审查初审意见.md", "fair_competition"),
    ("某县司法局关于《某办法（送审稿）》的合法性审核意见书.md", "legality_review"),
    ("法律顾问法律意见书.docx", "legality_review"),
    ("镇司法所审核意见.md", "legality_review"),
    ("县政府第12次常务会议纪要.md", "collective"),
    ("局务会议纪要（摘录）.md", "collective"),
    ("镇党政联席会议纪要.md", "collective"),
    ("专家论证意见.md", "expert"),
    ("论证会纪要.md", "expert"),
    ("社会稳定风险评估报告.docx", "risk"),
    ("稳评报告.md", "risk"),
    ("听证公告.md", "hearing"),
    ("听证笔录.md", "hearing"),
    ("听证报告.md", "hearing"),
    ("关于提请审核《某办法（送审稿）》的函.md", "cover_letter"),
    ("送审报告.md", "cover_letter"),
    ("备案报告.md", "filing_report"),
    ("发文稿纸（签批单）.md", "sign_off"),
    ("供水定价成本监审报告.md", "cost_audit"),
    ("政策解读.md", "interpretation"),
])
def test_titles(name, kind):
    assert kind in classify_material(name, "")


def test_the_quoted_draft_title_does_not_decide():
    # 《…（征求意见稿）》 inside an opinion's title must not make it a comment report
    kinds = classify_material("关于《某县民宿管理办法（征求意见稿）》的合法性审核意见书.md", "")
    assert kinds == ["legality_review"]


def test_a_request_for_review_is_a_letter_not_an_opinion():
    kinds = classify_material("关于请求对《某镇宅基地管理办法》进行法律审查的函.md",
                              "请贵所在10个工作日内出具法律意见。附件：征求意见稿")
    assert kinds == ["cover_letter"]


def test_a_ruling_out_note_is_not_an_expert_opinion():
    text = ("一、必要性。现行价格与成本倒挂。\n二、履行程序情况。因时间较紧，未单独组织专家论证；"
            "拟不再召开价格听证会。")
    assert classify_material("附件2.md", text) == ["draft_note"]


def test_a_draft_note_that_reports_the_consultation_holds_two_kinds():
    text = ("一、必要性。……\n二、合法性。依据《某法》制定。\n三、征求意见情况。2026年7月1日至7月31日在县政府门户网站"
            "公开征求意见，收到意见12条，采纳5条，未采纳7条。")
    assert classify_material("起草说明.md", text) == ["draft_note", "comment_report"]


@pytest.mark.parametrize("text, kind", [
    ("你局报送的送审稿收悉。经审核，提出如下意见：一、第八条设定许可，违反上位法。审核结论：修改后可以提请审议。",
     "legality_review"),
    ("2026年7月3日，局长主持召开局务会议，班子成员出席。会议审议通过了《某办法（送审稿）》。", "collective"),
    ("政策措施名称：某办法。市场准入和退出：符合。商品和要素自由流动：符合。审查结论：可以出台。", "fair_competition"),
    ("专家组听取了汇报，经论证认为方案可行。专家签名：张三、李四", "expert"),
    ("一、评估方法。二、风险点：部分居民反对。三、防范化解措施。四、评估结论：风险等级为低风险。", "risk"),
    ("听证主持人：某某。听证参加人15名。听证笔录已经参加人签字。", "hearing"),
    ("2026年8月1日至8月31日在门户网站公开征求意见，共收到意见20条，采纳8条。", "comment_report"),
    ("现将我局印发的《某办法》（某规〔2026〕1号）报送备案，请予备案。附件：正式文本", "filing_report"),
])
def test_text_without_a_title(text, kind):
    assert kind in classify_material("附件.md", text)


def test_letters_to_departments_only_are_still_a_comment_report_by_title():
    kinds = classify_material("部门意见征求及采纳情况.md", "书面征求了12个单位意见，采纳19条。")
    assert kinds == ["comment_report"]


def test_unknown_material():
    assert classify_material("照片.md", "现场照片若干") == ["other"]


def test_vocabulary_loads_and_every_kind_has_a_label():
    vocab = load_vocabulary()
    assert {"draft_note", "comment_report", "fair_competition", "legality_review", "collective", "expert", "risk",
            "hearing", "cover_letter"} <= set(vocab.kinds)
    assert all(spec.label for spec in vocab.kinds.values())
    assert vocab.statements["adoption"] and vocab.subjects["operators"]["strong"]
