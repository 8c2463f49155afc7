"""审查: upload a draft with its materials, review it, and see the findings in a table and in the draft itself."""

from __future__ import annotations

import json
import re
from typing import Any

import streamlit as st

from assistant.models import Stage
from webapp.common import (
    DOC_TYPES, app_user, guard, kb_or_none, max_upload_mb, private_download, refuse_oversized, rules_for,
    save_uploads, settings, uploader_limit,
)
from webapp.batch import batch_page
from webapp.render import (
    SEVERITY_LABEL, code_label, draft_html, filter_findings, findings_html, findings_rows,
    materials_rows, md_escape, procedure_checklist, severity_label,
)
from webapp.workflow import annotated_download, decisions_tab, sessions_panel, start_session

TYPE_CHOICES = {"自动判断": None, "行政规范性文件": "normative", "重大行政决策": "major_decision"}
_DRAFT_NAME = re.compile(r"草案|送审稿|征求意见稿|代拟稿|讨论稿|draft", re.I)
_NOT_DRAFT = re.compile(r"说明|函|意见|纪要|报告|审查|审核|评估|论证|听证|请示|复函|签")


def guess_draft(names: list[str]) -> int:
    """The index of the file that is most likely the draft (the others are its materials)."""
    for i, n in enumerate(names):
        if _DRAFT_NAME.search(n) and not _NOT_DRAFT.search(n):
            return i
    for i, n in enumerate(names):
        if not _NOT_DRAFT.search(n):
            return i
    return 0


def run_review(files: list[Any], draft_index: int, doc_type: str | None, stage: str, title: str | None,
               issuer: str | None) -> None:
    """Save the uploads, load the dossier, review it with visible progress; the result goes to session state."""
    from assistant.models import DocType
    from assistant.review import run_review as review_dossier
    from assistant.review.dossier import load_files

    kb = kb_or_none()
    with st.status("正在审查…", expanded=True) as status:
        try:
            bar = st.progress(0.0, text="保存上传的文件…")
            paths, refused = save_uploads(files, "review")
            for msg in refused:
                st.error(msg, icon=":material/warning:")
            if refused or len(paths) != len(files):
                status.update(label="有文件未能保存，审查未进行", state="error")
                return
            draft = paths[draft_index]
            materials = [p for p in paths if p != draft]
            bar.progress(0.15, text=f"读取草案和 {len(materials)} 份材料…")
            dossier = load_files(draft, materials, doc_type=DocType.parse(doc_type) if doc_type else None,
                                 stage=Stage.parse(stage), issuer=issuer or None, title=title or None)
            bar.progress(0.4, text="加载审查规则…")
            rules, notice = rules_for(kb)
            bar.progress(0.55, text=f"审查 {len(dossier.draft_text)} 字的草案：条款内容与制定程序…")
            report = review_dossier(dossier, kb=kb, settings=settings(), rules=rules)
        except Exception:
            status.update(label="审查未完成（原因见下方）", state="error", expanded=False)
            raise
        if notice:
            report.notices.insert(0, notice)
        from assistant.audit import file_inputs, record_review

        record_review(report, settings(), file_inputs([draft, *materials]), user=app_user())
        bar.progress(1.0, text="完成")
        status.update(label=f"审查完成：发现 {len(report.findings)} 个问题", state="complete", expanded=False)
    # An opinion belongs to the review it came from; filters belong to the old findings.
    for key in ("opinion", "opinion_edited", "opinion_edits", "review_filter_codes", "review_filter_sev"):
        st.session_state.pop(key, None)
    start_session(report, dossier.draft_text, draft, materials)


def _retype(label: str) -> None:
    st.session_state["review_type"] = label
    st.session_state["review_go"] = True


