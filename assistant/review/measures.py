"""Measures, not phrases: what a sentence of a draft does, read as a reviewer reads it.

A reviewer does not stop at "须经……同意后方可". They ask who approves (an administrative body, or a neighbour, a
lessor, the issuer's own meeting), for what (an activity of the public, or the issuer's own project, a benefit it
grants, a contract it signs), and on whom a sanction falls. `read` turns one sentence into a `Reading`: the
approvals it requires (with the approver and whether the approval blocks), the parties it names, and the setting
it speaks in (benefit, contract, internal management, collective self-government, text quoted from another
document). The vocabulary is data (knowledge_base/lexicon/measures.yaml).

`vet` compares a finding a phrase rule proposed with the reading of its sentence and says why it does not hold
(a licence approved by a private party, a penalty that is a benefit's own condition …), or None when it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import yaml
from pydantic import BaseModel, Field

from assistant.config import KNOWLEDGE_BASE_DIR
from assistant.kb.powers import Power, PowerTable, fee_in_catalog, fee_in_law, fee_over_ceiling, licence_in_law, power_basis
from assistant.models import Basis, Clause, Finding, SetAside
from assistant.review.issuer import IssuerKind

MEASURES_FILE = KNOWLEDGE_BASE_DIR / "lexicon" / "measures.yaml"


class PartyKind(StrEnum):
    """Who a phrase names."""

    PRIVATE = "private"                  # a neighbour, lessor, owner, contractor, the parties to a contract
    INSTITUTION = "institution"          # a school, on its own pupils' part in what it provides
    INTERNAL = "internal"                # the issuer's own meeting, leadership, project office
    SELF_GOVERNMENT = "self_government"  # 村（居）委会, 集体经济组织
    AUTHORITY = "authority"              # an administrative body: the issuer, its offices, another authority
    UNKNOWN = "unknown"


class Setting(StrEnum):
    """What a sentence is about, besides regulating the public."""

    BENEFIT = "benefit"
    CONTRACT = "contract"
    INTERNAL = "internal"
    COLLECTIVE = "collective"
    QUOTED = "quoted"


class Approval(BaseModel):
    """An approval, consent, filing or acceptance the sentence requires."""

    approver: str = Field(description="the words naming who approves, as written")
    kind: PartyKind
    act: str = Field(description="审批 / 同意 / 备案 …")
    blocking: bool = Field(description="…后方可 / 未经…不得: the activity waits for it")


class Reading(BaseModel):
    """One sentence read into measures."""

    text: str
    approvals: list[Approval] = Field(default_factory=list)
    settings: list[Setting] = Field(default_factory=list)

    def has(self, setting: Setting) -> bool:
        return setting in self.settings


@dataclass(frozen=True)
class _Vocab:
    parties: list[tuple[PartyKind, re.Pattern[str]]]
    settings: dict[Setting, re.Pattern[str]]
    statutory_steps: re.Pattern[str]
    owner: re.Pattern[str]
    owner_sections: re.Pattern[str]
    public_sections: re.Pattern[str]
    office: re.Pattern[str]
    set_aside: dict[str, re.Pattern[str]]


def _alternation(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def vocabulary() -> _Vocab:
    data = yaml.safe_load(MEASURES_FILE.read_text(encoding="utf-8"))
    parties = [(PartyKind(k), _alternation(v)) for k, v in data["parties"].items()]
    settings = {Setting(k): _alternation(v) for k, v in data["settings"].items()}
    suffix, level, sector = (_alternation(data[k]).pattern
                             for k in ("authority_suffixes", "authority_levels", "authority_sectors"))
    # 区房管局, 本街道城运中心 (a level first) or 城建中心, 房管办 (a sector); 市场 is a market, not the city
    office = re.compile(rf"^(?!市场)(?:{level})[\u4e00-\u9fa5]{{0,12}}?(?:{suffix})|(?:{sector})[\u4e00-\u9fa5]{{0,6}}?(?:{suffix})")
    return _Vocab(parties=parties, settings=settings, statutory_steps=_alternation(data["statutory_steps"]),
                  owner=_alternation(data["owner_markers"]), owner_sections=_alternation(data["owner_sections"]),
                  public_sections=_alternation(data["public_sections"]), office=office,
                  set_aside={name: re.compile(rx) for name, rx in data["set_aside"].items()})


# 应 as a modal, not inside 相应/对应/适应/响应/供应/反应/应急/应用
MODAL = r"应当|(?<![相对适响供反])应(?![急用对])|必须|须(?!知)"


def _rx(name: str) -> re.Pattern[str]:
    """A pattern of measures.yaml's `set_aside`: the words by which a reading sets a proposed finding aside."""
    return vocabulary().set_aside[name]


