"""The reviewer's decisions on a report: keep a finding, reject it (with a reason), reword it, or add one the rules
missed (its basis checked by the citation checker). The 意见书, the annotated draft, the batch table and the audit
log are renderings of `decided(report, decisions)`: the findings the reviewer kept, as they worded them.

Each finding is named by a stable id, `<code>@<location>` (`P.PUBLIC_COMMENT` for a procedure), so decisions
survive saving and reloading the report; `finding_ids` gives them in report order.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import InputError
from assistant.kb.catalog import Catalog
from assistant.kb.citations import check_text, extract_citations
from assistant.models import Basis, CitationStatus, Finding, ReviewReport, Rewrite, Severity
from assistant.review.codes import CONTENT, FINDING_CODES, PROCEDURE, label
from assistant.text.numerals import int_to_cn


class Action(StrEnum):
    """What the reviewer does with a finding."""

    ACCEPT = "accept"
    REJECT = "reject"
    EDIT = "edit"

    @property
    def label(self) -> str:
        """采纳 / 不采纳 / 修改后采纳."""
        return {Action.ACCEPT: "采纳", Action.REJECT: "不采纳", Action.EDIT: "修改后采纳"}[self]


class FindingEdit(BaseModel):
    """The reviewer's wording of a finding; what is left unset keeps the engine's."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    explanation: str | None = None
    suggestion: str | None = None
    severity: Severity | None = None
    rewrite: Rewrite | None = Field(None, description="a concrete rewording of a phrase of the clause (a tracked change)")


class Decision(BaseModel):
    """One decision on one finding."""

    model_config = ConfigDict(extra="forbid")

    finding: str = Field(description="the finding's id: <code>@<location>, or the code of a procedure finding")
    action: Action
    reason: str | None = Field(None, description="why a finding is rejected (required for reject)")
    edit: FindingEdit | None = None
    user: str | None = None
    time: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))


class Decisions(BaseModel):
    """All the reviewer's decisions on one report, and the findings they added by hand."""

    model_config = ConfigDict(extra="forbid")

    decisions: list[Decision] = Field(default_factory=list)
    added: list[Finding] = Field(default_factory=list)

    def of(self, finding_id: str) -> Decision | None:
        """The latest decision on a finding, or None when it has none (pending: kept as the engine found it)."""
        return next((d for d in reversed(self.decisions) if d.finding == finding_id), None)

    @property
    def empty(self) -> bool:
        return not self.decisions and not self.added


class AddedFinding(BaseModel):
    """A finding the reviewer writes by hand: the basis as citation text (《…》第N条；…), checked before it is kept."""

    model_config = ConfigDict(extra="forbid")

    code: str
    location: str | None = None
    title: str | None = None
    evidence: str | None = None
    basis: str = Field(description="《中华人民共和国行政处罚法》第十六条；…")
    explanation: str | None = None
    suggestion: str | None = None
    severity: Severity = Severity.ERROR


class DecisionsFile(BaseModel):
    """Decisions as a reviewer writes them in a file (`fashen review … --decisions 决定.json`): added findings as
    AddedFinding, their basis still to be checked."""

    model_config = ConfigDict(extra="forbid")

    decisions: list[Decision] = Field(default_factory=list)
    added: list[AddedFinding] = Field(default_factory=list)


def read_decisions(data: str | bytes, report: ReviewReport, catalog: Catalog | None, *,
                   user: str | None = None) -> Decisions:
    """Decisions from a file's JSON (DecisionsFile, or Decisions as saved), every one checked against the report and
    every added finding's basis against the knowledge base; InputError saying what to fix."""
    from pydantic import ValidationError

    try:
        raw = DecisionsFile.model_validate_json(data)
    except ValidationError as exc:
        try:
            return check_decisions(report, Decisions.model_validate_json(data))
        except ValidationError:
            raise InputError(f"审查决定文件格式有误：{exc.errors()[0]['msg']}（位置 {exc.errors()[0]['loc']}）。"
                             "应为 {\"decisions\": [{\"finding\": \"C.PENALTY@第七条\", \"action\": \"reject\", "
                             "\"reason\": \"…\"}], \"added\": [{\"code\": …, \"location\": …, \"basis\": \"《…》第N条\"}]}。") from None
    added = [add_finding(report, spec, catalog, user=user) for spec in raw.added]
    decisions = [d if d.user else d.model_copy(update={"user": user}) for d in raw.decisions]
    return check_decisions(report, Decisions(decisions=decisions, added=added))


