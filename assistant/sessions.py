"""Saved work: review sessions (the inputs' hashes, the report, the reviewer's decisions, the 意见书 being edited and
the draft file itself, for its annotated copy) and each user's chat history.

Stored in `<FASHEN_HOME>/sessions.sqlite`, or in PostgreSQL when `FASHEN_AUDIT_URL=postgresql://…` (the audit log's
database: one place for a city's shared records). Deleting a session deletes its stored texts with it — the report
(which holds the draft's clauses and the materials' text), the opinion and the draft file; SQLite overwrites the
freed pages (`secure_delete`) and folds the write-ahead log back into the file, so the text does not linger on disk.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.audit import AuditInput, redact_url
from assistant.config import Settings, get_settings
from assistant.errors import ConfigError, InputError
from assistant.models import Answer, Opinion, ReviewReport
from assistant.review.decisions import Decisions, decided

_TABLES = [
    """CREATE TABLE IF NOT EXISTS review_sessions (id TEXT PRIMARY KEY, "user" TEXT, title TEXT NOT NULL,
       created {time} NOT NULL, updated {time} NOT NULL, findings INTEGER NOT NULL, kept INTEGER NOT NULL,
       data TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS session_files (session_id TEXT NOT NULL, name TEXT NOT NULL, data {blob} NOT NULL,
       PRIMARY KEY (session_id, name))""",
    """CREATE TABLE IF NOT EXISTS chat_turns (id {serial}, "user" TEXT NOT NULL, time {time} NOT NULL,
       question TEXT NOT NULL, answer TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS idx_sessions_user ON review_sessions(\"user\", updated)",
    "CREATE INDEX IF NOT EXISTS idx_chat_user ON chat_turns(\"user\", id)",
]


class ReviewSession(BaseModel):
    """One saved review: what was reviewed (names and hashes), the report, the decisions and the 意见书 draft."""

    id: str = Field(default_factory=lambda: secrets.token_hex(6))
    user: str | None = None
    created: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    updated: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    inputs: list[AuditInput] = Field(default_factory=list, description="the draft and the materials: name and sha256")
    draft_file: str | None = Field(None, description="name of the stored draft file (for the annotated copy)")
    report: ReviewReport
    decisions: Decisions = Field(default_factory=Decisions)
    opinion: Opinion | None = Field(None, description="the 意见书 as last edited")

    @property
    def title(self) -> str:
        return self.report.title

    def decided(self) -> ReviewReport:
        """The report as the reviewer decided (review.decisions.decided)."""
        return decided(self.report, self.decisions)


class SessionSummary(BaseModel):
    """A line of the session list."""

    id: str
    user: str | None
    title: str
    created: datetime
    updated: datetime
    findings: int = Field(description="what the review found")
    kept: int = Field(description="what the reviewer keeps (after rejections and additions)")


class ChatTurn(BaseModel):
    """A question and its answer, kept in a user's history."""

    id: int | None = None
    user: str
    time: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    question: str
    answer: Answer


# -- the database -------------------------------------------------------------------------------------------------

class _Database:
    """SQLite under FASHEN_HOME, or the PostgreSQL database FASHEN_AUDIT_URL names; a connection per call."""

    def __init__(self, settings: Settings) -> None:
        url = (settings.audit_url or "").strip()
        self.postgres = url.split(":", 1)[0].split("+", 1)[0].lower() in ("postgresql", "postgres")
        if self.postgres:
            try:
                import psycopg
            except ImportError:
                raise ConfigError("FASHEN_AUDIT_URL 指向 PostgreSQL，但未安装 psycopg；请运行 pip install 'psycopg[binary]'，"
                                  "或取消该设置以把审查记录保存在本地。") from None
            self._psycopg, self.url, self.target = psycopg, url, redact_url(url)
            kinds = {"time": "TIMESTAMPTZ", "blob": "BYTEA", "serial": "BIGSERIAL PRIMARY KEY"}
        else:
            self.path = settings.home / "sessions.sqlite"
            self.target = str(self.path)
            kinds = {"time": "TEXT", "blob": "BLOB", "serial": "INTEGER PRIMARY KEY AUTOINCREMENT"}
        try:
            if not self.postgres:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.connect() as conn:
                if not self.postgres:
                    conn.execute("PRAGMA journal_mode=WAL")
                for sql in _TABLES:
                    conn.execute(sql.format(**kinds))
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"审查记录库 {self.target} 无法打开（{type(exc).__name__}: {exc}）。"
                              "请检查 FASHEN_HOME 目录的权限。") from exc
        except Exception as exc:  # psycopg's errors: name the target, never the password
            if self.postgres and isinstance(exc, self._psycopg.Error):
                raise ConfigError(f"无法连接审查记录库 {self.target}（{type(exc).__name__}）。请检查 FASHEN_AUDIT_URL "
                                  "和数据库服务。") from None
            raise

    @contextmanager
    def connect(self) -> Iterator[Any]:
        if self.postgres:
            with self._psycopg.connect(self.url, connect_timeout=10) as conn:
                yield conn
            return
        with closing(sqlite3.connect(self.path, timeout=30)) as conn, conn:
            conn.execute("PRAGMA secure_delete=ON")
            yield conn

    def sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.postgres else text

    def time(self, when: datetime) -> Any:
        return when if self.postgres else when.astimezone(timezone.utc).isoformat(timespec="microseconds")

    def rows(self, text: str, params: tuple = ()) -> list[tuple]:
        with self.connect() as conn:
            return [tuple(r) for r in conn.execute(self.sql(text), params).fetchall()]

    def run(self, *statements: tuple[str, tuple]) -> int:
        """Run the statements in one transaction; how many rows the last one touched."""
        with self.connect() as conn:
            count = 0
            for text, params in statements:
                count = conn.execute(self.sql(text), params).rowcount
        return count

    def forget(self) -> None:
        """Fold SQLite's write-ahead log into the file, so deleted text does not stay in the log."""
        if not self.postgres:
            with closing(sqlite3.connect(self.path, timeout=30)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _when(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


# -- review sessions ------------------------------------------------------------------------------------------------

class SessionStore:
    """Save, list, reopen and delete review sessions and their files; keep each user's chat history."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.db = _Database(settings or get_settings())

    @property
    def target(self) -> str:
        """Where the sessions are kept (a file path, or a URL with its password hidden)."""
        return self.db.target

    def save(self, session: ReviewSession, files: dict[str, bytes] | None = None) -> ReviewSession:
        """Insert or replace the session (its `updated` time set now) and store the given files with it."""
        session = session.model_copy(update={"updated": datetime.now(timezone.utc)})
        kept = len(session.decided().findings)
        data = session.model_dump_json(exclude={"id", "user", "created", "updated"})
        statements = [
            ("DELETE FROM review_sessions WHERE id = ?", (session.id,)),
            ('INSERT INTO review_sessions (id, "user", title, created, updated, findings, kept, data) '
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
             (session.id, session.user, session.title, self.db.time(session.created), self.db.time(session.updated),
              len(session.report.findings), kept, data)),
        ]
        for name, blob in (files or {}).items():
            statements += [("DELETE FROM session_files WHERE session_id = ? AND name = ?", (session.id, name)),
                           ("INSERT INTO session_files (session_id, name, data) VALUES (?, ?, ?)",
                            (session.id, name, blob))]
        self.db.run(*statements)
        return session

    def get(self, session_id: str, *, user: str | None = None) -> ReviewSession:
        """The session; InputError when there is none with that id (for `user`, when given)."""
        rows = self.db.rows('SELECT id, "user", created, updated, data FROM review_sessions WHERE id = ?',
                            (session_id.strip(),))
        if not rows or (user is not None and rows[0][1] != user):
            raise InputError(f"没有编号为 {session_id} 的审查记录。用 `fashen review list` 查看已保存的审查。")
        sid, owner, created, updated, data = rows[0]
        return ReviewSession.model_validate(json.loads(data) | {"id": sid, "user": owner, "created": _when(created),
                                                                "updated": _when(updated)})

    def list(self, *, user: str | None = None, limit: int | None = 50) -> list[SessionSummary]:
        """The sessions, most recently updated first (of one user when given)."""
        sql = 'SELECT id, "user", title, created, updated, findings, kept FROM review_sessions'
        params: tuple = ()
        if user is not None:
            sql += ' WHERE "user" = ?'
            params = (user,)
        sql += " ORDER BY updated DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [SessionSummary(id=r[0], user=r[1], title=r[2], created=_when(r[3]), updated=_when(r[4]),
                               findings=r[5], kept=r[6]) for r in self.db.rows(sql, params)]

    def file(self, session_id: str, name: str) -> bytes | None:
        """A file stored with the session, or None."""
        rows = self.db.rows("SELECT data FROM session_files WHERE session_id = ? AND name = ?", (session_id, name))
        return bytes(rows[0][0]) if rows else None

    def delete(self, session_id: str, *, user: str | None = None) -> bool:
        """Delete the session and every file stored with it; False when there was none (of `user`, when given)."""
        owner = "" if user is None else ' AND "user" = ?'
        params = (session_id,) if user is None else (session_id, user)
        if not self.db.rows(f"SELECT id FROM review_sessions WHERE id = ?{owner}", params):
            return False
        self.db.run(("DELETE FROM session_files WHERE session_id = ?", (session_id,)),
                    ("DELETE FROM review_sessions WHERE id = ?", (session_id,)))
        self.db.forget()
        return True

    # -- chat history -------------------------------------------------------------------------------------------

    def add_turn(self, user: str, answer: Answer) -> ChatTurn:
        """Append a question and its answer to the user's history."""
        turn = ChatTurn(user=user, question=answer.question, answer=answer)
        self.db.run(('INSERT INTO chat_turns ("user", time, question, answer) VALUES (?, ?, ?, ?)',
                     (user, self.db.time(turn.time), turn.question, answer.model_dump_json())))
        return turn

    def history(self, user: str, *, limit: int | None = None) -> list[ChatTurn]:
        """The user's questions and answers, oldest first (the newest `limit` when given)."""
        sql = 'SELECT id, "user", time, question, answer FROM chat_turns WHERE "user" = ? ORDER BY id DESC'
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self.db.rows(sql, (user,))
        return [ChatTurn(id=r[0], user=r[1], time=_when(r[2]), question=r[3], answer=Answer.model_validate_json(r[4]))
                for r in reversed(rows)]

    def clear_history(self, user: str) -> int:
        """Delete the user's chat history; how many turns were deleted."""
        n = self.db.run(('DELETE FROM chat_turns WHERE "user" = ?', (user,)))
        self.db.forget()
        return n


_stores: dict[tuple[str, str], SessionStore] = {}
_lock = threading.Lock()


def session_store(settings: Settings | None = None) -> SessionStore:
    """The store for these settings (one per home and URL, the tables created once)."""
    settings = settings or get_settings()
    key = (str(settings.home), settings.audit_url or "")
    with _lock:
        if key not in _stores:
            _stores[key] = SessionStore(settings)
        return _stores[key]


def new_session(report: ReviewReport, files: list[Path], *, user: str | None, draft: Path | None = None) -> tuple[
        ReviewSession, dict[str, bytes]]:
    """A session for a fresh review of these files, and the draft's bytes to store with it."""
    from assistant.audit import file_inputs

    stored: dict[str, bytes] = {}
    if draft is not None and Path(draft).is_file():
        stored[Path(draft).name] = Path(draft).read_bytes()
    session = ReviewSession(user=user, inputs=file_inputs(files), report=report,
                            draft_file=next(iter(stored), None))
    return session, stored
