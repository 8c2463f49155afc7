"""The checks rules may name (`check:` in knowledge_base/rules/*.yaml): one table, name → kind, function, params.

Content checks run per clause: fn(rule, params, clause, ctx) -> findings. Procedure and reminder checks run once
per dossier on its procedure facts: fn(rule, params, facts) -> findings. `params` is the rule's `params:`
validated by the check's model when the catalog loads. A new check is a function in its family's module and a
line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from assistant.models import Finding
from assistant.review.checks import (citations, collective, compare, dates, draft_note, fair_competition,
                                     legality_review, major_decision, patterns, periods, personal, procedure, public_comment,
                                     reminders, threshold)
from assistant.review.schema import CheckKind


@dataclass(frozen=True)
class Check:
    """A check function, what it reads, and the model of its params."""

    kind: CheckKind
    run: Callable[..., list[Finding]]
    params: type[BaseModel]


_C, _P, _R = CheckKind.CONTENT, CheckKind.PROCEDURE, CheckKind.REMINDER

CHECKS: dict[str, Check] = {
    # content (C.*)
    "pattern": Check(_C, patterns.check_pattern, patterns.PatternParams),
    "citation_validity": Check(_C, citations.check_citation_validity, citations.CitationParams),
    "quoted_excerpt": Check(_C, citations.check_excerpt, citations.ExcerptParams),
    "validity_period": Check(_C, dates.check_validity_period, dates.ValidityParams),
    "phone_table": Check(_C, personal.check_phone_table, personal.PhoneTableParams),
    "retroactive_dates": Check(_C, dates.check_retroactive_dates, dates.RetroactiveParams),
    # content, compared with the upper-level law and the competence table
    "forbidden_duty": Check(_C, compare.check_forbidden_duty, compare.ForbiddenDutyParams),
    "filing_review": Check(_C, compare.check_filing_review, compare.FilingReviewParams),
    "competence": Check(_C, compare.check_competence, compare.CompetenceParams),
    "total_ban": Check(_C, compare.check_total_ban, compare.TotalBanParams),
    "threshold": Check(_C, threshold.check_threshold, threshold.ThresholdParams),
    "shorter_period": Check(_C, periods.check_shorter_period, periods.PeriodParams),
    # procedure (P.*)
    "procedure_draft_note": Check(_P, draft_note.check_draft_note, draft_note.DraftNoteParams),
    "procedure_public_comment": Check(_P, public_comment.check_public_comment, public_comment.PublicCommentParams),
    "procedure_public_participation": Check(_P, public_comment.check_public_participation,
                                            public_comment.ParticipationParams),
    "procedure_fair_competition": Check(_P, fair_competition.check_fair_competition,
                                        fair_competition.FairCompetitionParams),
    "procedure_legality_review": Check(_P, legality_review.check_legality_review, legality_review.LegalityParams),
    "procedure_collective": Check(_P, collective.check_collective, collective.CollectiveParams),
    "procedure_expert": Check(_P, major_decision.check_expert, major_decision.ExpertParams),
    "procedure_risk": Check(_P, major_decision.check_risk, major_decision.RiskParams),
    "procedure_hearing": Check(_P, major_decision.check_hearing, major_decision.HearingParams),
    # after the decision (R.*)
    "reminder_after_decision": Check(_R, reminders.reminder_after_decision, procedure.ReminderParams),
}
# The code prefix each kind of check reports under.
CODE_PREFIX = {_C: "C.", _P: "P.", _R: "R."}

