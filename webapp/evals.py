"""评测: run an eval suite, see its figures against the baseline as a chart and per-item regressions as a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from webapp.common import guard, settings

DIRECTION = {"better": "↑ 变好", "worse": "↓ 变差", "same": "持平", "n/a": "—"}


@st.cache_resource(show_spinner=False, max_entries=4)
def _registry(home: str) -> Any:
    from evals.suites import load_registry

    return load_registry(settings=settings())


def runs_dir() -> Path:
    return settings().home / "evals" / "runs"


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.4f}"


def metric_rows(report: Any, comparison: Any) -> list[dict[str, Any]]:
    """The report's metrics (primary first) with CI, baseline value, change and direction."""
    deltas = {m.name: m for m in comparison.metrics} if comparison else {}
    names = list(dict.fromkeys([*report.primary, *report.metrics]))
    rows = []
    for name in names:
        m = report.metrics.get(name)
        row = {
            "指标": name + (" （越低越好）" if name in report.lower_is_better else ""),
            "主要": "★" if name in report.primary else "",
            "当前": _fmt(m.value if m else None),
            "95% 置信区间": f"[{_fmt(m.ci_low)}, {_fmt(m.ci_high)}]" if m and m.ci_low is not None else "—",
        }
        if comparison is not None:
            d = deltas.get(name)
            row["基线"] = _fmt(d.baseline if d else None)
            row["变化"] = "—" if d is None or d.delta is None else f"{d.delta:+.4f}"
            row["方向"] = DIRECTION.get(d.direction, d.direction) + ("（显著）" if d.significant else "") if d else "—"
        rows.append(row)
    return rows


def chart_data(report: Any, comparison: Any) -> list[dict[str, Any]]:
    """Long-format rows (指标, 版本, 数值) of the primary metrics for a grouped bar chart."""
    deltas = {m.name: m for m in comparison.metrics} if comparison else {}
    rows = []
    for name in report.primary:
        value = report.value(name)
        if value is not None:
            rows.append({"指标": name, "版本": "本次", "数值": value})
        d = deltas.get(name)
        if d is not None and d.baseline is not None:
            rows.append({"指标": name, "版本": "基线", "数值": d.baseline})
    return rows


def show_report(report: Any) -> None:
    from evals.compare import compare_reports
    from evals.runner import find_baseline, load_report

    comparison = None
    with guard("读取基线"):
        base_file = find_baseline(report.suite)
        if base_file is None:
            st.info(f"套件 {report.suite} 还没有基线（evals/baselines/{report.suite}.json）；只显示本次结果。"
                    f"用 `fashen eval run {report.suite} --update-baseline` 建立基线。", icon=":material/info:")
        else:
            comparison = compare_reports(report, load_report(base_file), base_file)
    d = report.data
    st.markdown(f"**{report.suite}**　{report.description}")
    st.caption(f"计分 {d.get('items_scored', '?')} 项 · 跳过 {d.get('items_skipped', 0)} · 出错 {d.get('errors', 0)} · "
               f"用时 {report.duration_s:.1f} 秒 · {report.started_at:%Y-%m-%d %H:%M} UTC · 运行 {report.run_id}"
               + (f" · 对比基线 {comparison.baseline_run_id}" if comparison else ""))
    if comparison is not None and comparison.same_kb is False:
        st.warning("本次与基线使用的知识库不同（指纹不一致），差异可能来自知识库变化。", icon=":material/warning:")
    for note in report.notes:
        st.caption(f":material/info: {note}")
    data = chart_data(report, comparison)
    if data:
        st.bar_chart(data, x="指标", y="数值", color="版本", stack=False, horizontal=True,
                     height=60 + 36 * len(report.primary))
    st.dataframe(metric_rows(report, comparison), hide_index=True, width="stretch")
    if comparison is not None:
        st.markdown(f"**逐项对比**：变差 {len(comparison.worse)} 项，变好 {len(comparison.better)} 项")
        if comparison.worse:
            st.dataframe([{"条目": c.id, "基线得分": c.baseline, "本次得分": c.current, "变化": c.delta}
                          for c in comparison.worse], hide_index=True, width="stretch",
                         column_config={"变化": st.column_config.NumberColumn(format="%+.4f")})
        else:
            st.success("没有条目比基线变差。", icon=":material/check_circle:")
    errors = [it for it in report.items if it.error]
    if errors:
        with st.expander(f"出错的条目（{len(errors)}）"):
            st.dataframe([{"条目": it.id, "错误": it.error} for it in errors], hide_index=True, width="stretch")


def run_section(reg: Any) -> None:
    from evals.base import RunConfig
    from evals.history import History, history_path
    from evals.runner import run_suite, write_report
    from evals.suites import system_status

    names = list(reg.suites)
    c = st.columns([3, 1, 1])
    name = c[0].selectbox("评测套件", names, key="eval_suite",
                          format_func=lambda n: f"{n} — {reg.suites[n].description}")
    limit = c[1].number_input("抽样条数（0 = 全部）", 0, 100000, 20, key="eval_limit")
    seed = c[2].number_input("随机种子", 0, 10**6, 0, key="eval_seed")
    suite = reg.suites[name]
    path = suite.data_path(settings().evaldata_dir)
    missing = system_status(suite)
    if not path.exists():
        st.warning(f"评测数据不存在：{path}。请把 evaldata 放在该处（设置 shared_dir）。", icon=":material/warning:")
    if missing:
        st.warning("该套件的被测模块暂不可用：" + "、".join(missing), icon=":material/warning:")
    if st.button("运行评测", type="primary", key="eval_run"):
        with guard(f"运行评测 {name}"):
            bar = st.progress(0.0, text="载入数据…")

            def progress(done: int, total: int, item_id: str) -> None:
                bar.progress(done / total if total else 1.0, text=f"{done}/{total}　{item_id}")

            report = run_suite(suite, RunConfig(limit=int(limit) or None, seed=int(seed)), progress=progress)
            bar.progress(1.0, text="完成")
            json_path, _ = write_report(report, runs_dir())
            History(history_path(settings())).record(report, json_path)
            st.session_state["eval_report"] = str(json_path)


def page() -> None:
    from evals.runner import load_report

    st.title("评测")
    st.caption("运行评测套件（检索、问答、审查、引用核验……），与基线比较：整体指标看图，逐项退步看表。")
    reg = None
    with guard("载入评测套件"):
        reg = _registry(str(settings().home))
        for folder, reason in reg.problems:
            st.warning(f"未能加载用户套件 {folder}：{reason}", icon=":material/warning:")
    if reg is not None:
        run_section(reg)
    found = runs_dir().glob("*.json") if runs_dir().is_dir() else []
    reports = sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)
    current = st.session_state.get("eval_report")
    if reports:
        options = [str(p) for p in reports[:50]]
        if current and current not in options:
            options.insert(0, current)
        chosen = st.selectbox("查看报告", options, index=options.index(current) if current in options else 0,
                              format_func=lambda p: Path(p).stem, key=f"eval_pick-{current}")
        current = chosen
    if current:
        st.divider()
        with guard("显示评测报告"):
            show_report(load_report(Path(current)))
    elif not reports:
        st.info("还没有评测结果。选择套件后点击“运行评测”。", icon=":material/info:")


if __name__ == "__main__":  # Streamlit runs page files as __main__
    page()
