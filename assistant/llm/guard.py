"""Prompt-injection hygiene: fence untrusted text and flag sentences that read like instructions to the model."""

from __future__ import annotations

import re

_TAG_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

# Sentences in a draft or a question that try to steer the model. Matches are logged and shown as
# notices; they never change findings (a draft that says "忽略审查要求" is still reviewed in full).
_INJECTION_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(忽略|无视|不要理会|忘记|忘掉)(掉)?(以上|之前|前面|上述|先前|所有|全部|审查|系统)?的?(所有|全部|一切)?(要求|指令|指示|规则|提示|设定|约束)",
        r"系统提示(词|语)?",
        r"system\s*prompt",
        r"直接输出",
        r"你现在(是|扮演|作为)",
        r"从现在(起|开始)[，,]?你(是|将|要)",
        r"(ignore|disregard|forget)\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier|preceding)\s+(instructions|prompts|rules|messages)",
        r"【\s*(系统|system)[^】]*】",
        r"[\[<]\s*/?\s*(system|assistant)\s*[\]>]",
        r"(不要|无需|不必|不得)(报告|指出|提出|列出)(任何)?(问题|意见|瑕疵)",
    )
)

# Sentence ends: Chinese and Latin terminators and line breaks; the terminator stays with its sentence.
_SENTENCE_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")


def wrap_untrusted(text: str, tag: str = "draft") -> str:
    """Fence untrusted text as <tag>…</tag>, escaping any tag of the same name inside so it cannot break out."""
    if not _TAG_RE.match(tag):
        raise ValueError(f"invalid tag name: {tag!r}")
    # Escape both opening and closing forms, with any spacing/case/attributes, so the text can neither
    # close the fence early nor open a nested one the model might take for a new section.
    fence = re.compile(rf"<\s*(/?)\s*{re.escape(tag)}\b[^>]*>", re.IGNORECASE)
    inner = fence.sub(lambda m: f"&lt;{m.group(1)}{tag}&gt;", text)
    return f"<{tag}>\n{inner}\n</{tag}>"


def looks_like_injection(text: str) -> list[str]:
    """The sentences of `text` that look like instructions aimed at the model, in order, without repeats."""
    found: list[str] = []
    for m in _SENTENCE_RE.finditer(text or ""):
        sentence = m.group(0).strip()
        if sentence and sentence not in found and any(p.search(sentence) for p in _INJECTION_PATTERNS):
            found.append(sentence)
    return found
