"""The Markdown summary of a run: provenance, metrics with CIs, baseline deltas, breakdowns, per-item diffs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from evals.base import RunReport
from evals.compare import Comparison

MAX_LISTED = 30


def fmt(value: Any) -> str:
    """0.62345 → 0.623; 3.0 → 3; None → –."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "是" if value else "否"
    # Counts are whole numbers above 1; rates (0 … 1) keep three decimals so 1.000 and 0.000 look alike.
    if isinstance(value, int) or isinstance(value, float) and value.is_integer() and abs(value) > 1:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def fmt_delta(value: float | None) -> str:
    """+0.012 / -0.300 / –."""
    return "–" if value is None else f"{value:+.3f}"


def provenance_lines(report: RunReport) -> list[str]:
    """Bullet lines: run, data, knowledge base, embedder, model, prompts, code version."""
    d, s, v = report.data, report.system, report.versions
    lines = [
        f"- 运行：`{report.run_id}`，{report.started_at:%Y-%m-%d %H:%M:%S} UTC，用时 {report.duration_s:.1f} 秒",
        f"- 数据：`{d.get('path')}`（共 {d.get('items_total')} 项，运行 {d.get('items_run')}，计分 {d.get('items_scored')}，"
        f"跳过 {d.get('items_skipped')}，出错 {d.get('errors')}；数据指纹 {d.get('fingerprint') or '–'}）",
        f"- 知识库指纹：{report.kb_fingerprint or '–'}"
        + (f"（{s['kb_size']['instruments']} 部文件，{s['kb_size']['articles']} 条）" if s.get("kb_size") else ""),
    ]
    cfg = report.config
    lines.append(f"- 配置：嵌入模型 {cfg.embedder or s.get('embedder') or '默认'}；后端 {cfg.backend or '默认'}；"
                 f"抽样 {cfg.limit or '全部'}；种子 {cfg.seed}；bootstrap {cfg.bootstrap} 次"
                 + (f"；选项 {cfg.options}" if cfg.options else ""))
    if s.get("llm"):
        llm = s["llm"]
        lines.append(f"- 模型：{llm.get('provider')} / {llm.get('model') or '–'} @ {llm.get('endpoint') or '本地'}")
    if s.get("prompts"):
        lines.append("- 提示词版本：" + "，".join(f"{k}={v}" for k, v in sorted(s["prompts"].items())))
    if s.get("rules"):
        lines.append(f"- 审查规则：{s['rules'].get('count')} 条，指纹 {s['rules'].get('fingerprint')}")
    commit = (v.get("git_commit") or "–")[:12]
    lines.append(f"- 代码：fashen {v.get('fashen') or '–'}，git {commit}" + ("（有未提交的改动）" if v.get("git_dirty") else ""))
    return lines


def _metrics_table(report: RunReport, comparison: Comparison | None) -> list[str]:
    deltas = {m.name: m for m in comparison.metrics} if comparison else {}
    head = "| 指标 | 数值 | 95% 置信区间 |" + (" 基线 | 变化 |" if comparison else "")
    sep = "|---|---:|---|" + ("---:|---|" if comparison else "")
    rows = [head, sep]
    names = [*report.primary, *(n for n in report.metrics if n not in report.primary)]
    for name in names:
        m = report.metrics[name]
        label = f"**{name}**" if name in report.primary else name
        if name in report.lower_is_better:
            label += " ↓"
        ci = f"[{fmt(m.ci_low)}, {fmt(m.ci_high)}]" if m.ci_low is not None else "–"
        row = f"| {label} | {fmt(m.value)} | {ci} |"
        if comparison:
            d = deltas.get(name)
            mark = {"better": " ✅", "worse": " ❌"}.get(d.direction, "") if d else ""
            sig = "（超出基线区间）" if d and d.significant else ""
            row += f" {fmt(d.baseline) if d else '–'} | {fmt_delta(d.delta) if d else '–'}{mark}{sig} |"
        rows.append(row)
    return rows


def _breakdown_tables(report: RunReport) -> list[str]:
    out: list[str] = []
    for name, table in report.breakdowns.items():
        if not table:
            continue
        cols = list(dict.fromkeys(k for row in table.values() for k in row))
        out += ["", f"### {name}", "", "| | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
        for key, row in table.items():
            out.append(f"| {key} | " + " | ".join(fmt(row.get(c)) for c in cols) + " |")
    return out


def _item_diffs(report: RunReport) -> list[str]:
    """Per-item diff where the scorer records one (missed / spurious / fabricated …)."""
    keys = ("missed", "spurious", "fabricated", "must_say_missed")
    rows = []
    for it in report.items:
        if it.skipped:
            continue
        parts = []
        for k in keys:
            vals = it.detail.get(k)
            if vals:
                shown = [f"{v.get('code')}@{v.get('location') or '—'}" if isinstance(v, dict) else str(v) for v in vals]
                parts.append(f"{k}: " + "，".join(shown))
        if it.error:
            parts.append(f"error: {it.error}")
        if parts:
            rows.append(f"- `{it.id}` ({fmt(it.score)}) " + "；".join(parts))
    if not rows:
        return []
    more = len(rows) - MAX_LISTED * 2
    return ["", "## 逐项差异", "", *rows[:MAX_LISTED * 2], *([f"- …另有 {more} 项"] if more > 0 else [])]


def render_markdown(report: RunReport, comparison: Comparison | None = None, failures: list[str] | None = None) -> str:
    """The run's summary in Markdown (Chinese headings, metric names as in the JSON)."""
    out = [f"# 评测：{report.suite}", "", report.description, "", *provenance_lines(report), "", "## 指标", "",
           *_metrics_table(report, comparison)]
    if failures:
        out += ["", "## 未达阈值", "", *(f"- ❌ {f}" for f in failures)]
    if comparison:
        out += ["", "## 与基线比较", "", f"- 基线：`{comparison.baseline_run_id}`"
                + (f"（{comparison.baseline_path}）" if comparison.baseline_path else "")]
        if comparison.same_kb is False:
            out.append("- ⚠ 知识库指纹与基线不同：差异可能来自知识库的变化。")
        for k, (a, b) in comparison.config_changes.items():
            out.append(f"- 配置变化：{k} {a} → {b}")
        for title, items in (("变差的条目", comparison.worse), ("变好的条目", comparison.better)):
            out += ["", f"### {title}（{len(items)}）", ""]
            out += [f"- `{c.id}`：{fmt(c.baseline)} → {fmt(c.current)}（{fmt_delta(c.delta)}）" for c in items[:MAX_LISTED]]
            if len(items) > MAX_LISTED:
                out.append(f"- …另有 {len(items) - MAX_LISTED} 项")
        if comparison.only_current or comparison.only_baseline:
            out.append(f"\n- 仅本次有 {len(comparison.only_current)} 项，仅基线有 {len(comparison.only_baseline)} 项（不参与逐项比较）")
    if report.breakdowns:
        out += ["", "## 分项", *_breakdown_tables(report)]
    out += _item_diffs(report)
    skipped = Counter(it.skipped.split("：")[0] for it in report.items if it.skipped)
    if skipped:
        out += ["", "## 跳过的条目", "", *(f"- {reason}：{n} 项" for reason, n in skipped.most_common(10))]
    if report.notes:
        out += ["", "## 说明", "", *(f"- {n}" for n in report.notes)]
    return "\n".join(out).rstrip() + "\n"
