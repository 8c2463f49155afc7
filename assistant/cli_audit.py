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

from assistant.audit import AuditKind, audit_log
from assistant.config import get_settings
from assistant.errors import InputError

audit_app = typer.Typer(no_args_is_help=True, help="审计日志：列出和导出审查、意见书、问答和导入记录。")
out = Console(emoji=False, highlight=False)  # file names and summaries are data: no emoji codes

KindOpt = Annotated[str | None, typer.Option("--kind", help="只看一类：review | draft | decision | annotate | batch | answer | ingest")]
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
        out.print(f"审计日志中没有记录（{log.target}）。", markup=False, soft_wrap=True)
        return
    out.print(f"审计日志：{log.target}（最新的在前，共显示 {len(events)} 条）", markup=False, soft_wrap=True)
    for e in events:
        if e.findings_count is not None:
            result = f"{e.findings_count} 个问题"
        elif e.citations_count is not None:
            result = f"{e.citations_count} 处引用"
        else:
            result = ""
        head = [e.time.astimezone().strftime("%Y-%m-%d %H:%M:%S"), _KIND_LABEL.get(e.kind, e.kind.value),
                e.user or "-", result, f"知识库 {e.kb_fingerprint or '-'}", e.backend or "-", e.summary]
        out.print("  ".join(x for x in head if x), markup=False, highlight=False, soft_wrap=True)
        for i in e.inputs:
            out.print(f"    {i.name}  sha256:{i.sha256}", markup=False, highlight=False, soft_wrap=True)


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
    out.print(f"已导出 {n} 条审计记录：{path}", markup=False, highlight=False, soft_wrap=True)


_KIND_LABEL = {AuditKind.REVIEW: "审查", AuditKind.DRAFT: "意见书", AuditKind.ANSWER: "问答", AuditKind.INGEST: "导入",
               AuditKind.DECISION: "审查决定", AuditKind.ANNOTATE: "批注稿", AuditKind.BATCH: "批量审查"}
