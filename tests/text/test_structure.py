"""The structure parser finds exactly the articles index.json records for every corpus text."""

import json
from pathlib import Path

import pytest

from assistant.text.structure import paragraph_lines, parse_articles, parse_numbered_items

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
INDEX = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))["documents"] if CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(not INDEX, reason="../shared/corpus not available")


@needs_corpus
@pytest.mark.parametrize("entry", [d for d in INDEX if d["article_count"]], ids=lambda d: d["file"])
def test_article_count_matches_index(entry):
    articles = parse_articles((CORPUS / entry["file"]).read_text(encoding="utf-8"))
    assert len(articles) == entry["article_count"]
    assert max(a.number for a in articles) == entry["max_article_number"]


@needs_corpus
@pytest.mark.parametrize("entry", [d for d in INDEX if d["numbered_item_count"]], ids=lambda d: d["file"])
def test_numbered_items_match_index(entry):
    items = parse_numbered_items((CORPUS / entry["file"]).read_text(encoding="utf-8"))
    assert [i.number for i in items] == list(range(1, entry["numbered_item_count"] + 1))


@needs_corpus
def test_chapters_and_paragraphs_of_a_real_law():
    entry = next(d for d in INDEX if d["title"] == "中华人民共和国行政处罚法")
    articles = {a.label: a for a in parse_articles((CORPUS / entry["file"]).read_text(encoding="utf-8"))}
    assert articles["第一条"].chapter.startswith("第一章")
    assert "罚款" in articles["第九条"].text
    # 第九条 lists its kinds of penalty as items （一）…（六）, which join the paragraph introducing them.
    assert len(articles["第九条"].paragraphs) == 1


def test_suffix_articles_and_headings():
    text = "第一章　总则\n第十条　甲。\n第十条之一　乙。\n第二款内容。\n第二章　附则\n第十一条　丙。\n"
    articles = parse_articles(text)
    assert [a.label for a in articles] == ["第十条", "第十条之一", "第十一条"]
    assert articles[1].paragraphs == ["乙。", "第二款内容。"]
    assert articles[2].chapter == "第二章 附则"


def test_parts_named_without_number_reset_the_heading_path_and_spaced_titles_close_up():
    # A code assembled from one file per 编: the 分编 of one part must not leak into the next part.
    text = ("# 合同编\n## 第三分编\u2002 准\u2002合\u2002同\n### 第二十九章  不当得利\n第九百八十五条 甲。\n"
            "# 中华人民共和国民法典\n# 婚姻家庭编\n## 第四章  离  婚\n第一千零七十九条 乙。\n# 附则\n第一千二百六十条 丙。\n")
    chapters = {a.number: a.chapter for a in parse_articles(text)}
    assert chapters == {985: "合同编 / 第三分编 准合同 / 第二十九章 不当得利", 1079: "婚姻家庭编 / 第四章 离婚",
                        1260: "附则"}


def test_a_line_ending_in_bian_inside_an_article_is_text_not_a_heading():
    articles = parse_articles("第一条 本法第二编\n合同编\n第二条 乙。\n")
    assert [a.text for a in articles] == ["本法第二编\n合同编", "乙。"] and articles[1].chapter is None


def test_paragraph_lines_count_non_empty_lines():
    assert [n for n, _, _ in paragraph_lines("标题\n\n　　正文一\n \n正文二")] == [1, 2, 3]
