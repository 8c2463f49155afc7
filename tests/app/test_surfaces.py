"""One review, three surfaces: the CLI, the app and the eval adapter all call `assistant.review.run_review`, so one
dossier with the same settings — a model in the loop included — gives the same report everywhere."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import assistant.review.llm_review as llm_review
from assistant.review.report import report_to_json_dict
from tests.app.test_app import review_uploads, new_app
from tests.llm.fakes import FakeProvider

DRAFT = """# 青禾县共享单车停放管理办法（送审稿）

第一条　为了规范共享单车停放秩序，结合本县实际，制定本办法。

第二条　运营企业每月应当向县城市管理局报送车辆投放台账。

第三条　违反本办法规定乱停乱放的，由县城市管理局对运营企业处以五万元罚款。

第四条　本办法自2026年1月1日起施行，有效期五年。
"""
NOTE = "# 起草说明\n\n一、必要性。乱停乱放问题突出。\n\n二、依据。《中华人民共和国道路交通安全法》。\n\n青禾县城市管理局\n2025年11月10日\n"
# One proposal that passes every check (known code, real clause, verbatim evidence, a basis that verifies) and one
# that does not (the clause does not say it): the report keeps the first and says it dropped the second.
PROPOSALS = json.dumps([
    {"code": "C.OBLIGATION", "location": "第二条", "evidence": "运营企业每月应当向县城市管理局报送车辆投放台账",
     "basis": [{"instrument": "优化营商环境条例", "article": "第六十四条"}], "title": "增加经营者报送义务"},
    {"code": "C.FEE", "location": "第二条", "evidence": "运营企业应当缴纳保证金",
     "basis": [{"instrument": "优化营商环境条例", "article": "第六十四条"}]},
], ensure_ascii=False)


@pytest.fixture
def model(kb_home, monkeypatch):
    """The model step on (as a user sets it in the environment), answered by a fake model."""
    for key, value in {"FASHEN_REVIEW__USE_LLM": "true", "FASHEN_LLM__PROVIDER": "openai",
                       "FASHEN_LLM__BASE_URL": "http://127.0.0.1:9/v1", "FASHEN_LLM__MODEL": "fake-model",
                       "FASHEN_LLM__SEND_DRAFTS": "true"}.items():
        monkeypatch.setenv(key, value)
    from assistant.config import get_settings

    get_settings.cache_clear()
    provider = FakeProvider([PROPOSALS])
    monkeypatch.setattr(llm_review, "get_provider", lambda settings: provider)
    return provider


def _comparable(report_dict: dict) -> dict:
    return {k: v for k, v in report_dict.items() if k != "draft"}  # the app names the draft as uploaded: the same


def test_cli_app_and_evals_give_the_same_report(model, tmp_path):
    from assistant.cli import app
    from evals import review
    from evals.base import RunConfig, RunContext

    case = tmp_path / "case"
    case.mkdir()
    (case / "送审稿.md").write_text(DRAFT, encoding="utf-8")
    (case / "起草说明.md").write_text(NOTE, encoding="utf-8")
    (case / "case.json").write_text(json.dumps({"draft": "送审稿.md", "materials": ["起草说明.md"]}), encoding="utf-8")
    (case / "gold.json").write_text(json.dumps({"findings": [{"code": "C.PENALTY", "location": "第三条"}]}),
                                    encoding="utf-8")  # what makes the folder an eval case

    cli = CliRunner().invoke(app, ["review", str(case), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    by_cli = json.loads(cli.stdout)

    at = review_uploads(new_app(), [("送审稿.md", DRAFT.encode(), "text/markdown"),
                                    ("起草说明.md", NOTE.encode(), "text/markdown")])
    assert not at.exception, [e.message for e in at.exception]
    by_app = report_to_json_dict(at.session_state["review"]["report"])

    ctx = RunContext(RunConfig())
    by_evals = report_to_json_dict(review.system(ctx)(review.load_cases(tmp_path)[0]))

    assert len(model.calls) == 3  # each surface asked the model once
    assert _comparable(by_cli) == _comparable(by_app) == _comparable(by_evals)
    llm = [(f["code"], f["location"]) for f in by_cli["findings"] if f["source"] == "llm"]
    assert llm == [("C.OBLIGATION", "第二条")]
    assert any("新增 1 项" in n and "丢弃 1 项" in n for n in by_cli["notices"])
    assert ("C.PENALTY", "第三条") in {(f["code"], f["location"]) for f in by_cli["findings"]}
    assert ctx.info["llm"]["model"] == "fake-model"  # the eval report names the model that really ran
