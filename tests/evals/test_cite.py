"""The scorers' own citation extraction and title resolution."""

from __future__ import annotations

import pytest

from evals.cite import Resolver, parse_label, ref_key, split_reference, title_candidates, title_key


def refs(text, resolver=None, **kw):
    return [(r.title, r.number, r.suffix, r.paragraph) for r in (resolver or Resolver()).extract(text, **kw)]


@pytest.mark.parametrize("text, expected", [
    ("根据《中华人民共和国行政处罚法》第十六条的规定", [("中华人民共和国行政处罚法", 16, 0, None)]),
    ("《行政处罚法》第十六条、第十七条和第18条第二款", [("行政处罚法", 16, 0, None), ("行政处罚法", 17, 0, None),
                                            ("行政处罚法", 18, 0, 2)]),
    ("《民法典》（2020年）第五条之一", [("民法典", 5, 1, None)]),
    ("《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第六十四条",
     [("最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释", 64, 0, None)]),
    ("《最高人民法院关于适用《中华人民共和国行政诉讼法》的解释》第六十四条",
     [("最高人民法院关于适用《中华人民共和国行政诉讼法》的解释", 64, 0, None)]),
    ("行政许可法第十七条怎么说", [("行政许可法", 17, 0, None)]),
    ("某县政府依照行政处罚法第十六条处罚", [("行政处罚法", 16, 0, None)]),
    ("根据公司法的第六十三条，股东应当", [("公司法", 63, 0, None)]),
    ("《行政处罚法》和《行政许可法》第十条", [("行政许可法", 10, 0, None)]),
    ("依照本法第十条", []),
    ("发行类别股的公司，有本法第一百一十六条第三款规定的事项", []),
    ("就本条例第二十二条", []),
    ("《香港特别行政区基本法》第十条和香港特别行政区基本法第十一条",
     [("香港特别行政区基本法", 10, 0, None), ("香港特别行政区基本法", 11, 0, None)]),
    ("第十条规定的情形", []),
])
def test_extract(text, expected):
    assert refs(text) == expected


def test_carry_forward_attributes_bare_articles_to_the_last_title():
    text = "法律依据:《中华人民共和国道路交通安全法》第九十一条饮酒后……第二百三十八条侵害物权"
    assert refs(text) == [("中华人民共和国道路交通安全法", 91, 0, None)]
    assert refs(text, carry_forward=True) == [("中华人民共和国道路交通安全法", 91, 0, None),
                                              ("中华人民共和国道路交通安全法", 238, 0, None)]


def test_keys_ignore_the_prc_prefix_and_brackets():
    assert title_key("《中华人民共和国行政处罚法》") == "行政处罚法"
    assert ref_key("中华人民共和国行政处罚法", 16) == ref_key("行政处罚法", 16) == "行政处罚法第十六条"
    assert ref_key("民法典", 5, 1) == "民法典第五条之一"


def test_split_reference_and_parse_label():
    r = split_reference("中华人民共和国民法典第五十四条")
    assert (r.title, r.number, r.suffix) == ("中华人民共和国民法典", 54, 0)
    assert split_reference("刑法第一百三十三条之一").suffix == 1
    assert split_reference("第五条") is None
    assert parse_label("第16条") == (16, 0)
    assert parse_label("第十条之一") == (10, 1)
    assert parse_label("十条") is None


def test_title_candidates_strip_lawbench_categories_and_rename_minfa():
    assert title_candidates("民法商法农民专业合作社法")[-1] == "农民专业合作社法"
    assert "中华人民共和国民法典" in title_candidates("中华人民共和国民法")


def test_resolver_maps_titles_onto_the_catalog(tiny_catalog):
    r = Resolver(tiny_catalog)
    assert r.instrument("行政处罚法").title == "中华人民共和国行政处罚法"
    assert r.instrument("民法商法农民专业合作社法").title == "中华人民共和国农民专业合作社法"
    assert r.instrument("中华人民共和国民法").title == "中华人民共和国民法典"
    assert r.instrument("我想问行政处罚法").title == "中华人民共和国行政处罚法"  # longest resolvable tail
    assert r.instrument("建筑法") is None
    assert r.exists("行政处罚法", 16) is True
    assert r.exists("行政处罚法", 200) is False
    assert r.exists("建筑法", 1) is False
    assert Resolver().exists("行政处罚法", 16) is None  # no catalog: unknown, not false


def test_catalog_titles_cut_bare_titles_cleanly(tiny_catalog):
    # Without a catalog the pattern cannot tell where the title starts; the catalog's titles can.
    assert refs("我想问民法典第五条") == [("我想问民法典", 5, 0, None)]
    assert refs("我想问民法典第五条", Resolver(tiny_catalog)) == [("民法典", 5, 0, None)]


@pytest.mark.parametrize("text, expected", [
    ("《行政处罚法》第十六条和行政许可法第十七条", [("行政处罚法", 16, 0, None), ("行政许可法", 17, 0, None)]),
    ("民法典第五条和行政许可法第十七条", [("民法典", 5, 0, None), ("行政许可法", 17, 0, None)]),
    ("刑法第二十条", [("刑法", 20, 0, None)]),
])
def test_a_bare_title_never_swallows_an_earlier_citation(text, expected):
    assert refs(text) == expected
