"""C.BASIS_INVALID: the draft's citations as the citation checker sees them (PRIMER §5) — a repealed instrument,
an article that does not exist, a misnamed title, an amended text, a quote or a topic the article does not have."""

from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Basis, Citation, CitationStatus, Clause, Finding, Instrument, Level, Rewrite, Stage, Status
from assistant.review.checks.law import conduct_terms, right_paragraph, sentence_start
from assistant.review.checks.patterns import make_finding
from assistant.review.context import ReviewContext
from assistant.review.issuer import province_of
from assistant.review.schema import Rule
from assistant.review.sentences import neutralize, segments
from assistant.review.titles import place_free_title
from assistant.text.grams import bigrams
from assistant.text.numerals import CN_NUM, cn_to_int, int_to_cn

Problem = Literal["repealed", "no_article", "misnamed", "amended", "mismatch", "topic"]


class CitationParams(BaseModel):
    """Which problems a `citation_validity` rule reports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    report: frozenset[Problem] = Field(frozenset({"repealed", "no_article", "misnamed", "amended", "mismatch"}))


_REPEAL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _repeal_date(inst: Instrument | None) -> date | None:
    m = _REPEAL_DATE.search(inst.status_note or "") if inst is not None else None
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def check_citation_validity(rule: Rule, p: CitationParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """Repealed instruments, articles that do not exist, misnamed titles (PRIMER §5)."""
    problems: list[str] = []
    evidence = None
    rewrite = None
    clean = neutralize(clause.text)
    for c in ctx.cited_articles(clause):
        if c.status == CitationStatus.SELF_REFERENCE or c.start is None:
            continue
        if clean[c.start:c.end].strip() == "":
            continue  # inside an injected sentence
        inst = ctx.instrument(c.instrument)
        problem = None
        if c.status == CitationStatus.REPEALED:  # judged on the draft's own date by the citation checker
            repealed_on = _repeal_date(inst)
            issued = ctx.issue_date
            if ctx.dossier.stage == Stage.FILING and repealed_on and issued and issued < repealed_on:
                continue  # cited the then-valid law: a 清理 reminder, not a defect
            if "repealed" in p.report:
                title = inst.title if inst is not None else c.instrument
                by = f"，已由《{inst.replaced_by}》取代" if inst is not None and inst.replaced_by else ""
                problem = c.reason or f"《{title}》已废止{by}"
        elif c.status in (CitationStatus.NO_SUCH_ARTICLE, CitationStatus.NO_SUCH_PARAGRAPH) and "no_article" in p.report:
            problem = c.reason or f"{c.text}所引条款不存在"
        elif c.status == CitationStatus.AMENDED and "amended" in p.report:
            problem = c.reason or f"{c.text}已修改"
        elif c.status == CitationStatus.QUOTE_MISMATCH and "mismatch" in p.report:
            problem = c.reason or f"{c.text}与条文内容不符"
        elif c.status == CitationStatus.UNKNOWN_INSTRUMENT and "misnamed" in p.report:
            name = (c.instrument or "").strip("《》")
            near = ctx.suggest_title(name)
            if near:
                problem = f"《{c.instrument}》名称有误，应为《{near}》"
                written = f"《{name}》"
                if rewrite is None and written in clause.text:
                    rewrite = Rewrite(old=written, new=f"《{near}》")
            elif _NATIONAL_REGULATION.match(name) and place_free_title(name) == name and not province_of(None, name) \
                    and f"简称《{name}》" not in ctx.dossier.draft_text and _holds_regulations(ctx):
                problem = (f"《{name}》不是现行行政法规的名称：知识库收录的全部{_holds_regulations(ctx)}部现行行政法规中"
                           "没有这一名称，请核对所引依据的名称和制定机关")
        elif c.status == CitationStatus.VERIFIED and "topic" in p.report:
            problem = (_topic_mismatch(c, clean, ctx, ctx.cited_articles(clause)) or _restated_mismatch(c, clean, ctx)
                       or _conduct_mismatch(c, clean, ctx) or _renumbered(c, clean, ctx))
            right = None if problem else right_paragraph(c, clean, ctx)
            if right:
                problem = f"{c.text}规定的是另一情形，本条所述情形见该条第{int_to_cn(right)}款"
        if problem:
            problems.append(problem)
            if evidence is None:
                evidence = _sentence_at(clause.text, c.start)
    if not problems:
        return []
    finding = make_finding(rule, clause, evidence, "；".join(dict.fromkeys(problems)))
    finding.rewrite = rewrite or finding.rewrite
    return [finding]


# A title of the State Council's kind (……条例, no place, not the Party's): the knowledge base holds every 行政法规 in
# force, so one it lacks is not one (issue #17: a misnamed instrument, where the KB holds its whole family).
_NATIONAL_REGULATION = re.compile(r"^(?!中国共产党|中共|经济特区)[\u4e00-\u9fa5]{4,30}条例$")
MIN_REGULATIONS = 500  # below this the catalog is a sample (tests, a partial ingest), not the whole family


def _holds_regulations(ctx: ReviewContext) -> int:
    """How many 行政法规 in force the knowledge base holds, when it holds them all (else 0)."""
    def count() -> int:
        n = sum(1 for i in ctx.catalog.instruments() if i.level == Level.ADMIN_REGULATION
                and i.status == Status.CURRENT) if ctx.catalog is not None else 0
        return n if n >= MIN_REGULATIONS else 0
    return ctx.memo("regulations-held", count)


# "《X》第N条关于Y的规定": the draft says what the article is about. An article that shares almost none of Y's terms
# (beyond the instrument's own name) says something else (PRIMER §5: "an article that says something else").
_TOPIC = re.compile(r"\s*(?:第[一二三四五六七八九十百零〇\d]+款)?(?:第[（(]?[一二三四五六七八九十\d]+[）)]?项)?"
                    r"(?:中|等)?关于([^。；，,《》]{2,30}?)的(?:规定|要求)")
_CHAIN = re.compile(r"^[、，,和及与以及]{1,3}$")


# who acts, in the words of every article that gives a power: no part of what an article is about
_AUTHORITY_BIGRAMS = bigrams("县级以上地方各级人民政府及其有关主管部门")


def _topic_mismatch(c: Citation, text: str, ctx: ReviewContext, cites: list[Citation]) -> str | None:
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
    terms = bigrams(m.group(1)) - bigrams(inst.title) - _AUTHORITY_BIGRAMS
    if len(terms) < 4:
        return None  # too little to judge
    shared = len(terms & bigrams(article)) / len(terms)
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
PARAPHRASE_MIN_SHARE = 0.08  # … and paraphrases keeping the article's acts, ≥ 0.10 (heldout12 s10: 计量法实施细则第二十七条)
_ACTS = re.compile(r"授权|委托|检定|检验|许可|审批|核准|备案|登记|罚款|处罚|补偿|征收|收费|招标|认定|强制")


def _said(c: Citation, text: str) -> str | None:
    """What "依据《X》第N条的规定，……" attributes to the article: the rest of its sentence."""
    if c.article_no is None or c.start is None or c.end is None \
            or not _RESTATE_LEAD.search(text[max(0, c.start - 6):c.start]):
        return None
    link = _RESTATE_LINK.match(text, c.end)
    return re.split(r"[。；]", text[link.end():])[0] if link else None


NEIGHBOURS = 3  # articles either side of the one cited, where a wrong number usually lands
NEIGHBOUR_SHARE = 0.5  # the neighbour says it: at least half the terms …
NEIGHBOUR_MARGIN = 0.25  # … and clearly more of them than the article cited


def _restated_mismatch(c: Citation, text: str, ctx: ReviewContext) -> str | None:
    """"依据《X》第N条的规定，<what the article is said to require>", read once: the article cited does not say it, or
    the article next to it does (城乡规划法第四十条 cited for the 乡村建设规划许可 of 第四十一条: the number is wrong)."""
    said = _said(c, text)
    inst = ctx.instrument(c.instrument) if said is not None else None
    article = ctx.article_text(inst.title, c.article_no) if inst is not None else None
    if not article:
        return None
    shown = f"{c.text}并未规定“{said[:30]}{'…' if len(said) > 30 else ''}”，所述内容与条文不符"
    # an exemption said to be the article's, with a figure the article does not hold (……400万元以下的，可以不进行招标)
    if _EXEMPTION.search(said) and (figures := _figures(said)) and not figures & _figures(article):
        return shown
    terms = bigrams(said) - bigrams(inst.title) - _FUNCTION_BIGRAMS
    if len(terms) < RESTATED_MIN_TERMS:
        return None
    share = len(terms & bigrams(article)) / len(terms)
    # a paraphrase that keeps every legal act the article provides for (授权……检定) attributes nothing new to it
    acts = set(_ACTS.findall(said))
    paraphrase = bool(acts) and acts <= set(_ACTS.findall(article)) and share > PARAPHRASE_MIN_SHARE
    if share <= RESTATED_MAX_SHARE and not paraphrase:
        return shown
    return _neighbour_says(c, inst, terms, share, ctx)


def _neighbour_says(c: Citation, inst: Instrument, terms: set[str], share: float, ctx: ReviewContext,
                    *, sanctions: bool = False) -> str | None:
    """The article next to the one cited says what the draft attributes to it, clearly better: the number is wrong.
    For a sanctioned conduct (`sanctions`), only a neighbour that sanctions it counts, and not the article of the
    duty that the cited penalty article itself refers to (违反本条例第二十四条规定的)."""
    cited = ctx.article_text(inst.title, c.article_no) or ""
    best = (0.0, 0)
    for n in range(c.article_no - NEIGHBOURS, c.article_no + NEIGHBOURS + 1):
        t = ctx.article_text(inst.title, n) if n > 0 and n != c.article_no else None
        if not t or (sanctions and (not _SANCTION.search(t) or f"第{int_to_cn(n)}条" in cited)):
            continue
        best = max(best, (len(terms & bigrams(t)) / len(terms), n))
    if best[0] >= NEIGHBOUR_SHARE and best[0] >= share + NEIGHBOUR_MARGIN:
        return f"{c.text}规定的是另一事项，本条所述内容见该法第{int_to_cn(best[1])}条"
    return None


# "<conduct>的，由<body>依照《X》第N条的规定处罚": a conduct the next article sanctions, and the cited one does not,
# means the number is wrong (河道管理条例第四十五条 cited for the 弃置、堆放 of 第四十四条).
_CONDUCT_LEAD = re.compile(r"的[，,]\s*(?:由[^。；，,]{2,24}?)?(?:依照|依据|按照|根据)\s*$")
_SANCTION = re.compile(r"罚款|处罚|警告|没收|吊销|责令")


def _conduct_mismatch(c: Citation, text: str, ctx: ReviewContext) -> str | None:
    lead = _CONDUCT_LEAD.search(text, max(0, c.start - 40), c.start) if c.article_no and c.start is not None else None
    if lead is None or "《" in text[sentence_start(text, c.start):c.start] \
            or re.match(r"\s*[、，,和及]\s*第", text[c.end or 0:]):
        return None  # a conduct told by reference to a law, or one of several articles cited together
    inst = ctx.instrument(c.instrument)
    article = ctx.article_text(inst.title, c.article_no) if inst is not None else None
    terms = conduct_terms(text, lead.start())  # the conduct, before 的，由……依照
    if not article or not _SANCTION.search(article) or terms is None or len(terms := terms - bigrams(inst.title)) < 6:
        return None
    return _neighbour_says(c, inst, terms, len(terms & bigrams(article)) / len(terms), ctx, sanctions=True)


# "根据《X》第N条……制定本办法": the article is cited for what the whole document is about. One that says nothing of
# it, where an earlier version's article of that number did, was cited by its old number (村民委员会组织法 2025:
# the 筹资筹劳 of the old 第二十四条 is now 第二十八条).
_FOUNDING = re.compile(r"[^。]{0,80}制定本(?:办法|规定|细则|方案|意见|制度|规则|措施|决定|通知)")
_DOC_WORDS = bigrams("管理办法实施细则暂行规定方案工作制度意见")
FOUNDING_SHARE = 0.4  # of the title's words, the article that grounds the document holds (measured 0.47)


def _renumbered(c: Citation, text: str, ctx: ReviewContext) -> str | None:
    inst = ctx.instrument(c.instrument) if c.article_no and _FOUNDING.match(text, c.end or 0) else None
    if inst is None or ctx.catalog is None:
        return None
    terms = bigrams(place_free_title(ctx.title)) - bigrams(inst.title) - _DOC_WORDS - _FUNCTION_BIGRAMS
    if len(terms) < RESTATED_MIN_TERMS:
        return None

    def share(article_text: str | None) -> float:
        return len(terms & bigrams(article_text or "")) / len(terms)
    now = share(ctx.article_text(inst.title, c.article_no))
    for old in ctx.catalog.versions(inst):
        art = ctx.catalog.get_article(old.id, c.article_no) if old.id != inst.id else None
        if art and now < RESTATED_MAX_SHARE and share(art.text) >= FOUNDING_SHARE:
            best = max(ctx.catalog.articles_of(inst.id), key=lambda a: share(a.text))
            where = f"，修改前该条的内容现为第{int_to_cn(best.number)}条" if share(best.text) >= FOUNDING_SHARE else ""
            return f"{c.text}（现行文本）规定的不是本文件所涉事项，所引为修改前的条文序号{where}"
    return None


_EXEMPTION = re.compile(r"可以不|可不|无需|不需要?|免于|免予|不必")
_FIGURE = re.compile(rf"(\d+(?:\.\d+)?|{CN_NUM})\s*(万元|元|个工作日|日|天|个月|年|平方米|亩|%|人)")


def _figures(text: str) -> set[tuple[float, str]]:
    """The amounts, periods and areas a text names, as (value, unit) — 四百万元 and 400万元 alike."""
    out = set()
    for m in _FIGURE.finditer(text):
        try:
            value = float(m.group(1)) if m.group(1)[0].isdigit() else float(cn_to_int(m.group(1)))
        except ValueError:
            continue
        out.add((value, {"天": "日", "个工作日": "日"}.get(m.group(2), m.group(2))))
    return out


def _sentence_at(text: str, offset: int | None) -> str:
    for seg in segments(text):
        if offset is not None and seg.covers(offset, offset + 1):
            return seg.evidence
    return text.strip()


# -- an excerpt of a law reproduced in the draft, compared with the text in force ---------------------------------

class ExcerptParams(BaseModel):
    """How close a quoted 款 must be to the article's text in force on the citation date (difflib ratio)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_ratio: float = Field(0.9, description="below this, the quoted 款 is not the article's text")
    min_fragment: int = Field(12, description="shorter fragments (between ……) are not compared")


