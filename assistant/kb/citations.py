"""Citations: find every reference to a legal instrument in a text and check it against the catalog.

Forms: 《全称》/《简称》第十六条, 〈…〉, nested 书名号 (《…〈…〉…》, 《…《…》…》), a title without 书名号 right before
第X条 (行政许可法第十二条), 第十四条第二款, 第十一条第（六）项, 第十条之一, lists (第六十一条、第六十五条; 第十四条
第一款、第二款), ranges (第十四条至第十七条 gives its two ENDS: the articles between exist when both ends do),
《X》（以下简称《Y》）, a title alone, and relative references: 该法/上述法律 (the last instrument named), 本法/
本办法/本规定… (the text itself; in a draft never looked up), 本条第二款, 前款, 前条. A bare 第十二条 is the text's
own article and no citation; so is a title without 书名号 and without an article (too ambiguous in prose).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel

from assistant.kb.catalog import PRC, Catalog, normalize_title
from assistant.models import Article, Citation, CitationStatus, Instrument, Status
from assistant.text.numerals import CN_NUM, cn_to_int, int_to_cn, parse_article_label
from assistant.text.numerals import article_label as _label
from assistant.text.grams import bigrams
from assistant.text.structure import ITEM

__all__ = ["RawCitation", "extract_citations", "check_citation", "check_text", "verify_reference",
           "format_citation", "mark_unverified", "suggest_instrument", "claim_mismatch"]

_NUM = rf"(?:{CN_NUM}|[0-9０-９]+)"
_ITEM_PART = rf"第\s*[（(]?\s*(?P<item>{_NUM})\s*[）)]?\s*项"
_ART = re.compile(rf"第\s*(?P<art>{_NUM})\s*条(?:\s*之\s*(?P<suf>{_NUM}))?"
                  rf"(?:\s*第\s*(?P<para>{_NUM})\s*款)?(?:\s*{_ITEM_PART})?")
_PARA = re.compile(rf"第\s*(?P<para>{_NUM})\s*款(?:\s*{_ITEM_PART})?")
_ITEM_ONLY = re.compile(_ITEM_PART)
_ART_ANY = re.compile(rf"第\s*{_NUM}\s*条")
# No comma: in "《X》第十条，第十一条……" the second is usually the draft's own next article.
_SEP = re.compile(r"\s*(?:、|以及|或者|和|及|与|或|至|到|—|－|~|～)\s*")
# A version note or 文号 between title and article: 《行政处罚法》（2021年修订）第十四条, 《…》（建设部令第11号）.
_GAP = re.compile(r"[ \t\u3000]*(?:[（(][^（）()\n]{1,40}[）)][ \t\u3000]*)?")
_TRAILING_NOTES = re.compile(r"(?:[（(][^（）()]*[）)])+$")
# What a title in 书名号 ends with when it names an instrument (not a certificate 《…准入证》 or a form 《…表》).
# the last word of an instrument's title
DOC_SUFFIXES = "法|法典|条例|规定|办法|细则|规则|解释|决定|决议|意见|通知|批复|答复|纲要|措施|章程|准则|规程"
_DOC_SUFFIX = re.compile(rf"(?:{DOC_SUFFIXES})$")
_BARE_END = tuple("法例定则释典")  # last characters of 法/条例/规定/决定/细则/解释/法典 (and 办法)
# 本 in 基本法/根本法 is no self-reference (but 构成本法 is).
_REL = re.compile(rf"(?P<rel>(?<![基根])本|(?<!应)该|上述|前述)"
                  rf"(?:法典|法律|法规|规章|实施细则|实施办法|法|条例|办法|规定|细则|规则|决定|解释|意见|通知|方案|"
                  rf"措施|政策|文件)(?=\s*第\s*{_NUM}\s*条)")
_LOCAL = re.compile(rf"本条(?:\s*第\s*(?P<para>{_NUM})\s*款)?(?:\s*{_ITEM_PART})?|前(?:[一二两三四五六七八九十]+)?[条款项](?!件)")
_STOP = re.compile(r"依据|根据|按照|依照|遵照|参照|比照|违反|适用|执行|符合|对照|援引|引用|参考|参见|详见|结合|贯彻|落实|属于|即")
_JOIN = re.compile(r"[和及与]")
_NOT_TITLE = re.compile(r"有关|相关|上述|前述|其他|下列|以下|如下|本|该")
_PLACE = re.compile(r"(?:[\u4e00-\u9fff]{1,8}(?:省|自治区|市|自治州|州|盟|县|旗|区|镇|乡)|中华人民共和国)$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff〇]{2,40}$")
_REPEALS = re.compile(r"(?:\s*[、，,和及与]?\s*(?:《[^》\n]{0,80}》|[（(][^（）()\n]{0,40}[）)]))*\s*"
                      r"(?:同时|即行|予以|一并)?(?:废止|停止执行|失效)")
_LINE = re.compile(r"[^\n]+")
_ISSUE = re.compile(r"印发《(.+)》")
_ABBREV = re.compile(r"[ \t\u3000]*[（(]以下简称[“\"《]?([^”\"》（）()]{1,20})[”\"》]?[）)]")
_QUOTE = re.compile(r"[ \t\u3000]*(?:的)?(?:相关)?(?:明确规定|规定|明确|指出|载明|写明)?[ \t\u3000]*[：:，,]?[ \t\u3000]*"
                    r"[“\"「『](?P<q>[^”\"」』\n]{2,3000}?)[”\"」』]")
_ELLIPSIS = re.compile(r"……|…|\.{3,}|。{3,}")
_NOT_TEXT = re.compile(r"[^\w]|_")
_DATE = re.compile(r"(\d{4})\s*[-年.]\s*(\d{1,2})\s*[-月.]\s*(\d{1,2})")
_IN_FORCE = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起施行")
_REPEAL_SENTENCE = re.compile(r"废止$")
_SENTENCES = re.compile(r"[。；]")
_CLAIM_NOISE = re.compile(rf"《[^》]*》|第{_NUM}条|依据|根据|按照|依照|规定|的|了|应当|可以")


class RawCitation(BaseModel):
    """A reference as found in a text, not yet checked; `text` == source[start:end]."""

    text: str
    start: int
    end: int
    title: str | None = None
    article_no: int | None = None
    suffix: int = 0
    paragraph: int | None = None
    item: int | None = None
    relative: Literal["self", "previous"] | None = None  # self: 本法/本办法/本条/前款/own title; previous: 该法/上述法律
    quote: str | None = None


def _core(title: str) -> str:
    """A title without 书名号, version notes or a trailing （送审稿）/（试行）: what self titles are compared by."""
    return _TRAILING_NOTES.sub("", normalize_title(title))


def _num(s: str | None) -> int | None:
    return cn_to_int(s) if s else None  # optional 款/项/之N


def _bracket_spans(text: str) -> list[tuple[int, int]]:
    """Spans of outermost 《…》/〈…〉, nesting allowed (《…〈…〉…》, 《…《…》…》); an unclosed one is skipped."""
    spans, i, n = [], 0, len(text)
    while i < n:
        if text[i] in "《〈":
            depth, j = 0, i
            while j < n and j - i < 200 and text[j] != "\n":
                depth += (text[j] in "《〈") - (text[j] in "》〉")
                if depth == 0:
                    spans.append((i, j + 1))
                    break
                j += 1
            if spans and spans[-1][0] == i:
                i = spans[-1][1]
                continue
        i += 1
    return spans


def _cut(run: str) -> str:
    """Heuristic start of a title written without 书名号: after the last verb/preposition, 的, or a joined title."""
    stops = list(_STOP.finditer(run))
    rest = run[stops[-1].end():] if stops else run
    k = rest.rfind("的")
    if k >= 0 and "关于" not in rest[:k] and len(rest) - k > 4:  # not inside 关于…的解释 or …案件的规定
        rest = rest[k + 1:]
    for m in reversed(list(_JOIN.finditer(rest))):
        if _DOC_SUFFIX.search(rest[:m.start()]):  # 食品安全法和广告法: two titles; 城市市容和…条例: one
            rest = rest[m.end():]
            break
    return rest.removeprefix("原")


def _bare_title(run: str, catalog: Catalog | None) -> str | None:
    """The title ending `run`: the longest suffix the catalog resolves, else the heuristic cut."""
    if catalog is not None:
        for i in range(len(run) - 1):
            cand = run[i:]
            if catalog.resolve(cand):
                # 北京市优化营商环境条例 / 中华人民共和国优化营商环境条例 are not the national 优化营商环境条例.
                left = _PLACE.search(_cut(run[:i])) if i else None
                if left and not left.group(0).endswith("城市") and not cand.startswith(PRC):
                    cand = left.group(0) + cand
                return cand
    title = _cut(run)
    return None if len(title) < 3 or _NOT_TITLE.match(title) else title


_PRC_RUN = re.compile(rf"{PRC}[\u4e00-\u9fff]{{2,40}}")


def _prc_title(run: str, catalog: Catalog) -> str | None:
    """The longest known title `run` starts with (中华人民共和国…法 written without 书名号), or None."""
    for end in range(len(run), len(PRC) + 1, -1):
        if run[end - 1] in _BARE_END and catalog.resolve(run[:end]):
            return run[:end]
    return None


def _article_group(text: str, pos: int) -> list[tuple[int, int, int, int, int | None, int | None]]:
    """Articles cited at `pos`: [(start, end, article, suffix, paragraph, item)] for 第X条、第Y条第Z款、第W项 …"""
    m = _ART.match(text, _GAP.match(text, pos).end())
    if not m:
        return []
    cur = (m.start(), m.end(), cn_to_int(m["art"]), _num(m["suf"]) or 0, _num(m["para"]), _num(m["item"]))
    out = [cur]
    while s := _SEP.match(text, cur[1]):
        q = s.end()
        if m := _ART.match(text, q):
            cur = (q, m.end(), cn_to_int(m["art"]), _num(m["suf"]) or 0, _num(m["para"]), _num(m["item"]))
        elif m := _PARA.match(text, q):  # 第十四条第一款、第二款: same article
            cur = (q, m.end(), cur[2], cur[3], _num(m["para"]), _num(m["item"]))
        elif m := _ITEM_ONLY.match(text, q):  # 第十一条第（六）项、第（七）项: same 款
            cur = (q, m.end(), cur[2], cur[3], cur[4], _num(m["item"]))
        else:
            break
        out.append(cur)
    return out


def extract_citations(text: str, *, self_titles: Iterable[str] = (),
                      catalog: Catalog | None = None) -> list[RawCitation]:
    """Every reference in `text`, in order. `self_titles` name the text itself (a draft's title, or a law's own);
    `catalog` lets a title without 书名号 be cut at the longest name it knows."""
    self_titles = [t for t in self_titles if t]
    selves = {_core(t) for t in self_titles}
    taken = bytearray(len(text))  # 1 where a span is already taken, or never to be read (the draft's title line)

    def block(a: int, b: int) -> None:
        taken[a:b] = b"\x01" * (b - a)

    lines = [line for line in _LINE.finditer(text) if len(line.group(0)) <= 120]  # titles are short lines
    for line in lines:  # 关于印发《X》的通知: X is the document itself
        if (issued := _ISSUE.search(line.group(0))) and "。" not in line.group(0):
            selves.add(_core(issued.group(1)))
            block(*line.span())
    # The title line names the draft, not its basis. Only an exact title line: callers also check single clauses.
    for line in lines:
        if _core(line.group(0).strip("#* \t\u3000")) in selves:
            block(*line.span())
    raws: list[RawCitation] = []

    def free(a: int, b: int) -> bool:
        return taken.find(1, a, b) < 0

    def add_group(head_start: int, head_end: int, **kw) -> bool:
        group = _article_group(text, head_end)
        for k, (s, e, art, suf, para, item) in enumerate(group):
            s = head_start if k == 0 else s
            raws.append(RawCitation(text=text[s:e], start=s, end=e, article_no=art, suffix=suf, paragraph=para,
                                    item=item, **kw))
        if group:
            block(head_start, group[-1][1])
            if len(group) == 1 and (q := _QUOTE.match(text, group[0][1])):
                raws[-1].quote = q["q"]
        return bool(group)

    spans = _bracket_spans(text)
    short: dict[str, str] = {}  # 《国有土地上房屋征收与补偿条例》（以下简称《条例》）
    for s, e in spans:
        if m := _ABBREV.match(text, e):
            short[_core(m.group(1))] = text[s + 1:e - 1].strip()
            block(*m.span())
    for s, e in spans:
        core = _core(text[s + 1:e - 1])
        if not free(s, e) or not (_DOC_SUFFIX.search(core) or core in short):
            continue
        kw = {"title": short.get(core, text[s + 1:e - 1].strip()), "relative": "self" if core in selves else None}
        # 原《X》, 《X》同时废止: the draft replacing its predecessor, not relying on it.
        if not add_group(s, e, **kw) and not _REPEALS.match(text, e) and text[s - 1:s] != "原":
            raws.append(RawCitation(text=text[s:e], start=s, end=e, **kw))
            block(s, e)
    for m in _REL.finditer(text):
        if free(m.start(), m.end()):
            rel = "self" if m["rel"] == "本" else "previous"
            add_group(m.start(), m.end(), title=self_titles[0] if rel == "self" and self_titles else None,
                      relative=rel)
    for m in _LOCAL.finditer(text):  # 本条第二款, 前款, 前两条: the text's own provisions
        if free(m.start(), m.end()) and m.group(0) != "本条":
            raws.append(RawCitation(text=m.group(0), start=m.start(), end=m.end(), relative="self",
                                    paragraph=_num(m["para"]), item=_num(m["item"])))
    for m in _ART_ANY.finditer(text):  # titles without 书名号: 行政许可法第十二条
        if not free(m.start(), m.end()):
            continue
        window = max(0, m.start() - 60)
        head = _TRAILING_NOTES.sub("", text[window:m.start()].rstrip(" \t\u3000"))  # 行政处罚法（2021年修订）第十四条
        run = _CJK_RUN.search(head) if head.endswith(_BARE_END) else None
        if run is None:
            continue
        title = next((a for a in sorted(short, key=len, reverse=True) if run.group(0).endswith(a)), None)
        title = title or _bare_title(run.group(0), catalog)
        end = window + len(head)
        if title and free(end - len(title), end):
            add_group(end - len(title), end, title=short.get(title, title))
    if catalog is not None:  # 根据中华人民共和国固体废物污染环境防治法、…: a full title without 书名号 or article
        for m in _PRC_RUN.finditer(text):
            title = _prc_title(m.group(0), catalog)
            if title and text[m.start() - 1:m.start()] != "《" and free(m.start(), m.start() + len(title)):
                if not add_group(m.start(), m.start() + len(title), title=title):
                    raws.append(RawCitation(text=title, start=m.start(), end=m.start() + len(title), title=title))
                    block(m.start(), m.start() + len(title))
    raws.sort(key=lambda r: r.start)
    last: str | None = None
    for r in raws:  # 该法/上述法律 = the last instrument named before it
        if r.relative == "previous":
            r.title = last
        elif r.relative is None and r.title:
            last = r.title
    return raws


# -- checking --------------------------------------------------------------------------------------------------

def suggest_instrument(name: str, catalog: Catalog) -> Instrument | None:
    """The known instrument a misnamed title most likely means (中华人民共和国 added, 暂行/试行 or issuer missing);
    None when the title is simply not in the knowledge base."""
    key = normalize_title(name)
    variants = [key[len(PRC):]] if key.startswith(PRC) else []
    for suffix in ("条例", "办法", "规定"):
        if key.endswith(suffix):
            variants += [key[:-len(suffix)] + w + suffix for w in ("暂行", "试行") if w not in key]
    variants += [key.replace(w, "", 1) for w in ("暂行", "试行") if w in key]
    if key.startswith("关于"):  # 《关于审理行政赔偿案件若干问题的规定》 without its issuer
        variants += [issuer + key for issuer in ("最高人民法院", "国务院", "全国人民代表大会常务委员会")]
    for v in variants:
        inst = catalog.resolve(v)
        if inst and not (key.startswith(PRC) and inst.title.startswith(PRC)):  # resolve() itself adds the prefix
            return inst
    # an implementing instrument of a law under a name it does not have: 《X法实施管理办法》 for 《X法实施条例》
    family = re.match(r"(.+?法)(?:实施)?(?:管理)?(?:办法|细则|条例|规定)$", key)
    if family:
        for w in ("实施条例", "实施细则", "实施办法"):
            inst = catalog.resolve(family.group(1) + w) if family.group(1) + w != key else None
            if inst is not None:
                return inst
    return None


_REPEAL_INDEX: dict[tuple[str, str], dict[str, tuple[str, date | None]]] = {}


def _repeal_clauses(catalog: Catalog) -> dict[str, tuple[str, date | None]]:
    """Title → (见《X》第N条, date) from current texts' repeal clauses (…《Y》同时废止); built once per catalog state."""
    key = (str(catalog.path), catalog.fingerprint())
    if key not in _REPEAL_INDEX:
        index: dict[str, tuple[str, date | None]] = {}
        for a in catalog.articles_containing("废止"):
            if a.status != Status.CURRENT or "废止" not in a.text:
                continue
            day = date(*map(int, when.groups())) if (when := _IN_FORCE.search(a.text)) else None
            if day is None and "自公布之日起施行" in a.text:  # the repealing instrument's own date
                own = catalog.get_instrument(a.instrument_id)
                day = own.effective_date or own.promulgation_date if own else None
            for sentence in _SENTENCES.split(a.text):
                if _REPEAL_SENTENCE.search(sentence):
                    for s, e in _bracket_spans(sentence):
                        index[normalize_title(sentence[s:e])] = (f"见《{a.instrument_title}》{a.label}", day)
        _REPEAL_INDEX[key] = index
    return _REPEAL_INDEX[key]


