"""R.AFTER_DECISION: what follows the decision (三统一, 公布, 备案, 政策解读 …), a reminder, never a finding."""

from __future__ import annotations

from assistant.models import Finding, Severity
from assistant.review.checks.procedure import ReminderParams, select_basis
from assistant.review.procedure_facts import ProcedureFacts
from assistant.review.schema import Rule


def reminder_after_decision(rule: Rule, p: ReminderParams, f: ProcedureFacts) -> list[Finding]:
    """The rule's reminder, when its condition (if any) holds."""
    if p.when is not None and not p.when.holds(f):
        return []
    return [Finding(code=rule.code, location=None, severity=Severity.REMINDER, title=rule.title,
                    basis=select_basis(rule, None, f), explanation=rule.message, suggestion=rule.suggestion,
                    source=f"rule:{rule.id}")]
