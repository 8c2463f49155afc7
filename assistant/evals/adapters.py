"""Small adapters between the suites and the systems they evaluate; every import is lazy.

A system that cannot be imported yet raises SystemUnavailable when a suite is *run*, never when suites
are listed. Each adapter returns a plain callable, so tests inject fakes through `Suite.system`.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.evals.base import RunContext, SystemUnavailable

log = logging.getLogger(__name__)


def import_attr(module: str, attr: str, *, purpose: str) -> Any:
    """`module.attr`, or SystemUnavailable saying which module is missing and what needed it."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise SystemUnavailable(
            f"{purpose} 需要 {module}.{attr}，但该模块还不能导入（{exc}）。"
            f"待该模块实现后再运行此套件，或用 `fashen eval list` 查看其他套件。"
        ) from exc
    try:
        return getattr(mod, attr)
    except AttributeError as exc:
        raise SystemUnavailable(f"{purpose} 需要 {module}.{attr}，但 {module} 中没有 {attr}。") from exc


def open_kb(settings: Settings) -> Any:
    """The knowledge base: `assistant.kb.open_kb(settings)` (an object with .search and .catalog);
    `assistant.kb.base.open_kb` while the package does not re-export it."""
    try:
        fn = import_attr("assistant.kb", "open_kb", purpose="评测知识库检索")
    except SystemUnavailable:
        fn = import_attr("assistant.kb.base", "open_kb", purpose="评测知识库检索")
    return fn(settings)


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


def reviewer(ctx: RunContext) -> Callable[[Path], Any]:
    """case folder → ReviewReport, through `assistant.review.dossier.load_case` and `assistant.review.engine.review`."""
    load_case = import_attr("assistant.review.dossier", "load_case", purpose="评测套件 review")
    review = import_attr("assistant.review.engine", "review", purpose="评测套件 review")
    from assistant.review.rules import RULES_DIR, load_rules

    kb = ctx.open_kb()
    catalog = getattr(kb, "catalog", None)
    rules = load_rules(catalog=catalog)
    ctx.info["rules"] = {"count": len(rules.rules), "fingerprint": files_fingerprint(RULES_DIR, "*.yaml")}
    ctx.info["review"] = ctx.settings.review.model_dump(mode="json")
    if ctx.settings.review.use_llm:
        record_llm(ctx)

    extra = {"settings": ctx.settings} if "settings" in inspect.signature(review).parameters else {}

    def run(case_dir: Path) -> Any:
        return review(load_case(case_dir), catalog=catalog, rules=rules, **extra)

    return run


def answerer(ctx: RunContext) -> Callable[[str], Any]:
    """question → Answer, through `assistant.answer.ask(question, kb=…, backend=…)`."""
    ask = import_attr("assistant.answer", "ask", purpose="评测问答")
    kb = ctx.open_kb()
    params = inspect.signature(ask).parameters
    kwargs: dict[str, Any] = {"kb": kb}
    if "settings" in params:
        kwargs["settings"] = ctx.settings  # carries --embedder / --backend
    if ctx.config.backend and "backend" in params:
        kwargs["backend"] = ctx.config.backend
    record_llm(ctx)

    def run(question: str) -> Any:
        return ask(question, **kwargs)

    return run


def reference_verifier(ctx: RunContext) -> Callable[[str, str], Any]:
    """(instrument, article label) → check result, through `assistant.kb.citations.verify_reference`."""
    verify = import_attr("assistant.kb.citations", "verify_reference", purpose="评测套件 citations")
    catalog = ctx.require_catalog()

    def run(instrument: str, label: str) -> Any:
        return verify(catalog, instrument, label)

    return run


def record_llm(ctx: RunContext) -> None:
    """Put the model, endpoint and prompt versions into the report (never the key)."""
    s = ctx.settings
    ctx.info["llm"] = {"provider": ctx.config.backend or s.llm.provider, "model": s.llm.model,
                       "endpoint": s.llm.base_url, "temperature": s.llm.temperature}
    ctx.info["prompts"] = prompt_versions()


def prompt_versions() -> dict[str, str]:
    """{prompt name: version} from prompts/; {} when the prompt loader is not available."""
    try:
        from assistant.llm.prompts import prompt_versions as versions

        return versions()
    except Exception as exc:  # a broken prompt file must not stop an eval of a system that does not use it
        log.warning("prompt versions unavailable: %s", exc)
        return {"error": str(exc)}


def files_fingerprint(root: Path, pattern: str = "**/*") -> str | None:
    """Short hash of the names and contents of the files under root matching pattern."""
    if not root.exists():
        return None
    h = hashlib.sha256()
    for p in sorted(root.glob(pattern)) if root.is_dir() else [root]:
        if p.is_file():
            h.update(str(p.relative_to(root) if root.is_dir() else p.name).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


__all__ = ["answerer", "files_fingerprint", "import_attr", "open_kb", "prompt_versions",
           "record_llm", "reference_verifier", "retriever", "reviewer"]


def ask_system(ctx: RunContext) -> Callable[[Any], Any] | None:
    """With `-o via=ask`, a system that asks each case's question through `ask`; else None."""
    if ctx.config.options.get("via") != "ask":
        return None
    ask = answerer(ctx)
    return lambda case: ask(case.input["question"])


def lookup_resolver(ctx: RunContext):
    """The catalog resolver for suites that look articles up directly (the default `via=lookup`)."""
    from assistant.evals.retrieval import resolver_of

    ctx.require_catalog()
    ctx.info["via"] = "lookup"
    return resolver_of(ctx)
