"""Content checks (C.*): a few parameterised functions the rule files in knowledge_base/rules name.

- `pattern`: triggers / exceptions (regexes) matched sentence by sentence, with the PRIMER §3 exceptions that
  need the knowledge base: a cited article that itself sets the measure, and restatement of a law's text.
- `citation_validity`: C.BASIS_INVALID from the citation check (repealed, no such article, misnamed).
- `validity_period`, `retroactive_dates`: C.VALIDITY and C.RETROACTIVE from the draft's dates (content_dates.py).

`run_content` runs the applicable rules on every clause, then applies precedence (PRIMER §3: one finding per
defect, the most specific code first) and fills the findings. Sentences come from sentences.py, which blanks
text addressed to the reviewer (the draft is data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.models import CitationStatus, Clause, Finding, Stage
from assistant.review.context import IssuerKind, ReviewContext
from assistant.review.rules import CHECKS, Rule, register_check
from assistant.review.sentences import Segment, amounts, neutralize, segments


# Precedence among codes that describe what a clause does (PRIMER §3). Codes outside this list (BASIS_INVALID,
# RETROACTIVE, VALIDITY) are independent defects and never displace or get displaced.
SPECIFIC = ["C.LICENSE", "C.PENALTY", "C.COERCION", "C.FEE", "C.CERTIFICATE", "C.COMPETITION", "C.PERSONAL_INFO"]
PRECEDENCE = [*SPECIFIC, "C.MINUTES", "C.OBLIGATION", "C.ULTRA_VIRES"]
# Two defects one sentence can carry side by side: a charge, and the provider it must be paid to (代办 by the
# authority's own centre for a fee).
INDEPENDENT_PAIR = {"C.FEE", "C.COMPETITION"}


def segments_of(clause: Clause, ctx: ReviewContext) -> list[Segment]:
    """A clause's segments, computed once per review."""
    return ctx.memo(f"seg:{clause.location}", lambda: segments(clause.text))


# -- compiled rule parameters ----------------------------------------------------------------------------------

def compile_patterns(patterns: Any) -> list[re.Pattern[str]]:
    if not patterns:
        return []
    if isinstance(patterns, str):
        patterns = [patterns]
    return [re.compile(p) for p in patterns]


@dataclass
class PatternParams:
    triggers: list[re.Pattern[str]]
    match_exceptions: list[re.Pattern[str]]
    anchored_exceptions: list[re.Pattern[str]]
    window: tuple[int, int]
    require: list[re.Pattern[str]]
    require_any: list[re.Pattern[str]]
    exceptions: list[re.Pattern[str]]
    sentence_exceptions: list[re.Pattern[str]]
    clause_exceptions: list[re.Pattern[str]]
    draft_require: list[re.Pattern[str]]
    issuers: set[str]
    cited_measure: bool
    measures: list[tuple[re.Pattern[str], re.Pattern[str]]]
    check_amount: bool
    cite_reference: bool
    restatement: float
    restatement_sources: tuple[str, ...]
    overrides: set[str]
    skip_definitions: bool
    violation_items: bool
    negation: bool
    reference_exempt: bool
    not_issuer: bool


_DEFINITION = re.compile(r"^[ \t\u3000]*(本[^，。；]{0,8}(所称|中的|所指)|前款所称|本条所称)")
_PARAMS: dict[int, tuple[Rule, PatternParams]] = {}
PATTERN_KEYS = {
    "triggers", "match_exceptions", "anchored_exceptions", "window", "require", "require_any", "exceptions",
    "sentence_exceptions", "clause_exceptions", "draft_require", "issuers", "cited_measure", "measures", "check_amount", "cite_reference",
    "restatement", "restatement_sources", "overrides", "skip_definitions", "violation_items", "negation", "reference_exempt", "not_issuer",
}


