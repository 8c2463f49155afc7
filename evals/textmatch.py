"""Text comparison for scorers: the normal form must_say phrases and quoted articles are compared in."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from evals.metrics import lcs_substring_len
from assistant.text.numerals import CN_NUM_CHARS, cn_to_int

# Everything that is not a letter, digit or CJK character is dropped (punctuation, spaces, 、，。；：“” …),
# except % which a normalised 百分之十 turns into, and a decimal point (0.05%).
_DROP = re.compile(r"(?<!\d)\.|\.(?!\d)|[^\w%‰.]|_")
_PERCENT = re.compile(rf"(百|千|万)分之([{CN_NUM_CHARS}点\d.]+)")
_NUMERAL_RUN = re.compile(rf"[{CN_NUM_CHARS}]+")
_ARABIC_WAN = re.compile(r"(\d+(?:\.\d+)?)万")
_FRACTION_SCALE = {"百": 1, "千": 0.1, "万": 0.01}

# What "the article does not exist" may be said as (README of qa-admin: 没有该条 / 并无 / 无此条 / 只有…条 / 共…条).
NONEXISTENCE = re.compile(
    r"不存在|并不存在|并无|没有(?:该|这|此|这一|这个|第)?[^，。；]{0,12}条|无此条|无该条|只有[^，。；]{0,12}条|"
    r"共[^，。；]{0,10}条|仅有[^，。；]{0,12}条|查无|未找到该条|找不到该条"
)


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (OpenCC t2s); ASCII passes through."""
    return text if not text or text.isascii() else _t2s().convert(text)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _numeral(text: str) -> str:
    try:
        return str(cn_to_int(text))
    except ValueError:
        return text


def numerals_to_arabic(text: str) -> str:
    """三十日 → 30日, 二十个工作日 → 20个工作日, 百分之十 → 10%, 万分之五 → 0.05% (applied to both sides)."""
    def pct(m: re.Match[str]) -> str:
        raw = m.group(2).replace("点", ".")
        try:
            value = float(raw) if re.fullmatch(r"[\d.]+", raw) else float(cn_to_int(raw))
        except ValueError:
            return m.group(0)
        return _fmt(value * _FRACTION_SCALE[m.group(1)]) + "%"

    text = _PERCENT.sub(pct, text)
    # 5万元 and 五万元 must meet in the same form before the numeral runs are converted.
    text = _ARABIC_WAN.sub(lambda m: _fmt(float(m.group(1)) * 10000), text)
    return _NUMERAL_RUN.sub(lambda m: _numeral(m.group(0)), text)


def normalize_for_match(text: str | None) -> str:
    """Simplified characters, half width, no whitespace or punctuation, Arabic numerals."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)  # full width → half width, compatibility ideographs
    text = to_simplified(text)
    text = _DROP.sub("", text)
    return numerals_to_arabic(text)


def says_nonexistent(answer: str) -> bool:
    """True when the answer plainly states that an article does not exist."""
    return bool(NONEXISTENCE.search(to_simplified(answer or "")))


def phrase_found(phrase: str, answer: str, *, fuzzy_min_len: int = 10, fuzzy_ratio: float = 0.8) -> tuple[bool, bool]:
    """(found, fuzzily): exact match after normalising both sides; `不存在` accepts any statement of
    non-existence; a phrase longer than `fuzzy_min_len` also matches when the longest common substring
    covers `fuzzy_ratio` of it."""
    if phrase.strip() == "不存在":
        return says_nonexistent(answer), False
    p, a = normalize_for_match(phrase), normalize_for_match(answer)
    if not p:
        return True, False
    if p in a:
        return True, False
    if len(p) > fuzzy_min_len and lcs_substring_len(p, a) >= fuzzy_ratio * len(p):
        return True, True
    return False, False
