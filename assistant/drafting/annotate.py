"""The draft returned with Word 批注 and 修订: one comment per finding, anchored on the words of its clause (the
evidence where it is found, else the clause's first paragraph; procedure findings on the title), and a tracked
change (w:del + w:ins) where the fix is a concrete rewording of a phrase (`Finding.rewrite`).

A .docx draft is copied with its formatting; a draft received as .md/.txt/.pdf/.html becomes a .docx of its text
(one paragraph a line) carrying the same comments. Word and WPS show the comments in the margin and let the drafting
office accept or reject each change.

Words are found the way the review read them: each paragraph's text normalised as the reader normalises it (full
width, traditional characters), then mapped back to the runs, which are split so a comment or a change starts and
ends exactly on the words.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pydantic import BaseModel, Field

from assistant.documents.readers import DocumentKind, inside_skipped, read_document
from assistant.drafting.opinion import format_basis
from assistant.drafting.writers import BODY, TITLE, blank_document, new_paragraph
from assistant.errors import InputError
from assistant.models import Finding, ReviewReport
from assistant.review.codes import label
from assistant.review.decisions import Decisions, kept_findings
from assistant.text.normalize import normalize, to_simplified
from assistant.text.typography import tidy

AUTHOR = "法审助手"
_W_R, _W_T, _W_P = qn("w:r"), qn("w:t"), qn("w:p")
_TEXT_TAGS = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): " ", qn("w:cr"): " ", qn("w:noBreakHyphen"): "-"}
_MD_MARKS = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+(?=\S))|\*\*|__")


class Placement(BaseModel):
    """Where one finding's comment went, and the change it carries."""

    finding: str = Field(description="the finding's id (review.decisions.finding_ids)")
    anchored: str = Field(description="the words the comment is anchored on")
    on_evidence: bool = Field(description="whether those are the finding's evidence (else its clause or the title)")
    old: str | None = Field(None, description="the words a tracked change deletes")
    new: str | None = Field(None, description="the words it inserts")


class Annotation(BaseModel):
    """What an annotated draft holds."""

    comments: int
    changes: int
    placements: list[Placement] = Field(default_factory=list)
    converted: bool = Field(False, description="the draft was not a .docx: this is a .docx of its text")


# -- the paragraphs' text, mapped to runs --------------------------------------------------------------------

def _content(r) -> list:
    return [c for c in r if c.tag in _TEXT_TAGS]


def _atomize(p) -> None:
    """Give every visible run of the paragraph at most one text element, so a run boundary can fall anywhere."""
    for r in list(p.iter(_W_R)):
        if inside_skipped(r, p):
            continue
        parts = _content(r)
        rpr = r.find(qn("w:rPr"))
        at = r
        for part in parts[1:]:
            clone = OxmlElement("w:r")
            if rpr is not None:
                clone.append(copy.deepcopy(rpr))
            clone.append(part)  # moves the element out of r
            at.addnext(clone)
            at = clone


def _runs(p) -> list[tuple[object, int, int]]:
    """(run, start, end) of each visible run with text, by offset in the paragraph's text."""
    out, pos = [], 0
    for r in p.iter(_W_R):
        if inside_skipped(r, p):
            continue
        parts = _content(r)
        if not parts:
            continue
        el = parts[0]
        n = len(el.text or "") if el.tag == _W_T else 1
        out.append((r, pos, pos + n))
        pos += n
    return out


def _text(p) -> str:
    out = []
    for r, _, _ in _runs(p):
        el = _content(r)[0]
        out.append(el.text or "" if el.tag == _W_T else _TEXT_TAGS[el.tag])
    return "".join(out)


def _split(p, offset: int) -> None:
    """Make `offset` a run boundary (a text run is cut in two)."""
    for r, a, b in _runs(p):
        if a < offset < b:
            t = _content(r)[0]
            clone = copy.deepcopy(r)
            text = t.text or ""
            t.text = text[: offset - a]
            _content(clone)[0].text = text[offset - a:]
            for el in (t, _content(clone)[0]):
                el.set(qn("xml:space"), "preserve")
            r.addnext(clone)
            return


def _top(p, el):
    """The child of the paragraph that holds `el` (a run directly, or the hyperlink / change around it)."""
    while el.getparent() is not p:
        el = el.getparent()
    return el


@dataclass
class _Para:
    """A paragraph of the document with its text as the review read it."""

    element: object
    raw: str
    norm: str
    index: int

    def locate(self, needle: str) -> tuple[int, int] | None:
        """Raw offsets of `needle` (as the review read it) in this paragraph, or None."""
        needle = needle.strip()
        if not needle:
            return None
        at = self.norm.find(needle)
        if at >= 0 and (len(self.norm) == len(self.raw) or self.raw.startswith(self.norm[: at + len(needle)])):
            return at, at + len(needle)
        at = self.raw.find(needle)
        return (at, at + len(needle)) if at >= 0 else None


