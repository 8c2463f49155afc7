"""The Streamlit app, page by page, through `streamlit.testing.v1.AppTest` (no browser).

Each test is one user's session on a small lexical-only knowledge base (the session's `small_kb`). What the
pages show is compared with what the library returns for the same input: the app is a thin layer.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.config import get_settings
from tests.app.conftest import APP, DRAFT
from tests.conftest import REVIEW_CASES

PAGES = ["webapp/chat.py", "webapp/review.py", "webapp/opinion.py", "webapp/kb.py", "webapp/evals.py"]


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60)


def assert_no_traceback(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def texts(elements) -> list[str]:
    """What the elements show: their Markdown with the escapes of data (md_escape) undone."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in elements]


def open_page(at: AppTest, page: str) -> AppTest:
    at.run()
    return at.switch_page(page).run()


def expected_report(draft: Path, materials: list[Path]):
    """What the library says about the dossier (the rules verified against the KB when they can be)."""
    from assistant.errors import RuleCatalogError
    from assistant.kb.base import open_kb
    from assistant.review.dossier import load_files
    from assistant.review.engine import review
    from assistant.review.rules import load_rules

    kb = open_kb(get_settings())
    try:
        rules = load_rules(catalog=kb.catalog)
    except RuleCatalogError:
        rules = load_rules(catalog=None)
    return review(load_files(draft, materials), catalog=kb.catalog, rules=rules, settings=get_settings())


def review_uploads(at: AppTest, files: list[tuple[str, bytes, str]]) -> AppTest:
    open_page(at, "webapp/review.py")
    at.file_uploader(key="review_files").set_value(files).run()
    at.button(key="review_go_button").click().run()
    return at


def findings_table(at: AppTest):
    tables = [d.value for d in at.dataframe if "代码" in d.value.columns]
    assert tables, "the findings table is missing"
    return tables[0]


# -- shell ------------------------------------------------------------------------------------------------------

def test_every_page_renders_without_error(kb_home):
    at = new_app()
    for page in PAGES:
        open_page(at, page)
        assert_no_traceback(at)
        assert not at.error, (page, texts(at.error))
        assert at.title, page


def test_sidebar_names_backend_and_knowledge_base(kb_home):
    at = new_app().run()
    captions = " ".join(texts(at.sidebar.caption))
    assert "确定性检索摘录" in captions
    from assistant.kb.base import open_kb

    n_inst, n_art = open_kb(get_settings()).catalog.counts()
    assert f"{n_inst} 部法规" in captions and f"{n_art} 条" in captions


