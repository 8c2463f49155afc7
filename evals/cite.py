"""Article references for scoring: extract 《title》第N条 from answers and gold texts, and map titles onto the
knowledge base (or onto normalised titles when no catalog is at hand).

The scorers extract citations themselves rather than trusting the system's own extraction: a scorer that
reuses the code it grades cannot see that code's mistakes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from assistant.kb.catalog import PRC, normalize_title
from assistant.text.numerals import CN_NUM, article_label, cn_to_int

ARTICLE = rf"第\s*({CN_NUM}|\d+)\s*条(?:\s*之\s*({CN_NUM}|\d+))?(?:\s*第\s*({CN_NUM}|\d+)\s*款)?"
_ARTICLE_AT = re.compile(ARTICLE)
_VERSION = r"(?:[（(][^（）()]{0,20}[）)])?"
_CHAIN = re.compile(rf"\s*(?:、|，|,|和|及|以及|与|或者|或|至)\s*(?=第)")
_REFERENCE = re.compile(rf"^(.*?)\s*(第\s*(?:{CN_NUM}|\d+)\s*条(?:之(?:{CN_NUM}|\d+))?)\s*$")
# A bare title without 书名号: the shortest run of CJK characters (第 excluded, so that a run never crosses an
# earlier 第N条) ending in an instrument word.
_BARE = re.compile(rf"([\u4e00-\u7b2b\u7b2d-\u9fff]{{1,40}}?(?:法典|法|条例|规定|办法|细则|解释|决定|规则))\s*{_VERSION}\s*的?\s*{ARTICLE}")
_LEADING_WORDS = ("根据", "依据", "依照", "按照", "参照", "对照", "违反", "适用", "援引", "引用", "见", "按", "依", "据",
                  "即", "如", "和", "及", "与", "或", "是", "的", "在", "对")
_CITING_VERBS = ("根据", "依据", "依照", "按照", "参照", "对照", "违反", "适用", "援引", "引用")
# 本法第十条 / 有本法第三条 (inside a quoted article) / 该条例第五条: a reference back, not a citation of its own.
# 基本法 is a title, not 本法.
_ANAPHORA = re.compile(r"(?<!基)(?:本|该|此|同|上述|前述)(?:法|条例|规定|办法|细则|解释|决定|规则)$")
# LawBench 1-1 prefixes the law with its FLK category (民法商法农民专业合作社法); LexEval writes 民法典 as 民法.
CATEGORY_PREFIXES = ("诉讼与非诉讼程序法", "宪法相关法", "民法商法", "社会法", "行政法", "经济法")
_RENAMED = {"中华人民共和国民法": "中华人民共和国民法典", "民法": "民法典"}


@dataclass(frozen=True)
class Ref:
    """An article reference: a title as written, the article number and suffix (之一), maybe a paragraph."""

    title: str
    number: int
    suffix: int = 0
    paragraph: int | None = None
    text: str = ""
    start: int = -1
    end: int = -1

    @property
    def label(self) -> str:
        """第十六条 / 第十条之一."""
        return article_label(self.number, self.suffix)


def title_key(title: str) -> str:
    """Normalised title without the 中华人民共和国 prefix: how titles are compared (qa-admin README)."""
    t = normalize_title(title)
    return t[len(PRC):] if t.startswith(PRC) and len(t) > len(PRC) else t


def ref_key(title: str, number: int, suffix: int = 0) -> str:
    """A readable comparison key: 行政处罚法第十六条."""
    return f"{title_key(title)}{article_label(number, suffix)}"


def _int(text: str | None) -> int | None:
    return None if text is None else cn_to_int(text)


def split_reference(text: str) -> Ref | None:
    """中华人民共和国民法典第五十四条 → Ref(title, 54); None when the text does not end in 第N条."""
    m = _REFERENCE.match(text.strip())
    if not m or not m.group(1):
        return None
    art = _ARTICLE_AT.match(m.group(2))
    if not art:
        return None
    return Ref(title=m.group(1).strip(), number=_int(art.group(1)) or 0, suffix=_int(art.group(2)) or 0, text=text)


def parse_label(label: str) -> tuple[int, int] | None:
    """第十六条 / 第16条 / 第十条之一 → (number, suffix); None for anything else."""
    m = _ARTICLE_AT.fullmatch(label.strip())
    return (cn_to_int(m.group(1)), _int(m.group(2)) or 0) if m else None


def title_candidates(title: str) -> list[str]:
    """The written title, then the forms LawBench/LexEval spellings need to resolve."""
    t = normalize_title(title)
    out = [t]
    for prefix in CATEGORY_PREFIXES:
        if t.startswith(prefix) and len(t) > len(prefix):
            out.append(t[len(prefix):])
    out += [_RENAMED[c] for c in list(out) if c in _RENAMED]
    return list(dict.fromkeys(out))


def _strip_leading(title: str) -> str:
    # 某县政府依照行政处罚法 → 行政处罚法: a citing verb ends whatever came before the title.
    cut = max((title.rfind(v) + len(v) for v in _CITING_VERBS if title.rfind(v) > 0), default=0)
    if len(title) - cut >= 2:
        title = title[cut:]
    changed = True
    while changed:
        changed = False
        for w in _LEADING_WORDS:
            if title.startswith(w) and len(title) - len(w) >= 2:
                title, changed = title[len(w):], True
    return title


def _bracketed_titles(text: str) -> list[tuple[int, int, str]]:
    """(start, end, inner) of every top-level 《…》, nested 《》/〈〉 titles kept whole."""
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(text):
        if text[i] != "《":
            i += 1
            continue
        depth, j = 0, i
        while j < len(text):
            c = text[j]
            if c in "《〈":
                depth += 1
            elif c in "》〉":
                depth -= 1
                if depth == 0:
                    break
            elif c == "\n":
                break
            j += 1
        if j < len(text) and depth == 0 and text[j] in "》〉":
            out.append((i, j + 1, text[i + 1:j]))
            i = j + 1
        else:
            i += 1
    return out


class Resolver:
    """Maps written titles and references onto a catalog; without one, compares normalised titles.

    Works with the real `assistant.kb.catalog.Catalog` or anything with `resolve(name)` and
    `get_article(instrument_id, number, suffix)` (and `alias_map()` for bare titles).
    """

    def __init__(self, catalog: Any = None) -> None:
        self.catalog = catalog
        self._instruments: dict[str, Any] = {}

    def instrument(self, title: str) -> Any:
        """The instrument a written title names, or None (always None without a catalog)."""
        if self.catalog is None or not title:
            return None
        if title not in self._instruments:
            found = None
            for cand in title_candidates(title):
                found = self.catalog.resolve(cand)
                if found is not None:
                    break
            if found is None:
                # A bare title found by pattern may carry leading words (我想问行政处罚法): the longest
                # resolvable tail is the title.
                t = normalize_title(title)
                for i in range(1, len(t) - 1):
                    found = self.catalog.resolve(t[i:])
                    if found is not None:
                        break
            self._instruments[title] = found
        return self._instruments[title]

    def official_title(self, title: str) -> str:
        """The catalog's title for a written one, or the written one when it does not resolve."""
        inst = self.instrument(title)
        return inst.title if inst is not None else title

    def key(self, title: str, number: int, suffix: int = 0) -> str:
        """Comparison key of a reference: by official title when it resolves, else as written."""
        return ref_key(self.official_title(title), number, suffix)

    def ref_key(self, ref: Ref) -> str:
        """Comparison key of a Ref (see `key`)."""
        return self.key(ref.title, ref.number, ref.suffix)

    def article(self, title: str, number: int, suffix: int = 0) -> Any:
        """The catalog article, or None (also None without a catalog)."""
        inst = self.instrument(title)
        if inst is None:
            return None
        return self.catalog.get_article(inst.id, number, suffix)

    def exists(self, title: str, number: int, suffix: int = 0) -> bool | None:
        """Whether the article is in the knowledge base; None when there is no catalog to ask."""
        if self.catalog is None:
            return None
        return self.article(title, number, suffix) is not None

    @cached_property
    def _known_re(self) -> re.Pattern[str] | None:
        if self.catalog is None or not hasattr(self.catalog, "alias_map"):
            return None
        names = sorted({a for a in self.catalog.alias_map() if len(a) >= 2}, key=len, reverse=True)
        if not names:
            return None
        alts = "|".join(re.escape(n) for n in names)
        return re.compile(rf"({alts})\s*{_VERSION}\s*的?\s*{ARTICLE}")

    def extract(self, text: str, *, carry_forward: bool = False) -> list[Ref]:
        """Every article reference in `text`, in order.

        Finds 《title》第N条 (nested titles included, 第N条第M款, Arabic 第16条, chains 第十条、第十一条),
        bare titles (行政许可法第十七条: known catalog titles first, then a pattern), and with
        `carry_forward` a bare 第N条 attributed to the last title named before it (LawBench 3-8 gold).
        """
        text = text or ""
        refs: list[Ref] = []
        mentions: list[tuple[int, str]] = []  # (end, title) of every title named, for carry_forward
        # Spans already read are blanked in `masked` (same length), so later passes neither re-read them nor
        # let a pattern run across them.
        masked = text

        def take(a: int, b: int) -> None:
            nonlocal masked
            masked = masked[:a] + "\x00" * (b - a) + masked[b:]

        def add_chain(title: str, pos: int) -> int:
            """Articles starting at pos (and chained after it); returns the end of the last one."""
            end = pos
            while True:
                m = _ARTICLE_AT.match(text, pos)
                if not m:
                    return end
                refs.append(Ref(title=title, number=cn_to_int(m.group(1)), suffix=_int(m.group(2)) or 0,
                                paragraph=_int(m.group(3)), text=text[m.start():m.end()], start=m.start(), end=m.end()))
                end = m.end()
                c = _CHAIN.match(text, end)
                if not c:
                    return end
                pos = c.end()

        version = re.compile(rf"\s*{_VERSION}\s*(?:的)?\s*")
        for start, end, inner in _bracketed_titles(text):
            mentions.append((end, inner))
            pos = version.match(text, end).end()
            last = add_chain(inner, pos)
            take(start, max(last, end))

        for pattern in (self._known_re, _BARE):
            if pattern is None:
                continue
            for m in list(pattern.finditer(masked)):
                title = _strip_leading(m.group(1))
                if _ANAPHORA.search(title):
                    continue
                mentions.append((m.end(1), title))
                last = add_chain(title, text.index("第", m.end(1)))
                take(m.start(), last)

        if carry_forward:
            mentions.sort()
            for m in _ARTICLE_AT.finditer(masked):
                before = [t for e, t in mentions if e <= m.start()]
                if not before:
                    continue
                refs.append(Ref(title=before[-1], number=cn_to_int(m.group(1)), suffix=_int(m.group(2)) or 0,
                                paragraph=_int(m.group(3)), text=m.group(0), start=m.start(), end=m.end()))

        refs.sort(key=lambda r: r.start)
        return refs
