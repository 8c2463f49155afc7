"""意见书: draft the 合法性审查意见书 from the review, edit its parts, download it as .docx and .md."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from typing import Any

import streamlit as st

from webapp.common import app_user, guard, private_download, settings
from webapp.render import cite_basis, md_escape

FIELDS = "op"  # widget-key prefix; a fresh draft bumps the version so the widgets take the new values


def _key(name: str) -> str:
    return f"{FIELDS}{st.session_state.get('opinion_ver', 0)}-{name}"


def _load_report(data: bytes) -> Any:
    from assistant.errors import InputError
    from assistant.models import ReviewReport

    try:
        return ReviewReport.model_validate_json(data)
    except ValueError as exc:
        raise InputError("这不是本系统保存的完整审查报告（应为「审查」页“下载完整报告”或 `fashen review -o report.json` "
                         f"得到的 JSON）。详情：{str(exc)[:160]}") from exc


def _conclusion_text_for(report: Any, conclusion: Any) -> str | None:
    """The template's wording for a conclusion the user picked (None if the template cannot say)."""
    try:
        from assistant.drafting.opinion import load_opinion_template

        t = load_opinion_template()
        has_proc = any(f.code.startswith("P.") for f in report.findings)
        return t.conclusions[report.stage][conclusion].format(and_procedure=t.and_procedure if has_proc else "")
    except Exception:  # the user can always type the text themselves
        return None


def _on_conclusion(report: Any) -> None:
    from assistant.models import Conclusion

    text = _conclusion_text_for(report, Conclusion(st.session_state[_key("conclusion")]))
    if text is not None:
        st.session_state[_key("conclusion_text")] = text


def _field(widget: Any, label: str, name: str, default: Any, **kw: Any) -> Any:
    """A widget whose value survives leaving the page: edits are kept in session state by field name."""
    edits: dict[str, Any] = st.session_state.setdefault("opinion_edits", {})
    key = _key(name)
    if key not in st.session_state:  # first shown, or shown again after visiting another page
        st.session_state[key] = edits.get(name, default)
    value = widget(label, key=key, **kw)
    edits[name] = value
    return value


_ITEM_NO = re.compile(r"^（[一二三四五六七八九十百零〇]+）")


def edit_opinion(op: Any, report: Any) -> Any:
    """Widgets for every part of the opinion; returns the opinion as edited (deleted items left out, the
    remaining ones renumbered)."""
    from assistant.drafting.opinion import retitle
    from assistant.models import Conclusion
    from assistant.text.numerals import int_to_cn

    with st.expander("文号、抬头与审查过程（标题中的机关随落款）", expanded=False):
        doc_number = _field(st.text_input, "文号", "doc_number", op.doc_number)
        addressee = _field(st.text_input, "主送（送审单位）", "addressee", op.addressee)
        intro = _field(st.text_area, "开头", "intro", op.intro, height=90)
        bases = _field(st.text_area, "审查依据（每行一部）", "bases", "\n".join(op.bases), height=90)
        process = _field(st.text_area, "审查过程", "process", op.process, height=90)

    st.markdown("#### 审查意见")
    items = []
    if not op.items:
        st.caption("审查未发现问题，意见书不列审查意见。")
    for i, item in enumerate(op.items):
        with st.container(border=True):
            head = st.columns([6, 1])
            head[0].markdown(f"**{md_escape(item.heading)}**")
            with head[1]:
                deleted = _field(st.checkbox, "删除", f"del{i}", False)
            if item.quote:
                st.caption(f"原文：{md_escape(item.quote)}")
            problem = _field(st.text_area, "问题", f"problem{i}", item.problem, height=100, disabled=deleted)
            suggestion = _field(st.text_area, "修改建议", f"suggestion{i}", item.suggestion or "", height=70,
                                disabled=deleted)
            if item.basis:
                st.caption(md_escape("依据：" + "；".join(cite_basis(b) for b in item.basis)))
            if not deleted:
                heading = _ITEM_NO.sub(f"（{int_to_cn(len(items) + 1)}）", item.heading)
                items.append(item.model_copy(update={"heading": heading, "problem": problem,
                                                     "suggestion": suggestion or None}))

    st.markdown("#### 审查结论")
    options = [c.value for c in Conclusion]
    conclusion = _field(st.selectbox, "结论", "conclusion", op.conclusion.value, options=options,
                        on_change=_on_conclusion, args=(report,))
    conclusion_text = _field(st.text_area, "结论说明", "conclusion_text", op.conclusion_text, height=80)
    reminders = _field(st.text_area, "有关提示（每行一条）", "reminders", "\n".join(op.reminders), height=90)

    st.markdown("#### 落款")
    c1, c2 = st.columns(2)
    with c1:
        signature = _field(st.text_input, "落款机关", "signature", op.signature)
    with c2:
        date = _field(st.date_input, "日期", "date", op.date)

    return retitle(op.model_copy(update={
        "doc_number": doc_number, "addressee": addressee, "intro": intro,
        "bases": [b.strip("《》 ") for b in bases.splitlines() if b.strip()], "process": process, "items": items,
        "conclusion": Conclusion(conclusion), "conclusion_text": conclusion_text,
        "reminders": [r.strip() for r in reminders.splitlines() if r.strip()],
        "signature": signature, "date": date,
    }))


