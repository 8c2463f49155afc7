"""Citations: find every reference to a legal instrument in a text and check it against the catalog.

Forms handled: 《全称》/《简称》第十六条, 〈…〉, nested 书名号 (《…〈…〉…》, 《…《…》…》), titles written without
书名号 directly before 第X条 (行政许可法第十二条), 第十四条第二款, 第十一条第（六）项, 第十条之一, lists
(第六十一条、第六十五条, 第十四条第一款、第二款) and ranges (第十四条至第十七条: each END is one citation; the
articles between exist when both ends do), title-only references, and relative ones: 该法/上述法律 (the last
named instrument), 本法/本办法/本规定… (the text itself: in a draft never looked up), 本条第二款, 前款, 前条.
A bare 第十二条 with no instrument is the text's own article and is not a citation; a bare title with no
article is not one either (only a title in 书名号 is: it may name a repealed instrument).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

from pydantic import BaseModel

from assistant.kb.catalog import PRC, Catalog, normalize_title
from assistant.models import Article, Citation, CitationStatus, Instrument, Status
from assistant.text.numerals import CN_NUM, cn_to_int, int_to_cn, parse_article_label
from assistant.text.numerals import article_label as _label
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
# Comma is deliberately not a list separator: "《X》第十条，第十一条……" in a draft is usually the draft's next article.
_SEP = re.compile(r"\s*(?P<sep>、|以及|或者|和|及|与|或|至|到|—|－|~|～)\s*")
# A version note or 文号 between title and article: 《行政处罚法》（2021年修订）第十四条, 《…》（建设部令第11号）.
_GAP = re.compile(r"[ \t\u3000]*(?:[（(][^（）()\n]{1,40}[）)][ \t\u3000]*)?")
_TRAILING_NOTES = re.compile(r"(?:[（(][^（）()]*[）)])+$")
# What a title in 书名号 must end with to be an instrument (not a certificate 《…准入证》 or a form 《…登记表》).
_DOC_SUFFIX = re.compile(r"(?:法|法典|条例|规定|办法|细则|规则|解释|决定|决议|意见|通知|批复|答复|纲要|措施|章程|准则|规程)$")
_BARE_END = "法例定则释典"  # last characters of 法/条例/规定/决定/细则/解释/法典 (and 办法)
_REL = re.compile(rf"(?P<rel>本|该|上述|前述)(?P<kind>法典|法律|法规|规章|实施细则|实施办法|法|条例|办法|规定|细则|规则|"
                  rf"决定|解释|意见|通知|方案|措施|政策|文件)(?=\s*第\s*{_NUM}\s*条)")
_LOCAL = re.compile(rf"本条(?=\s*第\s*(?:{_NUM}\s*款|[（(]?\s*{_NUM}\s*[）)]?\s*项))|前(?:[一二两三四五六七八九十]+)?[条款项](?!件)")
_STOP = re.compile(r"依据|根据|按照|依照|遵照|参照|比照|违反|适用|执行|符合|对照|援引|引用|参考|结合|贯彻|落实|属于|即")
_PLACE = re.compile(r"(?:[\u4e00-\u9fff]{1,8}(?:省|自治区|市|自治州|州|盟|县|旗|区|镇|乡)|中华人民共和国)$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff〇]{2,40}$")
_REPEALS = re.compile(r"(?:\s*[、，,和及与]?\s*(?:《[^》\n]{0,80}》|[（(][^（）()\n]{0,40}[）)]))*\s*"
                      r"(?:同时|即行|予以|一并)?(?:废止|停止执行|失效)")
_ISSUE = re.compile(r"印发《(.+)》")
_QUOTE = re.compile(r"[ \t\u3000]*(?:的)?(?:相关)?(?:明确规定|规定|明确|指出|载明|写明)?[ \t\u3000]*[：:，,]?[ \t\u3000]*"
                    r"[“\"「『](?P<q>[^”\"」』\n]{2,3000}?)[”\"」』]")
_ELLIPSIS = re.compile(r"……|…|\.{3,}|。{3,}")
_NOT_TEXT = re.compile(r"[^\w]|_")
_DATE = re.compile(r"(\d{4})\s*[-年.]\s*(\d{1,2})\s*[-月.]\s*(\d{1,2})")


class RawCitation(BaseModel):
    """A reference as found in a text, before it is checked. `text` == source[start:end]."""

    text: str
    start: int
    end: int
    title: str | None = None
    article_no: int | None = None
    suffix: int = 0
    paragraph: int | None = None
    item: int | None = None
    relative: str | None = None  # "self" (本法/本办法/本条/前款 or the text's own title) | "previous" (该法/上述法律)
    quote: str | None = None


def _core(title: str) -> str:
    """A title without 书名号, version notes or trailing （送审稿）/（试行）: what self titles are compared by."""
    return _TRAILING_NOTES.sub("", normalize_title(title))


def _num(s: str | None) -> int | None:
    return cn_to_int(s) if s else None


def _bracket_spans(text: str) -> list[tuple[int, int]]:
    """Spans of outermost 《…》/〈…〉, nesting allowed (《…〈…〉…》, 《…《…》…》); an unclosed one is skipped."""
    spans, i, n = [], 0, len(text)
    while i < n:
        if text[i] in "《〈":
            depth, j = 0, i
            while j < n and j - i < 200 and text[j] != "\n":
                depth += text[j] in "《〈"
                depth -= text[j] in "》〉"
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
    if k >= 0 and "关于" not in rest[:k]:  # …的规定/…的解释 titles start with 关于
        rest = rest[k + 1:]
    for m in reversed(list(re.finditer(r"[和及与]", rest))):
        if _DOC_SUFFIX.search(rest[:m.start()]):  # 食品安全法和广告法: two titles; 城市市容和…条例: one
            rest = rest[m.end():]
            break
    return re.sub(r"^(?:原|现行|新|修订后的)", "", rest)


def _bare_title(run: str, catalog: Catalog | None) -> str | None:
    """The title at the end of `run`: the longest suffix the catalog resolves, else the heuristic cut."""
    if catalog is not None:
        for i in range(len(run) - 1):
            cand = run[i:]
            if catalog.resolve(cand):
                left = _PLACE.search(_cut(run[:i])) if i else None
                # 北京市优化营商环境条例 / 中华人民共和国优化营商环境条例 are not the national 优化营商环境条例.
                if left and not left.group(0).endswith("城市") and not cand.startswith(PRC):
                    cand = left.group(0) + cand
                return cand
    title = _cut(run)
    if len(title) < 3 or re.match(r"有关|相关|上述|前述|其他|下列|以下|如下|本|该", title):
        return None
    return title


def _article_group(text: str, pos: int) -> list[tuple[int, int, int, int, int | None, int | None]]:
    """Articles cited right at `pos`: [(start, end, article, suffix, paragraph, item)] for 第X条、第Y条第Z款 …"""
    p = _GAP.match(text, pos).end()
    m = _ART.match(text, p)
    if not m:
        return []
    cur = (m.start(), m.end(), cn_to_int(m["art"]), _num(m["suf"]) or 0, _num(m["para"]), _num(m["item"]))
    out = [cur]
    while (s := _SEP.match(text, out[-1][1])) is not None:
        q = s.end()
        if m := _ART.match(text, q):
            cur = (q, m.end(), cn_to_int(m["art"]), _num(m["suf"]) or 0, _num(m["para"]), _num(m["item"]))
        elif m := _PARA.match(text, q):
            cur = (q, m.end(), cur[2], cur[3], _num(m["para"]), _num(m["item"]))
        elif m := _ITEM_ONLY.match(text, q):
            cur = (q, m.end(), cur[2], cur[3], cur[4], _num(m["item"]))
        else:
            break
        out.append(cur)
    return out


def extract_citations(text: str, *, self_titles: Iterable[str] = (), catalog: Catalog | None = None) -> list[RawCitation]:
    """Every reference in `text`, in order; `self_titles` name the text itself (a draft's title, or a law's)."""
    self_titles = [t for t in self_titles if t]
    selves = {_core(t) for t in self_titles}
    self_title = self_titles[0] if self_titles else None
    blocked: list[tuple[int, int]] = []
    first = re.search(r"[^\s].*", text)
    if first and not re.match(r"[#*\s]*第", first.group(0)) and len(first.group(0)) <= 120 and "。" not in first.group(0):
        if issued := _ISSUE.search(first.group(0)):  # 关于印发《X》的通知: X is the document itself
            selves.add(_core(issued.group(1)))
        if self_titles or issued:  # the draft's own title line names the draft, not a basis
            blocked.append(first.span())

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in blocked)

    raws: list[RawCitation] = []

    def add_group(head_start: int, head_end: int, **kw) -> bool:
        group = _article_group(text, head_end)
        for k, (s, e, art, suf, para, item) in enumerate(group):
            s = head_start if k == 0 else s
            raws.append(RawCitation(text=text[s:e], start=s, end=e, article_no=art, suffix=suf, paragraph=para,
                                    item=item, **kw))
        if group:
            blocked.append((head_start, group[-1][1]))
            if len(group) == 1 and (q := _QUOTE.match(text, group[0][1])):
                raws[-1].quote = q["q"]
        return bool(group)

    for s, e in _bracket_spans(text):
        inner = text[s + 1:e - 1]
        core = _core(inner)
        if not free(s, e) or not _DOC_SUFFIX.search(core):
            continue
        kw = {"title": inner.strip(), "relative": "self" if core in selves else None}
        if not add_group(s, e, **kw) and not _REPEALS.match(text, e):  # the draft repealing its predecessor
            raws.append(RawCitation(text=text[s:e], start=s, end=e, **kw))
            blocked.append((s, e))
    for m in _REL.finditer(text):
        if free(m.start(), m.end()):
            rel = "self" if m["rel"] == "本" else "previous"
            add_group(m.start(), m.end(), title=self_title if rel == "self" else None, relative=rel)
    for m in _LOCAL.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if m.group(0) == "本条":  # 本条第二款: the lookahead guarantees a 款 or 项 follows
            para = _PARA.match(text, m.end()) or _ITEM_ONLY.match(text, m.end())
            if para:
                raws.append(RawCitation(text=text[m.start():para.end()], start=m.start(), end=para.end(),
                                        relative="self", paragraph=_num(para.groupdict().get("para")),
                                        item=_num(para["item"])))
                blocked.append((m.start(), para.end()))
        else:  # 前款/前条/前两条: the text's own provisions
            raws.append(RawCitation(text=m.group(0), start=m.start(), end=m.end(), relative="self"))
    for m in _ART_ANY.finditer(text):
        if not free(m.start(), m.end()):
            continue
        window = max(0, m.start() - 60)
        head = re.sub(r"[（(][^（）()]{1,20}[）)][ \t\u3000]*$", "", text[window:m.start()])
        run = _CJK_RUN.search(head) if head.endswith(tuple(_BARE_END)) else None
        title = _bare_title(run.group(0), catalog) if run else None
        end = window + len(head)
        if title and free(end - len(title), end):
            add_group(end - len(title), end, title=title)
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
    """The known instrument a misnamed title most likely means (prefix 中华人民共和国 added, 暂行/试行 missing)."""
    key = normalize_title(name)
    variants = [key[len(PRC):]] if key.startswith(PRC) else []
    for suffix in ("条例", "办法", "规定"):
        if key.endswith(suffix):
            variants += [key[:-len(suffix)] + w + suffix for w in ("暂行", "试行") if w not in key]
    variants += [key.replace(w, "", 1) for w in ("暂行", "试行") if w in key]
    for v in variants:
        inst = catalog.resolve(v)
        # Only a mismatch of exactly these words: 中华人民共和国X must not map onto a title with the prefix.
        if inst and not (key.startswith(PRC) and inst.title.startswith(PRC)):
            return inst
    return None


_REPEAL_INDEX: dict[tuple[str, str], dict[str, tuple[str, date | None]]] = {}


def _repeal_clauses(catalog: Catalog) -> dict[str, tuple[str, date | None]]:
    """Normalised title → (《X》第N条, date) from current texts' repeal clauses (…《Y》同时废止), built once."""
    key = (str(catalog.path), catalog.fingerprint())
    if key not in _REPEAL_INDEX:
        index: dict[str, tuple[str, date | None]] = {}
        for a in catalog.iter_articles():
            if a.status != Status.CURRENT or "废止" not in a.text:
                continue
            when = re.search(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起施行", a.text)
            day = date(*map(int, when.groups())) if when else None
            for sentence in re.split(r"[。；]", a.text):
                if re.search(r"(?:同时|予以)?废止$", sentence):
                    for s, e in _bracket_spans(sentence):
                        index[normalize_title(sentence[s:e])] = (f"《{a.instrument_title}》{a.label}", day)
        _REPEAL_INDEX[key] = index
    return _REPEAL_INDEX[key]


def _repeal_info(inst: Instrument, catalog: Catalog) -> tuple[str | None, date | None]:
    """(what repealed it, since when): from the manifest's superseded entry, else a current repeal clause."""
    for iid in catalog.alias_map().get(normalize_title(inst.title), []):
        other = catalog.get_instrument(iid)
        if other and other.status == Status.REPEALED and (other.replaced_by or other.status_note):
            m = _DATE.search(other.status_note or "")
            return (f"《{other.replaced_by}》" if other.replaced_by else None,
                    date(*map(int, m.groups())) if m else None)
    return _repeal_clauses(catalog).get(normalize_title(inst.title), (None, None))


def _paragraphs(article: Article) -> list[str]:
    """款 of an article; item lines （一）… stored as separate paragraphs by some sources join their 款."""
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
    parts = [p for p in (_plain(x) for x in _ELLIPSIS.split(quote)) if p]
    if sum(map(len, parts)) < 4:  # too short to say anything
        return True
    for part in parts:
        pos = src.find(part, pos)
        if pos < 0:
            return False
        pos += len(part)
    return True


def _cite(raw: RawCitation, status: CitationStatus, reason: str | None = None, **kw) -> Citation:
    label = _label(raw.article_no, raw.suffix) if raw.article_no else None
    fields = {"instrument": raw.title, "article": label, "article_no": raw.article_no, "paragraph": raw.paragraph,
              "item": raw.item} | kw
    return Citation(text=raw.text, verified=status == CitationStatus.VERIFIED, status=status, reason=reason,
                    start=raw.start, end=raw.end, **fields)


def check_citation(raw: RawCitation, catalog: Catalog, *, quote: str | None = None,
                   as_of: date | None = None) -> Citation:
    """Check one reference: the instrument exists and is in force (on `as_of`), the article/款/项 exist, the quote matches."""
    quote = quote if quote is not None else raw.quote
    if raw.relative == "self" and not (raw.title and raw.article_no and catalog.resolve(raw.title)):
        return _cite(raw, CitationStatus.SELF_REFERENCE, "本文件自身的条款，不在知识库中核对")
    if not raw.title:
        return _cite(raw, CitationStatus.UNKNOWN_INSTRUMENT, f"无法确定“{raw.text}”所指的文件")
    inst = catalog.resolve(raw.title)
    if inst is None:
        near = suggest_instrument(raw.title, catalog)
        reason = (f"没有《{normalize_title(raw.title)}》，名称有误，应为《{near.title}》" if near else
                  f"知识库未收录《{normalize_title(raw.title)}》，无法核实（名称有误，或该文件尚未导入）")
        return _cite(raw, CitationStatus.UNKNOWN_INSTRUMENT, reason)
    name, label = f"《{inst.title}》", _label(raw.article_no, raw.suffix) if raw.article_no else ""
    art = catalog.get_article(inst.id, raw.article_no, raw.suffix) if raw.article_no else None
    found = {"instrument": inst.title, "quote": art.text if art else None}
    if inst.status == Status.REPEALED:
        by, since = _repeal_info(inst, catalog)
        if not (as_of and since and as_of < since):
            when = f"自{since.year}年{since.month}月{since.day}日起" if since else ""
            return _cite(raw, CitationStatus.REPEALED, f"{name}{when}已废止" + (f"，依据或替代文件为{by}" if by else ""),
                         **found)
    if inst.status == Status.AMENDED:
        return _cite(raw, CitationStatus.AMENDED, f"{name}已修改（{inst.status_note or '见现行文本'}），请核对现行条文",
                     **found)
    if raw.article_no is None:
        return _cite(raw, CitationStatus.VERIFIED, **found)
    if inst.article_count == 0:
        return _cite(raw, CitationStatus.NO_ARTICLE, f"知识库未收录{name}的条文，无法核对{label}", **found)
    if art is None:
        total = catalog.max_article(inst.id)
        reason = f"{name}共{int_to_cn(total)}条，没有{label}" if raw.article_no > total else f"{name}没有{label}"
        return _cite(raw, CitationStatus.NO_SUCH_ARTICLE, reason, **found)
    text = art.text
    if raw.paragraph:
        paras = _paragraphs(art)
        if raw.paragraph > len(paras):
            return _cite(raw, CitationStatus.NO_SUCH_PARAGRAPH,
                         f"{name}{label}只有{int_to_cn(len(paras))}款，没有第{int_to_cn(raw.paragraph)}款", **found)
        text = found["quote"] = paras[raw.paragraph - 1]
    if raw.item and not re.search(rf"^[ \t\u3000]*[（(]{int_to_cn(raw.item)}[）)]", text, re.M):
        where = label + (f"第{int_to_cn(raw.paragraph)}款" if raw.paragraph else "")
        return _cite(raw, CitationStatus.NO_SUCH_PARAGRAPH, f"{name}{where}没有第（{int_to_cn(raw.item)}）项", **found)
    if quote and not _quote_matches(quote, art.text):
        return _cite(raw, CitationStatus.QUOTE_MISMATCH, f"引文与{name}{label}的原文不符", **found)
    return _cite(raw, CitationStatus.VERIFIED, **found)


def _bigrams(text: str) -> set[str]:
    return {seg[i:i + 2] for seg in re.findall(r"[\u4e00-\u9fff]+", text) for i in range(len(seg) - 1)}


_CLAIM_NOISE = re.compile(rf"《[^》]*》|第{_NUM}条|依据|根据|按照|依照|规定|的|了|应当|可以")


def claim_mismatch(claim_text: str, article_text: str, other_texts: Iterable[str] = ()) -> bool:
    """True only when the claim clearly matches another article of the instrument and not the cited one."""
    terms = _bigrams(_CLAIM_NOISE.sub("，", claim_text))
    if len(terms) < 4:
        return False
    cited = len(terms & _bigrams(article_text)) / len(terms)
    best = max((len(terms & _bigrams(t)) / len(terms) for t in other_texts), default=0.0)
    return cited < 0.5 and best >= 0.8 and best - cited >= 0.4


def _check_claim(c: Citation, text: str, catalog: Catalog, cache: dict[str, list[Article]]) -> Citation:
    """Flag a verified citation whose sentence says what a different article of the same instrument says."""
    inst = catalog.resolve(c.instrument or "")
    if not (inst and c.article_no and c.quote and c.start is not None):
        return c
    s = max(text.rfind(x, 0, c.start) for x in "。；\n") + 1
    e = min([i for i in (text.find(x, c.end) for x in "。；\n") if i >= 0] or [len(text)])
    claim = text[s:c.start] + "，" + text[c.end:e]
    arts = cache.setdefault(inst.id, catalog.articles_of(inst.id))
    others = [a for a in arts if a.label != c.article]
    if not claim_mismatch(claim, c.quote, (a.text for a in others)):
        return c
    best = max(others, key=lambda a: len(_bigrams(claim) & _bigrams(a.text)))
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
    """《全称》第十六条第二款第三项; a title with inner 书名号 writes them as 〈〉."""
    if not c.instrument:
        return c.text
    title = normalize_title(c.instrument) if "《" not in c.instrument else c.instrument.strip("《》")
    title = title.replace("《", "〈").replace("》", "〉")
    out = f"《{title}》{c.article or ''}"
    if c.paragraph:
        out += f"第{int_to_cn(c.paragraph)}款"
    if c.item:
        out += f"第{int_to_cn(c.item)}项"
    return out


def mark_unverified(text: str, citations: Sequence[Citation]) -> str:
    """Append 〔未核实：reason〕 after each citation that is not verified (self-references are left alone)."""
    marks: list[tuple[int, str]] = []
    for c in citations:
        if c.verified or c.status == CitationStatus.SELF_REFERENCE:
            continue
        end = c.end if c.end is not None and text[c.start:c.end] == c.text else (
            text.find(c.text) + len(c.text) if c.text and c.text in text else None)
        if end is not None:
            marks.append((end, f"〔未核实：{c.reason or '无法核实'}〕"))
    for end, mark in sorted(marks, key=lambda m: m[0], reverse=True):
        text = text[:end] + mark + text[end:]
    return text
