"""Comparison with the upper-level law and with what the issuer may do at all (DESIGN §3b).

These checks do not match the draft's wording to a list. They read the measure a sentence imposes and compare it
with the competence table built from the knowledge base's own texts at ingest (assistant/kb/powers.py):

- `forbidden_duty`: the law protects some freedoms in so many words — "任何单位和个人不得强制其委托招标代理机构办理
  招标事宜" (招标投标法第十二条). A sentence that makes the same act a duty of the people it regulates contradicts the
  article. Only compulsion (强制, 强迫, 指定, 限定, 摊派) is compared: "不得要求……提交无关材料" turns on a word
  (无关/相关) that a comparison of matters cannot weigh.
- `filing_review`: a filing (备案) the authority examines on substance and grants only to what passes is a licence.
- `competence`: a 镇 or 街道 (or one of its offices) exercising a power the law gives to a 县级以上 authority — an
  approval, a registration, a penalty — acts beyond its powers; so does a town office named as the sector authority
  of a law copied with only its level word changed (镇文物行政管理部门), and a county body granting what the law gives
  the province (建设公墓) or the 设区的市.
Voting thresholds are compared in `threshold.py`.
Each finding names the article it was compared with (`compared_with`), verified because it was read from the KB.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from assistant.kb.powers import Power, PowerTable, actions_in, power_basis, tier_label, tier_rank
from assistant.models import Clause, Finding
from assistant.review.checks.patterns import make_finding, segments_of
from assistant.review.context import ReviewContext
from assistant.review.issuer import IssuerKind
from assistant.review.measures import MODAL, official
from assistant.review.schema import Rule


class ForbiddenDutyParams(BaseModel):
    """`forbidden_duty` takes no params: what it compares with is the competence table."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FilingReviewParams(BaseModel):
    """A filing (`filing`) examined on substance (`review`) and granted only to what passes (`grant`), unless a law
    or regulation sets the filing (`statutory`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    filing: re.Pattern[str]
    review: re.Pattern[str]
    grant: re.Pattern[str]
    statutory: re.Pattern[str]


class CompetenceParams(BaseModel):
    """Which issuers the check reads, and how closely a table row must share the clause's matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuers: frozenset[IssuerKind] = frozenset({IssuerKind.TOWN})
    min_share: float = Field(0.6, description="share of the row's matter words the sentence must hold")
    overrides: frozenset[str] = Field(frozenset(), description="codes or rules this finding displaces on its sentence")

COMPULSION = re.compile(r"^(强制|强迫|指定|限定|摊派)")
_MANDATE = re.compile(rf"{MODAL}|一律")
# a choice, a permission or a prohibition is no compulsion ("自行组织招标，或者委托……")
_NEGATED = re.compile(r"不得|禁止|严禁|不应|无需|不必|自愿|可以|鼓励|自主|自行|或者?委托")
# what the compulsion is to do: the first of these in the prohibition's matter must be what the draft mandates
_ACT = re.compile(r"委托|购买|参加|参与|使用|接受|选择|选用|缴纳|加入|安装|投保|流转|租赁|采购|捐献|捐赠|出具|提供")
# designating a supplier (not appointing one's own staff: 指定部门或者人员负责)
_DESIGNATES = re.compile(r"指定(?!(?:专门)?(?:部门|人员|专人|联系人|负责人|机构负责))|限定|只能|仅限|统一(?:由|向|到|在)|一律(?:由|向|到|在)")
MIN_SHARE = 0.5


def _first_compared(rule: Rule, clause: Clause, ctx: ReviewContext, find: Callable[[str, PowerTable], Power | None],
                    detail: Callable[[Power], str], *,
                    code: Callable[[Power], str | None] = lambda row: None) -> list[Finding]:
    """The finding of the first sentence of a clause for which `find` returns a row of the competence table (under
    the code `code` gives for the row, else the rule's)."""
    table = ctx.powers()
    if table is None:
        return []
    for seg in segments_of(clause, ctx):
        row = find(seg.text, table)
        if row is not None and seg.lead_elsewhere and find(seg.text[:seg.lead_len], table) is not None:
            continue  # the lead-in's own paragraph carries what the lead-in alone says
        if row is not None:
            f = _compared(rule, clause, seg.evidence, row, detail(row))
            f.code = code(row) or f.code
            return [f]
    return []


