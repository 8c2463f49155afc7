"""What every procedure check (P.*) shares: its params as data, the basis a finding cites, the finding itself.

A procedure rule's params say which of its bases a finding cites, and when (procedure.yaml):

    params:
      basis:                      # the default selection; without it a finding cites all the rule's bases
        - 公平竞争审查条例/第二条              # always
        - ref: 公平竞争审查条例/第十三条      # only when the condition holds
          when: {issuer: [department, town, unknown]}
      variants:                   # one per defect the check reports: its own title, message, fix, selection
        missing: {title: 未开展公平竞争审查, basis: [...]}

A reference names an entry of the rule's `basis:` by "instrument/第N条" (the instrument's title or the end of it:
组织法/第七十五条) or by a policy document's 文号 (国办发〔2018〕37号); each is matched when the catalog loads and a
reference that matches nothing fails loudly, naming the rule. Conditions read the dossier's facts: the issuer's
kind, the document type, whether the draft concerns operators, a pattern of the title and draft.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr, ValidationInfo, model_validator

from assistant.models import Basis, DocType, Finding
from assistant.review.issuer import IssuerKind
from assistant.review.procedure_facts import ProcedureFacts
from assistant.review.schema import Prose, Rule, RuleBasis


class When(BaseModel):
    """A condition on the dossier; every part given must hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: frozenset[IssuerKind] | None = None
    doc_type: frozenset[DocType] | None = None
    operators: bool | None = None
    draft: re.Pattern[str] | None = None  # searched in the title and the text of the draft

    def holds(self, facts: ProcedureFacts) -> bool:
        """Whether the dossier meets the condition."""
        if self.issuer is not None and facts.issuer_kind not in self.issuer:
            return False
        if self.doc_type is not None and facts.doc_type not in self.doc_type:
            return False
        if self.operators is not None and facts.operators.value != self.operators:
            return False
        return self.draft is None or bool(self.draft.search(f"{facts.dossier.title}\n{facts.dossier.draft_text}"))


def _matches(key: str, basis: RuleBasis) -> bool:
    name, _, article = key.partition("/")
    named = basis.instrument == name or basis.instrument.endswith(name) or basis.doc_no == name
    return named and (not article or basis.article == article)


class BasisRef(BaseModel):
    """An entry of the rule's bases a finding cites, maybe only under a condition."""

    model_config = ConfigDict(extra="forbid")

    ref: str
    when: When | None = None
    _indices: tuple[int, ...] = PrivateAttr(())

    @property
    def indices(self) -> tuple[int, ...]:
        """The positions of the entries it names in the rule's `basis:` (set when the catalog loads)."""
        return self._indices

    def bind(self, rule_basis: list[RuleBasis]) -> None:
        """Find the entries this reference names; ValueError listing the rule's bases when there is none."""
        self._indices = tuple(i for i, b in enumerate(rule_basis) if _matches(self.ref, b))
        if not self._indices:
            known = "、".join(f"{b.instrument}{b.article or ''}" for b in rule_basis)
            raise ValueError(f"依据“{self.ref}”不在该规则的 basis 中（可用：{known}）")


def _as_refs(value: object) -> object:
    return [{"ref": v} if isinstance(v, str) else v for v in value] if isinstance(value, list) else value


Selection = Annotated[tuple[BasisRef, ...] | None, BeforeValidator(_as_refs)]


class Variant(BaseModel):
    """One defect a check reports: what differs from the rule's own title, message, fix and bases."""

    model_config = ConfigDict(extra="forbid")

    title: Prose | None = None
    message: Prose | None = None
    suggestion: Prose | None = None
    basis: Selection = None


class ProcedureParams(BaseModel):
    """The params of a procedure rule: the bases its findings cite and its variants (the names a check reports)."""

    model_config = ConfigDict(extra="forbid")

    variant_names: ClassVar[frozenset[str]] = frozenset()
    basis: Selection = None
    variants: dict[str, Variant] = {}

    @model_validator(mode="after")
    def _bind(self, info: ValidationInfo) -> Self:
        unknown = set(self.variants) - self.variant_names
        if unknown:
            raise ValueError(f"变体 {', '.join(sorted(unknown))} 未定义；该检查的变体为：{', '.join(sorted(self.variant_names)) or '无'}")
        rule = (info.context or {}).get("rule")
        if rule is not None:
            for refs in [self.basis, *(v.basis for v in self.variants.values())]:
                for ref in refs or ():
                    ref.bind(rule.basis)
        return self


class ReminderParams(BaseModel):
    """A reminder's condition (none: always)."""

    model_config = ConfigDict(extra="forbid")

    when: When | None = None


def select_basis(rule: Rule, refs: tuple[BasisRef, ...] | None, facts: ProcedureFacts) -> list[Basis]:
    """The verified bases a selection names whose condition holds, in the selection's order (None: all)."""
    if refs is None:
        return list(rule.resolved_basis)
    out: list[Basis] = []
    for ref in refs:
        if ref.when is not None and not ref.when.holds(facts):
            continue
        for i in ref.indices:
            if rule.resolved_basis[i] not in out:
                out.append(rule.resolved_basis[i])
    return out


def procedure_finding(rule: Rule, p: ProcedureParams, facts: ProcedureFacts, detail: str, *,
                      variant: str | None = None, **fmt: str) -> Finding:
    """The rule's finding (or its variant's), with `{detail}`, the settings' limits and `fmt` filled in."""
    spec = p.variants.get(variant) if variant else None
    limits = facts.settings
    values = {"detail": detail, "subject": "", "body": "集体会议", "comment_min_workdays": limits.comment_min_workdays,
              "comment_min_days_market": limits.comment_min_days_market,
              "participation_min_days": limits.participation_min_days, **fmt}
    suggestion = (spec and spec.suggestion) or rule.suggestion
    return Finding(
        code=rule.code, location=None, severity=rule.severity, title=((spec and spec.title) or rule.title).format(**values),
        evidence=detail, basis=select_basis(rule, spec.basis if spec and spec.basis is not None else p.basis, facts),
        explanation=((spec and spec.message) or rule.message).format(**values),
        suggestion=suggestion.format(**values) if suggestion else None, source=f"rule:{rule.id}",
    )


def quote(s: str, n: int = 60, focus: str | None = None) -> str:
    """A sentence quoted for a message; with `focus`, the clause (between ，) around the first match."""
    s = re.sub(r"\s+", "", s)
    if focus and len(s) > n:
        m = re.search(focus, s)
        if m:
            a = max(s.rfind("，", 0, m.start()), s.rfind("、", 0, max(0, m.start() - 20)), -1) + 1
            b = s.find("，", m.end())
            s = s[a:] if b < 0 else s[a:b]
    return f"“{s[:n]}{'……' if len(s) > n else ''}”"
