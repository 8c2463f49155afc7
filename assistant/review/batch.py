"""Batch 备案审查: review every document of a folder — each case folder (with case.json) and each draft file — in N
processes, one `run_review` each. A document that cannot be read or reviewed is recorded with its reason and the
batch goes on; the result is rendered as a spreadsheet by assistant.drafting.spreadsheet.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import re
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, Field

from assistant.config import Settings, get_settings
from assistant.documents.readers import EXTENSIONS, safe_filename
from assistant.errors import FashenError, InputError
from assistant.models import DocType, Finding, Stage

log = logging.getLogger(__name__)

# 宝月府〔2017〕108号, 沪府规〔2024〕4号, 浦府[2023]7号, 苏政办发（2025）12号
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}\s*[〔［\[（(【]\s*(?:19|20)\d{2}\s*[〕］\]）)】]\s*第?\s*\d{1,5}\s*号")

Progress = Callable[[int, int, str], None]  # (done, total, the document just finished)
# A folder's index or read-me is not a draft (shared/realdocs has INDEX.md beside its case folders).
_NOT_DRAFTS = {"readme", "index", "目录", "说明", "索引"}


class BatchDocument(BaseModel):
    """One document of a batch: what it is and what the review found, or why it could not be reviewed."""

    name: str = Field(description="path relative to the batch folder")
    title: str | None = None
    doc_number: str | None = Field(None, description="文号, from case.json or the text")
    issuer: str | None = None
    doc_type: DocType | None = None
    stage: Stage | None = None
    findings: list[Finding] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="materials that could not be read, and the like")
    error: str | None = Field(None, description="why the document could not be reviewed")
    skipped: bool = Field(False, description="not a document to review (an index, a photo): listed, not failed")
    seconds: float = 0.0


class BatchResult(BaseModel):
    """A reviewed folder."""

    folder: str
    documents: list[BatchDocument] = Field(default_factory=list)
    jobs: int = 1
    seconds: float = 0.0
    kb_fingerprint: str | None = None

    @property
    def failed(self) -> list[BatchDocument]:
        """The documents that could not be reviewed (skipped files aside)."""
        return [d for d in self.documents if d.error and not d.skipped]


# -- what a folder holds ---------------------------------------------------------------------------------------

def batch_items(folder: Path, *, max_files: int = 5000) -> tuple[list[Path], list[BatchDocument]]:
    """The case folders (holding case.json) and draft files under `folder`, and the files that are no document
    (each with its reason). A case folder's own files are its draft and materials, not documents of the batch."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"找不到文件夹：{folder}。批量审查需要一个文件夹（每个文件一份文件，或每个子文件夹一个案件）。")
    items: list[Path] = []
    skipped: list[BatchDocument] = []
    cases = sorted({p.parent for p in folder.rglob("case.json")})
    for path in sorted(folder.rglob("*")):
        if any(c == path or c in path.parents for c in cases):
            if path in cases:
                items.append(path)
            continue
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if path.stem.lower() in _NOT_DRAFTS:
            skipped.append(BatchDocument(name=str(path.relative_to(folder)), error="目录或说明文件，不作为草案审查",
                                         skipped=True))
        elif path.suffix.lower() in EXTENSIONS:
            items.append(path)
        else:
            skipped.append(BatchDocument(name=str(path.relative_to(folder)),
                                         error=f"不是可审查的文件类型（{path.suffix or '无扩展名'}）"))
    if len(items) > max_files:
        raise InputError(f"文件夹 {folder.name} 中有 {len(items):,} 份文件，超过一次批量审查 {max_files:,} 份的上限"
                         "（设置 kb.max_files）。请分批审查。")
    return sorted(items, key=lambda p: str(p.relative_to(folder))), skipped


