"""The `pattern` check (most C.* rules): trigger regexes matched sentence by sentence, minus the exceptions.

Exceptions come in layers: around the trigger (`match_exceptions` within a window, `anchored_exceptions` that
contain this very occurrence), in the comma clause before it (a prohibition or a reference to the law: "不得收取",
"依法予以处罚"), in the sentence, in the clause, and the two that need the knowledge base (checks/law.py). A trigger
matches words, not strings: it must begin and end where words of the sentence begin and end (checks/words.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from assistant.kb.citations import DOC_SUFFIXES
from assistant.models import Clause, Finding, Rewrite
from assistant.review.checks.law import cited_measure_ok, restates_law
from assistant.review.checks.words import on_word_boundaries
from assistant.review.context import ReviewContext
from assistant.review.issuer import IssuerKind, higher_titled
from assistant.review.measures import town_grants
from assistant.review.schema import Rule
from assistant.review.sentences import Segment, amounts, neutralize, segments


def _listed(value: Any) -> Any:
    """A single pattern written without a list, or nothing, as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


Patterns = Annotated[tuple[re.Pattern[str], ...], BeforeValidator(_listed)]


class Measure(BaseModel):
    """A measure as the draft and as the law words it: the cited article must contain the law's wording."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    draft: re.Pattern[str]
    law: re.Pattern[str]


class PatternParams(BaseModel):
    """The params of a `pattern` rule, compiled once when the catalog loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    triggers: Patterns = Field(min_length=1, description="what the measure looks like")
    match_exceptions: Patterns = Field((), description="near the trigger (within `window`)")
    anchored_exceptions: Patterns = Field((), description="a phrase that contains this occurrence of the trigger")
    window: tuple[int, int] = Field((0, 0), description="characters before and after the trigger")
    require: Patterns = Field((), description="all must be in the sentence")
    require_any: Patterns = Field((), description="one must be in the sentence")
    exceptions: Patterns = Field((), description="anywhere in the sentence (its ；-part)")
    sentence_exceptions: Patterns = Field((), description="anywhere in the whole 。-sentence")
    clause_exceptions: Patterns = Field((), description="anywhere in the clause")
    draft_require: Patterns = Field((), description="all must be somewhere in the draft")
    issuers: frozenset[IssuerKind] = Field(frozenset(), description="only drafts of these issuers (empty: all)")
    cited_measure: bool = Field(False, description="a cited law article that sets the measure excuses it")
    measures: tuple[Measure, ...] = ()
    check_amount: bool = Field(False, description="a fine above the cited article's maximum is not excused")
    cite_reference: bool = Field(True, description="a bare title (依照《X》的规定) may excuse the measure")
    restatement: float = Field(0.0, description="bigram share above which the sentence restates a law's 款")
    restatement_sources: tuple[str, ...] = Field((), description="laws compared besides those the draft names")
    overrides: frozenset[str] = Field(frozenset(), description="codes or rule ids this finding displaces")
    skip_definitions: bool = Field(True, description="ignore 本办法所称… definitions")
    violation_items: bool = Field(False, description="read the items of a list of violations too")
    negation: bool = Field(True, description="a prohibition before the trigger (不得, 严禁 …) excuses it")
    reference_exempt: bool = Field(False, description="a reference to the law (依法予以处罚) excuses it")
    not_issuer: bool = Field(False, description="an `agency` group naming the issuer itself excuses it")
    statutory_names: Patterns = Field((), description="near the trigger: a licence the law itself sets — excused, "
                                      "unless a 镇/街道 body grants it (the law gives it to a higher authority)")


_DEFINITION = re.compile(r"^[ \t\u3000]*(本[^，。；]{0,8}(所称|中的|所指)|前款所称|本条所称)")

# A trigger inside a prohibition or a fight against it ("不得收取任何费用", "严禁……查封、扣押", "纠正违法查封") is
# not the measure being set; nor is one the clause merely refers to the law for ("依法予以处罚"). Both are judged
# within the comma clause before the trigger (a clause opening with 或者 continues the one before it).
_NEGATION = re.compile(r"(?:不得|严禁|禁止|不准|不应|杜绝|不允许|无权|有权拒绝)(?!(区域|性|行为|事项|类|标志|目录|清单))"
                       r"|(?<!拒不)(?<![未不])(?:纠正|制止|打击|清理|整治|规范|减少)"
                       r"|取消(?=[^。；，]{0,6}(收费|保证金|证明|许可|审批))|违反法定(权限|程序|条件)"
                       r"|违法(?=[^。；，]{0,2}(实施|查封|扣押|冻结|收取|收费|罚款|设定|要求))|违规(?=(收取|收费|设定|要求))")
