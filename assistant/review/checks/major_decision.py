"""Major decisions: P.EXPERT (专家论证 of professional or technical matters), P.RISK (风险评估 where stability, safety
or the environment may suffer) and P.HEARING (听证 where a law requires it). The subjects that call for each are
vocabulary (materials.yaml `subjects`)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from assistant.models import Finding
from assistant.review.checks.procedure import ProcedureParams, procedure_finding, quote
from assistant.review.materials import material_stem
from assistant.review.procedure_facts import ProcedureFacts, majority_objection
from assistant.review.schema import Rule
from assistant.review.sentences import split_sentences


class ExpertParams(ProcedureParams):
    pass


class RiskParams(ProcedureParams):
    pass


class HearingParams(ProcedureParams):
    variant_names = frozenset({"price", "old_town", "land", "listed"})


_LISTED = re.compile(r"听证目录|需(?:要)?(?:举行|召开|组织)?听证|应当(?:依法)?(?:组织|举行|召开)?听证|是否听证|[|｜]\s*是\s*[（(|]")
_NOT_LISTED = re.compile(r"[|｜]\s*否\s*[|｜]|不需|无需|不属于|不在|不涉及")


def _listed_for_hearing(f: ProcedureFacts) -> str | None:
    """A line of the materials that lists this decision as one to be heard (the government's 决策事项目录 marks it
    "是否听证：是", or "列入省定价听证目录")."""
    title = re.sub(r"[（(](?:送审稿|征求意见稿|草案)[）)]", "", f.dossier.title or "")
    for m in f.materials:
        for line in (m.text or "").splitlines():
            if not _LISTED.search(line) or _NOT_LISTED.search(line):
                continue
            same = SequenceMatcher(None, line, title, autojunk=False).find_longest_match(0, len(line), 0, len(title))
            if same.size >= 8 or re.search(r"本(?:事项|方案|决策|项目)", line) and "听证" in line:
                return line.strip(" |")
    return None


def _subject_hits(f: ProcedureFacts, key: str) -> list[str]:
    spec = f.vocab.subjects.get(key, {})
    title = f.dossier.title or ""
    hits = [pat for pat in spec.get("title", []) if re.search(pat, title)]
    text = f.dossier.draft_text or ""
    text_hits = [pat for pat in spec.get("text", []) if re.search(pat, text)]
    return hits + [h for h in text_hits if h not in hits] if hits else (text_hits if len(text_hits) >= 3 else [])


def _done(f: ProcedureFacts, kind: str, words: list[str]) -> tuple[list[str], list[str]]:
    """(what shows it done, negated statements): a material of the kind, or non-negated statements that it was done."""
    if f.of_kind(kind):
        return [m.name for m in f.of_kind(kind)], []
    pos, neg = f.statement(words, exclude_kinds=(kind,))
    # said as done: "已组织", "于8月25日召开", "经专家论证" — not "……的，依法组织听证" (a condition) or "要求召开"
    done = [s for s in pos if re.search(r"(?:已|于[\d〇一二三四五六七八九十]|先后|分别)[^，。；]{0,20}(?:组织|召开|开展|进行|完成|委托|举行|形成)"
                                        r"|(?:组织|召开|开展|进行|完成|委托|举行|形成)了|经[^，。；]{0,10}(?:论证|评估|听证)|笔录", s)
            and not re.search(r"拟|将|计划|待|应当|建议|需要|请|要求|不再", s)]
    return done, neg


# 专家 chosen for 专业性、代表性和中立性, none with a direct interest in the decision (重大行政决策程序暂行条例第二十条):
# officials of the local government's own units and the companies the decision concerns are not independent experts
_OFFICIAL = re.compile(r"(?:县|区|市|镇|乡|街道|管委会)[^|（）()]{0,16}(?:局|委员会|委|办公室|办|人民政府|政府|中心|股|科|所|站|队|院)"
                       r"|(?:区属|县属|市属|镇属)|(?:有限公司|有限责任公司|集团)"
                       # the public schools a bureau runs (the very schools a merger sends pupils to)
                       r"|(?:小学|中学|学校|幼儿园)(?:校长|园长|书记|副校长)")
_INDEPENDENT = re.compile(r"大学|学院|研究院|研究所|研究中心|设计院|科学院|律师事务所|会计师事务所|专家库|学会|协会|咨询")
# whoever drew up, builds or runs what is decided (本工程可行性研究报告编制单位) has a direct interest
_INTERESTED = re.compile(r"本(?:工程|项目|方案|决策)|项目法人|(?:项目|工程)建设单位|编制单位")


# a bullet list of the panel: "- 王海燕，县民政局养老服务股股长" or "- 区财政局经济建设科副科长　梁雨"
_LISTED_EXPERT = re.compile(r"^\s*[-*·•]\s*(?:[\u4e00-\u9fa5]{2,4}[，,：:]\s*(.{4,60})|(.{4,60}?)[ \u3000]+[\u4e00-\u9fa5]{2,4})\s*$")


# the panel's roll under its heading, its entries on the heading's line ("参加人员：县教育局股长　周慧；……") or on the rows
# after it ("何建平　某设计院有限公司　总工程师")
_ROLL = re.compile(r"^\s*(?:参加|出席|参会)?(?:论证)?(?:专家|人员|成员)(?:名单)?[：:]\s*(.*)$")
_PERSON = re.compile(r"^[\u4e00-\u9fa5]{2,4}$")
_ROLL_AFTER = re.compile(r"(?:专家|成员)[^。；：:]{0,8}[：:]\s*$")
_NAMED_ENTRY = re.compile(r"^\s*[\u4e00-\u9fa5]{2,4}[，,]\s*(.{4,80}?)[；;。]?\s*$")


def _affiliation(entry: str) -> str:
    """An entry of the roll without the person's name (a word of two to four characters standing alone)."""
    return " ".join(w for w in re.split(r"[ \u3000]+", entry.strip()) if w and not _PERSON.match(w))


