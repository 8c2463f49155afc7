"""`fashen audit list | export`: read the audit log (every review, opinion, answer and ingest).

Mounted by assistant/cli.py with `app.add_typer(audit_app, name="audit")`. This module renders; the log is
assistant.audit. FashenError propagates to `fashen`'s main(), which maps it to its exit code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.audit import AuditKind, audit_log
from assistant.config import get_settings
from assistant.errors import InputError

audit_app = typer.Typer(no_args_is_help=True, help="审计日志：列出和导出审查、意见书、问答和导入记录。")
out = Console()

KindOpt = Annotated[str | None, typer.Option("--kind", help="只看一类：review | draft | answer | ingest")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="只看该时间之后的记录，如 2026-05-01")]


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option("--limit", "-n", help="最多显示几条（最新的在前）")] = 20,
    kind: KindOpt = None,
    since: SinceOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
) -> None:
    """列出最近的审计记录：时间、类型、用户、输入文件哈希、知识库指纹、后端、结果数。"""
    if fmt not in ("text", "json"):
        raise InputError(f"--format 只能是 text 或 json（收到 {fmt!r}）。")
    if limit < 1:
        raise InputError(f"--limit 应为正整数（收到 {limit}）。")
    log = audit_log(get_settings())
    events = log.list(limit, kind=kind, since=since)
    if fmt == "json":
        sys.stdout.write(json.dumps([e.model_dump(mode="json") for e in events], ensure_ascii=False, indent=1) + "\n")
        return
    if not events:
        out.print(f"审计日志中没有记录（{escape(log.target)}）。")
        return
    table = Table(title=f"审计日志（{escape(log.target)}）", show_lines=False)
    for col in ("时间", "类型", "用户", "输入", "知识库指纹", "后端", "结果", "摘要"):
        table.add_column(col, overflow="fold")
    for e in events:
        count = e.findings_count if e.findings_count is not None else e.citations_count
        unit = "个问题" if e.findings_count is not None else ("处引用" if e.citations_count is not None else "")
        inputs = "\n".join(f"{i.name} {i.sha256[:12]}" for i in e.inputs)
        table.add_row(e.time.astimezone().strftime("%Y-%m-%d %H:%M:%S"), _KIND_LABEL.get(e.kind, e.kind),
                      escape(e.user or ""), escape(inputs), e.kb_fingerprint or "", e.backend or "",
                      f"{count}{unit}" if count is not None else "", escape(e.summary))
    out.print(table)


@audit_app.command("export")
def audit_export(
    path: Annotated[Path, typer.Argument(help="导出文件，如 audit.csv 或 audit.jsonl")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="csv | jsonl；省略则按扩展名")] = None,
    kind: KindOpt = None,
    since: SinceOpt = None,
) -> None:
    """导出全部审计记录（最早的在前）为 CSV（Excel 可直接打开）或 JSONL。"""
    fmt = fmt or ("jsonl" if path.suffix.lower() in (".jsonl", ".json") else "csv")
    n = audit_log(get_settings()).export(path, fmt, kind=kind, since=since)
    out.print(f"已导出 {n} 条审计记录：{escape(str(path))}", highlight=False)


_KIND_LABEL = {AuditKind.REVIEW: "审查", AuditKind.DRAFT: "意见书", AuditKind.ANSWER: "问答", AuditKind.INGEST: "导入"}
