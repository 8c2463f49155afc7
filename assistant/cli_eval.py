"""`fashen eval …`: list suites, run them (JSON + Markdown reports, baselines, thresholds), history, HTML report.

The lead mounts it with `app.add_typer(eval_app, name="eval")`. This module renders; the work is in the
`evals` package.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from assistant.config import Settings
from assistant.errors import FashenError, InputError
from evals.base import RunConfig, RunReport
from evals.compare import compare_reports
from evals.history import History, history_path
from evals.report import write_html
from evals.runner import (
    BASELINES_DIR,
    check_thresholds,
    find_baseline,
    load_report,
    parse_thresholds,
    run_suite,
    save_baseline,
    unmatched_thresholds,
    write_report,
)
from evals.suites import load_registry, system_status
from evals.summary import fmt, fmt_delta, render_markdown

log = logging.getLogger(__name__)
eval_app = typer.Typer(help="评测：列出套件、运行并与基线比较、查看历史、生成离线 HTML 报告。", no_args_is_help=True)
out_console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)

DataOpt = Annotated[Path | None, typer.Option("--data", help="evaldata 目录（默认 ../shared/evaldata）")]
SuitesDirOpt = Annotated[list[Path] | None, typer.Option("--suites-dir", help="另外查找用户套件的目录（可多次）")]
FormatOpt = Annotated[str, typer.Option("--format", help="text | json")]


def _exit(code: int) -> None:
    """Leave with `code`. SystemExit rather than typer.Exit: with standalone_mode=False (as `fashen` runs)
    typer returns an Exit's code instead of raising it, and the code would be lost."""
    raise SystemExit(code)


