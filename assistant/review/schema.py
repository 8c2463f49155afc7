"""What a rule file says (knowledge_base/rules/*.yaml), as Pydantic models: a rule, its bases, its examples.

A rule names its check (`check:`); the check's own model validates the rule's `params` when the catalog loads
(assistant/review/rules.py) and the result is kept on the rule as `options`. Examples document and test the
rule: sentences for content rules, small dossiers (the draft and its materials as inline texts) for procedure
rules.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from assistant.models import Basis, DocType, Dossier, Material, Severity, Stage
from assistant.text.typography import tidy

# Text a reader sees, as written in the rule files: YAML's folded lines leave a space at each line end, and authors
# type straight quotes; both are set right once, when the catalog loads.
Prose = Annotated[str, AfterValidator(tidy)]


class CheckKind(StrEnum):
    """What a check reads: a clause (content), the dossier's procedure facts (procedure), or nothing (reminder)."""

    CONTENT = "content"
    PROCEDURE = "procedure"
    REMINDER = "reminder"


class RuleBasis(BaseModel):
    """A legal basis as written in a rule file."""

    model_config = ConfigDict(extra="forbid")

    instrument: str = Field(description="official full title (or an alias the knowledge base resolves)")
    article: str | None = Field(None, description="第十六条; omitted only for policy documents")
    paragraph: int | None = None
    policy: bool = Field(False, description="a document the knowledge base may not hold (e.g. 国办发〔2018〕37号)")
    doc_no: str | None = Field(None, description="the policy document's 文号, by which variants name it")
    note: str | None = None


class DossierExample(BaseModel):
    """A small dossier that shows a procedure rule: the draft and its materials written out in the rule file."""

    model_config = ConfigDict(extra="forbid")

    draft: str
    title: str | None = Field(None, description="default: the draft's first line")
    issuer: str = "某县人民政府"
    doc_type: DocType | None = Field(None, description="default: the rule's first document type")
    stage: Stage | None = Field(None, description="default: the rule's first stage")
    materials: dict[str, str] = Field(default_factory=dict, description="file name → text")
    says: str | None = Field(None, description="unlawful examples: words the finding's explanation must contain")

    def dossier(self, rule: Rule, review_date: date) -> Dossier:
        """The example as the dossier a reviewer would receive."""
        lines = [ln.strip() for ln in self.draft.splitlines() if ln.strip()]
        return Dossier(
            title=self.title or lines[0], draft_name="draft.md", draft_text=self.draft, paragraphs=lines,
            doc_type=self.doc_type or rule.applies_to[0], stage=self.stage or rule.stages[0], issuer=self.issuer,
            review_date=review_date, materials=[Material(name=n, text=t) for n, t in self.materials.items()])


class Examples(BaseModel):
    """Lawful and unlawful examples: clause texts (content rules) or dossiers (procedure rules)."""

    model_config = ConfigDict(extra="forbid")

    unlawful: list[str | DossierExample] = Field(default_factory=list)
    lawful: list[str | DossierExample] = Field(default_factory=list)


class Rule(BaseModel):
    """One rule of the catalog."""

    model_config = ConfigDict(extra="forbid")

    id: str
    code: str
    title: Prose
    severity: Severity = Severity.ERROR
    applies_to: list[DocType] = Field(default_factory=lambda: list(DocType))
    stages: list[Stage] = Field(default_factory=lambda: list(Stage))
    check: str
    params: dict[str, Any] = Field(default_factory=dict)
    basis: list[RuleBasis] = Field(default_factory=list)
    message: Prose
    suggestion: Prose | None = None
    examples: Examples = Field(default_factory=Examples)
    # Set by the catalog loader: the check's kind, the params validated by the check's model, the verified bases.
    kind: CheckKind | None = Field(None, exclude=True)
    options: BaseModel | None = Field(None, exclude=True)
    resolved_basis: list[Basis] = Field(default_factory=list, exclude=True)

    def applies(self, doc_type: DocType, stage: Stage) -> bool:
        """Whether the rule runs on a document of this type at this stage."""
        return doc_type in self.applies_to and stage in self.stages