def show_results(state: dict[str, Any]) -> None:
    from assistant.models import Severity
    from assistant.review.decisions import Decisions

    report = state["report"]
    state.setdefault("decisions", Decisions())
    st.divider()
    dtype = report.doc_type.label
    st.subheader(f"《{md_escape(report.title)}》")
    st.caption(f"文件类型：{dtype}{'（系统判断）' if report.doc_type_detected else ''}　·　审查阶段：{report.stage.value}"
               + (f"　·　制定机关：{md_escape(report.issuer)}" if report.issuer else "")
               + (f"　·　审查日期：{report.review_date}" if report.review_date else ""))
    notices = list(report.notices)
    if report.doc_type_detected:
        other = "重大行政决策" if report.doc_type.value == "normative" else "行政规范性文件"
        said = next((n for n in notices if n.startswith("文件类型由系统判断")), None)
        if said:
            notices.remove(said)
            said = said.split("如不准确")[0]
        cols = st.columns([4, 2])
        cols[0].info(md_escape(said or f"文件类型由系统判断为{dtype}。") + f"如不准确，可改按「{other}」重新审查。",
                     icon=":material/info:")
        if st.session_state.get("review_files"):
            cols[1].button(f"改按{other}重新审查", on_click=_retype, args=(other,), key="review_retype")

    findings = report.findings
    sev = [f.severity for f in findings]
    m = st.columns(5)
    m[0].metric("问题总数", len(findings))
    m[1].metric("严重", sev.count(Severity.ERROR))
    m[2].metric("提示", sev.count(Severity.WARNING))
    m[3].metric("程序问题", sum(f.code.startswith("P.") for f in findings))
    m[4].metric("内容问题", sum(not f.code.startswith("P.") for f in findings))
    for note in notices:
        st.info(md_escape(note), icon=":material/info:")
    for bad in report.unreadable:
        st.warning(md_escape(f"材料《{bad.get('file')}》无法读取，未纳入审查：{bad.get('reason')}"),
                   icon=":material/warning:")

    codes = list(dict.fromkeys(f.code for f in findings))
    f1, f2 = st.columns(2)
    chosen_codes = f1.multiselect("按问题代码筛选", codes, format_func=lambda c: f"{c}（{code_label(c)}）",
                                  key="review_filter_codes", placeholder="全部代码")
    levels = [lbl for lbl in SEVERITY_LABEL.values() if any(severity_label(f.severity) == lbl for f in findings)]
    chosen_sev = f2.multiselect("按严重程度筛选", levels, key="review_filter_sev",
                                placeholder="全部")
    shown = filter_findings(findings, chosen_codes, chosen_sev)

    tabs = st.tabs([":material/description: 标注草案", ":material/table: 问题表", ":material/gavel: 审查决定",
                    ":material/checklist: 程序与材料", ":material/download: 下载报告"])
    with tabs[0]:
        st.caption("点击左侧问题跳到草案中的条款；点击条款上的标签回到问题。")
        left, right = st.columns([2, 3])
        with left:
            st.html(findings_html(shown, [c.location for c in report.clauses]))
        with right:
            st.html(draft_html(state["draft_text"], report.clauses, shown))
    with tabs[1]:
        rows = findings_rows(findings)
        keep = {n for n, _ in shown}
        st.dataframe([r for r in rows if r["序号"] in keep], hide_index=True, width="stretch",
                     column_config={"原文": st.column_config.TextColumn(width="large"),
                                    "修改建议": st.column_config.TextColumn(width="large")})
    with tabs[2]:
        decisions_tab(state)
    with tabs[3]:
        st.markdown("**程序履行情况**")
        for row in procedure_checklist(report):
            mark = ":green[:material/check_box:]" if row["ok"] else ":red[:material/disabled_by_default:]"
            mats = f"　（材料：{md_escape(row['相关材料'])}）" if row["相关材料"] else ""
            period = f"　公开征求意见期间：{md_escape(row['期间'])}" if row["期间"] else ""
            st.markdown(f"{mark} **{row['程序']}** `{row['代码']}` — {md_escape(row['说明'])}{period}{mats}")
        st.markdown("**送审材料**")
        if report.materials:
            st.dataframe(materials_rows(report), hide_index=True, width="stretch")
        else:
            st.caption("未附材料：程序问题按“未提供材料”判断。")
        if report.reminders:
            st.markdown("**出台后提醒**")
            for r in report.reminders:
                st.markdown(f"- {md_escape(r.title)}：{md_escape(r.explanation)}")
    with tabs[4]:
        from assistant.review.decisions import decided
        from assistant.review.report import report_to_json_dict, report_to_markdown

        stem = re.sub(r"[\\/:*?\"<>|\s]+", "_", report.title)[:60] or "审查报告"
        decisions = state["decisions"]
        c = st.columns(2)
        annotated_download(c[0], state, stem)
        private_download(c[1], "下载审查报告（JSON）",
                         lambda: json.dumps(report_to_json_dict(report, decisions), ensure_ascii=False, indent=1),
                         file_name=f"{stem}-审查报告.json", mime="application/json", key="dl_review_json")
        c = st.columns(2)
        private_download(c[0], "下载审查报告（Markdown）", lambda: report_to_markdown(decided(report, decisions)),
                         file_name=f"{stem}-审查报告.md", mime="text/markdown", key="dl_review_md")
        private_download(c[1], "下载完整报告（可在意见书页载入）", lambda: report.model_dump_json(indent=1),
                         file_name=f"{stem}-review.json", mime="application/json", key="dl_review_full")
    st.page_link("webapp/opinion.py", label="根据审查结果起草合法性审查意见书", icon=":material/edit_document:")


