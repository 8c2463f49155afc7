"""Ingest: idempotent, user files, statuses, crash safety (a real process killed mid-ingest), lock, chroma."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from assistant.config import Settings
from assistant.errors import InputError, LockBusy
from assistant.kb.base import KnowledgeBase, current_generation, open_kb
from assistant.kb.ingest import ingest_default, ingest_paths, kb_lock, set_instrument_status
from assistant.kb.sources import SOURCES_DIR
from assistant.models import Level, Status

TINY = ["行政法规/重大行政决策程序暂行条例.md", "法律/中华人民共和国行政处罚法.md", "行政法规/公平竞争审查条例.md"]


@pytest.fixture
def tiny_sources(tmp_path):
    """A sources folder with three real instruments (fast to embed)."""
    manifest = yaml.safe_load((SOURCES_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    keep = [e for e in manifest["instruments"] if e["file"].removeprefix("texts/") in TINY]
    for e in keep:
        dst = tmp_path / "sources" / e["file"]
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCES_DIR / e["file"], dst)
    (tmp_path / "sources" / "manifest.yaml").write_text(
        yaml.safe_dump({"instruments": keep, "superseded": []}, allow_unicode=True), encoding="utf-8")
    return tmp_path / "sources"


def tiny_settings(tmp_path, sources, embedder="none", **kb):
    return Settings(home=tmp_path / "home", kb={"include_laws_db": False, "embedder": embedder,
                                                "sources_dir": sources, "packs": [], **kb})


def test_reingest_changes_nothing_and_user_files_are_added(tmp_path, tiny_sources):
    s = tiny_settings(tmp_path, tiny_sources)
    first = ingest_default(s)
    assert first.changed and first.instruments == 3
    again = ingest_default(s)
    assert not again.changed and again.generation == first.generation and again.fingerprint == first.fingerprint

    local = tmp_path / "local"
    local.mkdir()
    (local / "规定.md").write_text("# 某县行政规范性文件管理规定\n\n第一条　为了规范文件制定，制定本规定。\n\n"
                                   "第二条　规范性文件公开征求意见的期限不少于七个工作日。\n", encoding="utf-8")
    (local / "notes.xyz").write_text("ignored", encoding="utf-8")
    added = ingest_paths([local], level=Level.NORMATIVE, region="某县", settings=s)
    assert added.instruments == 4 and added.instruments_added == 1
    assert [x["file"].endswith("notes.xyz") for x in added.skipped] == [True]
    kb = KnowledgeBase(current_generation(s), s)
    art = kb.article("某县行政规范性文件管理规定", 2)
    assert art.level == Level.NORMATIVE and art.region == "某县" and "七个工作日" in art.text

    (local / "规定.md").write_text("# 某县行政规范性文件管理规定\n\n第一条　为了规范文件制定，制定本规定。\n\n"
                                   "第二条　公开征求意见的期限不少于十个工作日。\n", encoding="utf-8")
    updated = ingest_paths([local], settings=s)
    assert updated.instruments_updated == 1 and updated.instruments == 4
    kb = KnowledgeBase(current_generation(s), s)
    assert "十个工作日" in kb.article("某县行政规范性文件管理规定", 2).text

    set_instrument_status("某县行政规范性文件管理规定", Status.REPEALED, "2026年废止", settings=s)
    kb = KnowledgeBase(current_generation(s), s)
    hits = kb.search("公开征求意见的期限 工作日", 10, status=["已废止"])
    assert (hits[0].article.instrument_title, hits[0].article.label) == ("某县行政规范性文件管理规定", "第二条")
    assert all(h.article.status == Status.REPEALED for h in hits)


def test_bad_paths_are_input_errors(tmp_path, tiny_sources):
    s = tiny_settings(tmp_path, tiny_sources)
    with pytest.raises(InputError, match="不存在"):
        ingest_paths([tmp_path / "nope"], settings=s)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.md").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="没有可导入的文件，知识库未改动：.*a.md：文件为空"):
        ingest_paths([empty], settings=s)  # nothing ingestible: an error, and no knowledge base built for nothing
    assert current_generation(s) is None
    (empty / "b.md").write_text("某县管理办法\n\n第一条　本办法自公布之日起施行。\n", encoding="utf-8")
    result = ingest_paths([empty], settings=s)  # one readable file: ingested, the empty one listed
    assert [x["reason"] for x in result.skipped] == ["a.md：文件为空。请检查是否选错了文件，或重新保存后再上传"]
    assert result.instruments == 4
    with pytest.raises(InputError, match="有 1 个文件无法导入（--strict）"):
        ingest_paths([empty], settings=s, strict=True)


def test_second_writer_is_refused_while_the_lock_is_held(tmp_path, tiny_sources):
    s = tiny_settings(tmp_path, tiny_sources)
    with kb_lock(s):
        with pytest.raises(LockBusy, match="另一个导入任务"):
            ingest_default(s)


def test_missing_knowledge_base_says_how_to_build_it(tmp_path):
    from assistant.errors import KnowledgeBaseMissing

    with pytest.raises(KnowledgeBaseMissing, match="fashen ingest"):
        open_kb(Settings(home=tmp_path / "none"))


def test_killing_an_ingest_leaves_the_previous_knowledge_base_usable(tmp_path, tiny_sources):
    s = tiny_settings(tmp_path, tiny_sources)
    before = ingest_default(s)
    many = tmp_path / "many"
    many.mkdir()
    for i in range(400):
        (many / f"doc{i}.md").write_text(f"# 某县第{i}号管理办法\n\n第一条　为了管理第{i}项事务，制定本办法。\n",
                                         encoding="utf-8")
    script = textwrap.dedent(f"""
        from pathlib import Path
        from assistant.config import Settings
        from assistant.kb.ingest import ingest_paths
        s = Settings(home={str(s.home)!r}, kb={{"include_laws_db": False, "embedder": "none", "packs": [],
                     "sources_dir": {str(tiny_sources)!r}}})
        ingest_paths([Path({str(many)!r})], settings=s)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.startswith(".building-") for p in s.kb_dir.iterdir()):
        time.sleep(0.05)
    time.sleep(0.3)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gen = current_generation(s)
    assert gen.name == before.generation
    kb = KnowledgeBase(gen, s)
    assert kb.catalog.counts() == (3, before.articles)
    assert kb.search("行政处罚法第十六条", 1)[0].article.label == "第十六条"
    # The lock died with the process: the next ingest works and clears the half-built generation.
    after = ingest_default(s.model_copy(update={"kb": s.kb.model_copy(update={"include_laws_db": False})}))
    assert not after.changed
    ingest_paths([many / "doc1.md"], settings=s)
    assert not any(p.name.startswith(".building-") for p in s.kb_dir.iterdir())