def _repealed_title(title: str, catalog: Catalog) -> tuple[str, str, date | None] | None:
    """(full title, 见《X》第N条, since) of an instrument the knowledge base does not hold but a current text repeals;
    a national law may be cited without 中华人民共和国."""
    index = _repeal_clauses(catalog)
    key = normalize_title(title)
    for candidate in (key, "中华人民共和国" + key):
        if candidate in index:
            return (candidate, *index[candidate])
    return None


def _repeal_info(inst: Instrument, catalog: Catalog) -> tuple[str | None, date | None]:
    """(what repealed it, since when): the manifest's superseded entry first, then a current repeal clause."""
    by, since = None, None
    for iid in catalog.alias_map().get(normalize_title(inst.title), []):
        other = catalog.get_instrument(iid)
        if other and other.status == Status.REPEALED:  # laws.db's copy says only 已废止; the manifest says more
            m = _DATE.search(other.status_note or "")
            by = by or (f"由《{other.replaced_by}》取代" if other.replaced_by else None)
            since = since or (date(*map(int, m.groups())) if m else None)
    if by is None or since is None:
        clause_by, clause_since = _repeal_clauses(catalog).get(normalize_title(inst.title), (None, None))
        by, since = by or clause_by, since or clause_since
    return by, since


def _paragraphs(article: Article) -> list[str]:
    """款 of an article; item lines （一）… that a source stored as paragraphs belong to the 款 before them."""
    out: list[str] = []
    for p in article.paragraphs or [article.text]:
        if out and ITEM.match(p):
            out[-1] += "\n" + p
        else:
            out.append(p)
    return out


