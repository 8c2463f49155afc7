"""The model backend against a real OpenAI-compatible HTTP server on loopback (canned answers), and its fallbacks."""

from __future__ import annotations

import pytest

from assistant.answer import ask, stream_ask
from assistant.errors import LLMError
from assistant.models import Answer, CitationStatus
from tests.answer.conftest import cited, openai_settings
from tests.llm.fakes import FakeProvider
from tests.llm.openai_server import openai_server

QUESTION = "规范性文件可以设定行政处罚吗？"
PENALTY = "中华人民共和国行政处罚法"
# One real citation (its sentence says what the article says) and two fabricated ones.
CANNED = ("不可以。依据《中华人民共和国行政处罚法》第十六条，除法律、法规、规章外，其他规范性文件不得设定行政处罚[1]。"
          "另据《中华人民共和国行政处罚法》第二百条，规范性文件可以设定五百元以下罚款；"
          "《中华人民共和国优化营商环境条例》第三条也有类似规定。")


def _check_flagged(a: Answer) -> None:
    assert a.backend == "openai" and a.found
    assert cited(a) == [(PENALTY, "第十六条")]
    assert a.citations[0].verified and "不得设定行政处罚" in a.citations[0].quote
    flagged = {c.text: c for c in a.unverified}
    assert flagged["《中华人民共和国行政处罚法》第二百条"].status == CitationStatus.NO_SUCH_ARTICLE
    assert "共八十六条" in flagged["《中华人民共和国行政处罚法》第二百条"].reason
    assert flagged["《中华人民共和国优化营商环境条例》第三条"].status == CitationStatus.UNKNOWN_INSTRUMENT
    assert "应为《优化营商环境条例》" in flagged["《中华人民共和国优化营商环境条例》第三条"].reason
    # Marked right where they stand in the text; the real one is not.
    assert "《中华人民共和国行政处罚法》第二百条〔未核实：" in a.answer
    assert "《中华人民共和国优化营商环境条例》第三条〔未核实：" in a.answer
    assert "第十六条〔未核实" not in a.answer
    assert any("未能核实" in n for n in a.notices)


def test_openai_answer_is_checked_and_fabrications_flagged(kb, settings):
    with openai_server([CANNED]) as server:
        a = ask(QUESTION, kb=kb, settings=openai_settings(settings, server.base_url))
    _check_flagged(a)
    # The model got numbered sources from the knowledge base and the prompt file's rules.
    request = server.requests[0]
    assert request["model"] == "canned-model" and not request.get("stream")
    system, user = request["messages"][0]["content"], request["messages"][-1]["content"]
    assert "只能依据" in system
    assert "[1] 《中华人民共和国行政处罚法》第十六条" in user and QUESTION in user


def test_openai_streaming(kb, settings):
    with openai_server([CANNED]) as server:
        parts = list(stream_ask(QUESTION, kb=kb, settings=openai_settings(settings, server.base_url)))
    assert server.requests[0]["stream"] is True
    chunks, final = parts[:-1], parts[-1]
    assert len(chunks) > 3 and all(isinstance(c, str) for c in chunks)
    assert "".join(chunks) == CANNED  # streamed as it came
    assert isinstance(final, Answer)
    _check_flagged(final)


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"delay_s": 3.0}, "超时"),
    ({"status": 500}, "HTTP 500"),
    ({"body": b"<html>not json at all</html>"}, "无法解析"),
])
def test_endpoint_failure_falls_back_with_a_notice(kb, settings, kwargs, reason):
    with openai_server([CANNED], **kwargs) as server:
        a = ask(QUESTION, kb=kb, settings=openai_settings(settings, server.base_url, timeout_s=0.5))
    assert a.backend == "none" and a.found
    assert cited(a)[0] == (PENALTY, "第十六条") and a.unverified == []
    notice = next(n for n in a.notices if n.startswith("模型服务不可用"))
    assert reason in notice and notice.endswith("已改用离线检索回答。")


def test_streaming_failure_falls_back_with_a_visible_notice(kb, settings):
    with openai_server([CANNED], status=503) as server:
        parts = list(stream_ask(QUESTION, kb=kb, settings=openai_settings(settings, server.base_url)))
    text, final = "".join(p for p in parts if isinstance(p, str)), parts[-1]
    assert text.startswith("〔模型服务不可用（") and "第十六条" in text
    assert final.backend == "none" and cited(final)[0] == (PENALTY, "第十六条")


def test_refusal_gets_the_retrieved_articles(kb, settings):
    with openai_server(["抱歉，我无法回答这个问题。"]) as server:
        a = ask(QUESTION, kb=kb, settings=openai_settings(settings, server.base_url))
    assert a.answer.startswith("抱歉，我无法回答这个问题。")
    assert "参考条文（离线检索，供核对）" in a.answer
    assert cited(a)[0] == (PENALTY, "第十六条")
    assert any("未引用可核实的条文" in n for n in a.notices)


def test_no_sources_no_model_call(kb, settings):
    with openai_server([CANNED]) as server:
        a = ask("今天天气怎么样", kb=kb, settings=openai_settings(settings, server.base_url))
        b = ask("行政处罚法第二百条规定了什么", kb=kb, settings=openai_settings(settings, server.base_url))
    assert server.requests == []
    assert not a.found and a.answer.startswith("未在知识库中找到") and a.citations == []
    assert not b.found and "没有第二百条" in b.answer


def test_backend_argument_overrides_settings(kb, settings):
    with openai_server([CANNED]) as server:
        a = ask(QUESTION, kb=kb, settings=openai_settings(settings, server.base_url), backend="none")
    assert server.requests == [] and a.backend == "none"


def test_misconfigured_provider_falls_back(kb, settings):
    broken = settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": "openai", "base_url": None})})
    a = ask(QUESTION, kb=kb, settings=broken)
    assert a.backend == "none" and any("大模型配置有误" in n for n in a.notices)


def test_any_provider_error_falls_back(kb, settings):
    for exc in (LLMError("大模型服务 x 调用失败：服务返回 HTTP 429 错误。请检查"), RuntimeError("boom")):
        a = ask(QUESTION, kb=kb, settings=settings, provider=FakeProvider([exc]))
        assert a.backend == "none" and cited(a)[0] == (PENALTY, "第十六条")
        assert any(n.startswith("模型服务不可用") for n in a.notices)


def test_relative_and_quoted_citations_are_checked_too(kb, settings):
    text = ("依据《中华人民共和国行政处罚法》第十六条，规范性文件不得设定行政处罚；该法第十条规定限制人身自由的行政处罚只能由法律设定。"
            "《中华人民共和国行政处罚法》第十四条规定：“规范性文件可以设定一千元以下罚款。”")
    a = ask(QUESTION, kb=kb, settings=settings, provider=FakeProvider([text]))
    assert a.backend == "fake"
    assert (PENALTY, "第十条") in cited(a) and (PENALTY, "第十六条") in cited(a)
    wrong = [c for c in a.unverified if c.article == "第十四条"]
    assert wrong and wrong[0].status == CitationStatus.QUOTE_MISMATCH
    assert "第十四条〔未核实：" in a.answer
