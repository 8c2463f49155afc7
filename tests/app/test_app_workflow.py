"""The reviewer's workflow in the app: every review saved and reopened in a new browser session, a decision on each
finding that the 意见书 follows, a finding added with its basis checked, the annotated draft, the batch of a .zip,
and the chat history kept per user."""

from __future__ import annotations

import io
import zipfile

from assistant.config import get_settings
from assistant.sessions import session_store
from tests.app.conftest import DRAFT, DRAFT_NOTE
from tests.app.test_app import assert_no_traceback, new_app, open_page, review_uploads, texts


def decisions_key(at, name: str) -> str:
    return f"dec-{at.session_state['review']['session_id']}-{name}"


def test_a_review_is_saved_and_reopened_in_a_new_browser_session(kb_home, draft_files):
    at = review_uploads(new_app(), draft_files)
    assert_no_traceback(at)
    state = at.session_state["review"]
    saved = session_store(get_settings()).list(user="app")
    assert [(s.id, s.title, s.findings) for s in saved] == [(state["session_id"], state["report"].title,
                                                            len(state["report"].findings))]
    later = open_page(new_app(), "webapp/review.py")  # the page was closed: a new session
    assert "review" not in later.session_state
    later.button(key=f"open-{state['session_id']}").click().run()
    assert_no_traceback(later)
    assert later.session_state["review"]["report"] == state["report"]
    assert later.session_state["review"]["draft_text"].startswith("# 青禾县共享单车停放管理办法")
    later.button(key=f"delete-{state['session_id']}").click().run()
    assert session_store(get_settings()).list() == [] and "review" not in later.session_state


def test_decisions_are_saved_and_the_opinion_follows_them(kb_home, draft_files):
    at = review_uploads(new_app(), draft_files)
    report = at.session_state["review"]["report"]
    assert ("C.PENALTY", "第四条") in {(f.code, f.location) for f in report.findings}
    at.radio(key=decisions_key(at, "act-C.PENALTY@第四条")).set_value("不采纳").run()
    at.button(key="decisions_save").click().run()
    assert any("须写明理由" in e for e in texts(at.error))  # nothing saved without the reason
    at.text_input(key=decisions_key(at, "reason-C.PENALTY@第四条")).input("上位法已规定，属于援引").run()
    at.radio(key=decisions_key(at, "act-C.FEE@第六条")).set_value("修改后采纳").run()
    at.text_input(key=decisions_key(at, "old-C.FEE@第六条")).input("按每辆车二百元的标准")
    at.text_input(key=decisions_key(at, "new-C.FEE@第六条")).input("")
    at.button(key="decisions_save").click().run()
    assert_no_traceback(at)
    decisions = at.session_state["review"]["decisions"]
    assert [(d.finding, d.action.value, d.reason) for d in decisions.decisions] == [
        ("C.PENALTY@第四条", "reject", "上位法已规定，属于援引"), ("C.FEE@第六条", "edit", None)]
    assert decisions.decisions[1].edit.rewrite.old == "按每辆车二百元的标准"
    stored = session_store(get_settings()).get(at.session_state["review"]["session_id"])
    assert stored.decisions == decisions

    at.switch_page("webapp/opinion.py").run()
    at.button(key="opinion_build").click().run()
    assert_no_traceback(at)
    opinion = at.session_state["opinion_edited"]
    assert not any("第四条" in item.heading for item in opinion.items)
    assert any("第六条" in item.heading for item in opinion.items)
    at.button(key="opinion_save").click().run()
    assert session_store(get_settings()).get(stored.id).opinion == opinion
    labels = {b.label for b in open_page(at, "webapp/review.py").get("download_button")}
    assert "下载批注稿（Word，含批注和修订）" in labels


def test_a_finding_is_added_only_with_a_basis_that_verifies(kb_home, draft_files):
    at = review_uploads(new_app(), draft_files)
    at.selectbox(key="add_code").set_value("C.OBLIGATION")
    at.selectbox(key="add_location").set_value("第三条")
    at.text_input(key="add_title").input("为其他部门设定职责")
    at.text_input(key="add_basis").input("《中华人民共和国行政处罚法》第二百条")
    at.button(key="FormSubmitter:add_finding-核对依据并添加").click().run()
    assert any("法律依据未通过核对" in e and "没有第二百条" in e for e in texts(at.error))
    assert at.session_state["review"]["decisions"].added == []
    at.text_input(key="add_basis").input("《中华人民共和国行政处罚法》第十六条")
    at.button(key="FormSubmitter:add_finding-核对依据并添加").click().run()
    assert_no_traceback(at)
    added = at.session_state["review"]["decisions"].added
    assert [(f.code, f.location, f.title, f.basis[0].verified) for f in added] == [
        ("C.OBLIGATION", "第三条", "为其他部门设定职责", True)]


def test_a_zip_of_documents_is_reviewed_in_one_batch(kb_home):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("备案/单车.md", DRAFT)
        z.writestr("备案/说明.docx", b"PK\x03\x04 broken")
    at = open_page(new_app(), "webapp/review.py")
    at.get("button_group")[0].set_value("批量备案审查").run()
    at.file_uploader(key="batch_files").set_value([("备案.zip", buf.getvalue(), "application/zip"),
                                                   ("起草说明.md", DRAFT_NOTE.encode(), "text/markdown")]).run()
    at.button(key="batch_go").click().run()
    assert_no_traceback(at)
    result = at.session_state["batch"]
    names = {d.name: d for d in result.documents}
    assert set(names) == {"备案/备案/单车.md", "备案/备案/说明.docx", "上传的文件/起草说明.md"}
    assert names["备案/备案/说明.docx"].error and not names["备案/备案/单车.md"].error
    assert ("C.PENALTY", "第四条") in {(f.code, f.location) for f in names["备案/备案/单车.md"].findings}
    assert {b.label for b in at.get("download_button")} == {"下载审查汇总（Excel .xlsx）"}


def test_the_chat_history_is_kept_per_user_and_exported(kb_home, monkeypatch):
    at = new_app().run()
    at.chat_input[0].set_value("规范性文件可以设定罚款吗？").run()
    assert session_store(get_settings()).history("app") == []  # an anonymous visitor's questions are not kept
    assert not new_app().run().chat_message

    monkeypatch.setenv("FASHEN_USER", "法制科")
    get_settings.cache_clear()
    at = new_app().run()
    at.chat_input[0].set_value("行政处罚法第十六条是怎么规定的？").run()
    assert_no_traceback(at)
    again = new_app().run()  # the same user, later
    assert [m.name for m in again.chat_message] == ["user", "assistant"]
    assert {b.label for b in again.get("download_button")} == {"导出问答记录（Word）", "导出问答记录（Markdown）"}
    again.button(key="chat_clear").click().run()
    assert session_store(get_settings()).history("法制科") == [] and not again.chat_message
    get_settings.cache_clear()
