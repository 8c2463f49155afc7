"""Privacy: the logs hold no draft or material text unless debug is set; an API key is never logged, serialised or
shown; the audit log keeps hashes and titles, never the text."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from assistant.config import Settings, get_settings
from tests.llm.fakes import FakeProvider
from tests.llm.openai_server import openai_server

MARKER = "甲乙丙丁内部标记7Q3X"  # appears nowhere but in the draft and the material below
SECRET = "sk-privacy-test-4f9a8b7c6d5e"
DRAFT = f"""# 青禾县共享单车停放管理办法（送审稿）

第一条　为了规范共享单车停放秩序，结合本县实际，制定本办法。{MARKER}

第二条　违反本办法规定乱停乱放的，由县城市管理局对{MARKER}运营企业处以五万元罚款。

第三条　本办法自2026年1月1日起施行，有效期五年。
"""
NOTE = f"# 起草说明\n\n本办法起草过程中征求了县公安局意见。{MARKER}\n\n青禾县城市管理局\n2025年11月10日\n"


def _records_with(caplog, text: str) -> list[str]:
    out = []
    for r in caplog.records:
        shown = r.getMessage() + (r.exc_text or "") + (r.stack_info or "")
        if text in shown:
            out.append(f"{r.levelname} {r.name}: {shown[:200]}")
    return out


@pytest.fixture
def dossier_files(tmp_path):
    draft, note = tmp_path / "草案.md", tmp_path / "起草说明.md"
    draft.write_text(DRAFT, encoding="utf-8")
    note.write_text(NOTE, encoding="utf-8")
    return draft, note


def test_review_with_a_model_logs_no_draft_text_at_info(dossier_files, catalog, caplog, fashen_home):
    from assistant.audit import file_inputs, record_review
    from assistant.drafting.opinion import build_opinion
    from assistant.drafting.writers import to_markdown
    from assistant.review.dossier import load_files
    from assistant.review.engine import review
    from assistant.review.llm_review import augment

    settings = Settings(review={"use_llm": True}, llm={"provider": "openai", "base_url": "http://127.0.0.1:9/v1",
                                                       "model": "m", "send_drafts": True})
    # The model quotes the draft in proposals that fail validation: each one is dropped with a log line.
    proposals = json.dumps([{"code": "C.OBLIGATION", "location": "第一条", "evidence": f"制定本办法。{MARKER}不存在",
                             "basis": [], "title": MARKER},
                            {"code": "C.MADE_UP", "location": MARKER, "evidence": MARKER}], ensure_ascii=False)
    caplog.set_level(logging.INFO)
    draft, note = dossier_files
    dossier = load_files(draft, [note])
    report = review(dossier, catalog=catalog, settings=settings)
    report = augment(report, dossier.draft_text, settings, catalog, provider=FakeProvider([proposals]))
    assert any("丢弃 2 项" in n for n in report.notices) and any(MARKER in (f.evidence or "") for f in report.findings)
    to_markdown(build_opinion(report))
    assert record_review(report, settings, file_inputs([draft, note]))
    assert any("dropped a model proposal" in r.getMessage() for r in caplog.records)  # logging was captured
    assert _records_with(caplog, MARKER) == []
    # The audit log keeps the title and the files' hashes, not their text.
    assert MARKER.encode() not in (fashen_home / "audit.sqlite").read_bytes()

    caplog.clear()
    caplog.set_level(logging.DEBUG)
    augment(report, dossier.draft_text, settings, catalog, provider=FakeProvider([proposals]))
    assert _records_with(caplog, MARKER)  # debug may show it: the test would see a leak at INFO


def test_the_cli_with_v_logs_no_draft_text(dossier_files, small_settings, small_kb):
    draft, note = dossier_files
    env = {"FASHEN_HOME": str(small_settings.home), "FASHEN_KB__INCLUDE_LAWS_DB": "false",
           "FASHEN_KB__EMBEDDER": "none", "FASHEN_KB__PACKS": "", "PATH": "/usr/bin:/bin", "HOME": str(small_settings.home),
           "FASHEN_AUDIT_URL": f"sqlite:///{draft.parent / 'audit.sqlite'}"}
    res = subprocess.run([sys.executable, "-m", "assistant.cli", "-v", "review", str(draft), "-m", str(note),
                          "--format", "json"], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert MARKER in res.stdout  # the report quotes the draft to the user who asked for it …
    assert MARKER not in res.stderr  # … the log does not


def test_an_api_key_in_the_environment_is_never_serialised_shown_or_logged(monkeypatch, caplog, small_kb,
                                                                           small_settings):
    from assistant.answer import ask
    from assistant.llm.providers import get_provider

    monkeypatch.setenv("FASHEN_LLM_API_KEY", SECRET)
    monkeypatch.setenv("FASHEN_LLM__PROVIDER", "openai")
    monkeypatch.setenv("FASHEN_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("FASHEN_LLM__MODEL", "qwen-test")
    get_settings.cache_clear()
    settings = Settings()
    for shown in (repr(settings), str(settings), str(settings.model_dump()), settings.model_dump_json()):
        assert SECRET not in shown
    assert settings.llm.api_key_env == "FASHEN_LLM_API_KEY"  # the variable's name, never its value
    provider = get_provider(settings)
    assert SECRET not in repr(provider) and SECRET not in str(vars(provider))

    # An endpoint that echoes the key in its error: the answer falls back, and neither it nor the log shows the key.
    caplog.set_level(logging.DEBUG)
    body = json.dumps({"error": {"message": f"invalid key {SECRET}"}}).encode()
    with openai_server(["x"], status=401, body=body) as server:
        s = small_settings.model_copy(update={"llm": settings.llm.model_copy(update={
            "base_url": server.base_url, "max_retries": 0, "timeout_s": 5})})
        answer = ask("规范性文件可以设定罚款吗？", kb=small_kb, settings=s)
    assert server.headers and server.headers[0]["authorization"] == f"Bearer {SECRET}"  # the key was really used
    assert answer.backend == "none" and answer.notices
    assert SECRET not in answer.model_dump_json()
    assert _records_with(caplog, SECRET) == []


def test_a_key_in_the_secrets_file_stays_out_of_the_settings(fashen_home, monkeypatch):
    monkeypatch.delenv("FASHEN_LLM_API_KEY", raising=False)
    fashen_home.mkdir(parents=True, exist_ok=True)
    (fashen_home / "secrets.toml").write_text(f'[llm]\napi_key = "{SECRET}"\n', encoding="utf-8")
    from assistant.llm.providers import resolve_api_key

    settings = Settings()
    assert resolve_api_key(settings.llm.api_key_env, settings.home) == SECRET
    assert SECRET not in settings.model_dump_json() and SECRET not in repr(settings)


def test_with_default_settings_nothing_goes_over_the_network(dossier_files, small_kb, small_settings, monkeypatch):
    import socket

    from assistant.answer import ask
    from assistant.audit import file_inputs, record_review
    from assistant.drafting.opinion import build_opinion
    from assistant.review.dossier import load_files
    from assistant.review.engine import review
    from assistant.review.llm_review import augment

    attempts: list[object] = []
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError("network disabled by test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    draft, note = dossier_files
    settings = small_settings.model_copy(update={"review": small_settings.review.model_copy(update={"use_llm": True}),
                                                 "audit_url": f"sqlite:///{draft.parent / 'audit.sqlite'}"})
    assert settings.llm.provider == "none"
    dossier = load_files(draft, [note])
    report = augment(review(dossier, catalog=small_kb.catalog, settings=settings), dossier.draft_text, settings,
                     small_kb.catalog)
    build_opinion(report)
    record_review(report, settings, file_inputs([draft, note]))
    answer = ask("规范性文件可以设定罚款吗？", kb=small_kb, settings=settings)
    assert report.findings and answer.citations and answer.backend == "none"
    assert attempts == []
    assert (draft.parent / "audit.sqlite").is_file()
