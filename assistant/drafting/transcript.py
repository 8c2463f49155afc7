"""A user's chat history written out: Markdown (each answer as `fashen ask --format md` renders it) or Word."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from assistant.answer_render import answer_to_markdown, answer_to_text
from assistant.drafting.writers import HEADING2, TITLE, blank_document, new_paragraph
from assistant.kb.citations import format_citation
from assistant.sessions import ChatTurn

TITLE_TEXT = "法审助手问答记录"


def _when(turn: ChatTurn) -> str:
    return turn.time.astimezone().strftime("%Y-%m-%d %H:%M")


def transcript_markdown(turns: Sequence[ChatTurn], user: str) -> str:
    """The questions and answers, oldest first, with when each was asked and the citations each answer verified."""
    out = [f"# {TITLE_TEXT}", "", f"用户：{user}　共 {len(turns)} 问", ""]
    for turn in turns:
        out += [f"<small>{_when(turn)}</small>", "", answer_to_markdown(turn.answer), ""]
    return "\n".join(out).rstrip() + "\n"


def transcript_docx(turns: Sequence[ChatTurn], user: str, target: Path | BytesIO) -> None:
    """The same as a Word document: each question a heading, its answer, then its verified citations."""
    doc = blank_document()
    new_paragraph(doc, TITLE_TEXT, font=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    new_paragraph(doc, f"用户：{user}　共 {len(turns)} 问", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for turn in turns:
        new_paragraph(doc, f"问：{turn.question.strip()}（{_when(turn)}）", style="Heading 2", font=HEADING2)
        for line in answer_to_text(turn.answer).splitlines():
            if line.strip():
                new_paragraph(doc, line.strip())
        if turn.answer.citations:
            new_paragraph(doc, "引用（已核实）：" + "；".join(format_citation(c) for c in turn.answer.citations))
    doc.save(target if isinstance(target, BytesIO) else str(target))