_SCOPE = re.compile(r"适用于|适用范围|本(?:办法|规定|细则|方案|意见)所称|是指")


def owner_posture(title: str, text: str) -> bool:
    """Whether the document governs the issuer's own projects, funds or assets (its title, or a sentence that
    defines its scope, says so), rather than the public's activities."""
    owner = vocabulary().owner
    if owner.search(title or ""):
        return True
    lines = [ln for ln in (text or "").splitlines() if ln.strip()][:40]
    for i, line in enumerate(lines):
        if _SCOPE.search(line):
            scope = line + ("".join(lines[i + 1:i + 3]) if len(line) < 12 else "")
            if owner.search(scope) and not vocabulary().public_sections.search(scope):
                return True
    return False


_HEADING_END = re.compile(r"[。；;，,]\s*$")


def section_postures(clauses: list[Clause], default: bool) -> dict[str, bool]:
    """Whether each clause governs the issuer's own projects: the nearest heading among the three paragraphs above it
    that names the issuer's own (使用财政、集体资金的项目) or the public's (使用社会资金的项目) decides; else `default`."""
    v = vocabulary()
    out: dict[str, bool] = {}
    for i, clause in enumerate(clauses):
        posture = default
        for above in reversed(clauses[max(0, i - 3):i]):
            line = above.text.strip()
            if len(line) > 40 or _HEADING_END.search(line):
                continue
            if v.public_sections.search(line):
                posture = False
                break
            if v.owner_sections.search(line):
                posture = True
                break
        out[clause.location] = posture
    return out


def party_kind(phrase: str) -> PartyKind:
    """The kind of party a phrase names: the first kind in measures.yaml whose words occur in it, or an authority
    named as an office of a level or a sector (区房管局, 镇规建办, 城建中心 — not 加油站, 培训中心)."""
    v = vocabulary()
    for kind, rx in v.parties:
        if rx.search(phrase):
            return kind
    return PartyKind.AUTHORITY if v.office.search(phrase.strip()) else PartyKind.UNKNOWN


# 经X审核同意 / 报X批准 / 取得X书面同意 / 向X备案 / 由X审批: the approver between the role word and the act
_TITLES = re.compile(r"《[^《》]*》")
_APPROVAL = re.compile(r"(?:经|(?<![自截直甚])至|(?<![申上填汇预呈])报|取得|征得|向|由|通过(?!后))(?P<who>[^，。；：:,《》　]{1,30}?)(?:的)?(?:书面|集体|研究|讨论|协商一致|审核|审查|初审|预审)?"
                       r"(?P<act>审核同意|审核批准|审批|批准|同意|核准|许可|备案|登记|审核|审定|验收|认定|决策|审议)")
# 报区文物局，经批准后方能实施: the approver, a comma, then its act with no name of its own
_REPORT_THEN = re.compile(r"(?<![申上填汇预呈])报(?P<who>[^，。；：:,《》　]{2,20}?)[，,]\s*(?:经|待|由其|并经)?(?:其)?"
                          r"(?P<act>审核同意|审核批准|审批|批准|同意|核准|许可)")