def test_sidebar_names_the_model_when_one_is_configured(kb_home, monkeypatch):
    monkeypatch.setenv("FASHEN_LLM__PROVIDER", "openai")
    monkeypatch.setenv("FASHEN_LLM__MODEL", "qwen2.5-7b-instruct")
    monkeypatch.setenv("FASHEN_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    get_settings.cache_clear()
    at = new_app().run()
    assert any("qwen2.5-7b-instruct" in c and "127.0.0.1:9" in c for c in texts(at.sidebar.caption))


def test_login_is_required_when_users_are_configured(kb_home, monkeypatch):
    monkeypatch.setenv("FASHEN_APP__USERS", json.dumps({"alice": hashlib.sha256(b"s3cret").hexdigest()}))
    get_settings.cache_clear()
    at = new_app().run()
    assert texts(at.title) == ["法审助手"] and not at.chat_input
    at.text_input[0].input("alice")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    assert any("用户名或密码不正确" in e for e in texts(at.error))
    assert "user" not in at.session_state
    at.text_input[1].input("s3cret")
    at.button[0].click().run()
    assert at.session_state["user"] == "alice"
    assert texts(at.title) == ["问答"] and at.chat_input
    assert_no_traceback(at)


def test_first_load_of_each_page_is_under_3_seconds(kb_home):
    """Benchmark: a new session's first load of each page, the knowledge base built, shared caches cold."""
    import streamlit as st

    st.cache_resource.clear()
    timings = {}
    for page in PAGES:
        at = new_app()
        if page != PAGES[0]:
            at.run()
            at.switch_page(page)
        started = time.perf_counter()
        at.run()
        timings[page] = time.perf_counter() - started
        assert_no_traceback(at)
    assert max(timings.values()) < 3.0, timings


# -- 问答 ---------------------------------------------------------------------------------------------------------

def test_chat_round_trip_shows_a_cited_answer(kb_home):
    at = new_app().run()
    at.chat_input[0].set_value("行政处罚法第十六条是怎么规定的？").run()
    assert_no_traceback(at)
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    reply = at.chat_message[1]
    answer = at.session_state["chat_messages"][1]["answer"]
    assert reply.markdown[0].value.strip() == answer.answer.strip()  # the streamed text is the answer
    assert any(c.instrument == "中华人民共和国行政处罚法" and c.article == "第十六条" and c.verified
               for c in answer.citations)
    cards = [e.label for e in reply.expander]
    assert len(cards) == len({(c.instrument, c.article) for c in [*answer.citations, *answer.unverified]})
    for c in answer.citations:
        assert any(f"《{c.instrument}》{c.article}" in label and ("已核实" if c.verified else "未核实") in label
                   for label in cards), c
    card_captions = [c.value for c in reply.caption if c.value.startswith("效力层级")]
    assert "效力层级：法律　·　时效性：现行有效　·　已与知识库原文核对" in card_captions
    quotes = [m.value for m in reply.markdown if m.value.startswith("> ")]
    assert any("其他规范性文件不得设定行政处罚" in q for q in quotes)
    assert any(c.value == "回答方式：确定性检索摘录" for c in reply.caption)


def test_a_citation_card_opens_the_whole_instrument(kb_home):
    at = new_app().run()
    at.chat_input[0].set_value("行政处罚法第十六条是怎么规定的？").run()
    at.toggle(key="m1_read_0").set_value(True).run()
    assert_no_traceback(at)
    shown = "\n".join(m.value for m in at.chat_message[1].markdown)
    assert "**《中华人民共和国行政处罚法》**" in shown and "**目录**" in shown and "**修订沿革**" in shown
    assert "- 第一章 总则（第一条—第八条）" in shown and "**第八十六条**" in shown


def test_chat_follow_up_keeps_the_context(kb_home):
    at = new_app().run()
    at.chat_input[0].set_value("规范性文件可以设定罚款吗？").run()
    at.chat_input[0].set_value("那规章呢？").run()
    assert_no_traceback(at)
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    turns = at.session_state["conversation"].turns
    assert len(turns) == 2 and "规章" in turns[1].resolved and "罚款" in turns[1].resolved
    assert any("按上文理解" in c.value for c in at.chat_message[3].caption)


def test_chat_without_knowledge_base_shows_a_message_not_a_traceback(no_kb_home):
    at = new_app().run()
    assert any("知识库尚未建立" in e for e in texts(at.error))
    at.chat_input[0].set_value("规范性文件可以设定罚款吗？").run()
    assert_no_traceback(at)
    assert any("知识库尚未建立" in e for e in texts(at.chat_message[1].error))
    at.chat_input[0].set_value("再问一次").run()  # the page stays usable
    assert len(at.chat_message) == 4


def test_chat_with_the_model_endpoint_down_answers_offline_and_says_so(kb_home, monkeypatch):
    for key, value in {"FASHEN_LLM__PROVIDER": "openai", "FASHEN_LLM__MODEL": "qwen", "FASHEN_LLM_API_KEY": "k",
                       "FASHEN_LLM__BASE_URL": "http://127.0.0.1:9/v1", "FASHEN_LLM__MAX_RETRIES": "0",
                       "FASHEN_LLM__TIMEOUT_S": "2"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    at = new_app().run()
    at.chat_input[0].set_value("行政处罚法第十六条是怎么规定的？").run()
    assert_no_traceback(at)
    answer = at.session_state["chat_messages"][1]["answer"]
    assert answer.backend == "none" and answer.citations
    assert texts(at.chat_message[1].warning) == answer.notices and answer.notices
    assert any("第十六条" in e.label for e in at.chat_message[1].expander)


def test_chat_shows_a_library_failure_as_a_message(kb_home, monkeypatch):
    import assistant.answer as answer_mod

    def broken(*args, **kwargs):
        raise RuntimeError("connection refused")
        yield  # pragma: no cover

    monkeypatch.setattr(answer_mod, "stream_ask", broken)
    at = new_app().run()
    at.chat_input[0].set_value("规范性文件可以设定罚款吗？").run()
    assert_no_traceback(at)
    assert any("回答问题失败" in e and "connection refused" in e for e in texts(at.error))


# -- 审查 ---------------------------------------------------------------------------------------------------------

def test_review_of_an_uploaded_draft_shows_its_findings_in_table_and_draft(kb_home, draft_files, tmp_path):
    at = review_uploads(new_app(), draft_files)
    assert_no_traceback(at)
    assert not at.error, texts(at.error)
    for name, data, _ in draft_files:
        (tmp_path / name).write_bytes(data)
    expected = expected_report(tmp_path / draft_files[0][0], [tmp_path / draft_files[1][0]])
    assert ("C.PENALTY", "第四条") in {(f.code, f.location) for f in expected.findings}

    table = findings_table(at)
    assert list(zip(table["代码"], table["位置"])) == [(f.code, f.location or "（整体/程序）") for f in expected.findings]
    assert dict((m.label, m.value) for m in at.metric)["问题总数"] == str(len(expected.findings))

    findings_list, draft_view = (h.value for h in at.html)
    n = next(i for i, f in enumerate(expected.findings, 1) if f.code == "C.PENALTY")
    assert f'href="#clause-第四条"' in findings_list and f'id="finding-{n}"' in findings_list
    assert 'class="fs-clause fs-error" id="clause-第四条"' in draft_view
    assert f'href="#finding-{n}"' in draft_view
    assert '<mark class="fs-error">违反本办法规定乱停乱放的' in draft_view
    # Clean clauses stay unmarked, and the draft's markup is shown as text.
    assert '<div class="fs-clause" id="clause-第三条">' in draft_view
    assert "<script>" not in draft_view and "&lt;script&gt;" in draft_view


def test_review_filters_by_code_and_severity(kb_home, draft_files):
    at = review_uploads(new_app(), draft_files)
    at.multiselect(key="review_filter_codes").set_value(["C.PENALTY"]).run()
    table = findings_table(at)
    assert set(table["代码"]) == {"C.PENALTY"}
    assert "fs-badge" in at.html[1].value and "P.PUBLIC_COMMENT" not in at.html[0].value
    at.multiselect(key="review_filter_codes").set_value([]).run()
    assert at.multiselect(key="review_filter_sev").options == ["严重"]  # only the severities present are offered
    at.multiselect(key="review_filter_sev").set_value(["严重"]).run()
    errors = [f for f in at.session_state["review"]["report"].findings if f.severity.value == "error"]
    assert list(findings_table(at)["严重程度"]) == ["严重"] * len(errors)


def test_review_shows_procedures_as_a_checklist_and_offers_downloads(kb_home, draft_files):
    at = review_uploads(new_app(), draft_files)
    report = at.session_state["review"]["report"]
    checklist = [m.value for m in at.markdown if "`P." in m.value]
    missing = {f.code for f in report.findings if f.code.startswith("P.")}
    assert missing and all(any(f"`{code}`" in line and "disabled_by_default" in line for line in checklist)
                           for code in missing)
    assert any("`P.DRAFT_NOTE`" in line and "check_box" in line and "起草说明" in line for line in checklist)
    labels = [b.label for b in at.get("download_button")]
    assert {"下载审查报告（JSON）", "下载审查报告（Markdown）"} <= set(labels)


@pytest.mark.skipif(not any(REVIEW_CASES.glob("n01-*")), reason="evaldata review case n01 not available")
def test_review_of_a_dev_case_with_its_materials(kb_home):
    case = next(REVIEW_CASES.glob("n01-*"))
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    materials = [case / m for m in spec["materials"]]
    files = [("draft.md", (case / spec["draft"]).read_bytes(), "text/markdown")]
    files += [(p.name, p.read_bytes(), "text/markdown") for p in materials]
    at = review_uploads(new_app(), files)
    assert_no_traceback(at)
    expected = expected_report(case / spec["draft"], materials)
    table = findings_table(at)
    assert list(zip(table["代码"], table["位置"])) == [(f.code, f.location or "（整体/程序）") for f in expected.findings]
    located = {f.location for f in expected.findings if f.location}
    assert located and all(f'id="clause-{loc}"' in at.html[1].value for loc in located)


def test_review_refuses_an_upload_over_the_limit_naming_it(kb_home, monkeypatch, draft_files):
    monkeypatch.setenv("FASHEN_APP__MAX_UPLOAD_MB", "0.002")
    get_settings.cache_clear()
    big = ("大文件.md", DRAFT.encode() * 5, "text/markdown")  # ≈ 3 KB
    at = open_page(new_app(), "webapp/review.py")
    at.file_uploader(key="review_files").set_value([big]).run()
    assert_no_traceback(at)
    assert any("超过上传上限 0.002 MB" in e and "大文件.md" in e for e in texts(at.error))
    assert "review" not in at.session_state


def test_review_of_an_unreadable_draft_shows_why(kb_home):
    at = review_uploads(new_app(), [("草案.docx", b"this is not a zip file", "application/octet-stream")])
    assert_no_traceback(at)
    assert any("草案无法读取" in e for e in texts(at.error))
    assert "review" not in at.session_state
    at.file_uploader(key="review_files").set_value(
        [("草案.md", DRAFT.encode(), "text/markdown")]).run()  # the page stays usable
    at.button(key="review_go_button").click().run()
    assert "review" in at.session_state


def test_review_works_without_a_knowledge_base_and_says_so(no_kb_home, draft_files):
    at = review_uploads(new_app(), draft_files)
    assert_no_traceback(at)
    assert any("知识库尚未建立" in w for w in texts(at.warning))
    assert ("C.PENALTY", "第四条") in {(f.code, f.location) for f in at.session_state["review"]["report"].findings}
    assert any("未提供知识库" in i for i in texts(at.info))


def test_review_type_can_be_changed_after_detection(kb_home, draft_files):
    at = review_uploads(new_app(), draft_files)
    assert at.session_state["review"]["report"].doc_type.value == "normative"
    at.button(key="review_retype").click().run()
    report = at.session_state["review"]["report"]
    assert report.doc_type.value == "major_decision" and not report.doc_type_detected


# -- 意见书 --------------------------------------------------------------------------------------------------------

def test_opinion_without_review_points_to_the_review_page(kb_home):
    at = open_page(new_app(), "webapp/opinion.py")
    assert any("还没有审查结果" in i for i in texts(at.info))
    assert_no_traceback(at)


def test_opinion_is_generated_edited_and_downloadable(kb_home, draft_files):
    from assistant.drafting.opinion import build_opinion

    at = review_uploads(new_app(), draft_files)
    report = at.session_state["review"]["report"]
    at.switch_page("webapp/opinion.py").run()
    at.text_input(key="opinion_office").input("青禾县司法局")
    at.button(key="opinion_build").click().run()
    assert_no_traceback(at)
    expected = build_opinion(report, office="青禾县司法局")  # dated today
    edited = at.session_state["opinion_edited"]
    assert edited.model_dump() == expected.model_dump()
    assert {b.label for b in at.get("download_button")} >= {"下载意见书（Word .docx）", "下载意见书（Markdown）"}

    ver = at.session_state["opinion_ver"]
    at.text_area(key=f"op{ver}-conclusion_text").input("建议删除第四条后提请审议。")
    at.text_input(key=f"op{ver}-signature").input("青禾县司法局（盖章）")
    at.checkbox(key=f"op{ver}-del0").check()
    at.run()
    edited = at.session_state["opinion_edited"]
    assert edited.conclusion_text == "建议删除第四条后提请审议。"
    assert edited.signature == "青禾县司法局（盖章）"
    assert edited.title.startswith("青禾县司法局（盖章）关于《")  # the title names the office of the 落款
    assert len(edited.items) == len(expected.items) - 1 and edited.items[0].heading.startswith("（一）")
    preview = [m.value for m in at.markdown if m.value.startswith("# ")]
    assert preview and "建议删除第四条后提请审议。" in preview[0] and "青禾县司法局（盖章）" in preview[0]

    at.switch_page("webapp/review.py").run()  # edits survive a visit to another page
    at.switch_page("webapp/opinion.py").run()
    assert at.session_state["opinion_edited"].conclusion_text == "建议删除第四条后提请审议。"


def test_opinion_loads_a_saved_report_and_rejects_a_wrong_file(kb_home, draft_files):
    at = review_uploads(new_app(), draft_files)
    saved = at.session_state["review"]["report"].model_dump_json()
    at = open_page(new_app(), "webapp/opinion.py")
    at.file_uploader(key="opinion_report_file").set_value(("x.json", b'{"hello": 1}', "application/json")).run()
    at.button(key="opinion_load").click().run()
    assert any("不是本系统保存的完整审查报告" in e for e in texts(at.error))
    at.file_uploader(key="opinion_report_file").set_value(("r.json", saved.encode(), "application/json")).run()
    at.button(key="opinion_load").click().run()
    at.button(key="opinion_build").click().run()
    assert_no_traceback(at)
    assert at.session_state["opinion_edited"].items


# -- 知识库 --------------------------------------------------------------------------------------------------------

def test_kb_page_lists_the_instruments_and_searches(kb_home):
    from assistant.kb.base import open_kb

    kb = open_kb(get_settings())
    at = open_page(new_app(), "webapp/kb.py")
    assert_no_traceback(at)
    table = next(d.value for d in at.dataframe if "名称" in d.value.columns)
    n_inst, n_art = kb.catalog.counts()
    assert len(table) == n_inst
    assert "中华人民共和国行政处罚法" in set(table["名称"])
    assert {m.label: m.value for m in at.metric}["条文"] == str(n_art)
    at.text_input(key="kb_query").input("行政处罚法第十六条").run()
    assert at.expander and "《中华人民共和国行政处罚法》第十六条" in at.expander[0].label
    at.multiselect(key="kb_f_level").set_value(["法律"]).run()
    table = next(d.value for d in at.dataframe if "名称" in d.value.columns)
    assert set(table["层级"]) == {"法律"}
    at.selectbox(key="kb_read").set_value("中华人民共和国行政许可法").run()
    assert_no_traceback(at)
    assert any(m.value.startswith("**《中华人民共和国行政许可法》**") and "**第八十三条**" in m.value for m in at.markdown)


def test_kb_page_ingests_an_uploaded_local_rule_and_marks_it_repealed(writable_kb_home):
    from assistant.kb.base import open_kb

    rule = ("青禾县行政规范性文件管理办法.md",
            "# 青禾县行政规范性文件管理办法\n\n第一条　为了规范行政规范性文件管理，制定本办法。\n\n"
            "第二条　行政规范性文件不得设定行政许可。\n\n第三条　本办法自发布之日起施行。\n".encode(), "text/markdown")
    at = open_page(new_app(), "webapp/kb.py")
    at.selectbox(key="kb_in_level").select("规范性文件")
    at.text_input(key="kb_in_region").input("青禾县")
    at.file_uploader(key="kb_upload").set_value([rule]).run()
    at.button(key="kb_ingest_files").click().run()
    assert_no_traceback(at)
    assert any("导入完成：新增 1 部" in s for s in texts(at.success)), texts(at.error)
    inst = open_kb(get_settings()).catalog.resolve("青禾县行政规范性文件管理办法")
    assert inst is not None and inst.level.value == "规范性文件" and inst.region == "青禾县"

    at.selectbox(key="kb_mark_name").select("青禾县行政规范性文件管理办法")
    at.text_input(key="kb_mark_note").input("已被新办法废止").run()
    at.button(key="kb_mark_go").click().run()
    assert_no_traceback(at)
    assert any("已将《青禾县行政规范性文件管理办法》标记为已废止" in s for s in texts(at.success))
    assert open_kb(get_settings()).catalog.resolve("青禾县行政规范性文件管理办法").status.value == "已废止"


def test_kb_page_without_knowledge_base_offers_to_build_one(no_kb_home):
    at = open_page(new_app(), "webapp/kb.py")
    assert_no_traceback(at)
    assert any("知识库尚未建立" in w for w in texts(at.warning))
    assert at.button(key="kb_build")


def test_kb_folder_ingest_of_a_missing_folder_says_so(writable_kb_home, tmp_path):
    at = open_page(new_app(), "webapp/kb.py")
    at.text_input(key="kb_folder").input(str(tmp_path / "没有这个文件夹")).run()
    at.button(key="kb_ingest_folder").click().run()
    assert_no_traceback(at)
    assert any("路径不存在" in e for e in texts(at.error))


# -- 评测 -----------------------------------------------------------------------------------------------------------

def test_evals_page_lists_suites_and_shows_a_suite_that_cannot_run(kb_home, monkeypatch, tmp_path):
    monkeypatch.setenv("FASHEN_SHARED_DIR", str(tmp_path / "no-shared"))
    get_settings.cache_clear()
    at = open_page(new_app(), "webapp/evals.py")
    assert_no_traceback(at)
    suites = at.selectbox(key="eval_suite").options
    assert any(s.startswith("review") for s in suites) and any(s.startswith("citations") for s in suites)
    at.selectbox(key="eval_suite").set_value("review").run()
    at.button(key="eval_run").click().run()
    assert_no_traceback(at)
    assert any("评测数据不存在" in e for e in texts(at.error))


@pytest.mark.skipif(not (REVIEW_CASES.parent.parent / "qa-admin" / "dev.jsonl").is_file(),
                    reason="evaldata qa-admin not available")
def test_evals_page_runs_a_suite_and_shows_regressions_against_the_baseline(kb_home, monkeypatch, tmp_path):
    import evals.runner as runner

    baselines = tmp_path / "baselines"
    monkeypatch.setattr(runner, "BASELINES_DIR", baselines)
    at = open_page(new_app(), "webapp/evals.py")
    at.selectbox(key="eval_suite").set_value("citations").run()
    at.number_input(key="eval_limit").set_value(6).run()
    at.button(key="eval_run").click().run()
    assert_no_traceback(at)
    assert not at.error, texts(at.error)
    report = runner.load_report(Path(at.session_state["eval_report"]))
    assert any("还没有基线" in i for i in texts(at.info))
    # A baseline in which every scored item did better: each becomes a per-item regression.
    scored = [it for it in report.items if not it.skipped and it.score is not None]
    better = report.model_copy(update={"run_id": "baseline-run", "items": [
        it.model_copy(update={"score": it.score + 1.0}) if it in scored else it for it in report.items]})
    runner.save_baseline(better, baselines)
    at.run()
    assert_no_traceback(at)
    regressions = next(d.value for d in at.dataframe if "条目" in d.value.columns)
    assert set(regressions["条目"]) == {it.id for it in scored}
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
