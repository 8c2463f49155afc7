"""Time limits compared with the law's (DESIGN §3b): a duty put on citizens or firms to act within a period shorter
than the one the upper-level law gives for the same act from the same event.

《中华人民共和国土地管理法实施条例》第二十条 gives the user of temporary land a year from its end to restore it
("应当自临时用地期满之日起一年内完成土地复垦"); a district's rules asking it "自临时用地期满之日起三个月内" add to the
law's duty. The comparison reads the draft's period — the event it runs from (自……之日起), its length and the act due
— and looks for the same event and act in the articles of laws, 行政法规, 地方性法规 and 规章 the knowledge base's
search returns for the sentence. Only a shorter period is a finding, and only one the document puts on others: an
authority binding itself to decide sooner serves the public.
"""

from __future__ import annotations

import re
from itertools import islice

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Article, Clause, Finding, Status
from assistant.review.checks.patterns import make_finding, segments_of
from assistant.review.context import ReviewContext
from assistant.review.measures import official
from assistant.review.schema import Rule
from assistant.review.upper import UPPER_LEVELS, article_basis
from assistant.text.grams import bigrams
from assistant.text.numerals import cn_to_int


class PeriodParams(BaseModel):
    """How closely the law's sentence must share the event a period runs from, and how many hits are read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_event_share: float = Field(0.5, description="share of the draft's event words the law's event must hold")
    hits: int = Field(8, description="articles of the knowledge base's search read per sentence")


# 自临时用地期满之日起三个月内 / 自验收合格之日起7个工作日内
_PERIOD = re.compile(r"自(?P<event>[^，。；]{2,40}?)(?:之日|之时)?起\s*(?:的)?\s*"
                     r"(?P<n>\d+|[一二两三四五六七八九十百]+)\s*(?P<unit>个工作日|工作日|个月|日|天|月|年)(?:内|以内|之内)")
# the acts a period is given for; 办理 and 完成 name none by themselves
_ACTS = re.compile(r"登记|备案|复垦|申请|申报|报告|报送|缴纳|拆除|改正|整改|注销|变更|提交|恢复|清除|迁出|补正|签订|公示|公告|移交")
# acts any matter has: shared alone, they do not make two sentences about the same thing
_GENERIC_ACTS = {"申请", "申报", "提交", "报告", "报送", "变更", "公示", "公告"}
# the issuer's own benefit: when to apply for it is the issuer's to say
_BENEFIT = re.compile(r"补贴|补助|奖励|资助|奖补|扶持资金")
_MODAL = re.compile(r"应当|应|须|必须|要求|逾期")
_SUBJECT = re.compile(r"(?:^|[，,；;：:])(?P<who>[^，,；;：:。]{2,30}?)(?:应当|应|须|必须)")
_CITED = re.compile(r"(?:依照|按照|依据|根据)[^。；，]{0,20}(?:《|法律|法规|规章|规定)")
# the calendar days a period may run at most (the draft's) and at least (the law's): 工作日 are 1 to 1.5 days
_DAYS = {"日": (1, 1), "天": (1, 1), "工作日": (1, 1.5), "个工作日": (1, 1.5), "月": (28, 31), "个月": (28, 31),
         "年": (365, 366)}


# words of any event (自发生上述情况之日起, 自收到通知之日起): the event compared is what is left
_GENERIC_EVENT = re.compile(r"发生|上述|前述|情况|情形|事项|之日|收到|接到|通知|决定|相关|有关|其")


MIN_EVENT = 3  # bigrams an event needs, its generic words and acts left out (自备案事项变更之日起 names no event)


def _event(text: str) -> set[str]:
    return bigrams(_ACTS.sub("，", _GENERIC_EVENT.sub("，", text)))


def _object(act: str) -> set[str]:
    return bigrams(_ACTS.sub("，", act))


def _days(n: str, unit: str, *, most: bool) -> float:
    low, high = _DAYS[unit]
    return (int(n) if n.isdigit() else cn_to_int(n)) * (high if most else low)


def _acts(text: str) -> set[str]:
    return set(_ACTS.findall(text))


def _periods(sentence: str) -> list[tuple[re.Match[str], str]]:
    """Each period of a sentence with the words it is given for (up to the next period or the sentence's end)."""
    found = list(_PERIOD.finditer(sentence))
    return [(m, sentence[m.end():found[i + 1].start() if i + 1 < len(found) else len(sentence)][:60])
            for i, m in enumerate(found)]


def _on_others(sentence: str, start: int) -> bool:
    """Whether the duty falls on someone other than an authority (no subject, or one that is not official)."""
    subject = None
    for m in _SUBJECT.finditer(sentence[:start + 10]):
        subject = m.group("who")
    return not (subject and official(subject.strip(), internal=False))


def shorter(sentence: str, law_sentence: str, min_share: float) -> tuple[str, str] | None:
    """(the draft's period, the law's) where the law gives longer for the same act from the same event, or None."""
    law_periods = _periods(law_sentence)
    if not law_periods:
        return None
    for m, act in _periods(sentence):
        acts = _acts(act)
        mine = _event(m.group("event"))
        if not acts or len(mine) < MIN_EVENT or not _on_others(sentence, m.start()):
            continue
        for lm, law_act in law_periods:
            common = acts & _acts(law_act)
            if not common or len(mine & _event(lm.group("event"))) / len(mine) < min_share:
                continue
            if common <= _GENERIC_ACTS and len(_object(act) & _object(law_act)) < 2:
                continue  # 申请 of a subsidy is not 申请 of a licence
            if _days(m.group("n"), m.group("unit"), most=True) < _days(lm.group("n"), lm.group("unit"), most=False):
                return m.group(0), lm.group(0)
    return None


def _upper_articles(ctx: ReviewContext, sentence: str, event: str, hits: int) -> list[Article]:
    """The upper-level articles in force to compare with: the knowledge base's search for the sentence, or, with a
    bare catalog (tests, rule examples), the articles holding the event's last words."""
    if ctx.search is not None:
        found = [h.article for h in ctx.search(sentence, hits)]
    elif ctx.catalog is not None and len(event) >= 4:
        found = list(islice(ctx.catalog.articles_containing(event[-4:]), 50))
    else:
        found = []
    return [a for a in found if a.level in UPPER_LEVELS and a.status != Status.REPEALED]


def check_shorter_period(rule: Rule, p: PeriodParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.OBLIGATION where a clause gives others less time than the upper-level law for the same act and event."""
    for seg in segments_of(clause, ctx):
        # words broken by a line or a space of the source's layout (网上使 用登记) are joined
        for sentence in re.split(r"[。；]", re.sub(r"(?<=[\u4e00-\u9fa5])\s+(?=[\u4e00-\u9fa5])", "", seg.text)):
            period = _PERIOD.search(sentence)
            if not period or not _MODAL.search(sentence) or _CITED.search(sentence) or _BENEFIT.search(sentence):
                continue
            for a in _upper_articles(ctx, sentence, period.group("event"), p.hits):
                for para in a.paragraphs or [a.text]:
                    for law in re.split(r"[。；]", para):
                        found = shorter(sentence, law, p.min_event_share)
                        if found:
                            mine, theirs = found
                            compared = article_basis(a, para)
                            f = make_finding(rule, clause, sentence.strip(),
                                             f"{a.citation}规定“{theirs}”，本条要求“{mine}”，短于上位法规定的期限")
                            f.basis = [*f.basis, compared]
                            f.compared_with = [compared]
                            return [f]
    return []
