"""Fixtures for the answer tests: the session's small lexical knowledge base (tests/conftest.py builds it from
the shipped texts, no laws.db, no embedder) and settings pointing a model at a loopback server."""

from __future__ import annotations

import pytest

from assistant.config import Settings


@pytest.fixture(scope="session")
def kb(small_kb):
    return small_kb


@pytest.fixture(scope="session")
def settings(small_settings) -> Settings:
    """Deterministic backend (llm.provider = none), the small knowledge base's home."""
    return small_settings


def openai_settings(small_settings: Settings, base_url: str, *, timeout_s: float = 5.0) -> Settings:
    """The small knowledge base with an OpenAI-compatible endpoint; no retries, so failures are quick."""
    return small_settings.model_copy(update={"llm": small_settings.llm.model_copy(update={
        "provider": "openai", "base_url": base_url, "model": "canned-model", "timeout_s": timeout_s,
        "max_retries": 0})})


def cited(answer) -> list[tuple[str, str]]:
    """(instrument, article) of the answer's citations, in order."""
    return [(c.instrument, c.article) for c in answer.citations]
