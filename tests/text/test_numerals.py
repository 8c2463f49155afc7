"""Chinese ⇄ Arabic numerals as statutes write them."""

import pytest

from assistant.text.numerals import article_label, cn_to_int, int_to_cn, parse_article_label


def test_round_trip_1_to_2000():
    for n in range(1, 2001):
        assert cn_to_int(int_to_cn(n)) == n, int_to_cn(n)


@pytest.mark.parametrize(("n", "cn"), [
    (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (101, "一百零一"), (110, "一百一十"),
    (1001, "一千零一"), (1010, "一千零一十"), (1242, "一千二百四十二"), (1260, "一千二百六十"),
])
def test_statute_forms(n, cn):
    assert int_to_cn(n) == cn
    assert cn_to_int(cn) == n


@pytest.mark.parametrize(("text", "n"), [("123", 123), ("１６", 16), ("二〇二六", 2026), ("两百", 200), ("拾伍", 15)])
def test_other_forms(text, n):
    assert cn_to_int(text) == n


def test_not_a_numeral():
    with pytest.raises(ValueError):
        cn_to_int("第十")
    with pytest.raises(ValueError):
        cn_to_int("")


@pytest.mark.parametrize(("number", "suffix", "label"), [
    (16, 0, "第十六条"), (10, 1, "第十条之一"), (100, 2, "第一百条之二"), (1260, 0, "第一千二百六十条"),
])
def test_article_labels(number, suffix, label):
    assert article_label(number, suffix) == label
    assert parse_article_label(label) == (number, suffix)


def test_parse_arabic_labels():
    assert parse_article_label("第10条之一") == (10, 1)
    assert parse_article_label(" 第 16 条 ") == (16, 0)
    with pytest.raises(ValueError):
        parse_article_label("第十六款")
