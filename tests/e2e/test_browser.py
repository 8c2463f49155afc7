"""End to end in a real headless Chromium: `streamlit run app.py` on a loopback port, driven by Playwright.

Needs Debian's `chromium` (/usr/bin/chromium) and the `playwright` Python package (its client only; no
browser download). Screenshots of every page go to artifacts/screenshots/; with FASHEN_UPDATE_SCREENSHOTS=1
they are also copied, shrunk, to docs/screenshots/ for the README.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.app.conftest import APP, DRAFT, DRAFT_NOTE, ROOT

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "artifacts" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 860}

if not CHROMIUM.exists():
    pytest.skip("Chromium not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install playwright)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(small_kb, small_settings, tmp_path_factory):
    """`streamlit run app.py` on a free loopback port over the session's small knowledge base."""
    port = free_port()
    env = {**os.environ, "FASHEN_HOME": str(small_settings.home), "FASHEN_KB__INCLUDE_LAWS_DB": "false",
           "FASHEN_KB__EMBEDDER": "none", "PYTHONUNBUFFERED": "1"}
    env.pop("FASHEN_APP__USERS", None)
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context: one new user session."""
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def shoot(pg, name: str) -> Path:
    """Save a screenshot as a test artefact (and, on request, a small copy for the README)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    time.sleep(0.5)  # let charts and fonts settle
    pg.screenshot(path=str(path))
    if os.environ.get("FASHEN_UPDATE_SCREENSHOTS") == "1":
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        target = DOCS_SHOTS / path.name
        try:
            from PIL import Image

            with Image.open(path) as im:  # a 256-colour palette keeps the committed files small
                im.convert("RGB").quantize(colors=256).save(target, optimize=True)
        except ImportError:
            shutil.copyfile(path, target)
    return path


def goto(pg, base: str, path: str, ready: str) -> float:
    """Open a page in the session and wait until `ready` (a selector) is visible; seconds taken."""
    started = time.perf_counter()
    pg.goto(f"{base}/{path}")
    pg.locator(ready).first.wait_for(state="visible")
    return time.perf_counter() - started


def nav(pg, title: str) -> None:
    """Follow a sidebar link (keeps the session, unlike a reload)."""
    pg.locator("[data-testid=stSidebarNav] a", has_text=title).first.click()


def in_view(pg, selector: str) -> bool:
    return pg.locator(selector).first.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }")


READY = {
    "": "[data-testid=stChatInput] textarea",
    "review": "[data-testid=stFileUploaderDropzone]",
    "opinion": "text=还没有审查结果",
    "kb": "[data-testid=stDataFrame]",
    "evals": "button:has-text('运行评测')",
}


def test_first_load_of_each_page_is_under_3_seconds(server, browser):
    """Benchmark: a new user's first load of each page once the server and its knowledge base are up."""
    timings = {}
    for warm in (True, False):
        for path, ready in READY.items():
            ctx = browser.new_context(viewport=VIEWPORT)
            pg = ctx.new_page()
            took = goto(pg, server, path, ready)
            ctx.close()
            if not warm:
                timings[path or "chat"] = round(took, 2)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "first-load-seconds.json").write_text(json.dumps(timings, indent=1), encoding="utf-8")
    assert max(timings.values()) < 3.0, timings


def test_ask_a_question_and_see_a_cited_answer(server, page):
    goto(page, server, "", READY[""])
    box = page.locator("[data-testid=stChatInput] textarea")
    box.fill("行政处罚法第十六条是怎么规定的？")
    box.press("Enter")
    page.get_by_text("引用依据").wait_for()
    card = page.locator("[data-testid=stExpander] summary", has_text="《中华人民共和国行政处罚法》第十六条").first
    assert "已核实" in card.inner_text()
    card.click()
    page.get_by_text("其他规范性文件不得设定行政处罚").last.wait_for()
    assert page.get_by_text("效力层级：法律").first.is_visible()
    shoot(page, "chat")
    box.fill("该条第二款呢？")  # a follow-up is read in the light of the previous answer
    box.press("Enter")
    page.locator("[data-testid=stChatMessage]").nth(3).wait_for()
    page.get_by_text("回答方式").nth(1).wait_for()


def test_review_with_materials_highlights_findings_and_downloads_the_opinion(server, page, tmp_path):
    import docx

    draft = tmp_path / "青禾县共享单车停放管理办法（送审稿）.md"
    note = tmp_path / "起草说明.md"
    draft.write_text(DRAFT, encoding="utf-8")
    note.write_text(DRAFT_NOTE, encoding="utf-8")
    goto(page, server, "review", READY["review"])
    page.locator("input[type=file]").first.set_input_files([str(draft), str(note)])
    page.get_by_role("button", name="开始审查").click()
    page.get_by_text("审查完成").wait_for()

    clause = page.locator("div.fs-clause.fs-error#clause-第四条")
    clause.wait_for()
    assert "五万元罚款" in clause.locator("mark").first.inner_text()
    assert page.locator("div.fs-clause#clause-第三条 mark").count() == 0
    assert page.locator("script", has_text="alert").count() == 0 and "<script>alert" in page.inner_text("body")
    link = page.locator("a.fs-loc[href='#clause-第四条']")
    link.scroll_into_view_if_needed()
    shoot(page, "review")
    link.click()  # finding → its clause
    page.wait_for_function("location.hash.length > 0")
    assert in_view(page, "#clause-第四条")
    badge = clause.locator("a.fs-badge").first
    target = badge.get_attribute("href")
    badge.click()  # and back
    page.wait_for_function(f"decodeURIComponent(location.hash) === '{target}'")
    assert in_view(page, target)

    page.get_by_role("tab", name="程序与材料").click()
    page.get_by_text("程序履行情况").wait_for()
    shoot(page, "review-checklist")

    nav(page, "意见书")
    page.get_by_role("button", name="生成意见书").click()
    page.get_by_text("已生成意见书").wait_for()
    shoot(page, "opinion")
    with page.expect_download() as info:
        page.get_by_role("button", name="下载意见书（Word .docx）").click()
    saved = tmp_path / "意见书.docx"
    info.value.save_as(saved)
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "合法性审查" in text and "第四条" in text and "罚款" in text


def test_kb_and_evals_pages(server, page):
    goto(page, server, "kb", READY["kb"])
    page.get_by_text("按层级统计").wait_for()
    shoot(page, "kb")
    goto(page, server, "evals", READY["evals"])
    page.get_by_role("button", name="运行评测").click()
    page.get_by_text("计分").first.wait_for(timeout=60_000)
    assert page.locator("[data-testid=stAlertContentError]").count() == 0
    shoot(page, "evals")
