"""Every rule documents and tests itself: its bases resolve in the real catalog, each unlawful example yields
exactly that rule's code (content rules: at the clause; procedure rules: on the dossier, saying what its `says:`
gives), each lawful example yields nothing from that rule (semgrep-style fixtures)."""

from datetime import date

import pytest

from assistant.config import Settings
from assistant.models import Clause, DocType
from assistant.review import codes
from assistant.review.context import ReviewContext
from assistant.review.engine import run_procedure_rule, run_rule
from assistant.review.issuer import IssuerKind
from assistant.review.materials import classified
from assistant.review.procedure_facts import build_facts
from assistant.review.rules import RULES_DIR, load_rules
from assistant.review.schema import CheckKind

# A fixed review date and default settings: examples must not depend on the day or the machine the tests run on.
REVIEW_DATE = date(2026, 10, 1)
SETTINGS = Settings()
ISSUERS = {IssuerKind.TOWN: "某县某镇人民政府", IssuerKind.DEPARTMENT: "某县住房和城乡建设局"}


def _cases(kind: str):
    """(rule id, example) pairs read without a catalog, so that each example is its own test."""
    out = []
    for rule in load_rules().rules:
        for example in getattr(rule.examples, kind):
            label = example if isinstance(example, str) else (example.says or example.draft)
            out.append(pytest.param(rule.id, example, id=f"{rule.id}:{label[:18]}"))
    return out


def run_example(rule, example, catalog):
    """The rule alone on its example: a clause (content) or a small dossier (procedure)."""
    if rule.kind == CheckKind.CONTENT:
        issuer = next((ISSUERS[k] for k in ISSUERS if k in rule.options.issuers), "某县人民政府") \
            if hasattr(rule.options, "issuers") else "某县人民政府"
        doc_type = DocType.NORMATIVE if DocType.NORMATIVE in rule.applies_to else DocType.MAJOR_DECISION
        clause = Clause(location="第一条", number=1, text=example)
        ctx = ReviewContext.from_text(example, catalog, issuer=issuer, doc_type=doc_type, review_date=REVIEW_DATE,
                                      clauses=[clause], settings=SETTINGS)
        return run_rule(rule, clause, ctx)
    dossier = example.dossier(rule, REVIEW_DATE)
    dossier = dossier.model_copy(update={"materials": classified(dossier.materials)})
    return run_procedure_rule(rule, build_facts(dossier, settings=SETTINGS.review))


def test_rule_files_load_and_every_basis_resolves(content_rules):
    assert {p.name for p in RULES_DIR.glob("content-*.yaml")}, "no content rule files"
    assert {r.code for r in content_rules} == set(codes.CONTENT)
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


def test_every_procedure_rule_has_dossier_examples_of_both_kinds(rules):
    procedure = rules.by_kind(CheckKind.PROCEDURE)
    assert {r.code for r in procedure} == set(codes.PROCEDURE)
    for rule in procedure:
        assert rule.examples.unlawful and rule.examples.lawful, rule.id
        assert all(x.says for x in rule.examples.unlawful), rule.id


@pytest.fixture(scope="module")
def rules(catalog):
    """The whole catalog, every basis verified against the real catalog."""
    return load_rules(catalog=catalog)


@pytest.mark.parametrize(("rule_id", "example"), _cases("unlawful"))
def test_unlawful_example_is_found(rule_id, example, rules, catalog):
    rule = rules.get(rule_id)
    found = run_example(rule, example, catalog)
    assert [f.code for f in found] == [rule.code], f"{rule_id} missed: {example}"
    assert found[0].source == f"rule:{rule.id}" and found[0].basis and found[0].explanation and found[0].suggestion
    if rule.kind == CheckKind.CONTENT:
        assert found[0].location == "第一条" and found[0].evidence
    else:
        assert found[0].location is None and example.says in found[0].explanation, found[0].explanation


@pytest.mark.parametrize(("rule_id", "example"), _cases("lawful"))
def test_lawful_example_stays_clean(rule_id, example, rules, catalog):
    assert run_example(rules.get(rule_id), example, catalog) == [], f"{rule_id} fired on lawful example: {example}"
