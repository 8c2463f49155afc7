"""The deterministic backend's text: a lead sentence taken from the best article, the articles quoted with
full citations, and the matching review-rule guidance. Nothing is paraphrased: every sentence of law in
the answer is a quotation of the knowledge base."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from assistant.answer.guidance import Guidance
from assistant.answer.question import Kind, Question
from assistant.answer.rank import grams
from assistant.kb.citations import format_citation, verify_reference
from assistant.models import Article, Citation, Hit

log = logging.getLogger(__name__)

QUOTE_FULL_MAX = 600  # an article longer than this is quoted by its relevant paragraphs
_SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")
_ITEM = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
_PROHIBITION = re.compile(r"不得|一律不|只能由|禁止|不能|无权|不予|无效")
_KIND_IN_SENTENCE: dict[Kind, re.Pattern[str]] = {
    Kind.DURATION: re.compile(r"[一二三四五六七八九十百两\d]+\s*(?:个)?(?:工作日|日|天|个月|月|年)"),
    Kind.AMOUNT: re.compile(r"[一二三四五六七八九十百千万两\d]+\s*(?:元|倍)|百分之|万分之|%|费用"),
    Kind.WHO: re.compile(r"人民政府|机关|部门|机构|法院|委员会"),
    Kind.YES_NO: re.compile(r"不得|禁止|可以|应当|无效|不予|一律|只能|有权"),
    Kind.DEFINITION: re.compile(r"是指|所称"),
}

NOT_FOUND = ("未在知识库中找到与该问题相关的法律规定。\n"
             "建议：换用法律术语重新提问（如“行政处罚”“规范性文件”“公开征求意见”），写明法律名称和条号，"
             "或先导入相关文件（fashen ingest）。")
EMPTY = "问题为空。请输入要咨询的问题，例如：规范性文件可以设定行政处罚吗？"
DISCLAIMER = "说明：以上为知识库条文摘录（离线检索，未经大模型归纳），请结合具体情况判断。"


@dataclass
class Chosen:
    """An article the answer cites: its verified citation and what is quoted of it."""

    article: Article
    citation: Citation
    quote: str
    paragraph: int | None = None
    hit: Hit | None = None
    explicit: bool = False
    score: float = 0.0  # the ranker's score (0 for articles the question names)

    @property
    def cite(self) -> str:
        """《全称》第N条(第M款), as shown in the answer."""
        return format_citation(self.citation)


def _weights(question: str) -> dict[str, float]:
    return {g: (1.0 if len(g) == 2 else 0.3) for g in grams(question)}


def _overlap(text: str, weights: dict[str, float]) -> float:
    return sum(w for g, w in weights.items() if g in text)


def paragraphs(article: Article) -> list[str]:
    """款 of an article, item lines （一）… kept with the paragraph that introduces them."""
    out: list[str] = []
    for p in article.paragraphs or [article.text]:
        if out and _ITEM.match(p):
            out[-1] += "\n" + p
        else:
            out.append(p)
    return out


def pick_paragraph(article: Article, question: Question) -> int | None:
    """The 款 (1-based) the question is about, when the article has several and one clearly fits best."""
    paras = paragraphs(article)
    if len(paras) < 2:
        return None
    w = _weights(question.text)
    scores = [_overlap(p, w) for p in paras]
    best = max(range(len(paras)), key=lambda i: scores[i])
    rest = sorted(scores, reverse=True)[1]
    return best + 1 if scores[best] >= 2.0 and scores[best] >= 2 * rest else None


def quote_of(article: Article, question: Question, paragraph: int | None) -> str:
    """The article's text, or for a long article its most relevant paragraphs in order, elided with ……"""
    if len(article.text) <= QUOTE_FULL_MAX:
        return article.text
    paras = paragraphs(article)
    w = _weights(question.text)
    ranked = sorted(range(len(paras)), key=lambda i: -_overlap(paras[i], w))
    # The first 款 usually states the rule; then the one the question is about (or the best matching two).
    keep = sorted({0, paragraph - 1} if paragraph else {0, *ranked[:2]})
    out, prev = [], -1
    for i in keep:
        if i != prev + 1 or (i == keep[0] and i > 0):
            out.append("……")
        out.append(paras[i])
        prev = i
    if prev < len(paras) - 1:
        out.append("……")
    return "\n".join(out)


def key_sentence(article: Article, question: Question, paragraph: int | None = None) -> str:
    """The article sentence that best answers the question (with its items when it introduces a list)."""
    return _key_sentence(article, question, paragraph)[0]


def key_sentence_score(article: Article, question: Question, paragraph: int | None = None) -> float:
    """How well the article's best sentence answers the question (to choose which of two close articles leads)."""
    return _key_sentence(article, question, paragraph)[1]


