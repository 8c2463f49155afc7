"""The adapters between suites and systems: what they call, and what they record about the system."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import evals.adapters
from evals import qa, retrieval, review
from evals.adapters import record_llm
from evals.base import RunConfig, RunContext
from assistant.models import Answer, ReviewReport
from tests.evals.helpers import write_review_case


class FakeKB:
    """Records the searches; returns no hits."""

    def __init__(self, catalog=None):
        self.catalog = catalog
        self.calls: list[tuple] = []

    def search(self, query, k=None, mode=None):
        self.calls.append((query, k, mode))
        return []


def test_retriever_passes_k_and_mode(evaldata):
    kb = FakeKB()
    ctx = RunContext(RunConfig(options={"mode": "lexical", "k": 20}), kb=kb)
    predict = retrieval.system(ctx)
    case = retrieval.load_qa_admin(evaldata / "qa-admin" / "dev.jsonl")[0]
    assert predict(case) == []
    assert kb.calls == [("镇政府的文件能不能规定罚款？", 20, "lexical")]
    assert ctx.info["mode"] == "lexical" and "retrieval" in ctx.info


def test_retrieval_reports_the_embedder_the_knowledge_base_was_built_with_and_refuses_another():
    from evals.base import SystemUnavailable

    kb = FakeKB()
    kb.embedder_name = "e5-small"
    ctx = RunContext(RunConfig(), kb=kb)
    retrieval.system(ctx)
    assert ctx.info["embedder"] == "e5-small"
    with pytest.raises(SystemUnavailable, match="e5-small.*--embedder use-m3"):
        retrieval.system(RunContext(RunConfig(embedder="use-m3"), kb=kb))


def test_answerer_calls_ask_with_the_backend_and_records_model_and_prompts(evaldata, monkeypatch):
    seen = []

    def fake_ask(question, *, kb=None, settings=None, backend=None):
        seen.append((question, kb, backend, settings.llm.provider))
        return Answer(question=question, answer="《行政处罚法》第十六条：其他规范性文件不得设定行政处罚。")

    monkeypatch.setattr(evals.adapters, "ask", fake_ask)
    monkeypatch.setenv("FASHEN_LLM__MODEL", "qwen-test")
    monkeypatch.setenv("FASHEN_LLM__BASE_URL", "http://localhost:9/v1")
    monkeypatch.setenv("FASHEN_LLM_API_KEY", "sk-secret")
    kb = FakeKB()
    ctx = RunContext(RunConfig(backend="openai"), kb=kb)
    predict = qa.system(ctx)
    case = qa.load_cases(evaldata / "qa-admin" / "dev.jsonl")[0]
    result = qa.score_case(case, predict(case), ctx)
    assert seen == [("镇政府的文件能不能规定罚款？", kb, "openai", "openai")]
    assert result.scores["gold_citation_recall"] == 1.0
    assert ctx.info["llm"] == {"provider": "openai", "model": "qwen-test", "endpoint": "http://localhost:9/v1",
                               "temperature": 0.1}
    assert "answer" in ctx.info["prompts"]
    assert "sk-secret" not in repr(ctx.info)


def test_record_llm_without_a_backend_uses_the_settings(monkeypatch):
    ctx = RunContext(RunConfig())
    record_llm(ctx)
    assert ctx.info["llm"]["provider"] == "none"


def test_reviewer_runs_the_engine_on_a_case_folder(tmp_path):
    # The real engine on a one-article hand-made draft, without a catalog: checks the adapter's call shape.
    d = write_review_case(tmp_path, "tiny", [])
    ctx = RunContext(RunConfig(), kb=FakeKB(catalog=None))
    predict = review.system(ctx)
    case = review.load_cases(tmp_path)[0]
    report = predict(case)
    assert isinstance(report, ReviewReport)
    assert ctx.info["rules"]["count"] > 0 and ctx.info["rules"]["fingerprint"]
    assert review.score_case(case, report).detail["clean_clauses"] == 0
    assert d.name == case.id


@pytest.mark.parametrize("suite_name", ["lawbench-1-1", "lexeval"])
def test_lookup_suites_need_a_catalog(suite_name, monkeypatch):
    from evals.suites import builtin_suites

    ctx = RunContext(RunConfig(), kb=SimpleNamespace(catalog=None))
    with pytest.raises(Exception, match="catalog"):
        builtin_suites()[suite_name].system(ctx)
