"""Load benchmark (figures, not tests): N concurrent users searching and reviewing on the current knowledge base.

    python evals/load.py --users 8 --seconds 20            # one run, 8 users
    python evals/load.py --users 1,4,8,16 --seconds 20     # a sweep, one JSON object per user count

Each user is a thread that, until the time is up, either searches (a question from evals/bench.py's list) or
reviews a dossier (the dev cases of ../shared/evaldata/review/cases, read from disk each time as an upload would
be, else bench.py's synthetic 35-article draft), in the proportion --mix. The knowledge base and the rule catalog
are opened once and shared, as the app shares them between sessions. Prints throughput (operations per second)
and p50/p95/max latency per operation as JSON. The results of concurrent runs are checked against serial runs by
tests/test_concurrency.py; this script only measures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench.py beside this file

from bench import QUERIES, _pct, _synthetic_case  # noqa: E402

from assistant.config import get_settings  # noqa: E402


def _cases(settings) -> list[Path]:
    folder = settings.evaldata_dir / "review" / "cases"
    cases = sorted(p for p in folder.glob("*/") if (p / "case.json").is_file()) if folder.is_dir() else []
    return cases or [_synthetic_case()]


def _stats(latencies: list[float], seconds: float) -> dict:
    if not latencies:
        return {"count": 0}
    ms = [x * 1000 for x in latencies]
    return {"count": len(ms), "throughput_per_s": round(len(ms) / seconds, 2), "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(_pct(ms, 0.95), 1), "max_ms": round(max(ms), 1)}


def run_load(users: int, seconds: float, mix: float, kb, rules, cases: list[Path], *, audit: bool = False) -> dict:
    """Run `users` threads for `seconds`; per-operation latency statistics and throughput."""
    from assistant.audit import dossier_files, file_inputs, record_review
    from assistant.review import run_review

    settings = kb.settings
    results: dict[str, list[float]] = {"search": [], "review": []}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users + 1)
    stop_at = [0.0]

    def user(n: int) -> None:
        rng = random.Random(n)
        mine: dict[str, list[float]] = {"search": [], "review": []}
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            kind = "search" if rng.random() < mix else "review"
            t = time.perf_counter()
            try:
                if kind == "search":
                    kb.search(rng.choice(QUERIES), 10)
                else:
                    case = rng.choice(cases)
                    report = run_review(case, kb=kb, rules=rules, settings=settings)
                    if audit:
                        record_review(report, settings, file_inputs(dossier_files(case)))
            except Exception as exc:  # a failure is counted and reported, and the user goes on
                with lock:
                    errors.append(f"{kind}: {type(exc).__name__}: {exc}")
                continue
            mine[kind].append(time.perf_counter() - t)
        with lock:
            for k, v in mine.items():
                results[k].extend(v)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for th in threads:
        th.start()
    started = time.perf_counter()
    stop_at[0] = started + seconds
    barrier.wait()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    return {"users": users, "seconds": round(elapsed, 1), "search": _stats(results["search"], elapsed),
            "review": _stats(results["review"], elapsed),
            "total_ops_per_s": round((len(results["search"]) + len(results["review"])) / elapsed, 2),
            "errors": len(errors), "first_errors": errors[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="8", help="concurrent users; a comma-separated list runs a sweep")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each run")
    parser.add_argument("--mix", type=float, default=0.5, help="share of operations that are searches (0..1)")
    parser.add_argument("--audit", action="store_true", help="also write an audit event per review (as the CLI does)")
    args = parser.parse_args()
    try:
        counts = [int(x) for x in args.users.split(",") if x.strip()]
    except ValueError:
        parser.error(f"--users takes whole numbers, e.g. 8 or 1,4,8 (got {args.users!r})")
    if not counts or min(counts) < 1 or not 0.0 <= args.mix <= 1.0:
        parser.error("--users must be ≥ 1 and --mix between 0 and 1")

    from assistant.kb.base import open_kb
    from assistant.review import run_review
    from assistant.review.rules import load_rules

    settings = get_settings()
    kb = open_kb(settings)
    t = time.perf_counter()
    rules = load_rules(catalog=kb.catalog)
    cases = _cases(settings)
    kb.search("预热", 10)  # the first search loads the embedder and the vector index
    run_review(cases[0], kb=kb, rules=rules, settings=settings)
    warm = time.perf_counter() - t
    env = {"embedder": kb.embedder_name, "articles": kb.catalog.counts()[1], "kb_fingerprint": kb.fingerprint,
           "review_cases": len(cases), "cpu_count": os.cpu_count(), "mix_search": args.mix,
           "warm_up_s": round(warm, 2)}
    runs = [run_load(n, args.seconds, args.mix, kb, rules, cases, audit=args.audit) for n in counts]
    out = {"load": env | runs[0]} if len(runs) == 1 else {"load": env | {"runs": runs}}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
