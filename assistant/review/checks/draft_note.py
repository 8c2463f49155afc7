"""P.DRAFT_NOTE: a 起草说明 (决策草案说明) that says why the draft is needed, on what legal basis, and what it holds."""

from __future__ import annotations

import re

from assistant.models import Finding
from assistant.review.checks.procedure import ProcedureParams, procedure_finding
from assistant.review.materials import material_stem
from assistant.review.procedure_facts import ProcedureFacts
from assistant.review.schema import Rule


class DraftNoteParams(ProcedureParams):
    variant_names = frozenset({"thin"})


_NOTE_ELEMENTS = {
    "必要性": r"必要性|背景|制定目的|现状|存在的?问题|亟需|有必要|为了|为解决",
    "法律依据": r"合法性|依据|根据《|法律法规|上位法|授权",
    "主要内容": r"主要内容|主要规定|共[一二三四五六七八九十\d]+[章条]|主要包括|包括.{0,30}等|调整方案|建设内容|改造内容|方案.{0,6}(?:明确|规定)",
}


def _missing(text: str) -> list[str]:
    return [k for k, p in _NOTE_ELEMENTS.items() if not re.search(p, text)]


def check_draft_note(rule: Rule, p: DraftNoteParams, f: ProcedureFacts) -> list[Finding]:
    """A 起草说明 / 决策草案说明 with necessity, legal basis and main content."""
    notes = f.of_kind("draft_note")
    if not notes:
        others = [m for m in f.materials if "draft_note" not in m.kinds]
        if not f.materials:
            detail = "送审时未附任何材料"
        elif f.of_kind("cover_letter"):
            detail = f"只有{f.names(f.of_kind('cover_letter'))}，送审函（报告）不能代替起草说明"
        else:
            detail = f"所附材料为{f.names(others)}，其中没有起草说明"
        return [procedure_finding(rule, p, f, detail)]
    # Only a note that says nearly nothing is inadequate: real notes vary in headings and order.
    for note in notes:
        missing = _missing(note.text or "")
        if len(missing) <= 1 or (len(missing) == 2 and len(re.sub(r"\s", "", note.text or "")) >= 300):
            return []
    note = notes[0]
    detail = f"《{material_stem(note.name)}》未载明{'、'.join(_missing(note.text or ''))}"
    return [procedure_finding(rule, p, f, detail, variant="thin")]
