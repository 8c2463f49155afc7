"""The runner end to end on a tiny review suite with a fake reviewer; baselines, thresholds, history, HTML."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from assistant.errors import ConfigError, InputError, KnowledgeBaseMissing
from evals.base import RunConfig, RunContext
from evals.history import History
from evals.report import render_html
from evals.runner import (
    check_thresholds,
    find_baseline,
    load_report,
    parse_thresholds,
    run_suite,
    save_baseline,
    select_cases,
    unmatched_thresholds,
    write_report,
)
from evals.compare import compare_reports
from evals.suites import builtin_suites
from assistant.models import DocType, Finding, ReviewReport

# What the fake reviewer reports per case folder name.
GOOD = {"c1": [("C.PENALTY", "第七条"), ("P.PUBLIC_COMMENT", None)], "c2": [("C.FEE", "第3段")], "c3": []}
WORSE = {"c1": [("C.PENALTY", "第七条")], "c2": [("C.FEE", "第3段"), ("C.OBLIGATION", "第1段")], "c3": []}


def fake_reviewer(answers: dict, calls: list | None = None):
    def build(ctx: RunContext):
        ctx.info["reviewer"] = "fake"

        def predict(case):
            if calls is not None:
                calls.append(case.id)
            found = answers[case.id]
            if isinstance(found, Exception):
                raise found
            return ReviewReport(title=case.id, doc_type=DocType.NORMATIVE,
                                findings=[Finding(code=c, location=loc, title=c) for c, loc in found])
        return predict
    return build


@pytest.fixture
def suite():
    return dataclasses.replace(builtin_suites()["review"], system=fake_reviewer(GOOD))


def run(suite, evaldata, **kw):
    return run_suite(suite, RunConfig(data_dir=evaldata, bootstrap=200, **kw))


def test_a_tiny_suite_end_to_end(suite, evaldata, tmp_path):
    seen = []
    report = run_suite(suite, RunConfig(data_dir=evaldata, bootstrap=200),
                       progress=lambda done, total, iid: seen.append((done, total, iid)))
    assert seen == [(0, 3, ""), (1, 3, "c1"), (2, 3, "c2"), (3, 3, "c3")]
    assert report.suite == "review" and report.run_id.startswith("review-")
    assert report.value("precision") == 1.0 and report.value("recall") == 1.0
    assert report.metrics["recall"].ci_low == 1.0 and report.metrics["recall"].n == 3
    assert report.data["items_total"] == 3 and report.data["errors"] == 0 and report.data["fingerprint"]
    assert report.system == {"reviewer": "fake"}
    assert report.versions["python"] and "packages" in report.versions
    assert report.primary[0] == "recall" and "clean_false_alarm_rate" in report.lower_is_better
    assert report.breakdowns["per_code"]["C.PENALTY"]["recall"] == 1.0

    json_path, md_path = write_report(report, tmp_path / "runs")
    assert re.fullmatch(r"review-\d{8}T\d{6}Z\.json", json_path.name)
    assert md_path.with_suffix(".json") == json_path
    assert load_report(json_path) == report
    md = md_path.read_text(encoding="utf-8")
    assert "# 评测：review" in md and "| **recall** | 1.000 | [1.000, 1.000] |" in md
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert set(data) >= {"config", "versions", "kb_fingerprint", "items", "metrics", "system", "data", "breakdowns"}


def test_compare_lists_the_items_that_got_worse_and_better(suite, evaldata, tmp_path):
    baseline = run(suite, evaldata)
    current = run(dataclasses.replace(suite, system=fake_reviewer(WORSE)), evaldata)
    cmp = compare_reports(current, baseline)
    # c1 lost a finding (F1 1 → 2/3), c2 gained a spurious one (F1 1 → 2/3); equal deltas sort by id.
    assert [(c.id, round(c.delta, 3)) for c in cmp.worse] == [("c1", -0.333), ("c2", -0.333)]
    assert cmp.better == []
    deltas = {m.name: m for m in cmp.metrics}
    assert deltas["recall"].direction == "worse" and deltas["recall"].delta == pytest.approx(2 / 3 - 1)
    assert deltas["clean_false_alarms"].direction == "worse" and deltas["clean_false_alarms"].delta == 1.0
    back = compare_reports(baseline, current)
    assert {c.id for c in back.better} == {"c1", "c2"} and deltas["recall"].significant


def test_baselines_are_written_only_on_purpose(suite, evaldata, tmp_path):
    base_dir = tmp_path / "baselines"
    assert find_baseline("review", None, base_dir) is None
    report = run(suite, evaldata)
    path = save_baseline(report, base_dir)
    assert path == base_dir / "review.json"
    assert find_baseline("review", None, base_dir) == path
    assert find_baseline("review", base_dir) == path
    with pytest.raises(InputError):
        find_baseline("review", tmp_path / "missing.json")


def test_thresholds(suite, evaldata):
    report = run(dataclasses.replace(suite, system=fake_reviewer(WORSE)), evaldata)
    ts = parse_thresholds(["recall=0.9", "review:precision=0.5", "clean_false_alarms=0", "other:recall=0.1"])
    assert [str(t) for t in ts] == ["recall=0.9", "review:precision=0.5", "clean_false_alarms=0", "other:recall=0.1"]
    failures = check_thresholds(report, ts)
    assert len(failures) == 2
    assert failures[0].startswith("review: recall = 0.6667 低于阈值 0.9")
    assert "clean_false_alarms = 1.0000 高于阈值 0" in failures[1]  # lower is better: fails above
    assert check_thresholds(report, parse_thresholds(["recall=0.5"])) == []
    assert [str(t) for t in unmatched_thresholds([report], parse_thresholds(["recal=0.5", "recall=0.1"]))] == ["recal=0.5"]
    for bad in ("recall", "recall=high", "=0.5"):
        with pytest.raises(InputError):
            parse_thresholds([bad])


def test_limit_takes_a_seeded_sample(suite, evaldata):
    calls: list[str] = []
    report = run(dataclasses.replace(suite, system=fake_reviewer(GOOD, calls)), evaldata, limit=2, seed=3)
    assert len(calls) == 2 and report.data["items_run"] == 2 and report.data["items_total"] == 3
    cases = list(range(10))
    assert select_cases(cases, 4, 1) == select_cases(cases, 4, 1)
    assert select_cases(cases, 4, 1) != select_cases(cases, 4, 2)
    assert select_cases(cases, 4, 1) == sorted(select_cases(cases, 4, 1))
    assert select_cases(cases, None, 0) == cases


def test_a_failing_item_is_recorded_and_the_run_goes_on(suite, evaldata):
    answers = {**GOOD, "c2": RuntimeError("parser crashed")}
    report = run(dataclasses.replace(suite, system=fake_reviewer(answers)), evaldata)
    bad = next(it for it in report.items if it.id == "c2")
    assert bad.error == "RuntimeError: parser crashed" and bad.score == 0.0
    assert report.data["errors"] == 1 and any("出错" in n for n in report.notes)
    assert report.value("recall") == pytest.approx(2 / 3)


def test_configuration_errors_stop_the_run(suite, evaldata):
    answers = {**GOOD, "c1": KnowledgeBaseMissing("/nowhere")}
    with pytest.raises(ConfigError):
        run(dataclasses.replace(suite, system=fake_reviewer(answers)), evaldata)


def test_missing_data_says_where_it_looked(suite, tmp_path):
    with pytest.raises(InputError, match="--data"):
        run_suite(suite, RunConfig(data_dir=tmp_path / "nothing"))


def test_the_real_adapters_fail_cleanly_without_a_knowledge_base(evaldata):
    # FASHEN_HOME is an empty temp dir: the suites are listed but running one is a configuration error.
    with pytest.raises(ConfigError):
        run_suite(builtin_suites()["retrieval-qa"], RunConfig(data_dir=evaldata))


def test_history_and_html_report(suite, evaldata, tmp_path):
    history = History(tmp_path / "history.sqlite")
    first = run(suite, evaldata)
    p1, _ = write_report(first, tmp_path / "runs")
    history.record(first, p1)
    second = run(dataclasses.replace(suite, system=fake_reviewer(WORSE)), evaldata)
    p2, _ = write_report(second, tmp_path / "runs")
    history.record(second, p2)
    runs = history.runs("review")
    assert [r.run_id for r in runs] == [first.run_id, second.run_id]
    assert runs[1].metrics["recall"].value == pytest.approx(2 / 3)
    assert runs[1].report_path == str(p2) and history.suites() == ["review"]
    assert [r.run_id for r in history.runs("review", limit=1)] == [second.run_id]
    assert History(tmp_path / "absent.sqlite", create=False).runs() == []
    assert not (tmp_path / "absent.sqlite").exists()

    html = render_html(history, baselines_dir=tmp_path / "baselines")
    assert html.count("<svg") >= 2  # metric over time + per-code bars
    assert "各问题代码的精确率" in html and first.run_id in html
    assert "<script" not in html and "src=" not in html and "https://" not in html
    assert re.findall(r"http://[^\s\"']+", html) == ["http://www.w3.org/2000/svg"] * len(re.findall("http://", html))
