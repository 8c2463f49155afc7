"""The reviewer's workflow at the command line, called from `fashen review` and `fashen draft` (assistant/cli.py):
decisions from a file, the annotated draft, saved sessions (`fashen review list|show|decide|delete`) and the batch
to Excel. This module renders; the work is done by the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.config import get_settings
from assistant.errors import InputError
from assistant.models import DocType, ReviewReport, Stage

out = Console(emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False)
SESSION_COMMANDS = ("list", "show", "decide", "delete")


def _user() -> str | None:
    from assistant.audit import default_user

    return default_user(get_settings())


def read_decisions_file(path: Path | None, report: ReviewReport, catalog: Any):
    """The decisions in a file (checked against the report and the knowledge base), or None without a file."""
    from assistant.review.decisions import read_decisions

    if path is None:
        return None
    if not path.is_file():
        raise InputError(f"找不到审查决定文件：{path}。")
    return read_decisions(path.read_bytes(), report, catalog, user=_user())


def annotate_to(target: Path, draft: Path | bytes, name: str, report: ReviewReport, decisions, author: str | None,
                inputs: list | None = None) -> None:
    """Write the annotated draft, audit it and say what it holds."""
    from assistant.audit import record_review
    from assistant.drafting.annotate import annotate
    from assistant.review.decisions import decided

    result = annotate(draft, report, target, name=name, decisions=decisions, author=author)
    record_review(decided(report, decisions), get_settings(), inputs or [], kind="annotate")
    made = "（原稿不是 Word 文档，已按其文字生成 .docx）" if result.converted else ""
    err.print(f"已生成批注稿：{target}（批注 {result.comments} 条，修订 {result.changes} 处）{made}", markup=False)


def save_session(report: ReviewReport, draft: Path | None, files: list[Path], decisions) -> str:
    """Save a fresh review as a session; its id."""
    from assistant.review.decisions import Decisions
    from assistant.sessions import new_session, session_store

    session, stored = new_session(report, files, user=_user(), draft=draft)
    session.decisions = decisions or Decisions()
    session_store(get_settings()).save(session, stored)
    return session.id


# -- saved sessions --------------------------------------------------------------------------------------------

def session_command(word: str, args: list[Path], *, fmt: str, annotate: Path | None, author: str | None,
                    output: Path | None) -> None:
    """`fashen review list | show ID | decide ID FILE | delete ID`."""
    from assistant.sessions import session_store

    store = session_store(get_settings())
    if word == "list":
        return _list(store, fmt)
    if not args:
        raise InputError(f"请给出审查记录编号：fashen review {word} 编号（用 fashen review list 查看）。")
    sid = str(args[0])
    if word == "delete":
        if not store.delete(sid):
            raise InputError(f"没有编号为 {sid} 的审查记录。用 `fashen review list` 查看已保存的审查。")
        out.print(f"已删除审查记录 {sid} 及其保存的草案、报告和意见书。", markup=False)
        return
    session = store.get(sid)
    if word == "decide":
        from assistant.audit import record_decisions
        from assistant.kb.base import current_generation, open_kb

        if len(args) < 2:
            raise InputError("请给出审查决定文件：fashen review decide 编号 决定.json")
        settings = get_settings()
        kb = open_kb(settings) if current_generation(settings) is not None else None
        session.decisions = read_decisions_file(Path(args[1]), session.report, kb.catalog if kb else None)
        session.opinion = None  # an edited opinion belongs to the decisions it was drafted from
        store.save(session)
        record_decisions(session.report, session.decisions, settings, session=session.id)
    show_session(session, fmt=fmt, annotate=annotate, author=author, output=output)


def _list(store, fmt: str) -> None:
    rows = store.list(limit=None)
    if fmt == "json":
        sys.stdout.write(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=1) + "\n")
        return
    if not rows:
        out.print(f"还没有保存的审查（{store.target}）。审查时加 --save 保存。", markup=False)
        return
    for r in rows:
        when = r.updated.astimezone().strftime("%Y-%m-%d %H:%M")
        out.print(f"{r.id}  {when}  {r.user or '-'}  《{r.title}》  问题 {r.findings} 个，保留 {r.kept} 个",
                  markup=False, soft_wrap=True)


def show_session(session, *, fmt: str, annotate: Path | None, author: str | None, output: Path | None) -> None:
    """Print a session's report as decided; optionally write its annotated draft and its report JSON."""
    from assistant.review.decisions import decided
    from assistant.review.report import report_to_json_dict, report_to_markdown
    from assistant.sessions import session_store

    if output:
        output.write_text(session.report.model_dump_json(indent=1), encoding="utf-8")
    if annotate:
        data = session_store(get_settings()).file(session.id, session.draft_file) if session.draft_file else None
        if data is None:
            raise InputError(f"审查记录 {session.id} 没有保存草案文件，无法生成批注稿。")
        annotate_to(annotate, data, session.draft_file, session.report, session.decisions, author, session.inputs)
    if fmt == "json":
        sys.stdout.write(json.dumps(report_to_json_dict(session.report, session.decisions) | {"session": session.id},
                                    ensure_ascii=False, indent=1, default=str) + "\n")
        return
    md = report_to_markdown(decided(session.report, session.decisions))
    if fmt == "md":
        sys.stdout.write(md + "\n")
    else:
        from rich.markdown import Markdown

        out.print(f"审查记录 {session.id}（{session.user or '-'}，{session.updated.astimezone():%Y-%m-%d %H:%M}）",
                  markup=False)
        out.print(Markdown(md))


# -- batch -------------------------------------------------------------------------------------------------------

def run_batch(folder: Path, output: Path | None, jobs: int, doc_type: str | None, stage: str | None) -> None:
    """`fashen review DIR --batch -o 审查汇总.xlsx [--jobs N]`, with a progress bar."""
    from assistant.audit import record_batch
    from assistant.drafting.spreadsheet import to_xlsx
    from assistant.review.batch import review_batch

    output = output or Path("审查汇总.xlsx")
    if output.suffix.lower() != ".xlsx":
        raise InputError(f"批量审查的结果保存为 Excel（.xlsx），收到 {output.name}。请用 -o 审查汇总.xlsx。")
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err, transient=False)
    task = bar.add_task("批量审查", total=None)

    def progress(done: int, total: int, name: str) -> None:
        bar.update(task, completed=done, total=total, description=f"批量审查 {name[:30]}")

    with bar:
        result = review_batch(folder, jobs=jobs, doc_type=DocType.parse(doc_type) if doc_type else None,
                              stage=Stage.parse(stage) if stage else None, settings=get_settings(),
                              progress=progress)
    to_xlsx(result, output)
    record_batch(result, get_settings())
    reviewed = [d for d in result.documents if not d.error]
    out.print(f"已审查 {len(reviewed)} 份，发现问题 {sum(len(d.findings) for d in reviewed)} 个，用时 {result.seconds:.1f} 秒"
              f"（{result.jobs} 个进程）；汇总表：{output}", markup=False)
    for d in result.documents:
        if d.error:
            err.print(f"{'跳过' if d.skipped else '无法审查'} {d.name}：{d.error}", markup=False, soft_wrap=True)
