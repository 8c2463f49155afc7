"""What the engine read from each clause (`fashen review --explain`): the measures of every sentence and what each
was compared with — the approvals it requires and who grants them, the setting it speaks in, the power a town's
actor exercises with the article that gives it to whom, the law's prohibition a duty runs into. Inspectable, so a
reviewer can see why a clause was or was not flagged."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.kb.powers import PowerTable, power_basis
from assistant.models import Basis, Clause
from assistant.review.checks.compare import forbidden_duty, town_power
from assistant.review.measures import Reading, read
from assistant.review.sentences import segments


class SentenceMeasures(BaseModel):
    """One sentence, read."""

    reading: Reading
    town_power: Basis | None = Field(None, description="the article giving the power a town's actor exercises here")
    forbidden: Basis | None = Field(None, description="the law's prohibition of compulsion this duty runs into")


class ClauseMeasures(BaseModel):
    """The measures read from one clause."""

    location: str
    sentences: list[SentenceMeasures] = Field(default_factory=list)


def explain(clauses: list[Clause], table: PowerTable | None, *, min_share: float = 0.6) -> list[ClauseMeasures]:
    """The reading of every sentence that requires, grants or compares something (plain sentences are left out)."""
    out: list[ClauseMeasures] = []
    for clause in clauses:
        sentences = []
        for seg in segments(clause.text):
            reading = read(seg.text)
            town = town_power(seg.text, table, min_share) if table is not None else None
            duty = forbidden_duty(seg.text, table) if table is not None else None
            if reading.approvals or reading.settings or town or duty:
                sentences.append(SentenceMeasures(reading=reading, town_power=town and power_basis(town),
                                                  forbidden=duty and power_basis(duty)))
        if sentences:
            out.append(ClauseMeasures(location=clause.location, sentences=sentences))
    return out
