"""Render an Opinion as Markdown or as a .docx laid out the way Chinese government offices format documents."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from assistant.drafting.opinion import OpinionTemplate, format_basis, format_date, load_opinion_template
from assistant.models import Opinion, OpinionItem
from assistant.text.numerals import int_to_cn
from assistant.text.typography import in_title_marks, tidy


@dataclass(frozen=True)
class Font:
    """A Chinese font (eastAsia), the Latin font for digits and letters, its size, and names to fall back to."""

    east_asia: str
    size_pt: float
    fallbacks: tuple[str, ...] = ()
    latin: str = "Times New Roman"


# GB/T 9704 practice: 二号 = 22pt, 三号 = 16pt, 四号 = 14pt. The fallbacks go into the font table (w:altName) so
# a machine without the GB2312 fonts (Windows 10+ ships 仿宋/楷体, not 仿宋_GB2312/楷体_GB2312) still gets the look.
TITLE = Font("方正小标宋简体", 22, ("宋体", "SimSun"))
HEADING1 = Font("黑体", 16, ("SimHei",))
HEADING2 = Font("楷体_GB2312", 16, ("楷体", "KaiTi"))
BODY = Font("仿宋_GB2312", 16, ("仿宋", "FangSong"))
FOOTER = Font("宋体", 14, ("SimSun",))
PROVENANCE = Font("宋体", 9, ("SimSun",))  # the knowledge-base line under the page number: small, not part of the text
LINE_PT = 28  # fixed line spacing: 22 lines a page on A4 with these margins


def _sections(opinion: Opinion, t: OpinionTemplate) -> Iterator[tuple[str, str]]:
    """(section key, numbered heading) for the sections that have content, numbered 一、二、… in order."""
    present = [
        ("bases", bool(opinion.bases)),
        ("process", bool(opinion.process)),
        ("items", bool(opinion.items)),
        ("conclusion", True),
        ("reminders", bool(opinion.reminders)),
    ]
    n = 0
    for key, has in present:
        if has:
            n += 1
            yield key, f"{int_to_cn(n)}、{getattr(t.sections, key)}"


def _sentence(text: str) -> str:
    """Close a sentence with 。 unless it already ends with one (edited text often lacks it)."""
    text = text.strip()
    return text if not text or text[-1] in "。！？；：…" else text + "。"


def _item_paragraphs(item: OpinionItem, t: OpinionTemplate) -> list[str]:
    """The body paragraphs of one opinion item: quote + problem, basis, suggestion."""
    lead = ""
    if item.quote and item.location:
        lead = t.quote_sentence.format(draft=t.draft_name, location=item.location, quote=item.quote.strip().rstrip("。；"))
    lines = [line for line in item.problem.splitlines() if line.strip()] or [""]
    paragraphs = [_sentence(lead + line if i == 0 else line) for i, line in enumerate(lines)]
    if item.basis:
        paragraphs.append(t.basis_label + "；".join(format_basis(b, t) for b in item.basis) + "。")
    if item.suggestion:
        paragraphs.append(_sentence(t.suggestion_label + item.suggestion))
    return [tidy(p) for p in paragraphs if p.strip()]


def provenance_line(opinion: Opinion, t: OpinionTemplate) -> str:
    """Which knowledge base (fingerprint) and fashen version the opinion's review came from."""
    version = opinion.fashen_version or "?"
    if opinion.kb_fingerprint:
        return t.footer_line.format(fingerprint=opinion.kb_fingerprint, version=version)
    return t.footer_line_no_kb.format(version=version)


def _bases_text(opinion: Opinion, t: OpinionTemplate) -> str:
    return tidy(t.bases_sentence.format(bases="".join(in_title_marks(b) for b in opinion.bases)))


def _conclusion_text(opinion: Opinion, t: OpinionTemplate) -> str:
    return t.conclusion_line.format(conclusion=opinion.conclusion.value, text=opinion.conclusion_text)


def to_markdown(opinion: Opinion) -> str:
    """The opinion as Markdown: title, 文号, addressee, numbered sections, items as ### headings, 落款."""
    t = load_opinion_template()
    out = [f"# {tidy(opinion.title)}", "", opinion.doc_number, "", f"{tidy(opinion.addressee)}：", "", tidy(opinion.intro), ""]
    for key, heading in _sections(opinion, t):
        out += [f"## {heading}", ""]
        if key == "bases":
            out += [_bases_text(opinion, t), ""]
        elif key == "process":
            out += [tidy(opinion.process), ""]
            out += [f"{i}. {tidy(line)}" for i, line in enumerate(opinion.procedures, 1)] + ([""] if opinion.procedures else [])
        elif key == "items":
            for item in opinion.items:
                out += [f"### {tidy(item.heading)}", ""]
                for p in _item_paragraphs(item, t):
                    out += [p, ""]
        elif key == "conclusion":
            out += [tidy(_conclusion_text(opinion, t)), ""]
        elif key == "reminders":
            out += [f"{i}. {tidy(_sentence(r))}" for i, r in enumerate(opinion.reminders, 1)] + [""]
    # Markdown has no right alignment; the 落款 goes last, as on paper.
    out += [tidy(opinion.signature), "", format_date(opinion.date), ""]
    out += ["---", "", f"<small>{provenance_line(opinion, t)}</small>", ""]
    return "\n".join(out)


# --- .docx -------------------------------------------------------------------------------------------


def _set_fonts(rpr_owner, font: Font) -> None:
    """Set size and the ascii/hAnsi/eastAsia fonts, dropping theme fonts that would otherwise win."""
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), font.latin)
    rfonts.set(qn("w:hAnsi"), font.latin)
    rfonts.set(qn("w:eastAsia"), font.east_asia)
    rfonts.set(qn("w:cs"), font.latin)