# the firm a material names as the author of what is decided (委托……设计院有限公司编制): an interested party
_COMPANY = re.compile(r"[\u4e00-\u9fa5]{4,24}?(?:有限责任公司|有限公司)")
_AUTHOR = re.compile(r"(?:委托|由)([\u4e00-\u9fa5]{4,30}?(?:有限责任公司|有限公司|设计院|研究院|集团))(?:负责)?(?:编制|起草)")


def _expert_affiliations(f: ProcedureFacts) -> list[str]:
    """The affiliations listed for the experts of the expert materials: a table's rows, or "张三（某大学教授）"."""
    out: list[str] = []
    for m in f.of_kind("expert"):
        in_roll = False
        for line in (m.text or "").splitlines():
            if (roll := _ROLL.match(line)) and not re.search(r"[（(]", roll.group(1)):  # "张三（某大学教授）": below
                entries = [x for x in re.split(r"[；;]", roll.group(1)) if len(x.strip()) >= 6]
                out += [_affiliation(x) for x in entries]
                in_roll = not entries
                continue
            if in_roll and "|" not in line and re.match(r"^\s*[\u4e00-\u9fa5]{2,4}[ \u3000]+.{4,80}$", line):
                out.append(_affiliation(line))
                continue
            if in_roll and (entry := _NAMED_ENTRY.match(line)):  # "刘振华，某县公安局交通管理大队副大队长（组长）；"
                out.append(entry.group(1))
                continue
            # a sentence introducing the panel, its entries on the rows after it (论证专家5名：)
            in_roll = bool(_ROLL_AFTER.search(line))
            if in_roll:
                continue
            # a table row, in Markdown ("| 姓名 | 单位 |") or as a .docx table reads ("姓名 | 单位")
            cells = [c.strip() for c in line.strip().strip("|").split("|")] if "|" in line else []
            header = len(cells[1]) <= 8 and re.search(r"单位|职务|姓名|职称", cells[1]) if len(cells) >= 2 else True
            if len(cells) >= 2 and not re.fullmatch(r"[-: ]*", cells[1]) and not header:
                out.append(" ".join(cells[1:]))
            elif item := _LISTED_EXPERT.match(line):
                out.append(item.group(1) or item.group(2))
            elif re.search(r"专家|成员", line):
                out += [a for a in re.findall(r"[\u4e00-\u9fa5]{2,4}[（(]([^（）()]{4,40})[）)]", line)
                        if not re.search(r"稿|草案|简称", a)]
    return out


