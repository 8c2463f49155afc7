"""The PRIMER §3 exceptions that need the knowledge base: a clause that cites the law article setting the
measure (within its range), and a clause that restates a law's own text.

Both compare the draft with articles of the knowledge base; a rule opts in through its `pattern` params
(`cited_measure`, `restatement`, `measures`, `check_amount`).
"""

from __future__ import annotations

import re
from typing import Protocol

from assistant.models import NORMATIVE_LEVELS, CitationStatus, Clause, Instrument
from assistant.review.context import ReviewContext
from assistant.review.sentences import PARTIES, Segment, amounts, fine_bounds
from assistant.review.upper import DUTY, PERMIT, encourages_only
from assistant.text.grams import bigrams


class Measure(Protocol):
    """A measure a rule looks for: the draft's wording and the law's."""

    draft: re.Pattern[str]
    law: re.Pattern[str]


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


def cited_measure_ok(measures: tuple[Measure, ...], *, check_amount: bool, cite_reference: bool, seg: Segment,
                     clause: Clause, ctx: ReviewContext) -> bool:
    """Exception 1: the sentence names a law/法规/规章 article that sets the measure, not widened.

    A citation the knowledge base cannot confirm (no such article, repealed) also counts: that defect is
    C.BASIS_INVALID's, reported by its own rule."""
    cits = [c for c in ctx.cited_articles(clause) if seg.covers(c.start, c.end, whole_sentence=True)]
    if not cits:
        return False
    wanted = [m.law for m in measures if m.draft.search(seg.text)]
    draft_max = max(amounts(seg.text), default=0.0)
    for c in cits:
        status = c.status
        if status == CitationStatus.SELF_REFERENCE:
            continue
        before = clause.text[max(0, (c.start or 0) - 8):c.start]
        if _VIOLATED.search(before):
            continue  # 违反《X法》第N条: the duty breached, not the source of the measure
        if c.article_no is None and not _SOURCE.search(before):
            continue  # a bare title counts only as the source: 依照《X》的规定
        inst = ctx.instrument(c.instrument)
        if inst is not None and inst.level in (*NORMATIVE_LEVELS, "内部制度", "其他") and inst.status != "已废止":
            continue
        if status == CitationStatus.UNKNOWN_INSTRUMENT or inst is None:
            if cite_reference and _law_like_unknown(c.instrument, seg.text):
                return True
            continue
        if status in (CitationStatus.NO_SUCH_ARTICLE, CitationStatus.NO_SUCH_PARAGRAPH, CitationStatus.REPEALED,
                      CitationStatus.AMENDED) or inst.status == "已废止":
            return True
        if c.article_no is None:
            if not cite_reference:
                continue
            texts = [a.text for a in ctx.catalog.articles_of(inst.id)] if ctx.catalog is not None else []
        else:
            paras = ctx.article_paragraphs(inst.title, c.article_no)
            if paras is None:
                return True
            texts = paras
            if c.paragraph and c.paragraph <= len(paras):
                # a 款 cited for another's conduct is C.BASIS_INVALID's defect; the measure is the right 款's
                texts = [paras[(right_paragraph(c, clause.text, ctx) or c.paragraph) - 1]]
        joined = "\n".join(texts)
        if all(law.search(joined) for law in wanted):
            if check_amount and draft_max and c.article_no is not None and exceeds(seg.text, texts):
                continue
            return True
    return False


# "……未按规定进行备案的，由……依照《X》第N条第M款的规定……": the conduct before the citation is another 款's
RIGHT_PARAGRAPH_SHARE = 0.8   # of the conduct's words the right 款 holds …
WRONG_PARAGRAPH_GAP = 0.25    # … this much more than the 款 cited
_CONDUCT_NOISE = {"依照", "依据", "根据", "按照", "规定", "应当", "由县", "由区", "由市"}


def sentence_start(text: str, end: int) -> int:
    """Where the sentence (or ；-part, or line) that runs up to `end` begins."""
    return max(text.rfind(x, 0, end) for x in "。；\n") + 1


def conduct_terms(text: str, end: int) -> set[str] | None:
    """The words of what the sentence tells up to `end` (……未按规定进行备案的，由……依照《X》第N条: the citation's
    start), less those every such sentence has; None when too few to compare."""
    terms = bigrams(text[sentence_start(text, end):end]) - _CONDUCT_NOISE
    return terms if len(terms) >= 6 else None


def right_paragraph(c, text: str, ctx: ReviewContext) -> int | None:
    """The 款 of the cited article whose conduct the sentence describes, where the citation names another one."""
    paras = ctx.article_paragraphs(c.instrument, c.article_no) if c.paragraph and c.start is not None else None
    if not paras or len(paras) < 2 or c.paragraph > len(paras):
        return None
    if (terms := conduct_terms(text, c.start)) is None:
        return None
    shares = [len(terms & bigrams(p)) / len(terms) for p in paras]
    best = max(range(len(paras)), key=shares.__getitem__)
    if best + 1 != c.paragraph and shares[best] >= RIGHT_PARAGRAPH_SHARE \
            and shares[c.paragraph - 1] <= shares[best] - WRONG_PARAGRAPH_GAP:
        return best + 1
    return None


