"""The audit log: events recorded and read back (SQLite by default, PostgreSQL by URL), exported, written from
many threads and processes, never breaking the job it records; `fashen review|draft|ask` leave one event each."""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import subprocess
import sys
import types
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant import __version__
from assistant.audit import (
    AuditEvent,
    AuditKind,
    AuditLog,
    PostgresBackend,
    SQLiteBackend,
    audit_log,
    dossier_files,
    file_inputs,
    record_answer,
    record_review,
    redact_url,
)
from assistant.config import Settings
from assistant.errors import ConfigError, InputError
from assistant.models import Answer, Citation, DocType, Finding, ReviewReport
from tests.conftest import REVIEW_CASES

SHA = "0" * 64


def event(kind: str = "review", **kw) -> AuditEvent:
    fields = {"user": "张三", "inputs": [{"name": "draft.md", "sha256": SHA}], "kb_fingerprint": "fp1",
              "backend": "rules", "findings_count": 3, "summary": "某县管理办法"}
    return AuditEvent(kind=kind, **(fields | kw))


def report(title: str = "某县农贸市场管理办法（送审稿）") -> ReviewReport:
    return ReviewReport(title=title, doc_type=DocType.NORMATIVE, kb_fingerprint="6099761884b79646",
                        findings=[Finding(code="C.PENALTY", location="第七条", title="设定罚款", source="rule:x"),
                                  Finding(code="P.PUBLIC_COMMENT", title="未征求意见", source="rule:y")])


# -- the log ---------------------------------------------------------------------------------------------------------

def test_sqlite_by_default_in_the_data_directory(fashen_home):
    log = AuditLog()
    assert isinstance(log.backend, SQLiteBackend) and log.target == str(fashen_home / "audit.sqlite")
    log.record(event())
    assert (fashen_home / "audit.sqlite").is_file()


def test_events_come_back_newest_first_with_every_field():
    log = AuditLog()
    t0 = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)
    log.record(event(time=t0))
    log.record(event("answer", time=t0 + timedelta(hours=1), citations_count=2))
    got = log.list()
    assert [e.kind for e in got] == [AuditKind.ANSWER, AuditKind.REVIEW]
    first = got[1]
    assert first.time == t0 and first.user == "张三" and first.inputs[0].sha256 == SHA
    assert (first.kb_fingerprint, first.backend, first.findings_count, first.version) == ("fp1", "rules", 3, __version__)
    assert first.id is not None and got[0].id != first.id


def test_list_filters_by_kind_since_and_limit():
    log = AuditLog()
    t0 = datetime(2026, 5, 1, tzinfo=timezone.utc)
    for i in range(5):
        log.record(event("review" if i % 2 else "answer", time=t0 + timedelta(days=i)))
    assert len(log.list(limit=2)) == 2
    assert len(log.list(None)) == 5
    assert {e.kind for e in log.list(kind="review")} == {AuditKind.REVIEW} and len(log.list(kind="review")) == 2
    assert [e.time.day for e in log.list(since="2026-05-04T00:00+00:00")] == [5, 4]
    with pytest.raises(InputError, match="review"):
        log.list(kind="nope")
    with pytest.raises(InputError, match="2026-05-01"):
        log.list(since="yesterday")


def test_summary_is_cut_to_60_characters_and_times_are_utc():
    e = AuditEvent(kind="answer", summary="问" * 100, time=datetime(2026, 5, 1, 16, 0, tzinfo=timezone(timedelta(hours=8))))
    assert len(e.summary) == 60 and e.summary.endswith("…")
    assert e.time == datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc) and e.time.utcoffset() == timedelta(0)


