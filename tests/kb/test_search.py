"""Search: direct lookup of cited articles, hybrid ranking, filters, repealed labelling."""

import pytest

from assistant.kb.fusion import rrf


@pytest.mark.parametrize("query", ["《行政处罚法》第十六条", "行政处罚法第16条", "《中华人民共和国行政处罚法》第十六条",
                                   "请问处罚法第十六条怎么规定的"])
def test_lookup_forms_return_the_article_first(small_kb, query):
    hit = small_kb.search(query, 3)[0]
    assert (hit.article.instrument_title, hit.article.label, hit.matched_by) == \
        ("中华人民共和国行政处罚法", "第十六条", "lookup")


def test_lookup_of_article_with_suffix_and_missing_article(small_kb):
    assert small_kb.lookup("行政处罚法第二百条") == []
    assert small_kb.article("决策条例", 25).label == "第二十五条"


def test_hybrid_search_finds_the_rule_for_a_colloquial_question(small_kb):
    hits = small_kb.search("镇政府的文件能不能规定罚款", 10)
    assert ("中华人民共和国行政处罚法", "第十六条") in [(h.article.instrument_title, h.article.label) for h in hits]


def test_filters_restrict_level_and_instrument(small_kb):
    hits = small_kb.search("公开征求意见", 10, level=["行政法规"])
    assert hits and all(h.article.level == "行政法规" for h in hits)
    hits = small_kb.search("听证", 10, instrument=["重大行政决策程序暂行条例"])
    assert hits and all(h.article.instrument_title == "重大行政决策程序暂行条例" for h in hits)
    assert small_kb.search("听证", 10, instrument=["不存在的条例"]) == []


def test_named_instruments_prefers_longest_names(small_kb):
    assert small_kb.named_instruments("行政许可法实施中的听证") == ["中华人民共和国行政许可法"]
    assert small_kb.named_instruments("招标投标法实施条例第二十六条")[0] == "中华人民共和国招标投标法实施条例"


def test_rrf_fuses_rankings_with_weights():
    fused = rrf({"a": ["x", "y"], "b": ["y", "z"]}, {"a": 1.0, "b": 1.0}, k=60)
    assert [d for d, _ in fused] == ["y", "x", "z"]
    fused = rrf({"a": ["x", "y"], "b": ["y"]}, {"a": 1.0, "b": 0.0}, k=60)
    assert fused[0][0] == "x"
