"""The review engine: a Dossier in, a ReviewReport out (content rules per clause, procedure rules per dossier).

Findings are sorted procedures first (in code order), then content findings in clause order; reminders are
kept apart. `report_to_json_dict` gives the `fashen review --format json` shape (DESIGN §5) and
`report_to_markdown` a report a reviewer can print.
"""

from __future__ import annotations

import logging
from typing import Any

from assistant.config import get_settings
from assistant.errors import InputError
from assistant.models import Basis, DocType, Dossier, Finding, ReviewReport, Severity, Stage
from assistant.review.clauses import split_clauses
from assistant.review.context import ReviewContext
from assistant.review.dossier import detect_doc_type
from assistant.kb.powers import table_for_catalog
from assistant.review.measures import owner_posture, vet_findings
from assistant.review.materials import classify_material, kind_label
from assistant.review.procedure import CODE_ORDER, run_procedure
from assistant.review.rules import RuleSet, load_rules

log = logging.getLogger(__name__)

_TYPE_LABEL = {DocType.NORMATIVE: "行政规范性文件", DocType.MAJOR_DECISION: "重大行政决策"}
_SEVERITY_LABEL = {Severity.ERROR: "问题", Severity.WARNING: "提示", Severity.REMINDER: "提醒"}


def _run_content(rules: RuleSet, ctx: Any, notices: list[str]) -> list[Finding]:
    try:
        from assistant.review.content import run_content
    except ImportError as exc:  # the content engine is optional in a partial checkout
        notices.append(f"内容审查模块不可用（{exc}），本次只审查了程序。")
        return []
    return list(run_content(list(rules.rules), ctx))  # content.run_content iterates a list of rules


def _sort(findings: list[Finding], clause_order: dict[str, int]) -> list[Finding]:
    proc = {c: i for i, c in enumerate(CODE_ORDER)}

    def key(f: Finding):
        if f.code.startswith("P."):
            return (0, proc.get(f.code, len(proc)), 0)
        return (1, clause_order.get(f.location or "", len(clause_order)), 0)

    return sorted(findings, key=key)


def review(dossier: Dossier, *, catalog: Any = None, rules: RuleSet | None = None, settings: Any = None) -> ReviewReport:
    """Review a dossier: split the draft, run content and procedure rules, and return the report."""
    notices: list[str] = []
    if settings is None:
        settings = get_settings()
    if rules is None:
        rules = load_rules(catalog=catalog)
    # Callers may have set the type or stage as plain strings (model_copy does not validate).
    dossier = dossier.model_copy(update={
        "doc_type": DocType(dossier.doc_type) if dossier.doc_type else None, "stage": Stage(dossier.stage)})
    if catalog is None:
        notices.append("未提供知识库：法律依据未逐条核实，引用核查不可用。")
    detected = dossier.doc_type is None or dossier.doc_type_detected
    if dossier.doc_type is None or dossier.doc_type_detected:
        dtype, reason = detect_doc_type(dossier.title, dossier.draft_text)
        dtype = dossier.doc_type or dtype
        notices.append(f"文件类型由系统判断为{_TYPE_LABEL[dtype]}：{reason}。如不准确，请用 --type 指定。")
        dossier = dossier.model_copy(update={"doc_type": dtype, "doc_type_detected": True})
    materials = [m if (m.kinds or m.error) else m.model_copy(update={"kinds": classify_material(m.name, m.text)})
                 for m in dossier.materials]
    dossier = dossier.model_copy(update={"materials": materials})
    for bad in dossier.unreadable:
        notices.append(f"材料《{bad.get('file')}》无法读取，未纳入审查：{bad.get('reason')}")

    clauses = split_clauses(dossier.draft_text, dossier.paragraphs or None)
    if len(clauses) > settings.review.max_clauses:
        raise InputError(f"草案《{dossier.draft_name}》共 {len(clauses):,} 条（段），超过一次审查 "
                         f"{settings.review.max_clauses:,} 条（段）的上限（设置 review.max_clauses）。请拆分后分别审查。")
    ctx = ReviewContext.build(dossier, catalog, clauses=clauses, settings=settings)
    try:
        ctx.settings = settings  # procedure checks read the comment-period limits from it
    except (AttributeError, TypeError):
        pass

    table = table_for_catalog(catalog) if catalog is not None else None
    content, set_aside = vet_findings(_run_content(rules, ctx, notices),
                                      owner=owner_posture(dossier.title, dossier.draft_text), table=table)
    ctx.content_findings = content
    procedure, reminders = run_procedure(rules, ctx)
    order = {c.location: i for i, c in enumerate(clauses)}
    findings = _sort([*procedure, *content], order)
    return ReviewReport(
        title=dossier.title, doc_type=dossier.doc_type, doc_type_detected=detected, stage=dossier.stage,
        issuer=dossier.issuer, draft=dossier.draft_name, materials=materials, clauses=clauses, findings=findings,
        reminders=reminders, set_aside=set_aside, unreadable=list(dossier.unreadable), notices=notices,
        kb_fingerprint=_fingerprint(catalog), review_date=ctx.review_date,
    )