def _plain(s: str) -> str:
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", s))


def _quote_matches(quote: str, source: str) -> bool:
    """The quote's parts, split at ellipses, appear in order in the source (punctuation and spacing ignored)."""
    src, pos = _plain(source), 0
    parts = [p for p in map(_plain, _ELLIPSIS.split(quote)) if p]
    if sum(map(len, parts)) < 4:  # too short to tell anything
        return True
    for part in parts:
        if (pos := src.find(part, pos)) < 0:
            return False
        pos += len(part)
    return True


def _cite(raw: RawCitation, status: CitationStatus, reason: str | None = None, **kw) -> Citation:
    fields = {"instrument": raw.title, "article": _label(raw.article_no, raw.suffix) if raw.article_no else None,
              "article_no": raw.article_no, "paragraph": raw.paragraph, "item": raw.item} | kw
    return Citation(text=raw.text, verified=status == CitationStatus.VERIFIED, status=status, reason=reason,
                    start=raw.start, end=raw.end, **fields)


def check_citation(raw: RawCitation, catalog: Catalog, *, quote: str | None = None,
                   as_of: date | None = None) -> Citation:
    """Check one reference: instrument known and in force (on `as_of`; default: its status now), 条/款/项 exist,
    quote matches. The first failing check gives the status; `quote` of the result is the article's (款's) text."""
    quote = quote if quote is not None else raw.quote
    if raw.relative == "self" and not (raw.title and raw.article_no and catalog.resolve(raw.title)):
        return _cite(raw, CitationStatus.SELF_REFERENCE, "本文件自身的条款，不在知识库中核对")
    if not raw.title:
        return _cite(raw, CitationStatus.UNKNOWN_INSTRUMENT, f"无法确定“{raw.text}”所指的文件")
    inst = catalog.resolve(raw.title)
    if inst is None and (gone := _repealed_title(raw.title, catalog)) is not None:
        # not held, but a current text repeals it (民法典第一千二百六十条: 《合同法》……同时废止)
        title, by, since = gone
        if not (as_of and since and as_of < since):
            when = f"自{since.year}年{since.month}月{since.day}日起" if since else ""
            return _cite(raw, CitationStatus.REPEALED, f"《{title}》{when}已废止，{by}", instrument=title)
    if inst is None:
        written, near = normalize_title(raw.title), suggest_instrument(raw.title, catalog)
        return _cite(raw, CitationStatus.UNKNOWN_INSTRUMENT,
                     f"没有《{written}》，名称有误，应为《{near.title}》" if near else
                     f"知识库未收录《{written}》，无法核实（名称有误，或该文件尚未导入）")
    then = catalog.version_on(inst, as_of) if as_of else inst
    version = then or inst  # None: no version held was in force on that day (the text then may have differed)
    name, label = f"《{inst.title}》", _label(raw.article_no, raw.suffix) if raw.article_no else ""
    art = catalog.get_article(version.id, raw.article_no, raw.suffix) if raw.article_no else None
    found = {"instrument": inst.title, "quote": art.text if art else None}
    # A draft dated when an earlier version was in force cites that version rightly: it is judged by it.
    note = _version_note(version, as_of) if version.id != inst.id else None
    if inst.status == Status.REPEALED:
        by, since = _repeal_info(inst, catalog)
        if not (as_of and since and as_of < since):  # at 备案, a document older than the repeal cited it rightly
            when = f"自{since.year}年{since.month}月{since.day}日起" if since else ""
            return _cite(raw, CitationStatus.REPEALED, f"{name}{when}已废止" + (f"，{by}" if by else ""), **found)
    if version.status == Status.AMENDED and version.id == inst.id:
        return _cite(raw, CitationStatus.AMENDED, f"{name}已修改（{inst.status_note or ''}），请核对现行条文", **found)
    if raw.article_no is None:
        return _cite(raw, CitationStatus.VERIFIED, note or (_TITLE_ONLY if not inst.text_complete else None), **found)
    if version.article_count == 0:
        held = "的题录（名称、文号、日期），未收全文" if not inst.text_complete else "的条文"
        return _cite(raw, CitationStatus.NO_ARTICLE, f"知识库仅收录{name}{held}，无法核对{label}", **found)
    missing: tuple[CitationStatus, str] | None = None
    text = art.text if art else ""
    if art is None:
        total = catalog.max_article(version.id)
        reason = f"{name}共{int_to_cn(total)}条，没有{label}" if raw.article_no > total else f"{name}没有{label}"
        missing = CitationStatus.NO_SUCH_ARTICLE, reason + _elsewhere(catalog, version, raw)
    elif raw.paragraph and raw.paragraph > len(paras := _paragraphs(art)):
        missing = (CitationStatus.NO_SUCH_PARAGRAPH,
                   f"{name}{label}只有{int_to_cn(len(paras))}款，没有第{int_to_cn(raw.paragraph)}款")
    else:
        if raw.paragraph:
            text = found["quote"] = _paragraphs(art)[raw.paragraph - 1]
        if raw.item and not re.search(rf"^\s*[（(]{int_to_cn(raw.item)}[）)]", text, re.M):  # 项 start their lines
            where = label + (f"第{int_to_cn(raw.paragraph)}款" if raw.paragraph else "")
            missing = CitationStatus.NO_SUCH_PARAGRAPH, f"{name}{where}没有第（{int_to_cn(raw.item)}）项"
    if missing and as_of and then is None:
        # The text in force on the document's date is not held: the article may well have existed then.
        return _cite(raw, CitationStatus.AMENDED, f"知识库未收录{_day(as_of)}时施行的{name}（最早收录"
                     f"{_day(catalog.versions(inst)[0].version_date or as_of)}公布的版本），无法按当时的条文核对"
                     f"{label}；现行文本中{missing[1].removeprefix(name)}", **found)
    if missing:
        return _cite(raw, *missing, **found)
    if quote and not _quote_matches(quote, art.text):
        return _cite(raw, CitationStatus.QUOTE_MISMATCH, f"引文与{name}{label}的原文不符", **found)
    return _cite(raw, CitationStatus.VERIFIED, note, **found)


