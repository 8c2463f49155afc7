"""Twenty users at once get what one user gets alone: searches, reviews and audit writes from concurrent threads
equal the serial results. (Throughput and latency are figures, measured by evals/load.py, not asserted here.)"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.review.dossier import load_case
from assistant.review.engine import review
from assistant.review.report import report_to_json_dict
from assistant.review.rules import load_rules
from tests.conftest import REVIEW_CASES

USERS = 20
QUERIES = [
    "镇政府的文件能不能规定罚款", "《行政处罚法》第十六条", "重大行政决策需要经过哪些程序", "规范性文件有效期",
    "政府信息公开申请的答复期限", "行政许可的听证", "查封扣押的期限", "公平竞争审查的对象", "招标投标保证金",
    "征收补偿方案征求意见", "行政复议申请期限", "证明事项告知承诺", "优化营商环境条例第六十四条", "备案审查的期限",
]
CASES = sorted(p for p in REVIEW_CASES.glob("*/") if (p / "case.json").is_file()) if REVIEW_CASES.is_dir() else []


def _together(n: int, work):
    """Run work(i) for i in range(n) on n threads released at the same moment; the results in order of i."""
    barrier = threading.Barrier(n)

    def run(i: int):
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def _hits(kb, query: str) -> list[tuple[str, float, str]]:
    return [(h.article.id, round(h.score, 9), h.matched_by) for h in kb.search(query, 10)]


def test_concurrent_searches_equal_serial_ones(small_kb):
    serial = {q: _hits(small_kb, q) for q in QUERIES}
    assert all(serial.values())
    # Each of the 20 users runs every query, starting at a different one, so that different queries overlap.
    results = _together(USERS, lambda i: {q: _hits(small_kb, q) for q in QUERIES[i % len(QUERIES):] + QUERIES[:i % len(QUERIES)]})
    for got in results:
        assert got == serial


@pytest.mark.skipif(not CASES, reason="../shared/evaldata/review/cases is not available")
def test_concurrent_reviews_equal_serial_ones(catalog):
    rules = load_rules(catalog=catalog)
    dossiers = [load_case(c) for c in CASES]
    serial = [report_to_json_dict(review(d, catalog=catalog, rules=rules)) for d in dossiers]
    # 20 users, each reviewing a different case first and then the next few: all cases run on several threads.
    per_user = 4
    results = _together(USERS, lambda i: [(j % len(dossiers), report_to_json_dict(
        review(dossiers[j % len(dossiers)], catalog=catalog, rules=rules))) for j in range(i, i + per_user)])
    checked = 0
    for user in results:
        for j, got in user:
            assert got == serial[j], CASES[j].name
            checked += 1
    assert checked == USERS * per_user


def test_concurrent_audit_writes_lose_nothing(fashen_home):
    from assistant.audit import AuditEvent, AuditLog

    log = AuditLog()
    _together(USERS, lambda i: [log.record(AuditEvent(kind="answer", user=f"u{i}", summary=f"{i}-{k}"))
                                for k in range(10)])
    events = log.list(None)
    assert len(events) == USERS * 10 and len({e.id for e in events}) == USERS * 10
    assert sorted(e.summary for e in events) == sorted(f"{i}-{k}" for i in range(USERS) for k in range(10))
