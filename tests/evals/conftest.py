"""Fixtures for the eval framework: a tiny hand-made catalog and tiny evaldata folders written in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.kb.catalog import Catalog
from tests.evals.helpers import build_catalog, write_json, write_jsonl, write_review_case


@pytest.fixture
def tiny_catalog(tmp_path) -> Catalog:
    cat = build_catalog(tmp_path / "catalog.sqlite")
    yield cat
    cat.close()


@pytest.fixture
def evaldata(tmp_path) -> Path:
    """A tiny evaldata root: review cases, qa-admin, STARD, LawBench 1-1/3-2, LexEval 1_2."""
    root = tmp_path / "evaldata"
    cases = root / "review" / "cases"
    write_review_case(cases, "c1", [{"code": "C.PENALTY", "location": "第七条"}, {"code": "P.PUBLIC_COMMENT"}],
                      clean=["第二条"])
    write_review_case(cases, "c2", [{"code": "C.FEE", "location": "第3段"}], clean=["第1段"], doc_type="major_decision")
    write_review_case(cases, "c3", [], clean=["第一条"])
    (cases / "INDEX.md").write_text("# index\n", encoding="utf-8")
    write_jsonl(root / "qa-admin" / "dev.jsonl", [
        {"id": "q1", "question": "镇政府的文件能不能规定罚款？",
         "gold": [{"law": "中华人民共和国行政处罚法", "article": "第十六条"}],
         "must_say": ["其他规范性文件不得设定行政处罚"], "topic": "行政处罚", "style": "colloquial"},
        {"id": "q2", "question": "行政处罚法第二百条怎么规定？", "gold": [], "must_say": ["不存在"],
         "topic": "行政处罚", "style": "citation", "trap": "nonexistent_article", "note": "行政处罚法共三条"},
        {"id": "q3", "question": "个体工商户是什么？", "gold": [{"law": "中华人民共和国民法典", "article": "第五十四条"}],
         "must_say": ["经依法登记"], "topic": "民事", "style": "formal"},
        {"id": "q4", "question": "规范性文件能设定拘留吗", "gold": [{"law": "中华人民共和国行政处罚法", "article": "第十条"}],
         "must_say": ["只能由法律设定"], "topic": "行政处罚", "style": "colloquial", "trap": "false_premise"},
    ])
    stard = root / "stard"
    write_json(stard / "queries.json", [
        {"query_id": 0, "问题": "谁可以成为个体工商户？", "match_id": [1], "match_name": ["中华人民共和国民法典第五十四条"]},
        {"query_id": 1, "问题": "罚款谁能设定？", "match_id": [2, 3], "match_name": ["行政处罚法第十六条", "行政处罚法第十条"]},
        {"query_id": 2, "问题": "不在知识库的法", "match_id": [4], "match_name": ["建筑法第四十八条"]},
        {"query_id": 3, "问题": "训练集的问题", "match_id": [5], "match_name": ["民法典第五条"]},
    ])
    (stard / "example").mkdir(parents=True)
    (stard / "example" / "dev.query.txt").write_text("0\t谁可以成为个体工商户？\n1\t罚款谁能设定？\n2\t不在知识库的法\n",
                                                    encoding="utf-8")
    (stard / "example" / "qrels.dev.tsv").write_text("0\t1\n1\t2\n1\t3\n2\t4\n", encoding="utf-8")
    write_json(root / "lawbench" / "zero_shot" / "1-1.json", [
        {"instruction": "回答以下问题，只需直接给出法条内容:", "question": "民法商法农民专业合作社法第一条的内容是什么？",
         "answer": "答案:为了规范农民专业合作社的组织和行为，制定本法。"},
        {"instruction": "…", "question": "民法商法民法典第五十四条的内容是什么？",
         "answer": "答案:自然人从事工商业经营，经依法登记，为个体工商户。,个体工商户可以起字号。"},
        {"instruction": "…", "question": "社会法慈善法第三条的内容是什么？", "answer": "答案:不在知识库。"},
    ])
    write_json(root / "lawbench" / "zero_shot" / "3-2.json", [
        {"instruction": "…", "question": "场景:镇政府的文件规定罚款，可以吗？",
         "answer": "根据行政处罚法的第十六条，其他规范性文件不得设定行政处罚。"},
    ])
    write_jsonl(root / "lexeval" / "1_2.json", [
        {"instruction": "请选择。\n", "input": "中华人民共和国民法第五条的内容是:\nA: 个体工商户可以起字号\n"
         "B: 民事主体从事民事活动，应当遵循自愿原则\nC: 无关的内容\nD: 另一段无关的内容", "answer": "B"},
        {"instruction": "请选择。\n", "input": "中华人民共和国刑法第一条的内容是:\nA: 甲\nB: 乙\nC: 丙\nD: 丁", "answer": "A"},
    ])
    return root
