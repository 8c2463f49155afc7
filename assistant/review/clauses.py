"""A draft split into located clauses: one per article (第七条), or one per non-empty paragraph (第3段).

Drafts with articles of their own (at least three 第X条 at line starts, from 第一条) are located by article; 方案-style drafts by the
reader's non-empty paragraphs, counted from 1 with the title and headings included (evaldata README,
"Locations"). Lines after the last article that only sign the document (issuer, date) are not part of it.
"""

from __future__ import annotations

import re

from assistant.models import Clause
from assistant.review.dates import date_line
from assistant.review.titles import strip_markup
from assistant.text.structure import ParsedArticle, parse_articles

MIN_ARTICLES = 3

_SIGNATURE_LINE = re.compile(
    r"^[\u4e00-\u9fa5（）()]{2,30}(人民政府|办公室|局|委员会|委|办|中心|办事处|管委会|管理委员会|公司|所|院|厅|部)$")


def _is_signature(line: str) -> bool:
    return date_line(line) is not None or bool(_SIGNATURE_LINE.match(strip_markup(line)))


def _trim_signature(paragraphs: list[str]) -> list[str]:
    out = list(paragraphs)
    while len(out) > 1 and _is_signature(out[-1]):
        out.pop()
    return out


MIN_BODY = 10  # paragraphs before an annex that make a body of their own (a cover notice has a few)
_ANNEX = re.compile(r"^[#\s]*附件\s*[\d一二三四五六七八九十]*\s*(?:[：:]|$)", re.M)


def own_articles(text: str) -> list[ParsedArticle]:
    """The draft's own articles: at least three 第X条, numbered from 第一条. A 方案 that reproduces articles of a law in
    an annex (第二十条……第二十五条) is not organised in articles: it is read by paragraphs, annex included; so is a
    notice whose body (一、二、……) stands before an annex of articles (a contract form: 第一条 甲方……) — a cover
    notice wrapping the rules has a few paragraphs, not a body of its own."""
    articles = parse_articles(text)
    if len(articles) < MIN_ARTICLES or articles[0].number != 1:
        return []
    annex = next((m for m in _ANNEX.finditer(text, 0, articles[0].start)), None)
    if annex and sum(1 for line in text[:annex.start()].splitlines() if line.strip(" \t\u3000")) >= MIN_BODY:
        return []
    return articles


def has_articles(text: str) -> bool:
    """True when the draft is organised in articles of its own (see `own_articles`)."""
    return bool(own_articles(text))


def split_clauses(text: str, paragraphs: list[str] | None = None) -> list[Clause]:
    """Clauses of a draft: articles when it has at least three, else the non-empty paragraphs (第N段)."""
    articles = own_articles(text)
    if articles:
        clauses: list[Clause] = []
        seen: set[str] = set()
        for art in articles:
            if art.label in seen:  # a repeated number (quoted text, typo) keeps its first occurrence
                continue
            seen.add(art.label)
            paras = _trim_signature(art.paragraphs)
            body = "\n".join(paras)
            clauses.append(Clause(location=art.label, number=art.number, text=body, chapter=art.chapter,
                                  start=art.start, end=art.end))
        return clauses
    if paragraphs is None:
        paragraphs = [line for line in text.splitlines() if line.strip(" \t\u3000")]
    clauses = []
    pos = 0
    n = 0
    for para in paragraphs:
        stripped = para.strip(" \t\u3000")
        if not stripped:
            continue
        n += 1
        found = text.find(stripped, pos)
        start, end = (found, found + len(stripped)) if found >= 0 else (pos, pos)
        if found >= 0:
            pos = end
        body = strip_markup(stripped)
        clauses.append(Clause(location=f"第{n}段", number=n, text=body, start=start, end=end))
    return clauses


def clause_at(clauses: list[Clause], location: str) -> Clause | None:
    """The clause at a location (第七条 / 第3段), or None."""
    for c in clauses:
        if c.location == location:
            return c
    return None