# 监理单位进行审核，建设单位进行审批: an approver as the subject of its own act, a comma clause of its own
_ACTOR_ACT = re.compile(r"(?:^|[，,；;：:])(?P<who>[^，,；;：:。由经报向]{2,12}?)(?:进行|负责|予以)(?P<act>审核|审批|批准|核准)(?=[，,；;。]|$)")
_BLOCKING = re.compile(r"后[，,]?\s*(?:方可|才能|才可|方能|始得|方准|才准予?|方予)|未经[^。；]{0,40}(?:不得|一律不得|禁止|不准|不予)")
_NEEDS = re.compile(r"(?:须|需|需要|必须|应当|应)(?:先)?(?:经|报|取得|征得|向)")


def read(sentence: str) -> Reading:
    """Read one sentence into its approvals and settings."""
    v = vocabulary()
    settings = [s for s, rx in v.settings.items() if rx.search(sentence)]
    blocking = bool(_BLOCKING.search(sentence) or _NEEDS.search(sentence))
    approvals = []
    plain = _TITLES.sub(lambda t: "《" + "　" * (len(t.group(0)) - 2) + "》", sentence)
    for m in [*_APPROVAL.finditer(plain), *_REPORT_THEN.finditer(plain), *_ACTOR_ACT.finditer(plain)]:
        who = m.group("who")
        approvals.append(Approval(approver=who, kind=party_kind(who), act=m.group("act"), blocking=blocking))
    return Reading(text=sentence, approvals=approvals, settings=settings)


# -- vetting a proposed finding against the reading ----------------------------------------------------------

_PURPOSE = re.compile(r"^\s*(?:第[一二三四五六七八九十]+条\s*)?(?:[（(]?[一二三四五六七八九十]+[）)、]\s*)?为(?:了)?[^。；]{2,200}(?:制定本|特制定|制定如下|现就|结合本)")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:万)?元|[一二两三四五六七八九十百千万]+元")
# "依法采取下列惩戒措施：" — the measures are the document's own list, not the law's
_LISTED_HERE = re.compile(r"依法[^，,。；;]{0,6}(?:采取|实施|给予)(?:下列|以下|如下)")


def _reference_only(text: str) -> bool:
    """Every comma clause that names a measure refers it to the law ("依法采取相应措施") or is the next step of a chain
    that does ("依法责令限期改正，逾期不改正的，责令停止使用"), and no amount is set."""
    if not _rx("reference_only").search(text) or _AMOUNT.search(text) or _LISTED_HERE.search(text):
        return False
    referred = escalating = False
    for part in re.split(r"[，,；;。]", text):
        if _rx("escalation").search(part.strip()):
            escalating = referred
        elif re.search(r"依法|依照|按照有关", part):
            referred = True
        elif _rx("measure_word").search(part) and not escalating:
            return False
    return referred


