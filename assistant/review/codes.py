"""The finding codes (../shared/evaldata/review/README.md) and their labels: the one table the rule catalog, the
engine, the model step, the evals and the app read.

Procedure codes are listed in report order; content codes in precedence order (PRIMER §3: one finding per
defect, the most specific code first), the independent defects last.
"""

from __future__ import annotations

PROCEDURE: dict[str, str] = {
    "P.DRAFT_NOTE": "起草说明", "P.PUBLIC_COMMENT": "公开征求意见", "P.PUBLIC_PARTICIPATION": "公众参与",
    "P.FAIR_COMPETITION": "公平竞争审查", "P.EXPERT": "专家论证", "P.RISK": "风险评估", "P.HEARING": "听证",
    "P.LEGALITY_REVIEW": "合法性审核", "P.COLLECTIVE": "集体审议",
}
CONTENT: dict[str, str] = {
    "C.LICENSE": "违法设定许可", "C.PENALTY": "违法设定处罚", "C.COERCION": "违法设定强制", "C.FEE": "违法收费",
    "C.CERTIFICATE": "违法设定证明事项", "C.COMPETITION": "排除限制竞争", "C.PERSONAL_INFO": "个人信息",
    "C.MINUTES": "以纪要代替文件", "C.OBLIGATION": "减损权利增加义务", "C.ULTRA_VIRES": "超越职权",
    "C.BASIS_INVALID": "依据失效或错误", "C.RETROACTIVE": "溯及既往", "C.VALIDITY": "有效期",
}
REMINDER: dict[str, str] = {"R.AFTER_DECISION": "出台后提醒"}
LABELS: dict[str, str] = {**PROCEDURE, **CONTENT, **REMINDER}
FINDING_CODES: tuple[str, ...] = (*PROCEDURE, *CONTENT)  # what a finding may carry (reminders are not findings)

# What a clause does, most specific first. Codes outside this list (BASIS_INVALID, RETROACTIVE, VALIDITY) are
# independent defects and never displace or get displaced.
PRECEDENCE: tuple[str, ...] = ("C.LICENSE", "C.PENALTY", "C.COERCION", "C.FEE", "C.CERTIFICATE", "C.COMPETITION",
                               "C.PERSONAL_INFO", "C.MINUTES", "C.OBLIGATION", "C.ULTRA_VIRES")
# Two defects one sentence can carry side by side (PRIMER §3): a charge, and the provider it must be paid to (代办 by
# the authority's own centre for a fee); a licence set up, and a local presence it asks of those who apply.
INDEPENDENT_PAIRS = (frozenset({"C.FEE", "C.COMPETITION"}), frozenset({"C.LICENSE", "C.COMPETITION"}),
                     # a sanction and a seizure one sentence imposes side by side (通报批评，并……暂扣其设备)
                     frozenset({"C.PENALTY", "C.COERCION"}))


def label(code: str) -> str:
    """The Chinese name of a code (the code itself when unknown)."""
    return LABELS.get(code, code)