# -- ids -------------------------------------------------------------------------------------------------------

def finding_ids(findings: list[Finding]) -> list[str]:
    """The id of each finding, in order: <code>@<location> (the code alone without a location), #2… when repeated."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        base = f"{f.code}@{f.location}" if f.location else f.code
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return out


# -- checking what the reviewer gives -----------------------------------------------------------------------------

def check_decision(report: ReviewReport, decision: Decision, added: list[Finding] = ()) -> Decision:
    """The decision if it names a finding of the report (or one added) and carries what its action needs; InputError
    saying what is missing otherwise."""
    known = finding_ids([*report.findings, *added])
    if decision.finding not in known:
        raise InputError(f"审查决定指向的问题“{decision.finding}”不在本次审查结果中；可用的编号："
                         f"{'、'.join(known) or '（无问题）'}。")
    if decision.action == Action.REJECT and not (decision.reason or "").strip():
        raise InputError(f"不采纳问题“{decision.finding}”须写明理由（reason）。")
    if decision.action == Action.EDIT and (decision.edit is None or not decision.edit.model_dump(exclude_none=True)):
        raise InputError(f"修改问题“{decision.finding}”须给出修改后的内容（edit：title、explanation、suggestion、"
                         "severity 或 rewrite）。")
    rewrite = decision.edit.rewrite if decision.edit is not None else None
    if rewrite is not None:
        finding = dict(zip(known, [*report.findings, *added]))[decision.finding]
        clause = next((c for c in report.clauses if c.location == finding.location), None)
        if clause is None or rewrite.old not in clause.text:
            raise InputError(f"修订的原文“{rewrite.old}”不在{finding.location or '草案条款'}中：请从该条原样复制要修改的词句。")
    return decision


def check_decisions(report: ReviewReport, decisions: Decisions) -> Decisions:
    """Every decision checked against the report (see check_decision); the decisions themselves when all hold."""
    for d in decisions.decisions:
        check_decision(report, d, decisions.added)
    return decisions


def add_finding(report: ReviewReport, spec: AddedFinding, catalog: Catalog | None, *, user: str | None = None) -> Finding:
    """A hand-written finding, checked: a known code, a clause of the draft (none for a procedure), and a basis every
    citation of which the citation checker verifies. InputError naming what does not hold."""
    code = spec.code.strip()
    if code not in FINDING_CODES:
        raise InputError(f"问题代码“{code}”无效；可用的代码：{'、'.join(f'{c}（{label(c)}）' for c in FINDING_CODES)}。")
    location = (spec.location or "").strip() or None
    if code in PROCEDURE and location:
        raise InputError(f"程序问题（{code}）针对整个制定过程，不填条款位置。")
    clauses = [c.location for c in report.clauses]
    if code in CONTENT:
        if not location:
            raise InputError(f"内容问题（{code}）须写明条款位置，如 {clauses[0] if clauses else '第七条'}。")
        if location not in clauses:
            shown = "、".join(clauses[:12]) + ("……" if len(clauses) > 12 else "")
            raise InputError(f"草案中没有“{location}”；可用的位置：{shown or '（未识别出条款）'}。")
    basis = verified_basis(spec.basis, catalog)
    clause = next((c for c in report.clauses if c.location == location), None)
    evidence = (spec.evidence or "").strip() or None
    if evidence and clause is not None and evidence not in clause.text:
        raise InputError(f"所引原文不在{location}中：请从该条原样复制，或留空。")
    return Finding(code=code, location=location, severity=spec.severity, title=(spec.title or "").strip() or label(code),
                   evidence=evidence, basis=basis, explanation=(spec.explanation or "").strip() or None,
                   suggestion=(spec.suggestion or "").strip() or None, source=f"reviewer:{user}" if user else "reviewer")


def verified_basis(text: str, catalog: Catalog | None) -> list[Basis]:
    """The bases written as citations (《…》第N条；…), each verified; InputError with the checker's reason for any
    that does not verify. Without a knowledge base they are kept and marked unverified."""
    if catalog is None:
        raw = extract_citations(text)
        if not raw:
            raise InputError("法律依据应写成“《法律名称》第N条”，多个依据用“；”分隔。")
        return [Basis(instrument=r.title or r.text, article=f"第{int_to_cn(r.article_no)}条" if r.article_no else None,
                      paragraph=r.paragraph, verified=False) for r in raw]
    found = [c for c in check_text(text, catalog) if c.status != CitationStatus.SELF_REFERENCE]
    if not found:
        raise InputError("法律依据应写成“《法律名称》第N条”，多个依据用“；”分隔（未识别出任何条文引用）。")
    bad = [c for c in found if not c.verified or not c.article]
    if bad:
        raise InputError("法律依据未通过核对：" + "；".join(f"{c.text}（{c.reason or '无法核实'}）" for c in bad)
                         + "。请更正后再添加。")
    return [Basis(instrument=c.instrument or c.text, article=c.article, paragraph=c.paragraph, verified=True,
                  quote=c.quote) for c in found]


# -- the decided report -------------------------------------------------------------------------------------------

def _edited(f: Finding, edit: FindingEdit | None) -> Finding:
    if edit is None:
        return f
    return f.model_copy(update={k: v for k in FindingEdit.model_fields if (v := getattr(edit, k)) is not None})


def kept_findings(report: ReviewReport, decisions: Decisions | None) -> list[tuple[str, Finding]]:
    """(id, finding) of each finding the reviewer keeps, as they worded it, in report order (procedures first in code
    order, then content by clause; added findings among them)."""
    decisions = decisions or Decisions()
    findings = [*report.findings, *decisions.added]
    kept = []
    for fid, f in zip(finding_ids(findings), findings):
        d = decisions.of(fid)
        if d is not None and d.action == Action.REJECT:
            continue
        kept.append((fid, _edited(f, d.edit if d is not None and d.action == Action.EDIT else None)))
    procedure_order = {c: i for i, c in enumerate(PROCEDURE)}
    clause_order = {c.location: i for i, c in enumerate(report.clauses)}

    def key(item: tuple[str, Finding]) -> tuple[int, int]:
        f = item[1]
        if f.code in PROCEDURE:
            return (0, procedure_order[f.code])
        return (1, clause_order.get(f.location or "", len(clause_order)))

    return sorted(kept, key=key)


def decided(report: ReviewReport, decisions: Decisions | None) -> ReviewReport:
    """The report as the reviewer decided: rejected findings left out, edits applied, added findings in report order."""
    if decisions is None or decisions.empty:
        return report
    return report.model_copy(update={"findings": [f for _, f in kept_findings(report, decisions)]})


def decision_rows(report: ReviewReport, decisions: Decisions | None) -> list[dict[str, str | None]]:
    """Each finding (the engine's and the reviewer's) with its id and decision: what the JSON report and the app show."""
    decisions = decisions or Decisions()
    findings = [*report.findings, *decisions.added]
    rows = []
    for fid, f in zip(finding_ids(findings), findings):
        d = decisions.of(fid)
        status = "added" if f in decisions.added and d is None else (d.action.value if d else "pending")
        rows.append({"id": fid, "decision": status, "reason": d.reason if d else None})
    return rows


def decision_counts(report: ReviewReport, decisions: Decisions | None) -> dict[str, int]:
    """How many findings are accepted, rejected, edited, pending and added (for the audit log and the app)."""
    counts = {"accept": 0, "reject": 0, "edit": 0, "pending": 0, "added": 0}
    for row in decision_rows(report, decisions):
        counts[row["decision"]] += 1
    return counts