_TITLE_ONLY = "收录题录，未收全文"


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _version_note(version: Instrument, as_of: date) -> str:
    """How a citation judged on an earlier day was checked: against the version in force then."""
    made = f"{_day(version.version_date)}公布的" if version.version_date else "当时施行的"
    return f"按{made}版本核对（{_day(as_of)}时施行）"


def _elsewhere(catalog: Catalog, version: Instrument, raw: RawCitation) -> str:
    """（2017年9月1日公布的版本有此条）: the article exists in another version — the draft may cite an old text."""
    for other in catalog.versions(version):
        if other.id != version.id and catalog.get_article(other.id, raw.article_no, raw.suffix):
            made = f"{_day(other.version_date)}公布的" if other.version_date else "另一"
            return f"（{made}版本有此条，该版本{other.status}）"
    return ""


@lru_cache(maxsize=4096)
def _article_bigrams(text: str) -> frozenset[str]:
    """An article's bigrams, computed once: a draft citing one law a thousand times compares with it each time."""
    return frozenset(bigrams(text))


def claim_mismatch(claim_text: str, article_text: str, other_texts: Iterable[str] = ()) -> bool:
    """True only when the claim's terms clearly match another article of the instrument and not the cited one."""
    terms = bigrams(_CLAIM_NOISE.sub("，", claim_text))
    if len(terms) < 4:  # too little to judge
        return False
    cited = len(terms & _article_bigrams(article_text)) / len(terms)
    best = max((len(terms & _article_bigrams(t)) / len(terms) for t in other_texts), default=0.0)
    return cited < 0.5 and best >= 0.8 and best - cited >= 0.4