def _key_sentence(article: Article, question: Question, paragraph: int | None) -> tuple[str, float]:
    text = paragraphs(article)[paragraph - 1] if paragraph else article.text
    sents = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if not sents:
        return article.text.strip(), 0.0
    w = _weights(question.text)
    premise = question.premise or Kind.YES_NO in question.kinds

    def score(i: int) -> float:
        s = sents[i]
        v = _overlap(s, w)
        v += sum(1.5 for k in question.kinds if k in _KIND_IN_SENTENCE and _KIND_IN_SENTENCE[k].search(s))
        v += 1.0 if premise and _PROHIBITION.search(s) else 0.0
        v *= 0.8 if _ITEM.match(s) else 1.0  # an item (（一）…) leads only when it alone answers
        return v / (1 + len(s) / 120)

    best = max(range(len(sents)), key=score)
    out = sents[best]
    if out.endswith((":", "：")):  # introduces a list: keep its items
        items = []
        for s in sents[best + 1:]:
            if not _ITEM.match(s):
                break
            items.append(s)
        out = out + "".join(items)
    return out, score(best)


def lead(chosen: list[Chosen], question: Question, *, verbatim: bool = False) -> str:
    """One line: the key sentence of the best article with its citation; a false premise is said first.
    `verbatim` (the question only names the article): the article's first sentence."""
    best = chosen[0]
    cite = best.cite
    if verbatim:
        sents = [s.strip() for s in _SENTENCE.findall(best.quote) if s.strip()]
        first, used = (sents[0], 1) if sents else (best.quote, 1)
        if first.endswith((":", "：")):
            while used < len(sents) and _ITEM.match(sents[used]):
                first += sents[used]
                used += 1
        return f"{cite}规定：“{first}”" + ("……" if len(sents) > used else "")
    sentence = key_sentence(best.article, question, best.paragraph)
    if question.premise and _PROHIBITION.search(sentence):
        return f"不可以。{cite}规定：“{sentence}”"
    if question.premise:
        return f"请注意问题的前提。{cite}规定：“{sentence}”"
    return f"依据{cite}：“{sentence}”"


def compose(question: Question, chosen: list[Chosen], guidance: list[Guidance], *, verbatim: bool = False,
            see_also: list[Citation] = ()) -> str:
    """The whole deterministic answer."""
    parts = [lead(chosen, question, verbatim=verbatim), "", "相关条文："]
    for i, c in enumerate(chosen, 1):
        parts.append(f"{i}. {c.cite}")
        parts.append(f"“{c.quote}”")
    if see_also:
        parts.append("另可参见：" + join_citations(list(see_also)) + "。")
    if guidance:
        parts += ["", "审查提示："]
        for g in guidance:
            line = f"- {g.title}（{g.code}）：{g.advice}"
            if g.basis:
                line += "依据：" + join_citations(g.basis) + "。"
            if g.unverified_basis:
                line += "另见：" + "；".join(g.unverified_basis) + "（未核实）。"
            parts.append(line)
    parts += ["", DISCLAIMER]
    return "\n".join(parts)


def join_citations(citations: list[Citation]) -> str:
    """《甲》第一条、第二条，《乙》第三条: the title written once per run of the same instrument."""
    out: list[str] = []
    last = None
    for c in citations:
        full = format_citation(c)
        if c.instrument == last and c.article:
            out[-1] += "、" + full[full.index("》") + 1:] if "》" in full else full
        else:
            out.append(full)
        last = c.instrument
    return "，".join(out)


def dedupe_citations(citations: list[Citation]) -> list[Citation]:
    """Citations in order, each (instrument, article, paragraph) once."""
    out, seen = [], set()
    for c in citations:
        key = (c.instrument, c.article, c.paragraph)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def chosen(article: Article, q: Question, kb, hit: Hit | None, *, paragraph: int | None = None,
           explicit: bool = False) -> Chosen | None:
    """The article as the answer quotes it (the paragraph that answers `q`), its citation verified; None when the
    citation does not verify."""
    if article.number <= 0:  # a 批复 numbered by paragraphs (第5段): cited by its title
        cit = verify_reference(kb.catalog, article.instrument_title)
        if not cit.verified:
            return None
        return Chosen(article=article, citation=cit.model_copy(update={"quote": article.text}), quote=article.text,
                         hit=hit or Hit(article=article, score=1.0, matched_by="lookup"), explicit=explicit)
    # An article asked for by its number is quoted whole, every 款 (a 款 only when the question names one).
    para = paragraph if paragraph is not None or explicit else pick_paragraph(article, q)
    cit = verify_reference(kb.catalog, article.instrument_title, article.label, para)
    if not cit.verified and para:
        para, cit = None, verify_reference(kb.catalog, article.instrument_title, article.label)
    if not cit.verified:
        log.info("skipping %s: %s", article.citation, cit.reason)
        return None
    quote = (cit.quote or article.text) if explicit else quote_of(article, q, para)
    return Chosen(article=article, citation=cit.model_copy(update={"quote": cit.quote}), quote=quote,
                     paragraph=para, hit=hit or Hit(article=article, score=1.0, matched_by="lookup"),
                     explicit=explicit)