def vet(code: str, reading: Reading, *, owner: bool = False) -> str | None:
    """Why a finding of `code` on this sentence does not hold on reading it, or None when it stands; `owner` when
    the document governs the issuer's own projects, funds or assets."""
    text = reading.text
    if code in ("C.RETROACTIVE", "C.VALIDITY", "C.BASIS_INVALID"):
        return None  # dates and citations are read as they stand
    if reading.has(Setting.QUOTED):
        return "引述其他文件的原文或过渡规定，不是本文件设定的措施"
    if _PURPOSE.search(text):
        return "制定目的和依据的表述，不设定任何措施"
    if _rx("out_of_scope").search(text):
        return "划定本文件不适用的范围，不设定任何措施"
    if _rx("other_document").search(text):
        return "介绍其他文件的规定，不是本文件设定的措施"
    if code in ("C.FEE", "C.PENALTY", "C.COERCION", "C.OBLIGATION") and _reference_only(text):
        return "“依法采取措施”只是援引法律规定，本条没有设定具体措施"
    if owner and code == "C.FEE" and _rx("own_costs").search(text):
        return "制定机关核定自身资金、成本的开支范围和列支方式，不是向公民、法人收费"
    if owner and code == "C.COERCION" and _rx("own_funds").search(text) \
            and not re.search(r"查封|扣押|冻结|强制执行|(?:当事人|违法行为人|责任人|其)[^。；，]{0,4}(?:承担|负担)", text):
        return "制定机关管理自身资金、项目的分工和列支，不是设定行政强制措施"
    if code == "C.LICENSE":
        return _vet_licence(reading, owner)
    if code in ("C.PENALTY", "C.OBLIGATION"):
        if reading.has(Setting.BENEFIT) and _rx("benefit_loss").search(text) and not _rx("penalty_kinds").search(text) \
                and not _rx("wrongdoing").search(text) and not _rx("statutory_compensation").search(text) \
                and not _rx("remedy").search(text) and not _rx("relative_conduct").search(text):
            return "停止或者取消自愿申请的补贴、保障待遇，是该待遇自身的条件，不是行政处罚或者减损权利"
    if code == "C.PENALTY":
        if _rx("list_procedure").search(text) and not _rx("conduct_listed").search(text):
            return "规定列入、公布和移出名单的程序（告知、决定文书、公布期限、移出），是对当事人的程序保障，不是设定惩戒"
        if _rx("deregister").search(text) and not _rx("wrongdoing").search(text):
            return "许可失效后由原许可机关办理注销，是《中华人民共和国行政许可法》第七十条规定的程序，不是处罚"
        return None
    if code == "C.COERCION":
        if _rx("court").search(text):
            return "所称强制执行由人民法院依法实施，不是本文件设定的强制措施"
        if _rx("project_demolition").search(text) and not re.search(r"强制|限期|逾期|责令", text):
            return "“拆除重建”是更新改造项目的方式，不是强制拆除"
        if _rx("handed_over").search(text):
            return "拆除已经移交、腾空的房屋，是对政府已取得的房屋的处置，不是对当事人的强制执行"
        mandate = re.search(rf"{MODAL}|负责", text)
        if mandate and party_kind(re.split(r"[，,；;]", text[:mandate.start()])[-1]) == PartyKind.PRIVATE:
            return "由建设单位等当事人对自己的物品采取封存等保管措施，不是行政机关的强制措施"
        return None
    if code == "C.FEE" and _rx("service_charge").search(text):
        return "委托作业服务单位提供收运等服务并按合同收取服务费用，是服务的对价，不是行政收费"
    if code == "C.FEE" and _rx("private_charge").search(text) and not _rx("collector").search(text):
        return "业主、使用人向管理、服务单位支付的管理费、服务费是民事主体之间的费用，不是行政收费"
    if code == "C.COMPETITION" and owner and _rx("own_disposal").search(text):
        return "制定机关指定单位处置、经营自己的资产，是所有者的安排，不是限定公众交易"
    if code == "C.OBLIGATION" and owner and _rx("rent").search(text):
        return "制定机关（或者其出资企业）以出租人身份在租赁合同中约定的条件，不是对外设定的义务"
    if code in ("C.FEE", "C.COMPETITION"):
        paid = _rx("rent").search(text) if code == "C.FEE" else _rx("rent_paid").search(text)
        if paid and not _rx("conduct_deposit").search(text) and not _rx("skimmed").search(text):
            return "出租、出借公有资产按合同收取的租金、押金和使用费，不是行政收费"
        if code == "C.FEE" and _rx("budget").search(text) and not re.search(r"收取|缴纳|交纳", text):
            return "工作经费纳入部门预算，是财政保障，不是向公民、法人收费"
        return None
    if code == "C.ULTRA_VIRES" and _rx("government_price").search(text):
        return "政府回购、补偿、出租自有房屋的价格是交易条件，不是价格法上的政府定价"
    return None


_HIGHER_BODY = re.compile(r"(?:区|县|市)[\u4e00-\u9fa5]{0,10}(?:局|委|部门|人民政府|政府)")


