"""What the HTTP API and the MCP server do, written once: each job is the CLI's library call, its result in the CLI's
JSON shape (`fashen search|cite-check|review|ask|kb stats --format json`), so every surface gives the same answer.

A `Service` is what one worker process holds: its settings, the current knowledge base (opened by this process,
reopened when an ingest switches the generation) and the rule catalog verified against it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from assistant.config import Settings, get_settings
from assistant.errors import InputError, NotFound
from assistant.kb.base import KnowledgeBase, open_kb
from assistant.models import Article, DocType, ReviewReport, Stage
from assistant.text.numerals import CN_NUM, article_label, cn_to_int

log = logging.getLogger(__name__)


class Upload(NamedTuple):
    """A file sent to the service: the name the client gave it and its bytes."""

    name: str
    data: bytes


class Service:
    """The knowledge base and rule catalog one process serves from (read-only; thread-safe)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._rules: tuple[str, Any] | None = None
        self._lock = threading.Lock()

    def kb(self) -> KnowledgeBase:
        """The current generation (KnowledgeBaseMissing when none was built)."""
        return open_kb(self.settings)

    def rules(self, kb: KnowledgeBase) -> Any:
        """The rule catalog verified against `kb`, loaded once per generation."""
        from assistant.review.rules import load_rules

        with self._lock:
            if self._rules is None or self._rules[0] != kb.generation.name:
                self._rules = (kb.generation.name, load_rules(catalog=kb.catalog))
            return self._rules[1]

    def warm_up(self) -> None:
        """Open everything a first request would wait for: the catalog, the embedder and vectors, the rules."""
        kb = self.kb()
        kb.search("预热", 10)
        self.rules(kb)


# -- search, articles, citations ------------------------------------------------------------------------------

def hit_dict(h) -> dict[str, Any]:
    """One search hit in the DESIGN §5 shape (as `fashen search --format json`, key for key)."""
    a = h.article
    return {"instrument": a.instrument_title, "article": a.label, "article_no": a.number, "text": a.text,
            "level": a.level, "status": a.status, "score": round(h.score, 6), "matched_by": h.matched_by,
            "chapter": a.chapter, "region": a.region}


def article_dict(a: Article) -> dict[str, Any]:
    """One article: the hit shape without the score, with its paragraphs (款)."""
    return {"instrument": a.instrument_title, "article": a.label, "article_no": a.number, "text": a.text,
            "level": a.level, "status": a.status, "chapter": a.chapter, "region": a.region,
            "paragraphs": list(a.paragraphs)}


def search(kb: KnowledgeBase, query: str, k: int = 10, *, mode: str = "hybrid", level: list[str] | None = None,
           region: list[str] | None = None, status: list[str] | None = None,
           instrument: list[str] | None = None) -> dict[str, Any]:
    """`fashen search QUERY --format json`."""
    from assistant.kb.fusion import SearchMode

    if not (query or "").strip():
        raise InputError("检索内容为空。请输入问题或条文引用，例如：fashen search \"镇政府的文件能不能规定罚款\"")
    try:
        mode_v = SearchMode(mode)
    except ValueError:
        raise InputError(f"未知的检索方式 {mode!r}；可选：{', '.join(m.value for m in SearchMode)}。") from None
    hits = kb.search(query, k, mode=mode_v, level=level or None, region=region or None, status=status or None,
                     instrument=instrument or None)
    return {"query": query, "hits": [hit_dict(h) for h in hits]}


_ARTICLE = re.compile(rf"^第?\s*({CN_NUM}|\d+)\s*条?(?:\s*之\s*({CN_NUM}|\d+))?$")


def article(kb: KnowledgeBase, instrument: str, label: str) -> dict[str, Any]:
    """One article by instrument (full title, short title or alias) and number (16, 第十六条, 第十条之一)."""
    m = _ARTICLE.match((label or "").strip())
    if not m:
        raise InputError(f"无法识别的条号 {label!r}；请写成 16、第十六条 或 第十条之一。")
    number, suffix = cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else 0
    inst = kb.catalog.resolve(instrument)
    if inst is None:
        raise NotFound(f"知识库中没有《{instrument}》。请核对名称，或先检索：/v1/search?q={instrument}")
    found = kb.catalog.get_article(inst.id, number, suffix)
    if found is None:
        raise NotFound(f"《{inst.title}》共 {kb.catalog.max_article(inst.id)} 条，没有{article_label(number, suffix)}。")
    return article_dict(found)


def cite_check(kb: KnowledgeBase, source: Upload | str, settings: Settings | None = None, *,
               on: str | None = None) -> dict[str, Any]:
    """`fashen cite-check FILE [--date YYYY-MM-DD] --format json`, for an uploaded file or a text; "file" is the
    upload's name. Citations are checked against the versions in force on `on`, else on the text's own date."""
    from datetime import date

    from assistant.documents.readers import read_document
    from assistant.kb.citations import check_text
    from assistant.review.dates import review_date_of
    from assistant.review.dossier import infer_title

    settings = settings or get_settings()
    if isinstance(source, str):
        if not source.strip():
            raise InputError("要核查的文本为空。请在 text 中给出文字，或上传文件（file）。")
        source, name = Upload("", source.encode("utf-8")), None
    else:
        name = source.name
    doc = read_document(source.data, source.name or "文本.txt", max_bytes=int(settings.kb.max_file_mb * 2**20))
    try:
        as_of = date.fromisoformat(on) if on else review_date_of(doc.text, [])
    except ValueError:
        raise InputError(f"日期 {on!r} 无效，应写作 YYYY-MM-DD，如 2020-05-01。") from None
    title = infer_title(doc.text)
    cites = check_text(doc.text, kb.catalog, self_titles=() if title.startswith("第") else (title,), as_of=as_of)
    return {"file": name, "as_of": as_of.isoformat(),
            "citations": [c.model_dump(mode="json", exclude={"quote"}) for c in cites]}