def exceeds(draft: str, law_paragraphs: list[str], party: str | None = None) -> bool:
    """A fine in the draft above the most the cited article allows, or below its least (for 个人 / 单位 separately when both say).

    `party` is who the sentence around `draft` is about, when `draft` is only part of it."""
    law_all = [a for p in law_paragraphs for a in amounts(p)]
    if not law_all:
        return False  # the article counts in multiples (二倍以下) or not at all: nothing to compare
    law_text = "；".join(law_paragraphs)
    law_bounds = fine_bounds(law_text)
    one_range = not all(rx.search(law_text) for rx in PARTIES.values())  # not 对个人……对单位…… apart
    for part in re.split(r"[，,；;]", draft):
        for name, rx in PARTIES.items():
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
        mine = fine_bounds(part)
        if one_range and mine and law_bounds and mine[0] < law_bounds[0]:
            return True  # below the law's least fine: outside its range too (行政处罚法第十四条)
    return False


def _party_amounts(law_paragraphs: list[str], party: str) -> list[float] | None:
    """Amounts the law sets for one party: read from each mention up to the next party or the sentence end.

    None when the law does not name the party in a sentence that fines; a multiple (二倍以下) counts as unbounded."""
    found: list[float] | None = None
    for para in law_paragraphs:
        for m in PARTIES[party].finditer(para):
            end = len(para)
            stop = re.search(r"[。；;]", para[m.end():])
            if stop:
                end = m.end() + stop.start()
            for name, rx in PARTIES.items():
                other = rx.search(para, m.end(), end) if name != party else None
                if other:
                    end = other.start()
            part = para[m.start():end]
            if "罚" not in para[max(para.rfind(c, 0, m.start()) for c in "。；;") + 1:end]:
                continue  # the party named for something else (由有治理能力的单位代为治理)
            found = (found or []) + amounts(part) + ([float("inf")] if "倍" in part else [])
    return found


def named_instruments(ctx: ReviewContext) -> list[Instrument]:
    """Instruments the draft names anywhere (its 根据… clause and citations), resolved in the catalog."""
    def compute() -> list[Instrument]:
        seen, out = set(), []
        for clause in ctx.clauses:
            for c in ctx.cited_articles(clause):
                inst = ctx.instrument(c.instrument)
                if inst is not None and inst.id not in seen and inst.article_count:
                    seen.add(inst.id)
                    out.append(inst)
        return out
    return ctx.memo("named-instruments", compute)


def _restatement_sources(ctx: ReviewContext, extra: tuple[str, ...]) -> list[Instrument]:
    """The instruments the draft names, plus those a rule lists (laws drafts restate without naming them)."""
    def compute() -> list[Instrument]:
        out = list(named_instruments(ctx))
        seen = {i.id for i in out}
        for title in extra:
            inst = ctx.instrument(title)
            if inst is not None and inst.id not in seen:
                seen.add(inst.id)
                out.append(inst)
        return out
    return ctx.memo(f"restatement-sources:{'|'.join(extra)}", compute)


def restates_law(seg: Segment, ctx: ReviewContext, threshold: float, *, measures: tuple[Measure, ...] = (),
                 check_amount: bool = False, sources: tuple[str, ...] = (), sentence: str = "") -> bool:
    """Exception 2: the sentence restates a 款 of a law/法规 the draft names, or of the core codes.

    With a rule's `measures`, the 款 must contain the measure too and allow the draft's amount: copying a law's
    wording and adding a fine to it is no restatement."""
    catalog = ctx.catalog
    if catalog is None or threshold <= 0:
        return False
    # Compare the whole sentence: a 分号 part alone ("拒不改正的，处……罚款") is boilerplate any penalty article shares.
    mine = bigrams(sentence or seg.text)
    if len(mine) < 6:
        return False
    wanted = [m.law for m in measures if m.draft.search(seg.text)]
    # A draft that puts a figure where the law leaves the amount open sets the 幅度 itself: no restatement.
    sets_amount = check_amount and bool(amounts(seg.text))
    # who the whole sentence is about ("个人未……的，责令改正；拒不改正的，处……罚款")
    party = next((n for n, rx in PARTIES.items() if rx.search(sentence or seg.text)), None)
    for inst in _restatement_sources(ctx, sources):
        index = ctx.memo(f"bigrams:{inst.id}", lambda inst=inst: [
            (para, bigrams(para)) for a in catalog.articles_of(inst.id) for para in (a.paragraphs or [a.text])])
        for para, grams in index:
            if not grams or len(mine & grams) / len(mine) < threshold:
                continue
            if sets_amount and not amounts(para) and "倍" not in para:
                continue
            if encourages_only(para) and DUTY.search(seg.text):
                continue  # the law encourages what the draft makes a duty (鼓励……投保 → 应当参加……保险)
            if any(name not in para for name in PERMIT.findall(seg.text)):
                continue  # another licence's article (建设工程规划许可证 for a 乡村建设规划许可证)
            if all(law.search(para) for law in wanted) and not (check_amount and exceeds(seg.text, [para], party)):
                return True
    return False

