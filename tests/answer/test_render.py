"""answer_render: the `fashen ask --format json` shape (DESIGN §5), text and Markdown."""

from __future__ import annotations

import json

from assistant.answer import ask
from assistant.answer_render import answer_to_json_dict, answer_to_markdown, answer_to_text
from assistant.models import Answer, Citation, CitationStatus
from tests.llm.fakes import FakeProvider

QUESTION = "规范性文件可以设定行政处罚吗？"


def _flagged_answer(kb, settings) -> Answer:
    text = "依据《中华人民共和国行政处罚法》第十六条，其他规范性文件不得设定行政处罚。《中华人民共和国行政处罚法》第二百条另有规定。"
    return ask(QUESTION, kb=kb, settings=settings, provider=FakeProvider([text]))


def test_json_shape(kb, settings):
    d = answer_to_json_dict(_flagged_answer(kb, settings))
    json.dumps(d, ensure_ascii=False)  # serialisable as is
    assert list(d)[:5] == ["question", "answer", "backend", "citations", "unverified"]
    assert d["question"] == QUESTION and d["backend"] == "fake"
    assert d["citations"] == [{
        "instrument": "中华人民共和国行政处罚法", "article": "第十六条", "paragraph": None, "verified": True,
        "quote": "除法律、法规、规章外，其他规范性文件不得设定行政处罚。", "text": "《中华人民共和国行政处罚法》第十六条"}]
    assert d["unverified"] == [{"text": "《中华人民共和国行政处罚法》第二百条",
                                "reason": "《中华人民共和国行政处罚法》共八十六条，没有第二百条"}]
    assert d["found"] is True and isinstance(d["notices"], list)
    assert {"instrument", "article", "article_no", "text", "level", "status", "score"} <= set(d["sources"][0])


def test_json_of_a_deterministic_answer_with_a_paragraph(kb, settings):
    d = answer_to_json_dict(ask("行政处罚法第三十六条第二款", kb=kb, settings=settings))
    assert d["backend"] == "none"
    assert (d["citations"][0]["article"], d["citations"][0]["paragraph"]) == ("第三十六条", 2)
    assert d["citations"][0]["quote"].startswith("前款规定的期限")
    assert d["unverified"] == []


def test_text_ends_with_the_unverified_block(kb, settings):
    text = answer_to_text(_flagged_answer(kb, settings))
    last = text.split("\n\n")[-1]
    assert last.startswith("未核实的引用（不得作为依据）：")
    assert "《中华人民共和国行政处罚法》第二百条：《中华人民共和国行政处罚法》共八十六条，没有第二百条" in last
    assert "提示：" in text


def test_markdown(kb, settings):
    md = answer_to_markdown(ask(QUESTION, kb=kb, settings=settings))
    assert md.startswith("### 问：规范性文件可以设定行政处罚吗？")
    assert "**相关条文**" in md
    assert "> “除法律、法规、规章外，其他规范性文件不得设定行政处罚。”" in md
    assert "后端：none" in md


def test_render_a_bare_answer():
    a = Answer(question="q", answer="a", unverified=[Citation(text="《X》第一条", status=CitationStatus.UNKNOWN_INSTRUMENT)])
    assert answer_to_json_dict(a)["unverified"] == [{"text": "《X》第一条", "reason": "无法核实"}]
    assert answer_to_text(a).endswith("- 《X》第一条：无法核实")
    assert "未核实 1 处" in answer_to_markdown(a)
