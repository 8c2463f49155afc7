"""Every content rule documents and tests itself: its bases resolve in the real catalog, each unlawful example
yields exactly that rule's code, each lawful example yields nothing from that rule (semgrep-style fixtures)."""

from datetime import date

import pytest

from assistant.models import Clause, DocType
from assistant.review.content import pattern_params, run_rule
from assistant.review.context import IssuerKind, ReviewContext
from assistant.review.rules import RULES_DIR, load_rules

# A fixed review date: examples must not depend on the day the tests run.
REVIEW_DATE = date(2026, 10, 1)
ISSUERS = {IssuerKind.TOWN: "某县某镇人民政府", IssuerKind.DEPARTMENT: "某县住房和城乡建设局"}


def _cases(kind: str):
    """(rule id, example) pairs read without a catalog, so that each example is its own test."""
    out = []
    for rule in load_rules().rules:
        if rule.kind != "content":
            continue
        for text in getattr(rule.examples, kind):
            out.append(pytest.param(rule.id, text, id=f"{rule.id}:{text[:18]}"))
    return out


def _run(rule, text, catalog):
    issuers = set(rule.params.get("issuers") or [])
    issuer = next((ISSUERS[k] for k in ISSUERS if k in issuers), "某县人民政府")
    doc_type = DocType.NORMATIVE if DocType.NORMATIVE in rule.applies_to else DocType.MAJOR_DECISION
    clause = Clause(location="第一条", number=1, text=text)
    ctx = ReviewContext.from_text(text, catalog, issuer=issuer, doc_type=doc_type, review_date=REVIEW_DATE,
                                  clauses=[clause])
    return run_rule(rule, clause, ctx)


def test_rule_files_load_and_every_basis_resolves(content_rules):
    assert {p.name for p in RULES_DIR.glob("content-*.yaml")}, "no content rule files"
    codes = {r.code for r in content_rules}
    expected = {"C.LICENSE", "C.PENALTY", "C.COERCION", "C.FEE", "C.OBLIGATION", "C.COMPETITION", "C.CERTIFICATE",
                "C.ULTRA_VIRES", "C.BASIS_INVALID", "C.RETROACTIVE", "C.MINUTES", "C.VALIDITY", "C.PERSONAL_INFO"}
    assert expected <= codes
    for rule in content_rules:
        assert rule.basis, rule.id
        for b, resolved in zip(rule.basis, rule.resolved_basis):
            assert resolved.verified or b.policy, (rule.id, b.instrument, b.article)
        assert rule.message and rule.suggestion, rule.id


def test_every_rule_has_examples_of_both_kinds(content_rules):
    for rule in content_rules:
        assert len(rule.examples.unlawful) >= 1 and len(rule.examples.lawful) >= 1, rule.id
    total_unlawful = sum(len(r.examples.unlawful) for r in content_rules)
    total_lawful = sum(len(r.examples.lawful) for r in content_rules)
    assert total_unlawful >= 2 * len(content_rules) and total_lawful >= 2 * len(content_rules)


def test_pattern_params_are_known_and_compile(content_rules):
    for rule in content_rules:
        if rule.check == "pattern":
            assert pattern_params(rule).triggers, rule.id


@pytest.mark.parametrize(("rule_id", "text"), _cases("unlawful"))
def test_unlawful_example_is_found(rule_id, text, content_rules, catalog):
    rule = next(r for r in content_rules if r.id == rule_id)
    found = _run(rule, text, catalog)
    assert [f.code for f in found] == [rule.code], f"{rule_id} missed: {text}"
    assert found[0].location == "第一条" and found[0].evidence and found[0].source == f"rule:{rule.id}"
    assert found[0].basis and found[0].explanation and found[0].suggestion


@pytest.mark.parametrize(("rule_id", "text"), _cases("lawful"))
def test_lawful_example_stays_clean(rule_id, text, content_rules, catalog):
    rule = next(r for r in content_rules if r.id == rule_id)
    assert _run(rule, text, catalog) == [], f"{rule_id} fired on lawful text: {text}"
