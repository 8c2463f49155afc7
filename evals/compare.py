"""How a run differs from its baseline: metric deltas with direction and significance, items that moved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from evals.base import RunReport

class MetricDelta(BaseModel):
    """One metric, baseline against current."""

    name: str
    baseline: float | None
    current: float | None
    delta: float | None
    direction: str = Field(description="better | worse | same | n/a (taking lower-is-better metrics into account)")
    significant: bool = Field(False, description="the current value lies outside the baseline's 95% CI")


class ItemChange(BaseModel):
    """An item whose headline score moved."""

    id: str
    baseline: float | None
    current: float | None
    delta: float


class Comparison(BaseModel):
    """How a run differs from its baseline."""

    suite: str
    baseline_run_id: str
    baseline_path: str | None = None
    same_kb: bool | None = None
    config_changes: dict[str, tuple[Any, Any]] = Field(default_factory=dict)
    metrics: list[MetricDelta] = Field(default_factory=list)
    worse: list[ItemChange] = Field(default_factory=list)
    better: list[ItemChange] = Field(default_factory=list)
    only_current: list[str] = Field(default_factory=list)
    only_baseline: list[str] = Field(default_factory=list)

    @property
    def regressions(self) -> list[MetricDelta]:
        """The metrics that got worse."""
        return [m for m in self.metrics if m.direction == "worse"]


def compare_reports(current: RunReport, baseline: RunReport, baseline_file: Path | None = None,
                    eps: float = 1e-9) -> Comparison:
    """Metric deltas (with direction) and the items whose headline score went down or up."""
    lower = set(current.lower_is_better) | set(baseline.lower_is_better)
    deltas = []
    for name in dict.fromkeys([*current.metrics, *baseline.metrics]):
        cur, base = current.value(name), baseline.value(name)
        if cur is None or base is None:
            deltas.append(MetricDelta(name=name, baseline=base, current=cur, delta=None, direction="n/a"))
            continue
        d = cur - base
        direction = "same" if abs(d) <= eps else ("better" if (d > 0) != (name in lower) else "worse")
        bm = baseline.metrics.get(name)
        significant = bool(bm and bm.ci_low is not None and bm.ci_high is not None and not bm.ci_low <= cur <= bm.ci_high)
        deltas.append(MetricDelta(name=name, baseline=base, current=cur, delta=d, direction=direction,
                                  significant=significant))
    base_items = {it.id: it for it in baseline.items if not it.skipped}
    cur_items = {it.id: it for it in current.items if not it.skipped}
    worse, better = [], []
    for iid, it in cur_items.items():
        b = base_items.get(iid)
        if b is None or it.score is None or b.score is None:
            continue
        d = it.score - b.score
        if d < -eps:
            worse.append(ItemChange(id=iid, baseline=b.score, current=it.score, delta=d))
        elif d > eps:
            better.append(ItemChange(id=iid, baseline=b.score, current=it.score, delta=d))
    worse.sort(key=lambda c: (c.delta, c.id))
    better.sort(key=lambda c: (-c.delta, c.id))
    changes = {}
    for key in ("embedder", "backend", "limit", "seed", "options"):
        a, b = getattr(baseline.config, key), getattr(current.config, key)
        if a != b:
            changes[key] = (a, b)
    return Comparison(
        suite=current.suite, baseline_run_id=baseline.run_id, baseline_path=str(baseline_file) if baseline_file else None,
        same_kb=(current.kb_fingerprint == baseline.kb_fingerprint) if current.kb_fingerprint and baseline.kb_fingerprint else None,
        config_changes=changes, metrics=deltas, worse=worse, better=better,
        only_current=sorted(set(cur_items) - set(base_items)), only_baseline=sorted(set(base_items) - set(cur_items)),
    )
