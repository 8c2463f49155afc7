"""Procedure checks (P.*) and after-decision reminders (R.AFTER_DECISION).

Each check reads the `ProcedureFacts` of the dossier (procedure_facts.py) and returns at most one finding
for its code, with a message that says what is missing or inadequate. Procedure findings have no location.
At 审核 P.LEGALITY_REVIEW and P.COLLECTIVE are never reported (the reviewer is doing the first, the second
comes after): the rules are limited to 备案 and run_procedure() enforces it again.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from assistant.models import Basis, DocType, Finding, Severity, Stage
from assistant.review.context import IssuerKind
from assistant.review.dates import find_dates
from assistant.review.procedure_facts import (ProcedureFacts, describe_window, facts_for, mentions_title, sentences,
                                              signature_date)
from assistant.review.rules import CHECKS, Rule, RuleSet, register_check
from assistant.text.numerals import article_label
from assistant.text.structure import parse_articles

FILING_ONLY = {"P.LEGALITY_REVIEW", "P.COLLECTIVE"}
CODE_ORDER = ["P.DRAFT_NOTE", "P.PUBLIC_COMMENT", "P.PUBLIC_PARTICIPATION", "P.FAIR_COMPETITION", "P.EXPERT",
              "P.RISK", "P.HEARING", "P.LEGALITY_REVIEW", "P.COLLECTIVE"]

# Short names used by rule variants to pick their basis: "组织法/第七十五条", "国办发〔2018〕37号".
_SHORT = {"组织法": "中华人民共和国地方各级人民代表大会和地方各级人民政府组织法", "行政处罚法": "中华人民共和国行政处罚法",
          "价格法": "中华人民共和国价格法", "土地管理法": "中华人民共和国土地管理法"}
_POLICY_NO = {"国办发〔2018〕37号": "国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知",
              "国办发〔2018〕115号": "国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见"}


# --- building findings --------------------------------------------------------------------------------

def _pick_basis(rule: Rule, keys: list[str] | None) -> list[Basis]:
    basis = rule.resolved_basis or [Basis(instrument=b.instrument, article=b.article, paragraph=b.paragraph,
                                          note=b.note) for b in rule.basis]
    if not keys:
        return list(basis)
    out: list[Basis] = []
    for key in keys:
        name, _, article = key.partition("/")
        name = _POLICY_NO.get(name, _SHORT.get(name, name))
        for b in basis:
            if b in out:
                continue
            if (b.instrument == name or b.instrument.endswith(name)) and (not article or b.article == article):
                out.append(b)
    return out or list(basis)


def _finding(rule: Rule, detail: str, *, variant: str | None = None, **fmt: str) -> Finding:
    spec = (rule.params.get("variants") or {}).get(variant or "", {}) if variant else {}
    values = {"detail": detail, "subject": "", "body": "集体会议", **fmt}
    message = (spec.get("message") or rule.message).format(**values)
    suggestion = spec.get("suggestion") or rule.suggestion
    if suggestion:
        suggestion = suggestion.format(**values)
    return Finding(
        code=rule.code, location=None, severity=rule.severity, title=spec.get("title") or rule.title,
        evidence=detail, basis=_pick_basis(rule, spec.get("basis")), explanation=message, suggestion=suggestion,
        source=f"rule:{rule.id}",
    )


def _quote(s: str, n: int = 60, focus: str | None = None) -> str:
    """A sentence quoted for a message; with `focus`, the clause (between ，) around the first match."""
    s = re.sub(r"\s+", "", s)
    if focus and len(s) > n:
        m = re.search(focus, s)
        if m:
            a = max(s.rfind("，", 0, m.start()), s.rfind("、", 0, max(0, m.start() - 20)), -1) + 1
            b = s.find("，", m.end())
            s = s[a:] if b < 0 else s[a:b]
    return f"“{s[:n]}{'……' if len(s) > n else ''}”"


def _stem(name: str) -> str:
    return re.sub(r"\.(md|txt|docx|doc|html?|pdf)$", "", name.rsplit("/", 1)[-1], flags=re.IGNORECASE)


# --- P.DRAFT_NOTE -------------------------------------------------------------------------------------

_NOTE_ELEMENTS = {
    "必要性": r"必要性|背景|制定目的|现状|存在的?问题|亟需|有必要|为了|为解决",
    "法律依据": r"合法性|依据|根据《|法律法规|上位法|授权",
    "主要内容": r"主要内容|主要规定|共[一二三四五六七八九十\d]+[章条]|主要包括|包括.{0,30}等|调整方案|建设内容|改造内容|方案.{0,6}(?:明确|规定)",
}


@register_check("procedure_draft_note", "procedure")
def check_draft_note(rule: Rule, ctx: Any) -> list[Finding]:
    """A 起草说明 / 决策草案说明 with necessity, legal basis and main content."""
    f = facts_for(ctx)
    notes = f.of_kind("draft_note")
    if not notes:
        others = [m for m in f.materials if "draft_note" not in m.kinds]
        if not f.materials:
            detail = "送审时未附任何材料"
        elif f.of_kind("cover_letter"):
            detail = f"只有{f.names(f.of_kind('cover_letter'))}，送审函（报告）不能代替起草说明"
        else:
            detail = f"所附材料为{f.names(others)}，其中没有起草说明"
        return [_finding(rule, detail)]
    # Only a note that says nearly nothing is inadequate: real notes vary in headings and order.
    for note in notes:
        missing = [k for k, p in _NOTE_ELEMENTS.items() if not re.search(p, note.text or "")]
        if len(missing) <= 1 or (len(missing) == 2 and len(re.sub(r"\s", "", note.text or "")) >= 300):
            return []
    note = notes[0]
    missing = [k for k, p in _NOTE_ELEMENTS.items() if not re.search(p, note.text or "")]
    return [_finding(rule, f"《{_stem(note.name)}》未载明{'、'.join(missing)}", variant="thin")]


# --- public comment (normative) and public participation (major decisions) ---------------------------

def _targeted_summary(f: ProcedureFacts) -> str:
    if not f.targeted:
        return ""
    return "材料只显示" + _quote(f.targeted[0], 50) + "，属于部门会签或者定向征求意见，不是向社会公开征求意见"


def _comment_defects(f: ProcedureFacts, *, min_days: int | None, min_workdays: int | None,
                     reason_ok: bool) -> tuple[str | None, list[str]]:
    """(variant, detail parts) of the public-comment defects; variant None when there is none."""
    w = f.best_window
    if w is None:
        if f.public_without_dates:
            # Put out for comment but the period is not stated: no finding on the period, only on 采纳情况.
            if not f.adoption.value:
                return "no_adoption", [f"材料称{_quote(f.public_without_dates[0], 40)}，但未说明征求意见的采纳情况"]
            return None, []
        parts = ["未向社会公开征求意见"]
        summary = _targeted_summary(f)
        if summary:
            parts = [f"未向社会公开征求意见（{summary}）"]
        return "missing", parts
    parts: list[str] = []
    variant = None
    days, wd, unknown = f.count_days(w.window)
    desc = describe_window(f, w)
    if min_days is not None and days < min_days and not reason_ok:
        parts.append(f"公开征求意见期间为{desc}，少于{min_days}日")
        variant = "too_short"
    elif min_workdays is not None and wd < min_workdays:
        parts.append(f"公开征求意见期间为{desc}，少于{min_workdays}个工作日")
        variant = "too_short"
    if not f.adoption.value:
        if f.deferral:
            parts.append(f"对收到的意见只称{_quote(f.deferral[0], 40)}，没有逐条说明采纳或者不采纳及理由")
        else:
            parts.append("没有说明意见采纳情况")
        variant = variant or "no_adoption"
    return variant, parts


@register_check("procedure_public_comment", "procedure")
def check_public_comment(rule: Rule, ctx: Any) -> list[Finding]:
    """Normative documents: public comment (7 working days, 30 days when operators are concerned) and 采纳情况."""
    f = facts_for(ctx)
    if f.internal.value:
        return []
    operators = f.operators.value
    settings = getattr(getattr(ctx, "settings", None), "review", None)
    min_days = getattr(settings, "comment_min_days_market", None) or rule.params.get("min_days_operators", 30)
    min_wd = getattr(settings, "comment_min_workdays", None) or rule.params.get("min_workdays", 7)
    variant, parts = _comment_defects(f, min_days=min_days if operators else None,
                                      min_workdays=None if operators else min_wd, reason_ok=False)
    if variant is None:
        return []
    if variant == "too_short" and operators:
        variant = "too_short_operators"
        parts[0] += "（草案与市场主体生产经营活动密切相关）"
    return [_finding(rule, "；".join(parts), variant=variant)]


@register_check("procedure_public_participation", "procedure")
def check_public_participation(rule: Rule, ctx: Any) -> list[Finding]:
    """Major decisions: public comment of at least 30 days (shorter only with a reason) and 采纳情况."""
    f = facts_for(ctx)
    variant, parts = _comment_defects(f, min_days=rule.params.get("min_days", 30), min_workdays=None,
                                      reason_ok=bool(f.short_reason))
    if variant is None:
        return []
    if variant == "too_short":
        parts[0] += "，且未说明缩短期限的理由"
    return [_finding(rule, "；".join(parts), variant=variant)]


# --- P.FAIR_COMPETITION -------------------------------------------------------------------------------

@register_check("procedure_fair_competition", "procedure")
def check_fair_competition(rule: Rule, ctx: Any) -> list[Finding]:
    """Drafts concerning operators' economic activity: a 公平竞争审查 with a conclusion."""
    f = facts_for(ctx)
    # A clause that restricts competition shows the draft concerns operators, whatever the materials say of it.
    restricting = [x.location for x in getattr(ctx, "content_findings", []) if x.code == "C.COMPETITION"]
    if (not f.operators.value and not restricting) or f.internal.value:
        return []
    st = f.vocab.statements
    reasons = f.operators.reasons if f.operators.value else [f"草案{'、'.join(restricting[:3])}限定或者排斥经营者"]
    subject = "；".join(reasons[:2]) or "涉及经营者"
    reviews = f.of_kind("fair_competition")
    conclusion = st.get("fair_conclusion", [])
    no_conclusion = st.get("fair_no_conclusion", [])
    for m in reviews:
        text = m.text or ""
        lines = [ln for ln in text.splitlines() if re.search(r"结论", ln)]
        if any(re.search(p, ln) for p in no_conclusion for ln in lines) and not any(
                re.search(p, text) for p in conclusion[1:]):
            continue
        if any(re.search(p, text, re.MULTILINE) for p in conclusion):
            wrong = _self_review_only(f, text)
            if wrong:
                finding = _finding(rule, f"《{_stem(m.name)}》{wrong}", variant="wrong_body", subject=subject)
                return [finding]
            return []
    who = {IssuerKind.DEPARTMENT: ["公平竞争审查条例/第十三条"], IssuerKind.GOVERNMENT: ["公平竞争审查条例/第十四条"]}.get(
        f.issuer_kind, ["公平竞争审查条例/第十三条", "公平竞争审查条例/第十四条"])
    kind_key = ["重大行政决策程序暂行条例/第二十九条"] if f.doc_type == DocType.MAJOR_DECISION else ["优化营商环境条例/第六十三条"]
    if reviews:
        detail = f"{f.names(reviews)}没有作出审查结论"
        finding = _finding(rule, detail, variant="no_conclusion", subject=subject)
        finding.basis = _pick_basis(rule, ["公平竞争审查条例/第十七条", "公平竞争审查条例/第十八条"])
        return [finding]
    # No review form: a conclusion stated in another material (起草说明: "已开展，结论为可以出台") is accepted.
    pos, neg = f.statement([r"公平竞争审查"])
    pos.sort(key=len, reverse=True)  # the sentence that says what was done, not a bare heading
    for s in pos:
        if any(re.search(p, s) for p in conclusion) and not re.search(r"无需|不需要|不涉及", s):
            return []
    if neg:
        detail = f"材料称{_quote(neg[0], 40)}"
    elif pos:
        detail = f"只见{_quote(pos[0], 40)}，未附公平竞争审查表和审查结论"
    else:
        detail = "材料中没有公平竞争审查表或者审查结论"
    finding = _finding(rule, detail, variant="missing", subject=subject)
    finding.basis = _pick_basis(rule, ["公平竞争审查条例/第二条", *who, "公平竞争审查条例/第十七条",
                                       "公平竞争审查条例/第十八条", *kind_key])
    return [finding]


