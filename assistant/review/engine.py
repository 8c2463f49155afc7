"""The rules step of a review: a Dossier in, a ReviewReport out (content rules per clause, procedure rules per
dossier). The whole job, reading and the model step included, is assistant.review.pipeline.run_review.

Content findings come first per clause, with precedence (PRIMER §3: one finding per defect, the most specific
code first); the procedure facts are derived once, with the content findings, for the procedure rules. The
report lists procedures first (in code order), then content findings in clause order; reminders apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.config import Settings, get_settings
from assistant.errors import InputError
from assistant.kb.catalog import Catalog
from assistant.kb.packs import available_regions, region_pack
from assistant.models import Clause, DocType, Dossier, Finding, ReviewReport, SetAside, Stage
from assistant.review.checks.citations import excerpt_lines
from assistant.review.checks.public_comment import comment_period
from assistant.review.checks.registry import CHECKS
from assistant.review.clauses import split_clauses
from assistant.review.codes import INDEPENDENT_PAIRS, PRECEDENCE, PROCEDURE
from assistant.review.context import ReviewContext
from assistant.review.dates import review_date_of
from assistant.review.dossier import detect_doc_type
from assistant.review.issuer import province_of
from assistant.review.materials import classified
from assistant.review.measures import owner_posture, section_postures, vet_findings
from assistant.review.upper import Search, compare_with_law
from assistant.review.procedure_facts import ProcedureFacts, build_facts
from assistant.review.rules import RuleSet, load_rules
from assistant.review.schema import CheckKind, Rule

_PROCEDURE_ORDER = {c: i for i, c in enumerate(PROCEDURE)}


def _active(rules: Sequence[Rule], kind: CheckKind, doc_type: DocType, stage: Stage) -> list[Rule]:
    """The rules of a kind that run on this document type at this stage: the one place `stages:` filters."""
    return [r for r in rules if r.kind == kind and r.applies(doc_type, stage)]


# -- content -------------------------------------------------------------------------------------------------

def run_rule(rule: Rule, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """One content rule on one clause (the rule self-tests use it too)."""
    return CHECKS[rule.check].run(rule, rule.options, clause, ctx)


def _overrides(rule: Rule | None) -> frozenset[str]:
    return frozenset(getattr(rule.options, "overrides", ())) if rule is not None else frozenset()


def resolve_precedence(found: list[Finding], rule_by_id: dict[str, Rule]) -> list[Finding]:
    """One finding per code; one code per sentence (most specific first); distinct sentences, distinct defects."""
    # explicit overrides first, among all that was found: a rule may displace named codes (or rules) on its sentence
    drop: set[int] = set()
    winners: set[int] = set()  # what displaced another speaks for its code on the sentence
    for i, f in enumerate(found):
        displaces = _overrides(rule_by_id.get(f.source.removeprefix("rule:")))
        for j, g in enumerate(found):
            if i != j and {g.code, g.source.removeprefix("rule:")} & displaces and g.evidence == f.evidence:
                drop.add(j)
                winners.add(i)
    by_code: dict[str, Finding] = {}
    for k in sorted(range(len(found)), key=lambda k: k not in winners):
        if k not in drop:
            by_code.setdefault(found[k].code, found[k])
    kept = list(by_code.values())
    rank = {c: i for i, c in enumerate(PRECEDENCE)}
    ordered = sorted((f for f in kept if f.code in rank), key=lambda f: rank[f.code])
    out: list[Finding] = []
    seen_evidence: dict[str, str] = {}
    for f in ordered:
        first = seen_evidence.get(f.evidence or "")
        if first is not None and frozenset({first, f.code}) not in INDEPENDENT_PAIRS:
            continue  # the same sentence: one defect, reported under its most specific code
        seen_evidence.setdefault(f.evidence or "", f.code)
        out.append(f)
    out.extend(f for f in kept if f.code not in rank)
    return out


Vet = Callable[[list[Finding]], tuple[list[Finding], list[SetAside]]]


def run_content(rules: Sequence[Rule], ctx: ReviewContext) -> list[Finding]:
    """Every applicable content rule on every clause, with precedence and one finding per code and location."""
    return vetted_content(rules, ctx, lambda found: (found, []))[0]


def vetted_content(rules: Sequence[Rule], ctx: ReviewContext, vet: Vet) -> tuple[list[Finding], list[SetAside]]:
    """`run_content`, each clause's findings first vetted by the reading of its measures: what the vet sets aside is
    dropped before precedence, so that a finding read away (a private party's consent taken for a licence) does not
    displace the one that stands on the same sentence. Returns (findings, set aside)."""
    active = _active(rules, CheckKind.CONTENT, ctx.doc_type, ctx.dossier.stage)
    rule_by_id = {r.id: r for r in active}
    findings: list[Finding] = []
    set_aside: list[SetAside] = []
    for clause in ctx.clauses:
        found, aside = vet([f for rule in active for f in run_rule(rule, clause, ctx)])
        set_aside += aside
        findings.extend(resolve_precedence(found, rule_by_id))
    return findings, set_aside


# -- procedure -----------------------------------------------------------------------------------------------

def run_procedure_rule(rule: Rule, facts: ProcedureFacts) -> list[Finding]:
    """One procedure or reminder rule on a dossier's facts (the rule self-tests use it too)."""
    return CHECKS[rule.check].run(rule, rule.options, facts)


def run_procedure(rules: Sequence[Rule], facts: ProcedureFacts) -> tuple[list[Finding], list[Finding], list[str]]:
    """The procedure and reminder rules: (findings, one per code, in code order; reminders; the codes checked)."""
    active = _active(rules, CheckKind.PROCEDURE, facts.doc_type, facts.stage)
    findings: dict[str, Finding] = {}
    for rule in active:
        for finding in run_procedure_rule(rule, facts):
            findings.setdefault(finding.code, finding)
    reminders = [f for rule in _active(rules, CheckKind.REMINDER, facts.doc_type, facts.stage)
                 for f in run_procedure_rule(rule, facts)]
    checked = sorted({r.code for r in active}, key=lambda c: _PROCEDURE_ORDER.get(c, len(_PROCEDURE_ORDER)))
    return sorted(findings.values(), key=lambda f: _PROCEDURE_ORDER.get(f.code, len(_PROCEDURE_ORDER))), reminders, checked


# -- the rules step ------------------------------------------------------------------------------------------

def review(dossier: Dossier, *, catalog: Catalog | None = None, rules: RuleSet | None = None,
           settings: Settings | None = None, search: Search | None = None) -> ReviewReport:
    """Review a dossier with the rules: split the draft, run content then procedure rules, return the report.
    With `search` (the knowledge base's), each content finding is compared with the upper-level articles on its
    matter (upper.py)."""
    settings = settings or get_settings()
    rules = rules or load_rules(catalog=catalog)
    notices: list[str] = []
    if catalog is None:
        notices.append("未提供知识库：法律依据未逐条核实，引用核查不可用。")
    detected = dossier.doc_type is None or dossier.doc_type_detected
    doc_type = dossier.doc_type
    if detected:
        found, reason = detect_doc_type(dossier.title, dossier.draft_text)
        doc_type = doc_type or found
        notices.append(f"文件类型由系统判断为{doc_type.label}：{reason}。如不准确，请用 --type 指定。")
    region = province_of(dossier.issuer, dossier.title)
    if catalog is not None and region in available_regions() and not catalog.has_pack(region_pack(region)):
        notices.append(f"制定机关属{region}，知识库尚未导入{region}的地方性法规、规章：与地方规定的比对不完整，依据地方规定的"
                       f"条款可能被列为问题。导入：fashen ingest --region {region}。")
    materials = classified(dossier.materials)
    dossier = dossier.model_copy(update={
        "doc_type": doc_type, "doc_type_detected": detected, "materials": materials,
        "review_date": dossier.review_date or review_date_of(dossier.draft_text, materials)})
    notices += [f"材料《{bad.get('file')}》无法读取，未纳入审查：{bad.get('reason')}" for bad in dossier.unreadable]

    clauses = split_clauses(dossier.draft_text, dossier.paragraphs or None)
    if len(clauses) > settings.review.max_clauses:
        raise InputError(f"草案《{dossier.draft_name}》共 {len(clauses):,} 条（段），超过一次审查 "
                         f"{settings.review.max_clauses:,} 条（段）的上限（设置 review.max_clauses）。请拆分后分别审查。")
    ctx = ReviewContext.build(dossier, catalog, clauses=clauses, settings=settings)
    ctx.search = search
    # the reading of each clause's measures vets what the phrase rules found (measures.py)
    owner = section_postures(clauses, owner_posture(dossier.title, dossier.draft_text))
    quoted = excerpt_lines(ctx)
    content, set_aside = vetted_content(rules.rules, ctx, lambda found: vet_findings(
        found, issuer_kind=ctx.issuer_kind, owner=owner, table=ctx.powers(), title=dossier.title, quoted=quoted,
        catalog=catalog))
    if search is not None:
        content, restated = compare_with_law(content, search)
        set_aside += restated
    facts = build_facts(dossier, settings=settings.review, content_findings=tuple(content))
    procedure, reminders, checked = run_procedure(rules.rules, facts)
    return ReviewReport(
        title=dossier.title, doc_type=ctx.doc_type, doc_type_detected=detected, stage=dossier.stage,
        issuer=dossier.issuer, draft=dossier.draft_name, materials=materials, clauses=clauses, procedures=checked,
        findings=[*procedure, *content], reminders=reminders, set_aside=set_aside, unreadable=list(dossier.unreadable),
        notices=notices,
        kb_fingerprint=catalog.fingerprint() if catalog is not None else None, review_date=ctx.review_date,
        comment_period=comment_period(facts),
    )
