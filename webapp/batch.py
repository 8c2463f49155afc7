"""批量备案审查 in the app: a .zip (of drafts or case folders) or several files, each reviewed as an issued
document, the results as a table and an Excel workbook (assistant.review.batch, assistant.drafting.spreadsheet)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import streamlit as st

from webapp.common import (DOC_TYPES, app_user, guard, max_upload_mb, private_download, refuse_oversized, save_uploads,
                           session_dir, settings, uploader_limit)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _prepare(files: list[Any]) -> Any:
    """The uploads laid out in a folder of this session: a .zip unpacked, other files as they are."""
    from assistant.review.batch import extract_zip

    folder = session_dir("batch", fresh=True)
    for old in sorted(folder.rglob("*"), reverse=True):  # fresh= empties only the top level
        old.unlink() if old.is_file() else old.rmdir()
    limit = int(max_upload_mb() * 2**20)
    zips = [f for f in files if f.name.lower().endswith(".zip")]
    for z in zips:
        extract_zip(z.getvalue(), folder / z.name[:-4], max_bytes=10 * limit, max_files=settings().kb.max_files)
    others = [f for f in files if f not in zips]
    if others:
        saved, refused = save_uploads(others, "batch-files")
        for msg in refused:
            st.error(msg, icon=":material/warning:")
        target = folder / "上传的文件"
        target.mkdir(exist_ok=True)
        for p in saved:
            p.replace(target / p.name)
    return folder


def run_batch(files: list[Any]) -> None:
    """Review every uploaded document with a progress bar; the result goes to session state."""
    from assistant.audit import record_batch
    from assistant.review.batch import review_batch

    folder = _prepare(files)
    bar = st.progress(0.0, text="准备中…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"已审查 {done}/{total}：{name}")

    result = review_batch(folder, jobs=settings().app.batch_jobs, settings=settings(), progress=progress)
    bar.progress(1.0, text=f"完成：{len(result.documents)} 份，用时 {result.seconds:.1f} 秒")
    record_batch(result, settings(), user=app_user())
    st.session_state["batch"] = result


def show_batch(result: Any) -> None:
    """The batch's documents (with their problem counts or why they were not reviewed) and the workbook download."""
    from assistant.drafting.spreadsheet import to_xlsx
    from assistant.models import Severity

    reviewed = [d for d in result.documents if not d.error]
    m = st.columns(3)
    m[0].metric("已审查", len(reviewed))
    m[1].metric("无法审查", len(result.failed))
    m[2].metric("发现问题", sum(len(d.findings) for d in reviewed))
    rows = [{"文件": d.name, "标题": d.title or "", "文号": d.doc_number or "", "问题数": len(d.findings),
             "严重": sum(f.severity == Severity.ERROR for f in d.findings),
             "状态": "跳过" if d.skipped else "无法审查" if d.error else "已审查", "说明": d.error or "；".join(d.notes)}
            for d in result.documents]
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"说明": st.column_config.TextColumn(width="large")})

    def xlsx() -> bytes:
        buf = BytesIO()
        to_xlsx(result, buf)
        return buf.getvalue()

    private_download(st, "下载审查汇总（Excel .xlsx）", xlsx, file_name="审查汇总.xlsx", mime=XLSX_MIME,
                     key="dl_batch_xlsx", type="primary")


def batch_page() -> None:
    """Upload, run, show."""
    st.caption("上传一个 .zip 压缩包（每个文件一份已印发文件，或每个子文件夹一个含 case.json 的案件），或一次选多个文件，"
               "逐份进行备案审查；无法读取的文件列明原因，不影响其他文件。结果可下载为 Excel 汇总表。")
    files = st.file_uploader(f"上传 .zip 或多个文件（每个不超过 {max_upload_mb():g} MB）", type=[*DOC_TYPES, "zip"],
                             accept_multiple_files=True, key="batch_files", max_upload_size=uploader_limit())
    files = refuse_oversized(list(files or []))
    if files and st.button("开始批量审查", type="primary", key="batch_go"):
        with guard("批量审查"):
            run_batch(files)
    result = st.session_state.get("batch")
    if result is not None:
        with guard("显示批量审查结果"):
            show_batch(result)
