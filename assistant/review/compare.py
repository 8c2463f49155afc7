"""Comparison with the upper-level law: a duty the draft imposes that the law forbids anyone to compel.

The law protects some freedoms in so many words — "任何单位和个人不得强制其委托招标代理机构办理招标事宜" (招标投标法
第十二条), "任何单位和个人不得强迫农民……购买其指定的农业机械产品". The competence table keeps every such prohibition
(action `forbid`, read from the knowledge base's texts at ingest). A sentence of the draft that makes the same thing a
duty (应当委托招标代理公司……) contradicts the article; the finding names it as the basis and as what the clause was
compared with. Only compulsion (强制, 强迫, 指定, 限定, 摊派) is compared: "不得要求……提交无关材料" turns on a word
(无关/相关) that a comparison of matters cannot weigh.
"""

from __future__ import annotations

import re

from assistant.kb.powers import Power, PowerTable
from assistant.models import Basis, Clause, Finding, Severity
from assistant.review.measures import PartyKind, party_kind
from assistant.review.sentences import segments

COMPULSION = re.compile(r"^(强制|强迫|指定|限定|摊派)")
# 应 as a modal, not inside 相应/对应/适应/响应/供应/反应/应急/应用
_MANDATE = re.compile(r"应当|(?<![相对适响供反])应(?![急用对])|必须|须(?!知)|一律")
# a choice, a permission or a prohibition is no compulsion ("自行组织招标，或者委托……")
_NEGATED = re.compile(r"不得|禁止|严禁|不应|无需|不必|自愿|可以|鼓励|自主|自行|或者?委托")
MIN_SHARE = 0.5


# what the compulsion is to do: the first of these in the prohibition's matter must be what the draft mandates
_ACT = re.compile(r"委托|购买|参加|参与|使用|接受|选择|选用|缴纳|加入|安装|投保|流转|租赁|采购|捐献|捐赠|出具|提供")
_DESIGNATES = re.compile(r"指定|限定|只能|仅限|统一(?:由|向|到|在)|一律(?:由|向|到|在)")


def forbidden_duty(sentence: str, table: PowerTable) -> Power | None:
    """The prohibition of compulsion a mandatory sentence runs into, or None. The duty must fall on someone other
    than the issuer (an authority binding itself compels no one) and be the act the law protects from compulsion."""
    mandate = _MANDATE.search(sentence)
    if not mandate or _NEGATED.search(sentence) or party_kind(sentence[:mandate.start()]) == PartyKind.AUTHORITY:
        return None
    for row, _share in table.find(sentence, actions=["forbid"], min_share=MIN_SHARE):
        verb = COMPULSION.match(row.matter or "")
        if not verb:
            continue
        if verb.group(1) in ("指定", "限定"):
            if _DESIGNATES.search(sentence):
                return row
            continue
        act = _ACT.search(row.matter)
        if act and act.group(0) in sentence[mandate.end():]:
            return row
    return None


def _code(row: Power) -> str:
    return "C.COMPETITION" if re.match(r"(指定|限定)", row.matter or "") else "C.OBLIGATION"


def contradictions(clauses: list[Clause], table: PowerTable) -> list[Finding]:
    """C.OBLIGATION / C.COMPETITION where a clause makes a duty of what the law forbids to compel."""
    out: list[Finding] = []
    for clause in clauses:
        for seg in segments(clause.text):
            row = forbidden_duty(seg.text, table)
            if row is None:
                continue
            basis = Basis(instrument=row.instrument, article=row.article, verified=True, quote=row.sentence)
            out.append(Finding(
                code=_code(row), location=clause.location, severity=Severity.ERROR,
                title="规定的义务与上位法禁止强制的内容相抵触", evidence=seg.evidence, basis=[basis], compared_with=[basis],
                explanation=f"本条把{row.citation}禁止强制的事项规定为义务。该条规定：“{row.sentence}”。没有法律、法规依据，"
                            "规范性文件不得增加义务（《优化营商环境条例》第六十四条）。",
                suggestion="删除强制性要求，改为由当事人依法自主决定；确需规范的，按照上位法的规定表述。",
                source="compare:forbidden-duty"))
            break
    return out
