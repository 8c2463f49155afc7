"""What every page shares: settings, the knowledge base and rule catalog (one per server, `st.cache_resource`),
per-session upload folders, progress bars, and the guard that turns any error into a readable message.

State that belongs to one user (the conversation, the uploaded files, the report, the opinion) lives in
`st.session_state`; heavy read-only objects (the knowledge base, the rules, the eval registry) are shared by
every session through `st.cache_resource` and keyed by the data directory and the knowledge-base generation,
so an ingest by one user is seen by all at their next rerun.
"""

from __future__ import annotations

import contextlib
import logging
import math
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.config import Settings, get_settings
from assistant.errors import FashenError, KnowledgeBaseMissing, RuleCatalogError
from webapp.render import md_escape

log = logging.getLogger("fashen.app")

DOC_TYPES = ["md", "txt", "docx", "pdf"]
KB_TYPES = ["md", "txt", "docx", "pdf", "html", "htm"]


def settings() -> Settings:
    """The process-wide settings (env FASHEN_…, fashen.toml)."""
    return get_settings()


# -- errors -----------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def guard(action: str) -> Iterator[None]:
    """Show any failure of `action` as a message in the page, never as a stack trace; the page goes on.

    Streamlit's own control flow (st.rerun, st.stop) derives from BaseException and passes through.
    """
    try:
        yield
    except FashenError as exc:
        st.error(md_escape(str(exc)), icon=":material/warning:")  # messages name files: data, not Markdown
    except Exception as exc:  # the page must stay usable whatever a library call raises
        log.exception("%s failed", action)
        st.error(md_escape(f"{action}失败：{type(exc).__name__}：{exc}。页面仍可继续使用；如问题反复出现，请把这条信息告诉管理员。"),
                 icon=":material/error:")


def app_user() -> str:
    """Who is using the app, for the audit log: the logged-in name, else settings.user, else "app"."""
    return st.session_state.get("user") or settings().user or "app"


# -- knowledge base and rules ----------------------------------------------------------------------------------

def generation() -> Any:
    """The current knowledge-base generation, or None when none has been built (cheap: reads one file)."""
    from assistant.kb.base import current_generation

    return current_generation(settings())


@st.cache_resource(show_spinner=False, max_entries=8)
def _open_kb(home: str, generation_name: str, _settings: Settings) -> Any:
    from assistant.kb.base import open_kb

    return open_kb(_settings)


def kb_or_none() -> Any:
    """The current knowledge base shared by all sessions, or None when it has not been built."""
    s = settings()
    gen = generation()
    if gen is None:
        return None
    return _open_kb(str(s.home), gen.name, s)


def require_kb() -> Any:
    """The current knowledge base; KnowledgeBaseMissing (a readable message) when there is none."""
    kb = kb_or_none()
    if kb is None:
        raise KnowledgeBaseMissing(str(settings().kb_dir))
    return kb


@st.cache_resource(show_spinner=False, max_entries=8)
def _load_rules(home: str, generation_name: str, _catalog: Any) -> tuple[Any, str | None]:
    from assistant.review.rules import load_rules

    try:
        return load_rules(catalog=_catalog), None
    except RuleCatalogError as exc:
        if _catalog is None:
            raise
        # A knowledge base without some instrument a rule cites still lets the review run; the bases are
        # then reported unverified instead of stopping the whole page.
        return load_rules(catalog=None), (f"部分规则的法律依据未能在当前知识库中核实（{exc}）。本次审查照常进行，"
                                          "规则依据标为〔未核实〕；导入完整知识库（fashen ingest）后可逐条核实。")


def rules_for(kb: Any) -> tuple[Any, str | None]:
    """The rule catalog verified against `kb` (loaded once per knowledge base) and a notice when it could not be."""
    name = kb.generation.name if kb is not None else "-"
    return _load_rules(str(settings().home), name, kb.catalog if kb is not None else None)


# -- uploads ------------------------------------------------------------------------------------------------------

def max_upload_mb() -> float:
    """The largest upload the app accepts (settings.app.max_upload_mb)."""
    return float(settings().app.max_upload_mb)


def uploader_limit() -> int:
    """The file uploader's own limit in whole MB: the server's (server.maxUploadSize, 200 MB by default), never
    below the app's. The browser refuses a file over it with Streamlit's English "File must be … or smaller";
    one under it reaches the app, which refuses anything over app.max_upload_mb with its own Chinese message."""
    return max(1, math.ceil(max_upload_mb()), int(st.get_option("server.maxUploadSize")))


def session_dir(name: str, *, fresh: bool = False) -> Path:
    """A folder private to this browser session (removed with the session); emptied first when `fresh`."""
    if "_tmpdir" not in st.session_state:
        # TemporaryDirectory removes itself when the session state is dropped.
        st.session_state["_tmpdir"] = tempfile.TemporaryDirectory(prefix="fashen-app-")
    path = Path(st.session_state["_tmpdir"].name) / name
    if fresh and path.exists():
        for p in path.iterdir():
            if p.is_file():
                p.unlink()
    path.mkdir(parents=True, exist_ok=True)
    return path


