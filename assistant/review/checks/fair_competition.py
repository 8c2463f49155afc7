"""P.FAIR_COMPETITION: a draft that concerns operators' economic activity needs a 公平竞争审查 with a conclusion, by
the right body (公平竞争审查条例 第十三条、第十四条)."""

from __future__ import annotations

import itertools
import re

from assistant.models import Finding
from assistant.review.checks.procedure import ProcedureParams, procedure_finding, quote
from assistant.review.issuer import IssuerKind
from assistant.review.materials import material_stem
from assistant.review.procedure_facts import ProcedureFacts
from assistant.review.schema import Rule
from assistant.review.sentences import split_sentences


class FairCompetitionParams(ProcedureParams):
    variant_names = frozenset({"missing", "wrong_body", "no_conclusion"})


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


_HEADING = re.compile(r"^\s*(?:#+|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


def _concluded_in_section(f: ProcedureFacts, conclusion: list[str], not_applicable: list[str]) -> bool:
    """A conclusion in the section of a 起草说明 that names the review ("六、公平竞争审查情况\n……审查结论：未发现排除、
    限制竞争的内容，可以出台。"), the heading, its paragraph and the lines under it up to the next heading."""
    for m in f.materials:
        lines = (m.text or "").splitlines()
        for i, line in enumerate(lines):
            if "公平竞争审查" not in line:
                continue
            block = [line] + list(itertools.takewhile(lambda x: not _HEADING.match(x), lines[i + 1:i + 8]))
            text = "\n".join(block)
            if any(re.search(p, text) for p in conclusion) and not any(re.search(p, text) for p in not_applicable):
                return True
    return False


def check_fair_competition(rule: Rule, p: FairCompetitionParams, f: ProcedureFacts) -> list[Finding]:
    """Drafts concerning operators' economic activity: a 公平竞争审查 with a conclusion."""
    if not f.concerns_operators() or f.internal.value:
        return []
    restricting = f.restricting()
    st = f.vocab.statements
    reasons = f.operators.reasons if f.operators.value else [f"草案{'、'.join(restricting[:3])}限定或者排斥经营者"]
    subject = "；".join(reasons[:2]) or "涉及经营者"
    reviews = f.of_kind("fair_competition")
    conclusion = st.get("fair_conclusion", [])
    reached = conclusion[1:]  # what the review concluded (the first pattern is the bare "审查结论：" heading)
    not_applicable = st.get("fair_not_applicable", [])
    no_conclusion = st.get("fair_no_conclusion", [])
    for m in reviews:
        text = m.text or ""
        lines = [ln for ln in text.splitlines() if re.search(r"结论", ln)]
        if any(re.search(pat, ln) for pat in no_conclusion for ln in lines) and not any(
                re.search(pat, text) for pat in reached + not_applicable):
            continue
        said = [x for ln in lines for x in split_sentences(ln) if any(re.search(pat, x) for pat in not_applicable)]
        rest = text
        for x in said:  # "不涉及……，无需开展审查，可以出台": the sentence that declines the review reaches nothing
            rest = rest.replace(x, "")
        if said and not any(re.search(pat, rest) for pat in reached):
            # "审查结论：本政策措施不涉及经营者经济活动，无需开展公平竞争审查" for a draft that does concern them
            declined = [c for c in said[0].split("|") if c.strip()][-1].strip()  # the form's answer, not its row label
            return [procedure_finding(rule, p, f, f"《{material_stem(m.name)}》以{quote(declined, 40)}为由未作审查",
                                      variant="missing", subject=subject)]
        if any(re.search(pat, text, re.MULTILINE) for pat in conclusion):
            wrong = _self_review_only(f, text)
            if wrong:
                return [procedure_finding(rule, p, f, f"《{material_stem(m.name)}》{wrong}", variant="wrong_body",
                                          subject=subject)]
            return []
    if reviews:
        return [procedure_finding(rule, p, f, f"{f.names(reviews)}没有作出审查结论", variant="no_conclusion",
                                  subject=subject)]
    # No review form: a conclusion stated in another material (起草说明: "已开展，结论为可以出台") is accepted.
    if _concluded_in_section(f, conclusion, not_applicable):
        return []
    pos, neg = f.statement([r"公平竞争审查"])
    pos.sort(key=len, reverse=True)  # the sentence that says what was done, not a bare heading
    if neg:
        detail = f"材料称{quote(neg[0], 40)}"
    elif pos:
        detail = f"只见{quote(pos[0], 40)}，未附公平竞争审查表和审查结论"
    else:
        detail = "材料中没有公平竞争审查表或者审查结论"
    return [procedure_finding(rule, p, f, detail, variant="missing", subject=subject)]
