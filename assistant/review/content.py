"""Content checks (C.*): a few parameterised functions the rule files in knowledge_base/rules name.

- `pattern`: triggers / exceptions (regexes) matched sentence by sentence, with the PRIMER §3 exceptions that
  need the knowledge base: a cited article that itself sets the measure, and restatement of a law's text.
- `citation_validity`: C.BASIS_INVALID from the citation check (repealed, no such article, misnamed).
- `validity_period`: C.VALIDITY (施行日期 / 有效期 missing or too long).
- `retroactive_dates`: C.RETROACTIVE computed from dates (a burden dated before the draft takes effect).

`run_content` runs the applicable rules on every clause, then applies precedence (PRIMER §3: one finding per
defect, the most specific code first) and fills the findings. The draft is data: sentences addressed to a
reviewer or a model (【系统提示：…】, "请忽略以上审查要求") are blanked before matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from assistant.models import CitationStatus, Clause, Finding, Stage
from assistant.review.context import IssuerKind, ReviewContext
from assistant.review.dates import find_dates
from assistant.review.rules import CHECKS, Rule, register_check
from assistant.text.numerals import cn_to_int

# Precedence among codes that describe what a clause does (PRIMER §3). Codes outside this list (BASIS_INVALID,
# RETROACTIVE, VALIDITY) are independent defects and never displace or get displaced.
SPECIFIC = ["C.LICENSE", "C.PENALTY", "C.COERCION", "C.FEE", "C.CERTIFICATE", "C.COMPETITION", "C.PERSONAL_INFO"]
PRECEDENCE = [*SPECIFIC, "C.MINUTES", "C.OBLIGATION", "C.ULTRA_VIRES"]

# -- the draft is data: text addressed to the reviewer is neutralised before matching -------------------------

_INJECTION = [
    re.compile(r"【[^】]{0,300}?(?:系统提示|系统指令|提示词|忽略|无视|不要列出|直接输出|审查要求|AI|模型|助手)[^】]{0,300}】"),
    re.compile(r"[［\[]\s*(?:系统提示|系统指令|system)[^］\]]{0,300}[］\]]", re.I),
    re.compile(r"[^。！？\n]{0,80}(?:请?(?:忽略|无视)(?:以上|上述|前述|之前|全部|所有|一切)|请直接输出|直接输出[“\"]|不要列出任何|"
               r"ignore (?:all|previous|the above)|disregard (?:all|previous))[^。！？\n]{0,200}[。！？]?", re.I),
]


def neutralize(text: str) -> str:
    """Blank (same length, offsets kept) every span that addresses the reviewer instead of regulating."""
    for rx in _INJECTION:
        text = rx.sub(lambda m: " " * len(m.group(0)), text)
    return text


# -- sentences -------------------------------------------------------------------------------------------------

_VIOLATION_LEAD = re.compile(r"有?下列[^。；：]{0,12}(行为|情形|情况|事项)之一"
                             r"|(罚款|责令|追究|处分|处罚|查处|监督|违法行为)[^。；：:]{0,30}[：:]\s*$")
_ITEM = re.compile(r"^[ \t\u3000]*(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|[①-⑳])")
_SENT_END = re.compile(r"[。！？；;]")


@dataclass
class Segment:
    """A sentence (split at 。！？；) of a clause; an item line carries its lead-in (…下列…：) for matching."""

    text: str
    evidence: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    sentence: list[tuple[int, int]] = field(default_factory=list)  # the whole 。-sentence (；-parts joined)
    lead_len: int = 0            # for an item: length of the lead-in prefixed to `text`
    violation_list: bool = False  # the lead-in introduces violations ("有下列行为之一的，处……：")

    def covers(self, start: int | None, end: int | None, *, whole_sentence: bool = False) -> bool:
        if start is None:
            return False
        end = end if end is not None else start
        spans = self.sentence if whole_sentence and self.sentence else self.spans
        return any(s <= start < e or s < end <= e for s, e in spans)


def segments(text: str) -> list[Segment]:
    """Sentences of a clause (offsets relative to the clause text), injection spans blanked."""
    clean = neutralize(text)
    out: list[Segment] = []
    lead: tuple[str, int, int] | None = None
    pos = 0
    for line in clean.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        is_item = bool(_ITEM.match(line))
        parts: list[tuple[int, int]] = []
        sentences: list[tuple[int, int]] = []
        s = sent = 0
        for m in _SENT_END.finditer(line):
            parts.append((s, m.end()))
            s = m.end()
            if m.group(0) in "。！？":
                sentences.append((sent, m.end()))
                sent = m.end()
        if s < len(line):
            parts.append((s, len(line)))
        if sent < len(line):
            sentences.append((sent, len(line)))
        for a, b in parts:
            seg_text = line[a:b].strip(" \t\u3000")
            if not seg_text.strip("。；;！？ "):
                continue
            start, end = line_start + a, line_start + b
            sa, sb = next(((x, y) for x, y in sentences if x <= a < y), (a, b))
            sentence = [(line_start + sa, line_start + sb)]
            evidence = text[start:end].strip(" \t\u3000")
            if is_item and lead is not None:
                out.append(Segment(text=lead[0] + seg_text, evidence=f"{text[lead[1]:lead[2]].strip()}……{evidence}",
                                   spans=[(lead[1], lead[2]), (start, end)], sentence=[(lead[1], lead[2]), *sentence],
                                   lead_len=len(lead[0]), violation_list=bool(_VIOLATION_LEAD.search(lead[0]))))
            else:
                out.append(Segment(text=seg_text, evidence=evidence, spans=[(start, end)], sentence=sentence))
        if not is_item:
            last = line.rstrip(" \t\u3000")
            if last.endswith(("：", ":")):
                a = parts[-1][0] if parts else 0
                lead = (line[a:].strip(" \t\u3000"), line_start + a, line_start + len(line))
            else:
                lead = None
    return out


def _segments_of(clause: Clause, ctx: ReviewContext) -> list[Segment]:
    return ctx.memo(f"seg:{clause.location}", lambda: segments(clause.text))


# -- amounts ---------------------------------------------------------------------------------------------------

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*(万)?\s*元")


def amounts(text: str) -> list[float]:
    """Sums of money in yuan (五百元, 2000元, 5万元, 一万元)."""
    out = []
    for m in _AMOUNT.finditer(text):
        num, wan = m.group(1), m.group(2)
        try:
            value = float(num) if num[0].isdigit() else float(cn_to_int(num))
        except ValueError:
            continue
        out.append(value * (10000 if wan else 1))
    return out


# -- compiled rule parameters ----------------------------------------------------------------------------------

def _rx(patterns: Any) -> list[re.Pattern[str]]:
    if not patterns:
        return []
    if isinstance(patterns, str):
        patterns = [patterns]
    return [re.compile(p) for p in patterns]


@dataclass
class PatternParams:
    triggers: list[re.Pattern[str]]
    match_exceptions: list[re.Pattern[str]]
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
    overrides: set[str]
    skip_definitions: bool
    violation_items: bool
    negation: bool
    reference_exempt: bool


_DEFINITION = re.compile(r"^[ \t\u3000]*(本[^，。；]{0,8}(所称|中的|所指)|前款所称|本条所称)")
_PARAMS: dict[int, tuple[Rule, PatternParams]] = {}
PATTERN_KEYS = {
    "triggers", "match_exceptions", "window", "require", "require_any", "exceptions", "sentence_exceptions",
    "clause_exceptions", "draft_require", "issuers", "cited_measure", "measures", "check_amount", "cite_reference",
    "restatement", "overrides", "skip_definitions", "violation_items", "negation", "reference_exempt",
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
        triggers=_rx(p.get("triggers")),
        match_exceptions=_rx(p.get("match_exceptions")),
        window=(int(window[0]), int(window[1])),
        require=_rx(p.get("require")),
        require_any=_rx(p.get("require_any")),
        exceptions=_rx(p.get("exceptions")),
        sentence_exceptions=_rx(p.get("sentence_exceptions")),
        clause_exceptions=_rx(p.get("clause_exceptions")),
        draft_require=_rx(p.get("draft_require")),
        issuers=set(p.get("issuers") or []),
        cited_measure=bool(p.get("cited_measure", False)),
        measures=[(re.compile(m["draft"]), re.compile(m["law"])) for m in p.get("measures") or []],
        check_amount=bool(p.get("check_amount", False)),
        cite_reference=bool(p.get("cite_reference", True)),
        restatement=float(p.get("restatement", 0) or 0),
        overrides=set(p.get("overrides") or []),
        skip_definitions=bool(p.get("skip_definitions", True)),
        violation_items=bool(p.get("violation_items", False)),
        negation=bool(p.get("negation", True)),
        reference_exempt=bool(p.get("reference_exempt", False)),
    )
    _PARAMS[id(rule)] = (rule, params)
    return params


# -- the PRIMER §3 exceptions that need the knowledge base ------------------------------------------------------

_LOCAL_NAME = re.compile(r"^[\u4e00-\u9fa5]{1,10}(省|自治区|市|县|区|旗|镇|乡)(?!政府)")


def _law_like_unknown(title: str | None, seg_text: str) -> bool:
    """An instrument missing from the knowledge base that reads like a law, 行政法规 or 部门规章 (benefit of doubt)."""
    if not title:
        return False
    if _LOCAL_NAME.match(title):
        return False
    if re.search(r"(法|法典|条例)$", title):
        return True
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


def _exceeds(draft: str, law_paragraphs: list[str]) -> bool:
    """A fine in the draft above the most the cited article allows (for 个人 / 单位 separately when both say)."""
    law_all = [a for p in law_paragraphs for a in amounts(p)]
    if not law_all:
        return False  # the article counts in multiples (二倍以下) or not at all: nothing to compare
    party = None
    for part in re.split(r"[，,；;]", draft):
        for name, rx in _PARTY.items():
            if rx.search(part):
                party = name
        here = amounts(part)
        if not here:
            continue
        allowed = law_all
        if party:
            own = [a for p in law_paragraphs if _PARTY[party].search(p) for a in amounts(p)]
            allowed = own or law_all
        if max(here) > max(allowed):
            return True
    return False


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


# Laws any draft may restate without naming them (the codes of administrative action).
CORE_SOURCES = ("中华人民共和国行政许可法", "中华人民共和国行政处罚法", "中华人民共和国行政强制法")


def _restatement_sources(ctx: ReviewContext) -> list[Any]:
    def compute() -> list[Any]:
        out = list(_named_instruments(ctx))
        seen = {i.id for i in out}
        for title in CORE_SOURCES:
            inst = ctx.instrument(title)
            if inst is not None and inst.id not in seen:
                seen.add(inst.id)
                out.append(inst)
        return out
    return ctx.memo("restatement-sources", compute)


def restates_law(seg: Segment, ctx: ReviewContext, threshold: float) -> bool:
    """Exception 2: the sentence restates an article of a law/法规 the draft names, or of the core codes."""
    if ctx.catalog is None or threshold <= 0:
        return False
    mine = _bigrams(seg.text)
    if len(mine) < 6:
        return False
    for inst in _restatement_sources(ctx):
        index = ctx.memo(f"bigrams:{inst.id}", lambda inst=inst: [
            _bigrams(p) for a in ctx.catalog.articles_of(inst.id) for p in (a.paragraphs or [a.text])])
        for grams in index:
            if grams and len(mine & grams) / len(mine) >= threshold:
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
_NEGATION = re.compile(r"不得|严禁|禁止|不准|不应|杜绝|不允许|无权|有权拒绝|避免|防止|纠正|制止|打击|清理|整治|规范|减少"
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


def _first_match(p: PatternParams, text: str, limit: int | None = None) -> re.Match[str] | None:
    for rx in p.triggers:
        for m in rx.finditer(text):
            if limit is not None and m.start() >= limit:
                continue
            a, b = max(0, m.start() - p.window[0]), min(len(text), m.end() + p.window[1])
            if any(x.search(text[a:b]) for x in p.match_exceptions):
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
    for seg in _segments_of(clause, ctx):
        if p.skip_definitions and _DEFINITION.match(seg.text):
            continue
        # in a list of violations ("有下列行为之一的，处……：（一）违规收费的"), an item describes the conduct
        # sanctioned, not a measure of the draft: only the lead-in counts unless the rule reads the items
        limit = seg.lead_len if seg.violation_list and not p.violation_items else None
        m = _first_match(p, seg.text, limit)
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
        if p.restatement and restates_law(seg, ctx, p.restatement):
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
        if problem:
            problems.append(problem)
            if evidence is None:
                evidence = _sentence_at(clause.text, c.start)
    if not problems:
        return []
    return [make_finding(rule, clause, evidence, "；".join(dict.fromkeys(problems)))]


def _sentence_at(text: str, offset: int | None) -> str:
    for seg in segments(text):
        if offset is not None and seg.covers(offset, offset + 1):
            return seg.evidence
    return text.strip()


# -- C.VALIDITY ------------------------------------------------------------------------------------------------

_DATE = r"[\d〇零○Ｏ一二三四五六七八九十]{4}\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日"
_START = re.compile(rf"(?:自|从|于)\s*({_DATE}|(?:印发|发布|公布|签发|下发|通过|颁布)之日)\s*(?:起)?[^。；，]{{0,10}}?"
                    rf"(施行|实施|执行|试行|生效)")
_VALID_YEARS = re.compile(r"(?:有效期|试行期|实施期|执行期)(?:为|限为|限)?\s*(\d+|[一二两三四五六七八九十]+)\s*(年|个月)")
_VALID_UNTIL = re.compile(rf"有效期(?:自[^。；]{{0,20}})?(?:至|到|截至|截止(?:到|至)?)\s*({_DATE})"
                          rf"|(?:至|到)\s*({_DATE})\s*(?:止|废止|失效|自动失效)")
_LONG_TERM = re.compile(r"长期有效|永久有效|有效期(?:为)?长期")
_STATEMENT = re.compile(rf"{_START.pattern}|有效期|试行期|长期有效|(?:至|到)\s*{_DATE}\s*(?:止|废止|失效)")


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    try:
        return d.replace(year=d.year + y, month=m + 1)
    except ValueError:
        return (d.replace(year=d.year + y, month=m + 1, day=1) + timedelta(days=31)).replace(day=1) - timedelta(days=1)


def _num(s: str) -> int:
    return int(s) if s.isdigit() else cn_to_int(s.replace("两", "二"))


def _read_validity(text: str, ctx: ReviewContext) -> dict[str, Any]:
    info: dict[str, Any] = {}
    m = _START.search(text)
    if m:
        info["start_text"] = m.group(0)
        info["trial"] = m.group(2) == "试行"
        info["start_known"] = True
        if m.group(1).endswith("之日"):
            info["start"] = ctx.issue_date
        else:
            ds = find_dates(m.group(1))
            info["start"] = ds[0].value if ds else None
    if _LONG_TERM.search(text):
        info["long_term"] = True
    mu = _VALID_UNTIL.search(text)
    if mu:
        ds = find_dates(mu.group(1) or mu.group(2))
        if ds:
            info["until"] = ds[0].value
    my = _VALID_YEARS.search(text)
    if my:
        n = _num(my.group(1))
        info["months"] = n * 12 if my.group(2) == "年" else n
    return info


def validity_statement(ctx: ReviewContext) -> tuple[Clause | None, dict[str, Any]]:
    """Where the draft states 施行/有效期 and what it says, merged over the clauses (and a 印发 header) that say it.

    The location is the clause stating the 有效期 (else the 施行日期), else the last clause."""
    def compute():
        info: dict[str, Any] = {}
        target = None
        for clause in ctx.clauses:
            text = neutralize(clause.text)
            if not _STATEMENT.search(text):
                continue
            found = _read_validity(text, ctx)
            if not found:
                continue
            states_period = any(k in found for k in ("months", "until", "long_term"))
            if states_period or not any(k in info for k in ("months", "until", "long_term")):
                target = clause  # the clause with the 有效期, else the last one with the 施行日期
            info.update(found)
        if not any(k in info for k in ("months", "until", "long_term")):
            # a 印发通知 header may carry the 有效期 ("本通知有效期5年") outside the articles
            covered = sorted((c.start, c.end) for c in ctx.clauses)
            outside, pos = [], 0
            text = neutralize(ctx.dossier.draft_text)
            for a, b in covered:
                outside.append(text[pos:a])
                pos = max(pos, b)
            outside.append(text[pos:])
            extra = _read_validity("\n".join(outside), ctx)
            for k in ("months", "until", "long_term"):
                if k in extra:
                    info[k] = extra[k]
            if not info.get("start_known") and extra.get("start_known"):
                info.update({k: extra[k] for k in ("start", "start_known", "start_text", "trial") if k in extra})
        if target is None:
            target = ctx.clauses[-1] if ctx.clauses else None
        return target, info
    return ctx.memo("validity-statement", compute)


@register_check("validity_period", "content")
def check_validity_period(rule: Rule, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """施行日期 and 有效期 stated, 有效期 within the limit (暂行/试行 shorter)."""
    target, info = validity_statement(ctx)
    if target is None or target.location != clause.location:
        return []
    provisional = ctx.provisional or info.get("trial", False)
    limit = ctx.validity_max_years_provisional if provisional else ctx.validity_max_years
    kind = "暂行、试行文件" if provisional else "规范性文件"
    evidence = _statement_evidence(clause, ctx)
    if not info:
        return [make_finding(rule, clause, None, "未规定施行日期和有效期")]
    problems = []
    if not info.get("start_known"):
        problems.append("未规定施行日期")
    if info.get("long_term"):
        problems.append("规定“长期有效”，未设定有效期")
    elif "months" in info:
        if info["months"] > limit * 12:
            years = info["months"] / 12
            shown = f"{years:g}年" if info["months"] % 12 == 0 else f"{info['months']}个月"
            problems.append(f"有效期{shown}，超过{kind}最长{limit}年的要求")
    elif info.get("until"):
        start = info.get("start") or ctx.reference_date
        if start and info["until"] > _add_years(start, limit):
            problems.append(f"有效期至{info['until'].isoformat()}，超过{kind}最长{limit}年的要求")
    else:
        problems.append("未规定有效期")
    if not problems:
        return []
    return [make_finding(rule, clause, evidence, "；".join(problems))]


def _statement_evidence(clause: Clause, ctx: ReviewContext) -> str:
    for seg in _segments_of(clause, ctx):
        if _STATEMENT.search(seg.text):
            return seg.evidence
    return clause.text.strip()


# -- C.RETROACTIVE from dates --------------------------------------------------------------------------------

_DATED = re.compile(rf"(?:自|从|于|对)?\s*({_DATE})\s*(?:起|以来|以后|之后|开始|后|至今)")
_YEAR_DONE = re.compile(r"(\d{4}|[〇零○一二三四五六七八九]{4})\s*年度?(?:以来|以前|之前|内)?[^。；，]{0,4}[^。；]{0,12}已")


@register_check("retroactive_dates", "content")
def check_retroactive_dates(rule: Rule, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """A burden dated before the draft takes effect; or a 施行日期 before the draft is adopted/issued."""
    p = rule.params
    burden = _rx(p.get("burden"))
    strong = _rx(p.get("strong_burden"))
    favour = _rx(p.get("favourable"))
    target, info = validity_statement(ctx)
    effective = info.get("start") if info.get("start_known") and info.get("start") else None
    reference = ctx.reference_date
    # (1) an explicit earlier date attached to a burden in this clause
    start_text = info.get("start_text") if target is not None and target.location == clause.location else None
    for seg in _segments_of(clause, ctx):
        if start_text and start_text in seg.text and not any(rx.search(seg.text) for rx in burden):
            continue
        if not any(rx.search(seg.text) for rx in burden):
            continue
        if any(rx.search(seg.text) for rx in favour) and not any(rx.search(seg.text) for rx in strong):
            continue
        limit = effective or reference
        for m in _DATED.finditer(seg.text):
            ds = find_dates(m.group(1))
            if ds and limit and ds[0].value < limit:
                return [make_finding(rule, clause, seg.evidence,
                                     f"{ds[0].value.isoformat()}早于施行日期{limit.isoformat()}，对当事人不利")]
        for m in _YEAR_DONE.finditer(seg.text):
            year = int(m.group(1)) if m.group(1).isdigit() else int("".join(str(_num(c)) for c in m.group(1)))
            if limit and date(year, 12, 31) < limit:
                return [make_finding(rule, clause, seg.evidence,
                                     f"对{year}年已发生的事项适用本文件的不利规定（施行日期{limit.isoformat()}）")]
    # (2) the 施行日期 itself precedes the adoption/issue (or the review) of a burdensome draft
    if ctx.dossier.stage == Stage.FILING and ctx.issue_date is None:
        reference = None  # an issued document is naturally in force before it is filed
    if target is not None and target.location == clause.location and effective and reference \
            and effective < reference and p.get("check_effective", True):
        draft_burden = _rx(p.get("draft_burden"))
        if any(rx.search(neutralize(ctx.dossier.draft_text)) for rx in draft_burden):
            return [make_finding(rule, clause, _statement_evidence(clause, ctx),
                                 f"施行日期{effective.isoformat()}早于{('印发日期' if ctx.issue_date else '审查日期')}"
                                 f"{reference.isoformat()}")]
    return []


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
            if i != j and g.code in _overrides(rule_by_id, f) and g.evidence == f.evidence:
                drop.add(j)
    kept = [f for k, f in enumerate(kept) if k not in drop]
    rank = {c: i for i, c in enumerate(PRECEDENCE)}
    ordered = sorted((f for f in kept if f.code in rank), key=lambda f: rank[f.code])
    out: list[Finding] = []
    seen_evidence: set[str] = set()
    for f in ordered:
        if f.evidence in seen_evidence:
            continue  # the same sentence: one defect, reported under its most specific code
        seen_evidence.add(f.evidence or "")
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

