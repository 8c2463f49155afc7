"""The procedure checklist: each procedure the review checked, done or not, with the materials that show it and, for
public comment, the period counted (days, working days, from which dates) against its minimum. The app's 程序与材料
tab and the 意见书's 审查过程 both show it."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from assistant.models import Finding, ReviewReport
from assistant.review.codes import label

# The material kinds (knowledge_base/rules/materials.yaml) that show each procedure was followed.
PROCEDURE_KINDS: dict[str, tuple[str, ...]] = {
    "P.DRAFT_NOTE": ("draft_note",), "P.PUBLIC_COMMENT": ("comment_report",),
    "P.PUBLIC_PARTICIPATION": ("comment_report",), "P.FAIR_COMPETITION": ("fair_competition",),
    "P.EXPERT": ("expert",), "P.RISK": ("risk",), "P.HEARING": ("hearing",),
    "P.LEGALITY_REVIEW": ("legality_review",), "P.COLLECTIVE": ("collective",),
}
_COMMENT_CODES = ("P.PUBLIC_COMMENT", "P.PUBLIC_PARTICIPATION")


class ChecklistRow(BaseModel):
    """One procedure: whether it was followed (no finding left on it), what was found, and what shows it."""

    code: str
    label: str
    ok: bool
    findings: list[Finding] = Field(default_factory=list)
    materials: list[str] = Field(default_factory=list, description="names of the materials that show it")
    period: str | None = Field(None, description="the public-comment period counted, for public comment")

    @property
    def note(self) -> str:
        """What the row says: the findings' problems, else that the materials show no problem."""
        return "；".join(f.title + (f"：{f.explanation}" if f.explanation else "") for f in self.findings) \
            or "材料未显示问题"


def period_text(report: ReviewReport) -> str | None:
    """"2026年8月3日至8月12日，共10日（8个工作日），应不少于30日" — the comment period and its minimum."""
    cp = report.comment_period
    if cp is None:
        return None
    text = cp.describe()
    if cp.holidays_unknown:
        text += f"（{'、'.join(map(str, cp.holidays_unknown))}年的法定节假日未收录，工作日按周末计算）"
    if cp.required:
        text += f"，应不少于{cp.required}"
    return text


def procedure_checklist(report: ReviewReport) -> list[ChecklistRow]:
    """One row per procedure the review checked (the report says which), in report order, judged by the report's
    findings — pass the decided report (review.decisions.decided) for the reviewer's view."""
    by_code: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.code.startswith("P."):
            by_code.setdefault(f.code, []).append(f)
    codes = [*report.procedures, *(c for c in by_code if c not in report.procedures)]
    rows = []
    for code in codes:
        kinds = set(PROCEDURE_KINDS.get(code, ()))
        shown = [m.name for m in report.materials if not m.error and kinds & set(m.kinds)]
        rows.append(ChecklistRow(code=code, label=label(code), ok=code not in by_code, findings=by_code.get(code, []),
                                 materials=[Path(n).stem or n for n in shown],
                                 period=period_text(report) if code in _COMMENT_CODES else None))
    return rows
