"""Eval building blocks: a case, a per-item result, a metric value, the run configuration and the report.

A suite is data + a system + a scorer:
    load(path) → [EvalCase] → prepare(cases, ctx) → system(ctx)(case) → prediction
    → score(case, prediction, ctx) → ItemResult → metrics([ItemResult]) (+ bootstrap CIs).
The system under test is built by `Suite.system(ctx)`; adapters import the real modules lazily, so a
suite whose system does not exist yet is listed but fails with SystemUnavailable when run, and tests
swap in a fake with `dataclasses.replace(suite, system=...)`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.config import Settings
from assistant.errors import ConfigError

log = logging.getLogger(__name__)

SCHEMA_VERSION = "fashen-eval/1"


class SystemUnavailable(ConfigError):
    """The system a suite evaluates cannot be imported or built yet."""


class EvalCase(BaseModel):
    """One item of a suite: what the system gets (`input`), what it should produce (`gold`)."""

    id: str
    input: Any = None
    gold: Any = None
    meta: dict[str, Any] = Field(default_factory=dict, description="topic, style, doc_type …: for breakdowns")
    skip: str | None = Field(None, description="why the system is not run on this case (e.g. gold not in the KB)")


class ItemResult(BaseModel):
    """The scored outcome of one case."""

    id: str
    score: float | None = Field(None, description="the item's headline score; compared item by item with a baseline")
    scores: dict[str, float | None] = Field(default_factory=dict)
    detail: dict[str, Any] = Field(default_factory=dict, description="what was matched, missed, cited …")
    meta: dict[str, Any] = Field(default_factory=dict)
    skipped: str | None = None
    error: str | None = None
    duration_s: float = 0.0


class MetricValue(BaseModel):
    """A metric with its 95% bootstrap confidence interval over items."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = Field(0, description="items scored")


class RunConfig(BaseModel):
    """What a run was asked to do; recorded in the report."""

    data_dir: Path | None = Field(None, description="evaldata root; Settings().evaldata_dir when unset")
    embedder: str | None = Field(None, description="overrides kb.embedder")
    backend: str | None = Field(None, description="overrides llm.provider; passed to ask()")
    limit: int | None = Field(None, description="score a seeded random sample of this many cases")
    seed: int = Field(0, description="seed of the sample and of the bootstrap")
    bootstrap: int = Field(1000, description="bootstrap resamples for the confidence intervals")
    options: dict[str, Any] = Field(default_factory=dict, description="suite options (-o key=value)")


class RunReport(BaseModel):
    """Everything one run of one suite produced; written as <suite>-<timestamp>.json."""

    schema_version: str = SCHEMA_VERSION
    suite: str
    run_id: str
    description: str = ""
    started_at: datetime
    finished_at: datetime
    duration_s: float
    config: RunConfig
    versions: dict[str, Any] = Field(default_factory=dict, description="fashen, python, git commit, packages")
    system: dict[str, Any] = Field(default_factory=dict, description="kb, embedder, llm model/endpoint, prompts")
    kb_fingerprint: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, description="path, fingerprint, items total/run/skipped/errors")
    primary: list[str] = Field(default_factory=list)
    lower_is_better: list[str] = Field(default_factory=list)
    metrics: dict[str, MetricValue] = Field(default_factory=dict)
    breakdowns: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    items: list[ItemResult] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def value(self, metric: str) -> float | None:
        """The metric's value, None when absent or undefined."""
        m = self.metrics.get(metric)
        return m.value if m else None


