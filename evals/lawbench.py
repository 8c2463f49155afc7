"""LawBench tasks that fit a grounded assistant.

1-1 (article recitation, "X法第N条的内容是什么？"): by default the knowledge base is asked for the article
(`-o via=ask` puts the question to `ask()` instead); the text is compared with the gold after
normalising both (punctuation, spaces, the `,` LawBench joins paragraphs with). Items whose article is
not in the knowledge base are skipped and counted against coverage. Target: exact_match ≥ 0.95.

3-2 / 3-8 (scenario → the article; lay question → answer + 法律依据): the question goes to `ask()`; the
articles cited in the answer are compared with those cited in the gold answer (citation recall and
precision, fabricated-citation rate), plus LawBench's own character ROUGE-L.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from evals.base import EvalCase, ItemResult, RunContext
from evals.cite import Resolver, parse_label, title_candidates
from evals.metrics import dedupe, lcs_len, mean, rouge_l
from evals.qa import answer_text, score_answer
from evals.retrieval import lookup_resolver, resolver_of
from evals.textmatch import normalize_for_match
from assistant.text.numerals import CN_NUM

_RECITE = re.compile(rf"^(.*?)(第\s*(?:{CN_NUM}|\d+)\s*条(?:之(?:{CN_NUM}|\d+))?)的内容是")
_ANSWER_PREFIX = re.compile(r"^\s*答案\s*[:：]\s*")
LAWBENCH_DATE = "2023-11-13"  # the commit the data was copied from (evaldata/lawbench/README.md)


def read_json_array(path: Path) -> list[dict[str, Any]]:
    """A JSON array file (LawBench); InputError when missing or malformed."""
    if not path.is_file():
        raise InputError(f"评测数据文件不存在：{path}。请用 --data 指定 evaldata 目录。")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} 不是有效的 JSON：{exc}") from exc
    if not isinstance(data, list):
        raise InputError(f"{path} 应是 JSON 数组。")
    return data


# -- 1-1 article recitation --------------------------------------------------------------------------

def load_recitation(path: Path) -> list[EvalCase]:
    """1-1 items: the named law (FLK category prefix kept; resolved later) and article, the gold text."""
    cases = []
    for i, item in enumerate(read_json_array(path)):
        m = _RECITE.match(item["question"])
        if not m:
            continue
        parsed = parse_label(m.group(2))
        if parsed is None:
            continue
        title = m.group(1).strip()
        cases.append(EvalCase(
            id=f"1-1-{i:03d}",
            input={"question": item["question"], "title": title, "number": parsed[0], "suffix": parsed[1]},
            gold={"text": _ANSWER_PREFIX.sub("", item["answer"])},
            meta={"law": title_candidates(title)[-1]},
        ))
    return cases


def prepare_recitation(cases: list[EvalCase], ctx: RunContext) -> list[EvalCase]:
    """Skip the items whose law or article the knowledge base lacks; flag laws revised after LawBench's date
    (`-o asof=YYYY-MM-DD`, default the LawBench commit 2023-11-13): their text is a different version."""
    if ctx.catalog is None:
        ctx.notes.append("未连接知识库目录：未核对覆盖率，全部条目计分。")
        return cases
    asof = date.fromisoformat(str(ctx.config.options.get("asof", LAWBENCH_DATE)))
    resolver = resolver_of(ctx)
    out = []
    for c in cases:
        title, n, s = c.input["title"], c.input["number"], c.input["suffix"]
        inst = resolver.instrument(title)
        skip = None
        meta = dict(c.meta)
        if inst is None:
            skip = f"知识库未收录该法：{title}"
        elif resolver.article(title, n, s) is None:
            skip = f"知识库中《{inst.title}》没有该条"
        else:
            revised = getattr(inst, "promulgation_date", None)
            meta["revised_after_lawbench"] = bool(revised and revised > asof)
        out.append(c.model_copy(update={"skip": skip, "meta": meta}))
    ctx.notes.append(f"exact_match_unrevised 只计知识库版本公布于 {asof} 之前的法律：之后修订的法律条文与 LawBench 版本不同。")
    return out


def article_text(article: Any) -> str:
    """An article's text: its paragraphs one per line, or its text."""
    paragraphs = getattr(article, "paragraphs", None)
    return "\n".join(paragraphs) if paragraphs else str(getattr(article, "text", "") or "")


def system_recitation(ctx: RunContext):
    """Lookup in the catalog (default) or `-o via=ask`."""
    from evals.adapters import ask_system

    if (ask := ask_system(ctx)) is not None:
        return ask
    resolver = lookup_resolver(ctx)

    def lookup(case: EvalCase) -> str:
        art = resolver.article(case.input["title"], case.input["number"], case.input["suffix"])
        return article_text(art) if art is not None else ""

    return lookup


def score_recitation(case: EvalCase, prediction: Any, ctx: RunContext | None = None) -> ItemResult:
    """Exact match after normalising; ROUGE-L and the share of the gold covered (LCS / gold) as near-misses."""
    gold = normalize_for_match(case.gold["text"])
    pred = normalize_for_match(answer_text(prediction))
    lcs = lcs_len(pred, gold)
    quote_recall = lcs / len(gold) if gold else None
    scores: dict[str, float | None] = {
        "exact_match": 1.0 if pred and pred == gold else 0.0,
        "quote_contained": 1.0 if gold and gold in pred else 0.0,
        "rouge_l": rouge_l(pred, gold) if pred and gold else 0.0,
        "quote_recall": quote_recall,
        "not_found": 0.0 if pred else 1.0,
        "wrong_article": 1.0 if pred and (quote_recall or 0) < 0.5 else 0.0,
    }
    detail = {"gold": case.gold["text"][:500], "predicted": answer_text(prediction)[:500]}
    return ItemResult(id=case.id, score=scores["rouge_l"], scores=scores, detail=detail, meta=case.meta)