def page() -> None:
    st.title("合法性审查")
    if kb_or_none() is None:
        st.warning("知识库尚未建立：仍可审查，但法律依据和草案中的引用无法逐条核实。可到「知识库」页建立。",
                   icon=":material/library_books:")
    mode = st.segmented_control("审查方式", ["单件审查", "批量备案审查"], default="单件审查", key="review_mode",
                                label_visibility="collapsed")
    if mode == "批量备案审查":
        batch_page()
        return
    st.caption("上传草案及其随附材料（起草说明、征求意见情况、公平竞争审查、合法性审核意见、会议纪要等），"
               "系统逐条审查内容、逐项核对程序，并给出位置、依据和修改建议；逐条作出审查决定后，意见书和批注稿随之生成。")
    with guard("读取审查记录"):
        sessions_panel()
    limit = max_upload_mb()
    files = st.file_uploader(f"上传草案及随附材料（可一次选多个文件；.docx .pdf .txt .md；每个不超过 {limit:g} MB）",
                             type=DOC_TYPES, accept_multiple_files=True, key="review_files",
                             max_upload_size=uploader_limit())
    files = refuse_oversized(list(files or []))
    if files:
        names = [f.name for f in files]
        # Keyed by the file set: another set of uploads starts from a fresh guess.
        draft_index = st.selectbox("哪一个是草案？（其余文件作为随附材料）", range(len(names)), index=guess_draft(names),
                                   format_func=lambda i: names[i], key=f"review_draft-{hash(tuple(names))}")
        c1, c2 = st.columns(2)
        type_label = c1.radio("文件类型", list(TYPE_CHOICES), horizontal=True, key="review_type")
        stage = c2.radio("审查阶段", [s.value for s in Stage], horizontal=True, key="review_stage")
        with st.expander("案件信息（可选，留空则从草案推断）"):
            title = st.text_input("文件标题", key="review_title")
            issuer = st.text_input("制定机关", key="review_issuer")
        go = st.button("开始审查", type="primary", key="review_go_button") or st.session_state.pop("review_go", False)
        if go:
            with guard("审查"):
                run_review(files, int(draft_index or 0), TYPE_CHOICES[type_label], stage, title, issuer)
    else:
        st.session_state.pop("review_go", None)
    state = st.session_state.get("review")
    if state:
        with guard("显示审查结果"):
            show_results(state)


if __name__ == "__main__":  # Streamlit runs page files as __main__
    page()
