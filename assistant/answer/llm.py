"""The model backend: numbered sources through prompts/answer.md, then every citation of the output checked.

The model only writes; the knowledge base decides what is cited as fact. Each 《…》第N条 the model writes
is extracted and checked (instrument, article, 款, quoted text, and whether the sentence says what another
article says). Failures are marked in the text (〔未核实：…〕) and listed under `unverified`. An endpoint
failure, an empty answer or a broken prompt file falls back to the deterministic answer with a notice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

from assistant.answer import extractive as ex
from assistant.errors import FashenError, LLMError
from assistant.kb.citations import check_text, mark_unverified
from assistant.llm.prompts import load_prompt
from assistant.models import Answer, Citation, CitationStatus, Status

log = logging.getLogger(__name__)

MAX_SOURCES = 6
PROMPT = "answer"


def sources_of(plan, kb) -> list[ex.Chosen]:
    """The numbered sources: the chosen articles first, then the next candidates in force."""
    out = list(plan.chosen)
    seen = {c.article.id for c in out}
    for cand in plan.candidates:
        if len(out) >= MAX_SOURCES:
            break
        if cand.article.id in seen or cand.article.status != Status.CURRENT:
            continue
        chosen = ex.chosen(cand.article, plan.question, kb, cand.hit)
        if chosen is not None:
            out.append(chosen)
            seen.add(cand.article.id)
    return out


def sources_text(sources: list[ex.Chosen]) -> str:
    """[1] 《全称》第N条\\n全文 …"""
    return "\n\n".join(f"[{i}] {format_cite(c)}\n{c.article.text}" for i, c in enumerate(sources, 1))


def format_cite(c: ex.Chosen) -> str:
    """《全称》第N条 of a source (the whole article is given to the model, whatever 款 is cited)."""
    return f"《{c.article.instrument_title}》{c.article.label}"


def model_answer(plan, kb, provider, streaming: bool,
                 fallback: Callable[[str, bool], Iterator[str | Answer]]) -> Iterator[str | Answer]:
    """Ask the model with numbered sources; yield its text (when streaming) and then the checked Answer."""
    sources = sources_of(plan, kb)
    try:
        prompt = load_prompt(PROMPT)
        messages = prompt.messages(sources=sources_text(sources), question=plan.question.text)
    except FashenError as exc:
        yield from fallback(f"提示词模板不可用：{exc}", False)
        return
    started = False
    try:
        if streaming:
            pieces: list[str] = []
            for piece in provider.stream(messages):
                if not isinstance(piece, str):
                    continue
                pieces.append(piece)
                started = True
                yield piece
            text = "".join(pieces)
        else:
            text = provider.complete(messages)
    except LLMError as exc:

        yield from fallback(short_reason(exc), started)
        return
    except Exception as exc:  # noqa: BLE001 - any provider failure falls back; an answer never crashes
        log.warning("model call failed: %s: %s", type(exc).__name__, exc)
        yield from fallback(f"调用出错：{type(exc).__name__}", started)
        return
    if not isinstance(text, str) or not text.strip():
        yield from fallback("服务返回了空回答", started)
        return
    yield checked_answer(text, plan, kb, sources, backend=getattr(provider, "name", "llm"))


def checked_answer(text: str, plan, kb, sources: list[ex.Chosen], *, backend: str) -> Answer:
    """The model's text with every citation checked: verified ones as citations, the rest marked and listed."""
    cits = check_text(text, kb.catalog, check_claims=True)
    shown = [c for c in cits if c.status != CitationStatus.SELF_REFERENCE]
    verified = ex.dedupe_citations([_clean(c) for c in shown if c.verified])
    unverified = [_clean(c) for c in shown if not c.verified]
    body = mark_unverified(text, cits).strip()
    notices = list(plan.notices)
    if not verified:
        refs = sources[:max(1, len(plan.chosen))]
        body += "\n\n参考条文（离线检索，供核对）：\n" + "\n".join(f"{i}. {c.cite}\n“{c.quote}”" for i, c in enumerate(refs, 1))
        verified = [c.citation for c in refs]
        notices.append("模型回答未引用可核实的条文，已附上检索到的条文。")
    if unverified:
        notices.append(f"模型回答中有 {len(unverified)} 处引用未能核实，已在文中标注〔未核实〕，请勿作为依据。")
    if plan.problems:
        body = "\n".join(plan.problems) + "\n\n" + body
    return Answer(question=plan.question.asked, answer=body, backend=backend, citations=verified,
                  unverified=plan.flagged + unverified, sources=plan.sources, notices=notices, found=True)


def _clean(c: Citation) -> Citation:
    return c.model_copy(update={"start": None, "end": None})


def short_reason(exc: BaseException) -> str:
    """The reason part of an LLMError's message (调用失败：请求超时…。 → 请求超时…)."""
    msg = str(exc)
    m = re.search(r"(?:调用失败|运行失败)[：:]?(.+?)[。；]", msg)
    return (m.group(1) if m else msg).strip("（）() ") or type(exc).__name__
