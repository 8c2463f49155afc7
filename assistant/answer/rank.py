"""Choosing the articles that answer a question: a candidate pool from retrieval, re-ranked by features.

Retrieval (kb.search) ranks articles for a query; an answer needs the one or two articles that answer
*this* question. The pool is the hybrid top hits plus the best lexical hits inside the instruments the
question points at (by words of their titles, or because retrieval keeps landing in them). Each candidate
is then scored by:

- ``rrf``: its place in the hybrid ranking;
- ``terms``: a character-bigram BM25 over the pool itself — robust to typos (申情期限), colloquial compounds
  (申请费 / 费用) and word-segmentation differences, and discriminative inside one instrument;
- ``affinity``: how specifically the question names the article's instrument (复议 → 行政复议法);
- ``focus``: how much of the hybrid ranking's mass falls on the article's instrument;
- ``kind``: whether the article can answer the kind of question (a period for 多久, a body for 找谁 …);
- ``sets``: for a question whether an instrument may set a measure, whether the article says who may set what.

`domain_score` says whether a question is about law at all (off-topic questions are answered "not found").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.answer.question import Kind, Question
from assistant.kb.catalog import PRC
from assistant.models import Article, Hit, Status

POOL_K = 40  # hybrid hits taken into the pool
FOCUS_K = 15  # lexical hits taken from each instrument the question points at (and from each helper query)
FOCUS_INSTRUMENTS = 3
UNIGRAM_WEIGHT = 0.35  # a shared character is weak evidence next to a shared bigram

WEIGHTS = {"rrf": 1.0, "terms": 1.0, "affinity": 0.35, "focus": 0.35, "kind": 0.15, "boiler": -0.5, "sets": 0.8}

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters and bigrams of how people ask, not of what they ask about.
_ASK_CHARS = set("的了是在和与或及等对由为以于之其该这那吗呢啊哇吧呀么嘛能不可会要有没怎样如何什哪些个多少还就都也又被把给让"
                 "我你他她它们俺咱咋啥请问一下中上下后前时里想说讲呗哈嗯")
_ASK_BIGRAMS = {"能不", "不能", "可以", "是否", "怎么", "什么", "哪些", "多少", "应当", "规定", "如何", "这样", "那个", "这个",
                "一下", "请问", "我们", "他们", "你们", "有关", "相关", "问题", "情况", "还能", "要求"}
# Title words that say what kind of instrument it is, not what it is about.
_TITLE_NOISE = re.compile(r"中华人民共和国|最高人民法院|全国人民代表大会常务委员会|国务院|关于|若干问题|问题|适用|审理|案件|"
                          r"的|规定|条例|实施|办法|暂行|解释|决定|批复|法典|法$|《|》|〈|〉")
# Articles that never answer a question by themselves: purpose (为了…，制定本法), entry into force, repeal, who
# interprets.
_BOILER = re.compile(r"^(?:本(?:法|条例|规定|办法|决定|解释)自.{4,20}(?:起)?施行|.{0,40}(?:同时|即行)废止|"
                     r"本(?:法|条例|规定|办法)由.{2,30}负责解释|为了?[^。]{4,120}(?:制定|特制定)本(?:法|条例|规定|办法|决定)。?$)")

# An article on who may set a measure: what answers 规范性文件能不能设定罚款 (a premise question).
_SETS = re.compile(r"不得设定|只能由[^，。；]{0,12}设定|一律不得|可以设定|不得[^，。；]{0,10}设定")
# …one that says a document below 规章 may not: what answers 规范性文件能不能设定罚款 first;
_LOW_SETS = re.compile(r"规范性文件[^。；]{0,12}不得[^。；]{0,6}设定|不得设定")
# …and the reservation to law of what restricts personal freedom (拘留).
_RESERVED_ASKED = re.compile(r"拘留|限制人身自由")
_RESERVED = re.compile(r"限制人身自由[^。；]{0,20}只能由法律设定")
# Kinds of instrument a question may ask about (规章可以设定…吗): the article naming it as able to set answers.
_KINDS_OF_INSTRUMENT = ("地方性法规", "行政法规", "规章", "法律")

# What an article must contain to answer each kind of question.
_KIND_IN_ARTICLE: dict[Kind, re.Pattern[str]] = {
    Kind.DURATION: re.compile(r"[一二三四五六七八九十百两\d]+\s*(?:个)?(?:工作日|日|天|个月|月|年)|期限|期间|届满|之日起"),
    Kind.AMOUNT: re.compile(r"[一二三四五六七八九十百千万两\d]+\s*(?:元|倍)|百分之|万分之|%|数额|限额|比例|费用|收取"),
    Kind.WHO: re.compile(r"人民政府|机关|部门|机构|法院|委员会|负责|管辖"),
    Kind.YES_NO: re.compile(r"不得|禁止|可以|应当|无效|不予|一律|只能|有权|必须"),
    Kind.LIST: re.compile(r"下列|[（(][一二三四五六七八九十][）)]|、.{1,20}、"),
    Kind.DEFINITION: re.compile(r"是指|所称|包括|属于"),
    Kind.HOW: re.compile(r"应当|可以|依法|处理|给予|责令"),
}


@dataclass
class Candidate:
    """A pooled article with its features and score."""

    hit: Hit
    rank: int | None  # best place in a hybrid ranking (1-based), None when it came from a focused search only
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def article(self) -> Article:
        """The candidate's article."""
        return self.hit.article


