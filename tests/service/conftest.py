"""The service's fixtures: the API over the session's small knowledge base, in this process (a Starlette TestClient
from a loopback address) or as real `fashen serve` / `fashen mcp` processes, and the CLI to compare with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings, get_settings
from evals.load import free_port, stop_api as stop  # noqa: F401 - the tests' names for the benchmark's helpers
from tests.conftest import REVIEW_CASES

ROOT = Path(__file__).resolve().parents[2]
KB_ENV = {"FASHEN_KB__INCLUDE_LAWS_DB": "false", "FASHEN_KB__EMBEDDER": "none"}
LOOPBACK = ("127.0.0.1", 40000)


def dev_cases() -> list[Path]:
    return sorted(p for p in REVIEW_CASES.glob("*/") if (p / "case.json").is_file()) if REVIEW_CASES.is_dir() else []


def case_upload(case: Path) -> tuple[list, dict]:
    """A case folder as the multipart upload of POST /v1/review (the load benchmark sends the same)."""
    from evals.load import upload

    return upload(case)


@pytest.fixture
def in_small_kb(small_kb, small_settings, monkeypatch, tmp_path):
    """The environment (for the CLI, and for the library's own get_settings()) pointing at the small knowledge base,
    with the audit log in this test's folder."""
    env = {"FASHEN_HOME": str(small_settings.home), "FASHEN_AUDIT_URL": f"sqlite:///{tmp_path}/audit.sqlite", **KB_ENV}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


def api_settings(**api) -> Settings:
    """The settings of the environment in_small_kb sets, with these api settings."""
    s = Settings()
    return s.model_copy(update={"api": s.api.model_copy(update=api)})


@pytest.fixture
def client(in_small_kb):
    """The API in this process, called from a loopback address, no token configured."""
    from fastapi.testclient import TestClient

    from assistant.service.api import create_app

    with TestClient(create_app(api_settings()), client=LOOPBACK, raise_server_exceptions=False) as c:
        yield c


def cli_json(*args: str) -> dict:
    """`fashen ARGS --format json`, in this process, parsed."""
    from tests.test_hostile import fashen

    run = fashen(*args, "--format", "json")
    assert run.code == 0, run.text
    return json.loads(run.out)


def canonical(data) -> str:
    """The CLI's own serialisation (`--format json`): equal strings are byte-identical outputs."""
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


# -- real processes ------------------------------------------------------------------------------------------------

def process_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a fashen subprocess: this worktree's code, this test's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FASHEN_")}
    return env | {"PYTHONPATH": str(ROOT)} | extra


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A `fashen …` process (`python -m assistant.cli`), its output in `log`."""
    fh = log.open("w")
    return subprocess.Popen([sys.executable, "-m", "assistant.cli", *args], env=process_env(env), cwd=ROOT,
                            stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)  # stop() ends its children


def wait_http(url: str, proc: subprocess.Popen | None, log: Path | None = None, timeout: float = 120,
              ok=lambda r: r.status_code == 200):
    """Poll `url` until `ok(response)`; fails with the process's log when it exits or the time is up."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited {proc.returncode}: {log.read_text()[-3000:] if log else ''}")
        try:
            r = httpx.get(url, timeout=5)
            if ok(r):
                return r
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} not ready in {timeout} s: {log.read_text()[-3000:] if log else ''}")
        time.sleep(0.3)

