"""The 意见书: items from findings in order, conclusion, offices, and the .docx/.md renderings read back."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from assistant import __version__
from assistant.drafting.opinion import TEMPLATE_PATH, build_opinion, decide_conclusion, derive_office, load_opinion_template
from assistant.drafting.writers import to_docx, to_markdown
from assistant.errors import ConfigError
from assistant.models import (
    Basis,
    Clause,
    Conclusion,
    DocType,
    Finding,
    Material,
    Opinion,
    ReviewReport,
    Severity,
    Stage,
)
from assistant.text.numerals import article_label

TITLE = "清源县农贸市场管理办法（送审稿）"
PENALTY_LAW = "中华人民共和国行政处罚法"
UNVERIFIED = "某省农贸市场管理条例"


def clauses(n: int) -> list[Clause]:
    return [Clause(location=article_label(i), number=i, text=f"条文{i}") for i in range(1, n + 1)]


def finding(code: str, location: str | None = None, severity: Severity = Severity.ERROR, **kw) -> Finding:
    return Finding(code=code, location=location, severity=severity, title=kw.pop("title", f"{code}问题"), **kw)


@pytest.fixture
def report() -> ReviewReport:
    return ReviewReport(
        title=TITLE,
        doc_type=DocType.NORMATIVE,
        issuer="清源县人民政府",
        materials=[Material(name="materials/起草说明.md"), Material(name="征求意见情况说明.docx")],
        clauses=clauses(25),
        findings=[
            finding(
                "C.PENALTY",
                "第二十二条",
                title="规范性文件设定行政处罚",
                evidence="对违反本办法的经营者处以2000元罚款。",
                explanation="该条属于设定行政处罚。",
                basis=[Basis(instrument=PENALTY_LAW, article="第十六条", verified=True)],
                suggestion="改为“由有关部门依照有关法律、法规的规定处理”",
            ),
            finding(
                "P.PUBLIC_COMMENT",
                title="公开征求意见期限不足",
                explanation="征求意见仅5日，少于30日",
                basis=[Basis(instrument="优化营商环境条例", article="第六十二条", paragraph=2, verified=True)],
                suggestion="重新公开征求意见并说明采纳情况",
            ),
            finding(
                "C.LICENSE",
                "第八条",
                title="设定行政许可",
                evidence="经县商务局审批同意后方可入场经营",
                basis=[Basis(instrument=UNVERIFIED, article="第九条", verified=False)],
            ),
        ],
        reminders=[finding("R.PUBLISH", severity=Severity.REMINDER, title="文件通过后应当依法公布")],
        kb_fingerprint="kb-123",
    )


@pytest.fixture
def opinion(report) -> Opinion:
    return build_opinion(report, date=date(2026, 3, 27), received=date(2026, 3, 20))


def test_title_number_addressee_and_intro(opinion):
    assert opinion.title == f"清源县司法局关于《{TITLE}》的合法性审查（审核）意见书"
    assert opinion.doc_number == "×司审〔2026〕×号"
    assert opinion.addressee == "清源县人民政府"
    assert opinion.intro.startswith(f"你单位2026年3月20日报送的《{TITLE}》及《起草说明》《征求意见情况说明》等材料收悉")
    assert "《起草说明》《征求意见情况说明》" in opinion.process
    assert opinion.signature == "清源县司法局" and opinion.date == date(2026, 3, 27)
    assert opinion.kb_fingerprint == "kb-123"


def test_items_follow_the_draft_order_with_procedures_last(opinion):
    assert [i.heading for i in opinion.items] == [
        "（一）关于第八条：设定行政许可",
        "（二）关于第二十二条：规范性文件设定行政处罚",
        "（三）关于制定程序",
    ]
    licence, penalty, procedure = opinion.items
    assert (licence.location, licence.quote) == ("第八条", "经县商务局审批同意后方可入场经营")
    assert penalty.problem == "该条属于设定行政处罚。" and penalty.basis[0].article == "第十六条"
    assert procedure.location is None
    assert procedure.problem == "1．公开征求意见期限不足：征求意见仅5日，少于30日"
    assert procedure.suggestion == "重新公开征求意见并说明采纳情况。"


def test_bases_name_only_verified_instruments(opinion):
    assert opinion.bases == [PENALTY_LAW, "优化营商环境条例"]
    assert opinion.items[0].basis[0].verified is False  # kept on its item, to be shown as 待核实


def test_conclusion_and_reminders(opinion):
    assert opinion.conclusion == Conclusion.LAWFUL_AFTER_CHANGES
    assert opinion.conclusion_text == "建议按照上述意见修改并补正程序后提请审议。"
    assert opinion.reminders == ["文件通过后应当依法公布"]


def test_empty_report_is_lawful():
    empty = ReviewReport(title=TITLE, doc_type=DocType.NORMATIVE, issuer="清源县人民政府", clauses=clauses(5))
    opinion = build_opinion(empty, date=date(2026, 4, 1))
    assert opinion.conclusion == Conclusion.LAWFUL
    assert "建议按程序提请审议" in opinion.conclusion_text
    assert opinion.items == [] and opinion.bases == []
    assert opinion.intro == f"你单位报送的《{TITLE}》收悉。经审查，现提出如下意见："
    assert "仅以送审稿为基础" in opinion.process


def test_content_findings_only_do_not_ask_to_fix_procedure(report):
    report.findings = [f for f in report.findings if not f.code.startswith("P.")]
    assert build_opinion(report).conclusion_text == "建议按照上述意见修改后提请审议。"


def _core(locations: list[str], code: str = "C.LICENSE", severity: Severity = Severity.ERROR) -> list[Finding]:
    return [finding(code, loc, severity) for loc in locations]


@pytest.mark.parametrize(
    ("findings", "n_clauses", "expected"),
    [
        # three core findings on 6 of 10 clauses (one clause carries two): the core of the draft is unlawful
        (_core(["第一条", "第二条", "第三条"]) + _core(["第四条", "第五条", "第六条", "第一条"], "C.FEE"), 10, Conclusion.UNLAWFUL),
        # three core findings on 3 of 10 clauses: fixable
        (_core(["第一条", "第二条", "第三条"]), 10, Conclusion.LAWFUL_AFTER_CHANGES),
        # more than half, but only two findings
        (_core(["第一条", "第二条"]), 3, Conclusion.LAWFUL_AFTER_CHANGES),
        # warnings do not make the core unlawful
        (_core(["第一条", "第二条", "第三条"], severity=Severity.WARNING), 4, Conclusion.LAWFUL_AFTER_CHANGES),
        # other codes (obligation) do not count
        (_core(["第一条", "第二条", "第三条"], "C.OBLIGATION"), 4, Conclusion.LAWFUL_AFTER_CHANGES),
        # without parsed clauses the share is unknown: no 不合法 from the heuristic
        (_core(["第一条", "第二条", "第三条"]), 0, Conclusion.LAWFUL_AFTER_CHANGES),
    ],
)
def test_unlawful_heuristic(findings, n_clauses, expected):
    report = ReviewReport(title=TITLE, doc_type=DocType.NORMATIVE, clauses=clauses(n_clauses), findings=findings)
    assert decide_conclusion(report) == expected


def test_filing_stage_wording(report):
    report.stage = Stage.FILING
    opinion = build_opinion(report)
    assert "建议制定机关" in opinion.conclusion_text and "予以修改（废止）" in opinion.conclusion_text
    assert "报送备案" in opinion.intro
    report.findings = _core([article_label(i) for i in range(1, 20)])
    unlawful = build_opinion(report)
    assert unlawful.conclusion == Conclusion.UNLAWFUL
    assert "建议制定机关予以修改（废止）" in unlawful.conclusion_text


@pytest.mark.parametrize(
    ("issuer", "stage", "office"),
    [
        ("清源县人民政府", Stage.REVIEW, "清源县司法局"),
        ("云岭县住房和城乡建设局", Stage.REVIEW, "云岭县司法局"),
        ("江州市城市管理局", Stage.REVIEW, "江州市司法局"),
        ("临港市滨湖区住房和城乡建设局", Stage.FILING, "临港市滨湖区司法局"),
        ("石门县柳河镇人民政府", Stage.REVIEW, "石门县司法局柳河司法所"),
        ("青溪县云雾镇人民政府", Stage.FILING, "青溪县司法局"),
        ("浙江省人民政府", Stage.REVIEW, "浙江省司法厅"),
        (None, Stage.REVIEW, "××司法局"),
    ],
)
def test_office_is_derived_from_the_issuer(issuer, stage, office):
    assert derive_office(issuer, stage) == office


def test_office_and_submitter_override(report):
    opinion = build_opinion(report, office="清源县人民政府法律顾问", submitter="清源县商务局")
    assert opinion.title.startswith("清源县人民政府法律顾问关于《")
    assert opinion.signature == "清源县人民政府法律顾问"
    assert opinion.addressee == "清源县商务局"


def test_json_round_trip(opinion):
    assert Opinion.model_validate_json(opinion.model_dump_json()) == opinion


def test_markdown_has_the_same_items_in_order(opinion):
    md = to_markdown(opinion)
    positions = [md.index(f"### {item.heading}") for item in opinion.items]
    assert positions == sorted(positions)
    assert md.startswith(f"# {opinion.title}\n")
    assert "## 一、审查依据" in md and "## 四、审查结论" in md and "## 五、有关提示" in md
    assert "送审稿第八条规定：“经县商务局审批同意后方可入场经营”。" in md
    assert f"《{UNVERIFIED}》第九条（待核实）" in md
    assert f"《{PENALTY_LAW}》第十六条。" in md  # verified: no mark
    assert "《优化营商环境条例》第六十二条第二款" in md
    assert "审查结论：修改后合法。" in md
    body, footer = md.rstrip().rsplit("\n---\n", 1)
    assert body.rstrip().endswith("2026年3月27日")
    assert footer.strip() == f"<small>知识库版本 kb-123 · 法审助手 {__version__}</small>"


def _east_asia(rpr_owner) -> str | None:
    rfonts = rpr_owner.rPr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def test_docx_reads_back_with_office_formatting(opinion, tmp_path):
    path = tmp_path / "意见书.docx"
    to_docx(opinion, path)
    doc = Document(str(path))
    paragraphs = doc.paragraphs
    text = "\n".join(p.text for p in paragraphs)

    assert paragraphs[0].text == opinion.title
    assert paragraphs[0].alignment == 1  # centered
    assert _east_asia(paragraphs[0].runs[0]._element) == "方正小标宋简体"
    assert paragraphs[0].runs[0].font.size.pt == 22
    assert paragraphs[1].text == "×司审〔2026〕×号"

    h1 = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert h1 == ["一、审查依据", "二、审查过程", "三、审查意见", "四、审查结论", "五、有关提示"]
    assert h2 == [item.heading for item in opinion.items]
    assert _east_asia(doc.styles["Heading 1"].element) == "黑体"

    normal = doc.styles["Normal"]
    assert _east_asia(normal.element) == "仿宋_GB2312"
    assert normal.font.size.pt == 16 and normal.paragraph_format.line_spacing.pt == 28
    body = next(p for p in paragraphs if p.text.startswith("你单位"))
    assert body.style.name == "Normal" and _east_asia(body.runs[0]._element) == "仿宋_GB2312"

    for location in ("第八条", "第二十二条"):
        assert location in text
    assert "（待核实）" in text
    assert paragraphs[-1].text == "2026年3月27日" and paragraphs[-1].alignment == 2  # right
    assert paragraphs[-2].text == "清源县司法局"

    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01) and abs(section.top_margin - Cm(3.7)) < Cm(0.01)
    assert abs(section.left_margin - Cm(2.8)) < Cm(0.01) and abs(section.right_margin - Cm(2.6)) < Cm(0.01)
    fields = section.footer._element.findall(".//" + qn("w:fldSimple"))
    assert [f.get(qn("w:instr")).strip() for f in fields] == ["PAGE"]
    # The knowledge-base fingerprint and version sit discreetly under the page number, not in the text.
    assert section.footer.paragraphs[-1].text == f"知识库版本 kb-123 · 法审助手 {__version__}"
    assert "kb-123" not in text


def test_docx_to_a_buffer(opinion):
    buffer = BytesIO()
    to_docx(opinion, buffer)
    assert buffer.getvalue()[:2] == b"PK"
    assert Document(BytesIO(buffer.getvalue())).paragraphs[0].text == opinion.title


def test_lawful_docx_has_no_items_section(report, tmp_path):
    report.findings = []
    to_docx(build_opinion(report), tmp_path / "ok.docx")
    doc = Document(str(tmp_path / "ok.docx"))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == ["一、审查过程", "二、审查结论", "三、有关提示"]


def test_template_loads_and_rejects_unknown_placeholders(tmp_path):
    assert load_opinion_template().conclusions[Stage.REVIEW][Conclusion.LAWFUL]
    raw = yaml.safe_load(TEMPLATE_PATH.read_text(encoding="utf-8"))
    raw["title"] = "{office}关于《{titel}》的意见书"
    bad = tmp_path / "opinion.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="titel"):
        load_opinion_template(bad)
    del raw["conclusions"]["备案"]
    raw["title"] = "{office}{title}"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="备案"):
        load_opinion_template(bad)
