"""法审助手 (fashen): knowledge base, retrieval, review engine, LLM layer and drafting."""

__version__ = "0.1.0"
