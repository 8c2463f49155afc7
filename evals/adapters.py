"""Small adapters between the suites and the systems they evaluate: each returns a plain callable, so tests
inject fakes through `Suite.system`. The review goes through the library's one review call, the answers through
`ask`, like every other surface."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.answer import ask
from assistant.kb.citations import verify_reference
from assistant.llm.prompts import prompt_versions as _prompt_versions
from assistant.models import ReviewReport
from assistant.review import run_review
from assistant.review.rules import RULES_DIR, load_rules
from evals.base import RunContext, SystemUnavailable, files_fingerprint

log = logging.getLogger(__name__)


def retriever(ctx: RunContext) -> Callable[[str, int], list[Any]]:
    """search(query, k) → hits, through the knowledge base; `-o mode=lexical|dense|hybrid` picks the mode."""
    kb = ctx.open_kb()
    mode = ctx.config.options.get("mode")
    built_with = getattr(kb, "embedder_name", None)
    if ctx.config.embedder and built_with and ctx.config.embedder != built_with:
        raise SystemUnavailable(
            f"知识库是用嵌入模型 {built_with} 建成的，不能按 --embedder {ctx.config.embedder} 评测。请先用该模型建一个知识库："
            f"FASHEN_HOME=<另一目录> FASHEN_KB__EMBEDDER={ctx.config.embedder} fashen ingest，再在同一 FASHEN_HOME 下评测。")
    ctx.info.setdefault("embedder", built_with or ctx.settings.kb.embedder)  # the one the knowledge base was built with
    ctx.info["retrieval"] = ctx.settings.retrieval.model_dump(mode="json")
    dense = getattr(kb, "dense", None)
    if ctx.info["retrieval"].get("dense_weight") is None and dense is not None:
        ctx.info["retrieval"]["dense_weight"] = dense.embedder.fusion_weight
    if mode:
        ctx.info["mode"] = mode

    def search(query: str, k: int) -> list[Any]:
        return kb.search(query, k=k, mode=mode) if mode else kb.search(query, k=k)

    return search


def reviewer(ctx: RunContext) -> Callable[[Path], ReviewReport]:
    """case folder → ReviewReport, through `assistant.review.run_review` with the run's settings (the model step
    included when `review.use_llm` is on)."""
    kb = ctx.open_kb()
    rules = load_rules(catalog=kb.catalog)
    ctx.info["rules"] = {"count": len(rules.rules), "fingerprint": files_fingerprint(RULES_DIR, "*.yaml")}
    ctx.info["review"] = ctx.settings.review.model_dump(mode="json")
    if ctx.settings.review.use_llm:
        record_llm(ctx)

    def run(case_dir: Path) -> ReviewReport:
        return run_review(case_dir, kb=kb, settings=ctx.settings, rules=rules)

    return run


def answerer(ctx: RunContext) -> Callable[[str], Any]:
    """question → Answer, through `assistant.answer.ask` with the run's settings (--embedder / --backend)."""
    kb = ctx.open_kb()
    record_llm(ctx)

    def run(question: str) -> Any:
        return ask(question, kb=kb, settings=ctx.settings, backend=ctx.config.backend)

    return run


def reference_verifier(ctx: RunContext) -> Callable[[str, str], Any]:
    """(instrument, article label) → check result, through `assistant.kb.citations.verify_reference`."""
    catalog = ctx.require_catalog()

    def run(instrument: str, label: str) -> Any:
        return verify_reference(catalog, instrument, label)

    return run


def record_llm(ctx: RunContext) -> None:
    """Put the model, endpoint and prompt versions into the report (never the key)."""
    s = ctx.settings
    ctx.info["llm"] = {"provider": ctx.config.backend or s.llm.provider, "model": s.llm.model,
                       "endpoint": s.llm.base_url, "temperature": s.llm.temperature}
    ctx.info["prompts"] = prompt_versions()


def prompt_versions() -> dict[str, str]:
    """{prompt name: version} from prompts/."""
    try:
        return _prompt_versions()
    except Exception as exc:  # a broken prompt file must not stop an eval of a system that does not use it
        log.warning("prompt versions unavailable: %s", exc)
        return {"error": str(exc)}


def ask_system(ctx: RunContext) -> Callable[[Any], Any] | None:
    """With `-o via=ask`, a system that asks each case's question through `ask`; else None."""
    if ctx.config.options.get("via") != "ask":
        return None
    ask_ = answerer(ctx)
    return lambda case: ask_(case.input["question"])