def _handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """FashenError → its message on stderr and its exit code (DESIGN §5)."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FashenError as exc:
            err_console.print(f"[red]错误：[/red]{escape(str(exc))}", highlight=False)
            _exit(exc.exit_code)
    return wrapper


def _check_format(fmt_: str) -> None:
    if fmt_ not in ("text", "json"):
        raise InputError(f"--format 只能是 text 或 json（收到 {fmt_!r}）。")


def _parse_options(pairs: list[str] | None) -> dict[str, Any]:
    """-o key=value pairs; numbers and true/false are converted."""
    out: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"-o 的格式应为 key=value（收到 {pair!r}）。")
        value: Any = raw.strip()
        if value.lower() in ("true", "false"):
            value = value.lower() == "true"
        else:
            for conv in (int, float):
                try:
                    value = conv(value)
                    break
                except ValueError:
                    pass
        out[key.strip()] = value
    return out


# -- list ---------------------------------------------------------------------------------------------------

@eval_app.command("list")
@_handle_errors
def list_cmd(data: DataOpt = None, suites_dir: SuitesDirOpt = None, format: FormatOpt = "text") -> None:
    """列出评测套件、数据位置、数据是否存在、被测系统是否可用。"""
    _check_format(format)
    settings = Settings()
    root = data or settings.evaldata_dir
    reg = load_registry(suites_dir or [], settings)
    rows = []
    for s in reg.suites.values():
        path = s.data_path(root)
        missing = system_status(s)
        rows.append({"name": s.name, "description": s.description, "data": str(path), "data_exists": path.exists(),
                     "primary": list(s.primary), "llm": s.llm, "origin": s.origin, "missing": missing})
    if format == "json":
        out_console.print_json(json.dumps({"suites": rows, "problems": [{"folder": f, "reason": r} for f, r in reg.problems]},
                                          ensure_ascii=False))
        return
    table = Table(title=f"评测套件（数据根目录 {root}）", show_lines=False)
    for col in ("套件", "说明", "数据", "主要指标", "系统"):
        table.add_column(col, overflow="fold")
    for r in rows:
        data_cell = escape(r["data"]) if r["data_exists"] else f"[red]{escape(r['data'])}（不存在）[/red]"
        system_cell = "[green]可运行[/green]" if not r["missing"] else "[yellow]缺少 " + "、".join(r["missing"]) + "[/yellow]"
        name = r["name"] + ("" if r["origin"] == "builtin" else " [dim](用户)[/dim]")
        table.add_row(name, escape(r["description"]), data_cell, ", ".join(r["primary"]), system_cell)
    out_console.print(table)
    for folder, reason in reg.problems:
        err_console.print(f"[yellow]未能加载用户套件[/yellow] {escape(folder)}：{escape(reason)}", highlight=False)


# -- run ----------------------------------------------------------------------------------------------------

def _print_run(report: RunReport, paths: tuple[Path, Path], comparison, failures: list[str], baseline_saved: Path | None) -> None:
    deltas = {m.name: m for m in comparison.metrics} if comparison else {}
    table = Table(title=f"{report.suite}（计分 {report.data.get('items_scored')} 项，跳过 {report.data.get('items_skipped')}，"
                        f"出错 {report.data.get('errors')}）")
    table.add_column("指标")
    table.add_column("数值", justify="right")
    table.add_column("95% 置信区间")
    if comparison:
        table.add_column("基线", justify="right")
        table.add_column("变化", justify="right")
    for name in report.primary:
        m = report.metrics[name]
        row = [name + (" ↓" if name in report.lower_is_better else ""), fmt(m.value),
               f"[{fmt(m.ci_low)}, {fmt(m.ci_high)}]" if m.ci_low is not None else "–"]
        if comparison:
            d = deltas.get(name)
            color = {"better": "green", "worse": "red"}.get(d.direction if d else "", "white")
            row += [fmt(d.baseline) if d else "–", f"[{color}]{fmt_delta(d.delta) if d else '–'}[/{color}]"]
        table.add_row(*row)
    out_console.print(table)
    if comparison:
        out_console.print(f"与基线 {comparison.baseline_run_id} 比较：变差 {len(comparison.worse)} 项，变好 {len(comparison.better)} 项"
                          + ("；[yellow]知识库指纹不同[/yellow]" if comparison.same_kb is False else ""), highlight=False)
        for c in comparison.worse[:10]:
            out_console.print(f"  [red]↓[/red] {escape(c.id)}: {fmt(c.baseline)} → {fmt(c.current)}", highlight=False)
    for f in failures:
        err_console.print(f"[red]未达阈值[/red] {escape(f)}", highlight=False)
    for note in report.notes:
        out_console.print(f"[dim]说明：{escape(note)}[/dim]", highlight=False)
    out_console.print(f"报告：{paths[0]}\n摘要：{paths[1]}", highlight=False, markup=False)
    if baseline_saved:
        out_console.print(f"[green]已更新基线[/green] {escape(str(baseline_saved))}", highlight=False)


@eval_app.command("run")
@_handle_errors
def run_cmd(
    suites: Annotated[list[str], typer.Argument(help="套件名（见 fashen eval list），可多个")],
    data: DataOpt = None,
    embedder: Annotated[str | None, typer.Option("--embedder", help="use-m3 | e5-small | st:<目录> | none")] = None,
    backend: Annotated[str | None, typer.Option("--backend", help="none | openai | llamacpp")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="只评随机抽取的 N 项（按 --seed 可复现）")] = None,
    seed: Annotated[int, typer.Option("--seed", help="抽样和 bootstrap 的随机种子")] = 0,
    option: Annotated[list[str] | None, typer.Option("--option", "-o", help="套件选项 key=value，如 via=ask、mode=lexical、k=50")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="报告目录（默认 <FASHEN_HOME>/evals/runs）")] = None,
    compare: Annotated[Path | None, typer.Option("--compare", help="基线报告文件或目录（默认 evals/baselines/<套件>.json）")] = None,
    no_compare: Annotated[bool, typer.Option("--no-compare", help="不与基线比较")] = False,
    fail_under: Annotated[list[str] | None, typer.Option("--fail-under", help="[套件:]指标=数值；未达到则退出码 1（可多次）")] = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="把本次结果写为该套件的基线")] = False,
    baselines_dir: Annotated[Path | None, typer.Option("--baselines-dir", help="基线目录（默认 evals/baselines）", hidden=True)] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", help="bootstrap 重抽样次数（置信区间）")] = 1000,
    suites_dir: SuitesDirOpt = None,
    format: FormatOpt = "text",
) -> None:
    """运行评测套件：写 JSON 报告和 Markdown 摘要，与基线比较，记入历史；--fail-under 未达标时退出码为 1。"""
    _check_format(format)
    settings = Settings()
    reg = load_registry(suites_dir or [], settings)
    names = list(reg.suites) if suites == ["all"] else suites
    chosen = [reg.get(n) for n in names]
    thresholds = parse_thresholds(fail_under or [])
    for t in thresholds:
        if t.suite and t.suite not in names:
            raise InputError(f"阈值 {t} 指向未运行的套件 {t.suite}；本次运行：{', '.join(names)}。")
    out_dir = out or settings.home / "evals" / "runs"
    config_base = dict(data_dir=data, embedder=embedder, backend=backend, limit=limit, seed=seed,
                       bootstrap=bootstrap, options=_parse_options(option))
    history: History | None = None  # created on the first recorded run, not before
    results, reports, all_failures = [], [], []
    exit_code = 0
    for suite in chosen:
        config = RunConfig(**config_base)
        try:
            report = _run_with_progress(suite, config, quiet=format == "json")
        except FashenError as exc:
            err_console.print(f"[red]{suite.name} 未能运行：[/red]{escape(str(exc))}", highlight=False)
            exit_code = exit_code or exc.exit_code
            results.append({"suite": suite.name, "error": str(exc), "exit_code": exc.exit_code})
            continue
        comparison = None
        if not no_compare:
            base_file = find_baseline(suite.name, compare, baselines_dir)
            if base_file is not None:
                comparison = compare_reports(report, load_report(base_file), base_file)
        failures = check_thresholds(report, thresholds)
        all_failures += failures
        paths = write_report(report, out_dir, render_markdown(report, comparison, failures))
        history = history or History(history_path(settings))
        history.record(report, paths[0])
        saved = save_baseline(report, baselines_dir or BASELINES_DIR) if update_baseline else None
        reports.append(report)
        if format == "text":
            _print_run(report, paths, comparison, failures, saved)
        results.append({"suite": suite.name, "json": str(paths[0]), "markdown": str(paths[1]),
                        "metrics": {k: v.model_dump() for k, v in report.metrics.items()},
                        "comparison": comparison.model_dump() if comparison else None, "failures": failures,
                        "baseline_updated": str(saved) if saved else None})
    unknown = unmatched_thresholds(reports, thresholds) if reports else []
    for t in unknown:
        all_failures.append(f"阈值 {t} 没有对应的指标（看看拼写，或该套件未运行）")
        err_console.print(f"[red]阈值 {escape(str(t))} 没有对应的指标[/red]：请检查指标名（见报告的 metrics）。", highlight=False)
    if format == "json":
        out_console.print_json(json.dumps({"runs": results, "failures": all_failures}, ensure_ascii=False, default=str))
    if exit_code:
        _exit(exit_code)
    if all_failures:
        _exit(1)


def _run_with_progress(suite, config: RunConfig, *, quiet: bool) -> RunReport:
    if quiet:
        return run_suite(suite, config)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(suite.name, total=None)

        def progress(done: int, total: int, item_id: str) -> None:
            bar.update(task, completed=done, total=total)

        return run_suite(suite, config, progress=progress)


# -- history ------------------------------------------------------------------------------------------------

_SPARKS = "▁▂▃▄▅▆▇█"
TABLE_RUNS = 6


def sparkline(values: list[float | None]) -> str:
    """▁▃▇ for a series of values (blank for None)."""
    vals = [v for v in values if v is not None]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    return "".join(" " if v is None else _SPARKS[int((v - lo) / span * (len(_SPARKS) - 1))] for v in values)


@eval_app.command("history")
@_handle_errors
def history_cmd(
    suite: Annotated[str, typer.Argument(help="套件名")],
    metric: Annotated[list[str] | None, typer.Option("--metric", "-m", help="要显示的指标（默认主要指标）")] = None,
    last: Annotated[int, typer.Option("--last", help="最近 N 次运行")] = 20,
    ci: Annotated[bool, typer.Option("--ci", help="同时显示 95% 置信区间半宽")] = False,
    format: FormatOpt = "text",
) -> None:
    """显示一个套件历次运行的指标。"""
    _check_format(format)
    history = History(history_path(), create=False)
    runs = history.runs(suite, limit=last)
    if not runs:
        known = "、".join(history.suites()) or "无"
        raise InputError(f"套件 {suite} 还没有运行记录（有记录的套件：{known}）。先运行 `fashen eval run {suite}`。")
    names = metric or runs[-1].primary or list(runs[-1].metrics)[:4]
    if format == "json":
        out_console.print_json(json.dumps({"suite": suite, "runs": [r.model_dump(mode="json") for r in runs]},
                                          ensure_ascii=False))
        return
    # Metrics as rows, runs as columns (the last few), a sparkline over all of them: fits a terminal.
    shown = runs[-TABLE_RUNS:]
    table = Table(title=f"{suite}：最近 {len(runs)} 次运行" + ("（± 为 95% 置信区间半宽）" if ci else ""))
    table.add_column("指标", no_wrap=True)
    table.add_column("趋势", no_wrap=True)
    for r in shown:
        head = f"{r.started_at:%m-%d %H:%M}\n{(r.git_commit or '–')[:7]}{'*' if r.git_dirty else ''}\n{(r.kb_fingerprint or '–')[:8]}"
        if len({x.embedder for x in runs}) > 1 or len({x.backend for x in runs}) > 1:
            head += f"\n{r.embedder or '–'}/{r.backend or '–'}"
        table.add_column(head, justify="right", no_wrap=True)
    for n in names:
        cells = []
        for r in shown:
            m = r.metrics.get(n)
            half = (m.ci_high - m.ci_low) / 2 if m and m.ci_low is not None and m.ci_high is not None else None
            cells.append("–" if m is None else fmt(m.value) + (f" ±{half:.3f}" if ci and half is not None else ""))
        table.add_row(n, sparkline([r.metrics[n].value if n in r.metrics else None for r in runs]), *cells)
    table.add_row("n", "", *(str(r.items_scored if r.items_scored is not None else "–") for r in shown))
    out_console.print(table)
    out_console.print("[dim]列：时间 (UTC) / 代码提交（* 有未提交改动）/ 知识库指纹[/dim]")


# -- report -------------------------------------------------------------------------------------------------

@eval_app.command("report")
@_handle_errors
def report_cmd(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML 文件（默认 <FASHEN_HOME>/evals/report.html）")] = None,
    suite: Annotated[list[str] | None, typer.Option("--suite", help="只含这些套件（默认全部有记录的）")] = None,
    last: Annotated[int, typer.Option("--last", help="每个套件最多显示最近 N 次运行")] = 50,
    baselines_dir: Annotated[Path | None, typer.Option("--baselines-dir", hidden=True)] = None,
) -> None:
    """生成可离线打开的 HTML 报告（指标趋势、各代码精确率/召回率、Recall@k 曲线）。"""
    settings = Settings()
    history = History(history_path(settings), create=False)
    path = write_html(out or settings.home / "evals" / "report.html", history, suite, max_runs=last,
                      baselines_dir=baselines_dir)
    out_console.print(f"已生成 {path}", highlight=False, markup=False)