def official(who: str, *, internal: bool = True) -> bool:
    """Whether `who` names an administrative body (or, with `internal`, the issuer's own meeting or leadership)."""
    kind = party_kind(who)
    return kind == PartyKind.AUTHORITY or (internal and kind == PartyKind.INTERNAL)


# an authority, the subject of its clause, reporting to another: 区房管局应向市房管局报备
_REPORTS_UP = re.compile(r"(?:^|[，,；;：:])(?P<who>[^，,；;：:。]{2,20}?)(?:应当|应|须|需|必须)(?:先)?(?:向|报)")
# who applies: 城建中心应当向领导小组提出申请 (the issuer's own office asking its own leadership) is no licence
_APPLICANT = re.compile(r"(?P<who>[\u4e00-\u9fa5、]{2,12}?)(?:应当|应|须|需)?(?:向[^，。；,]{1,12})?(?:提出|提交|递交)(?:书面)?申请")


# the subjects a sentence obliges (各街镇、相关区管企业应……)
_OBLIGED = re.compile(r"(?:^|[，,；;：:])(?P<who>[^，,；;：:。]{2,30}?)(?<!所)(?:应当|应|须|需|必须)")  # not 所需


# the subject of a sentence's leading act on property, money or works (镇属企业对外出租……的，租赁合同须经……)
_LEAD_ACTOR = re.compile(r"^(?:凡|对)?(?P<who>(?:(?!会同)[\u4e00-\u9fa5、]){2,14}?)(?:对外|自行|拟|需要|需)?"
                         r"(?:采购|出租|承租|发包|购买|租赁|处置|转让|出让|投资)")


def _among_government(text: str) -> bool:
    """Whether every party the sentence obliges — or, where it names none, the one doing its leading act — is an
    authority or the government's own company."""
    if _rx("the_public").search(text):
        return False
    m = _OBLIGED.search(text)
    if m and not any(official(x, internal=False) or _rx("own_company").search(x) for x in _split(m.group("who"))):
        m = None  # 租赁合同须经…… : the obliged word is a thing, not a party
    m = m or _LEAD_ACTOR.search(text)
    if not m:  # 公办学校组织学生外出的，须报……: the government's own company or institution opens the sentence
        return bool(re.match(rf"(?:凡|对|各)?(?:{_rx('own_company').pattern})", text))
    parties = _split(m.group("who"))
    return bool(parties) and all(official(x, internal=False) or _rx("own_company").search(x) for x in parties)


def _split(who: str) -> list[str]:
    return [re.sub(r"^(各|相关|有关)", "", x) for x in re.split(r"[、和及与]|以及", who) if x.strip()]


