"""The optional cross-encoder reranker: re-orders the best fused hits, keeps lookups first, never downloads."""

from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from assistant.kb import rerank as rerank_mod
from assistant.kb.lexical import article_document

QUERY = "镇政府的文件能不能规定罚款"


def _with_reranker(kb, monkeypatch, spec: str, top: int = 5):
    rs = kb.settings.retrieval.model_copy(update={"reranker": spec, "rerank_top": top})
    monkeypatch.setattr(kb, "settings", kb.settings.model_copy(update={"retrieval": rs}))


class _ByLength:
    """A stand-in model: prefers the shortest passage."""

    name = "by-length"

    def scores(self, query, passages):
        return [-float(len(p)) for p in passages]


def test_reranker_reorders_the_top_hits_and_leaves_the_rest(small_kb, monkeypatch):
    plain = small_kb.search(QUERY, 10)
    monkeypatch.setattr(rerank_mod, "get_reranker", lambda spec: _ByLength())
    _with_reranker(small_kb, monkeypatch, "st:/any", top=5)
    hits = small_kb.search(QUERY, 10)

    def doc(h):
        return article_document(h.article.instrument_title, h.article.label, h.article.chapter, h.article.text)

    head = [h.article.id for h in hits[:5]]
    assert sorted(head) == sorted(h.article.id for h in plain[:5])  # the same five, in the model's order
    assert [len(doc(h)) for h in hits[:5]] == sorted(len(doc(h)) for h in hits[:5])
    assert [h.ranks["rerank"] for h in hits[:5]] == [1, 2, 3, 4, 5]
    assert [h.article.id for h in hits[5:]] == [h.article.id for h in plain[5:]]


def test_lookups_stay_first_when_reranking(small_kb, monkeypatch):
    monkeypatch.setattr(rerank_mod, "get_reranker", lambda spec: _ByLength())
    _with_reranker(small_kb, monkeypatch, "st:/any")
    hits = small_kb.search("行政处罚法第十六条 规范性文件", 5)
    assert (hits[0].matched_by, hits[0].article.label) == ("lookup", "第十六条")


def test_unknown_or_missing_reranker_is_a_config_error(tmp_path):
    rerank_mod.get_reranker.cache_clear()
    with pytest.raises(ConfigError, match="未知的重排模型"):
        rerank_mod.get_reranker("bge-reranker")
    with pytest.raises(ConfigError, match="目录不存在"):
        rerank_mod.get_reranker(f"st:{tmp_path / 'nothing'}")


def test_a_local_cross_encoder_directory_is_loaded_offline_and_its_scores_decide(small_kb, monkeypatch, tmp_path):
    pytest.importorskip("sentence_transformers")
    transformers = pytest.importorskip("transformers")
    import torch

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    torch.manual_seed(0)
    chars = sorted(set("".join(h.article.text for h in small_kb.search(QUERY, 10)) + QUERY))
    (tmp_path / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]),
                                        encoding="utf-8")
    transformers.BertTokenizerFast(vocab_file=str(tmp_path / "vocab.txt")).save_pretrained(tmp_path)
    config = transformers.BertConfig(vocab_size=len(chars) + 5, hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32, num_labels=1,
                                     max_position_embeddings=512)
    transformers.BertForSequenceClassification(config).save_pretrained(tmp_path)

    rerank_mod.get_reranker.cache_clear()
    model = rerank_mod.get_reranker(f"st:{tmp_path}")
    _with_reranker(small_kb, monkeypatch, f"st:{tmp_path}", top=8)
    hits = small_kb.search(QUERY, 8)
    docs = [article_document(h.article.instrument_title, h.article.label, h.article.chapter, h.article.text)
            for h in hits]
    expected = model.scores(QUERY, docs)
    assert [h.score for h in hits] == pytest.approx(expected)
    assert expected == sorted(expected, reverse=True)
    rerank_mod.get_reranker.cache_clear()
