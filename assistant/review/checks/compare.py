"""Comparison with the upper-level law and with what the issuer may do at all (DESIGN §3b).

These checks do not match the draft's wording to a list. They read the measure a sentence imposes and compare it
with the competence table built from the knowledge base's own texts at ingest (assistant/kb/powers.py):

- `forbidden_duty`: the law protects some freedoms in so many words — "任何单位和个人不得强制其委托招标代理机构办理
  招标事宜" (招标投标法第十二条). A sentence that makes the same act a duty of the people it regulates contradicts the
  article. Only compulsion (强制, 强迫, 指定, 限定, 摊派) is compared: "不得要求……提交无关材料" turns on a word
  (无关/相关) that a comparison of matters cannot weigh.
- `filing_review`: a filing (备案) the authority examines on substance and grants only to what passes is a licence.
- `competence`: a 镇 or 街道 approving what the law gives to a 县级以上 department acts beyond its powers.
Each finding names the article it was compared with (`compared_with`), verified because it was read from the KB.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from assistant.kb.powers import Power, PowerTable, table_for_catalog, tier_label
from assistant.models import Basis, Clause, Finding
from assistant.review.checks.patterns import make_finding, segments_of
from assistant.review.context import ReviewContext
from assistant.review.issuer import IssuerKind
from assistant.review.measures import PartyKind, party_kind, read
from assistant.review.schema import Rule


class ForbiddenDutyParams(BaseModel):
    """`forbidden_duty` takes no params: what it compares with is the competence table."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FilingReviewParams(BaseModel):
    """A filing (`filing`) examined on substance (`review`) and granted only to what passes (`grant`), unless a law
    or regulation sets the filing (`statutory`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    filing: re.Pattern[str]
    review: re.Pattern[str]
    grant: re.Pattern[str]
    statutory: re.Pattern[str]


class CompetenceParams(BaseModel):
    """Which issuers the check reads, and how closely a table row must share the clause's matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuers: frozenset[IssuerKind] = frozenset({IssuerKind.TOWN})
    min_share: float = Field(0.6, description="share of the row's matter words the sentence must hold")

COMPULSION = re.compile(r"^(强制|强迫|指定|限定|摊派)")
# 应 as a modal, not inside 相应/对应/适应/响应/供应/反应/应急/应用
_MANDATE = re.compile(r"应当|(?<![相对适响供反])应(?![急用对])|必须|须(?!知)|一律")
# a choice, a permission or a prohibition is no compulsion ("自行组织招标，或者委托……")
_NEGATED = re.compile(r"不得|禁止|严禁|不应|无需|不必|自愿|可以|鼓励|自主|自行|或者?委托")
# what the compulsion is to do: the first of these in the prohibition's matter must be what the draft mandates
_ACT = re.compile(r"委托|购买|参加|参与|使用|接受|选择|选用|缴纳|加入|安装|投保|流转|租赁|采购|捐献|捐赠|出具|提供")
_DESIGNATES = re.compile(r"指定|限定|只能|仅限|统一(?:由|向|到|在)|一律(?:由|向|到|在)")
MIN_SHARE = 0.5


def power_basis(row: Power) -> Basis:
    """A row of the competence table as a verified basis (it was read from the knowledge base's own text)."""
    return Basis(instrument=row.instrument, article=row.article, verified=True, quote=row.sentence)


def _table(ctx: ReviewContext) -> PowerTable | None:
    return ctx.memo("powers", lambda: table_for_catalog(ctx.catalog)) if ctx.catalog is not None else None


def _compared(rule: Rule, clause: Clause, evidence: str, row: Power, detail: str) -> Finding:
    f = make_finding(rule, clause, evidence, detail)
    f.basis = [*f.basis, power_basis(row)]
    f.compared_with = [power_basis(row)]
    return f


# -- a duty the law forbids to compel --------------------------------------------------------------------------

def forbidden_duty(sentence: str, table: PowerTable) -> Power | None:
    """The prohibition of compulsion a mandatory sentence runs into, or None. The duty must fall on someone other
    than the issuer (an authority binding itself compels no one) and be the act the law protects from compulsion."""
    mandate = _MANDATE.search(sentence)
    if not mandate or _NEGATED.search(sentence) or party_kind(sentence[:mandate.start()]) == PartyKind.AUTHORITY:
        return None
    for row, _share in table.find(sentence, actions=["forbid"], min_share=MIN_SHARE):
        verb = COMPULSION.match(row.matter or "")
        if not verb:
            continue
        if verb.group(1) in ("指定", "限定"):
            if _DESIGNATES.search(sentence):
                return row
            continue
        act = _ACT.search(row.matter or "")
        if act and act.group(0) in sentence[mandate.end():]:
            return row
    return None


def check_forbidden_duty(rule: Rule, p: ForbiddenDutyParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.OBLIGATION (C.COMPETITION for a designation) where a clause makes a duty of what the law forbids to compel."""
    table = _table(ctx)
    if table is None:
        return []
    for seg in segments_of(clause, ctx):
        row = forbidden_duty(seg.text, table)
        if row is not None:
            f = _compared(rule, clause, seg.evidence, row, f"{row.citation}规定：“{row.sentence}”")
            if re.match(r"(指定|限定)", row.matter or ""):
                f.code = "C.COMPETITION"
            return [f]
    return []


# -- a filing examined on substance ---------------------------------------------------------------------------

def check_filing_review(rule: Rule, p: FilingReviewParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.LICENSE where a clause requires a filing, examines it on substance and grants only to what passes."""
    text = clause.text
    m = p.grant.search(text)
    if not (p.filing.search(text) and p.review.search(text) and m) or p.statutory.search(text):
        return []
    evidence = next((s.evidence for s in segments_of(clause, ctx) if p.filing.search(s.text)), text.strip())
    return [make_finding(rule, clause, evidence, trigger=m.group(0))]


# -- approvals the law gives to a higher authority -------------------------------------------------------------

_TOWN_APPROVER = re.compile(r"镇|乡|街道|办事处")
_APPROVAL_ACTS = {"审批", "批准", "同意", "核准", "许可", "审核同意", "审核批准"}
_ABOVE_TOWN = {"county", "municipal", "provincial", "national", "department"}


def check_competence(rule: Rule, p: CompetenceParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.ULTRA_VIRES where a 镇/街道 approves a matter whose approval the law gives only to a higher authority."""
    if ctx.issuer_kind not in p.issuers:
        return []
    table = _table(ctx)
    if table is None:
        return []
    for seg in segments_of(clause, ctx):
        approvals = [a for a in read(seg.text).approvals
                     if a.kind == PartyKind.AUTHORITY and a.act in _APPROVAL_ACTS and _TOWN_APPROVER.search(a.approver)]
        if not approvals:
            continue
        rows = table.find(seg.text, actions=["approve"], min_share=p.min_share, k=5)
        if not rows or any(row.tier == "town" for row, _ in rows):
            continue
        best = rows[0][0]
        if best.tier in _ABOVE_TOWN:
            detail = (f"{best.citation}规定由“{best.authority}”（{tier_label(best.tier)}）审批：“{best.sentence}”")
            return [_compared(rule, clause, seg.evidence, best, detail)]
    return []
