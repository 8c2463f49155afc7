"""The app's pure helpers: the annotated draft's HTML, finding links, citation cards, escaping, login, draft guess."""

from __future__ import annotations

import hashlib

from assistant.models import (
    Answer, Article, Basis, Citation, Clause, DocType, Finding, Hit, Level, Material, ReviewReport, Severity, Status,
)
from webapp.render import (
    citation_cards, draft_html, filter_findings, findings_html, findings_rows, md_escape, procedure_checklist,
)
from webapp.review import guess_draft
from webapp.shell import password_ok

TEXT = "# 办法\n\n第一条　为了管理，制定本办法。\n\n第二条　违反的，处以<b>五万元</b>罚款。\n\n第三条　自发布之日起施行。\n"


def clauses() -> list[Clause]:
    from assistant.review.clauses import split_clauses

    return split_clauses(TEXT)


PENALTY = Finding(code="C.PENALTY", location="第二条", severity=Severity.ERROR, title="规范性文件设定罚款",
                  evidence="违反的，处以<b>五万元</b>罚款。",
                  basis=[Basis(instrument="中华人民共和国行政处罚法", article="第十六条", verified=True)])
PROCEDURE = Finding(code="P.PUBLIC_COMMENT", severity=Severity.ERROR, title="未向社会公开征求意见")


def test_draft_html_marks_the_clause_and_its_evidence_and_escapes_the_draft():
    out = draft_html(TEXT, clauses(), [(1, PROCEDURE), (2, PENALTY)])
    assert '<div class="fs-clause fs-error" id="clause-第二条">' in out
    assert '<mark class="fs-error">违反的，处以&lt;b&gt;五万元&lt;/b&gt;罚款。</mark>' in out
    assert 'href="#finding-2"' in out and 'href="#finding-1"' not in out  # procedure findings have no clause
    assert '<div class="fs-clause" id="clause-第一条">第一条　为了管理' in out
    assert "<b>五万元</b>" not in out and "<b>办法</b>" in out  # a Markdown heading is shown bold
    # every character of the draft is shown once, in order
    import html
    import re

    shown = html.unescape(re.sub(r"<[^>]+>", "", out.split("</style>")[1].replace('↩', '')))
    assert "为了管理" in shown and shown.index("第一条") < shown.index("第二条") < shown.index("第三条")


def test_draft_html_falls_back_to_clause_texts_when_offsets_do_not_fit():
    bad = [c.model_copy(update={"start": 0, "end": 10_000}) for c in clauses()]
    out = draft_html(TEXT, bad, [(1, PENALTY)])
    assert out.count('class="fs-clause') == 3 and 'id="clause-第二条"' in out


def test_findings_html_links_located_findings_to_their_clause():
    out = findings_html([(1, PROCEDURE), (2, PENALTY)], ["第一条", "第二条"])
    assert '<li class="fs-finding" id="finding-2">' in out and 'href="#clause-第二条"' in out
    assert 'href="#clause-' not in out.split('id="finding-2"')[0]  # the procedure finding is not a link
    assert "《中华人民共和国行政处罚法》第十六条" in out
    assert "没有符合筛选条件的问题" in findings_html([], [])


def test_filter_keeps_the_numbers_of_the_full_list():
    found = [PROCEDURE, PENALTY]
    assert filter_findings(found, ["C.PENALTY"]) == [(2, PENALTY)]
    assert filter_findings(found, [], ["严重"]) == [(1, PROCEDURE), (2, PENALTY)]
    assert filter_findings(found, [], ["提示"]) == []
    assert [r["位置"] for r in findings_rows(found)] == ["（整体/程序）", "第二条"]
    assert findings_rows(found)[1]["依据"] == "《中华人民共和国行政处罚法》第十六条"


def test_procedure_checklist_marks_missing_procedures_and_names_the_materials():
    report = ReviewReport(title="办法", doc_type=DocType.NORMATIVE, findings=[PROCEDURE, PENALTY],
                          procedures=["P.DRAFT_NOTE", "P.PUBLIC_COMMENT"],
                          materials=[Material(name="起草说明.md", kinds=["draft_note"])])
    rows = procedure_checklist(report)
    assert [(r["代码"], r["ok"], r["相关材料"]) for r in rows] == [("P.DRAFT_NOTE", True, "起草说明"),
                                                                 ("P.PUBLIC_COMMENT", False, "")]


def test_citation_cards_show_level_status_quote_and_badge():
    art = Article(id="x:16", instrument_id="x", instrument_title="中华人民共和国行政处罚法", number=16, label="第十六条",
                  text="除法律、法规、规章外，其他规范性文件不得设定行政处罚。", level=Level.LAW, status=Status.CURRENT)
    answer = Answer(question="q", answer="a", sources=[Hit(article=art, score=1.0)], citations=[
        Citation(text="《行政处罚法》第十六条", instrument="中华人民共和国行政处罚法", article="第十六条", verified=True)],
        unverified=[Citation(text="《某某法》第九十九条", instrument="某某法", article="第九十九条", reason="知识库中没有该法")])
    cards = citation_cards(answer)
    assert cards[0]["level"] == "法律" and cards[0]["status"] == "现行有效" and "已核实" in cards[0]["badge"]
    assert cards[0]["quote"] == art.text
    assert cards[1]["verified"] is False and "未核实" in cards[1]["badge"] and cards[1]["reason"] == "知识库中没有该法"
    assert cards[1]["level"] == "未知"


def test_md_escape_neutralises_links_images_and_directives():
    assert md_escape("![x](http://evil/a.png) :red[x] :material/home:") == \
        r"\!\[x\]\(http\://evil/a\.png\) \:red\[x\] \:material/home\:"
    assert md_escape("第一条　普通文字") == "第一条　普通文字"


def test_password_check_uses_sha256_and_rejects_unknown_users():
    users = {"alice": hashlib.sha256("密码".encode()).hexdigest()}
    assert password_ok(users, "alice", "密码") and password_ok(users, " alice ", "密码")
    assert not password_ok(users, "alice", "wrong") and not password_ok(users, "bob", "密码")


def test_the_draft_is_guessed_among_the_uploads():
    assert guess_draft(["起草说明.docx", "清源县农贸市场管理办法（送审稿）.docx", "征求意见情况.md"]) == 1
    assert guess_draft(["关于提请审核的函.md", "draft.md"]) == 1
    assert guess_draft(["起草说明.md"]) == 0
