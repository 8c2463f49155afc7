"""Pure rendering helpers for the pages: no Streamlit here, so each is tested on its own.

Everything that reaches HTML from a draft, a finding or a citation is escaped with `html.escape`: drafts
and uploaded materials are untrusted text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.models import Answer, Citation, Clause, Finding, ReviewReport, Severity
from assistant.review.codes import label as code_label
from assistant.text.numerals import int_to_cn

VERIFIED = ":green[:material/verified: 已核实]"
UNVERIFIED = ":orange[:material/help: 未核实]"
SEVERITY_LABEL = {Severity.ERROR: "严重", Severity.WARNING: "提示", Severity.REMINDER: "提醒"}
STYLE = """
<style>
.fs-draft{font-size:15px;line-height:1.8;white-space:pre-wrap;word-break:break-word}
.fs-plain{color:#555}
.fs-clause{border-left:4px solid transparent;padding:2px 8px;margin:2px 0;scroll-margin-top:80px}
.fs-clause.fs-error{border-left-color:#d93025;background:#fdecea}
.fs-clause.fs-warning{border-left-color:#f29900;background:#fff6e0}
.fs-clause.fs-reminder{border-left-color:#1a73e8;background:#e8f0fe}
.fs-clause:target,.fs-finding:target{outline:3px solid #1a73e8}
.fs-draft mark{padding:0 1px;border-radius:2px}
.fs-draft mark.fs-error{background:#f8b4ae}
.fs-draft mark.fs-warning{background:#ffd98a}
.fs-draft mark.fs-reminder{background:#c6dafc}
.fs-badges{white-space:normal;margin:2px 0}
.fs-badge{display:inline-block;font-size:12px;padding:0 6px;margin:0 4px 2px 0;border-radius:10px;color:#fff;
  text-decoration:none}
.fs-badge.fs-error{background:#d93025}.fs-badge.fs-warning{background:#e37400}.fs-badge.fs-reminder{background:#1a73e8}
.fs-findings{list-style:none;padding-left:0;margin:0}
.fs-finding{padding:6px 8px;margin:0 0 6px 0;border:1px solid #ddd;border-radius:6px;scroll-margin-top:80px}
.fs-finding .fs-loc{font-weight:600}
.fs-finding small{color:#666}
</style>
"""


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
_HEADING = re.compile(r"^[ \t\u3000]*#{1,6}[ \t\u3000]+(.*)$")


def md_escape(text: str | None) -> str:
    """Untrusted text (from a draft, a material, a file name) made inert for st.markdown: no links, images,
    emphasis or Streamlit directives (:red[…], :material/…:)."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def _plain_html(text: str) -> str:
    """Text between clauses (title, chapter headings): escaped, with Markdown heading marks shown as bold."""
    lines = []
    for line in text.split("\n"):
        m = _HEADING.match(line)
        lines.append(f"<b>{html.escape(m.group(1))}</b>" if m else html.escape(line))
    return "\n".join(lines)


# -- review --------------------------------------------------------------------------------------------------

def severity_label(sev: Severity | str) -> str:
    """严重 / 提示 / 提醒."""
    try:
        return SEVERITY_LABEL[Severity(sev)]
    except ValueError:
        return str(sev)


def clause_anchor(location: str | None) -> str:
    """The HTML id of a clause block: clause-第七条."""
    return "clause-" + (location or "").replace(" ", "")


def finding_anchor(n: int) -> str:
    """The HTML id of the n-th finding in the list."""
    return f"finding-{n}"


def cite_basis(basis: Any) -> str:
    """《…》第N条, marked 〔未核实〕 when the knowledge base could not confirm it."""
    text = f"《{basis.instrument}》{basis.article or ''}"
    if getattr(basis, "paragraph", None):
        text += f"第{int_to_cn(basis.paragraph)}款"
    if not basis.verified:
        text += "〔未核实〕"
    return text


def findings_rows(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """One table row per finding, numbered as in the annotated draft."""
    return [{
        "序号": n,
        "代码": f.code,
        "类别": code_label(f.code),
        "严重程度": severity_label(f.severity),
        "位置": f.location or "（整体/程序）",
        "问题": f.title,
        "原文": f.evidence or "",
        "依据": "；".join(cite_basis(b) for b in f.basis),
        "修改建议": f.suggestion or "",
        "来源": f.source,
    } for n, f in enumerate(findings, 1)]


def filter_findings(findings: Sequence[Finding], codes: Iterable[str] | None = None,
                    severities: Iterable[str] | None = None) -> list[tuple[int, Finding]]:
    """(number, finding) pairs kept by the code and severity filters; empty filters keep everything."""
    codes = set(codes or [])
    sevs = set(severities or [])
    return [(n, f) for n, f in enumerate(findings, 1)
            if (not codes or f.code in codes) and (not sevs or severity_label(f.severity) in sevs)]


def _spans(text: str, needles: Iterable[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, css class) of each evidence found in text (or its longest found prefix)."""
    found: list[tuple[int, int, str]] = []
    for needle, cls in needles:
        needle = (needle or "").strip().strip("…").strip()
        for cut in (needle, needle[:40], needle[:20], needle[:10]):
            if len(cut) >= 4 and (pos := text.find(cut)) >= 0:
                found.append((pos, pos + len(cut), cls))
                break
    found.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, c in found:
        if merged and s < merged[-1][1]:
            ps, pe, pc = merged[-1]
            merged[-1] = (ps, max(pe, e), pc)
        else:
            merged.append((s, e, c))
    return merged


def mark_text(text: str, needles: Iterable[tuple[str, str]]) -> str:
    """Escaped text with each evidence wrapped in <mark class=…>."""
    out, pos = [], 0
    for s, e, cls in _spans(text, needles):
        out.append(html.escape(text[pos:s]))
        out.append(f'<mark class="fs-{cls}">{html.escape(text[s:e])}</mark>')
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _worst(findings: Iterable[Finding]) -> str:
    sevs = {Severity(f.severity) for f in findings}
    for s in (Severity.ERROR, Severity.WARNING, Severity.REMINDER):
        if s in sevs:
            return s.value
    return ""


def _badge(n: int, f: Finding) -> str:
    title = html.escape(f"{f.code} {f.title}", quote=True)
    return (f'<a class="fs-badge fs-{Severity(f.severity).value}" href="#{finding_anchor(n)}" title="{title}">'
            f'[{n}] {html.escape(code_label(f.code))}：{html.escape(f.title)} ↩</a>')


def draft_html(draft_text: str, clauses: Sequence[Clause], numbered: Sequence[tuple[int, Finding]]) -> str:
    """The draft with every clause in a block (id clause-第七条); clauses with findings are coloured, their
    evidence marked, and badges link back to the findings (#finding-N)."""
    by_loc: dict[str, list[tuple[int, Finding]]] = {}
    for n, f in numbered:
        if f.location:
            by_loc.setdefault(f.location, []).append((n, f))
    ordered = sorted(clauses, key=lambda c: c.start)
    usable = draft_text and all(0 <= c.start <= c.end <= len(draft_text) for c in ordered) and all(
        a.end <= b.start for a, b in zip(ordered, ordered[1:]))
    parts = [STYLE, '<div class="fs-draft">']
    pos = 0
    seen: set[str] = set()
    for c in ordered if usable else clauses:
        if usable and c.start > pos:
            parts.append(f'<span class="fs-plain">{_plain_html(draft_text[pos:c.start])}</span>')
        body = draft_text[c.start:c.end] if usable and c.end > c.start else f"{c.location}　{c.text}\n"
        pos = max(pos, c.end)
        here = by_loc.get(c.location, []) if c.location not in seen else []
        seen.add(c.location)
        anchor = html.escape(clause_anchor(c.location), quote=True)
        if here:
            sev = _worst(f for _, f in here)
            badges = "".join(_badge(n, f) for n, f in here)
            marked = mark_text(body, [(f.evidence or "", Severity(f.severity).value) for _, f in here])
            parts.append(f'<div class="fs-clause fs-{sev}" id="{anchor}"><div class="fs-badges">{badges}</div>'
                         f'{marked}</div>')
        else:
            parts.append(f'<div class="fs-clause" id="{anchor}">{html.escape(body)}</div>')
    if usable and pos < len(draft_text):
        parts.append(f'<span class="fs-plain">{_plain_html(draft_text[pos:])}</span>')
    parts.append("</div>")
    return "".join(parts)


def findings_html(numbered: Sequence[tuple[int, Finding]], clause_locations: Iterable[str]) -> str:
    """The findings as a list; each one located at a clause links to it (#clause-第七条)."""
    known = set(clause_locations)
    items = []
    for n, f in numbered:
        sev = Severity(f.severity).value
        if f.location and f.location in known:
            loc = (f'<a class="fs-loc" href="#{html.escape(clause_anchor(f.location), quote=True)}">'
                   f'{html.escape(f.location)} →</a>')
        else:
            loc = f'<span class="fs-loc">{html.escape(f.location or "整体/程序")}</span>'
        basis = "；".join(cite_basis(b) for b in f.basis)
        items.append(
            f'<li class="fs-finding" id="{finding_anchor(n)}"><span class="fs-badge fs-{sev}">{n} · '
            f'{html.escape(severity_label(f.severity))}</span> {loc} <b>{html.escape(f.title)}</b> '
            f'<small>{html.escape(f.code)}</small>'
            + (f'<br><small>依据：{html.escape(basis)}</small>' if basis else "")
            + (f'<br><small>建议：{html.escape(f.suggestion)}</small>' if f.suggestion else "")
            + "</li>")
    if not items:
        return STYLE + "<p>没有符合筛选条件的问题。</p>"
    return STYLE + '<ul class="fs-findings">' + "".join(items) + "</ul>"


def procedure_checklist(report: ReviewReport) -> list[dict[str, Any]]:
    """One row per procedure the review checked (assistant.review.checklist): done (no finding) or missing (its
    findings), the materials that show it and, for public comment, the period counted."""
    from assistant.review.checklist import procedure_checklist as rows

    return [{"程序": row.label, "状态": "✓ 已履行或不适用" if row.ok else "✗ 缺失或有缺陷", "说明": row.note,
             "相关材料": "、".join(row.materials), "期间": row.period or "", "代码": row.code, "ok": row.ok}
            for row in rows(report)]


def materials_rows(report: ReviewReport) -> list[dict[str, str]]:
    """The uploaded materials with the kinds they were recognised as, or why they could not be read."""
    from assistant.review.materials import kind_label

    return [{"材料": m.name, "识别为": "、".join(kind_label(k) for k in m.kinds) or "（未识别）",
             "状态": f"无法读取：{m.error}" if m.error else "已读取"} for m in report.materials]


# -- answers -------------------------------------------------------------------------------------------------

def citation_cards(answer: Answer, catalog: Any = None) -> list[dict[str, Any]]:
    """What each citation card shows: the article, its instrument, level, status, quote and verified badge."""
    arts = {(h.article.instrument_title, h.article.label): h.article for h in answer.sources}

    def card(c: Citation) -> dict[str, Any]:
        art = arts.get((c.instrument or "", c.article or ""))
        level = status = None
        if art is not None:
            level, status = art.level, art.status
        elif catalog is not None and c.instrument:
            try:
                inst = catalog.resolve(c.instrument)
            except Exception:  # a card without level is still a card
                inst = None
            if inst is not None:
                level, status = inst.level, inst.status
        label = f"《{c.instrument or c.text}》{c.article or ''}"
        if c.paragraph:
            label += f"第{int_to_cn(c.paragraph)}款"
        return {
            "label": label,
            "instrument": c.instrument or c.text,
            "article": c.article,
            "level": str(level.value if hasattr(level, "value") else level) if level else "未知",
            "status": str(status.value if hasattr(status, "value") else status) if status else "未知",
            "verified": c.verified,
            "badge": VERIFIED if c.verified else UNVERIFIED,
            "quote": c.quote or (art.text if art is not None else None),
            "reason": c.reason,
        }

    cards = [card(c) for c in answer.citations]
    seen = {(c["instrument"], c["article"]) for c in cards}
    for c in answer.unverified:
        d = card(c)
        d["verified"] = False
        d["badge"] = UNVERIFIED
        if (d["instrument"], d["article"]) not in seen:
            cards.append(d)
    return cards


def backend_label(settings: Any) -> str:
    """Which backend answers: the deterministic one, or the configured model."""
    llm = settings.llm
    if llm.provider == "none":
        return "确定性检索摘录（不调用模型）"
    if llm.provider == "openai":
        where = f" @ {llm.base_url}" if llm.base_url else ""
        return f"OpenAI 兼容接口：{llm.model or '（未设置模型）'}{where}"
    if llm.provider == "llamacpp":
        from pathlib import Path

        return f"llama.cpp 本地模型：{Path(llm.model).name if llm.model else '（未设置模型）'}"
    return llm.provider


def answer_backend_label(backend: str) -> str:
    """The backend an answer actually came from (it may have fallen back)."""
    return {"none": "确定性检索摘录", "openai": "大模型（OpenAI 兼容接口）", "llamacpp": "本地大模型（llama.cpp）"}.get(
        backend, backend)


def instrument_markdown(doc: Any, *, text: bool = True) -> str:
    """A whole instrument as Markdown: its facts, 修订沿革, versions, table of contents and (with `text`) articles."""
    inst = doc.instrument
    facts = "　·　".join(x for x in (str(inst.level.value), inst.issuer, inst.document_number, inst.region,
                                    str(inst.status.value)) if x)
    dates = "，".join(x for x in (f"{inst.promulgation_date}公布" if inst.promulgation_date else "",
                                 f"{inst.effective_date}施行" if inst.effective_date else "") if x)
    out = [f"**《{md_escape(inst.title)}》**", "", md_escape(facts + (f"　·　{dates}" if dates else ""))]
    if doc.note:
        out += ["", f"*{doc.note}*"]
    if inst.history:
        out += ["", "**修订沿革**", ""] + [f"- {md_escape(h)}" for h in inst.history]
    if len(doc.versions) > 1:
        out += ["", "**版本**", ""]
        for v in doc.versions:
            when = f"{v.promulgation_date or '日期不详'}公布" + (f"，{v.effective_date}施行" if v.effective_date else "")
            mark = "（现行，默认引用）" if v.is_current_version else ""
            shown = "　← 当前显示" if v.id == inst.id else ""
            out.append(f"- {when}：{v.status.value}{mark}{shown}")
    if doc.toc:
        out += ["", "**目录**", ""] + [f"- {md_escape(t.heading)}（{t.first}—{t.last}）" for t in doc.toc]
    if text and doc.articles:
        out += ["", "**全文**"]
        chapter = None
        for a in doc.articles:
            if a.chapter and a.chapter != chapter:
                out += ["", f"*{md_escape(a.chapter)}*"]
                chapter = a.chapter
            body = md_escape(a.text).replace("\n", "  \n")
            out += ["", f"**{a.label}**　{body}" if a.number > 0 else body]
    return "\n".join(out)