def _compared(rule: Rule, clause: Clause, evidence: str, row: Power, detail: str) -> Finding:
    f = make_finding(rule, clause, evidence, detail)
    f.basis = [*f.basis, power_basis(row)]
    f.compared_with = [power_basis(row)]
    return f


# -- a duty the law forbids to compel --------------------------------------------------------------------------

def forbidden_duty(sentence: str, table: PowerTable) -> Power | None:
    """The prohibition of compulsion a mandatory sentence runs into, or None. The duty must fall on someone other
    than the issuer (an authority binding itself compels no one) and be the act the law protects from compulsion."""
    mandate = _MANDATE.search(sentence)
    if not mandate or _NEGATED.search(sentence) or official(sentence[:mandate.start()].strip(" ，,"), internal=False):
        return None
    # the matter must be shared, not just the manner of speaking ("指定……单位" is said of many sectors)
    for row, _share in table.find(sentence, actions=["forbid"], min_share=MIN_SHARE, rare=True):
        verb = COMPULSION.match(row.matter or "")
        if not verb:
            continue
        if verb.group(1) in ("指定", "限定"):
            if _DESIGNATES.search(sentence):
                return row
            continue
        # the act the law protects must be what the sentence mandates (应当委托…), not a word further on
        # (应当签订书面流转合同 mandates a contract's form, not the 流转 itself)
        act = _ACT.search(row.matter or "")
        if act and re.match(rf"(?:统一|一律|全部|均)?(?:(?:向|在|到|从|将|把)[^，。；]{{1,16}}?)?(?:统一|一律|全部)?{act.group(0)}",
                            sentence[mandate.end():]):
            return row
    return None


