"""The normal form must_say phrases and quotes are compared in (qa-admin README, Scoring)."""

from __future__ import annotations

import pytest

from evals.textmatch import normalize_for_match, numerals_to_arabic, phrase_found, says_nonexistent


@pytest.mark.parametrize("a, b", [
    ("三十日", "30日"),
    ("二年", "2年"),
    ("二十个工作日", "20个工作日"),
    ("百分之十", "10%"),
    ("万分之五", "0.05%"),
    ("五万元", "5万元"),
    ("第十六条", "第16条"),
    ("其他规范性文件，不得设定行政处罚。", "其他规范性文件不得设定行政处罚"),
    ("行政許可", "行政许可"),          # traditional → simplified
    ("ＡＢＣ１２", "ABC12"),           # full width → half width
])
def test_equal_after_normalising(a, b):
    assert normalize_for_match(a) == normalize_for_match(b)


def test_different_numbers_stay_different():
    assert normalize_for_match("三十日") != normalize_for_match("十五日")
    assert numerals_to_arabic("百分之十") == "10%"


@pytest.mark.parametrize("answer", [
    "行政处罚法第二百条并不存在。", "该法没有第二百条。", "行政处罚法只有八十六条。", "行政处罚法共八十六条，无此条。",
    "查无此条", "並不存在",
])
def test_statements_of_nonexistence(answer):
    assert says_nonexistent(answer)
    assert phrase_found("不存在", answer) == (True, False)


def test_an_answer_that_invents_the_article_does_not_say_it_is_missing():
    assert not says_nonexistent("行政处罚法第二百条规定：罚款上限为十万元。")


def test_phrase_found_exact_and_fuzzy():
    answer = "依照规定，其他规范性文件，不得设定行政处罚；规章可以设定警告。"
    assert phrase_found("其他规范性文件不得设定行政处罚", answer) == (True, False)
    assert phrase_found("只能由法律设定", answer) == (False, False)
    # 17 characters of which the answer has the first 15 in a row: the longest common substring covers ≥ 80 %.
    assert phrase_found("其他规范性文件不得设定行政处罚措施", answer) == (True, True)
    # A difference in the middle splits the common run below 80 %: not found.
    assert phrase_found("其他规范性文件一律不得设定行政处罚", answer) == (False, False)
    assert phrase_found("十五日", "期限为三十日") == (False, False)
