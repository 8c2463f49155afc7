"""P.COLLECTIVE (备案): the document was decided by the right collective body (政府常务会议, 局务会议, 党政联席会议),
as minutes or a specific statement show, before it was issued."""

from __future__ import annotations

import re

from assistant.models import DocType, Finding
from assistant.review.checks.procedure import ProcedureParams, procedure_finding, quote
from assistant.review.dates import find_dates
from assistant.review.issuer import IssuerKind
from assistant.review.materials import material_stem
from assistant.review.procedure_facts import Meeting, ProcedureFacts, right_bodies
from assistant.review.schema import Rule
from assistant.review.sentences import split_sentences
from assistant.text.numerals import cn_to_int


class CollectiveParams(ProcedureParams):
    pass


_BODY_NAME = {IssuerKind.GOVERNMENT: "政府常务会议或者全体会议", IssuerKind.TOWN: "党政联席会议或者政府常务会议",
              IssuerKind.DEPARTMENT: "部门办公会议（局务会议、委务会议）", IssuerKind.UNKNOWN: "制定机关办公会议"}
_PAST_DECISION = (r"经[^，。；]{0,24}?(?:第[\d一二三四五六七八九十]+次)?", r"[^，。；]{0,12}?(?:审议|讨论|研究)(?:通过|决定|同意)")
_VAGUE = r"研究同意|研究决定|领导同意|研究通过|同意后印发"
_CIRCULATED = re.compile(r"(?:采取|采用|以|通过)[^。；，]{0,8}传阅(?:方式|形式|的方式)?(?:研究|审议|审定|签批|征求)")


def _decided_in_words(f: ProcedureFacts, right: list[str]) -> str | None:
    """A specific past-tense statement in the issued text or the filing report: "经县人民政府第15次常务会议审议通过"."""
    future = "|".join(f.vocab.statements.get("future", ["拟"]))
    for text in [f.dossier.draft_text] + [m.text for m in f.of_kind("filing_report", "cover_letter")]:
        for s in split_sentences(text):
            for b in right:
                hit = re.search(_PAST_DECISION[0] + b + _PAST_DECISION[1], s)
                if hit and not re.search(future, s[:hit.start() + 1]):
                    return hit.group(0)
    return None


_SESSION = re.compile(r"第([\d一二三四五六七八九十百]+)次")


def _sessions(text: str) -> set[int]:
    return {int(n) if n.isdigit() else cn_to_int(n) for n in _SESSION.findall(text)}


def _same_session(said: str, minutes: Meeting, f: ProcedureFacts) -> bool:
    """The meeting a statement names (第19次常务会议, or 2026年10月13日局务会议) is the one whose minutes are in the
    dossier (第十九次 alike, or held that day)."""
    text = next((m.text or "" for m in f.materials if m.name == minutes.material), "")
    held = minutes.when is not None and any(d.value == minutes.when for d in find_dates(said))
    return held or bool(_sessions(said) & _sessions(f"{minutes.material}{text[:200]}"))


def check_collective(rule: Rule, p: CollectiveParams, f: ProcedureFacts) -> list[Finding]:
    """备案: minutes of the right body (常务会议 / 局务会议 / 党政联席会议) that decided this document."""
    kind = f.issuer_kind
    if f.doc_type == DocType.MAJOR_DECISION and kind != IssuerKind.DEPARTMENT:
        kind = IssuerKind.GOVERNMENT if kind == IssuerKind.UNKNOWN else kind
    body = _BODY_NAME[kind]

    def finding(detail: str) -> list[Finding]:
        return [procedure_finding(rule, p, f, detail, body=body)]

    meetings = f.meetings()
    issued = f.issue_date()
    for m in meetings:
        if m.right_body and m.mentions_draft and m.decided:
            if issued and m.when and m.when > issued:
                return finding(f"《{material_stem(m.material)}》的会议日期{m.when.year}年{m.when.month}月{m.when.day}日"
                               f"晚于{issued.year}年{issued.month}月{issued.day}日的印发日期，文件印发时未经集体审议")
            return []
    circulated = next((s for m in f.materials for s in split_sentences(m.text) if _CIRCULATED.search(s)), None)
    if circulated:  # "本件采取班子成员传阅方式研究": no meeting, whatever the issuing notice says
        return finding(f"材料显示{quote(circulated, 40, _CIRCULATED.pattern)}，未召开会议集体审议")
    silent = [m for m in meetings if m.right_body and not m.mentions_draft]
    said = _decided_in_words(f, right_bodies(kind, f.vocab.statements.get("bodies", {})))
    if said and not any(_same_session(said, m, f) for m in silent):  # the minutes of that very meeting speak
        return []
    if meetings:
        wrong = [m for m in meetings if not m.right_body]
        undecided = [m for m in meetings if m.right_body and m.mentions_draft and not m.decided]
        if undecided:
            return finding(f"《{material_stem(undecided[0].material)}》未记载会议审议通过本文件")
        if silent and not wrong:
            return finding(f"{'、'.join('《' + material_stem(m.material) + '》' for m in silent)}未记载审议本文件")
        m = (wrong or meetings)[0]
        kinds = "、".join(m.wrong_bodies or m.bodies) or "其他会议"
        return finding(f"材料中只有《{material_stem(m.material)}》（{kinds}），不是{body}")
    signoffs = f.of_kind("sign_off")
    if signoffs:
        return finding(f"材料中没有会议纪要，只有{f.names(signoffs)}（领导签批）")
    for m in f.of_kind("filing_report", "draft_note", "cover_letter"):
        for s in split_sentences(m.text):
            if re.search(_VAGUE, s):
                return finding(f"材料中没有会议纪要，《{material_stem(m.name)}》仅称{quote(s, 40, _VAGUE)}")
    return finding("材料中没有会议纪要")
