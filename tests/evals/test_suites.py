"""The registry: built-in suites, and user suites found as folders with a suite.yaml."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assistant.errors import InputError
from evals.base import RunConfig
from evals.runner import run_suite
from evals.suites import builtin_suites, load_registry, system_status

from tests.evals.helpers import write_jsonl, write_review_case

BUILTIN = ["retrieval-stard", "retrieval-qa", "review", "qa", "citations", "citations-corpus", "lawbench-1-1",
           "lawbench-3-2", "lawbench-3-8", "lexeval", "review-heldout", "retrieval-qa-heldout", "qa-heldout",
           "review-real", "review-real-heldout", "review-real-heldout2", "review-real-heldout3", "review-real-heldout4", "review-real-heldout5",
           "review-real-heldout6", "review-real-heldout7", "review-real-heldout8", "review-real-heldout9", "review-real-heldout10", "review-real-heldout11", "review-real-heldout12", "review-real-heldout13", "review-real-heldout14", "review-real-heldout15", "review-real-heldout16", "review-reported", "review-reported2"]
HELDOUT = {"review-heldout", "retrieval-qa-heldout", "qa-heldout", "review-real-heldout", "review-real-heldout2",
           "review-real-heldout3", "review-real-heldout4", "review-real-heldout5", "review-real-heldout6", "review-real-heldout7", "review-real-heldout8", "review-real-heldout9", "review-real-heldout10", "review-real-heldout11", "review-real-heldout12", "review-real-heldout13", "review-real-heldout14", "review-real-heldout15", "review-real-heldout16", "review-reported", "review-reported2",
           "citations-corpus"}  # data in this repository, not in evaldata
REAL = {"review-real"}  # labels here, documents in ../shared/realdocs


def test_builtin_suites_and_their_data_paths(tmp_path):
    suites = builtin_suites()
    assert list(suites) == BUILTIN
    assert suites["review"].data_path(tmp_path) == tmp_path / "review" / "cases"
    assert suites["retrieval-stard"].data_path(tmp_path) == tmp_path / "stard"
    assert suites["qa"].llm and not suites["review"].llm
    for s in suites.values():
        assert s.primary and s.description
        assert set(s.lower_is_better) <= set(s.metrics([])) | {"clean_false_alarms"}


def test_builtin_loaders_read_the_tiny_evaldata(evaldata):
    counts = {name: len(s.load(s.data_path(evaldata))) for name, s in builtin_suites().items()
              if name != "lawbench-3-8" and name not in HELDOUT | REAL}
    assert counts == {"retrieval-stard": 3, "retrieval-qa": 3, "review": 3, "qa": 4, "citations": 4,
                      "lawbench-1-1": 3, "lawbench-3-2": 1, "lexeval": 2}


def test_heldout_suites_read_the_sets_shipped_in_the_repository(tmp_path):
    suites = builtin_suites()
    counts = {name: len(suites[name].load(suites[name].data_path(tmp_path)))
              for name in sorted(HELDOUT - {"citations-corpus"})}  # that one reads every pack: tested in tests/kb
    assert counts == {"qa-heldout": 60, "retrieval-qa-heldout": 55, "review-heldout": 382, "review-real-heldout": 20,
                      "review-real-heldout2": 20, "review-real-heldout3": 20, "review-real-heldout4": 20, "review-real-heldout5": 16, "review-real-heldout6": 20, "review-real-heldout7": 20, "review-real-heldout8": 20, "review-real-heldout9": 20, "review-real-heldout10": 20, "review-real-heldout11": 20, "review-real-heldout12": 20, "review-real-heldout13": 3, "review-real-heldout14": 3, "review-real-heldout15": 5, "review-real-heldout16": 2,
                      "review-reported": 14, "review-reported2": 25}
    ids = [c.id for c in suites["review-heldout"].load(suites["review-heldout"].data_path(tmp_path))]
    assert len(set(ids)) == len(ids) and ids[0].startswith("review_heldout/")


def test_real_documents_are_read_in_place_with_their_labels_content_only():
    from assistant.config import Settings

    suite = builtin_suites()["review-real"]
    shared = Settings().shared_dir
    if not (shared / "realdocs").is_dir():
        pytest.skip("../shared/realdocs is not available")
    cases = suite.load(suite.data_path(shared / "evaldata"))
    assert len(cases) == 59 and all(c.meta["score_procedures"] is False for c in cases)
    assert cases[0].input["path"] == str(shared / "evaldata" / ".." / "realdocs" / cases[0].id)
    with pytest.raises(InputError, match="真实文件目录不存在"):
        suite.load(Path("/nonexistent/realdocs"))


def test_system_status_names_what_is_missing():
    s = dataclasses.replace(builtin_suites()["review"], requires=("evals.metrics:mean", "assistant.nope:x",
                                                                  "evals.metrics:nope"))
    assert system_status(s) == ["assistant.nope.x", "evals.metrics.nope"]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def user_dir(tmp_path) -> Path:
    root = tmp_path / "suites"
    # 1. a built-in suite on the user's own cases
    _write(root / "local-review" / "suite.yaml", "name: local-review\nbase: review\ndata: cases\n")
    write_review_case(root / "local-review" / "cases", "k1", [{"code": "C.FEE", "location": "第五条"}])
    # 2. custom cases + a scorer file
    _write(root / "custom" / "suite.yaml",
           "name: custom\ndescription: 自定义\nsystem: ask\ncases: cases.jsonl\nscorer: scorer.py:score\nprimary: [hit]\n")
    write_jsonl(root / "custom" / "cases.jsonl", [{"id": "a", "question": "问一", "gold": "甲"},
                                                 {"id": "b", "question": "问二", "gold": "乙"}])
    _write(root / "custom" / "scorer.py",
           "def score(case, prediction):\n    return {'hit': 1.0 if case.gold in str(prediction) else 0.0}\n")
    # 3. broken ones: collected as problems, not fatal
    _write(root / "broken" / "suite.yaml", "name: [not, a, name]\n")
    _write(root / "clash" / "suite.yaml", "name: review\nbase: review\ndata: x\n")
    _write(root / "nobase" / "suite.yaml", "name: nobase\nbase: nonexistent\ndata: x\n")
    return root


def test_user_suites_are_discovered_and_problems_collected(user_dir):
    reg = load_registry([user_dir])
    assert list(reg.suites)[: len(BUILTIN)] == BUILTIN
    assert {"local-review", "custom"} <= set(reg.suites)
    problems = {Path(folder).name: reason for folder, reason in reg.problems}
    assert set(problems) == {"broken", "clash", "nobase"}
    assert "重名" in problems["clash"] and "nonexistent" in problems["nobase"]
    local = reg.get("local-review")
    assert local.origin == str(user_dir / "local-review")
    assert Path(local.data) == (user_dir / "local-review" / "cases").resolve()
    with pytest.raises(InputError, match="可用"):
        reg.get("no-such-suite")


def test_a_user_suite_runs_with_its_own_scorer(user_dir):
    suite = load_registry([user_dir]).get("custom")
    fake = dataclasses.replace(suite, system=lambda ctx: (lambda case: "答案是甲" if case.id == "a" else "不知道"))
    report = run_suite(fake, RunConfig(bootstrap=50))
    assert report.value("hit") == 0.5
    assert [it.score for it in report.items] == [1.0, 0.0]
    assert report.primary == ["hit"]


def test_a_base_user_suite_reuses_the_builtin_scorer(user_dir):
    from assistant.models import DocType, Finding, ReviewReport

    suite = load_registry([user_dir]).get("local-review")
    fake = dataclasses.replace(suite, system=lambda ctx: (lambda case: ReviewReport(
        title="t", doc_type=DocType.NORMATIVE, findings=[Finding(code="C.FEE", location="第5条", title="收费")])))
    report = run_suite(fake, RunConfig(bootstrap=50))
    assert report.suite == "local-review" and report.value("recall") == 1.0


def test_builtin_scorers_for_user_suites(tmp_path):
    root = tmp_path / "s"
    _write(root / "suite.yaml", "name: phrases\nsystem: ask\nscorer: contains\n")
    write_jsonl(root / "cases.jsonl", [{"id": "1", "question": "q", "gold": ["三十日", "延长"]}])
    suite = load_registry([root]).get("phrases")
    fake = dataclasses.replace(suite, system=lambda ctx: (lambda case: "期限为30日，不得延长。"))
    assert run_suite(fake, RunConfig(bootstrap=10)).value("contains") == 1.0
