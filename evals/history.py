"""Every eval run, kept in SQLite at <FASHEN_HOME>/evals/history.sqlite: metrics over time, per suite."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.config import Settings
from evals.base import MetricValue, RunReport

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, suite TEXT NOT NULL, started_at TEXT NOT NULL, duration_s REAL,
    git_commit TEXT, git_dirty INTEGER, kb_fingerprint TEXT, embedder TEXT, backend TEXT, item_limit INTEGER,
    seed INTEGER, items_scored INTEGER, errors INTEGER, report_path TEXT, primary_metrics TEXT NOT NULL,
    system TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_runs_suite ON runs(suite, started_at);
CREATE TABLE IF NOT EXISTS metrics (
    run_id TEXT NOT NULL, name TEXT NOT NULL, value REAL, ci_low REAL, ci_high REAL, n INTEGER,
    PRIMARY KEY (run_id, name)
);
"""


class HistoryRun(BaseModel):
    """One recorded run, without its items (the report file has them)."""

    run_id: str
    suite: str
    started_at: datetime
    duration_s: float | None = None
    git_commit: str | None = None
    git_dirty: bool | None = None
    kb_fingerprint: str | None = None
    embedder: str | None = None
    backend: str | None = None
    limit: int | None = None
    seed: int | None = None
    items_scored: int | None = None
    errors: int | None = None
    report_path: str | None = None
    primary: list[str] = Field(default_factory=list)
    system: dict = Field(default_factory=dict)
    metrics: dict[str, MetricValue] = Field(default_factory=dict)


def history_path(settings: Settings | None = None) -> Path:
    """<FASHEN_HOME>/evals/history.sqlite."""
    return (settings or Settings()).home / "evals" / "history.sqlite"


class History:
    """The run history; one short-lived connection per call, so the CLI and the app can share the file.
    With create=False a missing file reads as an empty history and is not created."""

    def __init__(self, path: Path | None = None, *, create: bool = True) -> None:
        self.path = Path(path) if path else history_path()
        self.exists = self.path.is_file()
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as c:
                c.executescript(SCHEMA)
            self.exists = True

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, report: RunReport, report_path: Path | None = None) -> None:
        """Add (or replace) a run and its metrics."""
        embedder = report.config.embedder or report.system.get("embedder")
        backend = report.config.backend or (report.system.get("llm") or {}).get("provider")
        row = (report.run_id, report.suite, report.started_at.isoformat(), report.duration_s,
               report.versions.get("git_commit"), _bool(report.versions.get("git_dirty")), report.kb_fingerprint,
               embedder, backend, report.config.limit, report.config.seed, report.data.get("items_scored"),
               report.data.get("errors"), str(report_path) if report_path else None, json.dumps(report.primary),
               json.dumps(report.system, ensure_ascii=False, default=str))
        with self._connect() as c:
            c.execute("DELETE FROM metrics WHERE run_id=?", (report.run_id,))
            c.execute(f"INSERT OR REPLACE INTO runs VALUES ({','.join('?' * len(row))})", row)
            c.executemany("INSERT INTO metrics VALUES (?,?,?,?,?,?)", [
                (report.run_id, name, m.value, m.ci_low, m.ci_high, m.n) for name, m in report.metrics.items()
            ])

    def suites(self) -> list[str]:
        """Suites with at least one run."""
        if not self.exists:
            return []
        with self._connect() as c:
            return [r[0] for r in c.execute("SELECT DISTINCT suite FROM runs ORDER BY suite")]

    def runs(self, suite: str | None = None, limit: int | None = None) -> list[HistoryRun]:
        """Runs, oldest first (the last `limit` of them when limit is given)."""
        if not self.exists:
            return []
        q = "SELECT * FROM runs" + (" WHERE suite=?" if suite else "") + " ORDER BY started_at DESC, run_id DESC"
        args: list = [suite] if suite else []
        if limit:
            q += " LIMIT ?"
            args.append(limit)
        with self._connect() as c:
            c.row_factory = sqlite3.Row
            rows = c.execute(q, args).fetchall()
            out = []
            for r in reversed(rows):
                metrics = {m["name"]: MetricValue(value=m["value"], ci_low=m["ci_low"], ci_high=m["ci_high"], n=m["n"] or 0)
                           for m in c.execute("SELECT * FROM metrics WHERE run_id=?", (r["run_id"],))}
                out.append(HistoryRun(
                    run_id=r["run_id"], suite=r["suite"], started_at=datetime.fromisoformat(r["started_at"]),
                    duration_s=r["duration_s"], git_commit=r["git_commit"],
                    git_dirty=None if r["git_dirty"] is None else bool(r["git_dirty"]), kb_fingerprint=r["kb_fingerprint"],
                    embedder=r["embedder"], backend=r["backend"], limit=r["item_limit"], seed=r["seed"],
                    items_scored=r["items_scored"], errors=r["errors"], report_path=r["report_path"],
                    primary=json.loads(r["primary_metrics"]), system=json.loads(r["system"]), metrics=metrics,
                ))
            return out


def _bool(v: object) -> int | None:
    return None if v is None else int(bool(v))