def pattern_params(rule: Rule) -> PatternParams:
    """Compile (once) the params of a `pattern` rule."""
    cached = _PARAMS.get(id(rule))
    if cached is not None and cached[0] is rule:  # the rule object is kept alive by the cache: ids cannot recur
        return cached[1]
    p = rule.params
    unknown = set(p) - PATTERN_KEYS
    if unknown:
        raise ValueError(f"规则 {rule.id} 的参数 {', '.join(sorted(unknown))} 未定义；可用参数：{', '.join(sorted(PATTERN_KEYS))}")
    bad_issuers = set(p.get("issuers") or []) - {k.value for k in IssuerKind}
    if bad_issuers:
        raise ValueError(f"规则 {rule.id} 的 issuers {sorted(bad_issuers)} 无效；可用：{', '.join(k.value for k in IssuerKind)}")
    window = p.get("window") or [0, 0]
    params = PatternParams(
        triggers=compile_patterns(p.get("triggers")),
        match_exceptions=compile_patterns(p.get("match_exceptions")),
        anchored_exceptions=compile_patterns(p.get("anchored_exceptions")),
        window=(int(window[0]), int(window[1])),
        require=compile_patterns(p.get("require")),
        require_any=compile_patterns(p.get("require_any")),
        exceptions=compile_patterns(p.get("exceptions")),
        sentence_exceptions=compile_patterns(p.get("sentence_exceptions")),
        clause_exceptions=compile_patterns(p.get("clause_exceptions")),
        draft_require=compile_patterns(p.get("draft_require")),
        issuers=set(p.get("issuers") or []),
        cited_measure=bool(p.get("cited_measure", False)),
        measures=[(re.compile(m["draft"]), re.compile(m["law"])) for m in p.get("measures") or []],
        check_amount=bool(p.get("check_amount", False)),
        cite_reference=bool(p.get("cite_reference", True)),
        restatement=float(p.get("restatement", 0) or 0),
        restatement_sources=tuple(p.get("restatement_sources") or ()),
        overrides=set(p.get("overrides") or []),
        skip_definitions=bool(p.get("skip_definitions", True)),
        violation_items=bool(p.get("violation_items", False)),
        negation=bool(p.get("negation", True)),
        reference_exempt=bool(p.get("reference_exempt", False)),
        not_issuer=bool(p.get("not_issuer", False)),
    )
    _PARAMS[id(rule)] = (rule, params)
    return params


# -- the PRIMER §3 exceptions that need the knowledge base ------------------------------------------------------

_LOCAL_NAME = re.compile(r"^[\u4e00-\u9fa5]{1,10}(省|自治区|市|县|区|旗|镇|乡)(?!政府)")
_SOURCE = re.compile(r"(依照|按照|依据|根据|适用|参照)[^。；，]{0,4}$")
_VIOLATED = re.compile(r"违反[^。；，]{0,4}$")


def _law_like_unknown(title: str | None, seg_text: str) -> bool:
    """An instrument missing from the knowledge base that reads like a law, 行政法规 or 部门规章 (benefit of doubt)."""
    if not title:
        return False
    if re.search(r"(法|法典|条例)$", title):  # 法律, 行政法规, 地方性法规 (省、设区的市): never a county's own paper
        return True
    if _LOCAL_NAME.match(title):
        return False
    # 部门规章 carry an order number: 《公共租赁住房管理办法》（住房和城乡建设部令第11号）
    return bool(re.search(re.escape(title) + r"》[（(][^）)]*令第", seg_text))


