"""问答: a chat over the knowledge base; answers stream in and show their citations as expandable cards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import streamlit as st

from webapp.common import app_user, guard, kb_missing_notice, kb_or_none, private_download, settings
from webapp.render import answer_backend_label, citation_cards, instrument_markdown, md_escape

EXAMPLES = ["规范性文件可以设定罚款吗？", "行政处罚法第十六条是怎么规定的？", "重大行政决策草案必须经过哪些程序？"]


def _conversation() -> Any:
    """This session's conversation (follow-ups are read in its light)."""
    from assistant.answer import Conversation

    if "conversation" not in st.session_state:
        st.session_state["conversation"] = Conversation()
    return st.session_state["conversation"]


def _answer_stream(question: str, kb: Any, holder: dict[str, Any]) -> Iterator[str]:
    """Text chunks of the answer as they come; the final Answer is left in holder['answer']."""
    import assistant.answer as answer_mod

    history = _conversation()
    stream = getattr(answer_mod, "stream_ask", None)
    if stream is None:  # a library without streaming still answers, all at once
        answer = answer_mod.ask(question, kb=kb, settings=settings(), history=history)
        holder["answer"] = answer
        yield answer.answer
        return
    for chunk in stream(question, kb=kb, settings=settings(), history=history):
        if isinstance(chunk, str):
            yield chunk
        else:
            holder["answer"] = chunk


def render_instrument(kb: Any, title: str, key: str) -> None:
    """A toggle that shows the whole instrument (facts, 修订沿革, versions, contents, text) in a scrolling box."""
    if kb is None or not st.toggle("阅读全文（目录、修订沿革、各版本）", key=key):
        return
    from assistant.kb.reading import read

    with guard("读取法规全文"):
        with st.container(height=420):
            st.markdown(instrument_markdown(read(kb.catalog, title)))


def render_citations(answer: Any, kb: Any, key: str = "cite") -> None:
    """One expandable card per citation: quoted article, instrument, level, status and a verified badge; the
    whole instrument can be read from the card."""
    cards = citation_cards(answer, kb.catalog if kb is not None else None)
    if not cards:
        return
    verified = sum(c["verified"] for c in cards)
    st.markdown(f"**引用依据**（{len(cards)} 处，已核实 {verified} 处）")
    for n, c in enumerate(cards):
        with st.expander(f"{c['badge']}　{md_escape(c['label'])}"):
            st.markdown(f"**{md_escape(c['instrument'])}**{('　' + c['article']) if c['article'] else ''}")
            st.caption(f"效力层级：{c['level']}　·　时效性：{c['status']}　·　{'已与知识库原文核对' if c['verified'] else '未能核实'}")
            if c["quote"]:
                st.markdown("\n".join("> " + md_escape(line) for line in str(c["quote"]).splitlines() if line.strip()))
            if c["reason"] and not c["verified"]:
                st.warning(md_escape(f"未核实原因：{c['reason']}"), icon=":material/warning:")
            if c["level"] != "未知":
                render_instrument(kb, c["instrument"], f"{key}_read_{n}")


def render_answer(answer: Any, kb: Any, *, text_shown: bool = True, key: str = "cite") -> None:
    """The answer text (unless it was just streamed), its notices, backend and citation cards."""
    if text_shown:
        st.markdown(answer.answer)
    if not answer.found:
        st.info("知识库中没有找到与问题直接相关的规定，以上回答仅供参考。", icon=":material/search_off:")
    fell_back = settings().llm.provider != "none" and answer.backend == "none"
    for note in answer.notices:
        if fell_back:  # the configured model did not answer: say so where it cannot be missed
            st.warning(md_escape(note), icon=":material/cloud_off:")
        else:
            st.caption(f":material/info: {md_escape(note)}")
    st.caption(f"回答方式：{answer_backend_label(answer.backend)}")
    render_citations(answer, kb, key)


