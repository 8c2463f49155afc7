"""The 意见书 as the reviewer decided it, written as offices write: no internal text, Chinese quotation marks, 〈〉
inside 《》, no stray spaces, the procedure checklist with the comment period counted, parts consistent."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document

from assistant.drafting.opinion import build_opinion, retitle
from assistant.drafting.writers import to_docx, to_markdown
from assistant.models import Conclusion, Material
from assistant.review import run_review
from assistant.review.decisions import Action, Decision, Decisions
from tests.conftest import REVIEW_CASES

pytestmark = pytest.mark.skipif(not REVIEW_CASES.is_dir(), reason="../shared/evaldata/review/cases is not available")
STRAY_SPACE = re.compile(r"[\u4e00-\u9fff，。；：、（）“”《》] +[\u4e00-\u9fff，。；：、（）“”《》]")


@pytest.fixture(scope="module")
def report(small_kb):
    return run_review(next(REVIEW_CASES.glob("n01-*")), kb=small_kb)


def docx_text(opinion) -> str:
    buf = BytesIO()
    to_docx(opinion, buf)
    return "\n".join(p.text for p in Document(BytesIO(buf.getvalue())).paragraphs)


def test_the_opinion_holds_no_internal_text_straight_quotes_or_stray_spaces(report):
    opinion = build_opinion(report)
    for text in (to_markdown(opinion), docx_text(opinion)):
        assert "触发表述" not in text and '"' not in text.split("<small>")[0]
        assert not STRAY_SPACE.search(text), STRAY_SPACE.search(text).group(0)
        assert "删除“指定”“统一由××公司”“其他单位不得”等限定" in text


def test_the_checklist_shows_each_procedure_and_the_comment_period_counted(report):
    opinion = build_opinion(report)
    assert opinion.procedures == [
        "起草说明：已履行（见《起草说明》）。",
        "公开征求意见：2026年8月3日至8月12日，共10日（8个工作日），应不少于30日；公开征求意见期限不足30日。",
        "公平竞争审查：未开展公平竞争审查。",
    ]
    assert "1．起草说明：已履行（见《起草说明》）。" in docx_text(opinion).splitlines()


def test_titles_inside_titles_are_marked_with_angle_brackets(report):
    named = report.model_copy(update={"title": "关于印发《清源县农贸市场管理办法》的通知",
                                      "materials": [Material(name="关于提请审核《清源县农贸市场管理办法》的函.md")]})
    opinion = build_opinion(named, office="清源县司法局")
    text = docx_text(opinion)
    assert "清源县司法局关于《关于印发〈清源县农贸市场管理办法〉的通知》的合法性审查（审核）意见书" in text
    assert "及《关于提请审核〈清源县农贸市场管理办法〉的函》等材料收悉" in text


def test_the_opinion_follows_the_decisions(report):
    full = build_opinion(report)
    decisions = Decisions(decisions=[Decision(finding="C.PENALTY@第二十二条", action=Action.REJECT, reason="已援引上位法"),
                                     Decision(finding="P.FAIR_COMPETITION", action=Action.REJECT, reason="不涉及经营者")])
    opinion = build_opinion(report, decisions=decisions)
    assert len(opinion.items) == len(full.items) - 1
    assert [i.heading[:3] for i in opinion.items] == ["（一）", "（二）", "（三）", "（四）"]
    assert not any("第二十二条" in i.heading for i in opinion.items)
    assert "中华人民共和国行政处罚法" in full.bases and "中华人民共和国行政处罚法" not in opinion.bases
    cited = {(b.instrument, b.article) for item in opinion.items for b in item.basis}
    assert ("公平竞争审查条例", "第十八条") not in cited  # the rejected procedure finding's basis
    assert "公平竞争审查：已履行。" in opinion.procedures
    assert opinion.items[-1].problem.count("．") == 1  # one procedure left


def test_rejecting_every_finding_makes_the_document_lawful(report):
    from assistant.review.decisions import finding_ids

    decisions = Decisions(decisions=[Decision(finding=fid, action=Action.REJECT, reason="复核后不成立")
                                     for fid in finding_ids(report.findings)])
    opinion = build_opinion(report, decisions=decisions)
    assert opinion.items == [] and opinion.bases == [] and opinion.conclusion == Conclusion.LAWFUL


def test_the_title_names_the_office_of_the_signature_and_the_date_is_today(report):
    opinion = build_opinion(report)
    assert opinion.date == date.today() and opinion.title.startswith(opinion.signature + "关于《")
    signed = retitle(opinion.model_copy(update={"signature": "清源县人民政府办公室"}))
    assert signed.title == "清源县人民政府办公室关于《清源县农贸市场管理办法（送审稿）》的合法性审查（审核）意见书"
