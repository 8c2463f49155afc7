"""The competence table: who the law lets do what, read from the knowledge base's own texts at ingest.

Each row is one power a sentence of a law, 行政法规, 地方性法规 or 规章 gives to an authority ("由县级以上地方人民政府
公安部门…批准", "报乡（镇）人民政府审核批准", "向所在地城市、县人民政府城乡规划主管部门申请"): the authority as the law
names it, its tier (national … county, town, a sector department named without a level), the action (审批, 登记备案,
处罚, 强制, 收费, 认定 …) and the sentence itself. Nothing is written by hand: the vocabulary of authorities and
actions is data (knowledge_base/lexicon/powers.yaml) and every row keeps the words it was read from.

The review compares a draft's measure (who acts, doing what, on which matter) with the rows on the same matter
(`PowerTable.find`): a 镇 that approves what the law gives to the 县级以上 公安部门 acts beyond its powers, and the
row's article is the basis.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import yaml
from pydantic import BaseModel, Field

from assistant.config import KNOWLEDGE_BASE_DIR
from assistant.models import Article, Basis, Level, Status
from assistant.text.numerals import RATE, rate_over

POWERS_FILE = KNOWLEDGE_BASE_DIR / "lexicon" / "powers.yaml"
# Bump when extraction changes: an older table is rebuilt on the next ingest (and on open when missing).
POWERS_VERSION = 6
# Instruments that give powers (a 规范性文件 or 司法解释 assigns none).
SOURCE_LEVELS = {Level.LAW, Level.ADMIN_REGULATION, Level.LOCAL_REGULATION, Level.RULE}
TIER_RANK: dict[str, int] = {}

SCHEMA = """
CREATE TABLE IF NOT EXISTS powers (
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL, instrument_id TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_powers_article ON powers(article_id);
"""


class Power(BaseModel):
    """One power the law gives: who, what, and the sentence that says so."""

    article_id: str
    instrument: str = Field(description="official title of the instrument")
    article: str = Field(description="第三十三条")
    level: Level
    region: str | None = None
    authority: str = Field(description="the authority as the law names it: 县级以上地方人民政府公安部门")
    tier: str = Field(description="national | provincial | municipal | county | town | self_government | department")
    sector: str | None = Field(None, description="公安, 城乡规划 … (the words before 部门/机关), None for a government")
    action: str = Field(description="approve | register | penalty | coerce | order | fee | certify | supervise | plan | forbid")
    role: str = Field(description="how the sentence names it: 由 (acts), 经/报 (approves), 向 (receives), subject")
    sentence: str
    matter: str | None = Field(None, description="for a prohibition: what is forbidden (强制其委托招标代理机构…); "
                               "for a lead-in (有下列行为之一的，由……): the lead-in with the items it lists")
    terms: list[str] = Field(default_factory=list, description="the words its matter is compared by (read at ingest)")
    sentence_terms: list[str] = Field(default_factory=list, description="for a lead-in: the words of its sentence "
                                      "alone, on which a word's commonness is counted (read at ingest)")

    @property
    def citation(self) -> str:
        return f"《{self.instrument}》{self.article}"


def power_basis(row: Power) -> Basis:
    """A row of the competence table as a verified basis (it was read from the knowledge base's own text)."""
    return Basis(instrument=row.instrument, article=row.article, verified=True, quote=row.sentence)


@dataclass(frozen=True)
class _Vocab:
    tiers: list[tuple[str, int, str, list[re.Pattern[str]]]]
    authority: re.Pattern[str]
    actions: list[tuple[str, str, list[re.Pattern[str]]]]
    stop_words: tuple[str, ...]
    prohibition: re.Pattern[str]


@lru_cache(maxsize=1)
def vocabulary() -> _Vocab:
    """powers.yaml, compiled."""
    data = yaml.safe_load(POWERS_FILE.read_text(encoding="utf-8"))
    tiers = [(t["tier"], int(t["rank"]), t["label"], [re.compile(p) for p in t["patterns"]]) for t in data["tiers"]]
    TIER_RANK.update({t[0]: t[1] for t in tiers})
    actions = [(name, spec["label"], [re.compile(p) for p in spec["patterns"]])
               for name, spec in data["actions"].items()]
    pro = data["prohibitions"]
    prohibition = re.compile(rf"(?P<who>{pro['addressee']})[^。；，]{{0,8}}?不得(?:以任何(?:方式|理由|形式))?[^。；，]{{0,6}}?"
                             rf"(?P<verb>{pro['verb']})(?P<what>[^。；]{{4,80}})")
    return _Vocab(tiers=tiers, authority=_authority_pattern(data), actions=actions,
                  stop_words=tuple(data.get("stop_words") or ()), prohibition=prohibition)


def _authority_pattern(data: dict) -> re.Pattern[str]:
    """A government named by its level (with its department), a sector's authority, a 街道办事处, or 国务院."""
    levels, suffix = data["levels"], data["suffix"]
    sectors = "|".join(sorted(map(re.escape, data["sectors"]), key=len, reverse=True))
    dept = r"(?:行政主管部门|主管部门|行政部门|管理部门|部门|机关|救援机构|管理机构)"
    government = rf"{levels}[\u4e00-\u9fa5、（）]{{0,12}}?人民政府(?:(?:{sectors})[\u4e00-\u9fa5、]{{0,10}}?{dept})?"
    leveled_dept = rf"{levels}[\u4e00-\u9fa5、]{{0,4}}?(?:{sectors})[\u4e00-\u9fa5、]{{0,10}}?{dept}"
    sector_dept = rf"(?:{sectors})[\u4e00-\u9fa5、]{{0,8}}?{dept}"
    other = rf"(?:[\u4e00-\u9fa5]{{0,12}}街道办事处|国务院(?!办公厅)|{levels}{suffix})"
    return re.compile(rf"{government}|{leveled_dept}|{sector_dept}|{other}")


def tier_of(authority: str) -> str | None:
    """The tier of an authority phrase (the first tier whose pattern matches), or None."""
    for tier, _, _, patterns in vocabulary().tiers:
        if any(p.search(authority) for p in patterns):
            return tier
    return None


def tier_label(tier: str) -> str:
    for name, _, label, _ in vocabulary().tiers:
        if name == tier:
            return label
    return tier


def tier_rank(tier: str) -> int:
    vocabulary()
    return TIER_RANK.get(tier, -1)


_SECTOR = re.compile(r"([\u4e00-\u9fa5、]{2,16}?)(?:行政主管部门|主管部门|行政部门|管理部门|部门|机关|机构)$")
_LEVEL_WORDS = re.compile(r"^(?:国务院|国家|省、自治区、直辖市|设区的市|县级以上|县级|地方|各级|人民政府|所在地|当地|有关|本级|"
                          r"城市、县|市、县|县、市|乡、镇|乡（镇）|的)+")


def sector_of(authority: str) -> str | None:
    """公安 for 县级以上地方人民政府公安部门; None for a government itself or a bare 有关部门."""
    m = _SECTOR.search(authority.split("人民政府")[-1])
    if not m:
        return None
    sector = _LEVEL_WORDS.sub("", m.group(1)).strip("、")
    return sector if sector and sector not in ("有关", "相关", "其他有关", "其他") else None


def actions_in(text: str) -> list[str]:
    """Every action class whose pattern matches `text`, in the order they occur."""
    found: list[tuple[int, str]] = []
    for name, _, patterns in vocabulary().actions:
        starts = [m.start() for p in patterns for m in [p.search(text)] if m]
        if starts:
            found.append((min(starts), name))
    return [name for _, name in sorted(found)]


_SENTENCE = re.compile(r"[^。；;\n]+")
_LEAD_IN = re.compile(r"(?:下列|以下)[^。；，]{0,8}之一")


def _lead_in(p: Power) -> bool:
    """A row whose matter is its lead-in sentence with the items it lists (see `extract`)."""
    return bool(p.matter) and p.matter.startswith(p.sentence) and p.matter != p.sentence
_ITEM = re.compile(r"[（(][一二三四五六七八九十]+[）)]([^；;。\n]+)")
_ROLE = re.compile(r"(由|经|报|向|报经|报请|会同)$")
_JOIN = re.compile(r"或者|和|及|、|或|以及|、或者")
_ACTION_WINDOW = 24


def _authorities(sentence: str) -> list[tuple[str, int, int, str]]:
    """(authority, start, end, role) for each authority phrase the sentence names with a role; an authority joined
    to the previous one by 或者/和/、 shares its role ("由乡镇人民政府或者县级人民政府教育行政部门批准")."""
    out: list[tuple[str, int, int, str]] = []
    for m in vocabulary().authority.finditer(sentence):
        before = sentence[max(0, m.start() - 2):m.start()]
        role_m = _ROLE.search(before)
        clause_start = max(sentence.rfind("，", 0, m.start()), sentence.rfind(",", 0, m.start()), -1) + 1
        if role_m:
            role = role_m.group(1)
        elif out and _JOIN.fullmatch(sentence[out[-1][2]:m.start()]):
            role = out[-1][3]
        elif sentence[clause_start:m.start()].strip() == "":
            role = "subject"
        else:
            continue
        out.append((m.group(0), m.start(), m.end(), role))
    return out


def extract(article: Article, instrument_title: str, level: Level, region: str | None) -> list[Power]:
    """The powers one article gives, and the compulsions it forbids."""
    rows: list[Power] = []
    seen: set[tuple[str, str]] = set()
    items = "；".join(_ITEM.findall(article.text))
    for sm in _SENTENCE.finditer(article.text):
        sentence = sm.group(0).strip()
        # the conduct a lead-in refers to is in the items it lists: they are the power's matter
        matter = sentence + "；" + items if items and _LEAD_IN.search(sentence) else None
        for m in vocabulary().prohibition.finditer(sentence):
            rows.append(Power(article_id=article.id, instrument=instrument_title, article=article.label, level=level,
                              region=region, authority=m.group("who"), tier="any", action="forbid", role="不得",
                              sentence=sentence, matter=m.group("verb") + m.group("what")))
        auths = _authorities(sentence)
        for i, (auth, _start, end, role) in enumerate(auths):
            stop = auths[i + 1][1] if i + 1 < len(auths) and auths[i + 1][3] != role else len(sentence)
            window = sentence[end:min(stop, end + _ACTION_WINDOW)]
            if role == "向":
                # 向…申请/提出申请 → the authority decides on it; 向…备案/登记/报告 → it receives the filing
                actions = ["register"] if re.match(r"[^，。]{0,6}(备案|登记|报告)", window) else (
                    ["approve"] if re.match(r"[^，。]{0,8}(申请|申领|提出申请|提交申请)", window) else [])
            else:
                actions = actions_in(window)
            tier = tier_of(auth)
            if tier is None:
                continue
            for action in actions:
                if (auth, action) in seen:
                    continue
                seen.add((auth, action))
                rows.append(Power(article_id=article.id, instrument=instrument_title, article=article.label,
                                  level=level, region=region, authority=auth, tier=tier, sector=sector_of(auth),
                                  action=action, role=role, sentence=sentence, matter=matter))
    return rows


# -- storage ------------------------------------------------------------------------------------------

def with_terms(rows: list[Power]) -> list[Power]:
    """Rows with the words of their matter, so that loading the table needs no tokenising."""
    for p in rows:
        p.terms = sorted(matter_terms(p.matter or p.sentence, [p.authority]))
        p.sentence_terms = sorted(_sentence_terms(p)) if _lead_in(p) else []
    return rows


def _sentence_terms(p: Power) -> set[str]:
    return matter_terms(p.sentence, [p.authority])


def read_all(catalog) -> list[Power]:
    """Read the powers of every current law, regulation and rule in a catalog."""
    insts = {i.id: i for i in catalog.instruments()}
    out: list[Power] = []
    for art in catalog.iter_articles(searchable=True):  # the versions in force, not earlier ones
        inst = insts.get(art.instrument_id)
        if inst is None or inst.level not in SOURCE_LEVELS or inst.status == Status.REPEALED:
            continue
        out.extend(extract(art, inst.title, inst.level, inst.region))
    return with_terms(out)


def build(catalog) -> int:
    """(Re)build the powers table stored in a catalog (run by every ingest); returns the row count."""
    rows = read_all(catalog)  # with their terms
    conn: sqlite3.Connection = catalog._conn()
    with conn:
        conn.executescript(SCHEMA)
        conn.execute("DELETE FROM powers")
        conn.executemany("INSERT INTO powers (article_id, instrument_id, data) VALUES (?,?,?)",
                         [(p.article_id, p.article_id.rsplit(":", 1)[0], p.model_dump_json()) for p in rows])
    catalog.set_meta("powers_version", str(POWERS_VERSION))
    return len(rows)


def load(catalog) -> list[Power]:
    """The stored table; a knowledge base built before it existed (or by an older version) gets it read in
    memory, without writing: readers never change a generation."""
    if catalog.get_meta("powers_version") != str(POWERS_VERSION):
        return read_all(catalog)
    rows = catalog._conn().execute("SELECT data FROM powers ORDER BY id").fetchall()
    return [Power.model_validate_json(r[0]) for r in rows]


# -- matching ------------------------------------------------------------------------------------------

# Words that name an authority (a draft names its own plainly: 镇政府, 区绿化市容局, 街道办事处, 城建办) or glue one
# to its role (经镇, 由乡): not the matter.
_AUTHORITY_WORD = re.compile(r"(政府|办事处|局|委|委员会|办|办公室|中心|所|队|街道|部门|机关|机构)$|^[由经向报须][镇乡区县市]$|^[镇乡区县市]$")


def _terms(text: str) -> set[str]:
    """Content words (jieba, legal dictionary) of a text."""
    from assistant.kb.lexical import content_words

    return set(content_words(text))


def matter_terms(sentence: str, authorities: Iterable[str] = ()) -> set[str]:
    """The words a sentence's matter is compared by: authority names, actions and function words left out."""
    text = sentence
    for a in authorities:
        text = text.replace(a, " ")
    text = vocabulary().authority.sub(" ", text)
    stop = set(vocabulary().stop_words)
    return {t for t in _terms(text) if t not in stop and len(t) >= 2 and not _AUTHORITY_WORD.search(t)}


class PowerTable:
    """The table in memory, searchable by matter (the words of a sentence other than its authorities)."""

    def __init__(self, powers: Iterable[Power]) -> None:
        self.powers = list(powers)
        self._grams: list[set[str]] = []
        self._inverted: dict[str, list[int]] = {}
        df: dict[str, int] = {}
        for i, p in enumerate(self.powers):
            grams = set(p.terms) or matter_terms(p.matter or p.sentence, [p.authority])
            self._grams.append(grams)
            for g in grams:
                self._inverted.setdefault(g, []).append(i)
            # how common a word is, counted on the sentences themselves: a lead-in's items (its matter) are found by
            # their words, but do not make those words common (临时建设 stays rare though many penalties list it)
            for g in ((set(p.sentence_terms) or _sentence_terms(p)) & grams if _lead_in(p) else grams):
                df[g] = df.get(g, 0) + 1
        self._df = {g: df.get(g, 1) for g in self._inverted}

    def find(self, text: str, *, actions: Iterable[str] | None = None, k: int = 10,
             min_share: float = 0.4, min_shared: int = 2, rare: bool = False) -> list[tuple[Power, float]]:
        """Rows on the same matter as `text`: the share of the row's matter words (or of a shorter query's) they
        have in common, rarer words weighing more; best first, restricted to `actions` when given; with `rare`, only
        rows sharing at least one word few rows use (a matter, not a manner of speaking)."""
        query = matter_terms(text)
        if not query:
            return []
        wanted = set(actions) if actions else None
        min_shared = min(min_shared, len(query))  # a one-word query ("临时建设") needs that word only
        n = len(self.powers) or 1
        query_total = sum(_idf(n, self._df.get(g, 1)) for g in query)
        cand: dict[int, list[str]] = {}
        for g in query:
            for i in self._inverted.get(g, ()):
                cand.setdefault(i, []).append(g)
        out: list[tuple[Power, float]] = []
        for i, shared in cand.items():
            p = self.powers[i]
            if len(shared) < min_shared or (wanted is not None and p.action not in wanted):
                continue
            if rare and min(self._df[g] for g in shared) > max(3, n // 200):
                continue  # only common words in common (接到报告, 及时处理): no matter shared
            hit = sum(_idf(n, self._df[g]) for g in shared)
            total = min(sum(_idf(n, self._df[g]) for g in self._grams[i]), query_total) or 1.0
            share = hit / total  # of the row's matter, or of a short query's
            if share >= min_share:
                out.append((p, share))
        out.sort(key=lambda t: -t[1])
        return out[:k]


def _idf(n: int, df: int) -> float:
    import math

    return math.log(1 + n / df)


_TABLES: dict[tuple[str, str], PowerTable] = {}


def table_for_catalog(catalog) -> PowerTable:
    """The competence table of a catalog, loaded once per process and knowledge-base version."""
    key = (str(catalog.path), catalog.fingerprint())
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = PowerTable(load(catalog))
    return table


def table_for(kb) -> PowerTable:
    """The competence table of an open knowledge base."""
    return table_for_catalog(kb.catalog)


_FEE_NAME = re.compile(r"([\u4e00-\u9fa5]{3,12})费")
_GENERIC_FEE = {"相关", "有关", "各项", "工作", "管理", "服务", "其他", "工本", "处理", "收费"}


def fee_in_law(sentence: str, table: PowerTable) -> Power | None:
    """The row of the law that sets a fee the sentence names (生活垃圾处理费 → a law's "生活垃圾处理收费制度"), or None.
    The fee's name is the longest ending of the words before 费 that a fee-setting sentence of the law contains."""
    fee_rows = [p for p in table.powers if p.action == "fee"]
    for m in _FEE_NAME.finditer(sentence):
        words = m.group(1)
        for i in range(len(words) - 2):
            stem = words[i:]
            if stem in _GENERIC_FEE:
                break
            row = next((p for p in fee_rows if stem in p.sentence), None)
            if row is not None:
                return row
    return None


_PAYS = "缴纳|交纳|收取|征收|计收"
_FEE_LEVELS = {Level.LAW, Level.ADMIN_REGULATION, Level.LOCAL_REGULATION, Level.RULE}


def fee_in_catalog(sentence: str, catalog) -> Power | None:
    """A fee the sentence names that a current law, regulation or rule makes payable in so many words, though no
    authority is named collecting it ("……应当缴纳水土保持补偿费": 水土保持法第三十二条); None when none does."""
    return next(_fee_rows(sentence, catalog), None)


def fee_over_ceiling(sentence: str, catalog) -> tuple[Power, tuple[str, str]] | None:
    """(the law's row, (the draft's rate, the law's ceiling)) when the sentence collects a fee the law makes payable
    at a rate above the ceiling the law puts on it (百分之三十 against 城市房地产管理法第二十六条's 百分之二十以下)."""
    if not RATE.search(sentence):
        return None  # no rate of the draft's own: nothing to compare (and no scan of the catalog)
    for row in _fee_rows(sentence, catalog):
        if over := rate_over(sentence, row.sentence):
            return row, over
    return None


def _fee_rows(sentence: str, catalog) -> Iterator[Power]:
    for m in _FEE_NAME.finditer(sentence):
        words = m.group(1)
        for i in range(len(words) - 3):
            stem = words[i:] + "费"
            if words[i:] in _GENERIC_FEE:
                break
            for a in catalog.articles_containing(stem):
                if a.level not in _FEE_LEVELS or a.status == Status.REPEALED:
                    continue
                # "征收相当于土地使用权出让金百分之二十以下的土地闲置费": the rate may stand between
                said = re.search(rf"[^。；]*(?:{_PAYS})[^。；，]{{0,24}}{re.escape(stem)}[^。；]*"
                                 rf"|[^。；]*{re.escape(stem)}的(?:收取|征收)[^。；]*",
                                 a.text)
                if said:
                    yield Power(article_id=a.id, instrument=a.instrument_title, article=a.label, level=a.level,
                                authority="", tier="any", action="fee", role="subject", sentence=said.group(0))


_LICENCE_NAME = re.compile(r"《([^《》]{2,30}?(?:许可证|许可|执照|经营证|资格证|资质证书))》|([\u4e00-\u9fa5]{2,14}?许可证?)")
_GENERIC_LICENCE = {"行政许可", "许可", "审批许可", "相关许可", "有关许可"}


_HANDED_IN = re.compile(r"(?:提交|提供|报送|附送|附具|出示)[^。；]{0,80}?(?:等)?(?:材料|资料|复印件|文件)")


def licence_in_law(sentence: str, table: PowerTable) -> Power | None:
    """The row of the law that sets a licence the sentence names (《港口经营许可证》 → 港口法 "港口经营许可"), or None
    when the sentence names none or the law has none of that name."""
    handed_in = [x.span() for x in _HANDED_IN.finditer(sentence)]
    for m in _LICENCE_NAME.finditer(sentence):
        if any(a <= m.start() < b for a, b in handed_in):
            continue  # a licence among the papers an applicant hands in is not the approval the sentence requires
        name = (m.group(1) or m.group(2) or "").strip()
        stem = re.sub(r"^(?:取得|办理|申领|领取|申请|核发|颁发|依法|持有|更新|变更)+", "", name).removesuffix("证")
        if len(stem) < 4 or stem in _GENERIC_LICENCE:
            continue
        for p in table.powers:
            if p.action == "approve" and stem in p.sentence:
                return p
    return None
