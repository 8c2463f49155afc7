"""The article catalog: instruments and articles in SQLite, the source of truth for lookups and citation checks."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from assistant.models import NORMATIVE_LEVELS, Article, Instrument, Status

SCHEMA = """
CREATE TABLE IF NOT EXISTS instruments (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, data TEXT NOT NULL, content_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, instrument_id TEXT NOT NULL, number INTEGER NOT NULL, suffix INTEGER NOT NULL,
    ord INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_articles_instrument ON articles(instrument_id, number, suffix);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT NOT NULL, instrument_id TEXT NOT NULL, PRIMARY KEY (alias, instrument_id));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

PRC = "中华人民共和国"
_STRIP = re.compile(r"[《》〈〉<>\s\u3000“”\"]")
# A trailing version note such as （2021年修订） or (2007年版) is not part of the title.
_VERSION_NOTE = re.compile(r"[（(][^（）()]*(?:年|修订|修正|版)[^（）()]*[）)]$")


def normalize_title(name: str) -> str:
    """Strip 书名号, spaces and a trailing version note: the key titles and aliases are compared by."""
    name = _STRIP.sub("", name)
    return _VERSION_NOTE.sub("", name)


def article_id(instrument_id: str, number: int, suffix: int = 0) -> str:
    """Stable article id: <instrument-id>:<number>[-<suffix>]."""
    return f"{instrument_id}:{number}" + (f"-{suffix}" if suffix else "")


def content_hash(instrument: Instrument, articles: list[Article]) -> str:
    """Hash of what an instrument holds, to tell an unchanged re-ingest from an update."""
    h = hashlib.sha256()
    h.update(instrument.model_dump_json(exclude={"article_count"}).encode())
    for a in articles:
        h.update(a.model_dump_json().encode())
    return h.hexdigest()


