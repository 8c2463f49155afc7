"""Load benchmark (figures, not tests): N concurrent users searching and reviewing on the current knowledge base.

    python evals/load.py --users 8 --seconds 20            # in this process, 8 users (threads)
    python evals/load.py --users 1,4,8,16 --seconds 20     # a sweep, one JSON object per user count
    python evals/load.py --api http://127.0.0.1:8765 --users 4        # against a running `fashen serve`
    python evals/load.py --serve 1,2 --users 4 --seconds 30           # starts `fashen serve --workers 1`, then 2

Each user is a thread that, until the time is up, either searches (a question from evals/bench.py's list) or
reviews a dossier (the dev cases of ../shared/evaldata/review/cases, else bench.py's synthetic 35-article draft), in
the proportion --mix. In this process the knowledge base and the rule catalog are opened once and shared, as the app
shares them between sessions, and each review reads its files from disk as an upload would be. With --api each user
sends GET /v1/search and POST /v1/review (the case's files as a multipart upload) over its own HTTP connection; with
--serve the script starts the API itself on a free port for each worker count in turn, on the same machine, and
reports the throughput of each against the first. Prints throughput (operations per second) and p50/p95/max latency
per operation as JSON. The results of concurrent runs are checked against serial runs by tests/test_concurrency.py
and tests/service/; this script only measures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not __package__:  # run as a script (python evals/load.py): this checkout's code, not an installed copy
    sys.path.insert(0, str(ROOT))

from assistant.config import get_settings  # noqa: E402
from evals.bench import QUERIES, _pct, _synthetic_case  # noqa: E402
Ops = dict[str, Callable[[random.Random], None]]


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


def run_load(users: int, seconds: float, mix: float, make_ops: Callable[[int], Ops],
             server_cpu: Callable[[], float] | None = None) -> dict:
    """Run `users` threads for `seconds`, each with the operations `make_ops(n)` gives it; per-operation latency
    statistics, throughput, and the cores the load generator (and, given `server_cpu`, the server) kept busy."""
    results: dict[str, list[float]] = {"search": [], "review": []}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users + 1)
    stop_at = [0.0]

    def user(n: int) -> None:
        rng = random.Random(n)
        ops = make_ops(n)
        mine: dict[str, list[float]] = {"search": [], "review": []}
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            kind = "search" if rng.random() < mix else "review"
            t = time.perf_counter()
            try:
                ops[kind](rng)
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
    cpu0, server0, machine0 = time.process_time(), server_cpu() if server_cpu else 0.0, machine_busy_seconds()
    started = time.perf_counter()
    stop_at[0] = started + seconds
    barrier.wait()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    # What else ran meanwhile shows in machine_busy_cores: a figure taken while other work used the cores is not one.
    cores = {"client_cpu_cores": round((time.process_time() - cpu0) / elapsed, 2),
             "machine_busy_cores": round((machine_busy_seconds() - machine0) / elapsed, 2)}
    if server_cpu:
        cores["server_cpu_cores"] = round((server_cpu() - server0) / elapsed, 2)
    return {"users": users, "seconds": round(elapsed, 1), "search": _stats(results["search"], elapsed),
            "review": _stats(results["review"], elapsed),
            "total_ops_per_s": round((len(results["search"]) + len(results["review"])) / elapsed, 2),
            **cores, "errors": len(errors), "first_errors": errors[:3]}


# -- in this process ---------------------------------------------------------------------------------------------

def local_ops(settings, cases: list[Path], *, audit: bool) -> tuple[Callable[[int], Ops], dict]:
    """Operations on the knowledge base opened in this process (shared by every user), and what it holds."""
    from assistant.audit import dossier_files, file_inputs, record_review
    from assistant.kb.base import open_kb
    from assistant.review import run_review
    from assistant.review.rules import load_rules

    kb = open_kb(settings)
    t = time.perf_counter()
    rules = load_rules(catalog=kb.catalog)
    kb.search("预热", 10)  # the first search loads the embedder and the vector index
    run_review(cases[0], kb=kb, rules=rules, settings=settings)
    env = {"embedder": kb.embedder_name, "articles": kb.catalog.counts()[1], "kb_fingerprint": kb.fingerprint,
           "warm_up_s": round(time.perf_counter() - t, 2)}

    def review(rng: random.Random) -> None:
        case = rng.choice(cases)
        report = run_review(case, kb=kb, rules=rules, settings=settings)
        if audit:
            record_review(report, settings, file_inputs(dossier_files(case)))

    def make(n: int) -> Ops:
        return {"search": lambda rng: kb.search(rng.choice(QUERIES), 10), "review": review}

    return make, env


# -- against the HTTP API ----------------------------------------------------------------------------------------

def upload(case: Path) -> tuple[list[tuple[str, tuple[str, bytes]]], dict[str, str]]:
    """A case folder as the multipart upload POST /v1/review takes: files, and type/stage/issuer/title fields."""
    spec = json.loads((case / "case.json").read_text(encoding="utf-8-sig")) if (case / "case.json").is_file() else {}
    draft = spec.get("draft") or next(p.name for p in sorted(case.glob("draft.*")))
    names = spec.get("materials")
    if names is None:
        folder = case / "materials"
        names = [str(p.relative_to(case)) for p in sorted(folder.iterdir()) if p.is_file()] if folder.is_dir() else []
    files = [("draft", (Path(draft).name, (case / draft).read_bytes()))]
    files += [("materials", (Path(n).name, (case / n).read_bytes())) for n in names]
    fields = {"type": spec.get("doc_type"), "stage": spec.get("stage"), "issuer": spec.get("issuer"),
              "title": spec.get("title")}
    return files, {k: v for k, v in fields.items() if v}


def api_ops(url: str, token: str | None, cases: list[Path]) -> tuple[Callable[[int], Ops], dict]:
    """Operations over HTTP, one connection per user, and what the service reports about itself."""
    import httpx

    url = url.rstrip("/")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    uploads = [upload(c) for c in cases]
    health = httpx.get(f"{url}/v1/health", timeout=30).json()

    def make(n: int) -> Ops:
        client = httpx.Client(base_url=url, headers=headers, timeout=120)

        def search(rng: random.Random) -> None:
            client.get("/v1/search", params={"q": rng.choice(QUERIES), "k": 10}).raise_for_status()

        def review(rng: random.Random) -> None:
            files, fields = rng.choice(uploads)
            client.post("/v1/review", files=files, data=fields).raise_for_status()

        return {"search": search, "review": review}

    return make, {"api": url, "embedder": health.get("embedder"), "kb_fingerprint": health.get("kb_fingerprint")}


def free_port() -> int:
    """A free TCP port on the loopback address."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine_busy_seconds() -> float:
    """CPU time every process on this machine has used so far, all cores together (Linux /proc/stat)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its live descendants — the API's supervisor and workers (Linux)."""
    tick, stats = os.sysconf("SC_CLK_TCK"), {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, total, grew = {pid}, 0.0, True
    while grew:
        grew = False
        for p, (ppid, _) in stats.items():
            if ppid in tree and p not in tree:
                tree.add(p)
                grew = True
    return sum(cpu for p, (_, cpu) in stats.items() if p in tree)


def start_api(workers: int, *, timeout: float = 180) -> tuple[subprocess.Popen, str]:
    """`fashen serve --workers N` on a free loopback port, once every worker answers /v1/health."""
    import httpx

    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--workers", str(workers), "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline, pids = time.monotonic() + timeout, set()
    while len(pids) < workers:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"fashen serve --workers {workers} did not start: {proc.stderr.read()[-2000:]}")
        try:
            pids.add(httpx.get(f"{url}/v1/health", timeout=5).json()["pid"])
        except (httpx.HTTPError, KeyError, ValueError):
            time.sleep(0.5)
    return proc, url