_REVIEWER = re.compile(r"(?:审查机关|审查单位|审查主体|审查部门)[：:|\s]*([^\n|。；]{2,40})")


def _self_review_only(f: ProcedureFacts, text: str) -> str | None:
    """A government's measure reviewed by the drafting unit alone (公平竞争审查条例 第十四条 wants the 市场监督管理
    部门 会同起草单位): the reason, or None. Only said when the review names its reviewer."""
    if f.issuer_kind != IssuerKind.GOVERNMENT or re.search(r"市场监督管理|市场监管", text):
        return None
    m = _REVIEWER.search(text)
    if m:
        return f"载明审查机关为“{m.group(1).strip()}”，未由市场监督管理部门会同起草单位审查"
    if re.search(r"自我审查|自查", text):
        return "为起草单位自我审查，未由市场监督管理部门会同起草单位审查"
    if re.search(r"初审", text):
        return "只有起草单位的初审意见，未由市场监督管理部门会同起草单位审查并作出结论"
    return None


# --- P.LEGALITY_REVIEW (备案) ----------------------------------------------------------------------------

def _issue_date(f: ProcedureFacts):
    """The 印发 date stated in the issued text or the filing report ("于2026年4月20日印发"), else None."""
    for text in [f.dossier.draft_text] + [m.text for m in f.of_kind("filing_report")]:
        for s in sentences(text or ""):
            m = re.search(r"于?([^，。；]{6,16}日)(?:印发|发布|公布)", s)
            if m:
                ds = find_dates(m.group(1))
                if ds:
                    return ds[0].value
    return None