# （二）《中华人民共和国文物保护法》 / 《X》（摘录） / 附：《X》有关条款 — a heading of its own line
_EXCERPT_HEAD = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十\d]+[、.．])?\s*(?:附[:：]?)?\s*"
                           r"《(?P<title>[^《》]{2,40})》\s*(?:[（(]?(?:摘录|节选|有关条款|相关条款|部分条款)[）)]?)?\s*[：:]?\s*$")
_QUOTED_ARTICLE = re.compile(r"^\s*第(?P<num>[一二三四五六七八九十百零〇\d]+)条(?:之(?P<suffix>[一二三四五六七八九十]+))?\s*")
_PUNCT = str.maketrans({";": "；", ":": "：", ",": "，", "(": "（", ")": "）", " ": "", "\u3000": ""})


def _excerpts(ctx: ReviewContext) -> dict[str, list[tuple[str, int, str]]]:
    """Location → [(instrument title, article number, quoted 款)] for the lines of excerpt blocks: a heading naming a
    law alone on its line, then lines 第N条…, each followed by its further 款 (a block may span clauses)."""
    out: dict[str, list[tuple[str, int, str]]] = {}
    title, number = None, None
    for clause in ctx.clauses:
        for line in (ln.strip() for ln in clause.text.splitlines() if ln.strip()):
            head = _EXCERPT_HEAD.match(line)
            if head:
                title, number = head.group("title"), None
                continue
            if title is None:
                continue
            art = _QUOTED_ARTICLE.match(line)
            if art and not art.group("suffix"):
                number = cn_to_int(art.group("num"))
                out.setdefault(clause.location, []).append((title, number, line[art.end():]))
            elif number is not None and len(line) > 8 and not line.startswith(("附件", "附:", "附：")):
                out.setdefault(clause.location, []).append((title, number, line))
            else:
                title, number = None, None
    return out