_CLAIM_REACH = 300


def _check_claim(c: Citation, text: str, catalog: Catalog, cache: dict[str, list[Article]]) -> Citation:
    """A verified citation whose sentence says what another article of the same instrument says is flagged."""
    inst = catalog.resolve(c.instrument or "")
    if not (inst and c.article and c.quote and c.start is not None):
        return c
    # The sentence around the citation, at most _CLAIM_REACH characters each side: a longer run is no one claim.
    lo, hi = max(0, c.start - _CLAIM_REACH), min(len(text), c.end + _CLAIM_REACH)
    s = max(lo, *(text.rfind(x, lo, c.start) + 1 for x in "。；\n"))
    e = min([i for i in (text.find(x, c.end, hi) for x in "。；\n") if i >= 0] or [hi])
    claim = text[s:c.start] + "，" + text[c.end:e]
    if inst.id not in cache:
        cache[inst.id] = catalog.articles_of(inst.id)
    others = [a for a in cache[inst.id] if a.label != c.article]
    if not claim_mismatch(claim, c.quote, (a.text for a in others)):
        return c
    terms = bigrams(claim)
    best = max(others, key=lambda a: len(terms & _article_bigrams(a.text)))
    # No status of its own: the article "says something else", like a wrong quote.
    return c.model_copy(update={"verified": False, "status": CitationStatus.QUOTE_MISMATCH,
                                "reason": f"所述内容与《{inst.title}》{c.article}不符，更接近{best.label}"})


