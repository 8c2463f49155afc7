"""Lexical tokens: statute words and characters, and the colloquial words a query is expanded from."""

import yaml

from assistant.kb.lexical import LEXICON_DIR, query_tokens, tokenize


def test_query_expansion_adds_statute_terms_for_everyday_words():
    tokens = query_tokens("老板不给我交五险一金")
    # 老板 → 用人单位; 五险一金 is no jieba word (cut into 五险 · 一金) and still expands to 社会保险.
    assert "用人单位" in tokens and "社会保险" in tokens
    assert "用人单位" not in tokenize("老板不给我交五险一金")


def test_query_expansion_adds_each_term_once_and_keeps_the_query_tokens_first():
    tokens = query_tokens("老公出轨离婚，孩子归谁")
    plain = tokenize("老公出轨离婚，孩子归谁")
    assert tokens[: len(plain)] == plain
    extra = tokens[len(plain):]
    assert len(extra) == len(set(extra)) and not set(extra) & set(plain)
    assert {"配偶", "子女"} <= set(extra)


def test_a_one_character_entry_expands_only_as_a_word_of_its_own():
    # 告 (sue) → 起诉; inside 广告 or 告知 it is not that word.
    assert "起诉" in query_tokens("我要去告他")
    assert "起诉" not in query_tokens("广告违法怎么处罚") and "起诉" not in query_tokens("没有告知当事人")
    assert "审批" not in query_tokens("批准设立的条件")


def test_every_expansion_entry_is_a_list_of_terms():
    expand = yaml.safe_load((LEXICON_DIR / "synonyms.yaml").read_text(encoding="utf-8"))["expand"]
    bad = {k: v for k, v in expand.items() if not (isinstance(v, list) and v and all(isinstance(t, str) and t for t in v))}
    assert not bad
