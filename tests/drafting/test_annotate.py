"""The draft returned with Word comments and tracked changes: one comment per kept finding on the exact words, the
change's old and new text, the reviewer's decisions followed, a text draft turned into a .docx."""

from __future__ import annotations

import time
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from assistant.drafting.annotate import annotate
from assistant.errors import InputError
from assistant.models import Rewrite
from assistant.review import run_review
from assistant.review.decisions import Action, Decision, Decisions, FindingEdit, finding_ids
from assistant.review.pipeline import read_dossier
from tests.drafting.docx_read import changes, comments, references, visible_text

TITLE = "青禾县农贸市场管理办法（送审稿）"
ARTICLES = [
    ("第一条", "为了加强农贸市场管理，规范市场经营秩序，结合本县实际，制定本办法。"),
    ("第二条", "经营者进场经营前，应当向县农贸市场服务中心缴纳食品安全保证金三千元。"),
    ("第三条", "经营者占用市场通道的，由县市场监督管理局责令改正，处五百元以上二千元以下罚款。"),
    ("第四条", "本办法自2026年1月1日起施行，长期有效。"),
]
FEE = ARTICLES[1][1]
PENALTY = ARTICLES[2][1]
VALIDITY = ARTICLES[3][1]
# Word shows a changed sentence with the deleted words and the inserted ones side by side
VALIDITY_CHANGED = VALIDITY.replace("长期有效", "长期有效有效期5年")


def write_docx(path: Path) -> Path:
    """The draft as an office would type it: bold article labels, and each article's text in three runs of different
    formatting, so that every comment and change has to cut runs."""
    doc = Document()
    doc.add_paragraph(TITLE)
    for label, text in ARTICLES:
        p = doc.add_paragraph()
        p.add_run(label).bold = True
        p.add_run("　")
        a, b = len(text) // 3, 2 * len(text) // 3
        p.add_run(text[:a])
        p.add_run(text[a:b]).italic = True
        p.add_run(text[b:])
    doc.save(path)
    return path


@pytest.fixture
def draft(tmp_path) -> Path:
    return write_docx(tmp_path / "草案.docx")


@pytest.fixture
def report(draft):
    return run_review(read_dossier(draft, issuer="青禾县人民政府"), kb=None)


def test_the_review_finds_what_the_tests_expect(report):
    assert [(f.code, f.location) for f in report.findings] == [
        ("P.DRAFT_NOTE", None), ("P.PUBLIC_COMMENT", None), ("P.FAIR_COMPETITION", None), ("C.FEE", "第二条"),
        ("C.PENALTY", "第三条"), ("C.VALIDITY", "第四条"), ("C.RETROACTIVE", "第四条")]
    assert next(f for f in report.findings if f.code == "C.VALIDITY").rewrite == Rewrite(old="长期有效", new="有效期5年")


def test_one_comment_per_finding_on_its_words_and_procedures_on_the_title(draft, report, tmp_path):
    out = tmp_path / "批注稿.docx"
    result = annotate(draft, report, out)
    data = out.read_bytes()
    got = comments(data)
    assert result.comments == len(got) == 7 and sorted(references(data), key=int) == [c["id"] for c in got]
    assert [c["anchored"] for c in got] == [TITLE, TITLE, TITLE, FEE, PENALTY, VALIDITY_CHANGED, VALIDITY_CHANGED]
    assert {c["author"] for c in got} == {"法审助手"}
    fee = got[3]["text"].splitlines()
    assert fee[0] == "【违法收费（C.FEE）】设立保证金、押金"
    assert fee[1].startswith("问题：本条要求缴纳保证金") and fee[2].startswith("依据：《优化营商环境条例》第二十五条")
    assert fee[3].startswith("建议：删除保证金（押金）规定")
    assert got[0]["text"].startswith("【起草说明（P.DRAFT_NOTE）】缺少起草说明")
    assert all("触发表述" not in c["text"] and '"' not in c["text"] for c in got)


def test_a_concrete_rewording_is_a_tracked_change(draft, report, tmp_path):
    out = tmp_path / "批注稿.docx"
    result = annotate(draft, report, out)
    data = out.read_bytes()
    assert changes(data) == [("del", "法审助手", "长期有效"), ("ins", "法审助手", "有效期5年")]
    assert result.changes == 1
    assert [(p.finding, p.old, p.new) for p in result.placements if p.old] == [("C.VALIDITY@第四条", "长期有效", "有效期5年")]
    # accepting every change gives the draft with the fix; the formatting of the other words is kept
    assert "第四条　本办法自2026年1月1日起施行，有效期5年。" in visible_text(data)
    fee_runs = [r for p in Document(out).paragraphs if "保证金" in p.text for r in p.runs]
    assert any(r.italic for r in fee_runs) and any(r.bold for r in fee_runs)


