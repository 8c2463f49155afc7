"""Saved reviews and chat histories: saved, listed per user, reopened as they were, deleted with their stored texts
(nothing left in the SQLite file or its log), and the same in a real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import InputError
from assistant.models import Answer, Clause, DocType, Finding, Material, Opinion, ReviewReport
from assistant.review.decisions import Action, Decision, Decisions
from assistant.sessions import ReviewSession, SessionStore

MARKER = "独一无二的草案原文七号"


def report(title: str = "青禾县某办法") -> ReviewReport:
    return ReviewReport(title=title, doc_type=DocType.NORMATIVE,
                        clauses=[Clause(location="第三条", number=3, text=f"{MARKER}，处二千元罚款。")],
                        materials=[Material(name="起草说明.md", text=f"起草说明全文：{MARKER}")],
                        findings=[Finding(code="C.PENALTY", location="第三条", title="设定罚款"),
                                  Finding(code="P.PUBLIC_COMMENT", title="未公开征求意见")])


def opinion() -> Opinion:
    from datetime import date

    return Opinion(title="意见书", addressee="青禾县人民政府", intro=MARKER, process="", conclusion="合法",
                   conclusion_text="", signature="青禾县司法局", date=date(2026, 5, 1))


def store_in(tmp_path: Path, **kw) -> SessionStore:
    return SessionStore(Settings(home=tmp_path / "home", **kw))


def test_a_session_is_saved_listed_per_user_and_reopened_as_it_was(tmp_path):
    store = store_in(tmp_path)
    mine = store.save(ReviewSession(user="张三", report=report("甲办法"), draft_file="草案.docx"),
                      {"草案.docx": b"PK-draft-bytes"})
    store.save(ReviewSession(user="李四", report=report("乙办法")))
    mine.decisions = Decisions(decisions=[Decision(finding="C.PENALTY@第三条", action=Action.REJECT, reason="已援引")])
    mine.opinion = opinion()
    store.save(mine)

    assert [(s.title, s.findings, s.kept) for s in store.list(user="张三")] == [("甲办法", 2, 1)]
    assert [s.user for s in store.list()] == ["张三", "李四"]  # the latest saved first
    back = store.get(mine.id)
    assert back.report == mine.report and back.decisions == mine.decisions and back.opinion == mine.opinion
    assert back.created == mine.created and back.user == "张三"
    assert store.file(mine.id, "草案.docx") == b"PK-draft-bytes"
    with pytest.raises(InputError, match="fashen review list"):
        store.get(mine.id, user="李四")  # another user's session is not theirs to open


def test_deleting_a_session_leaves_none_of_its_text_on_disk(tmp_path):
    store = store_in(tmp_path)
    kept = store.save(ReviewSession(user="张三", report=report("留下的")))
    gone = store.save(ReviewSession(user="张三", report=report(), opinion=opinion()), {"草案.md": MARKER.encode()})
    files = lambda: list((tmp_path / "home").glob("sessions.sqlite*"))  # noqa: E731
    assert any(MARKER.encode() in f.read_bytes() for f in files())
    assert not store.delete(gone.id, user="李四") and store.get(gone.id)
    assert store.delete(gone.id)
    assert [s.id for s in store.list()] == [kept.id] and store.file(gone.id, "草案.md") is None
    # the kept session still holds the marker in its report: delete it too, then nothing may remain
    assert store.delete(kept.id)
    assert not any(MARKER.encode() in f.read_bytes() for f in files())
    assert not store.delete(gone.id)


def test_chat_history_is_kept_per_user_and_cleared(tmp_path):
    store = store_in(tmp_path)
    store.add_turn("张三", Answer(question="规范性文件可以设定罚款吗？", answer="不可以。"))
    store.add_turn("李四", Answer(question="别人的问题", answer="……"))
    store.add_turn("张三", Answer(question="那规章呢？", answer="规章可以设定警告、通报批评或者一定数额罚款。"))
    assert [t.question for t in store.history("张三")] == ["规范性文件可以设定罚款吗？", "那规章呢？"]
    assert [t.question for t in store.history("张三", limit=1)] == ["那规章呢？"]
    assert store.clear_history("张三") == 2 and store.history("张三") == []
    assert [t.question for t in store.history("李四")] == ["别人的问题"]


@pytest.mark.slow
def test_sessions_and_history_in_a_real_postgresql_server(postgres_url, tmp_path):
    store = store_in(tmp_path, audit_url=postgres_url)
    assert store.target == postgres_url and not (tmp_path / "home" / "sessions.sqlite").exists()
    s = store.save(ReviewSession(user="张三", report=report(), opinion=opinion()), {"草案.docx": b"\x00\x01PK"})
    assert store.get(s.id).opinion == s.opinion and store.file(s.id, "草案.docx") == b"\x00\x01PK"
    assert [x.id for x in store.list(user="张三")] == [s.id]
    store.add_turn("张三", Answer(question="问", answer="答"))
    assert [t.answer.answer for t in store.history("张三")] == ["答"]
    assert store.delete(s.id) and store.list() == [] and store.file(s.id, "草案.docx") is None
