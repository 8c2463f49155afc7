"""Answer scoring shared by the qa suite (qa-admin) and LawBench 3-2/3-8: citations and required phrases.

Cited articles are extracted from the answer text by the scorer (see cite.py) and joined with the
answer's structured citations. A cited article is *fabricated* when the knowledge base does not have it
(or, without a catalog, the answer's own check did not verify it) and the answer does not mark it: it is
not in `unverified` and no marker (未核实 / 无法核实 / 不存在 …) stands next to it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evals.base import EvalCase, ItemResult, RunContext
from evals.cite import Ref, Resolver, parse_label
from evals.metrics import dedupe, mean, safe_div
from evals.retrieval import read_jsonl, resolver_of
from evals.textmatch import phrase_found

_MARKER = re.compile(r"未核实|未经核实|无法核实|未能核实|不能核实|待核实|不存在|未收录|查无|未找到|并无|没有该条|无此条|可能有误")
_MARKER_WINDOW = 16


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def answer_text(prediction: Any) -> str:
    """The answer's text: Answer.answer, a dict's "answer", or the string itself."""
    if prediction is None:
        return ""
    if isinstance(prediction, str):
        return prediction
    return str(_get(prediction, "answer") or "")


def _citation_ref(c: Any) -> Ref | None:
    """A structured citation (models.Citation or its JSON) as a Ref; None when it names no article."""
    inst = _get(c, "instrument")
    number = _get(c, "article_no")
    suffix = 0
    if number is None and _get(c, "article"):
        parsed = parse_label(str(_get(c, "article")))
        if parsed:
            number, suffix = parsed
    if not inst or number is None:
        return None
    return Ref(title=str(inst), number=int(number), suffix=suffix, text=str(_get(c, "text") or ""))


def cited_articles(prediction: Any, resolver: Resolver) -> list[dict[str, Any]]:
    """Every article the answer cites: key, as written, exists in the KB, verified by the system, marked."""
    text = answer_text(prediction)
    structured = prediction is not None and not isinstance(prediction, str)
    by_key: dict[str, dict[str, Any]] = {}
    flagged: set[str] = set()
    for c in (_get(prediction, "unverified") or []) if structured else []:
        ref = _citation_ref(c)
        refs = [ref] if ref else resolver.extract(str(_get(c, "text") or ""))
        flagged.update(resolver.ref_key(r) for r in refs)
    system_verified: dict[str, bool] = {}
    if structured:
        for c in _get(prediction, "citations") or []:
            ref = _citation_ref(c)
            if ref is not None:
                key = resolver.ref_key(ref)
                system_verified[key] = system_verified.get(key, False) or bool(_get(c, "verified"))
                by_key.setdefault(key, {"key": key, "text": ref.text or f"《{ref.title}》{ref.label}", "ref": ref,
                                        "in_text": False})
    for ref in resolver.extract(text):
        key = resolver.ref_key(ref)
        window = text[max(0, ref.start - _MARKER_WINDOW): ref.end + _MARKER_WINDOW]
        entry = by_key.setdefault(key, {"key": key, "text": ref.text, "ref": ref, "in_text": True})
        entry["in_text"] = True
        if _MARKER.search(window):
            flagged.add(key)
    out = []
    for key, e in by_key.items():
        ref: Ref = e["ref"]
        exists = resolver.exists(ref.title, ref.number, ref.suffix)
        if exists is None:
            exists = system_verified.get(key)
        marked = key in flagged
        out.append({"key": key, "exists": exists, "marked": marked, "in_text": e["in_text"],
                    "fabricated": exists is False and not marked})
    return out


def score_answer(case: EvalCase, prediction: Any, ctx: RunContext, *, gold_keys: list[str] | None = None) -> dict[str, Any]:
    """The citation and phrase scores of one answer (shared by qa and LawBench 3-2/3-8)."""
    resolver = resolver_of(ctx)
    text = answer_text(prediction)
    cited = cited_articles(prediction, resolver)
    cited_keys = dedupe(c["key"] for c in cited)
    gold = gold_keys if gold_keys is not None else dedupe(
        resolver.key(g["law"], g["number"], g["suffix"]) for g in case.gold.get("articles", []))
    hit = [k for k in cited_keys if k in set(gold)]
    must = case.gold.get("must_say") or []
    found, fuzzy = [], []
    for phrase in must:
        ok, fz = phrase_found(phrase, text)
        if ok:
            found.append(phrase)
        if fz:
            fuzzy.append(phrase)
    fabricated = [c["key"] for c in cited if c["fabricated"]]
    return {
        "scores": {
            "gold_citation_recall": safe_div(len(hit), len(gold)),
            "citation_precision": safe_div(len(hit), len(cited_keys)),
            "must_say_coverage": safe_div(len(found), len(must)),
        },
        "detail": {"gold": gold, "cited": cited, "hit": hit, "missed": [g for g in gold if g not in hit],
                   "fabricated": fabricated, "must_say_found": found, "must_say_missed": [p for p in must if p not in found],
                   "must_say_fuzzy": fuzzy, "answer": text[:2000]},
    }


# -- the qa suite ------------------------------------------------------------------------------------

def load_cases(path: Path) -> list[EvalCase]:
    """qa-admin dev.jsonl: question, gold articles, must_say, trap, topic, style."""
    cases = []
    for item in read_jsonl(path):
        gold = []
        for g in item.get("gold", []):
            parsed = parse_label(g["article"])
            if parsed:
                gold.append({"law": g["law"], "number": parsed[0], "suffix": parsed[1]})
        cases.append(EvalCase(
            id=item["id"], input={"question": item["question"]},
            gold={"articles": gold, "must_say": item.get("must_say", []), "trap": item.get("trap")},
            meta={k: item.get(k) for k in ("topic", "style", "trap", "script") if item.get(k)},
        ))
    return cases


def score_case(case: EvalCase, prediction: Any, ctx: RunContext) -> ItemResult:
    """Score one answer; traps pass or fail as a whole (the headline score is 1/0 for them)."""
    s = score_answer(case, prediction, ctx)
    scores, detail = s["scores"], s["detail"]
    trap = case.gold.get("trap")
    text = detail["answer"]
    if trap == "nonexistent_article":
        # Passes when the answer says the article does not exist and presents no unmarked fake citation.
        passed = scores["must_say_coverage"] == 1.0 and not detail["fabricated"]
        scores["trap_pass"] = 1.0 if passed else 0.0
    elif trap == "false_premise":
        # The automatic part only: whether the answer also refuses the premise needs a judge.
        passed = scores["must_say_coverage"] == 1.0 and bool(detail["hit"])
        scores["trap_pass"] = 1.0 if passed else 0.0
    parts = [scores.get("gold_citation_recall"), scores.get("must_say_coverage")]
    headline = scores["trap_pass"] if trap else mean(parts)
    if detail["fabricated"]:
        headline = 0.0
    scores["cited"] = float(len(detail["cited"]))
    scores["fabricated"] = float(len(detail["fabricated"]))
    scores["answered"] = 1.0 if text.strip() else 0.0
    return ItemResult(id=case.id, score=headline, scores=scores, detail=detail, meta=case.meta)


def metrics(items: list[ItemResult]) -> dict[str, float | None]:
    """Gold-citation recall, citation precision, pooled fabricated-citation rate, must_say coverage, traps."""
    scored = [it for it in items if not it.skipped]
    cited = sum(it.scores.get("cited") or 0 for it in scored)
    fabricated = sum(it.scores.get("fabricated") or 0 for it in scored)

    def trap_mean(kind: str) -> float | None:
        return mean(it.scores.get("trap_pass") for it in scored if it.meta.get("trap") == kind)

    return {
        "gold_citation_recall": mean(it.scores.get("gold_citation_recall") for it in scored),
        "citation_precision": mean(it.scores.get("citation_precision") for it in scored),
        # No citation at all means none was fabricated: 0, so that `--fail-under fabricated_citation_rate=0` holds.
        "fabricated_citation_rate": (fabricated / cited if cited else 0.0) if scored else None,
        "must_say_coverage": mean(it.scores.get("must_say_coverage") for it in scored),
        "nonexistent_trap_pass": trap_mean("nonexistent_article"),
        "false_premise_auto_pass": trap_mean("false_premise"),
        "answered": mean(it.scores.get("answered") for it in scored),
        "score": mean(it.score for it in scored),
    }


def breakdowns(items: list[ItemResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """The qa metrics per topic, per style and per trap kind (README: report all three)."""
    scored = [it for it in items if not it.skipped]
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for field in ("topic", "style", "trap"):
        groups = sorted({str(it.meta.get(field) or "—") for it in scored})
        if any(g != "—" for g in groups):
            out[f"per_{field}"] = {
                g: {"items": len(sub), **{k: v for k, v in metrics(sub).items()
                                          if k in ("gold_citation_recall", "citation_precision",
                                                   "fabricated_citation_rate", "must_say_coverage", "score")}}
                for g in groups for sub in [[i for i in scored if str(i.meta.get(field) or "—") == g]]
            }
    return out


def system(ctx: RunContext):
    """assistant.answer.ask on each question."""
    from evals.adapters import answerer

    ask = answerer(ctx)
    return lambda case: ask(case.input["question"])


def prepare(cases: list[EvalCase], ctx: RunContext) -> list[EvalCase]:
    """Note in the report when citations cannot be checked against a catalog."""
    if ctx.catalog is None:
        ctx.notes.append("未连接知识库目录：引用是否存在以系统自身的核实结果为准。")
    return cases


PRIMARY = ("gold_citation_recall", "must_say_coverage", "fabricated_citation_rate", "nonexistent_trap_pass")
LOWER_IS_BETTER = frozenset({"fabricated_citation_rate"})
