"""Knowledge base: catalog, sources, lexical and dense indexes, ingest, search and citation checks."""

from assistant.kb.base import KnowledgeBase, open_kb

__all__ = ["KnowledgeBase", "open_kb"]