def grams(text: str) -> list[str]:
    """Character bigrams and content characters of the CJK runs of `text`, without those of asking."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out += [run[i:i + 2] for i in range(len(run) - 1) if run[i:i + 2] not in _ASK_BIGRAMS
                and not (run[i] in _ASK_CHARS and run[i + 1] in _ASK_CHARS)]
        out += [c for c in run if c not in _ASK_CHARS]
    return out


def _query_grams(text: str) -> Counter[str]:
    return Counter(grams(text))


def _bm25(query: Counter[str], docs: list[Counter[str]], lengths: list[int], k1: float = 1.2,
          b: float = 0.6) -> list[float]:
    n = len(docs)
    if not n:
        return []
    avg = sum(lengths) / n or 1.0
    df = Counter(g for d in docs for g in d if g in query)
    out = []
    for d, length in zip(docs, lengths):
        s = 0.0
        for g, qtf in query.items():
            tf = d.get(g, 0)
            if not tf:
                continue
            idf = math.log(1 + (n - df[g] + 0.5) / (df[g] + 0.5))
            # Unigrams say less than bigrams: a shared character is weak evidence on its own.
            weight = 1.0 if len(g) == 2 else UNIGRAM_WEIGHT
            s += weight * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg))
        out.append(s)
    return out


def title_core(title: str) -> str:
    """What a title is about: 中华人民共和国行政复议法实施条例 → 行政复议."""
    return _TITLE_NOISE.sub("", title.removeprefix(PRC))


@lru_cache(maxsize=8)
def _title_stats(fingerprint: str, titles: tuple[str, ...]) -> tuple[dict[str, float], int]:
    # In how many instruments' titles each bigram occurs: 复议 in two, 行政 in dozens.
    df: Counter[str] = Counter()
    for t in titles:
        core = title_core(t)
        df.update({core[i:i + 2] for i in range(len(core) - 1)})
    n = len(titles)
    return {g: math.log(1 + n / c) for g, c in df.items()}, n


class Ranker:
    """Pools and ranks candidates for a question on one knowledge base."""

    def __init__(self, kb) -> None:
        self.kb = kb
        self.fingerprint = kb.fingerprint
        insts = [i for i in kb.catalog.instruments()
                 if i.article_count and i.status != Status.REPEALED and i.is_current_version]
        self.instruments = {i.id: i for i in insts}
        self._title_idf, _ = _title_stats(kb.fingerprint, tuple(sorted(i.title for i in insts)))
        self._cores = {i.id: title_core(i.title) for i in insts}

    # -- instruments the question points at ---------------------------------------------------------

    def affinity(self, text: str) -> dict[str, float]:
        """Instrument id → how specifically the question's words occur in its title (0..1)."""
        q = {g for g in grams(text) if len(g) == 2}
        if not q:
            return {}
        raw: dict[str, float] = {}
        for iid, core in self._cores.items():
            if len(core) < 2:
                continue
            matched = {core[i:i + 2] for i in range(len(core) - 1)} & q
            if matched:
                total = sum(self._title_idf.get(core[i:i + 2], 0.0) for i in range(len(core) - 1)) or 1.0
                got = sum(self._title_idf.get(g, 0.0) for g in matched)
                # Share of the title matched, weighted by how rare its bigrams are among titles.
                raw[iid] = got / total * min(1.0, got / 4.0)
        top = max(raw.values(), default=0.0)
        return {k: v / top for k, v in raw.items() if top and v / top >= 0.3}

    # -- the pool -------------------------------------------------------------------------------------

    def pool(self, question: Question, extra_queries: tuple[str, ...] = ()) -> list[Candidate]:
        """The hybrid top hits (of the question and of any helper queries) plus focused hits from the
        instruments the question points at, scored and sorted."""
        hits = self.kb.search(question.text, POOL_K)
        cands = {h.article.id: Candidate(hit=h, rank=i + 1) for i, h in enumerate(hits)}
        for extra in extra_queries:
            for i, h in enumerate(self.kb.search(extra, FOCUS_K)):
                c = cands.setdefault(h.article.id, Candidate(hit=h, rank=None))
                c.rank = min(c.rank or 10**6, i + 1)
        focus = self._focus_mass(hits)
        aff = self.affinity(question.text)
        targets = sorted(set(aff) | set(focus), key=lambda i: -(aff.get(i, 0) + focus.get(i, 0)))[:FOCUS_INSTRUMENTS]
        for iid in targets:
            for h in self.kb.search(question.text, FOCUS_K, mode="lexical", instrument=[iid]):
                if h.article.id not in cands:
                    cands[h.article.id] = Candidate(hit=h, rank=None)
        out = list(cands.values())
        top_focus = max(focus.values(), default=0.0) or 1.0
        for c in out:  # properties of the instrument for the whole question, kept when parts are rescored
            c.features = {"affinity": aff.get(c.article.instrument_id, 0.0),
                          "focus": focus.get(c.article.instrument_id, 0.0) / top_focus}
        self.score(question, out)
        return sorted(out, key=lambda c: -c.score)

    def rescore(self, question: Question, pool: list[Candidate]) -> list[Candidate]:
        """The same pool scored for a part of the question (one of several sub-questions)."""
        out = [Candidate(hit=c.hit, rank=c.rank, features={k: c.features.get(k, 0.0) for k in ("affinity", "focus")})
               for c in pool]
        self.score(question, out)
        return sorted(out, key=lambda c: -c.score)

    @staticmethod
    def _focus_mass(hits: list[Hit], top: int = 20) -> dict[str, float]:
        mass: Counter[str] = Counter()
        for h in hits[:top]:
            if h.matched_by != "lookup":
                mass[h.article.instrument_id] += h.score
        total = sum(mass.values())
        return {k: v / total for k, v in mass.items()} if total else {}

    def score(self, question: Question, cands: list[Candidate]) -> None:
        """Set each candidate's features and score (affinity and focus were set when it was pooled)."""
        q = _query_grams(question.text)
        docs = [Counter(grams(c.article.text)) for c in cands]
        lengths = [max(1, len(c.article.text)) for c in cands]
        terms = _bm25(q, docs, lengths)
        top_terms = max(terms, default=0.0) or 1.0
        for c, t in zip(cands, terms):
            a = c.article
            f = {
                "rrf": 10.0 / (10 + c.rank) if c.rank else 0.0,
                "terms": t / top_terms,
                "affinity": c.features.get("affinity", 0.0),
                "focus": c.features.get("focus", 0.0),
                "kind": _kind_match(question.kinds, a.text),
                "boiler": 1.0 if _BOILER.match(a.text) else 0.0,
                "sets": _sets(question, a.text),
            }
            if c.hit.matched_by == "lookup":
                f["lookup"] = 1.0
            c.features = f
            c.score = sum(WEIGHTS.get(k, 0.0) * v for k, v in f.items()) + (10.0 if "lookup" in f else 0.0)


