"""Regression on the project's own labelled cases (tests/fixtures/review_heldout*): written independently of
the rules, in the evaluation format, they keep the engine's generalisation fixes from regressing."""

import json
from pathlib import Path

import pytest

from evals.review import match_findings, reported_findings
from assistant.review.dossier import load_case
from assistant.review.engine import review

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(p for d in ("review_heldout", "review_heldout2", "review_heldout3", "review_heldout4",
                                                  "review_heldout5") for p in (FIXTURES / d).iterdir() if p.is_dir()
               and (p / "case.json").exists())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_findings_match_gold_exactly(case, catalog, rules):
    gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
    report = review(load_case(case), catalog=catalog, rules=rules)
    result = match_findings(gold["findings"], reported_findings(report), gold.get("clean", []))
    assert (result["missed"], result["spurious"]) == ([], [])
