"""The offline HTML report and its SVG charts."""

from __future__ import annotations

import dataclasses
import re

from evals.base import RunConfig, RunContext
from evals.history import History
from evals.report import render_html
from evals.runner import run_suite, save_baseline, write_report
from evals.suites import builtin_suites
from evals.svg import bar_chart, line_chart
from assistant.models import Article, Hit


def _hit(title, number):
    return Hit(article=Article(id=f"{title}:{number}", instrument_id=title, instrument_title=title, number=number,
                               label="", text=""), score=1.0)


def test_recall_curve_against_the_baseline(evaldata, tiny_catalog, tmp_path):
    hits = [_hit("中华人民共和国民法典", 5), _hit("中华人民共和国行政处罚法", 16)]
    suite = dataclasses.replace(builtin_suites()["retrieval-qa"], system=lambda ctx: (lambda case: hits))
    history = History(tmp_path / "h.sqlite")
    report = run_suite(suite, RunConfig(data_dir=evaldata, bootstrap=20), ctx=RunContext(RunConfig(), catalog=tiny_catalog))
    path, _ = write_report(report, tmp_path / "runs")
    history.record(report, path)
    save_baseline(report, tmp_path / "baselines")
    html = render_html(history, baselines_dir=tmp_path / "baselines")
    assert "Recall@k" in html and "k=100" in html
    assert "最近一次" in html and "基线" in html
    assert report.kb_fingerprint and report.kb_fingerprint in html
    assert "<script" not in html and "https://" not in html


def test_empty_history_page(tmp_path):
    html = render_html(History(tmp_path / "none.sqlite", create=False))
    assert "还没有评测记录" in html


def test_line_chart_points_whiskers_and_tooltips():
    svg = line_chart({"recall": [("#1", 0.5, 0.4, 0.6), ("#2", 0.7, None, None), ("#3", None, None, None)]},
                     title="t<x>", labels=["#1", "#2", "#3"])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<circle") == 2  # None leaves a gap
    assert "recall @ #1: 0.500 [0.400, 0.600]" in svg
    assert "t&lt;x&gt;" in svg
    assert "暂无数据" in line_chart({}, title="x")


def test_bar_chart_marks_undefined_values():
    svg = bar_chart({"C.FEE": {"precision": 1.0, "recall": None}}, ["precision", "recall"], title="bars")
    assert svg.count("<rect") == 3  # two legend swatches + one bar
    assert re.search(r">–</text>", svg)