def _fingerprint(catalog: Any) -> str | None:
    try:
        return catalog.fingerprint() if catalog is not None else None
    except Exception:  # a fingerprint is informative only
        return None


# --- rendering ------------------------------------------------------------------------------------

def _basis_dict(b: Basis) -> dict[str, Any]:
    return {"instrument": b.instrument, "article": b.article, "verified": b.verified, "paragraph": b.paragraph,
            "note": b.note}


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "location": f.location, "severity": f.severity.value, "title": f.title,
            "evidence": f.evidence, "basis": [_basis_dict(b) for b in f.basis], "suggestion": f.suggestion,
            "source": f.source, "explanation": f.explanation}


def report_to_json_dict(report: ReviewReport) -> dict[str, Any]:
    """The `fashen review --format json` object (DESIGN §5), plus stage, issuer, materials and notices."""
    return {
        "doc_type": report.doc_type.value,
        "title": report.title,
        "findings": [_finding_dict(f) for f in report.findings],
        "reminders": [_finding_dict(f) for f in report.reminders],
        "set_aside": [s.model_dump() for s in report.set_aside],
        "doc_type_detected": report.doc_type_detected,
        "stage": report.stage.value,
        "issuer": report.issuer,
        "draft": report.draft,
        "review_date": report.review_date.isoformat() if report.review_date else None,
        "materials": [{"name": m.name, "kinds": list(m.kinds), "error": m.error} for m in report.materials],
        "unreadable": list(report.unreadable),
        "notices": list(report.notices),
        "kb_fingerprint": report.kb_fingerprint,
        "fashen_version": report.fashen_version,
    }


def _cite(b: Basis) -> str:
    art = b.article or ""
    if b.article and b.paragraph:
        from assistant.text.numerals import int_to_cn
        art += f"第{int_to_cn(b.paragraph)}款"
    text = f"《{b.instrument}》{art}"
    if b.note and not b.article:
        text += f"（{b.note}）"
    if not b.verified:
        text += "〔未核实〕"
    return text


def report_to_markdown(report: ReviewReport) -> str:
    """A printable review report in Chinese."""
    out: list[str] = [f"# 《{report.title}》审查报告", ""]
    dtype = _TYPE_LABEL[report.doc_type] + ("（系统判断）" if report.doc_type_detected else "")
    out.append(f"- 文件类型：{dtype}")
    out.append(f"- 审查阶段：{report.stage.value}")
    if report.issuer:
        out.append(f"- 制定机关：{report.issuer}")
    if report.review_date:
        d = report.review_date
        out.append(f"- 审查日期：{d.year}年{d.month}月{d.day}日")
    errors = sum(f.severity == Severity.ERROR for f in report.findings)
    out.append(f"- 发现问题：{len(report.findings)} 项（程序 {sum(f.code.startswith('P.') for f in report.findings)} 项，"
               f"内容 {sum(not f.code.startswith('P.') for f in report.findings)} 项；其中严重 {errors} 项）")
    if report.kb_fingerprint:
        out.append(f"- 知识库版本：{report.kb_fingerprint}（法审助手 {report.fashen_version or '?'}）")
    out.append("")
    out.append("## 送审材料")
    if report.materials:
        for m in report.materials:
            if m.error:
                out.append(f"- {m.name}：无法读取（{m.error}）")
            else:
                out.append(f"- {m.name}：{'、'.join(kind_label(k) for k in m.kinds)}")
    else:
        out.append("- 未附材料")
    out.append("")
    if report.notices:
        out.append("## 说明")
        out.extend(f"- {n}" for n in report.notices)
        out.append("")
    sections = [("程序问题", [f for f in report.findings if f.code.startswith("P.")]),
                ("内容问题", [f for f in report.findings if not f.code.startswith("P.")])]
    n = 0
    for heading, items in sections:
        out.append(f"## {heading}")
        if not items:
            out.append("未发现问题。")
            out.append("")
            continue
        for f in items:
            n += 1
            where = f"（{f.location}）" if f.location else ""
            out.append(f"### {n}. {f.title}{where}　`{f.code}`　{_SEVERITY_LABEL.get(f.severity, '')}")
            if f.explanation:
                out.append(f.explanation)
            elif f.evidence:
                out.append(f.evidence)
            if f.location and f.evidence:
                out.append(f"> {f.evidence}")
            if f.basis:
                out.append("依据：" + "；".join(_cite(b) for b in f.basis))
            if f.suggestion:
                out.append(f"建议：{f.suggestion}")
            out.append("")
    if report.reminders:
        out.append("## 出台后提醒")
        for r in report.reminders:
            basis = "；".join(_cite(b) for b in r.basis)
            out.append(f"- {r.title}：{r.explanation or ''}" + (f"（{basis}）" if basis else ""))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