# -- review and drafting --------------------------------------------------------------------------------------

def _save(uploads: Sequence[Upload], folder: Path) -> list[Path]:
    """Each upload in its own sub-folder under its safe base name, so names stay as sent (never a path)."""
    from assistant.documents.readers import safe_filename

    paths = []
    for n, up in enumerate(uploads):
        path = folder / str(n) / safe_filename(up.name or "未命名文件")
        path.parent.mkdir()
        path.write_bytes(up.data)
        paths.append(path)
    return paths


def review(service: Service, draft: Upload, materials: Sequence[Upload] = (), *, doc_type: str | None = None,
           stage: str | None = None, issuer: str | None = None, title: str | None = None, explain: bool = False,
           user: str | None = None) -> ReviewReport:
    """Review an uploaded draft with its materials (`fashen review DRAFT -m … [--explain]`); the audit log records
    `user`."""
    from assistant.audit import file_inputs, record_review
    from assistant.review import run_review
    from assistant.review.pipeline import read_dossier

    dt = DocType.parse(doc_type) if doc_type else None
    st = Stage.parse(stage) if stage else None
    kb = service.kb()
    rules = service.rules(kb)
    with tempfile.TemporaryDirectory(prefix="fashen-api-") as tmp:
        paths = _save([draft, *materials], Path(tmp))
        dossier = read_dossier(paths[0], paths[1:], doc_type=dt, stage=st, issuer=issuer or None, title=title or None)
        report = run_review(dossier, kb=kb, settings=service.settings, rules=rules, explain=explain)
        record_review(report, service.settings, file_inputs(paths), user=user)
    return report


def opinion(report: ReviewReport, fmt: str = "docx", *, office: str | None = None, settings: Settings | None = None,
            user: str | None = None) -> bytes:
    """The 合法性审查意见书 for a report (`fashen draft report.json -o 意见书.docx|.md`) as bytes."""
    from io import BytesIO

    from assistant.audit import AuditInput, record_review
    from assistant.drafting.opinion import build_opinion
    from assistant.drafting.writers import to_docx, to_markdown

    if fmt not in ("docx", "md"):
        raise InputError(f"不支持的输出格式 {fmt!r}；请用 docx 或 md。")
    built = build_opinion(report, office=office or None)
    if fmt == "md":
        data = to_markdown(built).encode("utf-8")
    else:
        buf = BytesIO()
        to_docx(built, buf)
        data = buf.getvalue()
    digest = hashlib.sha256(report.model_dump_json().encode("utf-8")).hexdigest()
    record_review(report, settings, [AuditInput(name="report.json", sha256=digest)], kind="draft", user=user)
    return data


# -- answers and the knowledge base -----------------------------------------------------------------------------

def ask(service: Service, question: str, history: Any = None, *, user: str | None = None) -> dict[str, Any]:
    """`fashen ask QUESTION --format json`, plus the conversation to send back with a follow-up (那规章呢？)."""
    from assistant.answer import Conversation
    from assistant.answer import ask as ask_fn
    from assistant.answer_render import answer_to_json_dict
    from assistant.audit import record_answer

    conversation = history if isinstance(history, Conversation) else Conversation.model_validate(history or {})
    kb = service.kb()
    answer = ask_fn(question, kb=kb, settings=service.settings, history=conversation)
    record_answer(answer, service.settings, kb=kb, user=user)
    return answer_to_json_dict(answer) | {"history": conversation.model_dump(mode="json")}


def kb_stats(kb: KnowledgeBase) -> dict[str, Any]:
    """`fashen kb stats --format json`."""
    return kb.catalog.stats() | {"generation": kb.generation.name, "embedder": kb.embedder_name}


def instruments(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """What the knowledge base holds, one line per instrument (`fashen kb list --format json`, shorter)."""
    return [{"title": i.title, "level": i.level, "status": i.status, "region": i.region, "articles": i.article_count,
             "promulgation_date": i.promulgation_date.isoformat() if i.promulgation_date else None}
            for i in kb.catalog.instruments()]


def instrument_text(kb: KnowledgeBase, name: str) -> str:
    """An instrument's full text as Markdown (title, status, then each article under its label)."""
    inst = kb.catalog.resolve(name)
    if inst is None:
        raise NotFound(f"知识库中没有《{name}》。请核对名称。")
    head = f"# {inst.title}\n\n{inst.level}　{inst.status}" + (f"　{inst.region}" if inst.region else "")
    body = "\n\n".join(f"**{a.label}**　{a.text}" for a in kb.catalog.articles_of(inst.id))
    return f"{head}\n\n{body}\n"
