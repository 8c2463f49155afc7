"""A self-contained offline HTML page of the eval history: metrics over time, per-code bars, recall@k curves.

Everything is inline (CSS, SVG); the page loads nothing, so an evaluator can open it from a USB stick.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from evals.base import RunReport
from evals.history import History, HistoryRun
from evals.runner import baseline_path, load_report
from evals.summary import fmt
from evals.svg import bar_chart, line_chart

log = logging.getLogger(__name__)

_RECALL_AT = re.compile(r"^recall@(\d+)$")

CSS = """
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:24px auto;
max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:36px}
h3{font-size:15px;margin-top:20px}table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f4f4f4}.muted{color:#777;font-size:12px}.worse{color:#c00}.better{color:#080}
.charts{display:flex;flex-wrap:wrap;gap:12px}nav a{margin-right:12px}
"""


def _labels(runs: list[HistoryRun]) -> list[str]:
    # The run's number keeps two runs in the same minute apart.
    return [f"#{i} {r.started_at.astimezone(UTC):%m-%d %H:%M}" for i, r in enumerate(runs, 1)]


def _over_time(runs: list[HistoryRun], names: list[str], title: str) -> str:
    labels = _labels(runs)
    series = {name: [(lab, r.metrics[name].value, r.metrics[name].ci_low, r.metrics[name].ci_high)
                     for lab, r in zip(labels, runs, strict=True) if name in r.metrics] for name in names}
    return line_chart(series, title=title, labels=labels)


def _latest_report(runs: list[HistoryRun]) -> RunReport | None:
    for run in reversed(runs):
        if run.report_path and Path(run.report_path).is_file():
            try:
                return load_report(Path(run.report_path))
            except Exception as exc:  # an unreadable old report only costs its charts
                log.warning("cannot read %s: %s", run.report_path, exc)
    return None


def _baseline(suite: str, baselines_dir: Path | None) -> RunReport | None:
    p = baseline_path(suite, baselines_dir)
    if not p.is_file():
        return None
    try:
        return load_report(p)
    except Exception as exc:
        log.warning("cannot read baseline %s: %s", p, exc)
        return None


def _recall_curve(reports: dict[str, RunReport]) -> str | None:
    series = {}
    for name, rep in reports.items():
        pts = sorted((int(m.group(1)), v) for k, v in rep.metrics.items() if (m := _RECALL_AT.match(k)))
        if pts:
            series[name] = [(f"k={k}", v.value, v.ci_low, v.ci_high) for k, v in pts]
    return line_chart(series, title="Recall@k", y_label="recall") if series else None


def _per_code_bars(report: RunReport) -> str | None:
    per_code = report.breakdowns.get("per_code")
    if not per_code:
        return None
    rows = {code: {"precision": v.get("precision"), "recall": v.get("recall")}
            for code, v in per_code.items() if v.get("gold") or v.get("reported")}
    if not rows:
        return None
    return bar_chart(rows, ["precision", "recall"], title="各问题代码的精确率 / 召回率（最近一次）")


def _metrics_table(report: RunReport, baseline: RunReport | None) -> str:
    head = "<tr><th>指标</th><th>数值</th><th>95% 置信区间</th>" + ("<th>基线</th><th>变化</th>" if baseline else "") + "</tr>"
    rows = [head]
    for name in [*report.primary, *(n for n in report.metrics if n not in report.primary)]:
        m = report.metrics[name]
        ci = f"[{fmt(m.ci_low)}, {fmt(m.ci_high)}]" if m.ci_low is not None else "–"
        cells = f"<td>{'<b>' + escape(name) + '</b>' if name in report.primary else escape(name)}</td><td>{fmt(m.value)}</td><td>{ci}</td>"
        if baseline:
            b = baseline.value(name)
            delta = "–"
            cls = ""
            if b is not None and m.value is not None:
                d = m.value - b
                delta = f"{d:+.3f}"
                if abs(d) > 1e-9:
                    better = (d > 0) != (name in report.lower_is_better)
                    cls = ' class="better"' if better else ' class="worse"'
            cells += f"<td>{fmt(b)}</td><td{cls}>{delta}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _runs_table(runs: list[HistoryRun], primary: list[str]) -> str:
    head = "<tr><th>运行</th><th>时间 (UTC)</th><th>代码</th><th>知识库</th><th>嵌入</th><th>后端</th><th>计分项</th>" + \
        "".join(f"<th>{escape(p)}</th>" for p in primary) + "</tr>"
    rows = [head]
    for r in reversed(runs):
        commit = (r.git_commit or "–")[:10] + ("*" if r.git_dirty else "")
        cells = "".join(f"<td>{fmt(r.metrics[p].value) if p in r.metrics else '–'}</td>" for p in primary)
        rows.append(f"<tr><td>{escape(r.run_id)}</td><td>{r.started_at.astimezone(UTC):%Y-%m-%d %H:%M}</td>"
                    f"<td>{escape(commit)}</td><td>{escape(r.kb_fingerprint or '–')}</td><td>{escape(r.embedder or '–')}</td>"
                    f"<td>{escape(r.backend or '–')}</td><td>{r.items_scored if r.items_scored is not None else '–'}</td>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _suite_section(suite: str, runs: list[HistoryRun], baselines_dir: Path | None) -> str:
    latest = _latest_report(runs)
    baseline = _baseline(suite, baselines_dir)
    primary = (latest.primary if latest else runs[-1].primary) or list(runs[-1].metrics)[:4]
    lower = set(latest.lower_is_better) if latest else set()
    rates = [p for p in primary if all((r.metrics[p].value or 0) <= 1 for r in runs if p in r.metrics)]
    counts = [p for p in primary if p not in rates]
    out = [f'<h2 id="{escape(suite)}">{escape(suite)}</h2>']
    if latest and latest.description:
        out.append(f"<p>{escape(latest.description)}</p>")
    charts = []
    if rates:
        charts.append(_over_time(runs, rates, "主要指标随运行变化（竖线为 95% 置信区间）"))
    if counts:
        charts.append(_over_time(runs, counts, "计数类指标随运行变化"))
    if latest:
        curve = _recall_curve({"最近一次": latest, **({"基线": baseline} if baseline else {})})
        if curve:
            charts.append(curve)
        bars = _per_code_bars(latest)
        if bars:
            charts.append(bars)
    out.append('<div class="charts">' + "".join(charts) + "</div>")
    if latest:
        out.append(f"<h3>最近一次：{escape(latest.run_id)}</h3>")
        out.append(_metrics_table(latest, baseline))
        if lower:
            out.append(f'<p class="muted">越低越好：{escape("、".join(sorted(lower)))}</p>')
        for note in latest.notes:
            out.append(f'<p class="muted">{escape(note)}</p>')
    out.append("<h3>运行记录</h3>")
    out.append(_runs_table(runs, primary))
    return "\n".join(out)


def render_html(history: History, suites: list[str] | None = None, *, max_runs: int = 50,
                baselines_dir: Path | None = None) -> str:
    """The whole page for the given suites (default: every suite with a run)."""
    names = suites or history.suites()
    sections = []
    for suite in names:
        runs = history.runs(suite, limit=max_runs)
        if runs:
            sections.append(_suite_section(suite, runs, baselines_dir))
    nav = " ".join(f'<a href="#{escape(s)}">{escape(s)}</a>' for s in names)
    body = "\n".join(sections) if sections else "<p>还没有评测记录。先运行 <code>fashen eval run SUITE</code>。</p>"
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>法审助手评测报告</title>'
            f"<style>{CSS}</style></head><body><h1>法审助手评测报告</h1>"
            f'<p class="muted">生成于 {generated}；历史库 {escape(str(history.path))}</p><nav>{nav}</nav>\n{body}\n</body></html>\n')


def write_html(path: Path, history: History, suites: list[str] | None = None, *, max_runs: int = 50,
               baselines_dir: Path | None = None) -> Path:
    """Render the page and write it to path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(history, suites, max_runs=max_runs, baselines_dir=baselines_dir), encoding="utf-8")
    return path
