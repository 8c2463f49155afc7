"""The audit log: who reviewed or asked what, when, against which knowledge base, with which backend.

Every review, opinion, answer and ingest leaves one `AuditEvent`: time, kind, user, the sha256 of each input
file, the knowledge-base fingerprint, the backend, how many findings or citations came out, the fashen version
and a short summary: the draft's title when one is recognised, else its file name (never a line of its text); for
a question, only its length (the question itself is kept as its hash). With the file hashes and the fingerprint
a result can be reproduced and shown to be the one given.

Storage is SQLite at `<FASHEN_HOME>/audit.sqlite` by default (WAL, one connection per call, so threads and
processes can write at once) or PostgreSQL when `FASHEN_AUDIT_URL=postgresql://…` (psycopg, optional). The
`record_*` helpers never break the job they audit: a failed write is a warning in the log, and the job goes on.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import date, datetime, timezone
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field, field_validator

from assistant import __version__
from assistant.config import Settings, get_settings
from assistant.errors import ConfigError, InputError

log = logging.getLogger(__name__)

SUMMARY_CHARS = 60
COLUMNS = ("time", "kind", "user", "inputs", "kb_fingerprint", "backend", "findings_count", "citations_count",
           "version", "summary")


class AuditKind(StrEnum):
    REVIEW = "review"
    ANSWER = "answer"
    INGEST = "ingest"
    DRAFT = "draft"
    DECISION = "decision"
    ANNOTATE = "annotate"
    BATCH = "batch"


class AuditInput(BaseModel):
    """One input of an audited job: a file name (never its path's content) and the sha256 of its bytes."""

    name: str
    sha256: str


class AuditEvent(BaseModel):
    """One line of the audit log."""

    id: int | None = Field(None, description="row id, set when read back from the log")
    time: datetime = Field(default_factory=lambda: datetime.now(timezone.utc), description="UTC")
    kind: AuditKind
    user: str | None = None
    inputs: list[AuditInput] = Field(default_factory=list)
    kb_fingerprint: str | None = None
    backend: str | None = Field(None, description="rules | rules+<provider> | none | openai | llamacpp")
    findings_count: int | None = None
    citations_count: int | None = None
    version: str = __version__
    summary: str = Field("", description="title or file name, at most 60 characters; never draft or question text")

    @field_validator("summary")
    @classmethod
    def _short(cls, v: str) -> str:
        return v if len(v) <= SUMMARY_CHARS else v[: SUMMARY_CHARS - 1] + "…"

    @field_validator("time")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return (v if v.tzinfo else v.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


# -- storage backends ---------------------------------------------------------------------------------------

_CREATE = """CREATE TABLE IF NOT EXISTS audit_events (
    id {id_type}, time {time_type} NOT NULL, kind TEXT NOT NULL, "user" TEXT, inputs TEXT NOT NULL,
    kb_fingerprint TEXT, backend TEXT, findings_count INTEGER, citations_count INTEGER, version TEXT NOT NULL,
    summary TEXT NOT NULL)"""
_INDEX = "CREATE INDEX IF NOT EXISTS idx_audit_time ON audit_events(time)"
_INSERT = ('INSERT INTO audit_events (time, kind, "user", inputs, kb_fingerprint, backend, findings_count, '
           'citations_count, version, summary) VALUES ({p})')
_SELECT = ('SELECT id, time, kind, "user", inputs, kb_fingerprint, backend, findings_count, citations_count, '
           'version, summary FROM audit_events')


class Backend(Protocol):
    """Where events are kept: insert one, select the newest."""

    target: str

    def insert(self, event: AuditEvent) -> None: ...

    def select(self, limit: int | None, kind: str | None, since: datetime | None) -> list[AuditEvent]: ...


def _row(event: AuditEvent, time_value: Any) -> tuple[Any, ...]:
    inputs = json.dumps([i.model_dump() for i in event.inputs], ensure_ascii=False)
    return (time_value, event.kind.value, event.user, inputs, event.kb_fingerprint, event.backend,
            event.findings_count, event.citations_count, event.version, event.summary)


def _event(row: tuple[Any, ...]) -> AuditEvent:
    (id_, time_, kind, user, inputs, fp, backend, findings, citations, version, summary) = row
    when = time_ if isinstance(time_, datetime) else datetime.fromisoformat(time_)
    return AuditEvent(id=id_, time=when, kind=kind, user=user, inputs=json.loads(inputs or "[]"), kb_fingerprint=fp,
                      backend=backend, findings_count=findings, citations_count=citations, version=version,
                      summary=summary)


def _where(kind: str | None, since: datetime | None, placeholder: str, since_value: Any) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if kind:
        clauses.append(f"kind = {placeholder}")
        params.append(kind)
    if since is not None:
        clauses.append(f"time >= {placeholder}")
        params.append(since_value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _utc_text(when: datetime) -> str:
    # One fixed ISO format in UTC, so that SQLite's text comparison orders times correctly.
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


class SQLiteBackend:
    """A local SQLite file in WAL mode; a fresh connection per call (safe across threads and processes)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.target = str(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_CREATE.format(id_type="INTEGER PRIMARY KEY AUTOINCREMENT", time_type="TEXT"))
                conn.execute(_INDEX)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"审计日志 {self.path} 无法打开（{type(exc).__name__}: {exc}）。"
                              "请检查 FASHEN_HOME 目录的权限，或设置 FASHEN_AUDIT_URL。") from exc

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # `with conn` commits or rolls back; closing() releases the file handle.
        with closing(sqlite3.connect(self.path, timeout=30)) as conn, conn:
            yield conn

    def insert(self, event: AuditEvent) -> None:
        with self._connect() as conn:
            conn.execute(_INSERT.format(p=", ".join("?" * len(COLUMNS))), _row(event, _utc_text(event.time)))

    def select(self, limit: int | None, kind: str | None, since: datetime | None) -> list[AuditEvent]:
        where, params = _where(kind, since, "?", _utc_text(since) if since else None)
        sql = f"{_SELECT}{where} ORDER BY time DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        with self._connect() as conn:
            return [_event(r) for r in conn.execute(sql, params).fetchall()]


class PostgresBackend:
    """A PostgreSQL database (psycopg 3); a connection per call, the table created on first use."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise ConfigError("审计日志设置为 PostgreSQL（FASHEN_AUDIT_URL），但未安装 psycopg。"
                              "请运行 pip install 'psycopg[binary]'，或取消 FASHEN_AUDIT_URL 以使用本地 SQLite。") from None
        self._psycopg = psycopg
        self.url = url
        self.target = redact_url(url)
        try:
            with self._connect() as conn:
                conn.execute(_CREATE.format(id_type="BIGSERIAL PRIMARY KEY", time_type="TIMESTAMPTZ"))
                conn.execute(_INDEX)
        except psycopg.Error as exc:
            raise ConfigError(f"无法连接审计数据库 {self.target}（{type(exc).__name__}）。"
                              "请检查 FASHEN_AUDIT_URL、数据库服务和口令（PGPASSWORD 或 ~/.pgpass）。") from None

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        with self._psycopg.connect(self.url, connect_timeout=10) as conn:  # commits on success
            yield conn

    def insert(self, event: AuditEvent) -> None:
        with self._connect() as conn:
            conn.execute(_INSERT.format(p=", ".join(["%s"] * len(COLUMNS))), _row(event, event.time))

    def select(self, limit: int | None, kind: str | None, since: datetime | None) -> list[AuditEvent]:
        where, params = _where(kind, since, "%s", since)
        sql = f"{_SELECT}{where} ORDER BY time DESC, id DESC"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(int(limit))
        with self._connect() as conn:
            return [_event(tuple(r)) for r in conn.execute(sql, params).fetchall()]


def _sqlite_from_url(url: str) -> Backend:
    path = url.split(":", 1)[1].removeprefix("//")
    if not path or path == "/":
        raise ConfigError(f"审计日志地址 {url!r} 没有给出文件路径，应为 sqlite:///绝对路径/audit.sqlite。")
    return SQLiteBackend(Path(path))


# URL scheme → backend. An unknown scheme's error lists these.
BACKENDS: dict[str, Callable[[str], Backend]] = {
    "sqlite": _sqlite_from_url,
    "postgresql": PostgresBackend,
    "postgres": PostgresBackend,
}


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[-1]}"))


def _backend_for(settings: Settings) -> Backend:
    url = (settings.audit_url or "").strip()
    if not url:
        return SQLiteBackend(settings.home / "audit.sqlite")
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme not in BACKENDS:
        raise ConfigError(f"不支持的审计日志地址 {redact_url(url)!r}；FASHEN_AUDIT_URL 应以 "
                          f"{'、'.join(s + '://' for s in BACKENDS)} 开头，或不设置（使用 <FASHEN_HOME>/audit.sqlite）。")
    return BACKENDS[scheme](url)


# -- the log ----------------------------------------------------------------------------------------------

def _as_utc(since: datetime | date | str | None) -> datetime | None:
    if since is None or isinstance(since, datetime):
        when = since
    elif isinstance(since, date):
        when = datetime(since.year, since.month, since.day)
    else:
        try:
            when = datetime.fromisoformat(str(since).strip())
        except ValueError:
            raise InputError(f"无法识别的时间 {since!r}；请写成 2026-05-01 或 2026-05-01T08:00。") from None
    if when is not None and when.tzinfo is None:
        when = when.astimezone()  # a naive time is the user's local time
    return when.astimezone(timezone.utc) if when is not None else None


class AuditLog:
    """Record audit events and read them back; the storage follows settings.audit_url."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.backend = _backend_for(self.settings)

    @property
    def target(self) -> str:
        """Where the events go (a file path or a URL with its password hidden)."""
        return self.backend.target

    def record(self, event: AuditEvent) -> None:
        """Append one event."""
        self.backend.insert(event)

    def list(self, limit: int | None = 50, kind: AuditKind | str | None = None,
             since: datetime | date | str | None = None) -> list[AuditEvent]:
        """The newest events first, at most `limit` (None: all), of one kind and from `since` on when given."""
        if kind is not None:
            try:
                kind = AuditKind(kind).value
            except ValueError:
                raise InputError(f"未知的记录类型 {kind!r}；可选：{'、'.join(k.value for k in AuditKind)}。") from None
        return self.backend.select(limit, kind, _as_utc(since))

    def export(self, path: Path | str, fmt: str = "csv", *, kind: AuditKind | str | None = None,
               since: datetime | date | str | None = None) -> int:
        """Write every event (oldest first) to `path` as csv or jsonl; returns how many were written."""
        if fmt not in ("csv", "jsonl"):
            raise InputError(f"不支持的导出格式 {fmt!r}；可选：csv、jsonl。")
        events = list(reversed(self.list(None, kind=kind, since=since)))
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "jsonl":
            with path.open("w", encoding="utf-8") as fh:
                for e in events:
                    fh.write(e.model_dump_json() + "\n")
        else:
            # utf-8-sig: Excel, which offices open CSV files with, needs the BOM to read Chinese.
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["id", *COLUMNS])
                for e in events:
                    d = e.model_dump(mode="json")
                    d["inputs"] = json.dumps(d["inputs"], ensure_ascii=False)
                    writer.writerow([d["id"], *(d[c] for c in COLUMNS)])
        return len(events)


_logs: dict[tuple[str, str], AuditLog] = {}
_logs_lock = threading.Lock()


def audit_log(settings: Settings | None = None) -> AuditLog:
    """The audit log for these settings (one per home and URL; creating the table once)."""
    settings = settings or get_settings()
    key = (str(settings.home), settings.audit_url or "")
    with _logs_lock:
        if key not in _logs:
            _logs[key] = AuditLog(settings)
        return _logs[key]


# -- inputs -----------------------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes (the same value as Document.sha256 of that file)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_inputs(paths: Iterable[Path | str]) -> list[AuditInput]:
    """Name and sha256 of each readable file; folders and missing files are left out."""
    out: list[AuditInput] = []
    for p in paths:
        p = Path(p)
        if p.is_file():
            try:
                out.append(AuditInput(name=p.name, sha256=sha256_file(p)))
            except OSError as exc:
                log.warning("audit: cannot hash %s: %s", p.name, type(exc).__name__)
    return out


def dossier_files(path: Path, materials: Iterable[Path] = ()) -> list[Path]:
    """The files a review reads: the draft and its materials, or what a case folder's case.json names."""
    path = Path(path)
    if not path.is_dir():
        return [path, *map(Path, materials)]
    try:
        spec = json.loads((path / "case.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        spec = {}
    spec = spec if isinstance(spec, dict) else {}
    draft = spec.get("draft") or next((p.name for p in sorted(path.glob("draft.*")) if p.is_file()), None)
    names = spec.get("materials")
    if names is None:
        folder = path / "materials"
        names = [str(p.relative_to(path)) for p in sorted(folder.iterdir()) if p.is_file()] if folder.is_dir() else []
    return [path / n for n in ([draft] if draft else []) + list(names)]


def text_input(name: str, text: str) -> AuditInput:
    """A text that is not a file (a question): its sha256, so the log proves what was asked without keeping it."""
    return AuditInput(name=name, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


# -- helpers for the CLI and the app: never break the job ------------------------------------------------

def default_user(settings: Settings) -> str | None:
    """settings.user, else the operating-system login name."""
    if settings.user:
        return settings.user
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): the event is still recorded
        return None


def safe_record(event: AuditEvent, settings: Settings | None = None) -> bool:
    """Record the event; on any failure log a warning (no content) and return False instead of raising."""
    settings = settings or get_settings()
    try:
        audit_log(settings).record(event)
        return True
    except Exception as exc:  # the audit must never break the review or answer it records
        where = redact_url(settings.audit_url) if settings.audit_url else str(settings.home / "audit.sqlite")
        log.warning("audit log not written (%s, %s): %s", where, event.kind.value, type(exc).__name__)
        return False


def review_backend(report: Any, settings: Settings) -> str:
    """'rules', or 'rules+<provider>' when a model took part in the review."""
    used_llm = settings.review.use_llm and settings.llm.provider != "none" and settings.llm.send_drafts
    if used_llm or any(f.source == "llm" for f in report.findings):
        return f"rules+{settings.llm.provider}"
    return "rules"


def review_summary(report: Any) -> str:
    """The draft's title when one was recognised; else the draft's file name — never a line of its text."""
    from assistant.review.dossier import is_title

    title = report.title or ""
    return title if is_title(title) else (report.draft or "")


def record_review(report: Any, settings: Settings | None = None, inputs: Iterable[AuditInput] = (), *,
                  kind: AuditKind | str = AuditKind.REVIEW, user: str | None = None) -> bool:
    """Record a review (or, with kind='draft', an opinion drafted from one); never raises."""
    try:
        settings = settings or get_settings()
        event = AuditEvent(kind=AuditKind(kind), user=user or default_user(settings), inputs=list(inputs),
                           kb_fingerprint=report.kb_fingerprint, backend=review_backend(report, settings),
                           findings_count=len(report.findings), summary=review_summary(report))
    except Exception as exc:  # noqa: BLE001 - see safe_record
        log.warning("audit event not built (%s): %s", kind, type(exc).__name__)
        return False
    return safe_record(event, settings)


def record_decisions(report: Any, decisions: Any, settings: Settings | None = None, *, user: str | None = None,
                     session: str | None = None) -> bool:
    """Record the reviewer's decisions on a report: how many findings were kept, rejected, edited and added (the
    counts, never a reason's text); never raises."""
    try:
        from assistant.review.decisions import decision_counts

        settings = settings or get_settings()
        n = decision_counts(report, decisions)
        kept = n["accept"] + n["edit"] + n["pending"] + n["added"]
        summary = (f"审查决定：采纳 {n['accept']}，不采纳 {n['reject']}，修改 {n['edit']}，补充 {n['added']}"
                   + (f"（记录 {session}）" if session else ""))
        event = AuditEvent(kind=AuditKind.DECISION, user=user or default_user(settings),
                           kb_fingerprint=report.kb_fingerprint, backend="reviewer", findings_count=kept, summary=summary)
    except Exception as exc:  # noqa: BLE001 - see safe_record
        log.warning("audit event not built (decision): %s", type(exc).__name__)
        return False
    return safe_record(event, settings)


def record_batch(result: Any, settings: Settings | None = None, *, user: str | None = None) -> bool:
    """Record a batch review: the folder's name, how many documents and findings; never raises."""
    try:
        settings = settings or get_settings()
        found = sum(len(d.findings) for d in result.documents)
        event = AuditEvent(kind=AuditKind.BATCH, user=user or default_user(settings), kb_fingerprint=result.kb_fingerprint,
                           backend="rules", findings_count=found,
                           summary=f"批量审查：{result.folder}（{len(result.documents)} 份，无法审查 {len(result.failed)} 份）")
    except Exception as exc:  # noqa: BLE001 - see safe_record
        log.warning("audit event not built (batch): %s", type(exc).__name__)
        return False
    return safe_record(event, settings)


def record_answer(answer: Any, settings: Settings | None = None, *, kb: Any = None, user: str | None = None) -> bool:
    """Record an answer: the question's hash (never its text), backend, citations; never raises."""
    try:
        settings = settings or get_settings()
        fingerprint = None
        if kb is not None:
            try:
                fingerprint = kb.fingerprint
            except Exception:  # noqa: BLE001 - informative only
                fingerprint = None
        event = AuditEvent(kind=AuditKind.ANSWER, user=user or default_user(settings),
                           inputs=[text_input("question", answer.question or "")], kb_fingerprint=fingerprint,
                           backend=answer.backend, citations_count=len(answer.citations),
                           summary=f"问题（{len(answer.question or '')} 字）")
    except Exception as exc:  # noqa: BLE001 - see safe_record
        log.warning("audit event not built (answer): %s", type(exc).__name__)
        return False
    return safe_record(event, settings)


def record_ingest(result: Any, settings: Settings | None = None, paths: Iterable[Path] = (), *,
                  user: str | None = None) -> bool:
    """Record an ingest: the files given (hashed; folders by name in the summary) and the new fingerprint."""
    try:
        settings = settings or get_settings()
        paths = [Path(p) for p in paths]
        summary = "、".join(p.name for p in paths) if paths else "默认知识库"
        event = AuditEvent(kind=AuditKind.INGEST, user=user or default_user(settings), inputs=file_inputs(paths),
                           kb_fingerprint=result.fingerprint or None, backend=settings.kb.embedder,
                           summary=f"导入：{summary}（{result.instruments} 部，{result.articles} 条）")
    except Exception as exc:  # noqa: BLE001 - see safe_record
        log.warning("audit event not built (ingest): %s", type(exc).__name__)
        return False
    return safe_record(event, settings)