def _reading(raw: str) -> str:
    return to_simplified(normalize(raw.replace("\n", " "), simplify=False, chrome=False))


def _paragraphs(doc: DocxDocument) -> list[_Para]:
    out = []
    for p in doc.element.body.iter(_W_P):
        if inside_skipped(p, doc.element.body):
            continue
        raw = _text(p)
        if raw.strip():
            out.append(_Para(p, raw, _reading(raw), len(out)))
    return out


# -- finding the words of a finding ----------------------------------------------------------------------------

def _cuts(text: str) -> Iterator[str]:
    """The evidence, then shorter leading pieces of it (an evidence may be cut with …, or span a line break)."""
    text = (text or "").strip()
    for piece in [text, *re.split(r"…|\n", text)]:
        piece = piece.strip()
        for cut in (piece, piece[:40], piece[:20], piece[:10]):
            if len(cut) >= 4:
                yield cut


def _clause_paragraphs(paras: list[_Para], clause_text: str, start: int) -> list[_Para]:
    """The paragraphs of a clause: the one holding its first line (from `start` on) and those holding its next lines."""
    lines = [ln.strip() for ln in clause_text.split("\n") if ln.strip()]
    if not lines:
        return []
    head = lines[0][:30]
    first = next((p for p in paras[start:] if head in p.norm or head in p.raw), None)
    if first is None:
        first = next((p for p in paras if head in p.norm or head in p.raw), None)
    if first is None:
        return []
    return paras[first.index: first.index + len(lines)]


def _core_title(title: str) -> str:
    return re.sub(r"[（(](?:送审稿|征求意见稿|草案|代拟稿|讨论稿)[)）]", "", title or "").strip()[:20]


def _title_paragraph(paras: list[_Para], title: str) -> _Para | None:
    core = _core_title(title)
    hit = next((p for p in paras[:8] if core and core in p.norm), None)
    return hit or (paras[0] if paras else None)


# -- writing ------------------------------------------------------------------------------------------------

def comment_text(f: Finding) -> list[str]:
    """The comment's paragraphs: what the code means and the finding's title, the problem, the basis, the fix."""
    lines = [f"【{label(f.code)}（{f.code}）】{f.title}"]
    if f.explanation:
        lines.append(f"问题：{f.explanation}")
    if f.basis:
        lines.append("依据：" + "；".join(format_basis(b) for b in f.basis))
    if f.suggestion:
        lines.append(f"建议：{f.suggestion}")
    if f.rewrite is not None:
        lines.append(f"修订：“{f.rewrite.old}”" + (f"改为“{f.rewrite.new}”" if f.rewrite.new else "删除"))
    return [tidy(x) for x in lines]


class _Changes:
    """Tracked changes (w:del, w:ins) with unique ids, by one author at one time."""

    def __init__(self, author: str, body) -> None:
        self.author = author
        self.date = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        # ids above any the draft already uses (its own revisions, bookmarks)
        used = [int(v) for el in body.iter() if (v := el.get(qn("w:id"))) is not None and v.isdigit()]
        self.next_id = max([999, *used]) + 1

    def _attrs(self, el) -> None:
        el.set(qn("w:id"), str(self.next_id))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        self.next_id += 1

    def replace(self, runs: list, new: str) -> None:
        """Wrap `runs` (consecutive siblings) in a deletion and put `new` after them as an insertion."""
        first = runs[0]
        deletion = OxmlElement("w:del")
        self._attrs(deletion)
        first.addprevious(deletion)
        for r in runs:
            for t in r.findall(_W_T):
                t.tag = qn("w:delText")
            deletion.append(r)
        if new:
            insertion = OxmlElement("w:ins")
            self._attrs(insertion)
            run = OxmlElement("w:r")
            rpr = first.find(qn("w:rPr"))
            if rpr is not None:
                run.append(copy.deepcopy(rpr))
            t = OxmlElement("w:t")
            t.text = new
            t.set(qn("xml:space"), "preserve")
            run.append(t)
            insertion.append(run)
            deletion.addnext(insertion)


def _mark(doc: DocxDocument, p, runs: list, lines: list[str], author: str, initials: str) -> None:
    """Anchor a comment with these paragraphs on `runs` of paragraph `p`."""
    comment = doc.comments.add_comment(text="\n".join(lines), author=author, initials=initials)
    cid = str(comment.comment_id)
    first, last = _top(p, runs[0]), _top(p, runs[-1])
    first.addprevious(OxmlElement("w:commentRangeStart", attrs={qn("w:id"): cid}))
    end = OxmlElement("w:commentRangeEnd", attrs={qn("w:id"): cid})
    last.addnext(end)
    ref = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:rStyle", attrs={qn("w:val"): "CommentReference"}))
    ref.append(rpr)
    ref.append(OxmlElement("w:commentReference", attrs={qn("w:id"): cid}))
    end.addnext(ref)