def _vet_licence(reading: Reading, owner: bool) -> str | None:
    text = reading.text
    applicant = _APPLICANT.search(text)
    if applicant and official(applicant.group("who").removeprefix("由")):
        return f"申请人“{applicant.group('who').removeprefix('由')}”是本机关的内设机构，向本机关申请审核是内部管理程序，不是对外设定的行政许可"
    reporting = _REPORTS_UP.search(text)
    if reporting and official(re.split(r"[，,；;：:]", reporting.group("who"))[-1], internal=False):
        return "行政机关向上级机关报备、报批是机关之间的工作程序，不是对公民、法人设定的许可"
    if _among_government(text) or _rx("enforcement_gated").search(text):
        return "本条约束的是行政机关和政府所属企业、事业单位，机关之间、对所属企业和事业单位的审核是内部管理程序，不是对公民、法人设定的许可"
    if _rx("facilitate").search(text):
        return "简化、优化审批程序的便民措施，不是设定行政许可"
    if _rx("not_needed").search(text):
        return "本条规定的是无需审批的情形，没有设定许可"
    if _rx("renewal").search(text):
        return "协议、合同的续签、续期是合同当事人之间的约定，不是行政许可"
    if _rx("original_approver").search(text):
        return "已取得的审批、许可事项发生变更的，依法向原审批机关申请（《中华人民共和国行政许可法》第四十九条），不是新设许可"
    if _rx("corrected_first").search(text):
        return "违法行为整改到位后方可再申请法定审批或者恢复被暂停的经营，是对违法行为的处理次序，不是新设的行政许可"
    if _rx("acceptance").search(text) and not any(a.kind == PartyKind.AUTHORITY for a in reading.approvals):
        return "工程竣工经验收合格后方可交付使用，是建设单位依法组织验收的义务，不是行政机关的许可"
    if owner and _rx("own_costs").search(text):
        return "核定哪些费用列入制定机关自身的成本、预算，是内部财务管理，不是对外设定的行政许可"
    if owner and _rx("project_change").search(text):  # the government's own investment, approved within government
        return "项目变更、调整和结算经审核，是制定机关管理自身投资项目的内部程序，不是对外设定的行政许可"
    if not reading.approvals:
        if _rx("private_consent").search(text):
            return "以业主、成员等民事主体的同意为条件，是其共同决定或者约定，不是行政机关的许可"
        if owner and reading.has(Setting.CONTRACT):
            return "制定机关（或者其出资企业）签订合同前按决策权限履行的内部报批，不是对外设定的行政许可"
        if reading.has(Setting.BENEFIT) and re.search(r"方可申请|后申请|才能申请", reading.text):
            return "申请保障待遇的先后顺序，不是对从事活动设定的许可"
        return None
    kinds = {a.kind for a in reading.approvals}
    who = "、".join(dict.fromkeys(a.approver for a in reading.approvals))
    if kinds <= {PartyKind.PRIVATE, PartyKind.INSTITUTION}:
        why = "属于民事主体之间的约定或者同意" if kinds == {PartyKind.PRIVATE} else "是学校对其学生参加本校服务作出的安排"
        return f"需经“{who}”同意{why}，不是行政机关的许可"
    internal = kinds <= {PartyKind.PRIVATE, PartyKind.INTERNAL, PartyKind.SELF_GOVERNMENT}
    # on the issuer's own projects, its own offices approve as the owner; a higher authority's approval stays external
    if owner and not internal:
        internal = not any(_HIGHER_BODY.search(a.approver) for a in reading.approvals if a.kind == PartyKind.AUTHORITY)
    if kinds == {PartyKind.INTERNAL} and _rx("project_change").search(text) \
            and any(_rx("project_office").search(a.approver) for a in reading.approvals):
        return f"工程量、设计变更和结算经“{who}”审核，是制定机关管理自身工程项目的内部程序，不是对外设定的行政许可"
    if internal and (owner or reading.has(Setting.COLLECTIVE)):
        return f"需经“{who}”审核、决策，是制定机关管理自身投资项目、资金、资产或者集体经济组织民主管理的内部程序，不是对外设定的行政许可"
    return None


# A town's body named as granting (镇规建办审核, 街道…审批), or a town's own document that names no other grantor and
# no law: the licence the law gives to a county department is then the town's own.
_TOWN_BODY = re.compile(r"(?:[镇乡]|街道)(?:人民政府|政府|办事处)?[\u4e00-\u9fa5]{0,8}?(?:办|中心|所|站|部门|队|领导)")
_OTHER_GRANTOR = re.compile(r"依法|依照|按照[^。；，]{0,12}规定|县级|区级|市级|(?:县|区|市)[\u4e00-\u9fa5]{0,10}(?:局|委|部门|人民政府)")


# an approver named with its level: 区文物局, 市规划资源局, 公安部门 (a town's office is no such approver)
_LEVELLED = re.compile(r"^(?:本|当地|所在地)?(?:[区县市省]|上海市|国家|国务院|公安)")


