"""P.PUBLIC_COMMENT (规范性文件) and P.PUBLIC_PARTICIPATION (重大行政决策): put out for public comment for long
enough, and the comments answered (采纳情况). The minimum periods are settings (review.comment_min_workdays,
review.comment_min_days_market, review.participation_min_days)."""

from __future__ import annotations

import re

from assistant.models import CommentPeriod, DocType, Finding
from assistant.review.checks.procedure import ProcedureParams, procedure_finding, quote
from assistant.review.procedure_facts import ProcedureFacts, describe_window, majority_objection
from assistant.review.schema import Rule
from assistant.review.sentences import split_sentences


class PublicCommentParams(ProcedureParams):
    variant_names = frozenset({"missing", "too_short", "too_short_operators", "local_only", "no_adoption"})


class ParticipationParams(ProcedureParams):
    variant_names = frozenset({"missing", "too_short", "no_adoption"})


def _targeted_summary(f: ProcedureFacts) -> str:
    if not f.targeted:
        return ""
    return "材料只显示" + quote(f.targeted[0], 50) + "，属于部门会签或者定向征求意见，不是向社会公开征求意见"


def _comment_defects(f: ProcedureFacts, *, min_days: int | None, min_workdays: int | None,
                     reason_ok: bool) -> tuple[str | None, list[str]]:
    """(variant, detail parts) of the public-comment defects; variant None when there is none."""
    w = f.best_window
    if w is None:
        if f.public_without_dates:
            # Put out for comment but the period is not stated: no finding on the period, only on 采纳情况.
            if not f.adoption.value:
                return "no_adoption", [f"材料称{quote(f.public_without_dates[0], 40)}，但未说明征求意见的采纳情况"]
            return None, []
        summary = _targeted_summary(f)
        return "missing", [f"未向社会公开征求意见（{summary}）" if summary else "未向社会公开征求意见"]
    parts: list[str] = []
    variant = None
    days, wd, _ = f.count_days(w.window)
    desc = describe_window(f, w)
    if min_days is not None and days < min_days and not reason_ok:
        parts.append(f"公开征求意见期间为{desc}，少于{min_days}日")
        variant = "too_short"
    elif min_workdays is not None and wd < min_workdays:
        parts.append(f"公开征求意见期间为{desc}，少于{min_workdays}个工作日")
        variant = "too_short"
    if not f.adoption.value:
        if f.deferral:
            parts.append(f"对收到的意见只称{quote(f.deferral[0], 40)}，没有逐条说明采纳或者不采纳及理由")
        else:
            parts.append("没有说明意见采纳情况")
        variant = variant or "no_adoption"
    return variant, parts


def comment_minimum(f: ProcedureFacts) -> tuple[int | None, int | None] | None:
    """(days, working days) the public comment must last — one of the two set — or None when none is required
    (internal rules)."""
    if f.doc_type == DocType.MAJOR_DECISION:
        return f.settings.participation_min_days, None
    if f.internal.value:
        return None
    if f.concerns_operators():
        return f.settings.comment_min_days_market, None
    return None, f.settings.comment_min_workdays


def comment_period(f: ProcedureFacts) -> CommentPeriod | None:
    """The public-comment period the materials show, counted and measured against its minimum (for the report)."""
    w = f.best_window
    if w is None:
        return None
    days, workdays, unknown = f.count_days(w.window)
    minimum = comment_minimum(f)
    required = enough = None
    if minimum is not None:
        min_days, min_workdays = minimum
        required = f"{min_days}日" if min_days is not None else f"{min_workdays}个工作日"
        enough = days >= min_days if min_days is not None else workdays >= (min_workdays or 0)
    return CommentPeriod(start=w.window.start, end=w.window.end, days=days, workdays=workdays, material=w.material,
                         required=required, enough=enough, holidays_unknown=list(unknown))


def check_public_comment(rule: Rule, p: PublicCommentParams, f: ProcedureFacts) -> list[Finding]:
    """Normative documents: public comment (7 working days, 30 days when operators are concerned) and 采纳情况."""
    minimum = comment_minimum(f)
    if minimum is None:
        return []
    operators = f.concerns_operators()
    variant, parts = _comment_defects(f, min_days=minimum[0], min_workdays=minimum[1], reason_ok=False)
    if variant == "too_short" and operators:
        variant = "too_short_operators"
        parts[0] += "（草案与市场主体生产经营活动密切相关）"
    local = _local_only(f) if operators and variant in (None, "no_adoption") else None
    if local:
        parts.insert(0, f"材料显示征求意见只{quote(local, 50)}，没有通过报纸、网络等向社会公开（草案与市场主体生产经营活动"
                        "密切相关）")
        variant = "local_only"
    if variant is None:
        return []
    return [procedure_finding(rule, p, f, "；".join(parts), variant=variant)]


def _local_only(f: ProcedureFacts) -> str | None:
    """The window's sentence when the draft was put out only on notice boards and in chat groups, no material naming a
    website, a paper or another channel that reaches the public at large."""
    w = f.best_window
    st = f.vocab.statements
    local, network = st.get("local_channels", []), st.get("network_channels", [])
    if w is None or not any(re.search(p, w.sentence) for p in local):
        return None
    for m in f.materials:
        for s in split_sentences(m.text):
            # the draft put out online — not the issued text published on the website afterwards
            if re.search(r"征求|征集|意见稿|草案|送审稿", s) and any(re.search(p, s) for p in network):
                return None
    return w.sentence


def check_public_participation(rule: Rule, p: ParticipationParams, f: ProcedureFacts) -> list[Finding]:
    """Major decisions: public comment of at least 30 days (shorter only with a reason) and 采纳情况."""
    variant, parts = _comment_defects(f, min_days=f.settings.participation_min_days, min_workdays=None,
                                      reason_ok=bool(f.short_reason))
    if variant is None or variant == "no_adoption" and majority_objection(f):
        return []  # most of those concerned objected: answering them is the hearing's (P.HEARING)
    if variant == "too_short":
        parts[0] += "，且未说明缩短期限的理由"
    return [procedure_finding(rule, p, f, "；".join(parts), variant=variant)]