def _text_document(text: str, title: str) -> DocxDocument:
    """A .docx of a draft's text: the title centred, one paragraph a line, Markdown marks left out."""
    doc = blank_document()
    lines = [ln for ln in (_MD_MARKS.sub("", line).strip() for line in text.splitlines()) if ln]
    core = _core_title(title)
    for i, line in enumerate(lines):
        if i == 0 and core and core in line:
            new_paragraph(doc, line, font=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        else:
            new_paragraph(doc, line, font=BODY)
    return doc


def _open(source: Path | bytes, name: str, title: str) -> tuple[DocxDocument, bool]:
    """The draft as a python-docx Document, and whether it was made from the text of another format."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    doc = read_document(data, name)
    if doc.kind == DocumentKind.DOCX:
        return Document(BytesIO(data)), False
    return _text_document(doc.text, title), True


@dataclass
class _Plan:
    fid: str
    finding: Finding
    para: _Para
    span: tuple[int, int]
    on_evidence: bool
    change: tuple[_Para, tuple[int, int]] | None


def _plan(fid: str, f: Finding, paras: list[_Para], clauses: dict, title: str, cursor: int) -> tuple[_Plan | None, int]:
    """Where the comment (and the change) of one finding go; the clause's first paragraph is the next search start."""
    para = span = change = None
    on_evidence = False
    clause = clauses.get(f.location or "")
    own = _clause_paragraphs(paras, clause.text, cursor) if clause is not None else []
    if own:
        cursor = own[0].index
        for cut in _cuts(f.evidence or ""):
            hit = next(((p, s) for p in own if (s := p.locate(cut))), None)
            if hit:
                (para, span), on_evidence = hit, True
                break
        if para is None:
            para, span = own[0], (0, len(own[0].raw))
        if f.rewrite is not None:
            for p in [para, *(q for q in own if q is not para)]:
                if (s := p.locate(f.rewrite.old)) is not None:
                    change = (p, s)
                    break
    if para is None:  # a procedure finding, or a clause not found in the document: on the title
        para = _title_paragraph(paras, title)
        if para is None:
            return None, cursor
        span = (0, len(para.raw))
    return _Plan(fid, f, para, span, on_evidence, change), cursor


def annotate(source: Path | bytes, report: ReviewReport, target: Path | BytesIO, *, name: str | None = None,
             decisions: Decisions | None = None, author: str | None = None) -> Annotation:
    """Write the draft with a comment per finding the reviewer keeps (see the module docstring) to `target` (.docx)."""
    name = name or (Path(source).name if not isinstance(source, bytes) else "draft.docx")
    if isinstance(target, Path) and target.suffix.lower() != ".docx":
        raise InputError(f"批注稿只能保存为 .docx（收到 {target.name}）。请把输出文件名改为 …批注稿.docx。")
    doc, converted = _open(source, name, report.title)
    author = (author or "").strip() or AUTHOR
    paras = _paragraphs(doc)
    clauses = {c.location: c for c in report.clauses}
    plans, cursor = [], 0
    for fid, f in kept_findings(report, decisions):
        plan, cursor = _plan(fid, f, paras, clauses, report.title, cursor)
        if plan is not None:
            plans.append(plan)
    # no two changes on overlapping words: the later one stays a comment
    taken: dict[int, list[tuple[int, int]]] = {}
    for plan in plans:
        if plan.change is not None:
            p, (a, b) = plan.change
            if any(a < y and x < b for x, y in taken.get(p.index, [])):
                plan.change = None
            else:
                taken.setdefault(p.index, []).append((a, b))
    # cut the runs at every boundary (right to left keeps the offsets valid), then take the runs once, before any
    # change moves some of them into a deletion
    for p in paras:
        cuts = {x for pl in plans if pl.para is p for x in pl.span}
        cuts |= {x for pl in plans if pl.change is not None and pl.change[0] is p for x in pl.change[1]}
        if cuts:
            _atomize(p.element)
            for x in sorted(cuts, reverse=True):
                _split(p.element, x)
    runs = {p.index: _runs(p.element) for p in paras}

    def within(p: _Para, a: int, b: int) -> list:
        return [r for r, s, e in runs[p.index] if s >= a and e <= b]

    changes = _Changes(author, doc.element.body)
    placements = []
    for pl in plans:
        _mark(doc, pl.para.element, within(pl.para, *pl.span), comment_text(pl.finding), author, author[:2])
    for pl in plans:
        old = new = None
        if pl.change is not None:
            p, (a, b) = pl.change
            moved = within(p, a, b)
            if moved and all(r.getparent() is moved[0].getparent() for r in moved):
                changes.replace(moved, pl.finding.rewrite.new)
                old, new = p.raw[a:b], pl.finding.rewrite.new
        placements.append(Placement(finding=pl.fid, anchored=pl.para.raw[slice(*pl.span)], on_evidence=pl.on_evidence,
                                    old=old, new=new))
    doc.save(target if isinstance(target, BytesIO) else str(target))
    return Annotation(comments=len(plans), changes=sum(p.old is not None for p in placements), placements=placements,
                      converted=converted)