def cited_measure_ok(p: PatternParams, seg: Segment, clause: Clause, ctx: ReviewContext) -> bool:
    """Exception 1: the sentence names a law/法规/规章 article that sets the measure, not widened.

    A citation the knowledge base cannot confirm (no such article, repealed) also counts: that defect is
    C.BASIS_INVALID's, reported by its own rule."""
    cits = [c for c in ctx.cited_articles(clause) if seg.covers(c.start, c.end, whole_sentence=True)]
    if not cits:
        return False
    wanted = [(d, law) for d, law in p.measures if d.search(seg.text)]
    draft_max = max(amounts(seg.text), default=0.0)
    for c in cits:
        status = c.status
        if status == CitationStatus.SELF_REFERENCE:
            continue
        before = clause.text[max(0, c.start - 8):c.start]
        if _VIOLATED.search(before):
            continue  # 违反《X法》第N条: the duty breached, not the source of the measure
        if c.article_no is None and not _SOURCE.search(before):
            continue  # a bare title counts only as the source: 依照《X》的规定
        inst = ctx.instrument(c.instrument)
        if inst is not None and getattr(inst, "level", None) in ("规范性文件", "内部制度", "其他") \
                and inst.status != "已废止":
            continue
        if status == CitationStatus.UNKNOWN_INSTRUMENT or inst is None:
            if p.cite_reference and _law_like_unknown(c.instrument, seg.text):
                return True
            continue
        if status in (CitationStatus.NO_SUCH_ARTICLE, CitationStatus.NO_SUCH_PARAGRAPH, CitationStatus.REPEALED,
                      CitationStatus.AMENDED) or inst.status == "已废止":
            return True
        if c.article_no is None:
            if not p.cite_reference:
                continue
            texts = [a.text for a in ctx.catalog.articles_of(inst.id)] if ctx.catalog is not None else []
        else:
            paras = ctx.article_paragraphs(inst.title, c.article_no)
            if paras is None:
                return True
            texts = paras
            if c.paragraph and c.paragraph <= len(paras):
                texts = [paras[c.paragraph - 1]]
        joined = "\n".join(texts)
        if all(law.search(joined) for _, law in wanted):
            if p.check_amount and draft_max and c.article_no is not None and _exceeds(seg.text, texts):
                continue
            return True
    return False


_PARTY = {"个人": re.compile(r"个人|自然人|公民"), "单位": re.compile(r"单位|企业|法人|经营者|组织")}


def _exceeds(draft: str, law_paragraphs: list[str], party: str | None = None) -> bool:
    """A fine in the draft above the most the cited article allows (for 个人 / 单位 separately when both say).

    `party` is who the sentence around `draft` is about, when `draft` is only part of it."""
    law_all = [a for p in law_paragraphs for a in amounts(p)]
    if not law_all:
        return False  # the article counts in multiples (二倍以下) or not at all: nothing to compare
    for part in re.split(r"[，,；;]", draft):
        for name, rx in _PARTY.items():
            if rx.search(part):
                party = name
        here = amounts(part)
        if not here:
            continue
        allowed = law_all
        if party:
            own = _party_amounts(law_paragraphs, party)
            if own == []:
                return True  # the law names this party but leaves its fine open ("对个人依法处以罚款")
            allowed = own or law_all
        if max(here) > max(allowed):
            return True
    return False


def _party_amounts(law_paragraphs: list[str], party: str) -> list[float] | None:
    """Amounts the law sets for one party: read from each mention up to the next party or the sentence end.

    None when the law does not name the party; a multiple (二倍以下) counts as unbounded."""
    found: list[float] | None = None
    for para in law_paragraphs:
        for m in _PARTY[party].finditer(para):
            end = len(para)
            stop = re.search(r"[。；;]", para[m.end():])
            if stop:
                end = m.end() + stop.start()
            for name, rx in _PARTY.items():
                other = rx.search(para, m.end(), end) if name != party else None
                if other:
                    end = other.start()
            part = para[m.start():end]
            found = (found or []) + amounts(part) + ([float("inf")] if "倍" in part else [])
    return found


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fa5]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _named_instruments(ctx: ReviewContext) -> list[Any]:
    """Instruments the draft names anywhere (its 根据… clause and citations), resolved in the catalog."""
    def compute() -> list[Any]:
        seen, out = set(), []
        for clause in ctx.clauses:
            for c in ctx.cited_articles(clause):
                inst = ctx.instrument(c.instrument)
                if inst is not None and inst.id not in seen and inst.article_count:
                    seen.add(inst.id)
                    out.append(inst)
        return out
    return ctx.memo("named-instruments", compute)


def _restatement_sources(ctx: ReviewContext, extra: tuple[str, ...]) -> list[Any]:
    """The instruments the draft names, plus those a rule lists (laws drafts restate without naming them)."""
    def compute() -> list[Any]:
        out = list(_named_instruments(ctx))
        seen = {i.id for i in out}
        for title in extra:
            inst = ctx.instrument(title)
            if inst is not None and inst.id not in seen:
                seen.add(inst.id)
                out.append(inst)
        return out
    return ctx.memo(f"restatement-sources:{'|'.join(extra)}", compute)


