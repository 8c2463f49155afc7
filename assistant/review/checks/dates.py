"""Checks on the draft's dates: C.VALIDITY (施行日期 / 有效期) and C.RETROACTIVE (a burden dated before the draft
takes effect, or a 施行日期 before the draft is adopted)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Clause, Finding, Rewrite, Stage
from assistant.review.checks.patterns import Patterns, make_finding, segments_of
from assistant.review.context import ReviewContext
from assistant.review.dates import find_dates
from assistant.review.issuer import province_of
from assistant.review.schema import Rule
from assistant.review.sentences import neutralize
from assistant.text.numerals import cn_to_int, int_to_cn


class ValidityParams(BaseModel):
    """The limits are settings (review.validity_max_years …); the params name the provinces whose own rule gives a
    document that states no 有效期 a period (上海: 5 years, 暂行/试行 2), where the omission is no defect."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default_period_regions: frozenset[str] = frozenset()


class RetroactiveParams(BaseModel):
    """What a burden looks like, what favours the parties, and what makes a whole draft burdensome."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    burden: Patterns = Field(min_length=1)
    strong_burden: Patterns = Field((), description="a burden even next to favourable words")
    favourable: Patterns = ()
    draft_burden: Patterns = Field((), description="a draft with any of these is burdensome as a whole")
    check_effective: bool = Field(True, description="also report a 施行日期 before the adoption (or review) date")
    favourable_title: Patterns = Field((), description="a document that only grants (its title says so) burdens no one")

# -- C.VALIDITY ------------------------------------------------------------------------------------------------

_DATE = r"[\d〇零○Ｏ一二三四五六七八九十]{4}\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日"
_START = re.compile(rf"(?:自|从|于)\s*({_DATE}|(?:印发|发布|公布|签发|下发|通过|颁布)之日)\s*(?:起)?[^。；，]{{0,10}}?"
                    rf"(施行|实施|执行|试行|生效)")
_VALID_YEARS = re.compile(r"(?:有效期|试行期|实施期|执行期)(?:为|限为|限)?\s*(\d+|[一二两三四五六七八九十]+)\s*(年|个月)")
_VALID_UNTIL = re.compile(rf"有效期(?:自[^。；]{{0,20}})?(?:至|到|截至|截止(?:到|至)?)\s*({_DATE})"
                          rf"|(?:至|到)\s*({_DATE})\s*(?:止|废止|失效|自动失效)")
_LONG_TERM = re.compile(r"长期有效|永久有效|有效期(?:为)?长期")
_STATEMENT = re.compile(rf"{_START.pattern}|有效期|试行期|长期有效|(?:至|到)\s*{_DATE}\s*(?:止|废止|失效)")


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _num(s: str) -> int:
    return int(s) if s.isdigit() else cn_to_int(s.replace("两", "二"))


# A 有效期 that belongs to something the draft regulates (a licence, certificate, registration, contract), not to
# the draft itself: "登记证有效期三年", "许可证长期有效", "补贴资格有效期至……".
_OTHER_HOLDER = re.compile(r"(证|照|牌|卡|码|书|函|许可|登记|备案|资格|资质|认定|证明|合同|协议|批复|批文|凭证|额度|授权|"
                           r"称号|名额|指标|结果|意见)(的)?\s*$")
_SELF_HOLDER = re.compile(r"本[\u4e00-\u9fa5]{0,8}(办法|规定|细则|通知|意见|方案|决定|规则|措施|政策|制度|文件|公告|标准|条例|"
                          r"纲要|计划)\s*$|本(暂行|试行|实施)[\u4e00-\u9fa5]{0,6}\s*$")


def _own_period(text: str, start: int) -> bool:
    """True when the 有效期 (or 长期有效) at `start` is the draft's own, not that of a thing it regulates."""
    begin = max(text.rfind(c, 0, start) for c in "。；;\n，,") + 1
    subject = text[begin:start]
    if _SELF_HOLDER.search(subject):
        return True
    if _OTHER_HOLDER.search(subject):
        return False
    # a bare period continues the document's own date statement ("自……起施行，有效期五年"); a period with another
    # subject ("以上基本信息长期有效") is that thing's
    return not re.sub(r"[\s\u3000、]|^(?:并|且|其|同时|本|以上|上述)+", "", subject)