_REFERENCE = re.compile(r"依法(?!律)|依照(有关)?(法律|法规|规定)|按照(有关)?(法律|法规)|依据(有关)?(法律|法规)|法律、(行政)?法规(规定|另有规定)")
# the measure "依法" taken on the document's own terms (……依法暂扣其音响设备，签署承诺书后予以返还): the document sets it
_OWN_TERMS = re.compile(r"^[^。；]{0,30}[，,][^。；]{0,20}(?:签署|签订|缴纳|接受|完成|改正|整改)[^。；]{0,16}后[^。；]{0,4}(?:予以)?(?:返还|退还|解除|发还)")
_CONTINUATION = re.compile(r"^\s*(或者|或|以及|也不|亦不|并不|更不|及)")
_COMMA = "，,：:"
_PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fa5]{0,12}?(省|市|县|区|镇|乡|旗)(?=[\u4e00-\u9fa5]{2})")


def segments_of(clause: Clause, ctx: ReviewContext) -> list[Segment]:
    """A clause's segments, computed once per review."""
    return ctx.memo(f"seg:{clause.location}", lambda: segments(clause.text, ctx.lead_in(clause)))


def make_finding(rule: Rule, clause: Clause, evidence: str | None, detail: str | None = None, *,
                 trigger: str | None = None) -> Finding:
    """A finding of `rule` at `clause`, with the rule's bases, message and fix. `detail` (what was found, in words
    for the reader) follows the message as a sentence of its own; `trigger` (the matched words) is kept apart, as a
    field, for locating and marking them — never in the text."""
    explanation = rule.message.strip()
    if detail:
        explanation = f"{explanation.rstrip('。')}。{detail.rstrip('。')}。"
    suggestion = (rule.suggestion or "").strip() or None
    return Finding(code=rule.code, location=clause.location, severity=rule.severity, title=rule.title,
                   evidence=evidence, basis=list(rule.resolved_basis), explanation=explanation,
                   suggestion=suggestion, source=f"rule:{rule.id}", trigger=trigger,
                   rewrite=phrase_deletion(suggestion, clause.text))


# A fix that deletes one quoted phrase ("删除“费用由申请人承担”；…"): a concrete rewording where the clause has it.
_DELETE_PHRASE = re.compile(r'^删除["“]([^"”]{2,40})["”](?![、“"])')


def phrase_deletion(suggestion: str | None, clause_text: str) -> Rewrite | None:
    """The deletion a suggestion names, when it names one phrase the clause holds verbatim."""
    m = _DELETE_PHRASE.match(suggestion or "")
    return Rewrite(old=m.group(1)) if m and m.group(1) in clause_text else None


def _comma_prefix(text: str, start: int) -> str:
    """The part of the comma clause before `start`, with the previous clause when this one continues it."""
    begin = max(text.rfind(c, 0, start) for c in _COMMA) + 1
    prefix = text[begin:start]
    if begin > 0 and _CONTINUATION.match(prefix):
        prev = max(text.rfind(c, 0, begin - 1) for c in _COMMA) + 1
        prefix = text[prev:begin] + prefix
    return prefix


def _same_body(named: str, issuer: str | None) -> bool:
    """'县公安局' names the issuer '某县公安局' (place prefixes ignored); so does its short form, or one of its own units
    under the short form ('区卫健委监督所' for '某区卫生健康委员会': the first character of each word, 委 for 委员会)."""
    if not issuer:
        return False
    core = _PLACE_PREFIX.sub("", named)
    if not core:
        return False
    if core in issuer or core.replace("管理", "") in issuer.replace("管理", ""):
        return True
    # the body's name after each place word (上海市某区卫生健康委员会 → 卫生健康委员会), shortened
    for at in [i + 1 for i, ch in enumerate(issuer) if ch in "省市区县镇乡"]:
        m = re.fullmatch(r"(?P<words>(?:[\u4e00-\u9fa5]{2})+?)(?P<kind>委员会|局|委|办公室|厅)", issuer[at:])
        short = m and "".join(m.group("words")[::2]) + m.group("kind")[0]
        if short and len(short) >= 3 and core.startswith(short):
            return True
    return False


def _anchored_hit(patterns: tuple[re.Pattern[str], ...], text: str, a: int, b: int, m: re.Match[str]) -> bool:
    """An exception phrase that contains this very occurrence of the trigger ("扣押期限", "解除查封"), not a later
    mention of the same word in the window ("当场扣押船舶……，扣押期限不超过……" is still a 扣押)."""
    for x in patterns:
        for e in x.finditer(text, a, b):
            if e.start() < m.end() and m.start() < e.end():
                return True
    return False


# the title of a cited instrument (a form or a certificate — 《备案凭证》 — may be the very thing required)
_TITLE = re.compile(rf"《[^《》]{{1,60}}(?:{DOC_SUFFIXES})》")


def _occurrences(rx: re.Pattern[str], text: str):
    """The trigger's matches on word boundaries (社区居民委员会 holds no 区居民委员会; 自动断电 is a device function, not a
    断电); one that is not is tried again a character later, so that "现居住地社区居民委员会出具的……证明" still yields
    the 社区居民委员会 the first, rejected, match swallowed."""
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        if on_word_boundaries(text, m.start(), m.end()):
            yield m
            pos = m.end()
        else:
            pos = m.start() + 1


