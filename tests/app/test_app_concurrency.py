"""Twenty sessions of the app at once (AppTest, one thread each) see what one session sees alone."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

USERS = 20
QUESTIONS = ["规范性文件可以设定罚款吗？", "行政处罚法第十六条是怎么规定的？", "重大行政决策草案必须经过哪些程序？",
             "行政许可的听证"]


def _together(n, work):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def _session_review(files) -> list[tuple[str, str]]:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("webapp/review.py").run()
    at.file_uploader(key="review_files").set_value(files).run()
    at.button(key="review_go_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    report = at.session_state["review"]["report"]
    return [(f.code, f.location, f.evidence) for f in report.findings]


def _session_ask(question: str) -> list[tuple[str, str, bool]]:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.chat_input[0].set_value(question).run()
    assert not at.exception, [e.message for e in at.exception]
    answer = at.session_state["chat_messages"][1]["answer"]
    return [(c.instrument, c.article, c.verified) for c in answer.citations]


def test_twenty_sessions_reviewing_at_once_see_the_serial_findings(kb_home, draft_files):
    serial = _session_review(draft_files)
    assert serial
    results = _together(USERS, lambda i: _session_review(draft_files))
    assert all(r == serial for r in results)


def test_twenty_sessions_asking_at_once_get_the_serial_citations(kb_home):
    serial = {q: _session_ask(q) for q in QUESTIONS}
    assert all(serial.values())
    results = _together(USERS, lambda i: (QUESTIONS[i % len(QUESTIONS)], _session_ask(QUESTIONS[i % len(QUESTIONS)])))
    for q, got in results:
        assert got == serial[q], q