def _meeting_date(f: ProcedureFacts):
    dates = [m.when for m in f.meetings() if m.right_body and m.mentions_draft and m.when]
    return min(dates) if dates else None


@register_check("procedure_legality_review", "procedure")
def check_legality_review(rule: Rule, ctx: Any) -> list[Finding]:
    """备案: a 合法性审核意见 before the meeting, acted on (adopted, or not adopted with reasons)."""
    f = facts_for(ctx)
    found = _legality_review(rule, f)
    for finding, variant in found:
        if f.doc_type == DocType.MAJOR_DECISION:
            finding.basis = _pick_basis(rule, ["重大行政决策程序暂行条例/第二十五条"])
        elif variant != "ignored":
            keys = ["国办发〔2018〕115号", "组织法/第七十五条"]
            if f.operators.value:
                keys.insert(0, "优化营商环境条例/第六十三条")
            finding.basis = _pick_basis(rule, keys)
    return [finding for finding, _ in found]


def _legality_review(rule: Rule, f: ProcedureFacts) -> list[tuple[Finding, str]]:
    if f.stage != Stage.FILING:
        return []
    st = f.vocab.statements
    reviews = f.of_kind("legality_review")
    if not reviews:
        replies = [m for m in f.of_kind("consultation_reply") if re.search(r"司法|法制|法规", m.text or m.name)]
        if replies:
            return [(_finding(rule, f"材料中只有{f.names(replies)}（征求意见复函）", variant="reply_only"), "reply_only")]
        detail = f"所附材料为{f.listing()}"
        filing = f.of_kind("filing_report")
        if filing:
            detail += "，备案报告也未提及合法性审核"
        return [(_finding(rule, detail, variant="missing"), "missing")]
    # An opinion on another document does not count.
    own = [m for m in reviews if mentions_title(m.text, f.dossier.title) or not re.search(r"《[^》]{4,}》", m.text or "")]
    if not own:
        return [(_finding(rule, f"{f.names(reviews)}针对的不是本文件，材料中没有对本文件的合法性审核意见",
                          variant="missing"), "missing")]
    review = own[0]
    # A government's document is reviewed by its 司法行政部门 (国办发〔2018〕115号), not by a unit inside the
    # drafting department.
    if f.issuer_kind == IssuerKind.GOVERNMENT and f.doc_type == DocType.NORMATIVE:
        head = (review.name or "") + (review.text or "")
        if not re.search(r"司法局|司法行政|法制办|法制局|司法厅|法律顾问|政府法制机构", head) and re.search(
                r"(?:政策法规|法规|法制)(?:科|股|处)", head):
            detail = f"《{_stem(review.name)}》由起草单位内设机构出具，不是本级人民政府司法行政部门的合法性审核意见"
            return [(_finding(rule, detail, variant="wrong_body"), "wrong_body")]
    when = signature_date(review.text)
    met = _meeting_date(f)
    issued = _issue_date(f)
    if when and met and when > met:
        detail = (f"《{_stem(review.name)}》落款日期为{when.year}年{when.month}月{when.day}日，"
                  f"晚于{met.year}年{met.month}月{met.day}日的集体审议会议")
        return [(_finding(rule, detail, variant="after_meeting"), "after_meeting")]
    if when and issued and when > issued:
        detail = (f"《{_stem(review.name)}》落款日期为{when.year}年{when.month}月{when.day}日，"
                  f"晚于{issued.year}年{issued.month}月{issued.day}日的印发日期")
        return [(_finding(rule, detail, variant="after_meeting"), "after_meeting")]
    text_all = review.text or ""
    unlawful = re.search(r"审[核查]结论[：:]?\s*(?:为)?(?:不合法|不宜出台|不予通过|不同意出台)", text_all)
    if unlawful:
        detail = f"《{_stem(review.name)}》的审核结论为“{unlawful.group(0)}”，文件仍予印发"
        return [(_finding(rule, detail, variant="ignored"), "ignored")]
    text = review.text or ""
    body = text.split("\n附", 1)[0]
    cosmetic = st.get("legality_cosmetic", [])
    proposals = [s for s in sentences(body)
                 if any(re.search(p, _without(s, cosmetic)) for p in st.get("legality_proposals", []))]
    clean = any(re.search(p, body) for p in st.get("legality_clean", []))
    if not proposals or clean:
        return []
    explained = any(re.search(r"(?:未|不予?)采纳.{0,30}(?:理由|原因|因为|考虑到)", x) and re.search(r"审[核查]意见|法律意见|合法性|第.{1,4}条", x)
                    for m in f.materials if m is not review and "comment_report" not in m.kinds
                    for x in sentences(m.text))
    kept = [] if explained else _deletions_ignored(f, body)
    if not kept and f.stage == Stage.FILING and _deletions_carried_out(f, body):
        return []  # the issued text no longer says what the opinion asked to delete: the opinion was acted on
    if kept:
        detail = (f"《{_stem(review.name)}》要求删除的内容在印发文本中仍然保留（{'；'.join(kept[:2])}），"
                  "材料中没有不采纳的理由说明，合法性审核意见未见落实")
        return [(_finding(rule, detail, variant="ignored"), "ignored")]
    adopted_patterns = st.get("legality_adopted", [])
    for m in f.materials:
        if "legality_review" in m.kinds:
            # the drafting unit's note appended to the opinion: "附：上述意见已全部采纳（…科，7月1日）"
            parts = re.split(r"\n\s*附", m.text or "", maxsplit=1)
            candidates = sentences(parts[1]) if len(parts) > 1 else []
        else:
            candidates = [x for x in sentences(m.text) if re.search(r"(?:审核|审查|法律|法制)意见|合法性", x)]
        for x in candidates:
            if any(re.search(p, x) for p in adopted_patterns) and not re.search(r"请|要求.{0,6}说明|应当", x):
                return []
    detail = (f"《{_stem(review.name)}》提出了修改意见（如{_quote(proposals[0], 50)}），材料中没有采纳情况或者不采纳理由的说明，"
              "合法性审核意见未见落实")
    return [(_finding(rule, detail, variant="ignored"), "ignored")]