def sector_approval(reading: Reading, table: PowerTable) -> Power | None:
    """The law's approval a sentence restates: a county-or-higher department of a sector approving (报区文物局批准),
    and a row of the law in which that sector's department approves the same matter."""
    for a in reading.approvals:
        if a.kind != PartyKind.AUTHORITY or _TOWN_BODY.search(a.approver) or not _LEVELLED.search(a.approver):
            continue
        for row, _share in table.find(reading.text, actions=["approve"], min_share=0.3, k=20, min_shared=2):
            if row.sector and row.sector in a.approver and row.tier != "town":
                return row
    return None


_FEE_TITLE = re.compile(r"[\u4e00-\u9fa5]{2,12}费(?:征收|收缴|缴纳|收取|管理)")


def town_grants(text: str, issuer_kind: IssuerKind | None) -> bool:
    """Whether the licence a sentence requires is granted by a town's body."""
    if _TOWN_BODY.search(text):
        return True
    return issuer_kind == IssuerKind.TOWN and not _OTHER_GRANTOR.search(text)


def vet_findings(findings: list[Finding], *, owner: dict[str, bool] | None = None,
                 issuer_kind: IssuerKind | None = None, table: PowerTable | None = None,
                 title: str = "", quoted: dict[str, list[str]] | None = None,
                 catalog=None) -> tuple[list[Finding], list[SetAside]]:
    """Keep the content findings whose sentence, read as measures, bears them out; set the others aside. With the
    competence table, a licence the sentence names that the law itself sets is a restatement (compared with the
    article that sets it)."""
    kept: list[Finding] = []
    aside: list[SetAside] = []
    for f in findings:
        if not (f.evidence and f.source.startswith("rule:")):
            kept.append(f)
            continue
        reading = read(f.evidence)
        reason = vet(f.code, reading, owner=(owner or {}).get(f.location or "", False))
        if f.code != "C.BASIS_INVALID" and any(f.evidence.strip() in q or q in f.evidence
                                               for q in (quoted or {}).get(f.location or "", [])):
            reason = "摘录的法律条文，不是本文件设定的措施"
        compared: list[Basis] = []  # a fee the law sets, without a sum of the draft's own: the law's, not a new fee
        if reason is None and f.code == "C.FEE" and table is not None and not _AMOUNT.search(f.evidence):
            # the fee the sentence collects, or the one the document is about (单位生活垃圾处理费征收管理实施细则)
            row = fee_in_law(f.evidence, table) or (fee_in_law(title, table) if _FEE_TITLE.search(title) else None) \
                or (fee_in_catalog(f.evidence, catalog) if catalog is not None else None)
            over = fee_over_ceiling(f.evidence, catalog) if catalog is not None else None
            row = over[0] if over else row
            compared = [power_basis(row)] if row else []
            if over:  # the law's fee, above the ceiling the law puts on it: the finding stands, compared with it
                f = f.model_copy(update={"compared_with": compared, "explanation": f"本条按{over[1][0]}收取，超过{row.citation}"
                                         f"规定的{over[1][1]}（“{row.sentence}”），超出部分没有法律依据。"})
            elif row is not None:
                reason = f"所称收费由{row.citation}规定（“{row.sentence}”），本条是对法定收费的执行，不是新设收费"
        if reason is None and f.code == "C.LICENSE" and table is not None and not _rx("added_condition").search(f.evidence):
            row = licence_in_law(f.evidence, table) or sector_approval(reading, table)
            # a town granting a licence the law gives to a higher authority restates nothing: the finding stands
            town = row is not None and row.tier != "town" and town_grants(f.evidence, issuer_kind)
            if row is not None and not town and not any(a.kind == PartyKind.INTERNAL for a in reading.approvals):
                reason = f"所称许可由{row.citation}设定（“{row.sentence}”），本条是对法定许可的重申，不是新设许可"
                compared = [power_basis(row)]
        if reason is None:
            kept.append(f)
        else:
            aside.append(SetAside(code=f.code, location=f.location, evidence=f.evidence, reason=reason, source=f.source,
                                  compared_with=compared))
    return kept, aside