def _own(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    for m in rx.finditer(text):
        if _own_period(text, m.start()):
            return m
    return None


_PERIOD_SPAN = re.compile(r"有效期(?:为)?自\s*([^，。；起]{6,16}?)\s*起\s*至")


def _read_validity(text: str, ctx: ReviewContext) -> dict[str, Any]:
    info: dict[str, Any] = {}
    m = _START.search(text)
    if m:
        info["start_text"] = m.group(0)
        info["trial"] = m.group(2) == "试行"
        info["start_known"] = True
        if m.group(1).endswith("之日"):
            info["start"] = ctx.issue_date
        else:
            ds = find_dates(m.group(1))
            info["start"] = ds[0].value if ds else None
    if _own(_LONG_TERM, text):
        info["long_term"] = True
    mu = _own(_VALID_UNTIL, text)
    if mu:
        ds = find_dates(mu.group(1) or mu.group(2))
        if ds:
            info["until"] = ds[0].value
    # "有效期自2025年8月25日起至2030年8月24日止": the period runs from its own first date
    span = _PERIOD_SPAN.search(text)
    if span and not info.get("start"):
        ds = find_dates(span.group(1))
        if ds:
            info["start"] = ds[0].value
    my = _own(_VALID_YEARS, text)
    if my:
        n = _num(my.group(1))
        info["months"] = n * 12 if my.group(2) == "年" else n
    return info


def validity_statement(ctx: ReviewContext) -> tuple[Clause | None, dict[str, Any]]:
    """Where the draft states 施行/有效期 and what it says, merged over the clauses (and a 印发 header) that say it.

    The location is the clause stating the 有效期 (else the 施行日期), else the last clause."""
    def compute():
        info: dict[str, Any] = {}
        target = None
        for clause in ctx.clauses:
            text = neutralize(clause.text)
            if not _STATEMENT.search(text):
                continue
            found = _read_validity(text, ctx)
            if not found:
                continue
            states_period = any(k in found for k in ("months", "until", "long_term"))
            if states_period or not any(k in info for k in ("months", "until", "long_term")):
                target = clause  # the clause with the 有效期, else the last one with the 施行日期
            info.update(found)
        if not any(k in info for k in ("months", "until", "long_term")):
            # a 印发通知 header may carry the 有效期 ("本通知有效期5年") outside the articles
            covered = sorted((c.start, c.end) for c in ctx.clauses)
            outside, pos = [], 0
            text = neutralize(ctx.dossier.draft_text)
            for a, b in covered:
                outside.append(text[pos:a])
                pos = max(pos, b)
            outside.append(text[pos:])
            extra = _read_validity("\n".join(outside), ctx)
            for k in ("months", "until", "long_term"):
                if k in extra:
                    info[k] = extra[k]
            if not info.get("start_known") and extra.get("start_known"):
                info.update({k: extra[k] for k in ("start", "start_known", "start_text", "trial") if k in extra})
        if target is None:
            target = ctx.clauses[-1] if ctx.clauses else None
        return target, info
    return ctx.memo("validity-statement", compute)


def check_validity_period(rule: Rule, p: ValidityParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """施行日期 and 有效期 stated, 有效期 within the limit (暂行/试行 shorter)."""
    target, info = validity_statement(ctx)
    if target is None or target.location != clause.location:
        return []
    provisional = ctx.provisional or info.get("trial", False)
    limits = ctx.settings.review
    limit = limits.validity_max_years_provisional if provisional else limits.validity_max_years
    kind = "暂行、试行文件" if provisional else "规范性文件"
    evidence = _statement_evidence(clause, ctx)
    # A province whose rule gives a document without a stated 有效期 a period of its own (上海: 5 years, 暂行/试行 2)
    # sees no defect in the omission; only a period stated beyond the limit is one.
    supplied = province_of(ctx.dossier.issuer, ctx.dossier.title) in p.default_period_regions
    if not info:
        # a work plan or campaign (工作要点, 专项整治工作方案) runs for its year or its campaign, not for years on end
        if supplied or _WORK_PLAN.search(ctx.title):
            return []
        return [make_finding(rule, clause, None, "未规定施行日期和有效期")]
    problems = []
    if not info.get("start_known"):
        problems.append("未规定施行日期")
    if info.get("long_term"):
        problems.append("规定“长期有效”，未设定有效期")
    elif "months" in info:
        if info["months"] > limit * 12:
            years = info["months"] / 12
            shown = f"{years:g}年" if info["months"] % 12 == 0 else f"{info['months']}个月"
            problems.append(f"有效期{shown}，超过{kind}最长{limit}年的要求")
    elif info.get("until"):
        start = info.get("start") or ctx.reference_date
        # 自公布之日起施行: the day it is published, not known here, is on or after the 落款 — a month's grace
        dated = info.get("start") and re.search(r"\d{4}\s*年|[〇零○一二三四五六七八九]{4}年", info.get("start_text") or "")
        grace = timedelta(days=0 if dated else 31)
        if start and info["until"] > _add_years(start, limit) + grace:
            problems.append(f"有效期至{info['until'].isoformat()}，超过{kind}最长{limit}年的要求")
    elif not supplied and not _SELF_EXPIRY.search(clause.text):
        problems.append("未规定有效期")
    if supplied:
        problems = [p for p in problems if p != "未规定施行日期"]
    if not problems:
        return []
    finding = make_finding(rule, clause, evidence, "；".join(problems))
    finding.rewrite = _shorter_period(clause.text, limit) if info.get("long_term") or "months" in info else None
    return [finding]


# a campaign's plan that lapses with the campaign (整治期满后自行失效): its period is the campaign's
_SELF_EXPIRY = re.compile(r"(?:期满|结束|完成)[^。；，]{0,4}(?:自行|自动)?(?:失效|废止|终止)"
                          r"|(?:治理|整治|行动|攻坚|活动)[^。；，]{0,4}(?:期限|时间)?至\s*\d{4}\s*年[^。；，]{0,8}(?:日|底|末)")
_WORK_PLAN = re.compile(r"工作要点|工作计划|(?:专项|集中)?(?:整治|治理|攻坚|行动)[^《》]{0,6}方案|行动方案|工作方案"
                        r"|\d{4}\s*年度?[^《》（(]{0,30}(?:方案|计划|要点)")  # a plan of one year lapses with it
_PERIOD = re.compile(r"长期有效|有效期(?:为|限为?)?\s*([0-9]+|[一二三四五六七八九十]+)\s*年")


def _shorter_period(text: str, limit: int) -> Rewrite | None:
    """"长期有效" → "有效期5年", "有效期为10年" → "有效期为5年": the rewording of a period beyond the limit."""
    m = _PERIOD.search(text)
    if m is None:
        return None
    if m.group(1) is None:
        return Rewrite(old=m.group(0), new=f"有效期{limit}年")
    number = str(limit) if m.group(1).isdigit() else int_to_cn(limit)
    start, end = m.span(1)
    return Rewrite(old=m.group(0), new=text[m.start():start] + number + text[end:m.end()])


def _statement_evidence(clause: Clause, ctx: ReviewContext) -> str:
    for seg in segments_of(clause, ctx):
        if _STATEMENT.search(seg.text):
            return seg.evidence
    return clause.text.strip()


# -- C.RETROACTIVE from dates --------------------------------------------------------------------------------

_DATED = re.compile(rf"(?:自|从|于|对)?\s*({_DATE})\s*(?:起|以来|以后|之后|开始|后|至今)")
_YEAR_UNDER_THIS = re.compile(r"(\d{4})\s*年度[^。；]{0,24}按照?本(?:办法|规定|细则|方案|通知|意见)[^。；]{0,6}执行")
# a thing done in a past year (已领取、已兑现、已收取) reopened; a status held since a past date (1983年12月17日前已有
# 户口) is a condition of a right the document grants from now on, not the document applied to the past
_YEAR_DONE = re.compile(r"(\d{4}|[〇零○一二三四五六七八九]{4})\s*年度?(?:以来|以前|之前|内)?[^。；，]{0,4}[^。；]{0,12}已(?!有|具有|在|经有)")


def check_retroactive_dates(rule: Rule, p: RetroactiveParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """A burden dated before the draft takes effect; or a 施行日期 before the draft is adopted/issued."""
    burden, strong, favour = p.burden, p.strong_burden, p.favourable
    target, info = validity_statement(ctx)
    effective = info.get("start") if info.get("start_known") and info.get("start") else None
    reference = ctx.reference_date
    # (1) an explicit earlier date attached to a burden in this clause
    start_text = info.get("start_text") if target is not None and target.location == clause.location else None
    for seg in segments_of(clause, ctx):
        if start_text and start_text in seg.text and not any(rx.search(seg.text) for rx in burden):
            continue
        if not any(rx.search(seg.text) for rx in burden):
            continue
        if any(rx.search(seg.text) for rx in favour) and not any(rx.search(seg.text) for rx in strong):
            continue
        limit = effective or reference
        for m in _DATED.finditer(seg.text):
            ds = find_dates(m.group(1))
            if ds and limit and ds[0].value < limit:
                return [make_finding(rule, clause, seg.evidence,
                                     f"{ds[0].value.isoformat()}早于施行日期{limit.isoformat()}，对当事人不利")]
        for m in _YEAR_DONE.finditer(seg.text):
            year = int(m.group(1)) if m.group(1).isdigit() else int("".join(str(_num(c)) for c in m.group(1)))
            if limit and date(year, 12, 31) < limit:
                return [make_finding(rule, clause, seg.evidence,
                                     f"对{year}年已发生的事项适用本文件的不利规定（施行日期{limit.isoformat()}）")]
        # a past year assessed under this document (2025年度物业服务质量考核按照本办法执行)
        past = _YEAR_UNDER_THIS.search(seg.text)
        if past and limit and date(int(past.group(1)), 12, 31) < limit:
            return [make_finding(rule, clause, seg.evidence,
                                 f"{past.group(1)}年度已经过去，按照本文件考核、评定（施行日期{limit.isoformat()}）")]
    # (2) the 施行日期 itself precedes the adoption/issue (or the review) of a burdensome draft
    if ctx.dossier.stage == Stage.FILING and ctx.issue_date is None:
        reference = None  # an issued document is naturally in force before it is filed
    if target is not None and target.location == clause.location and effective and reference \
            and effective < reference and p.check_effective:
        granting = any(rx.search(ctx.title or "") for rx in p.favourable_title)
        if not granting and any(rx.search(neutralize(ctx.dossier.draft_text)) for rx in p.draft_burden):
            return [make_finding(rule, clause, _statement_evidence(clause, ctx),
                                 f"施行日期{effective.isoformat()}早于{('印发日期' if ctx.issue_date else '审查日期')}"
                                 f"{reference.isoformat()}")]
    return []
