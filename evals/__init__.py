"""Evaluation framework: suites (data + system + scorer), a runner with bootstrap CIs, baselines, history, reports.

    from evals import load_registry, run_suite, RunConfig
    report = run_suite(load_registry().get("review"), RunConfig(limit=5))

The systems under test are reached through `adapters` (lazy imports); see evals/README.md.
"""

from evals.base import (
    EvalCase,
    ItemResult,
    MetricValue,
    RunConfig,
    RunContext,
    RunReport,
    Suite,
    SystemUnavailable,
)
from evals.compare import Comparison, compare_reports
from evals.runner import (
    check_thresholds,
    find_baseline,
    load_report,
    parse_thresholds,
    run_suite,
    save_baseline,
    write_report,
)
from evals.suites import Registry, builtin_suites, load_registry

__all__ = [
    "Comparison", "EvalCase", "ItemResult", "MetricValue", "Registry", "RunConfig", "RunContext", "RunReport",
    "Suite", "SystemUnavailable", "builtin_suites", "check_thresholds", "compare_reports", "find_baseline",
    "load_registry", "load_report", "parse_thresholds", "run_suite", "save_baseline", "write_report",
]
