"""Downloads belong to the session that made them (issue #15), in a real `streamlit run app.py` with a login.

Streamlit serves download data at /media/<hash> to any HTTP client, logged in or not. The app's report and
opinion files exist only after the logged-in session clicks, and are gone `app.download_ttl_s` seconds later
(3 s here): a client without the session, holding the URL, gets 404. Uploads over the app's limit get the app's
own Chinese message, never Streamlit's English "File must be … or smaller".
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request

import pytest

from tests.app.conftest import CLEAN_DRAFT
from tests.e2e.test_browser import READY, browser, nav, new_page, settle, streamlit_server  # noqa: F401 - fixture

pytestmark = pytest.mark.e2e
TTL_S = 3


@pytest.fixture(scope="module")
def login_server(small_kb, small_settings, tmp_path_factory):
    users = json.dumps({"张三": hashlib.sha256("密码123".encode()).hexdigest()})
    with streamlit_server(small_settings.home, tmp_path_factory.mktemp("streamlit") / "server.log",
                          FASHEN_APP__USERS=users, FASHEN_APP__DOWNLOAD_TTL_S=str(TTL_S)) as url:
        yield url


def login(pg, base: str) -> None:
    pg.goto(base)
    pg.get_by_label("用户名").fill("张三")
    pg.get_by_label("密码").fill("密码123")
    pg.get_by_role("button", name="登录").click()
    pg.locator(READY[""]).first.wait_for(state="visible")


def status(url: str) -> int:
    """The HTTP status a client without any session gets for `url`."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_report_download_is_reachable_only_briefly_and_only_after_the_click(login_server, browser, tmp_path):
    draft = tmp_path / "青禾县共享单车停放管理办法（送审稿）.md"
    draft.write_text(CLEAN_DRAFT, encoding="utf-8")
    ctx, pg = new_page(browser, accept_downloads=True)
    try:
        login(pg, login_server)
        nav(pg, "审查")  # in the session: a new page load is a new session, logged out
        pg.locator("input[type=file]").first.set_input_files([str(draft)])
        pg.get_by_role("button", name="开始审查").click()
        pg.get_by_text("审查完成").wait_for()
        settle(pg)
        pg.get_by_role("tab", name="下载报告").click()
        assert "/media/" not in pg.content().replace("/static/media/", "")  # nothing to fetch before the click
        with pg.expect_download() as info:
            pg.get_by_role("button", name="下载审查报告（JSON）").click()
        download = info.value
        saved = tmp_path / "report.json"
        download.save_as(saved)
        assert json.loads(saved.read_text(encoding="utf-8"))["findings"]
        url = download.url
        assert "/media/" in url
        time.sleep(TTL_S + 1.5)
        assert status(url) == 404  # gone, though the session that made it is still open
    finally:
        ctx.close()
    assert status(url) == 404


def test_an_upload_over_the_limit_gets_the_apps_chinese_message(login_server, browser, tmp_path):
    big = tmp_path / "大草案.md"
    big.write_bytes(CLEAN_DRAFT.encode() * (21 * 2**20 // len(CLEAN_DRAFT.encode()) + 1))  # 21 MB; the limit: 20 MB
    ctx, pg = new_page(browser)
    try:
        login(pg, login_server)
        nav(pg, "审查")  # in the session: a new page load is a new session, logged out
        pg.locator("input[type=file]").first.set_input_files([str(big)])
        pg.get_by_text("超过上传上限 20 MB").wait_for()
        assert "大草案" in pg.locator("[data-testid=stAlert]").first.inner_text()
        assert "File must be" not in pg.content()
    finally:
        ctx.close()