def stop_api(proc: subprocess.Popen) -> None:
    """Stop a server started in a session of its own, with everything it started (workers, a streamlit child):
    SIGTERM to the group, SIGKILL after 30 s."""
    def signal_group(sig: int) -> None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass

    signal_group(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        signal_group(signal.SIGKILL)
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="8", help="concurrent users; a comma-separated list runs a sweep")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each run")
    parser.add_argument("--mix", type=float, default=0.5, help="share of operations that are searches (0..1)")
    parser.add_argument("--audit", action="store_true", help="in this process: also write an audit event per review "
                        "(the API always does)")
    parser.add_argument("--api", help="URL of a running `fashen serve` to load instead of this process")
    parser.add_argument("--token", help="bearer token for --api")
    parser.add_argument("--serve", help="worker counts, e.g. 1,2: start `fashen serve --workers N` for each in turn")
    args = parser.parse_args()
    try:
        counts = [int(x) for x in args.users.split(",") if x.strip()]
        workers = [int(x) for x in args.serve.split(",") if x.strip()] if args.serve else []
    except ValueError:
        parser.error(f"--users and --serve take whole numbers, e.g. 8 or 1,4,8 (got {args.users!r}, {args.serve!r})")
    if not counts or min(counts) < 1 or not 0.0 <= args.mix <= 1.0 or (args.serve and min(workers or [0]) < 1):
        parser.error("--users and --serve must be ≥ 1 and --mix between 0 and 1")

    settings = get_settings()
    cases = _cases(settings)
    env = {"review_cases": len(cases), "cpu_count": os.cpu_count(), "mix_search": args.mix,
           "load_average": [round(x, 2) for x in os.getloadavg()]}

    def sweep(make_ops: Callable[[int], Ops], server_cpu: Callable[[], float] | None = None) -> list[dict]:
        return [run_load(n, args.seconds, args.mix, make_ops, server_cpu) for n in counts]

    if workers:
        runs = []
        for w in workers:
            proc, url = start_api(w)
            try:
                make_ops, about = api_ops(url, args.token, cases)
                for run in sweep(make_ops, lambda: tree_cpu_seconds(proc.pid)):
                    runs.append({"workers": w} | run)
            finally:
                stop_api(proc)
        env |= {k: v for k, v in about.items() if k != "api"}
        base = {r["users"]: r["total_ops_per_s"] for r in runs if r["workers"] == workers[0]}
        for r in runs:
            r["speedup"] = round(r["total_ops_per_s"] / base[r["users"]], 2) if base.get(r["users"]) else None
    else:
        make_ops, about = api_ops(args.api, args.token, cases) if args.api else local_ops(settings, cases, audit=args.audit)
        env |= about
        runs = sweep(make_ops)
    out = {"load": env | runs[0]} if len(runs) == 1 else {"load": env | {"runs": runs}}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
