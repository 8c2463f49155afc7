"""LexEval 1-2 ("X法第N条的内容是:" + four candidate texts): a probe of article-number ↔ text grounding.

By default the knowledge base looks the article up and picks the candidate closest to its text (LCS
similarity); `-o via=ask` gives the question to `ask()` and reads the letter from the answer. A grounded
system should be near 100 %. Items whose article is not in the knowledge base are skipped (coverage).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from evals.base import EvalCase, ItemResult, RunContext
from evals.cite import split_reference
from evals.lawbench import article_text
from evals.metrics import lcs_len, mean
from evals.qa import answer_text
from evals.retrieval import lookup_resolver, resolver_of
from evals.textmatch import normalize_for_match

_HEAD = re.compile(r"^(.*?)的内容是\s*[:：]?\s*$")
_OPTION = re.compile(r"^\s*([A-D])\s*[:：.．、]\s*(.*)$")
_LETTERS = re.compile(r"[A-D]")


def load_cases(path: Path) -> list[EvalCase]:
    """1_2.json (JSON Lines despite the name): the article asked for, the options, the gold letter."""
    if not path.is_file():
        raise InputError(f"评测数据文件不存在：{path}。请用 --data 指定 evaldata 目录。")
    cases = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path} 第 {i + 1} 行不是有效的 JSON：{exc}") from exc
        lines = item["input"].splitlines()
        head = _HEAD.match(lines[0].strip()) if lines else None
        ref = split_reference(head.group(1)) if head else None
        options = {m.group(1): m.group(2) for m in (_OPTION.match(x) for x in lines[1:]) if m}
        if ref is None or not options:
            continue
        cases.append(EvalCase(
            id=f"1_2-{i:04d}",
            input={"question": item.get("instruction", "") + item["input"], "title": ref.title, "number": ref.number,
                   "suffix": ref.suffix, "options": options},
            gold={"answer": "".join(sorted(set(_LETTERS.findall(item.get("answer", "")))))},
            meta={"law": ref.title},
        ))
    return cases


def prepare(cases: list[EvalCase], ctx: RunContext) -> list[EvalCase]:
    """Skip the items whose article the knowledge base lacks."""
    if ctx.catalog is None:
        ctx.notes.append("未连接知识库目录：未核对覆盖率，全部条目计分。")
        return cases
    resolver = resolver_of(ctx)
    out = []
    for c in cases:
        found = resolver.article(c.input["title"], c.input["number"], c.input["suffix"])
        out.append(c.model_copy(update={"skip": None if found is not None else f"知识库未收录：{c.input['title']}第{c.input['number']}条"}))
    return out


def choose(options: dict[str, str], text: str) -> tuple[str, float]:
    """The option closest to `text` (LCS / the longer of the two), with its similarity."""
    t = normalize_for_match(text)
    best, best_sim = "", -1.0
    for letter, option in sorted(options.items()):
        o = normalize_for_match(option)
        sim = lcs_len(o, t) / max(len(o), len(t), 1)
        if sim > best_sim:
            best, best_sim = letter, sim
    return best, best_sim


def system(ctx: RunContext):
    """Catalog lookup + closest option (default), or `-o via=ask`."""
    from evals.adapters import ask_system

    if (ask := ask_system(ctx)) is not None:
        return ask
    resolver = lookup_resolver(ctx)

    def pick(case: EvalCase) -> dict[str, Any]:
        art = resolver.article(case.input["title"], case.input["number"], case.input["suffix"])
        if art is None:
            return {"answer": "", "similarity": None}
        letter, sim = choose(case.input["options"], article_text(art))
        return {"answer": letter, "similarity": sim}

    return pick


def predicted_letters(prediction: Any) -> str:
    """The letters a prediction chose: {"answer": "B"}, an Answer whose text starts with the letters, or text."""
    if isinstance(prediction, dict) and "answer" in prediction and len(str(prediction["answer"])) <= 4:
        raw = str(prediction["answer"])
    else:
        raw = answer_text(prediction)
        m = re.search(r"[A-D](?:\s*[、,，]?\s*[A-D])*", raw)
        raw = m.group(0) if m else ""
    return "".join(sorted(set(_LETTERS.findall(raw))))


def score_case(case: EvalCase, prediction: Any, ctx: RunContext | None = None) -> ItemResult:
    """1 when the chosen set of letters equals the gold set."""
    got = predicted_letters(prediction)
    correct = bool(got) and got == case.gold["answer"]
    detail = {"gold": case.gold["answer"], "predicted": got}
    if isinstance(prediction, dict) and prediction.get("similarity") is not None:
        detail["similarity"] = round(float(prediction["similarity"]), 3)
    return ItemResult(id=case.id, score=1.0 if correct else 0.0, scores={"accuracy": 1.0 if correct else 0.0},
                      detail=detail, meta=case.meta)


def metrics(items: list[ItemResult]) -> dict[str, float | None]:
    """Accuracy over the scored items, coverage."""
    scored = [it for it in items if not it.skipped]
    return {"accuracy": mean(it.scores.get("accuracy") for it in scored),
            "coverage": len(scored) / len(items) if items else None}


def breakdowns(items: list[ItemResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """Accuracy per law (民法典, 刑法)."""
    scored = [it for it in items if not it.skipped]
    laws = sorted({str(it.meta.get("law")) for it in scored})
    return {"per_law": {law: {"items": len(sub), "accuracy": mean(i.scores.get("accuracy") for i in sub)}
                        for law in laws for sub in [[i for i in scored if str(i.meta.get("law")) == law]]}}


PRIMARY = ("accuracy", "coverage")