def check_text(text: str, catalog: Catalog, *, self_titles: Iterable[str] = (), as_of: date | None = None,
               check_claims: bool = False) -> list[Citation]:
    """Extract and check every reference in `text`; `check_claims` adds the conservative paraphrase check."""
    out = [check_citation(r, catalog, as_of=as_of)
           for r in extract_citations(text, self_titles=self_titles, catalog=catalog)]
    if check_claims:
        cache: dict[str, list[Article]] = {}
        out = [_check_claim(c, text, catalog, cache) if c.verified else c for c in out]
    return out


def verify_reference(catalog: Catalog, instrument: str, article_label: str | int | None = None,
                     paragraph: int | None = None, *, item: int | None = None, quote: str | None = None,
                     as_of: date | None = None) -> Citation:
    """Check one (instrument, article) pair, e.g. a rule's basis or an answer's source: ("行政处罚法", "第十六条")."""
    if isinstance(article_label, int):
        number, suffix = article_label, 0
    else:
        number, suffix = parse_article_label(article_label) if article_label else (None, 0)
    label = _label(number, suffix) if number else None
    text = format_citation(Citation(text="", instrument=instrument, article=label, paragraph=paragraph, item=item))
    raw = RawCitation(text=text, start=0, end=0, title=instrument, article_no=number, suffix=suffix,
                      paragraph=paragraph, item=item)
    return check_citation(raw, catalog, quote=quote, as_of=as_of).model_copy(update={"start": None, "end": None})