def _without(text: str, patterns: list[str]) -> str:
    for p in patterns:
        text = re.sub(p, "", text)
    return text


_ITEM_ARTICLE = re.compile(r"第([一二三四五六七八九十百]+|\d+)条")
_OPINION_ITEM = re.compile(r"[；;。\n]|[（(][一二三四五六七八九十]+[）)]")
_DELETE_REQUEST = re.compile(r"(?:建议|应当|应予|要求|须|请)[^，,]{0,6}(?:删除|删去|删减)|(?:删除|删去)(?:该|此|上述|相关)")
_ALREADY_DELETED = re.compile(r"已[^，,]{0,10}(?:删除|删去)|予以确认")


def _deletion_requests(f: ProcedureFacts, opinion: str):
    """(opinion item, issued text of each article it names) for every item asking to delete something.

    One opinion item at a time: a paragraph often lists several (（一）… ；（二）…), each about its own article,
    and only a request to delete counts — not a deletion already made ("已删除，予以确认")."""
    articles = {a.label: a.text for a in parse_articles(f.dossier.draft_text or "")}
    for line in _OPINION_ITEM.split(opinion or ""):
        if not _DELETE_REQUEST.search(line) or _ALREADY_DELETED.search(line):
            continue
        labels = [f"第{m.group(1)}条" if not m.group(1).isdigit() else article_label(int(m.group(1)))
                  for m in _ITEM_ARTICLE.finditer(line)]
        yield line, {label: articles[label] for label in labels if articles.get(label)}


