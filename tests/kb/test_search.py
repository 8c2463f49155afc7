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


def test_score_fusion_normalises_each_ranking_and_keeps_margins():
    from assistant.kb.fusion import score_fusion

    fused = dict(score_fusion({"lex": [("x", 30.0), ("y", 10.0), ("z", 5.0)], "dense": [("y", 0.8), ("z", 0.7)]},
                              {"lex": 1.0, "dense": 0.5}))
    # x is lexical's clear winner (1.0); y is dense's best (0.5) plus 0.2 of the lexical range; z is last in both.
    assert fused == pytest.approx({"x": 1.0, "y": 0.2 + 0.5, "z": 0.0})
    assert score_fusion({"a": [("only", 3.0)]}) == [("only", 1.0)]
    assert score_fusion({"a": []}) == []


@pytest.mark.parametrize("fusion", ["rrf", "score"])
def test_both_fusions_keep_lookups_first_and_record_each_rankers_rank(small_kb, monkeypatch, fusion):
    rs = small_kb.settings.retrieval.model_copy(update={"fusion": fusion})
    monkeypatch.setattr(small_kb, "settings", small_kb.settings.model_copy(update={"retrieval": rs}))
    hits = small_kb.search("行政处罚法第十六条 规范性文件能否设定罚款", 10)
    assert hits[0].matched_by == "lookup"
    lexical = small_kb.lexical.search("行政处罚法第十六条 规范性文件能否设定罚款", 100)
    order = {aid: r for r, (aid, _) in enumerate(lexical, 1)}
    assert all(h.ranks.get("lexical") == order.get(h.article.id) for h in hits[1:])
    assert [h.score for h in hits[1:]] == sorted((h.score for h in hits[1:]), reverse=True)


def test_queries_in_traditional_characters_or_full_width_digits_find_the_same_articles(small_kb):
    simplified = [h.article.id for h in small_kb.search("规范性文件能不能设定罚款", 5)]
    assert [h.article.id for h in small_kb.search("規範性文件能不能設定罰款", 5)] == simplified
    hit = small_kb.search("《行政處罰法》第１６條", 1)[0]
    assert (hit.matched_by, hit.article.label) == ("lookup", "第十六条")


@pytest.mark.parametrize("exempt", [0, 1])
def test_the_long_tail_yields_unless_it_is_the_best_lexical_match(small_kb, monkeypatch, exempt):
    query = "规范性文件能不能设定罚款"
    best = small_kb.lexical.search(query, 1)[0][0]
    inst = best.rsplit(":", 1)[0]
    rs = small_kb.settings.retrieval.model_copy(update={"pack_exempt_rank": exempt})
    monkeypatch.setattr(small_kb, "settings", small_kb.settings.model_copy(update={"retrieval": rs}))
    monkeypatch.setattr(small_kb, "_priors", {inst: 0.01})  # as if the lexical winner's instrument were a pack's
    ids = [h.article.id for h in small_kb.search(query, 10)]
    assert (best in ids[:1]) == bool(exempt)