def check_forbidden_duty(rule: Rule, p: ForbiddenDutyParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.OBLIGATION (C.COMPETITION for a designation) where a clause makes a duty of what the law forbids to compel."""
    return _first_compared(rule, clause, ctx, forbidden_duty, lambda row: f"{row.citation}规定：“{row.sentence}”",
                           code=lambda row: "C.COMPETITION" if re.match(r"(指定|限定)", row.matter or "") else None)


# -- an outright ban of what the law licenses -------------------------------------------------------------------

class TotalBanParams(BaseModel):
    """The shortest run of words a ban and the law's licence must share (the thing banned: 烟花爆竹)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_common: int = Field(4, description="characters of the banned thing the licensing article must name")


# 全面禁止销售、燃放烟花爆竹 / 一律禁止……: a ban with no place, time or condition of its own
_TOTAL_BAN = re.compile(r"(?:全面|一律|全域|全部|全年)(?:禁止|禁售|禁放)(?P<what>[^。；，,]{2,30})")
# a ban within areas the sentence draws (下列区域, a river's 干流, a road's 路段): the zoning the law lets a government
# do (烟花爆竹安全管理条例第二十八条), not every place and time
_ZONED = re.compile(r"(?:下列|以下)(?:区域|地点|水域|范围|路段)|干流|支流|河段|水域|路段|以内|(?<!行政)区域内|(?<!行政区域)范围内")
# the activity banned must be one the law's row is about, not a word of the ban's manner
_BAN_ACTS = re.compile(r"生产|经营|销售|燃放|运输|储存|饲养|养殖|设置|使用|从事|开办|举办")


def _common_run(a: str, b: str) -> str:
    """The longest run of characters `a` and `b` share."""
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best


def total_ban(sentence: str, table: PowerTable, min_common: int) -> Power | None:
    """The law's licence of an activity the sentence bans outright (the law lets the competent authority approve
    what the draft forbids everyone to do), or None."""
    m = _TOTAL_BAN.search(sentence)
    if not m or not _BAN_ACTS.search(m.group("what")) or _ZONED.search(sentence[:m.start()]):
        return None
    thing = _BAN_ACTS.sub("", m.group("what")).strip("、和及或与")
    if len(thing) < min_common:
        return None
    acts = set(_BAN_ACTS.findall(m.group("what")))
    rows = [row for row in table.powers if row.action == "approve" and _BAN_ACTS.search(row.sentence)
            and len(_common_run(thing, row.sentence)) >= min_common]
    # the licence of the very activity banned first (销售 → the row that licenses selling), else of the thing
    return next((row for row in rows if acts & set(_BAN_ACTS.findall(row.sentence))), rows[0] if rows else None)


def check_total_ban(rule: Rule, p: TotalBanParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.OBLIGATION where a clause bans outright an activity the law subjects to a licence: stricter than the law."""
    return _first_compared(rule, clause, ctx, lambda text, table: total_ban(text, table, p.min_common),
                           lambda row: f"{row.citation}规定：“{row.sentence}”")


# -- a filing examined on substance ---------------------------------------------------------------------------

def check_filing_review(rule: Rule, p: FilingReviewParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.LICENSE where a clause requires a filing, examines it on substance and grants only to what passes."""
    text = clause.text
    m = p.grant.search(text)
    if not (p.filing.search(text) and p.review.search(text) and m) or p.statutory.search(text):
        return []
    evidence = next((s.evidence for s in segments_of(clause, ctx) if p.filing.search(s.text)), text.strip())
    return [make_finding(rule, clause, evidence, trigger=m.group(0))]


# -- powers the law gives to a higher authority ---------------------------------------------------------------

# A town's own actor: the 镇/乡 government, the 街道办事处, or one of their offices (镇规建办, 街道综合行政执法队,
# 镇文物行政管理部门 — the last copied from a law with only the level word changed).
# (an office's name holds no act: 镇人民政府受理后报县自然资源主管部门 is the town and then the county's department)
_TOWN_ACTOR = re.compile(r"(?:本镇|本乡|本街道|[镇乡]|街道)(?:人民政府|政府|办事处)?"
                         r"(?P<unit>(?:(?!报|受理|后|由|向|经|会同|协助|负责|应当)[\u4e00-\u9fa5]){0,14}?"
                         r"(?:行政管理部门|行政主管部门|主管部门|行政部门|管理部门|部门|办公室|中心|办|所|队|站))?")
_ROLE = re.compile(r"(?:由|经|报|向|交由)(?:所在地?|当地|属地)?$")  # 由所在镇人民政府
# a sector authority named at the level of a town: 镇文物行政管理部门 (towns have offices, not sector departments)
_SECTOR_UNIT = re.compile(r"(?P<sector>[\u4e00-\u9fa5]{2,8}?)(?:行政管理部门|行政主管部门|主管部门|行政部门)$")
# what a copied sector authority does to the public (not its training, research or promotion work)
_EXTERNAL = re.compile(r"登记|公布|评估|确定|划定|划出|备案|审批|批准|核发|告知|处理意见|责令|处罚|罚款|认定|商定|监督管理|"
                       r"监督检查|诚信档案|名单")
_ABOVE_TOWN = {"county", "municipal", "provincial", "national", "department"}
_WINDOW = 60


def _town_actors(sentence: str) -> list[tuple[str, str | None, int, bool]]:
    """(actor, its office or None, end offset, subject?) for each town actor the sentence names as acting: after
    由/经/报/向 (its act is in the same comma clause: 报镇政府审批), or as the subject at the head of a comma clause (its
    acts run on to the next clauses: 镇人民政府应当开展巡查……，及时查处违法行为)."""
    out = []
    for m in _TOWN_ACTOR.finditer(sentence):
        if not m.group(0).strip("本") or len(m.group(0)) < 2:
            continue
        head = max(sentence.rfind(c, 0, m.start()) for c in "，,：:；") + 1
        subject = not sentence[head:m.start()].strip()
        if not (subject or _ROLE.search(sentence[max(0, m.start() - 4):m.start()])):
            continue
        out.append((m.group(0), m.group("unit"), m.end(), subject))
    return out


_TOWN_IN_LAW = re.compile(r"乡镇人民政府|乡、镇人民政府|乡（镇）人民政府|乡、民族乡、镇|街道办事处")
# the town reports or hands the matter to the competent district body: it exercises no power of its own
_HANDS_UP = re.compile(r"(上报|报告|报送|移交|移送|报请)[^。；]{0,10}((区|县|市)[^。；]{0,12}|有关|相关|主管)[^。；]{0,8}(部门|局|委|机关)")
_OWN_STAFF = re.compile(r"工作人员|处分|滥用职权|玩忽职守|徇私舞弊|追究[^。；，]{0,6}责任")


# a town issuing a licence by its name (由镇人民政府……核发乡村建设规划许可证)
_ISSUES = re.compile(r"(?:核发|颁发|发放|发给)(?:(?P<licence>[\u4e00-\u9fa5]{2,14}?(?:许可证|执照|证书))"
                     r"|《(?P<titled>[\u4e00-\u9fa5]{2,20}?证)》)")
_ISSUER_IN_LAW = re.compile(r"(?:由|报|经)?(?P<who>[^，。；、由报经]{2,24}?)(?:核发|颁发|发放|发给)$")


def _named_in(licence: str, sentence: str) -> int:
    """Where the law's sentence names a certificate the draft titled as its own, read without the place and words put
    before it (《白石镇水域养殖证》 is the law's 养殖证); -1 when it does not."""
    for i in range(len(licence) - 2):
        at = sentence.find(licence[i:])
        if at >= 0:
            return at
    return -1


def _licence_issuer(sentence: str, table: PowerTable) -> Power | None:
    """The row of the law in which a higher authority issues the licence a town actor of the sentence issues
    (乡村建设规划许可证: 城乡规划法第四十一条, "由乡、镇人民政府报城市、县人民政府城乡规划主管部门核发")."""
    for actor, _unit, end, _subject in _town_actors(sentence):
        m = _ISSUES.search(sentence[end:end + _WINDOW])
        # the town forwarding to the authority that issues (由镇人民政府报县自然资源局核发) issues nothing itself
        if not m or re.search(r"报(?:请|送)?[^，。；]{0,12}(?:县|区|市|部门|局)|转报|转交|交由|提请|协助|配合",
                              sentence[end:end + m.start()]):
            continue
        licence = m.group("licence") or m.group("titled")
        for row in table.powers:
            if row.action != "approve" or row.tier not in _ABOVE_TOWN:
                continue
            at = _named_in(licence, row.sentence) if m.group("titled") else row.sentence.find(licence)
            law = _ISSUER_IN_LAW.search(row.sentence[:at]) if at > 0 else None
            if law and not _TOWN_IN_LAW.search(law.group("who")) and not re.search(r"镇人民政府|镇政府|街道", law.group("who")):
                return row
    return None


# the article a town actor is said to act under (由所在镇人民政府依照《中华人民共和国水土保持法》第五十三条的规定处……罚款)
_UNDER = re.compile(r"^[^。；]{0,6}?(?:依照|按照|依据|根据)《(?P<title>[^》]{2,40})》(?P<label>第[零一二三四五六七八九十百]+条)")


def _cited_power(window: str, table: PowerTable) -> Power | None:
    """The power the article a town actor cites gives to a higher authority, and no part of it to the towns."""
    m = _UNDER.search(window)
    if not m or not actions_in(window):
        return None
    title = m.group("title").removeprefix("中华人民共和国")
    rows = [r for r in table.powers if r.instrument.removeprefix("中华人民共和国") == title and r.article == m.group("label")]
    if not rows or any(r.tier == "town" or _TOWN_IN_LAW.search(r.sentence) for r in rows):
        return None
    return next((r for r in rows if r.tier in _ABOVE_TOWN), None)


# a body's leader extending the body's own time to handle a matter (经镇人民政府分管负责人批准，可以适当延长办理期限)
_OWN_DEADLINE = re.compile(r"延长[^。；，]{0,6}(?:办理|办结|处理|答复|审查|受理)期限")
_THROUGH = re.compile(r"通过[^，。；,;]{0,40}(?:平台|系统|网站|小程序|APP|数据库)")


def town_power(sentence: str, table: PowerTable, min_share: float) -> Power | None:
    """The row of the law that gives to a higher authority a power this sentence has a town actor exercise: the
    action the actor takes (登记, 审批, 处罚 …) on the same matter, and no row giving it to the 乡镇 level; or the row
    in which a higher authority issues the licence the town issues. The town's discipline of its own staff is no
    such power."""
    if _OWN_STAFF.search(sentence) or _HANDS_UP.search(sentence) or _OWN_DEADLINE.search(sentence):
        return None
    issued = _licence_issuer(sentence, table)
    if issued is not None:
        return issued
    for actor, unit, end, subject in _town_actors(sentence):
        # the platform an office checks through names no power of its own (通过……投诉举报信息平台核查)
        window = _THROUGH.sub("", sentence[end:end + _WINDOW])
        cited = _cited_power(sentence[end:], table)
        if cited is not None:
            return cited
        sector = _SECTOR_UNIT.search(unit or "")
        # an actor named after 由/报 acts within its comma clause ("上报镇规建办，并协助……" does not make it act)
        actions = actions_in(window if sector or subject else re.split(r"[，,；;]", window)[0])
        if not actions and not sector:
            continue
        if sector:  # a copied sector authority acting on the public: the law's rows of that sector decide
            if not _EXTERNAL.search(window):
                continue
            rows = [(r, s) for r, s in table.find(sentence, min_share=min_share, k=8)
                    if r.sector and sector.group("sector") in r.sector]
            # else the article that gives the sector's supervision to a higher level (县级以上…部门…监督管理)
            rows = rows or sorted(((r, 0.0) for r in table.powers if r.sector and sector.group("sector") in r.sector
                                   and r.tier in _ABOVE_TOWN), key=lambda t: t[0].action != "supervise")[:1]
        else:
            rows = table.find(sentence, actions=actions, min_share=min_share, k=8, min_shared=3, rare=True)
        # the law itself gives the towns a part (乡镇人民政府、街道办事处……提出审核意见，报县级……): no usurpation
        if not rows or any(r.tier == "town" or _TOWN_IN_LAW.search(r.sentence) for r, _ in rows):
            continue
        if rows[0][0].tier in _ABOVE_TOWN:
            return rows[0][0]
    return None


# a county's body granting in its own name (由县民政局审批, 经区人社局主要负责人批准)
_COUNTY_GRANT = re.compile(r"(?:由|经)(?:本)?(?:县|区|县级|区级)(?:(?!报|请|经|由|会同)[\u4e00-\u9fa5]){0,12}?"
                           r"(?:局|委员会|委|人民政府|政府)(?:主要负责人|负责人)?(?:负责)?(?:审查|审核)?"
                           r"(?:审批|批准|核准|许可|核发)")


def county_power(sentence: str, table: PowerTable, min_share: float) -> Power | None:
    """The row of the law that gives to a higher authority the approval a county body of the sentence grants (建设公墓:
    殡葬管理条例第八条, "报省、自治区、直辖市人民政府民政部门审批"), when that law gives it to no county body or below."""
    m = _COUNTY_GRANT.search(sentence)
    if m is None:
        return None
    rows = table.find(sentence, actions=["approve"], min_share=min_share, k=8, min_shared=2, rare=True)
    if not rows or tier_rank(rows[0][0].tier) <= tier_rank("county"):
        return None
    best = rows[0][0]  # the law closest to the matter decides: does it let a county grant it anywhere?
    same_law = [r for r, _ in rows if r.instrument == best.instrument]
    return None if any(tier_rank(r.tier) <= tier_rank("county") for r in same_law) else best


def check_competence(rule: Rule, p: CompetenceParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.ULTRA_VIRES where a 镇/街道 (or one of its offices) exercises a power the law gives only to a higher
    authority, or a county's body grants an approval the law gives to the province or the State Council: read from
    the competence table, compared on the action and the matter."""
    if ctx.issuer_kind not in p.issuers:
        return []
    return _first_compared(rule, clause, ctx, lambda text, table: town_power(text, table, p.min_share)
                           or county_power(text, table, p.min_share),
                           lambda row: f"{row.citation}规定由“{row.authority}”（{tier_label(row.tier)}）行使：“{row.sentence}”")