class Catalog:
    """SQLite catalog of instruments and articles; thread-safe for readers (one connection per thread)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._aliases: dict[str, list[str]] | None = None
        with self._conn() as c:
            c.executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- writing -------------------------------------------------------------------------------------

    def upsert(self, instrument: Instrument, articles: list[Article]) -> bool:
        """Insert or replace an instrument and all its articles; False when nothing changed."""
        instrument = instrument.model_copy(update={"article_count": len(articles)})
        digest = content_hash(instrument, articles)
        conn = self._conn()
        row = conn.execute("SELECT content_hash FROM instruments WHERE id=?", (instrument.id,)).fetchone()
        if row and row[0] == digest:
            return False
        with conn:
            conn.execute("DELETE FROM articles WHERE instrument_id=?", (instrument.id,))
            conn.execute("DELETE FROM aliases WHERE instrument_id=?", (instrument.id,))
            conn.execute("INSERT OR REPLACE INTO instruments VALUES (?,?,?,?)",
                         (instrument.id, instrument.title, instrument.model_dump_json(), digest))
            conn.executemany("INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?)", [
                (a.id, instrument.id, a.number, a.suffix, i, a.model_dump_json()) for i, a in enumerate(articles)
            ])
            conn.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?)",
                             [(k, instrument.id) for k in self._alias_keys(instrument)])
        self._aliases = None
        return True

    def remove(self, instrument_id: str) -> bool:
        """Delete an instrument and its articles."""
        conn = self._conn()
        with conn:
            n = conn.execute("DELETE FROM instruments WHERE id=?", (instrument_id,)).rowcount
            conn.execute("DELETE FROM articles WHERE instrument_id=?", (instrument_id,))
            conn.execute("DELETE FROM aliases WHERE instrument_id=?", (instrument_id,))
        self._aliases = None
        return bool(n)

    def set_status(self, instrument_id: str, status: Status, note: str | None = None) -> Instrument:
        """Mark an instrument (and its articles) repealed/amended/current; the text stays findable."""
        inst = self.get_instrument(instrument_id)
        if inst is None:
            raise KeyError(instrument_id)
        inst = inst.model_copy(update={"status": status, "status_note": note or inst.status_note})
        arts = [a.model_copy(update={"status": status}) for a in self.articles_of(instrument_id)]
        self.upsert(inst, arts)
        return inst

    def set_meta(self, key: str, value: str) -> None:
        conn = self._conn()
        with conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))

    def get_meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _alias_keys(inst: Instrument) -> set[str]:
        keys = {normalize_title(inst.title)}
        for name in [inst.short_title, *inst.aliases]:
            if name:
                keys.add(normalize_title(name))
        if inst.title.startswith(PRC):
            keys.add(normalize_title(inst.title[len(PRC):]))
        return {k for k in keys if k}

    # -- reading -------------------------------------------------------------------------------------

    def get_instrument(self, instrument_id: str) -> Instrument | None:
        row = self._conn().execute("SELECT data FROM instruments WHERE id=?", (instrument_id,)).fetchone()
        return Instrument.model_validate_json(row[0]) if row else None

    def instruments(self) -> list[Instrument]:
        rows = self._conn().execute("SELECT data FROM instruments ORDER BY title").fetchall()
        return [Instrument.model_validate_json(r[0]) for r in rows]

    def has_pack(self, name: str) -> bool:
        """Whether instruments of a shipped pack (`region-上海`) were ingested."""
        like = f'%"source":"pack:{name}"%'
        return self._conn().execute("SELECT 1 FROM instruments WHERE data LIKE ? LIMIT 1", (like,)).fetchone() is not None

    def alias_map(self) -> dict[str, list[str]]:
        """Normalised alias → instrument ids (cached until the next write)."""
        if self._aliases is None:
            out: dict[str, list[str]] = {}
            for alias, iid in self._conn().execute("SELECT alias, instrument_id FROM aliases"):
                out.setdefault(alias, []).append(iid)
            self._aliases = out
        return self._aliases

    def resolve(self, name: str, *, as_of: date | None = None, region: str | None = None) -> Instrument | None:
        """Title, short title or alias → instrument; exact matches only, the version that answers by default
        first (or, with `as_of`, the version in force on that day); among equal titles, `region`'s own."""
        key = normalize_title(name)
        if not key:
            return None
        ids = self.alias_map().get(key) or self.alias_map().get(normalize_title(PRC + key)) or []
        found = [i for i in (self.get_instrument(x) for x in ids) if i]
        if not found:
            return None
        exact = [i for i in found if normalize_title(i.title) in (key, normalize_title(PRC + key))]
        pool = exact or found
        best = sorted(pool, key=lambda i: (not i.is_current_version, bool(region) and i.region not in (None, region),
                                           i.status != Status.CURRENT, i.article_count == 0,
                                           i.level in NORMATIVE_LEVELS))[0]
        return (self.version_on(best, as_of) or best) if as_of else best

    def versions(self, instrument: Instrument) -> list[Instrument]:
        """Every version of an instrument (same title and region), oldest first."""
        head_id = instrument.current_id or instrument.id
        ids = {instrument.id, head_id}
        for iid in self.alias_map().get(normalize_title(instrument.title).removeprefix(PRC), []):
            ids.add(iid)
        found = [i for i in (self.get_instrument(x) for x in ids) if i]
        same = [i for i in found if (i.current_id or i.id) == head_id]
        return sorted(same, key=lambda i: (i.version_date or date.min, i.id))

    def version_on(self, instrument: Instrument, day: date) -> Instrument | None:
        """The version in force on `day` (施行 on or before it, the latest such); None when the knowledge base
        holds no version that was in force then (its earliest started later)."""
        versions = self.versions(instrument)
        started = [v for v in versions if (v.in_force_from or date.min) <= day]
        return started[-1] if started else None

    def get_article(self, instrument_id: str, number: int, suffix: int = 0) -> Article | None:
        row = self._conn().execute("SELECT data FROM articles WHERE id=?",
                                   (article_id(instrument_id, number, suffix),)).fetchone()
        return Article.model_validate_json(row[0]) if row else None

    def get_articles(self, ids: Iterable[str]) -> dict[str, Article]:
        """Articles by id (missing ids are left out)."""
        ids = list(ids)
        out: dict[str, Article] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = f"SELECT id, data FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            out.update({r[0]: Article.model_validate_json(r[1]) for r in self._conn().execute(q, chunk)})
        return out

    def articles_of(self, instrument_id: str) -> list[Article]:
        rows = self._conn().execute("SELECT data FROM articles WHERE instrument_id=? ORDER BY ord",
                                    (instrument_id,)).fetchall()
        return [Article.model_validate_json(r[0]) for r in rows]

    def max_article(self, instrument_id: str) -> int:
        row = self._conn().execute("SELECT MAX(number) FROM articles WHERE instrument_id=?", (instrument_id,)).fetchone()
        return row[0] or 0

    def iter_articles(self, *, searchable: bool = False) -> Iterator[Article]:
        """Every article; `searchable`: only those of the versions that answer by default (the search indexes)."""
        keep = {i.id for i in self.instruments() if i.is_current_version} if searchable else None
        for iid, data in self._conn().execute("SELECT instrument_id, data FROM articles ORDER BY instrument_id, ord"):
            if keep is None or iid in keep:
                yield Article.model_validate_json(data)

    def articles_containing(self, needle: str) -> Iterator[Article]:
        """Articles whose text (or metadata) contains `needle`, read without parsing the others."""
        for (data,) in self._conn().execute("SELECT data FROM articles WHERE instr(data, ?) > 0", (needle,)):
            yield Article.model_validate_json(data)

    def article_ids(self) -> list[str]:
        return [r[0] for r in self._conn().execute("SELECT id FROM articles ORDER BY instrument_id, ord")]

    def counts(self) -> tuple[int, int]:
        """(instruments, articles)."""
        c = self._conn()
        return (c.execute("SELECT COUNT(*) FROM instruments").fetchone()[0],
                c.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def fingerprint(self) -> str:
        """Short hash of every instrument's content: equal fingerprints mean equal knowledge bases."""
        h = hashlib.sha256()
        for (digest,) in self._conn().execute("SELECT content_hash FROM instruments ORDER BY id"):
            h.update(digest.encode())
        return h.hexdigest()[:16]

    def stats(self) -> dict:
        """Instruments by level and status, for `fashen kb` and the app's 知识库 page."""
        by: dict[str, dict[str, int]] = {}
        regions: dict[str, int] = {}
        versions = 0
        for inst in self.instruments():
            if not inst.is_current_version:
                versions += 1
                continue
            by.setdefault(inst.level, {}).setdefault(inst.status, 0)
            by[inst.level][inst.status] += 1
            if inst.region:
                regions[inst.region] = regions.get(inst.region, 0) + 1
        n_inst, n_art = self.counts()
        return {"instruments": n_inst - versions, "versions": versions, "articles": n_art, "by_level": by,
                "regions": regions, "fingerprint": self.fingerprint()}


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