def test_export_csv_and_jsonl(tmp_path):
    log = AuditLog()
    log.record(event(time=datetime(2026, 5, 1, tzinfo=timezone.utc)))
    log.record(event("answer", time=datetime(2026, 5, 2, tzinfo=timezone.utc), findings_count=None, citations_count=4))
    assert log.export(tmp_path / "a.csv") == 2
    rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8-sig")))
    assert [r["kind"] for r in rows] == ["review", "answer"]  # oldest first
    assert json.loads(rows[0]["inputs"]) == [{"name": "draft.md", "sha256": SHA}]
    assert rows[0]["user"] == "张三" and rows[1]["citations_count"] == "4" and rows[1]["findings_count"] == ""
    assert log.export(tmp_path / "a.jsonl", "jsonl", kind="answer") == 1
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert AuditEvent.model_validate_json(lines[0]).citations_count == 4
    with pytest.raises(InputError, match="csv"):
        log.export(tmp_path / "a.xml", "xml")


def test_writes_from_several_processes_all_arrive(fashen_home):
    code = ("from assistant.audit import AuditLog, AuditEvent\n"
            "import sys\nlog = AuditLog()\n"
            "for k in range(25): log.record(AuditEvent(kind='review', summary=f'{sys.argv[1]}-{k}'))\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(i)], env={**os.environ, "FASHEN_HOME": str(fashen_home)})
             for i in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    assert sorted(e.summary for e in AuditLog().list(None)) == sorted(f"{i}-{k}" for i in range(4) for k in range(25))


# -- inputs and helpers --------------------------------------------------------------------------------------------

@pytest.mark.skipif(not REVIEW_CASES.is_dir(), reason="../shared/evaldata/review/cases is not available")
def test_inputs_of_a_case_folder_are_its_draft_and_materials_with_the_readers_hash():
    from assistant.documents.readers import read_document

    case = next(REVIEW_CASES.glob("n01-*"))
    files = dossier_files(case)
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    assert [f.relative_to(case).as_posix() for f in files] == [spec["draft"], *spec["materials"]]
    inputs = file_inputs(files)
    assert inputs[0].name == "draft.md" and inputs[0].sha256 == read_document(case / "draft.md").sha256
    assert dossier_files(case / "draft.md", [case / "x.md"]) == [case / "draft.md", case / "x.md"]


def test_record_review_and_answer_carry_counts_fingerprint_backend_and_no_text(fashen_home):
    settings = Settings(user="李四")
    assert record_review(report(), settings, file_inputs([]), kind="draft")
    answer = Answer(question="规范性文件可以设定罚款吗？" * 10, answer="不能……", backend="none",
                    citations=[Citation(text="《行政处罚法》第十六条", verified=True)])
    kb = types.SimpleNamespace(fingerprint="fp-kb")
    assert record_answer(answer, settings, kb=kb)
    a, r = AuditLog(settings).list()
    assert (r.kind, r.user, r.findings_count, r.kb_fingerprint, r.backend) == (AuditKind.DRAFT, "李四", 2,
                                                                                "6099761884b79646", "rules")
    assert r.summary == "某县农贸市场管理办法（送审稿）"
    assert (a.kind, a.citations_count, a.kb_fingerprint, a.backend) == (AuditKind.ANSWER, 1, "fp-kb", "none")
    # The question is kept as its hash only: no word of it in the summary.
    assert a.summary == "问题（130 字）" and a.inputs[0].name == "question"
    assert a.inputs[0].sha256 == hashlib.sha256(answer.question.encode()).hexdigest()


def test_a_draft_without_a_title_line_is_summarised_by_its_file_name_never_its_text(fashen_home):
    from assistant.review.dossier import infer_title

    text = "违反本办法规定处以罚款经营者应当办理许可\n第一条　经营者应当办理许可。\n"
    untitled = report().model_copy(update={"title": infer_title(text), "draft": "草案.docx"})
    assert untitled.title.startswith("违反本办法")  # the report shows the first line, the audit log must not
    settings = Settings()
    record_review(untitled, settings)
    assert AuditLog(settings).list()[0].summary == "草案.docx"


def test_a_model_in_the_review_shows_in_the_backend(fashen_home):
    settings = Settings(review={"use_llm": True}, llm={"provider": "openai", "send_drafts": True})
    record_review(report(), settings)
    assert AuditLog(settings).list()[0].backend == "rules+openai"


def test_a_failing_audit_never_breaks_the_job_and_logs_no_secret(fashen_home, caplog):
    settings = Settings(audit_url="mysql://auditor:pa55word@db.example/audit")
    with caplog.at_level(logging.WARNING):
        assert record_review(report(), settings) is False
        assert record_answer(Answer(question="问", answer="答"), settings) is False
    assert "audit log not written" in caplog.text and "pa55word" not in caplog.text
    with pytest.raises(ConfigError, match="postgresql://"):
        AuditLog(settings)  # reading the log says what is wrong


def test_an_unwritable_log_is_a_warning(fashen_home, caplog, monkeypatch):
    log = audit_log()
    monkeypatch.setattr(log.backend, "insert", lambda e: (_ for _ in ()).throw(OSError("disk full")))
    with caplog.at_level(logging.WARNING):
        assert record_review(report(), Settings()) is False
    assert "OSError" in caplog.text


def test_redact_url():
    assert redact_url("postgresql://u:secret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact_url("postgresql://h/db") == "postgresql://h/db"


# -- PostgreSQL ------------------------------------------------------------------------------------------------------

class FakeConnection:
    """Enough of a psycopg connection to record the SQL the backend sends."""

    def __init__(self, log: list) -> None:
        self.log = log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.log.append((sql, params))
        return types.SimpleNamespace(fetchall=lambda: [])


def test_a_postgresql_url_goes_to_psycopg(monkeypatch):
    sent: list = []
    fake = types.ModuleType("psycopg")
    fake.Error = Exception
    fake.connect = lambda url, **kw: (sent.append(("connect", url)), FakeConnection(sent))[1]
    monkeypatch.setitem(sys.modules, "psycopg", fake)
    log = AuditLog(Settings(audit_url="postgresql://auditor@db.example:5432/fashen"))
    assert isinstance(log.backend, PostgresBackend) and log.target == "postgresql://auditor@db.example:5432/fashen"
    log.record(event())
    log.list(5, kind="review")
    assert sent[0] == ("connect", "postgresql://auditor@db.example:5432/fashen")
    assert "BIGSERIAL" in sent[1][0] and "TIMESTAMPTZ" in sent[1][0]
    insert = next(s for s in sent if isinstance(s, tuple) and str(s[0]).startswith("INSERT"))
    assert "%s" in insert[0] and "?" not in insert[0] and insert[1][1] == "review"
    select = next(s for s in sent if str(s[0]).startswith("SELECT"))
    assert "kind = %s" in select[0] and select[1] == ["review", 5]


def test_postgresql_without_psycopg_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg → ImportError
    with pytest.raises(ConfigError, match=r"pip install 'psycopg\[binary\]'"):
        AuditLog(Settings(audit_url="postgresql://localhost/fashen"))


@pytest.mark.slow
def test_a_real_postgresql_server(postgres_url, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    settings = Settings(audit_url=postgres_url)
    log = AuditLog(settings)
    t0 = datetime(2026, 5, 1, tzinfo=timezone.utc)
    log.record(event(time=t0))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: log.record(event("answer", time=t0 + timedelta(minutes=i + 1), summary=f"q{i}")),
                      range(16)))
    got = log.list(None)
    assert len(got) == 17 and got[-1].time == t0 and got[-1].inputs[0].sha256 == SHA
    assert [e.summary for e in log.list(3, kind="answer")] == ["q15", "q14", "q13"]
    assert len(log.list(None, since=t0 + timedelta(minutes=10))) == 7
    assert record_review(report(), settings)
    assert log.export(tmp_path / "pg.jsonl", "jsonl") == 18


# -- the CLI -----------------------------------------------------------------------------------------------------------

@pytest.fixture
def fashen(small_settings, small_kb, tmp_path):
    """Run `fashen …` against the session's small knowledge base, with an audit log of this test's own."""
    audit = tmp_path / "audit.sqlite"

    def _run(*args: str) -> subprocess.CompletedProcess:
        env = {"FASHEN_HOME": str(small_settings.home), "FASHEN_KB__INCLUDE_LAWS_DB": "false",
               "FASHEN_KB__EMBEDDER": "none", "FASHEN_KB__PACKS": "", "PATH": "/usr/bin:/bin", "HOME": str(small_settings.home),
               "FASHEN_AUDIT_URL": f"sqlite:///{audit}", "FASHEN_USER": "王五"}
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, env=env,
                              timeout=120)
    return _run