def metrics_recitation(items: list[ItemResult]) -> dict[str, float | None]:
    """Means of the per-item scores, exact match on unrevised laws, coverage."""
    scored = [it for it in items if not it.skipped]
    out = {k: mean(it.scores.get(k) for it in scored)
           for k in ("exact_match", "quote_contained", "rouge_l", "quote_recall", "not_found", "wrong_article")}
    out["wrong_article_rate"] = out.pop("wrong_article")
    out["not_found_rate"] = out.pop("not_found")
    same = [it for it in scored if not it.meta.get("revised_after_lawbench")]
    out["exact_match_unrevised"] = mean(it.scores.get("exact_match") for it in same)
    out["coverage"] = len(scored) / len(items) if items else None
    return out


def breakdowns_recitation(items: list[ItemResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """Exact match and ROUGE-L per knowledge-base version (revised after LawBench or not) and per law."""
    scored = [it for it in items if not it.skipped]
    laws = sorted({str(it.meta.get("law")) for it in scored})

    def row(sub: list[ItemResult]) -> dict[str, Any]:
        return {"items": len(sub), "exact_match": mean(i.scores.get("exact_match") for i in sub),
                "rouge_l": mean(i.scores.get("rouge_l") for i in sub)}

    versions = {"unrevised": [i for i in scored if not i.meta.get("revised_after_lawbench")],
                "revised_after_lawbench": [i for i in scored if i.meta.get("revised_after_lawbench")]}
    return {"per_version": {k: row(v) for k, v in versions.items() if v},
            "per_law": {law: row([i for i in scored if str(i.meta.get("law")) == law]) for law in laws}}


# -- 3-2 / 3-8 cited articles --------------------------------------------------------------------------

def loader_cited(task: str):
    """A loader for 3-2 or 3-8: question → gold answer and the articles it cites."""
    carry = task == "3-8"  # 3-8 gold lists several articles of one law after naming it once

    def load(path: Path) -> list[EvalCase]:
        plain = Resolver()
        cases = []
        for i, item in enumerate(read_json_array(path)):
            refs = plain.extract(item["answer"], carry_forward=carry)
            cases.append(EvalCase(
                id=f"{task}-{i:03d}", input={"question": item["question"]},
                gold={"text": item["answer"], "carry": carry,
                      "articles": [{"law": r.title, "number": r.number, "suffix": r.suffix} for r in refs]},
            ))
        return cases

    return load


def prepare_cited(cases: list[EvalCase], ctx: RunContext) -> list[EvalCase]:
    """Re-read the gold citations with the catalog's titles; skip items whose gold cites nothing we have."""
    resolver = resolver_of(ctx)
    out = []
    for c in cases:
        refs = resolver.extract(c.gold["text"], carry_forward=c.gold.get("carry", False))
        keys = dedupe(resolver.ref_key(r) for r in refs)
        skip = None
        if not keys:
            skip = "标准答案中没有可识别的条文引用"
        elif ctx.catalog is not None:
            missing = [f"{r.title}{r.label}" for r in refs if resolver.exists(r.title, r.number, r.suffix) is False]
            if missing:
                skip = "知识库未收录：" + "、".join(dedupe(missing))
        out.append(c.model_copy(update={"gold": {**c.gold, "keys": keys}, "skip": skip}))
    if ctx.catalog is None:
        ctx.notes.append("未连接知识库目录：未核对覆盖率。")
    return out


def score_cited(case: EvalCase, prediction: Any, ctx: RunContext) -> ItemResult:
    """Citation recall/precision against the gold answer's citations, fabricated citations, ROUGE-L."""
    s = score_answer(case, prediction, ctx, gold_keys=case.gold.get("keys", []))
    scores, detail = s["scores"], s["detail"]
    scores.pop("must_say_coverage", None)
    scores["rouge_l"] = rouge_l(normalize_for_match(answer_text(prediction)), normalize_for_match(case.gold["text"]))
    scores["cited"] = float(len(detail["cited"]))
    scores["fabricated"] = float(len(detail["fabricated"]))
    headline = 0.0 if detail["fabricated"] else scores["gold_citation_recall"]
    return ItemResult(id=case.id, score=headline, scores=scores, detail=detail, meta=case.meta)


def metrics_cited(items: list[ItemResult]) -> dict[str, float | None]:
    """Citation recall and precision, pooled fabricated-citation rate, ROUGE-L, coverage."""
    scored = [it for it in items if not it.skipped]
    cited = sum(it.scores.get("cited") or 0 for it in scored)
    fabricated = sum(it.scores.get("fabricated") or 0 for it in scored)
    return {
        "gold_citation_recall": mean(it.scores.get("gold_citation_recall") for it in scored),
        "citation_precision": mean(it.scores.get("citation_precision") for it in scored),
        "fabricated_citation_rate": (fabricated / cited if cited else 0.0) if scored else None,
        "rouge_l": mean(it.scores.get("rouge_l") for it in scored),
        "coverage": len(scored) / len(items) if items else None,
    }


def system_ask(ctx: RunContext):
    """assistant.answer.ask on each question."""
    from evals.adapters import answerer

    ask = answerer(ctx)
    return lambda case: ask(case.input["question"])


RECITATION_PRIMARY = ("exact_match_unrevised", "exact_match", "rouge_l", "coverage", "wrong_article_rate")
RECITATION_LOWER = frozenset({"wrong_article_rate", "not_found_rate"})
CITED_PRIMARY = ("gold_citation_recall", "citation_precision", "fabricated_citation_rate", "rouge_l")
CITED_LOWER = frozenset({"fabricated_citation_rate"})
