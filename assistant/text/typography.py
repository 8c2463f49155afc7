"""Chinese typography for what fashen writes (意见书, 批注, the batch table): Chinese quotation marks, 〈〉 for a
title inside a title, no stray spaces between Chinese characters (YAML's folded lines leave one at every line end)."""

from __future__ import annotations

import re

# Chinese characters, full-width and CJK punctuation, and the quotation marks and brackets Chinese text uses.
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’《》〈〉…—·"
_SPACE_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}0-9A-Za-z])|(?<=[0-9A-Za-z])[ \t]+(?=[{_CJK}])")
_STRAIGHT = re.compile(r'"([^"\n]*)"')


def _quotes(text: str) -> str:
    """Pairs of straight double quotes → “…” (an unpaired one is left as it is)."""
    return _STRAIGHT.sub(lambda m: f"“{m.group(1)}”", text)


def nest_titles(text: str) -> str:
    """《关于印发《X办法》的通知》 → 《关于印发〈X办法〉的通知》: a title mark inside a title becomes 〈〉."""
    out, depth = [], 0
    for ch in text:
        if ch == "《":
            out.append("《" if depth == 0 else "〈")
            depth += 1
        elif ch == "》" and depth > 0:
            depth -= 1
            out.append("》" if depth == 0 else "〉")
        else:
            out.append(ch)
    return "".join(out)


def tidy(text: str | None) -> str:
    """Text ready for a Chinese document: quotation marks, nested titles and spacing as offices write them."""
    if not text:
        return text or ""
    return nest_titles(_SPACE_CJK.sub("", _quotes(text)))


def in_title_marks(title: str) -> str:
    """A title wrapped in 《》, any title marks inside it turned into 〈〉."""
    return nest_titles(f"《{title.strip().strip('《》')}》") if title else ""