def excerpt_lines(ctx: ReviewContext) -> dict[str, list[str]]:
    """Location → the lines of the clause that reproduce a law's articles (no measure of the draft's own)."""
    return {loc: [text for _t, _n, text in rows] for loc, rows in ctx.memo("excerpts", lambda: _excerpts(ctx)).items()}


# 【故意损毁文物罪】: an editor's caption before the article's text, not part of it
_CAPTION = re.compile(r"^【[^】]{1,40}】")


def _fragments(quoted: str, min_len: int) -> list[str]:
    text = _CAPTION.sub("", quoted.translate(_PUNCT))
    return [f for f in re.split(r"……|…|\.{3,}", text) if len(f) >= min_len]


def check_excerpt(rule: Rule, p: ExcerptParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.BASIS_INVALID where the draft reproduces a 款 of a law that is not the text in force on its date (an
    excerpt copied from an older version, or from another article): compared with the knowledge base's version."""
    if ctx.catalog is None:
        return []
    for title, number, text in ctx.memo("excerpts", lambda: _excerpts(ctx)).get(clause.location, []):
        inst = ctx.instrument(title)
        version = ctx.catalog.version_on(inst, ctx.citation_date) if inst is not None else None
        article = ctx.catalog.get_article(version.id, number, None) if version is not None else None
        if article is None:
            continue  # not held, or not held as it stood then: nothing to compare with
        paragraphs = [q.translate(_PUNCT) for q in (article.paragraphs or [article.text])]
        whole = "".join(paragraphs)
        for fragment in _fragments(text, p.min_fragment):
            if fragment in whole or max(difflib.SequenceMatcher(None, fragment, q).ratio() for q in paragraphs) \
                    >= p.min_ratio:
                continue
            day = ctx.citation_date
            row = Basis(instrument=inst.title, article=article.label, verified=True, quote=article.text.strip())
            f = make_finding(rule, clause, text.strip(), f"摘录的《{inst.title}》{article.label}与{day.year}年{day.month}月"
                             f"{day.day}日施行的文本不一致，该条当时为：“{article.text.strip()}”")
            f.basis, f.compared_with = [*f.basis, row], [row]
            return [f]
    return []