def _deletions_ignored(f: ProcedureFacts, opinion: str) -> list[str]:
    """Opinion items that ask to delete something the issued text still says: "第十条仍保留“…”"."""
    kept: list[str] = []
    for line, named in _deletion_requests(f, opinion):
        said = _ITEM_ARTICLE.sub("", line)
        for label, clause in named.items():
            match = SequenceMatcher(None, said, clause, autojunk=False).find_longest_match(0, len(said), 0, len(clause))
            if match.size >= 8:
                kept.append(f"{label}仍有“{clause[match.b:match.b + match.size]}”")
                break
    return kept


_QUOTED = re.compile(r"[“\"]([^”\"]{1,20})[”\"]")


def _deletions_carried_out(f: ProcedureFacts, opinion: str) -> bool:
    """Whether the opinion asked to delete a quoted wording of a named article (第二十五条“罚款”…建议删除) and
    the issued text of that article no longer has it."""
    done = False
    for line, named in _deletion_requests(f, opinion):
        words = _QUOTED.findall(line)
        for clause in named.values() if words else ():
            if any(w in clause for w in words):
                return False
            done = True
    return done


# --- P.COLLECTIVE (备案) -------------------------------------------------------------------------------

_BODY_NAME = {IssuerKind.GOVERNMENT: "政府常务会议或者全体会议", IssuerKind.TOWN: "党政联席会议或者政府常务会议",
              IssuerKind.DEPARTMENT: "部门办公会议（局务会议、委务会议）", IssuerKind.UNKNOWN: "制定机关办公会议"}