def restates_law(seg: Segment, ctx: ReviewContext, threshold: float, p: PatternParams | None = None,
                 sentence: str = "") -> bool:
    """Exception 2: the sentence restates a 款 of a law/法规 the draft names, or of the core codes.

    With a rule's `measures`, the 款 must contain the measure too and allow the draft's amount: copying a law's
    wording and adding a fine to it is no restatement."""
    if ctx.catalog is None or threshold <= 0:
        return False
    # Compare the whole sentence: a 分号 part alone ("拒不改正的，处……罚款") is boilerplate any penalty article shares.
    mine = _bigrams(sentence or seg.text)
    if len(mine) < 6:
        return False
    wanted = [law for d, law in (p.measures if p else []) if d.search(seg.text)]
    # A draft that puts a figure where the law leaves the amount open sets the 幅度 itself: no restatement.
    sets_amount = bool(p and p.check_amount and amounts(seg.text))
    # who the whole sentence is about ("个人未……的，责令改正；拒不改正的，处……罚款")
    party = next((n for n, rx in _PARTY.items() if rx.search(sentence or seg.text)), None)
    for inst in _restatement_sources(ctx, p.restatement_sources if p else ()):
        index = ctx.memo(f"bigrams:{inst.id}", lambda inst=inst: [
            (para, _bigrams(para)) for a in ctx.catalog.articles_of(inst.id) for para in (a.paragraphs or [a.text])])
        for para, grams in index:
            if not grams or len(mine & grams) / len(mine) < threshold:
                continue
            if sets_amount and not amounts(para) and "倍" not in para:
                continue
            if all(law.search(para) for law in wanted) and not (p and p.check_amount
                                                                 and _exceeds(seg.text, [para], party)):
                return True
    return False


# -- findings --------------------------------------------------------------------------------------------------

def make_finding(rule: Rule, clause: Clause, evidence: str | None, detail: str | None = None) -> Finding:
    """A finding of `rule` at `clause`, with the rule's bases, message and fix."""
    explanation = rule.message.strip()
    if detail:
        explanation = f"{explanation}（{detail}）"
    return Finding(code=rule.code, location=clause.location, severity=rule.severity, title=rule.title,
                   evidence=evidence, basis=list(rule.resolved_basis), explanation=explanation,
                   suggestion=(rule.suggestion or "").strip() or None, source=f"rule:{rule.id}")


# A trigger inside a prohibition or a fight against it ("不得收取任何费用", "严禁……查封、扣押", "纠正违法查封") is
# not the measure being set; nor is one the clause merely refers to the law for ("依法予以处罚"). Both are judged
# within the comma clause before the trigger (a clause opening with 或者 continues the one before it).
_NEGATION = re.compile(r"(?:不得|严禁|禁止|不准|不应|杜绝|不允许|无权|有权拒绝)(?!(区域|性|行为|事项|类|标志|目录|清单))"
                       r"|(?<!拒不)(?<![未不])(?:纠正|制止|打击|清理|整治|规范|减少)"
                       r"|取消(?=[^。；，]{0,6}(收费|保证金|证明|许可|审批))|违反法定(权限|程序|条件)"
                       r"|违法(?=[^。；，]{0,2}(实施|查封|扣押|冻结|收取|收费|罚款|设定|要求))|违规(?=(收取|收费|设定|要求))")
_REFERENCE = re.compile(r"依法(?!律)|依照(有关)?(法律|法规|规定)|按照(有关)?(法律|法规)|依据(有关)?(法律|法规)|法律、(行政)?法规(规定|另有规定)")
_CONTINUATION = re.compile(r"^\s*(或者|或|以及|也不|亦不|并不|更不|及)")
_COMMA = "，,：:"


def _comma_prefix(text: str, start: int) -> str:
    """The part of the comma clause before `start`, with the previous clause when this one continues it."""
    begin = max(text.rfind(c, 0, start) for c in _COMMA) + 1
    prefix = text[begin:start]
    if begin > 0 and _CONTINUATION.match(prefix):
        prev = max(text.rfind(c, 0, begin - 1) for c in _COMMA) + 1
        prefix = text[prev:begin] + prefix
    return prefix


_PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fa5]{0,12}?(省|市|县|区|镇|乡|旗)(?=[\u4e00-\u9fa5]{2})")


def _same_body(named: str, issuer: str | None) -> bool:
    """'县公安局' names the issuer '某县公安局' (place prefixes ignored)."""
    if not issuer:
        return False
    core = _PLACE_PREFIX.sub("", named)
    return bool(core) and core in issuer


def _anchored_hit(patterns: list[re.Pattern[str]], text: str, a: int, b: int, m: re.Match[str]) -> bool:
    """An exception phrase that contains this very occurrence of the trigger ("扣押期限", "解除查封"), not a later
    mention of the same word in the window ("当场扣押船舶……，扣押期限不超过……" is still a 扣押)."""
    for x in patterns:
        for e in x.finditer(text, a, b):
            if e.start() < m.end() and m.start() < e.end():
                return True
    return False


def _first_match(p: PatternParams, text: str, limit: int | None = None,
                 issuer: str | None = None) -> re.Match[str] | None:
    for rx in p.triggers:
        for m in rx.finditer(text):
            if limit is not None and m.start() >= limit:
                continue
            if p.not_issuer and "agency" in rx.groupindex and m.group("agency") \
                    and _same_body(m.group("agency"), issuer):
                continue  # the issuer speaking of its own powers
            a, b = max(0, m.start() - p.window[0]), min(len(text), m.end() + p.window[1])
            if any(x.search(text[a:b]) for x in p.match_exceptions):
                continue
            if _anchored_hit(p.anchored_exceptions, text, a, b, m):
                continue
            if p.negation or p.reference_exempt:
                prefix = _comma_prefix(text, m.start())
                if p.negation and _NEGATION.search(prefix):
                    continue
                if p.reference_exempt and _REFERENCE.search(prefix) and not amounts(text):
                    continue
            return m
    return None


