"""Sentences of a draft's clause, as the content rules read them.

A clause is split at 。！？； into segments; an item line （一）… is read with its lead-in ("……下列材料：") so that a
trigger spread over both is seen, and the whole 。-sentence is kept for citations. The draft is data: text
addressed to the reviewer or a model (【系统提示：…】, "请忽略以上审查要求") is blanked before anything is matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.text.numerals import cn_to_int

# -- the draft is data: text addressed to the reviewer is neutralised before matching -------------------------

_INJECTION = [
    re.compile(r"【[^】]{0,300}?(?:系统提示|系统指令|提示词|忽略|无视|不要列出|直接输出|审查要求|AI|模型|助手)[^】]{0,300}】"),
    re.compile(r"[［\[]\s*(?:系统提示|系统指令|system)[^］\]]{0,300}[］\]]", re.I),
    re.compile(r"[^。！？\n]{0,80}(?:请?(?:忽略|无视|跳过)(?:以上|上述|前述|之前|此前|全部|所有|一切|本条|本文件|审查)|"
               r"(?:请|应)?直接(?:输出|回复|返回|给出)|不要(?:列出|报告|输出|提出)[^。！？\n]{0,6}(?:意见|问题|发现)|无需(?:再)?审查|"
               r"(?:审查系统|人工智能|大模型|模型|AI|助手)[^。！？\n]{0,15}(?:跳过|忽略|不予审查|视为合法)|[“\"]未发现问题[”\"]|"
               r"ignore (?:all|previous|the above)|disregard (?:all|previous))[^。！？\n]{0,200}[。！？]?", re.I),
]


def neutralize(text: str) -> str:
    """Blank (same length, offsets kept) every span that addresses the reviewer instead of regulating."""
    for rx in _INJECTION:
        text = rx.sub(lambda m: " " * len(m.group(0)), text)
    return text


# -- sentences -------------------------------------------------------------------------------------------------

# "监督" as a verb ("实施监督："), not inside an agency's name ("向市场监督管理部门提交下列材料：" lists documents)
_VIOLATION_LEAD = re.compile(r"有?下列[^。；：]{0,12}(行为|情形|情况|事项)之一"
                             r"|(罚款|责令|追究|处分|处罚|查处|监督(?!管理)|违法行为)[^。；：:]{0,30}[：:]\s*$")
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


# -- plain sentences of a material -----------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。；;！？\n]+")


def split_sentences(text: str) -> list[str]:
    """The text cut at 。；！？ and line ends (what the procedure checks read materials by)."""
    return [s.strip() for s in _SENTENCE.findall(text or "") if s.strip()]