_PAST_DECISION = (r"经[^，。；]{0,24}?(?:第[\d一二三四五六七八九十]+次)?", r"[^，。；]{0,12}?(?:审议|讨论|研究)(?:通过|决定|同意)")


@register_check("procedure_collective", "procedure")
def check_collective(rule: Rule, ctx: Any) -> list[Finding]:
    """备案: minutes of the right body (常务会议 / 局务会议 / 党政联席会议) that decided this document."""
    f = facts_for(ctx)
    found = _collective(rule, f)
    for finding in found:
        finding.basis = _collective_basis(rule, f)
    return found


def _collective(rule: Rule, f: ProcedureFacts) -> list[Finding]:
    if f.stage != Stage.FILING:
        return []
    st = f.vocab.statements
    kind = f.issuer_kind
    if f.doc_type == DocType.MAJOR_DECISION and kind != IssuerKind.DEPARTMENT:
        kind = IssuerKind.GOVERNMENT if kind == IssuerKind.UNKNOWN else kind
    body_name = _BODY_NAME[kind]
    bodies = st.get("bodies", {})
    right = {IssuerKind.GOVERNMENT: bodies.get("government", []), IssuerKind.TOWN: bodies.get("town", []),
             IssuerKind.DEPARTMENT: bodies.get("department", [])}.get(kind) or sorted(
        {b for v in bodies.values() for b in v})
    meetings = f.meetings()
    issued = _issue_date(f)
    for m in meetings:
        if m.right_body and m.mentions_draft and m.decided:
            if issued and m.when and m.when > issued:
                detail = (f"《{_stem(m.material)}》的会议日期{m.when.year}年{m.when.month}月{m.when.day}日"
                          f"晚于{issued.year}年{issued.month}月{issued.day}日的印发日期，文件印发时未经集体审议")
                return [_finding(rule, detail, body=body_name)]
            return []
    # A specific past-tense statement in the issued text or the filing report: "经县人民政府第15次常务会议审议通过".
    sources = [f.dossier.draft_text] + [m.text for m in f.of_kind("filing_report", "cover_letter")]
    for text in sources:
        for s in sentences(text or ""):
            for b in right:
                hit = re.search(_PAST_DECISION[0] + b + _PAST_DECISION[1], s)
                if hit and not re.search("|".join(st.get("future", ["拟"])), s[:hit.start() + 1]):
                    return []
    if meetings:
        wrong = [m for m in meetings if not m.right_body]
        silent = [m for m in meetings if m.right_body and not m.mentions_draft]
        undecided = [m for m in meetings if m.right_body and m.mentions_draft and not m.decided]
        if undecided:
            detail = f"《{_stem(undecided[0].material)}》未记载会议审议通过本文件"
        elif silent and not wrong:
            detail = f"{'、'.join('《' + _stem(m.material) + '》' for m in silent)}未记载审议本文件"
        else:
            m = (wrong or meetings)[0]
            kinds = "、".join(m.wrong_bodies or m.bodies) or "其他会议"
            detail = f"材料中只有《{_stem(m.material)}》（{kinds}），不是{body_name}"
        return [_finding(rule, detail, body=body_name)]
    signoffs = f.of_kind("sign_off")
    if signoffs:
        detail = f"材料中没有会议纪要，只有{f.names(signoffs)}（领导签批）"
        return [_finding(rule, detail, body=body_name)]
    vague = []
    for m in f.of_kind("filing_report", "draft_note", "cover_letter"):
        for s in sentences(m.text):
            if re.search(r"研究同意|研究决定|同意后印发|领导同意|研究通过", s):
                vague.append((m, s))
    if vague:
        m, s = vague[0]
        detail = f"材料中没有会议纪要，《{_stem(m.name)}》仅称{_quote(s, 40, r'研究同意|研究决定|领导同意|研究通过|同意后印发')}"
    else:
        detail = "材料中没有会议纪要"
    return [_finding(rule, detail, body=body_name)]


