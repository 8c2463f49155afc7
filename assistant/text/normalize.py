"""Text normalisation real documents need: pinyin noise, 繁→简, web chrome, full/half width, whitespace."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# --- pinyin noise -----------------------------------------------------------------------------
# Web converters emit 發(fā)展: one lowercase pinyin syllable in parentheses after a character. We only
# remove a group whose every word is a well-formed pinyin syllable, so 手机(app), 智能(AI), (PPP) and
# (2022--2025年) stay. Upper case is deliberately not accepted: after CJK it is nearly always an
# abbreviation, never converter noise.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_UNTONE = str.maketrans({c: b for b, cs in
                         {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "v": "ǖǘǚǜü"}.items()
                         for c in cs})
_SYLLABLE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|er"
    r"|ia|ie|iu|ua|uo|ui|ve|ue|a|o|e|i|u|v|ng|n|m)"
)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = rf"[a-z{_TONED}]{{1,6}}"
# One or more parenthesised groups right after a CJK character (several in a row keeps this idempotent).
_PINYIN_GROUP = re.compile(rf"(?<=[{_CJK}])(?:[(（]{_WORD}(?: {_WORD})*[)）])+")
_GROUP_WORDS = re.compile(rf"[(（]({_WORD}(?: {_WORD})*)[)）]")


def _is_pinyin(word: str) -> bool:
    return _SYLLABLE.fullmatch(word.translate(_UNTONE)) is not None


def strip_pinyin_noise(text: str) -> str:
    """Remove converter noise like 發(fā)展 → 發展; keep real parentheses such as (2022--2025年), (一), (AI)."""
    def repl(m: re.Match[str]) -> str:
        groups = _GROUP_WORDS.findall(m.group(0))
        if all(_is_pinyin(w) for g in groups for w in g.split(" ")):
            return ""
        return m.group(0)

    return _PINYIN_GROUP.sub(repl, text)


# --- traditional → simplified -------------------------------------------------------------------
@lru_cache(maxsize=1)
def _t2s():
    # Building the converter loads dictionaries (~0.1 s): once per process, only when needed.
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified with OpenCC t2s, unconditionally (see `is_traditional` for when to call it)."""
    if not text or text.isascii():
        return text
    return _t2s().convert(text)


# t2s is not a pure no-op on simplified text (二噁英 → 二𫫇英), so a document is converted only when a
# real share of its characters are traditional: about a third in traditional documents, 0 in the
# simplified corpus.
_TRADITIONAL_SHARE = 0.05
_HAN = re.compile(f"[{_CJK}]")


def _count(pattern: re.Pattern[str], text: str) -> int:
    """How many characters of `text` the one-character `pattern` matches, without a list of them (a 5M-character
    text would make 5M string objects, ~400 MB)."""
    return len(text) - len(pattern.sub("", text))


def _traditional_share(text: str, simplified: str) -> float:
    if simplified == text:
        return 0.0
    han = _count(_HAN, text)
    if not han:
        return 0.0
    if len(simplified) != len(text):  # a phrase mapping changed the length: certainly converted text
        return 1.0
    return sum(a != b for a, b in zip(text, simplified)) / han