def test_dense_search_with_the_embedded_store(tmp_path, tiny_sources):
    s = tiny_settings(tmp_path, tiny_sources, embedder="use-m3")
    result = ingest_default(s)
    assert result.embedded == result.articles
    kb = KnowledgeBase(current_generation(s), s)
    hits = kb.search("重大行政决策要听取专家意见吗", 5, mode="dense")
    assert hits and all(h.matched_by == "dense" for h in hits)
    assert any(h.article.instrument_title == "重大行政决策程序暂行条例" for h in hits)
    again = ingest_default(s)
    assert again.embedded == 0 and not again.changed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.integration
def test_chroma_server_mode_against_a_real_chroma_run(tmp_path, tiny_sources):
    chroma = shutil.which("chroma")
    if chroma is None:
        pytest.skip("the chroma CLI (from the chromadb package) is not on PATH")
    port = _free_port()
    server = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        url = f"http://127.0.0.1:{port}"
        s = tiny_settings(tmp_path, tiny_sources, embedder="use-m3", chroma_url=url)
        result = ingest_default(s)
        assert result.embedded == result.articles
        gen = current_generation(s)
        assert gen.meta["chroma_url"] == url
        assert not (gen.path / "chroma").exists()  # vectors live on the server
        kb = KnowledgeBase(gen, s)
        assert kb.dense.count() == result.articles
        assert kb.search("公平竞争审查的对象", 5, mode="dense")
    finally:
        server.terminate()
        server.wait(timeout=10)