def _collective_basis(rule: Rule, f: ProcedureFacts) -> list[Basis]:
    if f.doc_type == DocType.MAJOR_DECISION:
        return _pick_basis(rule, ["重大行政决策程序暂行条例/第三十条", "组织法/第七十八条"])
    if f.issuer_kind == IssuerKind.GOVERNMENT:
        return _pick_basis(rule, ["组织法/第七十五条", "组织法/第七十八条", "国办发〔2018〕37号"])
    return _pick_basis(rule, ["组织法/第七十五条", "国办发〔2018〕37号"])


# --- major decisions: expert, risk, hearing ----------------------------------------------------------

def _subject_hits(f: ProcedureFacts, key: str) -> list[str]:
    spec = f.vocab.subjects.get(key, {})
    title = f.dossier.title or ""
    hits = [p for p in spec.get("title", []) if re.search(p, title)]
    text = f.dossier.draft_text or ""
    text_hits = [p for p in spec.get("text", []) if re.search(p, text)]
    return hits + [h for h in text_hits if h not in hits] if hits else (text_hits if len(text_hits) >= 3 else [])


def _done(f: ProcedureFacts, kind: str, words: list[str]) -> tuple[bool, list[str]]:
    """(done, negated statements): a material of the kind, or a non-negated statement that it was done."""
    if f.of_kind(kind):
        return True, []
    pos, neg = f.statement(words, exclude_kinds=(kind,))
    done = [s for s in pos if re.search(r"已|组织|召开|开展|进行|完成|委托|举行|形成", s)
            and not re.search(r"拟|将|计划|待|应当|建议|需要|请", s)]
    return bool(done), neg


@register_check("procedure_expert", "procedure")
def check_expert(rule: Rule, ctx: Any) -> list[Finding]:
    """Major decisions on professional or technical matters: 专家论证."""
    f = facts_for(ctx)
    hits = _subject_hits(f, "expert")
    if not hits:
        return []
    done, neg = _done(f, "expert", [r"专家论证", r"论证会", r"专家.{0,6}论证", r"专业机构论证", r"专家评审", r"专家咨询"])
    if done:
        return []
    cost = f.of_kind("cost_audit")
    if neg:
        detail = f"材料称{_quote(neg[0], 50)}"
    else:
        detail = "材料中没有专家、专业机构的论证意见"
    if cost:
        detail += f"；{f.names(cost)}是价格主管部门的成本审核，不能代替专家论证"
    return [_finding(rule, detail, subject="、".join(hits[:4]))]


def _unrest(f: ProcedureFacts) -> list[str]:
    spec = f.vocab.subjects.get("risk", {})
    out = []
    for m in f.materials:
        for s in sentences(m.text):
            if any(re.search(p, s) for p in spec.get("unrest", [])) and not re.search(r"防范|化解|预案|低风险", s):
                out.append(s)
    return out


@register_check("procedure_risk", "procedure")
def check_risk(rule: Rule, ctx: Any) -> list[Finding]:
    """Major decisions that may affect social stability, public safety or the environment: 风险评估."""
    f = facts_for(ctx)
    hits = _subject_hits(f, "risk")
    spec = f.vocab.subjects.get("risk", {})
    title_hits = [p for p in spec.get("title", []) if re.search(p, f.dossier.title or "")]
    unrest = _unrest(f)
    if not title_hits and not unrest and len(hits) < 3:
        return []
    done, neg = _done(f, "risk", [r"风险评估", r"稳评", r"稳定风险"])
    if done:
        return []
    subject = "、".join(hits[:4]) if hits else "决策事项"
    detail = f"材料称{_quote(neg[0], 50)}" if neg else "材料中没有社会稳定风险评估报告"
    if unrest:
        detail += f"，且材料显示{_quote(unrest[0], 50)}"
    finding = _finding(rule, detail, subject=subject)
    text = f"{f.dossier.title}\n{f.dossier.draft_text}"
    keys = []
    if re.search(r"房屋征收|征收补偿|被征收人", text):
        keys += rule.params.get("expropriation_basis", [])
    if re.search(r"征收(?:集体)?土地|征地", text):
        keys += rule.params.get("land_basis", [])
    finding.basis = _pick_basis(rule, ["重大行政决策程序暂行条例/第二十二条", "重大行政决策程序暂行条例/第二十三条", *keys])
    return [finding]