@register_check("pattern", "content")
def check_pattern(rule: Rule, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """Trigger regexes per sentence, minus exceptions (sentence, clause, cited measure, restatement)."""
    p = pattern_params(rule)
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
        # sanctioned, not a measure of the draft: only the lead-in counts unless the rule reads the items
        limit = seg.lead_len if seg.violation_list and not p.violation_items else None
        m = _first_match(p, seg.text, limit, ctx.dossier.issuer)
        if m is None:
            continue
        if not all(rx.search(seg.text) for rx in p.require):
            continue
        if p.require_any and not any(rx.search(seg.text) for rx in p.require_any):
            continue
        if any(rx.search(seg.text) for rx in p.exceptions):
            continue
        if p.sentence_exceptions:
            sentence = "".join(clean_clause[a:b] for a, b in seg.sentence)
            if any(rx.search(sentence) for rx in p.sentence_exceptions):
                continue
        if p.cited_measure and cited_measure_ok(p, seg, clause, ctx):
            continue
        if p.restatement and restates_law(seg, ctx, p.restatement, p,
                                          "".join(clean_clause[a:b] for a, b in seg.sentence)):
            continue
        return [make_finding(rule, clause, seg.evidence, f"触发表述：“{m.group(0)}”")]
    return []


# -- C.BASIS_INVALID -----------------------------------------------------------------------------------------

_REPEAL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _repeal_date(inst: Any) -> date | None:
    m = _REPEAL_DATE.search(inst.status_note or "") if inst is not None else None
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


@register_check("citation_validity", "content")
def check_citation_validity(rule: Rule, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """Repealed instruments, articles that do not exist, misnamed titles (PRIMER §5)."""
    problems: list[str] = []
    evidence = None
    checks = set(rule.params.get("report") or ["repealed", "no_article", "misnamed", "amended", "mismatch"])
    clean = neutralize(clause.text)
    for c in ctx.cited_articles(clause):
        if c.status == CitationStatus.SELF_REFERENCE or c.start is None:
            continue
        if clean[c.start:c.end].strip() == "":
            continue  # inside an injected sentence
        inst = ctx.instrument(c.instrument)
        problem = None
        # the citation checker judges repeal on the draft's own date; without it, the catalog's status decides
        repealed = c.status == CitationStatus.REPEALED or (
            not ctx.checker_available and inst is not None and inst.status == "已废止")
        if repealed:
            repealed_on = _repeal_date(inst)
            issued = ctx.issue_date
            if ctx.dossier.stage == Stage.FILING and repealed_on and issued and issued < repealed_on:
                continue  # cited the then-valid law: a 清理 reminder, not a defect
            if "repealed" in checks:
                title = inst.title if inst is not None else c.instrument
                by = f"，已由《{inst.replaced_by}》取代" if inst is not None and inst.replaced_by else ""
                problem = c.reason or f"《{title}》已废止{by}"
        elif c.status in (CitationStatus.NO_SUCH_ARTICLE, CitationStatus.NO_SUCH_PARAGRAPH) and "no_article" in checks:
            problem = c.reason or f"{c.text}所引条款不存在"
        elif c.status == CitationStatus.AMENDED and "amended" in checks:
            problem = c.reason or f"{c.text}已修改"
        elif c.status == CitationStatus.QUOTE_MISMATCH and "mismatch" in checks:
            problem = c.reason or f"{c.text}与条文内容不符"
        elif c.status == CitationStatus.UNKNOWN_INSTRUMENT and "misnamed" in checks:
            near = ctx.suggest_title((c.instrument or "").strip("《》"))
            if near:
                problem = f"《{c.instrument}》名称有误，应为《{near}》"
        elif c.status == CitationStatus.VERIFIED and "topic" in checks:
            problem = _topic_mismatch(c, clean, ctx, ctx.cited_articles(clause)) or _restated_mismatch(c, clean, ctx)
        if problem:
            problems.append(problem)
            if evidence is None:
                evidence = _sentence_at(clause.text, c.start)
    if not problems:
        return []
    return [make_finding(rule, clause, evidence, "；".join(dict.fromkeys(problems)))]


# "《X》第N条关于Y的规定": the draft says what the article is about. An article that shares almost none of Y's terms
# (beyond the instrument's own name) says something else (PRIMER §5: "an article that says something else").
_TOPIC = re.compile(r"\s*(?:第[一二三四五六七八九十百零〇\d]+款)?(?:第[（(]?[一二三四五六七八九十\d]+[）)]?项)?"
                    r"(?:中|等)?关于([^。；，,《》]{2,30}?)的(?:规定|要求)")
_CHAIN = re.compile(r"^[、，,和及与以及]{1,3}$")


def _topic_mismatch(c: Any, text: str, ctx: ReviewContext, cites: list[Any]) -> str | None:
    m = _TOPIC.match(text, c.end or 0)  # anchored at the end of the citation
    if not m or c.article_no is None:
        return None
    # the articles the topic covers: this one and those chained before it ("第十条、第十二条关于……")
    chain = [c]
    for prev in sorted((x for x in cites if x.end is not None and x.end <= (c.start or 0)),
                       key=lambda x: -(x.end or 0)):
        if prev.instrument != c.instrument or not _CHAIN.match(text[prev.end:chain[-1].start or 0] or "、"):
            break
        chain.append(prev)
    inst = ctx.instrument(c.instrument)
    if inst is None:
        return None
    article = "\n".join(t for x in chain if x.article_no is not None
                        for t in [ctx.article_text(inst.title, x.article_no) or ""])
    if not article:
        return None
    terms = _bigrams(m.group(1)) - _bigrams(inst.title)
    if len(terms) < 4:
        return None  # too little to judge
    shared = len(terms & _bigrams(article)) / len(terms)
    if shared >= 0.34:
        return None
    return f"{c.text}规定的不是“{m.group(1)}”，所述内容与条文不符"


# "依据《X》第N条的规定，<what the article is said to require>": a restatement that shares almost none of the
# article's words (beyond function words and the instrument's name) attributes to it something it does not say.
_RESTATE_LEAD = re.compile(r"(依据|依照|根据|按照)\s*$")
_RESTATE_LINK = re.compile(r"\s*(?:的)?(?:有关)?规定[，,：:]\s*")
_FUNCTION_BIGRAMS = {"应当", "的规", "规定", "之日", "日起", "依照", "依据", "根据", "按照", "有关", "可以", "不得", "或者",
                     "以上", "以下", "本条", "办法", "条例"}
RESTATED_MIN_TERMS = 6
RESTATED_MAX_SHARE = 0.15  # lawful restatements measured share ≥ 0.21 of their terms with the article cited


def _restated_mismatch(c: Any, text: str, ctx: ReviewContext) -> str | None:
    if c.article_no is None or c.start is None or c.end is None or not _RESTATE_LEAD.search(text[max(0, c.start - 6):c.start]):
        return None
    link = _RESTATE_LINK.match(text, c.end)
    if not link:
        return None
    said = re.split(r"[。；]", text[link.end():])[0]
    inst = ctx.instrument(c.instrument)
    article = ctx.article_text(inst.title, c.article_no) if inst is not None else None
    if not article:
        return None
    terms = _bigrams(said) - _bigrams(inst.title) - _FUNCTION_BIGRAMS
    if len(terms) < RESTATED_MIN_TERMS or len(terms & _bigrams(article)) / len(terms) > RESTATED_MAX_SHARE:
        return None
    return f"{c.text}并未规定“{said[:30]}{'…' if len(said) > 30 else ''}”，所述内容与条文不符"


def _sentence_at(text: str, offset: int | None) -> str:
    for seg in segments(text):
        if offset is not None and seg.covers(offset, offset + 1):
            return seg.evidence
    return text.strip()


# -- running ---------------------------------------------------------------------------------------------------

def applicable(rule: Rule, ctx: ReviewContext) -> bool:
    """A content rule applies to this document type and stage."""
    return (rule.check in CHECKS and CHECKS[rule.check][0] == "content"
            and ctx.doc_type in rule.applies_to and ctx.dossier.stage in rule.stages)


def run_rule(rule: Rule, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """One rule on one clause (used by the rule self-tests)."""
    return CHECKS[rule.check][1](rule, clause, ctx)


def _overrides(rule_by_id: dict[str, Rule], f: Finding) -> set[str]:
    rule = rule_by_id.get(f.source.removeprefix("rule:"))
    return set(rule.params.get("overrides") or []) if rule else set()


def resolve_precedence(found: list[Finding], rule_by_id: dict[str, Rule]) -> list[Finding]:
    """One finding per code; one code per sentence (most specific first); distinct sentences, distinct defects."""
    by_code: dict[str, Finding] = {}
    for f in found:
        by_code.setdefault(f.code, f)
    kept = list(by_code.values())
    # explicit overrides: a rule may displace named codes on the same sentence
    drop: set[int] = set()
    for i, f in enumerate(kept):
        for j, g in enumerate(kept):
            if i != j and {g.code, g.source.removeprefix("rule:")} & _overrides(rule_by_id, f) and g.evidence == f.evidence:
                drop.add(j)
    kept = [f for k, f in enumerate(kept) if k not in drop]
    rank = {c: i for i, c in enumerate(PRECEDENCE)}
    ordered = sorted((f for f in kept if f.code in rank), key=lambda f: rank[f.code])
    out: list[Finding] = []
    seen_evidence: dict[str, str] = {}
    for f in ordered:
        first = seen_evidence.get(f.evidence or "")
        if first is not None and {first, f.code} != INDEPENDENT_PAIR:
            continue  # the same sentence: one defect, reported under its most specific code
        seen_evidence.setdefault(f.evidence or "", f.code)
        out.append(f)
    out.extend(f for f in kept if f.code not in rank)
    return out


def run_content(rules: list[Rule], ctx: ReviewContext) -> list[Finding]:
    """Every applicable content rule on every clause, with precedence and one finding per code and location."""
    active = [r for r in rules if applicable(r, ctx)]
    rule_by_id = {r.id: r for r in active}
    findings: list[Finding] = []
    for clause in ctx.clauses:
        found: list[Finding] = []
        for rule in active:
            found.extend(run_rule(rule, clause, ctx))
        findings.extend(resolve_precedence(found, rule_by_id))
    return findings


# The checks on the draft's dates live beside this module; importing it registers them.
from assistant.review import compare, content_dates  # noqa: E402,F401