@pytest.mark.integration
@pytest.mark.skipif(not REVIEW_CASES.is_dir(), reason="../shared/evaldata/review/cases is not available")
def test_review_draft_and_ask_are_audited_and_listed(fashen, tmp_path, small_kb):
    case = next(REVIEW_CASES.glob("n01-*"))
    res = fashen("review", str(case), "--format", "json")
    assert res.returncode == 0, res.stderr
    review_json = json.loads(res.stdout)
    assert fashen("draft", str(case), "-o", str(tmp_path / "op.md")).returncode == 0
    res = fashen("ask", "规范性文件可以设定罚款吗？", "--format", "json")
    assert res.returncode == 0, res.stderr
    n_citations = len(json.loads(res.stdout)["citations"])

    res = fashen("audit", "list", "--format", "json")
    assert res.returncode == 0, res.stderr
    answer, draft, rev = json.loads(res.stdout)
    assert [e["kind"] for e in (answer, draft, rev)] == ["answer", "draft", "review"]
    assert {e["user"] for e in (answer, draft, rev)} == {"王五"}
    files = dossier_files(case)
    assert rev["inputs"] == [{"name": f.name, "sha256": hashlib.sha256(f.read_bytes()).hexdigest()} for f in files]
    assert rev["findings_count"] == len(review_json["findings"]) and draft["findings_count"] == rev["findings_count"]
    assert rev["kb_fingerprint"] == review_json["kb_fingerprint"] == small_kb.fingerprint == answer["kb_fingerprint"]
    assert rev["summary"] == review_json["title"] and rev["backend"] == "rules" and rev["version"] == __version__
    assert answer["citations_count"] == n_citations and answer["backend"] == "none"
    assert "知识库版本" in (tmp_path / "op.md").read_text(encoding="utf-8")

    assert fashen("audit", "list", "--kind", "draft", "--format", "json").stdout.count('"kind"') == 1
    text = fashen("audit", "list").stdout
    assert "审查" in text and "问答" in text and "王五" in text
    res = fashen("audit", "export", str(tmp_path / "audit.csv"))
    assert res.returncode == 0 and "3 条" in res.stdout
    assert len(list(csv.DictReader((tmp_path / "audit.csv").open(encoding="utf-8-sig")))) == 3
    res = fashen("audit", "list", "--kind", "nope")
    assert res.returncode == 2 and "review" in res.stderr


def test_a_bad_audit_url_is_exit_3_for_audit_and_harmless_for_search(small_settings, small_kb):
    env = {"FASHEN_HOME": str(small_settings.home), "FASHEN_KB__INCLUDE_LAWS_DB": "false",
           "FASHEN_KB__EMBEDDER": "none", "FASHEN_KB__PACKS": "", "PATH": "/usr/bin:/bin", "HOME": str(small_settings.home),
           "FASHEN_AUDIT_URL": "mysql://x/y"}
    res = subprocess.run([sys.executable, "-m", "assistant.cli", "audit", "list"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert res.returncode == 3 and "FASHEN_AUDIT_URL" in res.stderr
    res = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "行政处罚法第十六条"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert res.returncode == 0 and "第十六条" in res.stdout  # the failed audit write did not stop the answer
