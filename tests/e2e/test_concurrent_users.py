"""Twenty users of one app server review at the same moment and each gets the report one user gets alone.

A real `streamlit run app.py` (the `server` fixture of test_browser.py) and twenty browser contexts (twenty
sessions): all twenty start their review before any result is read; each session's downloaded JSON report must
equal the one from a session that reviewed alone, and the library's own report for the same files.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.app.conftest import CLEAN_DRAFT, DRAFT_NOTE
from tests.e2e.test_browser import READY, browser, goto, new_page, server, settle  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
USERS = int(os.environ.get("FASHEN_E2E_USERS", "20"))  # ~3 minutes on 2 cores: twenty Chromium pages


def _upload(pg, base: str, files: list[str]) -> None:
    """Open the review page of a session, upload the files and wait until the review can start."""
    goto(pg, base, "review", READY["review"])
    pg.locator("input[type=file]").first.set_input_files(files)
    pg.get_by_role("button", name="开始审查").wait_for()
    settle(pg)


def _report(pg, tmp_path, name: str) -> dict:
    pg.get_by_text("审查完成").wait_for(timeout=300_000)
    settle(pg, 300_000)
    pg.get_by_role("tab", name="下载报告").click()
    with pg.expect_download() as info:
        pg.get_by_role("button", name="下载审查报告（JSON）").click()
    path = tmp_path / f"{name}.json"
    info.value.save_as(path)
    return json.loads(path.read_text(encoding="utf-8"))


def _findings(report: dict) -> list[tuple]:
    return [(f["code"], f["location"], f["evidence"], f["source"]) for f in report["findings"]]


def test_twenty_sessions_reviewing_at_once_get_the_serial_report(server, browser, tmp_path, small_kb):  # noqa: F811
    from assistant.review.dossier import load_files
    from assistant.review.engine import review
    from assistant.review.rules import load_rules

    draft = tmp_path / "青禾县共享单车停放管理办法（送审稿）.md"
    note = tmp_path / "起草说明.md"
    draft.write_text(CLEAN_DRAFT, encoding="utf-8")
    note.write_text(DRAFT_NOTE, encoding="utf-8")
    files = [str(draft), str(note)]
    expected = review(load_files(draft, [note]), catalog=small_kb.catalog,
                      rules=load_rules(catalog=small_kb.catalog), settings=small_kb.settings)

    ctx, alone = new_page(browser, accept_downloads=True)
    try:
        _upload(alone, server, files)
        alone.get_by_role("button", name="开始审查").click()
        serial = _report(alone, tmp_path, "serial")
    finally:
        ctx.close()
    assert _findings(serial) == [(f.code, f.location, f.evidence, f.source) for f in expected.findings]

    sessions = [new_page(browser, accept_downloads=True) for _ in range(USERS)]
    try:
        for _, pg in sessions:  # the twenty pages load side by side
            pg.goto(f"{server}/review", wait_until="commit")
        for _, pg in sessions:
            pg.locator(READY["review"]).first.wait_for(state="visible")
            pg.locator("input[type=file]").first.set_input_files(files)
        for _, pg in sessions:
            pg.get_by_role("button", name="开始审查").wait_for()
            settle(pg)
        for _, pg in sessions:  # twenty clicks in a row: the reviews run on the server at the same time
            pg.get_by_role("button", name="开始审查").click(no_wait_after=True)
        reports = [_report(pg, tmp_path, f"user{i}") for i, (_, pg) in enumerate(sessions)]
    finally:
        for ctx, _ in sessions:
            ctx.close()
    for report in reports:
        assert _findings(report) == _findings(serial)
        assert report == serial