_OWN_STAFF_PANEL = re.compile(r"由[^。；]{0,30}(?:局|委|办|中心|公司)[^。；]{0,6}(?:业务骨干|工作人员|干部|职工)[^。；]{0,10}"
                              r"(?:组成|参加|担任)[^。；]{0,6}(?:论证组|专家组|论证)")


def _not_neutral(f: ProcedureFacts) -> str | None:
    """When most experts listed are officials of the local government or of a company the decision concerns, or a
    material says the panel was made of the units' own staff ("由……局业务骨干5人组成论证组")."""
    said = next((s for m in f.materials for s in split_sentences(m.text) if _OWN_STAFF_PANEL.search(s)), None)
    if said:
        return said
    listed = _expert_affiliations(f)
    # the interested body's other staff are interested too (……设计院有限公司院长（本工程可研编制单位）, ……总工程师)
    orgs = [m.group(0) for a in listed if _INTERESTED.search(a)
            for m in [re.match(r"[\u4e00-\u9fa5]{4,30}?(?:有限责任公司|有限公司|集团|院|局|中心)", a)] if m]
    orgs += [m.group(1) for x in f.materials for m in _AUTHOR.finditer(x.text or "")]
    # a company the decision itself names (the supplier it picks, the operator it engages) has a direct interest
    orgs += [re.split(r"[的由和与及、]", m.group(0))[-1] for m in _COMPANY.finditer(f.dossier.draft_text or "")]
    direct = [a for a in listed if _INTERESTED.search(a) or any(o in a for o in orgs)]
    interested = [a for a in listed if a in direct or _OFFICIAL.search(a) and not _INDEPENDENT.search(a)]
    # 条例第十九条: no expert with a direct interest; a panel of officials and interested firms, or one most of which
    # is the deciding side's own with such an expert among them, is no independent argument
    if len(listed) >= 2 and (len(interested) == len(listed) or direct and 2 * len(interested) > len(listed)):
        return interested[0]
    return None


def check_expert(rule: Rule, p: ExpertParams, f: ProcedureFacts) -> list[Finding]:
    """Major decisions on professional or technical matters: 专家论证."""
    hits = _subject_hits(f, "expert")
    # an argument held, the unit judging the matter technical, by people who are no independent experts
    partial = _not_neutral(f)
    if partial:
        detail = (f"参加论证的人员全部或者多数为本级政府部门、决策承办单位或者与决策事项有利害关系的企业人员"
                  f"（如“{partial[:30]}”），不具有中立性，不构成专家论证")
        return [procedure_finding(rule, p, f, detail, subject="、".join(hits[:4]) or "决策事项")]
    if not hits:
        return []
    done, neg = _done(f, "expert", [r"专家论证", r"论证会", r"专家.{0,6}论证", r"专业机构论证", r"专家评审", r"专家咨询"])
    if done:
        return []
    cost = f.of_kind("cost_audit")
    if neg:
        detail = f"材料称{quote(neg[0], 50)}"
    else:
        detail = "材料中没有专家、专业机构的论证意见"
    if cost:
        detail += f"；{f.names(cost)}是价格主管部门的成本审核，不能代替专家论证"
    return [procedure_finding(rule, p, f, detail, subject="、".join(hits[:4]))]


def _unrest(f: ProcedureFacts) -> list[str]:
    spec = f.vocab.subjects.get("risk", {})
    out = []
    for m in f.materials:
        for s in split_sentences(m.text):
            if any(re.search(pat, s) for pat in spec.get("unrest", [])) and not re.search(r"防范|化解|预案|低风险", s):
                out.append(s)
    return out


_RISK_SUBSTANCE = r"风险点|风险因素|风险源|风险识别|防范|化解|预案|应对|处置|问卷|访谈|调查|走访"