def format_citation(c: Citation) -> str:
    """《全称》第十六条第二款第三项; 书名号 inside the title are written 〈〉."""
    if not c.instrument:
        return c.text
    title = c.instrument.strip()
    title = title[1:-1] if title.startswith("《") and title.endswith("》") else title
    out = f"《{title.replace('《', '〈').replace('》', '〉')}》{c.article or ''}"
    out += f"第{int_to_cn(c.paragraph)}款" if c.paragraph else ""
    return out + (f"第{int_to_cn(c.item)}项" if c.item else "")


def mark_unverified(text: str, citations: Sequence[Citation]) -> str:
    """Append 〔未核实：reason〕 right after each citation that is not verified (self-references are left alone)."""
    marks: list[tuple[int, str]] = []
    for c in citations:
        if c.verified or c.status == CitationStatus.SELF_REFERENCE:
            continue
        if c.start is not None and c.end is not None and text[c.start:c.end] == c.text:
            end = c.end
        elif c.text and (at := text.find(c.text)) >= 0:  # offsets from another text: find it by its wording
            end = at + len(c.text)
        else:
            continue
        marks.append((end, f"〔未核实：{c.reason or '无法核实'}〕"))
    for end, mark in sorted(marks, key=lambda m: m[0], reverse=True):
        text = text[:end] + mark + text[end:]
    return text
