"""The upper-level articles on the same matter as a finding, retrieved from the knowledge base (DESIGN §3b).

For every content finding the engine retrieves the articles of laws, 行政法规, 地方性法规 and 规章 that govern the same
matter (the knowledge base's own hybrid search, the finding's sentence as the query) and compares them with the
sentence:
- a sentence that restates a 款 of such an article — most of its words, and the measure itself (the 罚款, the 许可,
  the 不得开工) — is the law's own rule copied, not a measure the draft sets: the finding is set aside, with the
  article it restates;
- otherwise the finding keeps the related articles it was compared with (`compared_with`), or says that no article
  governing the matter was found — never one written from memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.models import Article, Basis, Finding, Hit, Level, SetAside, Status
from assistant.review.measures import MODAL
from assistant.review.sentences import PARTIES, fine_bounds
from assistant.text.grams import bigrams

Search = Callable[[str, int], list[Hit]]

UPPER_LEVELS = {Level.LAW, Level.ADMIN_REGULATION, Level.LOCAL_REGULATION, Level.RULE}
# The measure a restating 款 must itself contain, by code.
MEASURE = {
    "C.LICENSE": r"许可|批准|审批|核准|审查|同意|不得开工|方可|登记|备案",
    "C.PENALTY": r"罚款|没收|吊销|暂扣|责令停|警告|通报|处罚|拘留|关闭",
    "C.COERCION": r"查封|扣押|冻结|强制|拆除|代履行",
    "C.FEE": r"费|收取|缴纳|保证金|基金",
    "C.CERTIFICATE": r"证明|材料",
}
RESTATES = 0.6   # share of the draft sentence's words a restating sentence of the law holds …
COVERS = 0.5     # … and of that sentence's words the draft holds (a boilerplate tail of a long 款 is no restatement)
RELATED = 0.3    # share for an article to be named as compared with
MIN_MATTER = 8   # words of matter a sentence needs to be compared at all
# What restating cannot excuse: a measure the actor may not take, a basis that is minutes, dates.
NOT_COMPARED = ("C.BASIS_INVALID", "C.VALIDITY", "C.RETROACTIVE", "C.MINUTES", "C.ULTRA_VIRES")
# A draft sentence whose actor is a town's own body: copying a law's sentence with its level word changed is no
# restatement when the law gives the power to a higher authority.
_TOWN_ACTOR = re.compile(r"(?:[镇乡]|街道)(?:人民政府|政府|办事处)?[\u4e00-\u9fa5]{0,12}?(?:部门|办公室|中心|办|所|队)?")
_HIGHER = re.compile(r"县级以上|县级|设区的市|省、自治区、直辖市|国务院|市、县|城市、县")
K = 8
NOT_FOUND = "（比对：知识库中未检索到就该事项作出规定的法律、法规、规章条文。）"


def _paragraphs(hit: Hit) -> list[str]:
    return hit.article.paragraphs or [hit.article.text]


def article_basis(a: Article, quote: str) -> Basis:
    """A verified basis quoting the words of an article read from the knowledge base."""
    return Basis(instrument=a.instrument_title, article=a.label, verified=True, quote=quote)


# Words every penalty clause shares, left out so that only the matter is compared.
_BOILERPLATE = re.compile(r"[\d一二三四五六七八九十百千万两.]+(?:万)?(?:元|日|个月|年|倍)?|以上|以下|拒不改正|责令改正|限期改正|并处|处以?|"
                          r"罚款|违反本(?:办法|规定|法|条例|细则)(?:的)?规定|依法|予以|可以|应当|的")


def _matter(text: str) -> set[str]:
    return bigrams(_BOILERPLATE.sub(" ", text))


def _sentences(para: str) -> list[str]:
    """The sentences of a 款, and runs of two and three of them (a draft often joins what the law says in two)."""
    parts = [x for x in re.split(r"[。；]", para) if len(x) >= 6]
    return parts + ["，".join(parts[i:i + n]) for n in (2, 3) for i in range(len(parts) - n + 1)]


# an operator named by its own name: a place or brand and the kind of firm (汶阳农村商业银行, 绿源环保科技有限公司)
_NAMED = re.compile(r"[\u4e00-\u9fa5]{2,12}(?:农村商业银行|农商银行|有限责任公司|股份有限公司|有限公司|集团)")


def restates(sentence: str, law_sentence: str, mine: set[str] | None = None) -> bool:
    """Whether a draft sentence copies a sentence of the law: most words shared both ways, and the same actor level
    (a town body put where the law names a 县级以上 authority is not the law's rule)."""
    mine = mine if mine is not None else _matter(sentence)
    theirs = _matter(law_sentence)
    if len(mine) < MIN_MATTER or not theirs:
        return False
    common = len(mine & theirs)
    if common / len(mine) < RESTATES or common / len(theirs) < COVERS:
        return False
    if any(name not in law_sentence for name in _NAMED.findall(sentence)):
        return False  # a bank or company the draft names, where the law names none (在汶阳农村商业银行开设)
    return not (_HIGHER.search(law_sentence) or re.search(r"(部门|机关)", law_sentence)) \
        or not _TOWN_ACTOR.search(sentence) or bool(_HIGHER.search(sentence))


# A penalty restated in other words: the conduct (what stands before "的，") is the law's, and so is every kind of
# sanction (对擅自占用绿地的，由区绿化市容局责令限期归还，恢复原状，并处罚款 — 城市绿化条例第二十七条)
_CONDUCT = re.compile(r"^(?:对|凡)?(?:违反本[\u4e00-\u9fa5]{1,4}规定[，,]?)?(?P<conduct>[^，,。；]{4,40}?)的[，,]")
_SANCTIONS = re.compile(r"罚款|没收|吊销|暂扣|(?:责令)?停(?:产|业)(?:停业|整治|整顿|整改)?|暂停(?:经营|营业|生产)|警告|通报批评|拘留"
                        r"|责令关闭")
CONDUCT_SHARE = 0.6  # of the conduct's words the law's sentence must hold
# words of any conduct (逾期仍不缴纳, 拒不改正, 未按照规定履行职责): the conduct compared is what is left
_ANY_CONDUCT = re.compile(r"逾期|仍|拒不|不予?|未按照?|未|按照|规定|改正|整改|补缴|缴纳|履行|职责|义务|责令|限期|要求|相关|有关|其"
                          r"|有?(?:下列|以下)[^，,]{0,4}之一")  # a lead-in's conduct is in its items, not in its words


PERMIT = re.compile(r"[\u4e00-\u9fa5]{4}(?:许可证|执照)")


def sanctions_within(sentence: str, law_sentence: str) -> bool:
    """Whether every kind of sanction the draft names is the law's too: a fine added to the law's 责令停止建设 is new."""
    return _sanction_kinds(sentence) <= _sanction_kinds(law_sentence)


def _sanction_kinds(text: str) -> set[str]:
    """The kinds of sanction a sentence names, 责令停产整治 and 责令停业整顿 alike one kind (行政处罚法第九条第四项)."""
    return {"停产停业" if "停" in k else k for k in _SANCTIONS.findall(text)}


def restates_penalty(sentence: str, law_sentence: str) -> bool:
    """Whether a draft's penalty is the law's for the same conduct, reworded: the conduct's words in the law's
    sentence, every sanction the draft names named there too, and the same actor level (see `restates`)."""
    m = _CONDUCT.search(sentence)
    if not m or not _SANCTIONS.search(sentence) or not sanctions_within(sentence, law_sentence):
        return False
    conduct = bigrams(_ANY_CONDUCT.sub("，", m.group("conduct")))
    if len(conduct) < 3 or len(conduct & bigrams(law_sentence)) / len(conduct) < CONDUCT_SHARE:
        return False
    # building without a 乡村建设规划许可证 is another conduct than without a 建设工程规划许可证
    if any(name not in law_sentence for name in PERMIT.findall(m.group("conduct"))):
        return False
    return not (_HIGHER.search(law_sentence) or re.search(r"(部门|机关)", law_sentence)) \
        or not _TOWN_ACTOR.search(sentence) or bool(_HIGHER.search(sentence))


_ENCOURAGED = re.compile(r"鼓励|提倡|倡导|引导|支持")
DUTY = re.compile(MODAL)  # a duty imposed (应当/必须/须)


def encourages_only(law_sentence: str) -> bool:
    """A sentence of the law that only encourages (鼓励保险公司承保……): a draft making it a duty does not restate it."""
    return bool(_ENCOURAGED.search(law_sentence)) and not DUTY.search(law_sentence)


def _yuan(value: float) -> str:
    if value == float("inf"):
        return "不限"
    return f"{value / 10000:g}万元" if value >= 10000 and value % 1000 == 0 else f"{value:g}元"


def outside_range(sentence: str, law_sentence: str) -> str | None:
    """How a fine the draft copies from a law's sentence leaves the law's range ("上位法规定X至Y，本条为A至B"), or
    None when it stays inside it or either side sets no sum (行政处罚法第十四条: only within the range the law sets)."""
    mine = fine_bounds(sentence)
    named = {n for n, rx in PARTIES.items() if rx.search(sentence)}
    if len(named) == 1:  # a fine on 单位 compared with the law's range for 单位, not its range for 个人
        other = PARTIES[({*PARTIES} - named).pop()]
        law_sentence = "；".join(x for x in re.split(r"[。；]", law_sentence)
                                if not (other.search(x) and not PARTIES[next(iter(named))].search(x)))
    law = fine_bounds(law_sentence)
    if mine is None or law is None or (law[0] <= mine[0] and mine[1] <= law[1]):
        return None
    return f"上位法规定的罚款幅度为{_yuan(law[0])}至{_yuan(law[1])}，本条为{_yuan(mine[0])}至{_yuan(mine[1])}"


def compare_with_law(findings: list[Finding], search: Search) -> tuple[list[Finding], list[SetAside]]:
    """Each content finding compared with the upper-level articles on its matter (see the module docstring)."""
    kept: list[Finding] = []
    aside: list[SetAside] = []
    for f in findings:
        if not f.code.startswith("C.") or not f.evidence or f.code in NOT_COMPARED:
            kept.append(f)
            continue
        mine = _matter(f.evidence)
        if len(mine) < MIN_MATTER:
            kept.append(f)
            continue
        measure = re.compile(MEASURE.get(f.code, r"."))
        related: list[tuple[float, Hit, str]] = []
        restated: tuple[Hit, str] | None = None
        departs: tuple[Hit, str, str] | None = None  # the law's sentence copied with its fine's range changed
        for hit in search(f.evidence, K):
            a = hit.article
            if a.level not in UPPER_LEVELS or a.status == Status.REPEALED:
                continue
            for para in _paragraphs(hit):
                law = next((x for x in _sentences(para) if measure.search(x) and not encourages_only(x)
                            and (f.code != "C.PENALTY" or sanctions_within(f.evidence, x))
                            and (restates(f.evidence, x, mine)
                                 or f.code == "C.PENALTY" and restates_penalty(f.evidence, x))), None)
                if law is not None and measure.search(f.evidence):
                    changed = outside_range(f.evidence, law) if f.code == "C.PENALTY" else None
                    if changed is None:
                        restated = (hit, law)
                        break
                    departs = departs or (hit, law, changed)
                    continue
                share = len(mine & bigrams(para)) / len(mine)
                if share >= RELATED:
                    related.append((share, hit, para))
            if restated:
                break
        if restated:
            hit, para = restated
            aside.append(SetAside(code=f.code, location=f.location, evidence=f.evidence, source=f.source,
                                  reason=f"本条复述{hit.article.citation}（“{para[:80]}”），不是新设的措施",
                                  compared_with=[article_basis(hit.article, para)]))
            continue
        related.sort(key=lambda t: -t[0])
        if f.code == "C.PENALTY" and departs is None:
            # the closest article that fines at all, its range often in a lead-in 款 apart from the conduct's item
            fining = next((t for t in related if fine_bounds("；".join(_paragraphs(t[1])))), None)
            changed = fining and outside_range(f.evidence, "；".join(_paragraphs(fining[1])))
            departs = (fining[1], fining[2], changed) if fining and changed else None
        seen: set[str] = set()
        compared = []
        if departs:
            hit, law, changed = departs
            seen.add(hit.article.id)
            compared.append(article_basis(hit.article, law))
            f = f.model_copy(update={"explanation": (f.explanation or "")
                                     + f"（比对：{hit.article.citation}，{changed}，不在上位法规定的幅度内。）"})
        for _, hit, para in related:
            if hit.article.id not in seen and len(compared) < 2:
                seen.add(hit.article.id)
                compared.append(article_basis(hit.article, para))
        f = f.model_copy(update={"compared_with": [*f.compared_with, *compared]})
        if not f.compared_with and f.explanation and NOT_FOUND not in f.explanation:
            f = f.model_copy(update={"explanation": f.explanation + NOT_FOUND})
        kept.append(f)
    return kept, aside
