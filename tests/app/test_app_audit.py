"""The app records every review, opinion and answer in the audit log under the logged-in user's name."""

from __future__ import annotations

import hashlib
import json

from assistant.audit import AuditKind, AuditLog
from assistant.config import get_settings
from tests.app.test_app import assert_no_traceback, new_app, review_uploads


def test_reviews_opinions_and_answers_in_the_app_are_audited_with_the_user(kb_home, draft_files, tmp_path, monkeypatch):
    monkeypatch.setenv("FASHEN_AUDIT_URL", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    monkeypatch.setenv("FASHEN_APP__USERS", json.dumps({"alice": hashlib.sha256(b"pw").hexdigest()}))
    get_settings.cache_clear()

    at = new_app()
    at.session_state["user"] = "alice"  # logged in
    review_uploads(at, draft_files)
    assert_no_traceback(at)
    report = at.session_state["review"]["report"]
    at.switch_page("webapp/opinion.py").run()
    at.button(key="opinion_build").click().run()
    assert_no_traceback(at)
    at.switch_page("webapp/chat.py").run()
    at.chat_input[0].set_value("行政处罚法第十六条是怎么规定的？").run()
    assert_no_traceback(at)
    answer = at.session_state["chat_messages"][1]["answer"]

    asked, drafted, reviewed = AuditLog(get_settings()).list()
    assert (reviewed.kind, reviewed.user, reviewed.findings_count) == (AuditKind.REVIEW, "alice", len(report.findings))
    assert [i.model_dump() for i in reviewed.inputs] == [
        {"name": name, "sha256": hashlib.sha256(data).hexdigest()} for name, data, _ in draft_files]
    assert reviewed.kb_fingerprint == report.kb_fingerprint and reviewed.summary == report.title
    assert (drafted.kind, drafted.user, drafted.findings_count) == (AuditKind.DRAFT, "alice", len(report.findings))
    assert (asked.kind, asked.user, asked.citations_count) == (AuditKind.ANSWER, "alice", len(answer.citations))
    assert asked.kb_fingerprint == report.kb_fingerprint


def test_without_login_the_app_records_the_configured_user(kb_home, draft_files, tmp_path, monkeypatch):
    monkeypatch.setenv("FASHEN_AUDIT_URL", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    monkeypatch.setenv("FASHEN_USER", "法制科")
    get_settings.cache_clear()
    review_uploads(new_app(), draft_files)
    assert [e.user for e in AuditLog(get_settings()).list()] == ["法制科"]
