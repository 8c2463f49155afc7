"""Dense vectors in chromadb: an embedded PersistentClient by default, an HttpClient when a server is configured."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from assistant.errors import ConfigError
from assistant.kb.embed import ChromaEmbeddingFunction, Embedder

log = logging.getLogger(__name__)
BATCH = 256


def chroma_client(url: str | None, path: Path | None):
    """A chroma client: HttpClient for `url` (http://host:port), else a PersistentClient at `path`."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        u = urlparse(url)
        if not u.hostname:
            raise ConfigError(f"FASHEN_CHROMA_URL 无效：{url}（应为 http://主机:端口）。")
        try:
            return chromadb.HttpClient(host=u.hostname, port=u.port or 8000, ssl=u.scheme == "https", settings=settings)
        except Exception as exc:  # connection refused, bad version …
            raise ConfigError(f"无法连接 chroma 服务 {url}：{exc}。请确认 `chroma run` 已启动，或取消 FASHEN_CHROMA_URL。") from exc
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class DenseStore:
    """One chroma collection of article vectors; metadata carries level, status, region, instrument and a hash."""

    def __init__(self, client, collection: str, embedder: Embedder) -> None:
        self.client = client
        self.name = collection
        self.embedder = embedder
        self.collection = client.get_or_create_collection(
            collection, embedding_function=ChromaEmbeddingFunction(embedder),
            metadata={"hnsw:space": "cosine", "embedder": embedder.name},
        )
        self._count: int | None = None

    def hashes(self) -> dict[str, str]:
        """Article id → content hash of what is stored (to embed only what changed)."""
        out: dict[str, str] = {}
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=5000, offset=offset)
            if not got["ids"]:
                return out
            out.update({i: (m or {}).get("h", "") for i, m in zip(got["ids"], got["metadatas"])})
            offset += len(got["ids"])

    def upsert(self, ids: Sequence[str], documents: Sequence[str], metadatas: Sequence[dict],
               progress: Callable[[int], None] | None = None) -> None:
        """Embed and store in batches; `progress(n)` after each batch."""
        for i in range(0, len(ids), BATCH):
            docs = list(documents[i:i + BATCH])
            vecs = self.embedder.passages(docs)
            self.collection.upsert(ids=list(ids[i:i + BATCH]), embeddings=[v.tolist() for v in vecs],
                                   documents=docs, metadatas=list(metadatas[i:i + BATCH]))
            self._count = None
            if progress:
                progress(len(docs))

    def delete(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), 5000):
            self.collection.delete(ids=list(ids[i:i + 5000]))
        self._count = None

    def copy_from(self, other: DenseStore) -> None:
        """Copy every vector of another collection (server mode: a new generation starts from the last)."""
        offset = 0
        while True:
            got = other.collection.get(include=["embeddings", "documents", "metadatas"], limit=2000, offset=offset)
            if not got["ids"]:
                return
            self.collection.upsert(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"],
                                   metadatas=got["metadatas"])
            self._count = None
            offset += len(got["ids"])

    def count(self) -> int:
        if self._count is None:  # asked on every search: the collection changes only through this object
            self._count = self.collection.count()
        return self._count

    def search(self, query: str | np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """Top-k (article id, cosine similarity) for a query text or its embedding (`embedder.query(text)`)."""
        if self.count() == 0:
            return []
        vec = self.embedder.query(query) if isinstance(query, str) else query
        res = self.collection.query(query_embeddings=[np.asarray(vec).tolist()], n_results=min(k, self.count()),
                                    where=where or None, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]


def chroma_where(filters: dict[str, str | list[str]]) -> dict | None:
    """{'level': '法律', 'status': ['现行有效']} → a chroma where clause."""
    clauses = []
    for key, value in filters.items():
        if value is None or value == []:
            continue
        clauses.append({key: {"$in": list(value)}} if isinstance(value, list) else {key: value})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