_ITEM_CONSEQUENCE = re.compile(r"的[，,](?=\s*(?:由|责令|处|予以|并处|给予|没收|吊销|暂扣|暂停|取消|列入|纳入|不予|依照|按照))")


def _first_match(p: PatternParams, text: str, limit: tuple[int, int] | None = None, issuer: str | None = None,
                 issuer_kind: IssuerKind | None = None,
                 town_competent: Callable[[str], bool] = lambda name: True, own_from: int = 0) -> re.Match[str] | None:
    titles = [t.span() for t in _TITLE.finditer(text)]
    for rx in p.triggers:
        for m in _occurrences(rx, text):
            if (limit is not None and limit[0] <= m.start() < limit[1]) or m.end() <= own_from:
                continue
            if any(a < m.start() < b for a, b in titles):
                continue  # begins inside a cited instrument's title (《上海市住宅物业管理规定》相关条款予以处罚)
            if p.not_issuer and "agency" in rx.groupindex and m.group("agency") \
                    and _same_body(m.group("agency"), issuer):
                continue  # the issuer speaking of its own powers
            a, b = max(0, m.start() - p.window[0]), min(len(text), m.end() + p.window[1])
            if any(x.search(text[a:b]) for x in p.match_exceptions):
                continue
            named = next((n for x in p.statutory_names for n in [x.search(text[a:b])] if n), None)
            if named and not (town_grants(text, issuer_kind) and not town_competent(named.group(0))):
                continue
            if p.statutory_names and higher_titled(text[a:b], issuer):
                continue  # 取得《上海市……许可证》 in a district's document: the province's licence, referred to
            if _anchored_hit(p.anchored_exceptions, text, a, b, m):
                continue
            if p.negation or p.reference_exempt:
                prefix = _comma_prefix(text, m.start())
                if p.negation and _NEGATION.search(prefix):
                    continue
                if p.reference_exempt and _REFERENCE.search(prefix) and not amounts(text) \
                        and not _OWN_TERMS.search(text[m.end():]):
                    continue
            return m
    return None


def town_competent(ctx: ReviewContext, name: str) -> bool:
    """Whether the law itself gives the 乡镇 level the approval of a statutory licence named `name` (宅基地: 土地管理法
    实施条例 has the 乡（镇）人民政府 approve it), read from the competence table; True without a knowledge base."""
    table = ctx.powers()
    return table is None or any(p.tier == "town" and p.action == "approve" and name in p.sentence for p in table.powers)


def check_pattern(rule: Rule, p: PatternParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """Trigger regexes per sentence, minus exceptions (sentence, clause, cited measure, restatement)."""
    if p.issuers and ctx.issuer_kind not in p.issuers:
        return []
    if p.draft_require and not all(rx.search(ctx.dossier.draft_text) for rx in p.draft_require):
        return []
    clean_clause = ctx.memo(f"clean:{clause.location}", lambda: neutralize(clause.text))
    if any(rx.search(clean_clause) for rx in p.clause_exceptions):
        return []
    for seg in segments_of(clause, ctx):
        if p.skip_definitions and _DEFINITION.match(seg.text):
            continue
        # in a list of violations ("有下列行为之一的，处……：（一）违规收费的"), an item describes the conduct
        # sanctioned, not a measure of the draft: only the lead-in counts unless the rule reads the items — or the
        # item's own consequence after its conduct ("（一）擅自变更设计的，责令限期改正，处二十万元以上……罚款")
        limit = None
        if seg.violation_list and not p.violation_items:
            then = _ITEM_CONSEQUENCE.search(seg.text, seg.lead_len)
            limit = (seg.lead_len, then.end() if then else len(seg.text))
        m = _first_match(p, seg.text, limit, ctx.dossier.issuer, ctx.issuer_kind, lambda name: town_competent(ctx, name),
                         seg.own_from)
        if m is None:
            continue
        if not all(rx.search(seg.text) for rx in p.require):
            continue
        if p.require_any and not any(rx.search(seg.text) for rx in p.require_any):
            continue
        if any(rx.search(seg.text) for rx in p.exceptions):
            continue
        sentence = seg.text if seg.lead_elsewhere else "".join(clean_clause[a:b] for a, b in seg.sentence)
        if any(rx.search(sentence) for rx in p.sentence_exceptions):
            continue
        if p.cited_measure and cited_measure_ok(p.measures, check_amount=p.check_amount,
                                                cite_reference=p.cite_reference, seg=seg, clause=clause, ctx=ctx):
            continue
        if p.restatement and restates_law(seg, ctx, p.restatement, measures=p.measures, check_amount=p.check_amount,
                                          sources=p.restatement_sources, sentence=sentence):
            continue
        return [make_finding(rule, clause, seg.evidence, trigger=m.group(0))]
    return []