def page() -> None:
    st.title("问答")
    st.caption("就合法性审查中的法律问题提问。回答中的每一处法条引用都与知识库原文核对；可以追问（如“那规章呢？”“该条第二款呢？”）。")
    kb = kb_or_none()
    if kb is None:
        kb_missing_notice("问答")
    messages: list[dict[str, Any]] = st.session_state.setdefault("chat_messages", [])
    if "chat_loaded" not in st.session_state and history_user():  # this user's saved history, once a session
        with guard("读取问答记录"):
            load_history(messages)
    st.session_state["chat_loaded"] = True
    if messages:
        history_bar(messages)
    if not messages:
        st.markdown("例如：" + "　".join(f"「{q}」" for q in EXAMPLES))

    for i, m in enumerate(messages):
        with st.chat_message(m["role"]):
            if m["role"] == "user":
                st.markdown(md_escape(m["content"]))
            elif m.get("error"):
                st.error(m["error"], icon=":material/warning:")
            else:
                render_answer(m["answer"], kb, key=f"m{i}")

    question = st.chat_input("输入法律问题，例如：规范性文件可以设定罚款吗？")
    if not question:
        return
    messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(md_escape(question))
    with st.chat_message("assistant"):
        if kb is None:
            msg = "知识库尚未建立，无法回答。请先到「知识库」页建立默认知识库，或运行 `fashen ingest`。"
            st.error(msg, icon=":material/warning:")
            messages.append({"role": "assistant", "error": msg})
            return
        holder: dict[str, Any] = {}
        with guard("回答问题"):
            with st.spinner("检索法条…"):
                chunks = _answer_stream(question, kb, holder)
                first = next(chunks, None)
            if first is not None:
                st.write_stream(_chain(first, chunks))
            answer = holder.get("answer")
            if answer is None:
                raise RuntimeError("回答模块没有返回结果")
            from assistant.audit import record_answer

            record_answer(answer, settings(), kb=kb, user=app_user())
            if history_user():
                _store().add_turn(history_user(), answer)
            render_answer(answer, kb, text_shown=first is None, key=f"m{len(messages)}")
            messages.append({"role": "assistant", "answer": answer})
        if "answer" not in holder:
            messages.append({"role": "assistant", "error": "这次没能回答，请稍后重试或换个问法。"})


def _store() -> Any:
    from assistant.sessions import session_store

    return session_store(settings())


def history_user() -> str | None:
    """Whose history the chat keeps: the logged-in user, else FASHEN_USER. Without either, nobody is known, and the
    conversation stays in this browser session only (one anonymous visitor never sees another's questions)."""
    return st.session_state.get("user") or settings().user


def load_history(messages: list[dict[str, Any]]) -> None:
    """Show this user's saved questions and answers; the last one is the context of a follow-up."""
    turns = _store().history(history_user(), limit=100)
    for turn in turns:
        messages += [{"role": "user", "content": turn.question}, {"role": "assistant", "answer": turn.answer}]
    if turns:
        _conversation().record(turns[-1].question, turns[-1].question, turns[-1].answer)


def _turns(messages: list[dict[str, Any]]) -> list[Any]:
    """The page's questions and answers (the saved history and this session's), for export."""
    from assistant.sessions import ChatTurn

    return [ChatTurn(user=app_user(), question=m["answer"].question, answer=m["answer"])
            for m in messages if m.get("answer") is not None]


def history_bar(messages: list[dict[str, Any]]) -> None:
    """Export the conversation (.md, .docx), or clear it (and the saved history)."""
    from io import BytesIO

    from assistant.drafting.transcript import transcript_docx, transcript_markdown

    user = app_user()
    cols = st.columns([2, 2, 1])

    def docx() -> bytes:
        buf = BytesIO()
        transcript_docx(_turns(messages), user, buf)
        return buf.getvalue()

    private_download(cols[0], "导出问答记录（Word）", docx, file_name="问答记录.docx",
                     mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", key="chat_docx")
    private_download(cols[1], "导出问答记录（Markdown）", lambda: transcript_markdown(_turns(messages), user),
                     file_name="问答记录.md", mime="text/markdown", key="chat_md")
    if cols[2].button("清空对话", key="chat_clear", help="同时删除保存的问答记录"):
        if history_user():
            _store().clear_history(history_user())
        messages.clear()
        st.session_state.pop("conversation", None)
        st.rerun()


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


if __name__ == "__main__":  # Streamlit runs page files as __main__
    page()