def test_the_comments_follow_the_decisions(draft, report, tmp_path):
    ids = finding_ids(report.findings)
    assert ids[3:] == ["C.FEE@第二条", "C.PENALTY@第三条", "C.VALIDITY@第四条", "C.RETROACTIVE@第四条"]
    decisions = Decisions(decisions=[
        Decision(finding="C.RETROACTIVE@第四条", action=Action.REJECT, reason="2026年1月1日晚于审查日期"),
        Decision(finding="C.VALIDITY@第四条", action=Action.REJECT, reason="省规定未写有效期的为五年"),
        Decision(finding="C.PENALTY@第三条", action=Action.EDIT, edit=FindingEdit(
            title="罚款无上位法依据", rewrite=Rewrite(old="处五百元以上二千元以下罚款", new="依照有关法律、法规的规定处理"))),
    ])
    out = tmp_path / "批注稿.docx"
    annotate(draft, report, out, decisions=decisions, author="张三")
    data = out.read_bytes()
    got = comments(data)
    assert [c["anchored"] for c in got] == [TITLE, TITLE, TITLE, FEE, PENALTY.replace("罚款", "罚款依照有关法律、法规的规定处理")]
    assert got[4]["text"].startswith("【违法设定处罚（C.PENALTY）】罚款无上位法依据")
    assert got[4]["text"].endswith("修订：“处五百元以上二千元以下罚款”改为“依照有关法律、法规的规定处理”")
    assert {c["author"] for c in got} == {"张三"}
    assert changes(data) == [("del", "张三", "处五百元以上二千元以下罚款"), ("ins", "张三", "依照有关法律、法规的规定处理")]
    assert "由县市场监督管理局责令改正，依照有关法律、法规的规定处理。" in visible_text(data)


def test_a_text_draft_becomes_a_docx_with_the_same_comments(tmp_path):
    md = tmp_path / "草案.md"
    md.write_text(f"# {TITLE}\n\n" + "\n\n".join(f"{label}　{text}" for label, text in ARTICLES) + "\n", encoding="utf-8")
    report = run_review(read_dossier(md, issuer="青禾县人民政府"), kb=None)
    buf = BytesIO()
    result = annotate(md, report, buf)
    data = buf.getvalue()
    assert result.converted and result.comments == 7
    assert [c["anchored"] for c in comments(data)] == [TITLE, TITLE, TITLE, FEE, PENALTY, VALIDITY_CHANGED,
                                                       VALIDITY_CHANGED]
    assert changes(data) == [("del", "法审助手", "长期有效"), ("ins", "法审助手", "有效期5年")]
    paragraphs = [p.text for p in Document(BytesIO(data)).paragraphs]
    assert paragraphs[0] == TITLE and "第二条　" + FEE in paragraphs  # the Markdown heading mark is gone


def test_an_output_that_is_not_docx_is_refused(draft, report, tmp_path):
    with pytest.raises(InputError, match=r"\.docx"):
        annotate(draft, report, tmp_path / "批注稿.pdf")


def test_thirty_findings_are_annotated_within_three_seconds(tmp_path):
    doc = Document()
    doc.add_paragraph("青禾县市容管理办法（送审稿）")
    for n in range(1, 31):
        p = doc.add_paragraph()
        p.add_run(f"第{'一二三四五六七八九十'[n % 10 - 1] if n < 11 else n}条").bold = True
        p.add_run(f"　违反本办法第{n}项规定的，由县城市管理局处以{n}百元罚款。")
    path = tmp_path / "草案.docx"
    doc.save(path)
    report = run_review(read_dossier(path, issuer="青禾县人民政府"), kb=None)
    content = [f for f in report.findings if f.code == "C.PENALTY"]
    assert len(content) >= 25
    started = time.perf_counter()
    result = annotate(path, report, tmp_path / "批注稿.docx")
    elapsed = time.perf_counter() - started
    assert result.comments == len(report.findings) >= 28
    assert all(p.on_evidence for p in result.placements if "C.PENALTY" in p.finding)
    assert elapsed < 3.0, elapsed
