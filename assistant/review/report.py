"""A review report rendered: the `fashen review --format json` object (DESIGN §5) and a Markdown report a reviewer
can print."""

from __future__ import annotations

from typing import Any

from assistant.models import Basis, Finding, ReviewReport, Severity
from assistant.review.decisions import Decisions, decision_counts, decision_rows
from assistant.review.materials import kind_label
from assistant.text.numerals import int_to_cn

_SEVERITY_LABEL = {Severity.ERROR: "问题", Severity.WARNING: "提示", Severity.REMINDER: "提醒"}


def _basis_dict(b: Basis) -> dict[str, Any]:
    return {"instrument": b.instrument, "article": b.article, "verified": b.verified, "paragraph": b.paragraph,
            "note": b.note}


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "location": f.location, "severity": f.severity.value, "title": f.title,
            "evidence": f.evidence, "basis": [_basis_dict(b) for b in f.basis], "suggestion": f.suggestion,
            "source": f.source, "explanation": f.explanation,
            "compared_with": [_basis_dict(b) for b in f.compared_with], "trigger": f.trigger,
            "rewrite": f.rewrite.model_dump() if f.rewrite else None}


def report_to_json_dict(report: ReviewReport, decisions: Decisions | None = None) -> dict[str, Any]:
    """The `fashen review --format json` object (DESIGN §5), plus stage, issuer, materials and notices; each finding
    with its id and the reviewer's decision (pending without one), the findings added by hand among them."""
    findings = [*report.findings, *(decisions.added if decisions else [])]
    rows = decision_rows(report, decisions)
    return {
        "doc_type": report.doc_type.value,
        "title": report.title,
        "findings": [_finding_dict(f) | row for f, row in zip(findings, rows)],
        "decisions": decision_counts(report, decisions),
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
        "comment_period": report.comment_period.model_dump(mode="json") if report.comment_period else None,
        "kb_fingerprint": report.kb_fingerprint,
        "fashen_version": report.fashen_version,
        **({"measures": report.measures} if report.measures else {}),
    }


def _cite(b: Basis) -> str:
    art = b.article or ""
    if b.article and b.paragraph:
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
    dtype = report.doc_type.label + ("（系统判断）" if report.doc_type_detected else "")
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
