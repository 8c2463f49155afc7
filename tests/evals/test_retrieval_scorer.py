"""Retrieval scoring: gold mapped onto the catalog, coverage, recall@k / MRR on known rankings."""

from __future__ import annotations

import pytest

from evals.base import RunContext
from evals.retrieval import hit_key, load_qa_admin, load_stard, metrics, prepare, score_query
from assistant.models import Article, Hit


def hit(title: str, number: int, suffix: int = 0) -> Hit:
    art = Article(id=f"{title}:{number}", instrument_id=title, instrument_title=title, number=number, suffix=suffix,
                  label="", text="")
    return Hit(article=art, score=1.0)


def test_stard_dev_split_joins_queries_and_qrels(evaldata):
    cases = load_stard(evaldata / "stard")
    assert [c.id for c in cases] == ["stard-0", "stard-1", "stard-2"]  # query 3 is train only
    assert cases[1].gold["articles"] == [
        {"law": "行政处罚法", "number": 16, "suffix": 0, "name": "行政处罚法第十六条", "text": ""},
        {"law": "行政处罚法", "number": 10, "suffix": 0, "name": "行政处罚法第十条", "text": ""},
    ]


def test_prepare_maps_short_titles_and_skips_uncovered_queries(evaldata, tiny_catalog):
    ctx = RunContext(catalog=tiny_catalog)
    cases = prepare(load_stard(evaldata / "stard"), ctx)
    assert [c.skip for c in cases[:2]] == [None, None]
    assert cases[0].gold["keys"] == ["民法典第五十四条"]
    assert cases[2].skip == "知识库未收录：建筑法第四十八条"


def test_quoted_text_of_another_version_maps_by_words_or_skips(evaldata, tiny_catalog):
    """STARD quotes each article: where the knowledge base's article of that number holds other words (another
    version's numbering, a successor law resolved by the old title) the article holding the quoted words counts;
    where none does, the query is skipped rather than scored against an article it does not ask about."""
    import json

    path = evaldata / "stard" / "queries.json"
    queries = json.loads(path.read_text(encoding="utf-8"))
    queries[1]["相关法规"] = {"行政处罚法第十条": "除法律、法规、规章外，其他规范性文件不得设定行政处罚。",  # 第十六条's words
                           "行政处罚法第十六条": "除法律、法规、规章外，其他规范性文件不得设定行政处罚。"}
    queries[0]["相关法规"] = {"中华人民共和国民法典第五十四条": "夫妻在婚姻家庭中地位平等，互相尊重。"}
    path.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    cases = prepare(load_stard(evaldata / "stard"), RunContext(catalog=tiny_catalog))
    assert cases[1].skip is None and cases[1].gold["keys"] == ["行政处罚法第十六条"]
    assert cases[0].skip == "知识库未收录：中华人民共和国民法典第五十四条（所收版本条文不同）"


def test_qa_admin_queries_leave_out_traps_without_gold(evaldata):
    cases = load_qa_admin(evaldata / "qa-admin" / "dev.jsonl")
    assert [c.id for c in cases] == ["q1", "q3", "q4"]
    assert cases[0].meta == {"topic": "行政处罚", "style": "colloquial"}


def _scored(case, hits, catalog):
    ctx = RunContext(catalog=catalog)
    return score_query(prepare([case], ctx)[0], hits, ctx)


def test_perfect_empty_and_partial_rankings(evaldata, tiny_catalog):
    case = load_stard(evaldata / "stard")[1]  # gold: 行政处罚法 16 and 10
    perfect = _scored(case, [hit("中华人民共和国行政处罚法", 16), hit("中华人民共和国行政处罚法", 10)], tiny_catalog)
    assert perfect.scores["recall@1"] == 0.5 and perfect.scores["recall@5"] == 1.0 and perfect.scores["mrr@10"] == 1.0
    empty = _scored(case, [], tiny_catalog)
    assert empty.scores["recall@100"] == 0.0 and empty.scores["mrr@10"] == 0.0
    # A duplicate and a wrong article before the first gold one: it comes at rank 2 once duplicates are merged.
    partial = _scored(case, [hit("中华人民共和国民法典", 5), hit("中华人民共和国民法典", 5),
                             hit("中华人民共和国行政处罚法", 10)], tiny_catalog)
    assert partial.scores["mrr@10"] == 0.5
    assert partial.scores["recall@1"] == 0.0 and partial.scores["recall@3"] == 0.5
    assert partial.detail["gold_ranks"] == {"行政处罚法第十六条": None, "行政处罚法第十条": 2}


def test_metrics_average_scored_queries_and_report_coverage(evaldata, tiny_catalog):
    ctx = RunContext(catalog=tiny_catalog)
    cases = prepare(load_stard(evaldata / "stard"), ctx)
    from evals.base import ItemResult

    items = [score_query(cases[0], [hit("中华人民共和国民法典", 54)], ctx),
             score_query(cases[1], [], ctx),
             ItemResult(id=cases[2].id, skipped=cases[2].skip)]
    m = metrics(items)
    assert m["recall@10"] == 0.5
    assert m["coverage"] == pytest.approx(2 / 3)


def test_hit_keys_from_models_dicts_and_search_json():
    assert hit_key(hit("中华人民共和国行政处罚法", 16)) == "行政处罚法第十六条"
    assert hit_key(hit("中华人民共和国行政处罚法", 16).model_dump()) == "行政处罚法第十六条"
    assert hit_key({"instrument": "中华人民共和国行政处罚法", "article": "第十六条", "article_no": 16}) == "行政处罚法第十六条"
    assert hit_key({"text": "no article"}) is None