def doc_number(text: str, case_dir: Path | None = None) -> str | None:
    """The 文号: case.json's `doc_number` (or its source's `doc_no`), else the first one written near the top of the
    text."""
    if case_dir is not None:
        try:
            spec = json.loads((case_dir / "case.json").read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            spec = {}
        if isinstance(spec, dict):
            source = spec.get("source") if isinstance(spec.get("source"), dict) else {}
            found = spec.get("doc_number") or spec.get("文号") or source.get("doc_no")
            if isinstance(found, str) and found.strip():
                return found.strip()
    m = _DOC_NUMBER.search(text[:600])
    return re.sub(r"\s+", "", m.group(0)) if m else None


# -- reviewing ---------------------------------------------------------------------------------------------------

_worker: dict = {}


def _init(settings: Settings, stage: Stage | None, doc_type: DocType | None) -> None:
    """Open the knowledge base and load the rules once per process."""
    from assistant.kb.base import current_generation, open_kb
    from assistant.review.rules import load_rules

    kb = open_kb(settings) if current_generation(settings) is not None else None
    _worker.update(settings=settings, kb=kb, rules=load_rules(catalog=kb.catalog if kb is not None else None),
                   stage=stage, doc_type=doc_type)


def _review_one(path: Path, folder: Path) -> BatchDocument:
    from assistant.review.pipeline import read_dossier, run_review

    name = str(path.relative_to(folder))
    started = time.perf_counter()
    try:
        # 备案 unless told otherwise: a case folder's case.json says its own stage, a loose file is an issued document
        stage = _worker["stage"] or (None if path.is_dir() else Stage.FILING)
        dossier = read_dossier(path, doc_type=_worker["doc_type"], stage=stage)
        report = run_review(dossier, kb=_worker["kb"], settings=_worker["settings"], rules=_worker["rules"])
    except FashenError as exc:
        return BatchDocument(name=name, error=str(exc), seconds=time.perf_counter() - started)
    except Exception as exc:  # one broken document never stops the batch; its reason goes in the table
        log.warning("batch: %s failed: %s", name, type(exc).__name__, exc_info=True)
        return BatchDocument(name=name, error=f"审查出错（{type(exc).__name__}: {exc}）",
                             seconds=time.perf_counter() - started)
    notes = [f"材料《{u.get('file')}》无法读取：{u.get('reason')}" for u in report.unreadable]
    return BatchDocument(name=name, title=report.title, issuer=report.issuer, doc_type=report.doc_type,
                         stage=report.stage, findings=report.findings, notes=notes,
                         doc_number=doc_number(dossier.draft_text, path if path.is_dir() else None),
                         seconds=time.perf_counter() - started)


def _fingerprint(settings: Settings) -> str | None:
    from assistant.kb.base import current_generation, open_kb

    return open_kb(settings).catalog.fingerprint() if current_generation(settings) is not None else None


def review_batch(folder: Path, *, jobs: int = 1, stage: Stage | None = None, doc_type: DocType | None = None,
                 settings: Settings | None = None, progress: Progress | None = None) -> BatchResult:
    """Review every document under `folder` with `jobs` processes (1: in this process); results in folder order.
    `stage` replaces what case.json says; without it a loose file is reviewed at stage 备案."""
    settings = settings or get_settings()
    if jobs < 1:
        raise InputError(f"--jobs 应为正整数（收到 {jobs}）。")
    folder = Path(folder)
    items, skipped = batch_items(folder, max_files=settings.kb.max_files)
    started = time.perf_counter()
    done: dict[Path, BatchDocument] = {}
    total = len(items)
    if jobs == 1 or total <= 1:
        _init(settings, stage, doc_type)
        for path in items:
            done[path] = _review_one(path, folder)
            if progress:
                progress(len(done), total, done[path].name)
    else:
        # spawn, not fork: the app calls this from a threaded server, where forking is unsafe
        with ProcessPoolExecutor(max_workers=min(jobs, total), mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init, initargs=(settings, stage, doc_type)) as pool:
            futures = {pool.submit(_review_one, path, folder): path for path in items}
            for future in as_completed(futures):
                path = futures[future]
                try:
                    done[path] = future.result()
                except Exception as exc:  # a worker that died: the document is reported, the batch goes on
                    done[path] = BatchDocument(name=str(path.relative_to(folder)),
                                               error=f"审查进程异常退出（{type(exc).__name__}）")
                if progress:
                    progress(len(done), total, done[path].name)
    documents = [done[p] for p in items] + skipped
    return BatchResult(folder=folder.name, documents=documents, jobs=jobs, seconds=time.perf_counter() - started,
                       kb_fingerprint=_fingerprint(settings))


# -- uploads -----------------------------------------------------------------------------------------------------

def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; a name stored without the UTF-8 flag (Windows' zip tools) is read as GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def extract_zip(data: bytes, target: Path, *, max_bytes: int, max_files: int) -> list[Path]:
    """Unpack an uploaded .zip into `target`, refusing paths that leave it, more than `max_files` files or more than
    `max_bytes` unpacked; InputError saying which limit."""
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError("上传的 .zip 文件已损坏或不是 zip 格式，请重新压缩后上传。") from exc
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > max_files:
        raise InputError(f"压缩包中有 {len(members):,} 个文件，超过上限 {max_files:,} 个，请分批上传。")
    if sum(m.file_size for m in members) > max_bytes:
        raise InputError(f"压缩包解压后超过 {max_bytes / 2**20:g} MB，请分批上传。")
    out = []
    for m in members:
        parts = [safe_filename(p) for p in PurePosixPath(_member_name(m).replace("\\", "/")).parts
                 if p not in ("", ".", "..", "/")]
        if not parts or parts[0].startswith("__MACOSX"):
            continue
        path = target.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(m) as src:
            path.write_bytes(src.read(max_bytes + 1)[:max_bytes])
        out.append(path)
    return out
