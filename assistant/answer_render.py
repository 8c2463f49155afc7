"""Rendering an Answer for people (text, Markdown) and for scripts (the `fashen ask --format json` shape, DESIGN §5)."""

from __future__ import annotations

import re
from typing import Any

from assistant.kb.citations import format_citation
from assistant.models import Answer, Citation, Hit

_HEADINGS = ("相关条文：", "审查提示：", "参考条文（离线检索，供核对）：")
_QUOTE_OPEN = "“"


def _unverified_lines(answer: Answer) -> list[str]:
    return [f"- {c.text}：{c.reason or '无法核实'}" for c in answer.unverified]


def answer_to_text(answer: Answer) -> str:
    """Plain text: the answer, then notices, then (last, as its own block) the citations that could not be verified."""
    blocks = [answer.answer.strip()]
    if answer.notices:
        blocks.append("\n".join(f"提示：{n}" for n in answer.notices))
    if answer.unverified:
        blocks.append("\n".join(["未核实的引用（不得作为依据）："] + _unverified_lines(answer)))
    return "\n\n".join(blocks)


def answer_to_markdown(answer: Answer) -> str:
    """Markdown: the question as a heading, quoted articles as block quotes, notices and unverified citations listed."""
    out = [f"### 问：{_escape(answer.question.strip()) or '（空）'}", ""]
    in_quote = False
    for line in answer.answer.strip().split("\n"):
        stripped = line.strip()
        if stripped in _HEADINGS:
            out += ["", f"**{stripped.rstrip('：')}**", ""]
            in_quote = False
            continue
        if stripped.startswith(_QUOTE_OPEN) and not stripped.endswith("”"):
            in_quote = True
        if in_quote or (stripped.startswith(_QUOTE_OPEN) and stripped.endswith("”")):
            out.append("> " + _escape(stripped))
            if stripped.endswith("”"):
                in_quote = False
                out.append("")
            continue
        out.append(_escape(line))
    if answer.notices:
        out += ["", *[f"> **提示**：{_escape(n)}" for n in answer.notices]]
    if answer.unverified:
        out += ["", "**未核实的引用（不得作为依据）**", "", *[_escape(x) for x in _unverified_lines(answer)]]
    out += ["", f"<sub>后端：{answer.backend}；引用已核实 {len(answer.citations)} 处"
                f"{'，未核实 ' + str(len(answer.unverified)) + ' 处' if answer.unverified else ''}</sub>"]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _escape(text: str) -> str:
    # Markdown would read a leading "1." / "-" of quoted law as list syntax only at line start; * and _ anywhere.
    return text.replace("*", r"\*").replace("_", r"\_")


def citation_to_dict(c: Citation) -> dict[str, Any]:
    """{"instrument", "article", "paragraph", "verified", "quote"} plus the citation as written."""
    return {"instrument": c.instrument, "article": c.article, "paragraph": c.paragraph, "verified": c.verified,
            "quote": c.quote, "text": format_citation(c) if c.instrument else c.text}


def source_to_dict(h: Hit) -> dict[str, Any]:
    """A retrieved article, in the shape of `fashen search --format json` hits."""
    a = h.article
    return {"instrument": a.instrument_title, "article": a.label, "article_no": a.number, "text": a.text,
            "level": str(a.level), "status": str(a.status), "score": h.score, "matched_by": h.matched_by}


def answer_to_json_dict(answer: Answer) -> dict[str, Any]:
    """The DESIGN §5 shape: question, answer, backend, citations[], unverified[] (+ notices, found, sources)."""
    return {
        "question": answer.question,
        "answer": answer.answer,
        "backend": answer.backend,
        "citations": [citation_to_dict(c) for c in answer.citations],
        "unverified": [{"text": c.text, "reason": c.reason or "无法核实"} for c in answer.unverified],
        "notices": list(answer.notices),
        "found": answer.found,
        "sources": [source_to_dict(h) for h in answer.sources],
    }