# Words of asking that happen to be frequent in statutes (办法, 直接, 要求…): no evidence of a legal topic.
_NOT_DOMAIN = {"办法", "怎么办", "直接", "要求", "可以", "不能", "能否", "应当", "问题", "情况", "需要", "什么", "有关", "相关",
               "规定", "一般", "其他", "我们", "他们", "这个", "那个", "时候", "现在", "今天", "明天", "为什么"}
DOMAIN_MIN = 5.0  # log-odds above which a word is a word of the law rather than of everyday talk


def domain_score(kb, text: str) -> float | None:
    """How strongly the question's words belong to the knowledge base rather than everyday language: the
    highest log-odds of a word's article frequency in the knowledge base over its frequency in jieba's
    general dictionary. None when the index does not expose document frequencies (then do not judge)."""
    from assistant.kb.lexical import query_tokens

    tokens = set(query_tokens(text))  # first: this loads jieba's dictionary, whose frequencies are read below
    try:
        import jieba

        model = kb.lexical.model
        indptr, vocab, n = model.scores["indptr"], model.vocab_dict, int(model.scores["num_docs"])
        freq, total = jieba.dt.FREQ, jieba.dt.total
    except (AttributeError, KeyError, TypeError, ImportError):
        return None
    if not freq or not total or not n:
        return None
    best = float("-inf")
    for t in tokens:
        tid = vocab.get(t)
        if len(t) < 2 or t in _NOT_DOMAIN or tid is None or tid + 1 >= len(indptr):
            continue
        df = int(indptr[tid + 1] - indptr[tid])
        if df < 2:
            continue
        best = max(best, math.log((df + 1) / n) - math.log((freq.get(t, 0) + 1) / total))
    return best


def _sets(question: Question, text: str) -> float:
    """1 for the article that settles who may set the measure asked about, ½ for one on setting measures."""
    if not (question.premise or question.authority) or not _SETS.search(text):
        return 0.0
    if _RESERVED_ASKED.search(question.text) and _RESERVED.search(text):
        return 1.0
    if question.premise:
        head = (question.category or "").split("的")[-1].split(" ")[0]  # 限制人身自由的行政处罚 → 行政处罚
        return 1.0 if _LOW_SETS.search(text) and head in text else 0.5
    kinds = [k for k in _KINDS_OF_INSTRUMENT if k in question.text]
    if kinds and any(k in sentence and "设定" in sentence for sentence in re.split(r"[。；]", text) for k in kinds[:1]):
        return 1.0
    return 0.5


def _kind_match(kinds: set[Kind], text: str) -> float:
    relevant = [k for k in kinds if k in _KIND_IN_ARTICLE]
    if not relevant:
        return 0.0
    return sum(1.0 for k in relevant if _KIND_IN_ARTICLE[k].search(text)) / len(relevant)
