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


def test_every_expansion_entry_is_a_list_of_terms():
    expand = yaml.safe_load((LEXICON_DIR / "synonyms.yaml").read_text(encoding="utf-8"))["expand"]
    bad = {k: v for k, v in expand.items() if not (isinstance(v, list) and v and all(isinstance(t, str) and t for t in v))}
    assert not bad