@lru_cache(maxsize=1)
def _traditional_chars() -> re.Pattern[str] | None:
    """Characters OpenCC's t2s dictionary converts, or None where the package layout is unknown."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    try:
        keys = {line.split("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()}
    except OSError:
        return None
    return re.compile("[" + "".join(re.escape(k) for k in keys if len(k) == 1) + "]")


def _may_be_traditional(text: str) -> bool:
    # t2s is pure Python (~2.5 µs a character); a C-speed scan spares it on simplified text, where
    # convertible characters are far fewer than the share that makes a document traditional.
    pattern = _traditional_chars()
    if pattern is None:
        return True
    return _count(pattern, text) >= _TRADITIONAL_SHARE * _count(_HAN, text) > 0


def is_traditional(text: str) -> bool:
    """Whether enough of the text is traditional Chinese to convert it all (decide once per document)."""
    return _may_be_traditional(text) and _traditional_share(text, to_simplified(text)) >= _TRADITIONAL_SHARE


# --- width ------------------------------------------------------------------------------------
# Only letters and digits: Chinese punctuation （），。；：“” is the house form and U+3000 is the
# indentation structure.py understands.
_FULL = "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
_WIDTH = str.maketrans(_FULL, "".join(chr(ord(c) - 0xFEE0) for c in _FULL))
# PDF text layers often carry Kangxi radicals (⼀ U+2F00) or compatibility ideographs instead of the
# unified characters; NFKC maps each to the real one, so 第⼀条 matches 第一条.
_COMPAT = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")


def normalize_width(text: str) -> str:
    """Full-width Ａ-Ｚ ａ-ｚ ０-９ → ASCII, radical/compatibility ideographs → unified; punctuation kept."""
    text = text.translate(_WIDTH)
    return _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


# --- web chrome ---------------------------------------------------------------------------------
# Every rule looks at one whole, short line; prose (long, or ending in 。；) is never touched.
_MAX_CHROME = 150
_BREADCRUMB = re.compile(r"^(?:您|你)?的?(?:当前|现在|所在)?的?(?:所在)?位置\s*[:：].*(?:首页|[>＞»›→])|^首页\s*[>＞»›→]")
_PREFIXED = re.compile(r"^[【\[]?(?:上一篇|下一篇|上一条|下一条|分享到|相关链接|扫一扫|用手机扫描)")
_FONT = re.compile(r"[【\[]?\s*字[体号]\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小")
_FOOTER_MARK = re.compile(r"版权所有|版权归|copyright\s*(?:©|\(c\)|\d{4})|©|ICP备|ICP证|公网安备|网站标识码"
                          r"|技术支持\s*[:：]|网站维护\s*[:：]|建议使用.{0,20}浏览器|最佳分辨率", re.IGNORECASE)
_FOOTER_FIELD = re.compile(r"(主办单位|承办单位|主办|承办|协办|主管|联系电话|电话|地址|邮编|传真|电子邮箱|邮箱)\s*[:：]")
_META_FIELD = re.compile(
    r"(信息来源|文章来源|来源|发布时间|发布日期|更新时间|作者|浏览次数|阅读次数|访问次数|点击数|点击量|点击率|浏览量|阅读量"
    r"|字号|日期|时间|责任编辑|文稿编辑|编辑|索引号|发布机构|主题分类|生成日期)\s*[:：]")
_STRONG_META = {"发布时间", "发布日期", "更新时间", "浏览次数", "阅读次数", "访问次数", "点击数", "点击量", "浏览量",
                "阅读量", "字号", "信息来源", "文章来源", "责任编辑", "文稿编辑"}
# Web pages stamp 日期:2022-02-25; documents write 2022年2月25日, which stays.
_DATE_ONLY = re.compile(r"^(?:日期|时间)\s*[:：]\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_TOKENS = {
    "打印本页", "打印此页", "打印", "关闭窗口", "关闭本页", "关闭", "返回顶部", "返回首页", "返回", "收藏", "收藏本页",
    "加入收藏", "设为首页", "分享", "分享到", "网站导航", "联系我们", "友情链接", "网站地图", "网站支持IPv6",
    "无障碍浏览", "无障碍", "长者助手", "长者模式", "适老化", "简体版", "繁体版", "简体", "繁体", "English", "登录", "注册",
    "微信", "微博", "QQ空间", "新浪微博", "腾讯微博", "智能问答", "网站首页", "站内搜索", "搜索",
}
_SEGMENT_SPLIT = re.compile(r"[\s|｜/·•【】\[\]（）()<>《》:：,，、]+")
_PROSE_END = ("。", "；", "？", "！", ";")


def _is_chrome(line: str) -> bool:
    """Whether one (simplified) line is web-page chrome."""
    s = line.strip()
    if not s or len(s) > _MAX_CHROME:
        return False
    if _BREADCRUMB.search(s):
        return True
    if s.endswith(_PROSE_END):
        return False
    segments = [x for x in _SEGMENT_SPLIT.split(s) if x]
    if segments and all(x in _TOKENS for x in segments):
        return True
    if "|" in s or "｜" in s:  # a navigation bar: short segments, several of them site buttons
        parts = [x.strip() for x in re.split(r"[|｜]", s) if x.strip()]
        if all(len(x) <= 12 for x in parts) and sum(x in _TOKENS for x in parts) >= 2:
            return True
    if len(s) <= 100 and _PREFIXED.match(s):
        return True
    if _FONT.search(s) or _FOOTER_MARK.search(s):
        return True
    if len({m.group(1) for m in _FOOTER_FIELD.finditer(s)}) >= 2:
        return True
    # 日期/时间/来源 alone are common in notices; a web header pairs them with a web-only field.
    fields = {m.group(1) for m in _META_FIELD.finditer(s)}
    if len(fields) >= 2 and fields & _STRONG_META and len(s) <= 120:
        return True
    starts = _META_FIELD.match(s)
    if starts and starts.group(1) in _STRONG_META and len(s) <= 60:
        return True
    return _DATE_ONLY.match(s) is not None


def strip_web_chrome(text: str) -> str:
    """Drop whole lines that are web-page chrome (breadcrumbs, 打印本页, 浏览次数, 版权所有, ICP备 …).

    The patterns are simplified Chinese: `normalize` applies them after 繁→简.
    """
    return "\n".join(line for line in text.split("\n") if not _is_chrome(line))


# --- pipeline -----------------------------------------------------------------------------------
# splitlines() (used by structure.paragraph_lines) breaks on all of these: turning them into \n keeps
# the line count while making the text plain.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile("[\x1f\u00a0\u1680\u2000-\u200a\u202f\u205f]")  # all str.isspace but U+3000
_TRAILING = re.compile(r"[ \t\u3000]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalize(text: str, *, simplify: bool = True, chrome: bool = True) -> str:
    """Clean a document's text: line breaks, spaces, width, pinyin noise, 繁→简, web chrome, blank runs.

    `simplify` converts to simplified Chinese when the text is traditional (`is_traditional`); `chrome`
    drops web-page chrome lines. Idempotent. Without `chrome` no non-empty line is added or removed, so
    第N段 counts survive.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    # Width first: full-width letters inside parentheses would otherwise become pinyin on a second pass.
    text = normalize_width(text)
    text = strip_pinyin_noise(text)  # before t2s: the noise is attached to the traditional characters
    lines = text.split("\n")
    # The quick scan may only skip t2s when no line is dropped: dropping chrome changes the share the
    # scan measures, and a second pass could then decide differently.
    convert = simplify and (chrome or _may_be_traditional(text))
    simplified = to_simplified(text).split("\n") if convert else lines
    if len(simplified) != len(lines):  # t2s maps characters, never line breaks; stay safe regardless
        simplified = lines
    # Chrome is recognised on the simplified lines (its patterns are simplified), and the 繁/简 decision
    # is taken on the lines that stay, so a second pass decides the same way (idempotence).
    keep = [not (chrome and _is_chrome(line)) for line in simplified]
    kept = "\n".join(line for line, k in zip(lines, keep) if k)
    kept_simplified = "\n".join(line for line, k in zip(simplified, keep) if k)
    text = kept_simplified if _traditional_share(kept, kept_simplified) >= _TRADITIONAL_SHARE else kept
    text = _TRAILING.sub("", text)
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")