def page() -> None:
    from assistant.drafting.opinion import build_opinion
    from assistant.drafting.writers import to_docx, to_markdown

    st.title("合法性审查意见书")
    st.caption("根据审查结果起草意见书；各部分可在页面中修改，改好后下载 Word（.docx）或 Markdown。")
    state = st.session_state.get("review")
    with st.expander("载入已保存的审查报告", expanded=state is None):
        up = st.file_uploader("完整审查报告（JSON）", type=["json"], key="opinion_report_file")
        if up is not None and st.button("载入", key="opinion_load"):
            with guard("载入审查报告"):
                from webapp.workflow import start_session

                report = _load_report(up.getvalue())
                st.session_state.pop("opinion", None)
                st.session_state.pop("opinion_edited", None)
                start_session(report, "", None, [])
                state = st.session_state["review"]
    if not state:
        st.info("还没有审查结果。请先在「审查」页上传草案并审查，或在上方载入保存的审查报告。", icon=":material/info:")
        st.page_link("webapp/review.py", label="前往「审查」页", icon=":material/plagiarism:")
        return
    from assistant.review.decisions import Decisions, decided

    report = state["report"]
    decisions = state.setdefault("decisions", Decisions())
    kept = decided(report, decisions)
    st.markdown(f"审查对象：《{md_escape(report.title)}》　·　发现问题 {len(report.findings)} 个，"
                f"按审查决定写入意见书 {len(kept.findings)} 个（在「审查」页的“审查决定”中采纳、不采纳或补充）")

    c1, c2, c3 = st.columns(3)
    office = c1.text_input("出具意见的机关（留空按制定机关推断）", key="opinion_office")
    submitter = c2.text_input("主送单位（留空为制定机关）", key="opinion_submitter")
    day = c3.date_input("意见书日期", dt.date.today(), key="opinion_day")
    label = "重新生成意见书" if st.session_state.get("opinion") else "生成意见书"
    if st.button(label, type="primary", key="opinion_build"):
        with guard("生成意见书"):
            st.session_state["opinion"] = build_opinion(report, decisions=decisions, office=office.strip() or None,
                                                        date=day, submitter=submitter.strip() or None)
            st.session_state["opinion_ver"] = st.session_state.get("opinion_ver", 0) + 1
            st.session_state["opinion_edits"] = {}
            from assistant.audit import record_review

            record_review(kept, settings(), kind="draft", user=app_user())
    op = st.session_state.get("opinion")
    if op is None:
        return

    st.success(f"已生成意见书：审查结论「{op.conclusion.value}」，审查意见 {len(op.items)} 条。可在下方修改后下载。", icon=":material/check_circle:")
    with guard("编辑意见书"):
        edited = edit_opinion(op, kept)
        st.session_state["opinion_edited"] = edited
        md = to_markdown(edited)

        def docx_bytes() -> bytes:
            buf = BytesIO()
            to_docx(edited, buf)
            return buf.getvalue()

        stem = re.sub(r"[\\/:*?\"<>|\s]+", "_", report.title)[:60] or "意见书"
        if state.get("session_id") and st.button("保存到审查记录", key="opinion_save"):
            from webapp.workflow import save_state

            save_state(state, opinion=edited)
            st.success("意见书已保存到审查记录，以后可在「审查」页的“我的审查记录”中打开继续编辑。", icon=":material/save:")
        st.markdown("#### 下载")
        d1, d2 = st.columns(2)
        private_download(d1, "下载意见书（Word .docx）", docx_bytes, file_name=f"{stem}-合法性审查意见书.docx",
                         mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         key="dl_opinion_docx", type="primary")
        private_download(d2, "下载意见书（Markdown）", lambda: md, file_name=f"{stem}-合法性审查意见书.md",
                         mime="text/markdown", key="dl_opinion_md")
        with st.expander("预览", expanded=False):
            st.markdown(md)


if __name__ == "__main__":  # Streamlit runs page files as __main__
    page()