def _style_run(run, font: Font, bold: bool = False) -> None:
    run.font.size = Pt(font.size_pt)
    run.font.bold = bold
    run.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(run._element, font)


def _first_line_indent(paragraph_format, chars: int) -> None:
    # firstLineChars (hundredths of a character) keeps the indent at two characters whatever the font size;
    # the absolute value is there for readers that ignore the *Chars attribute.
    paragraph_format.first_line_indent = Pt(BODY.size_pt * chars)
    ind = paragraph_format._element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _restyle(doc: DocxDocument) -> None:
    styles = doc.styles
    # docDefaults carry theme fonts and an en-US East Asian language: replace both so Chinese fonts and
    # Chinese line breaking apply everywhere.
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for el in rpr_default.findall(qn("w:rFonts")):
        rpr_default.remove(el)
    lang = rpr_default.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")

    for name, font, indent in (("Normal", BODY, 2), ("Heading 1", HEADING1, 2), ("Heading 2", HEADING2, 2)):
        style = styles[name]
        style.font.size = Pt(font.size_pt)
        style.font.bold = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element, font)
        pf = style.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PT)
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        _first_line_indent(pf, indent)
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name in ("Heading 1", "Heading 2"):
        color = styles[name].element.rPr.find(qn("w:color"))
        for attr in ("w:themeColor", "w:themeShade"):
            color.attrib.pop(qn(attr), None)  # a theme colour would override the black set above


def _add_font_fallbacks(doc: DocxDocument) -> None:
    """Declare each Chinese font in the font table with alternative names (w:altName) and the GB2312 charset."""
    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    declared = {el.get(qn("w:name")) for el in root.findall(qn("w:font"))}
    for font in (TITLE, HEADING1, HEADING2, BODY, FOOTER):
        if font.east_asia in declared:
            continue
        el = etree.SubElement(root, qn("w:font"), {qn("w:name"): font.east_asia})
        if font.fallbacks:
            etree.SubElement(el, qn("w:altName"), {qn("w:val"): ",".join(font.fallbacks)})
        etree.SubElement(el, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        etree.SubElement(el, qn("w:family"), {qn("w:val"): "auto"})
        etree.SubElement(el, qn("w:pitch"), {qn("w:val"): "variable"})
    # The font table is a plain part in python-docx: its bytes are replaced wholesale.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_setup(doc: DocxDocument, provenance: str | None = None) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    # Page number as "— 1 —" centred in the footer, the PAGE field updated by Word on every page.
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _first_line_indent(footer.paragraph_format, 0)  # the Footer style inherits the body's two-character indent
    _style_run(footer.add_run("— "), FOOTER)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = footer.add_run("1")
    _style_run(run, FOOTER)
    run._element.addprevious(field)
    field.append(run._element)
    _style_run(footer.add_run(" —"), FOOTER)
    if provenance:
        line = section.footer.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _first_line_indent(line.paragraph_format, 0)
        run = line.add_run(provenance)
        _style_run(run, PROVENANCE)
        run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)


def blank_document(provenance: str | None = None) -> DocxDocument:
    """An empty A4 document in the offices' layout: 仿宋 body, 黑体/楷体 headings, page numbers, font fallbacks."""
    doc = Document()
    _restyle(doc)
    _add_font_fallbacks(doc)
    _page_setup(doc, provenance)
    return doc


def new_paragraph(doc: DocxDocument, text: str, *, style: str = "Normal", font: Font = BODY, align=None,
                  indent: bool = True) -> Paragraph:
    """A paragraph of one run in `font`, indented two characters unless `indent` is False."""
    p = doc.add_paragraph(style=style)
    if align is not None:
        p.alignment = align
    if not indent:
        _first_line_indent(p.paragraph_format, 0)
    _style_run(p.add_run(text), font)
    return p


def build_docx(opinion: Opinion) -> DocxDocument:
    """The opinion as a python-docx Document (A4, office fonts, Heading 1/2 for navigation, page numbers)."""
    t = load_opinion_template()
    doc = blank_document(provenance_line(opinion, t))

    new_paragraph(doc, tidy(opinion.title), font=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    new_paragraph(doc, opinion.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    new_paragraph(doc, "", indent=False)
    new_paragraph(doc, f"{tidy(opinion.addressee)}：", indent=False)  # 主送机关 starts at the margin
    new_paragraph(doc, tidy(opinion.intro))
    for key, heading in _sections(opinion, t):
        new_paragraph(doc, heading, style="Heading 1", font=HEADING1)
        if key == "bases":
            new_paragraph(doc, _bases_text(opinion, t))
        elif key == "process":
            new_paragraph(doc, tidy(opinion.process))
            for i, line in enumerate(opinion.procedures, 1):
                new_paragraph(doc, f"{i}．{tidy(line)}")
        elif key == "items":
            for item in opinion.items:
                new_paragraph(doc, tidy(item.heading), style="Heading 2", font=HEADING2)
                for text in _item_paragraphs(item, t):
                    new_paragraph(doc, text)
        elif key == "conclusion":
            new_paragraph(doc, tidy(_conclusion_text(opinion, t)))
        elif key == "reminders":
            for i, r in enumerate(opinion.reminders, 1):
                new_paragraph(doc, f"{i}．{tidy(_sentence(r))}")
    new_paragraph(doc, "", indent=False)
    new_paragraph(doc, tidy(opinion.signature), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    new_paragraph(doc, format_date(opinion.date), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    return doc


def to_docx(opinion: Opinion, target: str | Path | BytesIO) -> None:
    """Write the opinion as .docx to a path or a binary buffer (for downloads)."""
    build_docx(opinion).save(target if isinstance(target, BytesIO) else str(target))
