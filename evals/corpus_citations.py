"""The citations-corpus suite: real citations, drawn from the shipped texts themselves, must never be called
non-existent.

Laws, regulations and interpretations cite each other (《中华人民共和国行政处罚法》第十六条, 《…条例》第二十条第二款).
Every such citation in an official text is real, so the checker must not answer "no such article" or "no such
paragraph" for any of them: `false_not_found_rate` must be 0. A citation is judged on the citing text's own date
(a 2005 regulation citing the 1999 行政复议法 is checked against that version). A cited instrument the knowledge
base does not hold is counted in `unknown_rate` (coverage of the knowledge base, not a checker error).
Cases: a fixed sample (seed 0) of 500 of the citations with a title in 书名号 and an article number found in
knowledge_base/sources (the curated texts and every pack: local rules cite the national ones most).
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

from assistant.models import CitationStatus
from evals.base import EvalCase, ItemResult, RunContext
from evals.metrics import mean

SAMPLE = 500
NOT_FOUND = (CitationStatus.NO_SUCH_ARTICLE, CitationStatus.NO_SUCH_PARAGRAPH)


def load_cases(path: Path, sample: int = SAMPLE, seed: int = 0) -> list[EvalCase]:
    """A seeded sample of the citations (title in 书名号 + article) in the shipped texts under `path`."""
    from assistant.kb.citations import extract_citations
    from assistant.kb.packs import load_pack
    from assistant.kb.sources import load_shipped

    packs = sorted(p.stem for p in (path / "packs").glob("*.yaml"))
    found: list[EvalCase] = []
    for item in [*load_shipped(path), *(x for name in packs for x in load_pack(name, path))]:
        inst = item.instrument
        for art in item.articles:
            for raw in extract_citations(art.text, self_titles=[inst.title]):
                if raw.relative or not raw.title or not raw.article_no or not raw.text.startswith("《"):
                    continue
                found.append(EvalCase(
                    id=f"{inst.id}:{art.label}:{raw.text}",
                    input={"title": raw.title, "article": raw.article_no, "suffix": raw.suffix,
                           "paragraph": raw.paragraph, "item": raw.item, "text": raw.text,
                           "as_of": (inst.effective_date or inst.promulgation_date or date.today()).isoformat()},
                    gold={"exists": True}, meta={"cited_by": inst.title, "level": str(inst.level)}))
    unique = list({c.id: c for c in found}.values())
    return random.Random(seed).sample(unique, min(sample, len(unique)))


def system(ctx: RunContext):
    """assistant.kb.citations.check_citation on the citation as written, on the citing text's date."""
    from assistant.kb.citations import RawCitation, check_citation

    catalog = ctx.require_catalog()

    def check(case: EvalCase) -> Any:
        i = case.input
        raw = RawCitation(text=i["text"], start=0, end=len(i["text"]), title=i["title"], article_no=i["article"],
                          suffix=i["suffix"], paragraph=i["paragraph"], item=i["item"])
        return check_citation(raw, catalog, as_of=date.fromisoformat(i["as_of"]))

    return check


def score_case(case: EvalCase, prediction: Any, ctx: RunContext | None = None) -> ItemResult:
    """0 when a real citation was called non-existent; unknown instruments and repeals are reported apart."""
    status = CitationStatus(getattr(prediction, "status", CitationStatus.UNKNOWN_INSTRUMENT))
    scores = {
        "false_not_found": 1.0 if status in NOT_FOUND else 0.0,
        "unknown": 1.0 if status == CitationStatus.UNKNOWN_INSTRUMENT else 0.0,
        "verified": 1.0 if status == CitationStatus.VERIFIED else 0.0,
    }
    detail = {"status": str(status), "reason": getattr(prediction, "reason", None), "text": case.input["text"],
              "as_of": case.input["as_of"]}
    return ItemResult(id=case.id, score=1.0 - scores["false_not_found"], scores=scores, detail=detail, meta=case.meta)


def metrics(items: list[ItemResult]) -> dict[str, float | None]:
    scored = [it for it in items if not it.skipped]
    return {
        "false_not_found_rate": mean(it.scores.get("false_not_found") for it in scored),
        "unknown_rate": mean(it.scores.get("unknown") for it in scored),
        "verified_rate": mean(it.scores.get("verified") for it in scored),
        "items": float(len(scored)),
    }


def breakdowns(items: list[ItemResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """Outcome counts per status."""
    out: dict[str, dict[str, Any]] = {}
    for it in items:
        if not it.skipped:
            row = out.setdefault(str(it.detail.get("status")), {"items": 0})
            row["items"] += 1
    return {"per_status": out}


PRIMARY = ("false_not_found_rate", "unknown_rate", "verified_rate")
LOWER_IS_BETTER = frozenset({"false_not_found_rate", "unknown_rate"})
