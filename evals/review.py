"""The review suite: labelled dossiers (evaldata/review/cases) scored per finding code.

A reported finding matches a gold finding when the codes are equal and, for a gold finding with a
location, the locations are equal (第7条 = 第七条; 第七条第二款 counts as 第七条). Each gold and each
reported finding is matched at most once, so a duplicate report is a spurious one. Reminders (the
report's `reminders`, severity `reminder`, codes R.*) are not scored. A finding on a `clean` clause is a
false alarm, counted apart as well as against precision.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.review import codes
from evals.base import EvalCase, ItemResult, RunContext
from evals.metrics import mean, prf, safe_div
from assistant.text.numerals import CN_NUM, cn_to_int

# The finding codes of evaldata/review/README.md (the contract with the engine), from the engine's one table.
PROCEDURE_CODES = tuple(codes.PROCEDURE)
CONTENT_CODES = tuple(codes.CONTENT)
CODES = codes.FINDING_CODES

_LOCATION = re.compile(rf"第\s*({CN_NUM}|\d+)\s*(条|段)(?:\s*之\s*({CN_NUM}|\d+))?")


def normalize_location(location: str | None) -> str | None:
    """第7条 / 第 七 条 / 第七条第二款 → 第7条; 第三段 → 第3段; None or unparsable → the stripped text or None."""
    if not location:
        return None
    text = location.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = _LOCATION.search(text)
    if not m:
        return re.sub(r"\s+", "", location) or None
    suffix = f"之{cn_to_int(m.group(3))}" if m.group(3) else ""
    return f"第{cn_to_int(m.group(1))}{m.group(2)}{suffix}"


# -- loading ---------------------------------------------------------------------------------------

def load_cases(root: Path) -> list[EvalCase]:
    """Every case folder under root (a folder with case.json and gold.json), sorted by name."""
    if not root.is_dir():
        raise InputError(f"审查评测数据目录不存在：{root}。请用 --data 指定 evaldata 目录。")
    cases: list[EvalCase] = []
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        if not (d / "gold.json").is_file():
            continue
        try:
            gold = json.loads((d / "gold.json").read_text(encoding="utf-8"))
            info = json.loads((d / "case.json").read_text(encoding="utf-8")) if (d / "case.json").is_file() else {}
        except json.JSONDecodeError as exc:
            raise InputError(f"审查评测案例 {d.name} 的 JSON 无效：{exc}") from exc
        cases.append(_case(d.name, d, gold, info))
    return cases


def _case(case_id: str, folder: Path, gold: dict, info: dict) -> EvalCase:
    return EvalCase(
        id=case_id,
        input={"path": str(folder)},
        gold={"findings": [{"code": f["code"], "location": f.get("location")} for f in gold.get("findings", [])],
              "clean": list(gold.get("clean", []))},
        meta={"doc_type": info.get("doc_type"), "stage": info.get("stage", "审核"),
              "score_procedures": info.get("score_procedures", True)},
    )


def load_labels(labels: Path, documents: Path) -> list[EvalCase]:
    """Labels kept apart from the documents they label (evals/real/realdocs/<id>/gold.json for the documents of
    ../shared/realdocs/<id>/, read in place): one case per label folder whose document exists."""
    if not documents.is_dir():
        raise InputError(f"真实文件目录不存在：{documents}。请确认 ../shared/realdocs 可以访问。")
    cases: list[EvalCase] = []
    for d in sorted(p for p in labels.iterdir() if (p / "gold.json").is_file()):
        doc = documents / d.name
        if not (doc / "case.json").is_file():
            continue
        gold = json.loads((d / "gold.json").read_text(encoding="utf-8"))
        info = json.loads((doc / "case.json").read_text(encoding="utf-8"))
        cases.append(_case(d.name, doc, gold, {**info, "score_procedures": False}))
    return cases


# -- scoring ---------------------------------------------------------------------------------------

def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def reported_findings(prediction: Any) -> list[dict[str, str | None]]:
    """The scored findings of a ReviewReport (or its JSON form): reminders left out."""
    if prediction is None:
        return []
    findings = _get(prediction, "findings") if not isinstance(prediction, list) else prediction
    out = []
    for f in findings or []:
        code = str(_get(f, "code") or "")
        severity = str(_get(f, "severity") or "")
        if severity.endswith("reminder") or code.startswith("R."):
            continue
        out.append({"code": code, "location": _get(f, "location")})
    return out


def match_findings(gold: list[dict], reported: list[dict], clean: Iterable[str] = (),
                   known_codes: Iterable[str] = CODES) -> dict[str, Any]:
    """Match reported findings to gold ones; returns matched / missed / spurious lists and diagnostics."""
    unmatched = list(range(len(reported)))
    rep_loc = [normalize_location(r.get("location")) for r in reported]
    matched: list[dict] = []
    missed: list[dict] = []

    def take(pred) -> int | None:
        for i in unmatched:
            if pred(i):
                unmatched.remove(i)
                return i
        return None

    # Gold findings with a location first: they need an exact partner, procedure ones take what is left.
    order = sorted(range(len(gold)), key=lambda i: gold[i].get("location") is None)
    for gi in order:
        g = gold[gi]
        loc = normalize_location(g.get("location"))
        if loc is not None:
            ri = take(lambda i: reported[i]["code"] == g["code"] and rep_loc[i] == loc)
        else:
            ri = take(lambda i: reported[i]["code"] == g["code"] and rep_loc[i] is None)
            if ri is None:
                ri = take(lambda i: reported[i]["code"] == g["code"])
        if ri is None:
            missed.append(dict(g))
        else:
            matched.append({"code": g["code"], "location": g.get("location"), "reported_location": reported[ri].get("location")})
    spurious = [dict(reported[i]) for i in unmatched]

    clean_locs = {normalize_location(c) for c in clean}
    false_alarms = [s for s in spurious if normalize_location(s.get("location")) in clean_locs]
    known = set(known_codes)
    unknown = [s for s in spurious if s["code"] not in known]
    # A right code at the wrong place: pair each such spurious report with one missed located gold.
    open_missed = [m for m in missed if m.get("location")]
    location_mismatches = []
    for s in spurious:
        for m in open_missed:
            if m["code"] == s["code"]:
                location_mismatches.append({"code": s["code"], "gold": m.get("location"), "reported": s.get("location")})
                open_missed.remove(m)
                break
    return {"matched": matched, "missed": missed, "spurious": spurious, "false_alarms": false_alarms,
            "unknown_codes": unknown, "location_mismatches": location_mismatches, "clean_clauses": len(clean_locs)}


def score_case(case: EvalCase, prediction: Any, ctx: RunContext | None = None) -> ItemResult:
    """Score one dossier: the case's F1 is its headline score (1.0 when nothing was due and nothing reported).
    A case with `score_procedures: false` (a real document without a dossier) is scored on content codes only."""
    reported = reported_findings(prediction)
    if not case.meta.get("score_procedures", True):
        reported = [f for f in reported if not str(f["code"]).startswith("P.")]
    gold = case.gold["findings"]
    d = match_findings(gold, reported, case.gold.get("clean", []))
    n_m, n_r, n_g = len(d["matched"]), len(reported), len(gold)
    p, r, f = prf(n_m, n_r, n_g)
    if n_r == 0 and n_g == 0:
        f = 1.0
    d["reported"] = reported
    return ItemResult(id=case.id, score=f, scores={"precision": p, "recall": r, "f1": f}, detail=d, meta=case.meta)


def _counts(items: list[ItemResult]) -> dict[str, dict[str, int]]:
    """code → {gold, reported, matched} over the scored items."""
    counts: dict[str, dict[str, int]] = {}

    def bump(code: str, key: str) -> None:
        counts.setdefault(code, {"gold": 0, "reported": 0, "matched": 0})[key] += 1

    for it in items:
        if it.skipped:
            continue
        for m in it.detail.get("matched", []):
            bump(m["code"], "matched")
            bump(m["code"], "gold")
            bump(m["code"], "reported")
        for m in it.detail.get("missed", []):
            bump(m["code"], "gold")
        for s in it.detail.get("spurious", []):
            bump(s["code"], "reported")
    return counts


def _pooled(counts: dict[str, dict[str, int]], codes: Iterable[str] | None = None) -> tuple:
    sel = [c for c in counts if codes is None or c in set(codes)]
    m = sum(counts[c]["matched"] for c in sel)
    return prf(m, sum(counts[c]["reported"] for c in sel), sum(counts[c]["gold"] for c in sel))


def metrics(items: list[ItemResult]) -> dict[str, float | None]:
    """Micro and macro precision/recall/F1, procedure vs content, clean-clause false alarms, exact cases."""
    scored = [it for it in items if not it.skipped]
    counts = _counts(scored)
    p, r, f = _pooled(counts)
    pp, pr, _ = _pooled(counts, PROCEDURE_CODES)
    cp, cr, _ = _pooled(counts, CONTENT_CODES)
    per = {c: prf(v["matched"], v["reported"], v["gold"]) for c, v in counts.items()}
    false_alarms = sum(len(it.detail.get("false_alarms", [])) for it in scored)
    clean = sum(it.detail.get("clean_clauses", 0) for it in scored)
    return {
        "precision": p, "recall": r, "f1": f,
        "macro_precision": mean(v[0] for c, v in per.items() if counts[c]["reported"]),
        "macro_recall": mean(v[1] for c, v in per.items() if counts[c]["gold"]),
        "macro_f1": mean(v[2] for v in per.values()),
        "procedure_precision": pp, "procedure_recall": pr,
        "content_precision": cp, "content_recall": cr,
        "clean_false_alarms": float(false_alarms),
        "clean_false_alarm_rate": safe_div(false_alarms, clean),
        "case_exact": mean(1.0 if not it.detail.get("missed") and not it.detail.get("spurious") else 0.0 for it in scored),
        "location_mismatches": float(sum(len(it.detail.get("location_mismatches", [])) for it in scored)),
        "unknown_codes": float(sum(len(it.detail.get("unknown_codes", [])) for it in scored)),
    }


def breakdowns(items: list[ItemResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per code (every README code, plus unknown ones reported) and per document type."""
    scored = [it for it in items if not it.skipped]
    counts = _counts(scored)
    per_code: dict[str, dict[str, Any]] = {}
    for code in [*CODES, *sorted(set(counts) - set(CODES))]:
        c = counts.get(code, {"gold": 0, "reported": 0, "matched": 0})
        p, r, f = prf(c["matched"], c["reported"], c["gold"])
        per_code[code] = {**c, "precision": p, "recall": r, "f1": f}
    per_type: dict[str, dict[str, Any]] = {}
    for key in sorted({str(it.meta.get("doc_type")) for it in scored}):
        sub = [it for it in scored if str(it.meta.get("doc_type")) == key]
        m = metrics(sub)
        per_type[key] = {"cases": len(sub), "precision": m["precision"], "recall": m["recall"], "f1": m["f1"]}
    return {"per_code": per_code, "per_doc_type": per_type}


def system(ctx: RunContext):
    """The review engine on each case folder."""
    from evals.adapters import reviewer

    run = reviewer(ctx)
    return lambda case: run(Path(case.input["path"]))


PRIMARY = ("recall", "precision", "f1", "macro_f1", "clean_false_alarm_rate")
LOWER_IS_BETTER = frozenset({"clean_false_alarms", "clean_false_alarm_rate", "location_mismatches", "unknown_codes"})
