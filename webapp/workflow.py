"""The reviewer's workflow in the app: saved reviews (listed, reopened, deleted), a decision on each finding, findings
added by hand, and the draft returned with Word comments. The review page calls these; the work is the library's.

This session's review lives in st.session_state["review"]: the report, the draft's text and file, the saved
session's id and the decisions. Every change is saved to the session store at once, so nothing is lost when the
page changes or the browser closes.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import streamlit as st

from webapp.common import app_user, guard, kb_or_none, private_download, settings
from webapp.render import cite_basis, code_label, md_escape, severity_label

ACTIONS = {"待定": None, "采纳": "accept", "不采纳": "reject", "修改后采纳": "edit"}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def store() -> Any:
    """The session store for these settings (SQLite under FASHEN_HOME, or the audit log's PostgreSQL)."""
    from assistant.sessions import session_store

    return session_store(settings())


# -- sessions ------------------------------------------------------------------------------------------------

def start_session(report: Any, draft_text: str, draft: Path | None, materials: list[Path]) -> None:
    """Save a fresh review (or a report loaded from a file, without its draft) as this user's session and make it
    the page's review."""
    from assistant.review.decisions import Decisions
    from assistant.sessions import new_session

    files = [p for p in [draft, *materials] if p is not None]
    session, files = new_session(report, files, user=app_user(), draft=draft)
    store().save(session, files)
    st.session_state["review"] = {"report": report, "draft_text": draft_text, "session_id": session.id,
                                  "decisions": Decisions(), "draft_file": session.draft_file}


def open_session(session_id: str) -> None:
    """Make a saved session the page's review (its opinion too, as last edited)."""
    from assistant.documents.readers import read_document

    session = store().get(session_id, user=app_user())
    data = store().file(session.id, session.draft_file) if session.draft_file else None
    text = read_document(data, session.draft_file).text if data else ""
    st.session_state["review"] = {"report": session.report, "draft_text": text, "session_id": session.id,
                                  "decisions": session.decisions, "draft_file": session.draft_file}
    for key in ("opinion", "opinion_edited", "opinion_edits", "review_filter_codes", "review_filter_sev"):
        st.session_state.pop(key, None)
    if session.opinion is not None:
        st.session_state["opinion"] = session.opinion
        st.session_state["opinion_ver"] = st.session_state.get("opinion_ver", 0) + 1


def save_state(state: dict[str, Any], *, opinion: Any = None) -> None:
    """Write the page's decisions (and an edited opinion) back to the saved session."""
    sid = state.get("session_id")
    if not sid:
        return
    session = store().get(sid, user=app_user())
    session.decisions = state["decisions"]
    if opinion is not None:
        session.opinion = opinion
    store().save(session)


def _delete(session_id: str) -> None:
    if store().delete(session_id, user=app_user()):
        state = st.session_state.get("review")
        if state and state.get("session_id") == session_id:
            for key in ("review", "opinion", "opinion_edited", "opinion_edits"):
                st.session_state.pop(key, None)
        st.session_state["sessions_notice"] = "已删除该审查记录及其保存的草案、报告和意见书。"


def sessions_panel() -> None:
    """This user's saved reviews: open one, or delete it with everything stored for it."""
    rows = store().list(user=app_user(), limit=30)
    current = (st.session_state.get("review") or {}).get("session_id")
    notice = st.session_state.pop("sessions_notice", None)
    with st.expander(f"我的审查记录（{len(rows)}）", expanded=False):
        if notice:
            st.success(notice, icon=":material/delete:")
        if not rows:
            st.caption("还没有保存的审查。每次审查都会自动保存在这里，换页或关闭浏览器后可以接着处理。")
        for r in rows:
            cols = st.columns([6, 1, 1])
            mark = "　**（当前）**" if r.id == current else ""
            cols[0].markdown(f"《{md_escape(r.title)}》{mark}  \n"
                             f":gray[{r.updated.astimezone():%Y-%m-%d %H:%M}　问题 {r.findings} 个，保留 {r.kept} 个　编号 {r.id}]")
            if cols[1].button("打开", key=f"open-{r.id}"):
                with guard("打开审查记录"):
                    open_session(r.id)
                    st.rerun()
            cols[2].button("删除", key=f"delete-{r.id}", on_click=_delete, args=(r.id,))


# -- decisions -----------------------------------------------------------------------------------------------------

def _key(state: dict[str, Any], name: str) -> str:
    return f"dec-{state.get('session_id') or 'x'}-{name}"


def _widgets_to_decisions(state: dict[str, Any], ids: list[str], findings: list[Any]) -> Any:
    """The decisions as the widgets show them (each decision kept by its finding id)."""
    from assistant.models import Rewrite
    from assistant.review.decisions import Decision, Decisions, FindingEdit

    old = state["decisions"]
    decisions = []
    for fid, f in zip(ids, findings):
        action = ACTIONS[st.session_state.get(_key(state, f"act-{fid}"), "待定")]
        if action is None:
            continue
        reason = (st.session_state.get(_key(state, f"reason-{fid}")) or "").strip() or None
        edit = None
        if action == "edit":
            old_words = (st.session_state.get(_key(state, f"old-{fid}")) or "").strip()
            new_words = (st.session_state.get(_key(state, f"new-{fid}")) or "").strip()
            edit = FindingEdit(
                title=(st.session_state.get(_key(state, f"title-{fid}")) or "").strip() or None,
                suggestion=(st.session_state.get(_key(state, f"sugg-{fid}")) or "").strip() or None,
                rewrite=Rewrite(old=old_words, new=new_words) if old_words else None)
        previous = old.of(fid)
        same = previous is not None and previous.action == action and previous.reason == reason and previous.edit == edit
        decisions.append(previous if same else Decision(finding=fid, action=action, reason=reason, edit=edit,
                                                        user=app_user()))
    return Decisions(decisions=decisions, added=old.added)


def _save_decisions(state: dict[str, Any], ids: list[str], findings: list[Any]) -> None:
    from assistant.audit import record_decisions
    from assistant.review.decisions import check_decisions

    decisions = check_decisions(state["report"], _widgets_to_decisions(state, ids, findings))
    state["decisions"] = decisions
    save_state(state)
    record_decisions(state["report"], decisions, settings(), user=app_user(), session=state.get("session_id"))
    for key in ("opinion", "opinion_edited", "opinion_edits"):  # the opinion follows the decisions
        st.session_state.pop(key, None)
    st.session_state["decisions_saved"] = True


def decisions_tab(state: dict[str, Any]) -> None:
    """A decision on every finding (采纳 / 不采纳 with a reason / 修改后采纳 with the wording), then 保存."""
    from assistant.review.decisions import decision_counts, finding_ids

    report, decisions = state["report"], state["decisions"]
    findings = [*report.findings, *decisions.added]
    ids = finding_ids(findings)
    counts = decision_counts(report, decisions)
    st.caption(f"采纳 {counts['accept']}　不采纳 {counts['reject']}　修改后采纳 {counts['edit']}　待定 {counts['pending']}　"
               f"补充 {counts['added']}。意见书、批注稿和审计记录只写采纳（含待定）和补充的问题。")
    if st.session_state.pop("decisions_saved", False):
        st.success("审查决定已保存。", icon=":material/check_circle:")
    for n, (fid, f) in enumerate(zip(ids, findings), 1):
        d = decisions.of(fid)
        with st.container(border=True):
            added = f in decisions.added
            st.markdown(f"**{n}. {md_escape(f.title)}**　`{f.code}` {md_escape(code_label(f.code))}　"
                        f"{md_escape(f.location or '整体（程序）')}　{severity_label(f.severity)}"
                        + ("　:blue[补充]" if added else ""))
            if f.evidence:
                st.caption(f"原文：{md_escape(f.evidence)}")
            if f.basis:
                st.caption(md_escape("依据：" + "；".join(cite_basis(b) for b in f.basis)))
            key = _key(state, f"act-{fid}")
            if key not in st.session_state:
                st.session_state[key] = next((k for k, v in ACTIONS.items() if d is not None and v == d.action), "待定")
            choice = st.radio("决定", list(ACTIONS), horizontal=True, key=key, label_visibility="collapsed")
            if choice == "不采纳":
                st.text_input("不采纳的理由（必填）", value=(d.reason if d else None) or "", key=_key(state, f"reason-{fid}"))
            elif choice == "修改后采纳":
                edit = d.edit if d is not None and d.edit is not None else None
                st.text_input("问题（标题）", value=(edit.title if edit else None) or f.title, key=_key(state, f"title-{fid}"))
                st.text_area("修改建议", value=(edit.suggestion if edit else None) or f.suggestion or "",
                             key=_key(state, f"sugg-{fid}"), height=80)
                c1, c2 = st.columns(2)
                rw = (edit.rewrite if edit else None) or f.rewrite
                c1.text_input("修订：原文词句（从该条原样复制）", value=rw.old if rw else "", key=_key(state, f"old-{fid}"))
                c2.text_input("改为（留空为删除）", value=rw.new if rw else "", key=_key(state, f"new-{fid}"))
    if st.button("保存审查决定", type="primary", key="decisions_save"):
        with guard("保存审查决定"):
            _save_decisions(state, ids, findings)
            st.rerun()
    add_finding_form(state)


def add_finding_form(state: dict[str, Any]) -> None:
    """A finding the rules missed: code, clause, text, and a basis the citation checker must verify."""
    from assistant.review.codes import FINDING_CODES
    from assistant.review.decisions import AddedFinding, add_finding

    report = state["report"]
    with st.expander("补充问题（规则未发现的）", expanded=False):
        with st.form("add_finding", clear_on_submit=False):
            c1, c2 = st.columns(2)
            code = c1.selectbox("问题代码", FINDING_CODES, format_func=lambda c: f"{c}（{code_label(c)}）",
                                key="add_code")
            locations = ["（程序问题，不填）", *(c.location for c in report.clauses)]
            location = c2.selectbox("条款位置", locations, key="add_location")
            title = st.text_input("问题（标题）", key="add_title")
            evidence = st.text_input("原文（从该条原样复制，可留空）", key="add_evidence")
            basis = st.text_input("法律依据（如《中华人民共和国行政处罚法》第十六条；多个用“；”分隔）", key="add_basis")
            explanation = st.text_area("说明", key="add_explanation", height=70)
            suggestion = st.text_area("修改建议", key="add_suggestion", height=70)
            submitted = st.form_submit_button("核对依据并添加")
        if submitted:
            with guard("补充问题"):
                kb = kb_or_none()
                spec = AddedFinding(code=code, location=None if location == locations[0] else location, title=title,
                                    evidence=evidence, basis=basis, explanation=explanation, suggestion=suggestion)
                finding = add_finding(report, spec, kb.catalog if kb is not None else None, user=app_user())
                decisions = state["decisions"]
                state["decisions"] = decisions.model_copy(update={"added": [*decisions.added, finding]})
                save_state(state)
                for key in ("opinion", "opinion_edited", "opinion_edits"):
                    st.session_state.pop(key, None)
                st.success(f"已添加：{finding.code} {finding.location or ''} {finding.title}（依据已核实）",
                           icon=":material/check_circle:")


# -- the annotated draft ------------------------------------------------------------------------------------------

def annotated_download(where: Any, state: dict[str, Any], stem: str) -> None:
    """A download of the draft with a Word comment per kept finding (and tracked changes), made on click."""
    from assistant.audit import record_review
    from assistant.drafting.annotate import annotate
    from assistant.review.decisions import decided

    sid, name = state.get("session_id"), state.get("draft_file")
    if not sid or not name:
        where.caption("（没有保存草案文件，无法生成批注稿）")
        return

    def make() -> bytes:
        data = store().file(sid, name)
        buf = BytesIO()
        annotate(data, state["report"], buf, name=name, decisions=state["decisions"], author=app_user())
        record_review(decided(state["report"], state["decisions"]), settings(), kind="annotate", user=app_user())
        return buf.getvalue()

    private_download(where, "下载批注稿（Word，含批注和修订）", make, file_name=f"{stem}-批注稿.docx", mime=DOCX_MIME,
                     key="dl_annotated")