class RunContext:
    """What a run's system and scorer share: settings with the run's overrides, the knowledge base, and
    `info`, the facts about the system that go into the report (fingerprints, model, prompts).

    `kb`/`catalog` may be given (tests pass a tiny catalog); otherwise `open_kb()` opens the real one
    through `assistant.kb.open_kb`. `catalog` never opens anything by itself: scorers work without one.
    """

    def __init__(self, config: RunConfig | None = None, settings: Settings | None = None, *,
                 kb: Any = None, catalog: Any = None) -> None:
        self.config = config or RunConfig()
        self._settings = settings
        self._kb = kb
        self._catalog = catalog
        self.info: dict[str, Any] = {}
        self.notes: list[str] = []
        self.cache: dict[str, Any] = {}

    @property
    def settings(self) -> Settings:
        """Settings with the run's --embedder / --backend applied."""
        if self._settings is None:
            s = Settings()
            if self.config.embedder:
                s = s.model_copy(update={"kb": s.kb.model_copy(update={"embedder": self.config.embedder})})
            if self.config.backend:
                s = s.model_copy(update={"llm": s.llm.model_copy(update={"provider": self.config.backend})})
            self._settings = s
        return self._settings

    @property
    def catalog(self) -> Any:
        """The catalog given or opened so far (None when there is none: scorers then compare titles as written)."""
        if self._catalog is not None:
            return self._catalog
        return getattr(self._kb, "catalog", None) if self._kb is not None else None

    def open_kb(self) -> Any:
        """The knowledge base (opened once); records its fingerprint and size in `info`."""
        if self._kb is None:
            from assistant.kb.base import open_kb

            self._kb = open_kb(self.settings)
            self._record_kb()
        self.record_catalog()
        return self._kb

    def _record_kb(self) -> None:
        kb = self._kb
        generation = getattr(getattr(kb, "generation", None), "name", None)
        if generation:
            self.info["kb_generation"] = generation
        built_with = getattr(kb, "embedder_name", None)
        if isinstance(built_with, str):
            self.info["embedder"] = built_with
            wanted = self.config.embedder
            if wanted and wanted != built_with:
                self.notes.append(f"知识库是用嵌入模型 {built_with} 建的，与 --embedder {wanted} 不同；"
                                  f"检索用的是 {built_with}。请用该嵌入模型重建知识库后再比较。")

    def require_catalog(self) -> Any:
        """The catalog, opening the knowledge base if none was given."""
        if self.catalog is None:
            self.open_kb()
        cat = self.catalog
        if cat is None:
            raise SystemUnavailable("知识库对象没有 catalog，无法核对条文。请检查 assistant.kb.open_kb 的返回值。")
        self.record_catalog()
        return cat

    def record_catalog(self) -> None:
        """Put the catalog's fingerprint and size into `info` (once; nothing without a catalog)."""
        cat = self.catalog
        if cat is None or "kb_fingerprint" in self.info:
            return
        try:
            self.info["kb_fingerprint"] = cat.fingerprint()
            instruments, articles = cat.counts()
            self.info["kb_size"] = {"instruments": instruments, "articles": articles}
        except Exception as exc:  # a fake catalog may not have these; the run goes on
            log.debug("catalog without fingerprint/counts: %s", exc)


Predictor = Callable[[EvalCase], Any]


@dataclass(frozen=True)
class Suite:
    """A registered suite: data, how to load it, the system to run, how to score and aggregate."""

    name: str
    description: str
    data: str = field(metadata={"doc": "data path, relative to the evaldata root unless absolute"})
    load: Callable[[Path], list[EvalCase]]
    system: Callable[[RunContext], Predictor]
    score: Callable[[EvalCase, Any, RunContext], ItemResult]
    metrics: Callable[[list[ItemResult]], dict[str, float | None]]
    primary: tuple[str, ...] = ()
    lower_is_better: frozenset[str] = frozenset()
    breakdowns: Callable[[list[ItemResult]], dict[str, dict[str, dict[str, Any]]]] | None = None
    prepare: Callable[[list[EvalCase], RunContext], list[EvalCase]] | None = None
    llm: bool = False
    requires: tuple[str, ...] = ()
    origin: str = "builtin"

    def data_path(self, root: Path | None) -> Path:
        """Where this suite's data is: `data` under `root` (the evaldata dir), or `data` itself if absolute."""
        p = Path(self.data)
        if p.is_absolute():
            return p
        if root is None:
            root = Settings().evaldata_dir
        return Path(root) / p


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
