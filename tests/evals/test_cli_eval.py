"""`fashen eval list | run | history | report` with a fake review system injected into the registry."""

from __future__ import annotations

import dataclasses
import json

import pytest
import typer
from typer.testing import CliRunner

import assistant.cli_eval as cli_eval
from evals.base import SystemUnavailable
from evals.suites import Registry, builtin_suites
from tests.evals.test_runner import GOOD, WORSE, fake_reviewer

app = typer.Typer()
app.add_typer(cli_eval.eval_app, name="eval")


def _unavailable(ctx):
    raise SystemUnavailable("评测套件 broken 需要 assistant.nope.review，但该模块还不能导入。")


@pytest.fixture
def answers(monkeypatch):
    """The fake reviewer's answers; tests swap GOOD for WORSE between runs."""
    state = {"answers": GOOD}
    base = builtin_suites()["review"]
    suites = {
        "review": dataclasses.replace(base, system=lambda ctx: fake_reviewer(state["answers"])(ctx)),
        "broken": dataclasses.replace(base, name="broken", system=_unavailable),
    }
    monkeypatch.setattr(cli_eval, "load_registry", lambda extra=(), settings=None: Registry(suites=dict(suites)))
    return state


def invoke(*args: str):
    return CliRunner().invoke(app, ["eval", *args], terminal_width=200)


def test_list_shows_suites_and_data_paths(evaldata):
    result = invoke("list", "--data", str(evaldata), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)["suites"]}
    assert list(rows)[:3] == ["retrieval-stard", "retrieval-qa", "review"]
    assert rows["review"]["data"] == str(evaldata / "review" / "cases") and rows["review"]["data_exists"]
    assert rows["lexeval"]["data_exists"]
    text = invoke("list", "--data", str(evaldata / "elsewhere"))
    assert text.exit_code == 0 and "不存在" in text.output


def test_run_writes_reports_records_history_and_updates_baseline(answers, evaldata, tmp_path, fashen_home):
    out, base = tmp_path / "runs", tmp_path / "baselines"
    result = invoke("run", "review", "--data", str(evaldata), "--out", str(out), "--baselines-dir", str(base),
                    "--update-baseline", "--bootstrap", "50", "-o", "mode=lexical")
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("review-*.json"))) == 1 and len(list(out.glob("review-*.md"))) == 1
    assert (base / "review.json").is_file()
    assert (fashen_home / "evals" / "history.sqlite").is_file()
    report = json.loads(next(out.glob("review-*.json")).read_text(encoding="utf-8"))
    assert report["config"]["options"] == {"mode": "lexical"} and report["config"]["bootstrap"] == 50

    # A worse system: compared with the baseline by default, and --fail-under turns it into exit code 1.
    answers["answers"] = WORSE
    result = invoke("run", "review", "--data", str(evaldata), "--out", str(out), "--baselines-dir", str(base),
                    "--bootstrap", "50", "--fail-under", "recall=0.9", "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    run = payload["runs"][0]
    assert [c["id"] for c in run["comparison"]["worse"]] == ["c1", "c2"]
    assert run["failures"] == ["review: recall = 0.6667 低于阈值 0.9"]
    md = open(run["markdown"], encoding="utf-8").read()
    assert "## 与基线比较" in md and "### 变差的条目（2）" in md and "## 未达阈值" in md
    assert json.loads((base / "review.json").read_text(encoding="utf-8"))["run_id"] != json.loads(
        open(run["json"], encoding="utf-8").read())["run_id"]  # the baseline stayed as it was

    history = invoke("history", "review")
    assert history.exit_code == 0 and "recall" in history.output
    runs = json.loads(invoke("history", "review", "--format", "json").stdout)["runs"]
    assert len(runs) == 2 and runs[1]["metrics"]["recall"]["value"] == pytest.approx(2 / 3)

    page = tmp_path / "report.html"
    result = invoke("report", "--out", str(page), "--baselines-dir", str(base))
    assert result.exit_code == 0 and "<svg" in page.read_text(encoding="utf-8")


def test_a_suite_whose_system_is_missing_exits_3(answers, evaldata, tmp_path):
    result = invoke("run", "broken", "--data", str(evaldata), "--out", str(tmp_path / "runs"))
    assert result.exit_code == 3
    assert "assistant.nope.review" in result.output


def test_bad_input_exits_2(answers, evaldata, tmp_path):
    assert invoke("run", "nonexistent", "--data", str(evaldata)).exit_code == 2
    assert invoke("run", "review", "--data", str(evaldata), "--fail-under", "recall").exit_code == 2
    assert invoke("run", "review", "--data", str(evaldata), "--fail-under", "qa:recall=0.5").exit_code == 2
    assert invoke("run", "review", "--data", str(evaldata), "-o", "novalue").exit_code == 2
    assert invoke("history", "review").exit_code == 2  # no runs yet


def test_a_threshold_on_an_unknown_metric_fails(answers, evaldata, tmp_path):
    result = invoke("run", "review", "--data", str(evaldata), "--out", str(tmp_path / "runs"), "--no-compare",
                    "--bootstrap", "20", "--fail-under", "recal=0.5")
    assert result.exit_code == 1 and "recal=0.5" in result.output


def test_sparkline():
    assert cli_eval.sparkline([0.0, 0.5, 1.0]) == "▁▄█"
    assert cli_eval.sparkline([None, 1.0]) == " ▁"
    assert cli_eval.sparkline([]) == ""
