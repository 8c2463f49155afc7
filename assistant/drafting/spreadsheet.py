"""The batch 备案审查 as an Excel workbook: 问题清单 (one row per finding) and 文件汇总 (one row per document, those
that could not be reviewed with their reason). Written with openpyxl; opens in Excel, WPS and LibreOffice."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assistant.drafting.opinion import format_basis
from assistant.models import Severity
from assistant.review.batch import BatchResult
from assistant.review.codes import label
from assistant.text.typography import tidy

SEVERITY = {Severity.ERROR: "严重", Severity.WARNING: "提示", Severity.REMINDER: "提醒"}
FINDING_COLUMNS = [("文件", 28), ("标题", 30), ("文号", 18), ("位置", 10), ("代码", 18), ("类别", 14), ("问题", 30),
                   ("原文", 45), ("说明", 50), ("依据", 45), ("修改建议", 45), ("严重程度", 9)]
SUMMARY_COLUMNS = [("文件", 28), ("标题", 30), ("文号", 18), ("制定机关", 24), ("类型", 14), ("阶段", 6), ("状态", 10),
                   ("问题数", 7), ("严重", 6), ("提示", 6), ("程序问题", 8), ("内容问题", 8), ("说明", 60)]
_HEAD = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="4F6D8F")
_FAILED = PatternFill("solid", fgColor="FDECEA")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _lines(value: object, width: int) -> int:
    """Lines a value takes in a wrapped column `width` characters wide (a Chinese character is two)."""
    if value is None:
        return 1
    total = 0
    for line in str(value).split("\n"):
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)
        total += max(1, -(-units // max(width - 1, 1)))
    return total


def _sheet(wb: Workbook, title: str, columns: list[tuple[str, int]], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append([name for name, _ in columns])
    for i, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = _HEAD, _HEAD_FILL
    ws.freeze_panes = "A2"
    # printed (or exported) landscape, all columns on one page width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    return ws


def _status(doc) -> str:
    return "跳过" if doc.skipped else "无法审查" if doc.error else "已审查"


def build_workbook(result: BatchResult) -> Workbook:
    """The workbook for a batch: 问题清单 first (filterable), then 文件汇总."""
    wb = Workbook()
    findings = _sheet(wb, "问题清单", FINDING_COLUMNS, first=True)
    summary = _sheet(wb, "文件汇总", SUMMARY_COLUMNS)
    for doc in result.documents:
        for f in doc.findings:
            findings.append([doc.name, doc.title, doc.doc_number, f.location or "整体（程序）", f.code, label(f.code),
                             tidy(f.title), f.evidence or "", tidy(f.explanation), "；".join(format_basis(b) for b in f.basis),
                             tidy(f.suggestion), SEVERITY.get(f.severity, str(f.severity))])
        sev = [f.severity for f in doc.findings]
        procedure = sum(f.code.startswith("P.") for f in doc.findings)
        summary.append([doc.name, doc.title, doc.doc_number, doc.issuer, doc.doc_type.label if doc.doc_type else None,
                        doc.stage.value if doc.stage else None, _status(doc),
                        None if doc.error else len(doc.findings), sev.count(Severity.ERROR), sev.count(Severity.WARNING),
                        procedure, len(doc.findings) - procedure, doc.error or "；".join(doc.notes)])
        if doc.error and not doc.skipped:
            for cell in summary[summary.max_row]:
                cell.fill = _FAILED
    for ws, columns in ((findings, FINDING_COLUMNS), (summary, SUMMARY_COLUMNS)):
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = _WRAP
            # Row heights are set: wrapped text in a row of default height overlaps the next row in some readers.
            lines = max((_lines(c.value, columns[c.column - 1][1]) for c in row if c.column <= len(columns)), default=1)
            ws.row_dimensions[row[0].row].height = min(15 * lines, 300)
        ws.auto_filter.ref = ws.dimensions
    reviewed = [d for d in result.documents if not d.error]
    skipped = len(result.documents) - len(reviewed) - len(result.failed)
    summary.append([])
    summary.append([f"共 {len(result.documents)} 份：已审查 {len(reviewed)} 份，无法审查 {len(result.failed)} 份，跳过 {skipped} 份；"
                    f"发现问题 {sum(len(d.findings) for d in reviewed)} 个。用时 {result.seconds:.1f} 秒（{result.jobs} 个进程）"
                    + (f"，知识库版本 {result.kb_fingerprint}" if result.kb_fingerprint else "") + "。"])
    return wb


def to_xlsx(result: BatchResult, target: Path | BytesIO) -> None:
    """Write the batch workbook to a path or a binary buffer (for downloads)."""
    build_workbook(result).save(target)
