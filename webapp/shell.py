"""The frame around the pages: page config, optional login, navigation and the sidebar status."""

from __future__ import annotations

import hashlib
import hmac

import streamlit as st

from webapp.common import generation, guard, kb_or_none, settings
from webapp.render import backend_label

PAGES = [
    ("webapp/chat.py", "问答", ":material/forum:"),
    ("webapp/review.py", "审查", ":material/plagiarism:"),
    ("webapp/opinion.py", "意见书", ":material/edit_document:"),
    ("webapp/kb.py", "知识库", ":material/library_books:"),
    ("webapp/evals.py", "评测", ":material/monitoring:"),
]


def password_ok(users: dict[str, str], name: str, password: str) -> bool:
    """Whether `password` hashes (sha256, hex) to the stored hash of `name`; constant-time comparison."""
    stored = users.get(name.strip())
    if not stored:
        return False
    digest = hashlib.sha256(password.encode("utf-8")).hexdigest()
    return hmac.compare_digest(digest, stored.strip().lower())


def login_page() -> None:
    """Ask for a user name and password when settings.app.users is set."""
    st.title("法审助手")
    st.caption("本系统已启用登录。请输入管理员分配的用户名和密码。")
    with st.form("login"):
        name = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        if password_ok(settings().app.users, name, password):
            st.session_state["user"] = name.strip()
            st.rerun()
        else:
            st.error("用户名或密码不正确，请重试。", icon=":material/lock:")


def sidebar() -> None:
    """Who is logged in, which backend answers, which knowledge base is open."""
    s = settings()
    with st.sidebar:
        user = st.session_state.get("user")
        if user:
            cols = st.columns([3, 2])
            cols[0].markdown(f":material/person: **{user}**")
            if cols[1].button("退出", key="logout"):
                for key in list(st.session_state.keys()):
                    del st.session_state[key]
                st.rerun()
        st.markdown("**问答后端**")
        st.caption(backend_label(s))
        st.markdown("**知识库**")
        with guard("读取知识库状态"):
            gen = generation()
            if gen is None:
                st.caption("尚未建立（到「知识库」页建立）")
            else:
                kb = kb_or_none()
                n_inst, n_art = kb.catalog.counts()
                created = (gen.meta.get("created") or "")[:10]
                search = "词法" if kb.embedder_name == "none" else f"混合/{kb.embedder_name}"
                st.caption(f"{n_inst} 部法规 · {n_art} 条 · 检索：{search}"
                           f"\n\n版本 {gen.name}{' · ' + created if created else ''}")


def main() -> None:
    """Entry point called by app.py on every rerun."""
    st.set_page_config(page_title="法审助手", page_icon=":material/balance:", layout="wide")
    s = settings()
    if s.app.users and not st.session_state.get("user"):
        st.navigation([st.Page(login_page, title="登录", icon=":material/lock:")], position="hidden").run()
        return
    nav = st.navigation([st.Page(path, title=title, icon=icon, default=(i == 0))
                         for i, (path, title, icon) in enumerate(PAGES)])
    sidebar()
    nav.run()
