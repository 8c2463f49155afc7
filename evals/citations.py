"""The citations suite: does the citation checker accept the articles that exist and reject those that do not?

Cases come from qa-admin: every gold article must verify; the article each nonexistent-article trap asks
for must not; and, with a catalog, the article just past the end of each gold instrument must not
(an off-by-one invention is what a model fabricates). A false accept is a fabricated citation that
would be shown as fact, so `false_accept_rate` must be 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.base import EvalCase, ItemResult, RunContext
from evals.cite import Resolver
from evals.metrics import mean
from evals.retrieval import read_jsonl, resolver_of
from assistant.text.numerals import article_label


def load_cases(path: Path) -> list[EvalCase]:
    """Positives: the distinct gold articles of qa-admin; negatives: the articles its traps ask for."""
    cases: dict[str, EvalCase] = {}
    plain = Resolver()
    for item in read_jsonl(path):
        for g in item.get("gold", []):
            cid = f"ok:{g['law']}{g['article']}"
            cases.setdefault(cid, EvalCase(id=cid, input={"instrument": g["law"], "article": g["article"]},
                                           gold={"exists": True}, meta={"kind": "exists"}))
        if item.get("trap") == "nonexistent_article":
            for ref in plain.extract(item["question"]):
                cid = f"trap:{item['id']}:{ref.title}{ref.label}"
                cases[cid] = EvalCase(id=cid, input={"instrument": ref.title, "article": ref.label},
                                      gold={"exists": False}, meta={"kind": "nonexistent", "note": item.get("note")})
    return list(cases.values())


def prepare(cases: list[EvalCase], ctx: RunContext) -> list[EvalCase]:
    """Skip positives the knowledge base lacks (coverage); add one past-the-end negative per instrument."""
    catalog = ctx.catalog
    if catalog is None:
        ctx.notes.append("未连接知识库目录：未生成“超出末条”的反例，也未核对覆盖率。")
        return cases
    resolver = resolver_of(ctx)
    out: list[EvalCase] = []
    seen: set[str] = set()
    for case in cases:
        title = case.input["instrument"]
        if case.gold["exists"]:
            inst = resolver.instrument(title)
            if inst is None:
                out.append(case.model_copy(update={"skip": f"知识库未收录《{title}》"}))
                continue
            out.append(case)
            if inst.id not in seen and hasattr(catalog, "max_article"):
                seen.add(inst.id)
                label = article_label(catalog.max_article(inst.id) + 1)
                out.append(EvalCase(id=f"past-end:{inst.title}{label}", input={"instrument": inst.title, "article": label},
                                    gold={"exists": False}, meta={"kind": "past_end"}))
        else:
            out.append(case)
    return out


def _verified(result: Any) -> tuple[bool, str | None, str | None]:
    """(verified, status, quote) from a Citation, a dict, a bool or None."""
    if result is None:
        return False, None, None
    if isinstance(result, bool):
        return result, None, None
    get = result.get if isinstance(result, dict) else lambda k: getattr(result, k, None)
    status = get("status")
    return bool(get("verified")), (str(status) if status is not None else None), get("quote")


def score_case(case: EvalCase, prediction: Any, ctx: RunContext | None = None) -> ItemResult:
    """1 when the checker's verdict equals whether the article exists."""
    verified, status, quote = _verified(prediction)
    expected = bool(case.gold["exists"])
    correct = verified == expected
    scores: dict[str, float | None] = {"correct": 1.0 if correct else 0.0}
    if expected:
        scores["false_reject"] = 0.0 if verified else 1.0
        scores["quoted"] = 1.0 if verified and quote else 0.0
    else:
        scores["false_accept"] = 1.0 if verified else 0.0
    detail = {"expected": expected, "verified": verified, "status": status, "kind": case.meta.get("kind")}
    return ItemResult(id=case.id, score=scores["correct"], scores=scores, detail=detail, meta=case.meta)


def metrics(items: list[ItemResult]) -> dict[str, float | None]:
    """Accuracy, false-accept rate (negatives verified), false-reject rate (positives not verified), coverage."""
    scored = [it for it in items if not it.skipped]
    return {
        "accuracy": mean(it.scores.get("correct") for it in scored),
        "false_accept_rate": mean(it.scores.get("false_accept") for it in scored),
        "false_reject_rate": mean(it.scores.get("false_reject") for it in scored),
        "quote_rate": mean(it.scores.get("quoted") for it in scored),
        "coverage": len(scored) / len(items) if items else None,
    }


def breakdowns(items: list[ItemResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """Accuracy per kind of case: exists, nonexistent (traps), past_end."""
    scored = [it for it in items if not it.skipped]
    kinds = sorted({str(it.meta.get("kind")) for it in scored})
    return {"per_kind": {k: {"items": len(sub), "accuracy": mean(i.scores.get("correct") for i in sub)}
                         for k in kinds for sub in [[i for i in scored if str(i.meta.get("kind")) == k]]}}


def system(ctx: RunContext):
    """assistant.kb.citations.verify_reference(catalog, instrument, article_label)."""
    from evals.adapters import reference_verifier

    verify = reference_verifier(ctx)
    return lambda case: verify(case.input["instrument"], case.input["article"])


PRIMARY = ("false_accept_rate", "false_reject_rate", "accuracy", "coverage")
LOWER_IS_BETTER = frozenset({"false_accept_rate", "false_reject_rate"})
