"""Chinese ⇄ Arabic numerals for article numbers (一百二十三 ⇄ 123) and dates (二〇二六)."""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10000}
CN_NUM_CHARS = "零〇○一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟"
CN_NUM = f"[{CN_NUM_CHARS}]+"


def cn_to_int(text: str) -> int:
    """Parse 一百二十三 / 二十 / 十五 / 一千二百四十二 / 123 / 一二三 (digit-by-digit) into an int."""
    s = text.strip()
    if not s:
        raise ValueError("empty numeral")
    if s.isdigit():
        return int(s.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    if all(c in _DIGITS for c in s) and len(s) > 1:
        return int("".join(str(_DIGITS[c]) for c in s))
    total, section, number = 0, 0, 0
    for c in s:
        if c in _DIGITS:
            number = _DIGITS[c]
        elif c in _UNITS:
            unit = _UNITS[c]
            if unit == 10000:
                section = (section + number) * unit
                total += section
                section = 0
            else:
                section += (number or 1) * unit
            number = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + section + number


def int_to_cn(n: int) -> str:
    """123 → 一百二十三, 10 → 十, 1242 → 一千二百四十二 (the form statutes use)."""
    if n < 0:
        raise ValueError("negative")
    if n == 0:
        return "零"
    digits = "零一二三四五六七八九"
    if n >= 10000:
        high, low = divmod(n, 10000)
        rest = int_to_cn(low) if low else ""
        if low and low < 1000:
            rest = "零" + rest
        return int_to_cn(high) + "万" + rest
    parts: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if zero:
                parts.append("零")
                zero = False
            parts.append(digits[d] + name)
        elif parts:
            zero = True
    out = "".join(parts)
    return out[1:] if out.startswith("一十") else out


def article_label(number: int, suffix: int = 0) -> str:
    """(16, 0) → 第十六条; (10, 1) → 第十条之一."""
    return f"第{int_to_cn(number)}条" + (f"之{int_to_cn(suffix)}" if suffix else "")


_LABEL_RE = re.compile(rf"^第\s*({CN_NUM}|\d+)\s*条(?:之({CN_NUM}|\d+))?$")


def parse_article_label(label: str) -> tuple[int, int]:
    """第十六条 → (16, 0); 第10条之一 → (10, 1). Raises ValueError for anything else."""
    m = _LABEL_RE.match(label.strip())
    if not m:
        raise ValueError(f"not an article label: {label!r}")
    return cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else 0


RATE = re.compile(r"百分之([零〇一二两三四五六七八九十百点]+)|(\d+(?:\.\d+)?)\s*[%％]")


def _rate(m: re.Match[str]) -> float | None:
    if m.group(2):
        return float(m.group(2))
    whole, _, frac = m.group(1).partition("点")
    try:
        return float(cn_to_int(whole)) + (float("0." + "".join(str(cn_to_int(c)) for c in frac)) if frac else 0.0)
    except ValueError:
        return None


def rate_over(draft: str, law: str) -> tuple[str, str] | None:
    """(the draft's rate, the law's cap) when a rate the draft sets exceeds the ceiling a law sentence puts on it
    ("按照出让价款的百分之三十征收" against "……百分之二十以下的土地闲置费"), else None."""
    caps = [(m, _rate(m)) for m in RATE.finditer(law) if re.match(r"\s*(?:以下|以内|以下的|为限)", law[m.end():])]
    caps = [(m, v) for m, v in caps if v is not None]
    if not caps:
        return None
    cap_m, cap = max(caps, key=lambda x: x[1])
    for m in RATE.finditer(draft):
        v = _rate(m)
        if v is not None and v > cap:
            return m.group(0), cap_m.group(0) + "以下"
    return None