def _majority_objection(f: ProcedureFacts) -> str | None:
    spec = f.vocab.subjects.get("expropriation", {})
    for m in f.materials:
        for s in sentences(m.text):
            if not any(re.search(p, s) for p in spec.get("objection", [])):
                continue
            if not any(re.search(p, s) for p in spec.get("parties", [])):
                continue
            if any(re.search(p, s) for p in spec.get("majority_words", [])):
                return s
            for pct in re.findall(r"(\d+(?:\.\d+)?)\s*[%％]", s):
                if float(pct) > 50:
                    return s
            for pct in re.findall(r"(?:过|超过)(?:半数|一半|三分之二)", s):
                return s
    return None


@register_check("procedure_hearing", "procedure")
def check_hearing(rule: Rule, ctx: Any) -> list[Finding]:
    """听证 where a law requires it: public-utility prices, 旧城区改建 or 征地 with most owners objecting."""
    f = facts_for(ctx)
    spec = f.vocab.subjects
    title = f.dossier.title or ""
    text = f.dossier.draft_text or ""
    variant = None
    why = ""
    price = spec.get("utility_price", {})
    price_hit = next((p for p in price.get("price", []) if re.search(p, title)), None)
    utility_hit = next((p for p in price.get("utility", []) if re.search(p, title)), None)
    if price_hit and utility_hit:
        variant = "price"
        why = f"方案调整{re.search(utility_hit, title).group(0)}{re.search(price_hit, title).group(0)}，属于关系群众切身利益的公用事业（公益性服务）价格，依法应当举行听证"
    else:
        exp = spec.get("expropriation", {})
        body = f"{title}\n{text}"
        old = any(re.search(p, body) for p in exp.get("old_town", []))
        land = any(re.search(p, body) for p in exp.get("land", [])) and re.search(r"集体", body)
        if old or land:
            s = _majority_objection(f)
            if s:
                variant = "old_town" if old else "land"
                who = "被征收人" if old else "被征地的农村集体经济组织成员"
                why = f"材料显示{_quote(s, 70)}，多数{who}认为方案不符合规定，依法应当组织听证"
    if variant is None:
        return []
    done, neg = _done(f, "hearing", [r"听证会", r"听证"])
    if done:
        return []
    detail = why + (f"，但材料称{_quote(neg[0], 50)}" if neg else "，但材料中没有听证公告、听证笔录或者听证报告")
    return [_finding(rule, detail, variant=variant)]


# --- reminders ---------------------------------------------------------------------------------------

@register_check("reminder_after_decision", "reminder")
def reminder_after_decision(rule: Rule, ctx: Any) -> list[Finding]:
    """A reminder of what follows the decision (三统一, 公布, 备案, 政策解读 …)."""
    when = rule.params.get("when", "always")
    if when == "operators" and not facts_for(ctx).operators.value:
        return []
    return [Finding(code=rule.code, location=None, severity=Severity.REMINDER, title=rule.title,
                    basis=_pick_basis(rule, None), explanation=rule.message, suggestion=rule.suggestion,
                    source=f"rule:{rule.id}")]


# --- running ------------------------------------------------------------------------------------------

def _applies(rule: Rule, doc_type: DocType, stage: Stage) -> bool:
    return doc_type in rule.applies_to and stage in rule.stages


def run_procedure(rules: RuleSet, ctx: Any) -> tuple[list[Finding], list[Finding]]:
    """Run the procedure and reminder rules on a context: (findings in code order, reminders)."""
    dossier = ctx.dossier
    doc_type = dossier.doc_type or DocType.NORMATIVE
    stage = dossier.stage
    findings: list[Finding] = []
    reminders: list[Finding] = []
    seen: set[str] = set()
    for rule in rules.by_kind("procedure"):
        if not _applies(rule, doc_type, stage):
            continue
        if stage == Stage.REVIEW and rule.code in FILING_ONLY:
            continue
        for finding in CHECKS[rule.check][1](rule, ctx):
            if finding.code in seen:
                continue
            seen.add(finding.code)
            findings.append(finding)
    for rule in rules.by_kind("reminder"):
        if _applies(rule, doc_type, stage):
            reminders.extend(CHECKS[rule.check][1](rule, ctx))
    order = {c: i for i, c in enumerate(CODE_ORDER)}
    findings.sort(key=lambda x: order.get(x.code, len(order)))
    return findings, reminders


__all__ = ["run_procedure", "CODE_ORDER", "FILING_ONLY"]
