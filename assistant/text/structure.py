"""Structure of legal texts and drafts: 编/章/节 headings, 条 (incl. 第X条之一), 款, 项, with positions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.text.numerals import CN_NUM, article_label, cn_to_int

# An article starts a line: optional markdown (#, **, >), then 第X条 / 第X条之Y, then a separator or end.
ARTICLE_START = re.compile(
    rf"^[ \t\u3000>#*]*第\s*({CN_NUM}|\d+)\s*条(?:之({CN_NUM}|\d+))?(?:\*\*)?(?=[ \t\u3000：:，,、.．]|$|[^\d{CN_NUM[1:-2]}款项])"
)
HEADING = re.compile(rf"^[ \t\u3000#*]*(第\s*(?:{CN_NUM}|\d+)\s*(编|分编|章|节))[ \t\u3000]*(.*?)[*\s]*$")
# A part named without a number, as texts assembled from one file per 编 write it (# 物权编, # 总则).
PART = re.compile(r"^[ \t\u3000]*#{1,6}[ \t\u3000]*((?:[\u4e00-\u9fff][ \t\u3000]*){1,10}编|总[ \t\u3000]*则|附[ \t\u3000]*则)\s*$")
ITEM = re.compile(r"^[ \t\u3000]*(?:[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|[①-⑳])")
NUMBERED_ITEM = re.compile(r"^[ \t\u3000#*]*([一二三四五六七八九十]+)、")
_LEVELS = {"编": 0, "分编": 1, "章": 2, "节": 3}


@dataclass
class ParsedArticle:
    """An article found in a text, with its character span."""

    number: int
    suffix: int
    label: str
    text: str
    paragraphs: list[str]
    chapter: str | None
    start: int
    end: int


@dataclass
class _Heading:
    stack: dict[int, str] = field(default_factory=dict)

    def set(self, kind: str, text: str) -> None:
        level = _LEVELS[kind]
        self.stack = {k: v for k, v in self.stack.items() if k < level}
        self.stack[level] = text

    def path(self) -> str | None:
        return " / ".join(self.stack[k] for k in sorted(self.stack)) or None


_SPACE_RUN = re.compile(r"[ \t\u3000\u2000-\u200a]+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000\u2000-\u200a]+(?=[\u4e00-\u9fff])")


def _clean_heading(number: str, title: str) -> str:
    """第三分编 准合同 from `第三分编\u2002 准\u2002合\u2002同` (titles are spaced out for typesetting)."""
    title = _CJK_GAP.sub("", _SPACE_RUN.sub(" ", title.replace("**", "")).strip(" #"))
    number = _SPACE_RUN.sub("", number)
    return f"{number} {title}".strip()


def _paragraphs(lines: list[str]) -> list[str]:
    """Non-empty lines are 款; item lines （一）… join the paragraph that introduces them."""
    paras: list[str] = []
    for line in lines:
        line = line.strip(" \t\u3000")
        if not line:
            continue
        if paras and ITEM.match(line):
            paras[-1] += "\n" + line
        else:
            paras.append(line)
    return paras


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        out.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    return out


def parse_articles(text: str) -> list[ParsedArticle]:
    """Split a text into articles (条). Headings set the chapter path; a heading or the end closes an article."""
    lines = _lines_with_offsets(text)
    heading = _Heading()
    articles: list[ParsedArticle] = []
    current: dict | None = None

    def close(end: int) -> None:
        nonlocal current
        if current is None:
            return
        body = current["lines"]
        paras = _paragraphs(body)
        articles.append(ParsedArticle(
            number=current["number"], suffix=current["suffix"], label=article_label(current["number"], current["suffix"]),
            text="\n".join(paras), paragraphs=paras, chapter=current["chapter"], start=current["start"], end=end,
        ))
        current = None

    for offset, line in lines:
        m = ARTICLE_START.match(line)
        if m:
            close(offset)
            number = cn_to_int(m.group(1))
            suffix = cn_to_int(m.group(2)) if m.group(2) else 0
            rest = line[m.end():].lstrip(" \t\u3000：:*")
            current = {"number": number, "suffix": suffix, "chapter": heading.path(), "start": offset,
                       "lines": [rest] if rest else []}
            continue
        h = HEADING.match(line)
        if h and len(line.strip()) <= 60:
            close(offset)
            heading.set(h.group(2), _clean_heading(h.group(1), h.group(3)))
            continue
        part = PART.match(line)
        if part:
            close(offset)
            heading.set("编", _clean_heading("", part.group(1)))
            continue
        if current is not None:
            if line.lstrip().startswith("#") or line.strip().startswith("<!--"):
                close(offset)
                continue
            current["lines"].append(line)
    close(len(text))
    return articles


DOTTED_ITEM = re.compile(r"^[ \t\u3000]*(\d{1,3})[.．](?!\d)")


def parse_dotted_items(text: str) -> list[ParsedArticle]:
    """Interpretations numbered 1. 2. 3. … across 一、二、 sections (最高人民法院关于人民法院执行工作若干问题的规定):
    each numbered paragraph is an article, cited as 第十六条, its section the chapter. Only when they run 1, 2, 3 …
    without gaps through the text; otherwise []."""
    items: list[ParsedArticle] = []
    section: str | None = None
    current: dict | None = None
    expected = 1

    def close(end: int) -> None:
        if current is not None:
            paras = _paragraphs(current["lines"])
            items.append(ParsedArticle(number=current["number"], suffix=0, label=article_label(current["number"]),
                                       text="\n".join(paras), paragraphs=paras, chapter=current["chapter"],
                                       start=current["start"], end=end))

    for offset, line in _lines_with_offsets(text):
        m = DOTTED_ITEM.match(line)
        if m and int(m.group(1)) == expected:
            close(offset)
            current = {"number": expected, "chapter": section, "start": offset,
                       "lines": [line[m.end():].strip(" \t\u3000")]}
            expected += 1
        elif NUMBERED_ITEM.match(line):
            close(offset)
            current = None
            section = line.strip(" \t\u3000#*")
        elif current is not None and not line.lstrip().startswith(("#", "<!--")):
            current["lines"].append(line)
    close(len(text))
    return items if len(items) >= 10 else []


def parse_numbered_items(text: str) -> list[ParsedArticle]:
    """For texts numbered 一、二、… instead of 条 (decisions, 批复): each item becomes an article."""
    items: list[ParsedArticle] = []
    lines = _lines_with_offsets(text)
    current: dict | None = None
    expected = 1
    for offset, line in lines:
        m = NUMBERED_ITEM.match(line)
        if m and cn_to_int(m.group(1)) == expected:
            if current:
                items.append(_item(current, offset))
            current = {"number": expected, "start": offset, "lines": [line.strip(" \t\u3000#*")]}
            expected += 1
        elif current is not None and not line.lstrip().startswith("#"):
            current["lines"].append(line)
    if current:
        items.append(_item(current, len(text)))
    return items


def _item(current: dict, end: int) -> ParsedArticle:
    paras = _paragraphs(current["lines"])
    return ParsedArticle(number=current["number"], suffix=0, label=article_label(current["number"]),
                         text="\n".join(paras), paragraphs=paras, chapter=None, start=current["start"], end=end)


def paragraph_lines(text: str) -> list[tuple[int, int, str]]:
    """Non-empty lines as (1-based 段 number, offset, text): the 第N段 locations of drafts without articles."""
    out = []
    n = 0
    for offset, line in _lines_with_offsets(text):
        if line.strip(" \t\u3000"):
            n += 1
            out.append((n, offset, line.strip(" \t\u3000")))
    return out