def check_risk(rule: Rule, p: RiskParams, f: ProcedureFacts) -> list[Finding]:
    """Major decisions that may affect social stability, public safety or the environment: 风险评估."""
    hits = _subject_hits(f, "risk")
    spec = f.vocab.subjects.get("risk", {})
    title_hits = [pat for pat in spec.get("title", []) if re.search(pat, f.dossier.title or "")]
    unrest = _unrest(f)
    # a report names the risks and how they are met (第二十二条、第二十三条); a one-line verdict is no assessment, for
    # a decision its own unit judged to need one, nor is a sentence giving the verdict with no report at all
    reports = f.of_kind("risk")
    bare = [m for m in reports if not re.search(_RISK_SUBSTANCE, m.text or "")]
    if not title_hits and not unrest and len(hits) < 3 and not bare:
        return []
    done, neg = _done(f, "risk", [r"风险评估", r"稳评", r"稳定风险"])
    verdict_only = not reports and done and not any(re.search(_RISK_SUBSTANCE + r"|报告|第三方|委托", s) for s in done)
    if done and not verdict_only and len(bare) < max(len(reports), 1):
        return []
    subject = "、".join(hits[:4]) if hits else "决策事项"
    if verdict_only:
        detail = f"材料只称{quote(done[0], 40)}，没有风险评估报告，也没有风险点、防范措施和处置预案"
    elif bare:
        detail = f"《{material_stem(bare[0].name)}》只有评估结论，没有风险点、防范措施和处置预案"
    else:
        detail = f"材料称{quote(neg[0], 50)}" if neg else "材料中没有社会稳定风险评估报告"
    if unrest:
        detail += f"，且材料显示{quote(unrest[0], 50)}"
    return [procedure_finding(rule, p, f, detail, subject=subject)]


_PRICE_SET = re.compile(r"(?:销售价格|价格|水价|气价|票价|收费标准)[^。；]{0,20}(?:调整为|上调|统一执行|提高到|提高至)[^。；]{0,16}"
                        r"\d+(?:\.\d+)?\s*元")


def check_hearing(rule: Rule, p: HearingParams, f: ProcedureFacts) -> list[Finding]:
    """听证 where a law requires it: public-utility prices, 旧城区改建 or 征地 with most owners objecting."""
    spec = f.vocab.subjects
    title = f.dossier.title or ""
    text = f.dossier.draft_text or ""
    variant = None
    why = ""
    price = spec.get("utility_price", {})
    price_hit = next((pat for pat in price.get("price", []) if re.search(pat, title)), None)
    utility_hit = next((pat for pat in price.get("utility", []) if re.search(pat, title)), None)
    # a plan for a utility (管道燃气特许经营区域整合) that itself fixes the users' new price
    set_here = _PRICE_SET.search(text) if utility_hit and not price_hit else None
    if utility_hit and (price_hit or set_here):
        variant = "price"
        what = re.search(price_hit, title).group(0) if price_hit else "价格"
        why = (f"方案调整{re.search(utility_hit, title).group(0)}{what}，"
               "属于关系群众切身利益的公用事业（公益性服务）价格，依法应当举行听证")
    else:
        s = majority_objection(f)
        if s:
            old = any(re.search(pat, f"{title}\n{text}") for pat in spec.get("expropriation", {}).get("old_town", []))
            variant = "old_town" if old else "land"
            who = "被征收人" if old else "被征地的农村集体经济组织成员"
            why = f"材料显示{quote(s, 70)}，多数{who}认为方案不符合规定，依法应当组织听证"
    if variant is None and (listed := _listed_for_hearing(f)):
        variant = "listed"
        why = f"材料显示本决策事项列为应当听证的事项（{quote(listed, 60)}）"
    if variant is None:
        return []
    done, neg = _done(f, "hearing", [r"听证会", r"听证"])
    if done:
        return []
    detail = why + (f"，但材料称{quote(neg[0], 50)}" if neg else "，但材料中没有听证公告、听证笔录或者听证报告")
    return [procedure_finding(rule, p, f, detail, variant=variant)]