def too_big_message(name: str, size: int, limit_mb: float) -> str:
    """Why a file was refused, naming the limit and what to do."""
    shown = f"{size / 2**20:.1f} MB" if size >= 2**20 / 10 else f"{size / 1024:.1f} KB"
    return (f"文件《{md_escape(name)}》大小为 {shown}，超过上传上限 {limit_mb:g} MB，已拒绝。"
            "请压缩或拆分文件，或只上传正文部分（管理员可调整设置 app.max_upload_mb）。")


def save_uploads(files: list[Any], folder: str) -> tuple[list[Path], list[str]]:
    """Write uploaded files into this session's folder under safe names; files over the limit are refused.

    Returns the saved paths (in upload order) and the messages for refused files.
    """
    from assistant.documents.readers import safe_filename

    limit = max_upload_mb()
    target = session_dir(folder, fresh=True)
    saved: list[Path] = []
    refused: list[str] = []
    for f in files:
        size = getattr(f, "size", None)
        data = f.getvalue()
        size = len(data) if size is None else size
        if size > limit * 2**20:
            refused.append(too_big_message(f.name, size, limit))
            continue
        name = safe_filename(f.name)
        path = target / name
        n = 1
        while path.exists():
            stem, dot, ext = name.rpartition(".")
            path = target / (f"{stem}-{n}.{ext}" if dot else f"{name}-{n}")
            n += 1
        path.write_bytes(data)
        saved.append(path)
    return saved, refused


def refuse_oversized(files: list[Any]) -> list[Any]:
    """Show an error for each file over the limit and return the others."""
    limit = max_upload_mb()
    kept = []
    for f in files:
        if f.size > limit * 2**20:
            st.error(too_big_message(f.name, f.size, limit), icon=":material/warning:")
        else:
            kept.append(f)
    return kept


# -- downloads ------------------------------------------------------------------------------------------------------

def _expire_downloads() -> None:
    """Let Streamlit drop download files no session holds (a first pass marks them, a second deletes them)."""
    from streamlit import runtime

    if runtime.exists():
        runtime.get_instance().media_file_mgr.remove_orphaned_files()


def private_download(where: Any, label: str, make: Callable[[], bytes | str], *, file_name: str, mime: str,
                     key: str, **kw: Any) -> None:
    """A download button whose file exists only after a click in this session, and only for a short while.

    Streamlit serves download data from /media/<hash> to any client that has the URL, with no login, for as
    long as a session refers to it and a while after. Passed as a callable, the data is made only when this
    session's page asks for it over its own connection (a logged-in session: the button is behind the login),
    and the file is removed `settings.app.download_ttl_s` seconds later.
    """
    ttl = float(settings().app.download_ttl_s)

    def generate() -> bytes | str:
        data = make()
        for delay in (ttl / 2, ttl):  # the file is made unreferenced: two passes remove it
            timer = threading.Timer(delay, _expire_downloads)
            timer.daemon = True
            timer.start()
        return data

    where.download_button(label, generate, file_name=file_name, mime=mime, key=key, on_click="ignore", **kw)


# -- progress -------------------------------------------------------------------------------------------------------

INGEST_STAGES = {"instruments": "导入法规", "lexical": "建立词法索引", "embed": "向量化条文", "files": "读取文件"}


class IngestProgress:
    """An `st.progress` bar fed by the library's (stage, advance, total) callback, updated at most 10×/s."""

    def __init__(self) -> None:
        self.bar = st.progress(0.0, text="准备中…")
        self.done: dict[str, int] = {}
        self.last = 0.0

    def __call__(self, stage: str, advance: int, total: int | None) -> None:
        self.done[stage] = self.done.get(stage, 0) + advance
        now = time.monotonic()
        finished = total is not None and self.done[stage] >= total
        if now - self.last < 0.1 and not finished:
            return
        self.last = now
        label = INGEST_STAGES.get(stage, stage)
        if total:
            frac = min(self.done[stage] / total, 1.0)
            self.bar.progress(frac, text=f"{label}：{self.done[stage]}/{total}")
        else:
            self.bar.progress(0.0, text=f"{label}：已处理 {self.done[stage]}")

    def complete(self, text: str) -> None:
        self.bar.progress(1.0, text=text)


# -- small shared widgets ---------------------------------------------------------------------------------------

def kb_missing_notice(action: str) -> None:
    """Tell the user there is no knowledge base yet and where to build it."""
    st.error(f"{KnowledgeBaseMissing(str(settings().kb_dir))}（{action}需要知识库。）", icon=":material/library_books:")
    st.page_link("webapp/kb.py", label="前往「知识库」页建立默认知识库", icon=":material/arrow_forward:")
