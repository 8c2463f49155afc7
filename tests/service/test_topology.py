"""The deployment topology end to end, as plain processes (tests/service/topology.py): nginx in front of
`fashen serve --workers 2` and two `fashen app` replicas, vectors in one `chroma run` server, the audit log in
PostgreSQL. A server that cannot start here skips these tests with the reason; CI sets FASHEN_TEST_TOPOLOGY=require,
so there it fails instead."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import httpx
import pytest
import yaml

from tests.service.conftest import (ROOT, canonical, case_upload, dev_cases, free_port, process_env, start, stop,
                                    wait_http)
from tests.service.topology import Postgres, Unavailable, chroma, nginx

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REQUIRED = os.environ.get("FASHEN_TEST_TOPOLOGY") == "require"
TINY = ["行政法规/重大行政决策程序暂行条例.md", "法律/中华人民共和国行政处罚法.md", "行政法规/公平竞争审查条例.md"]
TOKEN = {"Authorization": "Bearer topology-token"}


def _tiny_sources(folder):
    """Three real instruments (quick to embed into the chroma server)."""
    from assistant.kb.sources import SOURCES_DIR

    manifest = yaml.safe_load((SOURCES_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    keep = [e for e in manifest["instruments"] if e["file"].removeprefix("texts/") in TINY]
    for e in keep:
        (folder / e["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCES_DIR / e["file"], folder / e["file"])
    (folder / "manifest.yaml").write_text(yaml.safe_dump({"instruments": keep, "superseded": []}, allow_unicode=True),
                                          encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    from assistant.service.auth import hash_token

    folder = tmp_path_factory.mktemp("topology")
    pg, procs = Postgres(), []
    try:
        pg.start()
        chroma_proc, chroma_url = chroma(folder / "chroma", folder / "chroma.log")
        procs.append(chroma_proc)
        env = {"FASHEN_HOME": str(folder / "home"), "FASHEN_KB__INCLUDE_LAWS_DB": "false", "FASHEN_KB__PACKS": "",
               "FASHEN_KB__EMBEDDER": "use-m3", "FASHEN_KB__SOURCES_DIR": str(_tiny_sources(folder / "sources")),
               "FASHEN_CHROMA_URL": chroma_url, "FASHEN_AUDIT_URL": pg.url,
               "FASHEN_API__TOKENS": json.dumps({"审查科": hash_token("topology-token")})}
        ingest = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest"], env=process_env(env), cwd=ROOT,
                                capture_output=True, text=True, timeout=600)
        assert ingest.returncode == 0, ingest.stderr[-2000:]
        api_port, app_ports = free_port(), [free_port(), free_port()]
        procs.append(start(["serve", "--workers", "2", "--port", str(api_port)], env, folder / "api.log"))
        for n, port in enumerate(app_ports):
            procs.append(start(["app", "--port", str(port)], env, folder / f"app-{n}.log"))
        wait_http(f"http://127.0.0.1:{api_port}/v1/health", procs[1], folder / "api.log", timeout=240)
        for n, port in enumerate(app_ports):
            wait_http(f"http://127.0.0.1:{port}/_stcore/health", procs[2 + n], folder / f"app-{n}.log", timeout=240)
        (folder / "nginx").mkdir()
        proxy_proc, proxy = nginx(folder / "nginx", api_port, app_ports)
        procs.append(proxy_proc)
        yield {"env": env, "proxy": proxy, "postgres": pg}
    except Unavailable as exc:
        (pytest.fail if REQUIRED else pytest.skip)(f"the deployment topology cannot start here: {exc}")
    finally:  # whatever happened, nothing is left running
        for proc in reversed(procs):
            stop(proc)
        pg.stop()


def test_both_api_workers_answer_through_the_proxy_from_the_chroma_server(topology):
    proxy = topology["proxy"]
    pids = set()
    for _ in range(60):
        health = httpx.get(f"{proxy}/v1/health", timeout=30).json()
        pids.add(health["pid"])
        if len(pids) == 2:
            break
    assert len(pids) == 2 and health["embedder"] == "use-m3"
    r = httpx.get(f"{proxy}/v1/search", params={"q": "重大行政决策要听取专家意见吗", "k": 5, "mode": "dense"}, headers=TOKEN,
                  timeout=60)
    assert r.status_code == 200 and r.json()["hits"] and all(h["matched_by"] == "dense" for h in r.json()["hits"])
    assert any(h["instrument"] == "重大行政决策程序暂行条例" for h in r.json()["hits"])
    r = httpx.get(f"{proxy}/v1/search", params={"q": "罚款"}, timeout=30)
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"


@pytest.mark.skipif(not dev_cases(), reason="no dev cases")
def test_a_review_through_the_proxy_equals_the_cli_and_postgres_records_who(topology):
    import psycopg

    case = dev_cases()[0]
    files, fields = case_upload(case)
    r = httpx.post(f"{topology['proxy']}/v1/review", files=files, data=fields, headers=TOKEN, timeout=120)
    assert r.status_code == 200, r.text
    cli = subprocess.run([sys.executable, "-m", "assistant.cli", "review", str(case), "--format", "json"],
                         env=process_env(topology["env"] | {"FASHEN_USER": "命令行用户"}), cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr[-2000:]
    assert canonical(r.json()) == canonical(json.loads(cli.stdout))
    with psycopg.connect(topology["postgres"].url) as conn:
        rows = conn.execute('SELECT kind, "user", kb_fingerprint FROM audit_events ORDER BY id').fetchall()
    assert [(k, u) for k, u, _ in rows if k == "review"] == [("review", "审查科"), ("review", "命令行用户")]
    assert {fp for _, _, fp in rows if fp} == {r.json()["kb_fingerprint"]}


def test_an_upload_over_the_limit_is_refused_by_the_proxy_as_json_and_a_big_one_under_it_passes(topology):
    url = f"{topology['proxy']}/v1/review"
    r = httpx.post(url, files={"draft": ("草案.md", b"x" * (21 * 2**20))}, headers=TOKEN, timeout=120)
    assert r.status_code == 413 and r.json()["code"] == "too_large" and "上限 20 MB" in r.json()["message"], r.text[:300]
    r = httpx.post(url, files={"draft": ("草案.md", b"x" * (5 * 2**20))}, headers=TOKEN, timeout=120)
    assert r.status_code == 400 and "文字过多" in r.json()["message"], r.text[:300]  # buffered by nginx, read by the API


def test_the_app_replicas_answer_behind_the_proxy(topology):
    proxy = topology["proxy"]
    assert httpx.get(f"{proxy}/_stcore/health", timeout=30).text == "ok"
    page = httpx.get(f"{proxy}/", timeout=30)
    assert page.status_code == 200 and "<noscript>" in page.text  # Streamlit's page, served through nginx
    docs = httpx.get(f"{proxy}/docs", timeout=30)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()  # the API's OpenAPI page through the same proxy
