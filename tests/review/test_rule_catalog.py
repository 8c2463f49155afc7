"""The rule catalog loads only what it can run: a rule's code, check, params (the check's Pydantic model), the
bases its variants name, and its examples are checked at load, and a mistake fails loudly naming the rule."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import yaml

from assistant.config import ReviewSettings
from assistant.errors import RuleCatalogError
from assistant.models import Stage
from assistant.review.checks.patterns import PatternParams
from assistant.review.engine import run_procedure_rule
from assistant.review.materials import classified
from assistant.review.procedure_facts import build_facts
from assistant.review.rules import RULES_DIR, load_rules


def _rules_of(name: str) -> list[dict]:
    return yaml.safe_load((RULES_DIR / name).read_text(encoding="utf-8"))["rules"]


def _rule(name: str, rule_id: str) -> dict:
    return copy.deepcopy(next(r for r in _rules_of(name) if r["id"] == rule_id))


def _load(tmp_path, *rules: dict):
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"rules": list(rules)}, allow_unicode=True), encoding="utf-8")
    return load_rules(tmp_path)


def test_the_shipped_catalog_loads_with_typed_params():
    rules = load_rules()
    pattern = [r for r in rules.rules if r.check == "pattern"]
    assert pattern and all(isinstance(r.options, PatternParams) and r.options.triggers for r in pattern)


def test_a_variant_naming_no_basis_of_the_rule_fails_naming_the_rule(tmp_path):
    rule = _rule("procedure.yaml", "proc.public_comment")
    rule["params"]["variants"]["too_short"]["basis"] = ["行政处罚法/第八十六条"]
    with pytest.raises(RuleCatalogError, match=r"(?s)proc\.public_comment.*行政处罚法/第八十六条"):
        _load(tmp_path, rule)


def test_a_conditional_basis_is_checked_too_and_conditions_are_validated(tmp_path):
    rule = _rule("procedure.yaml", "proc.collective")
    rule["params"]["basis"][0]["ref"] = "重大行政决策程序暂行条例/第三十一条"
    with pytest.raises(RuleCatalogError, match=r"(?s)proc\.collective.*第三十一条"):
        _load(tmp_path, rule)
    rule = _rule("procedure.yaml", "proc.collective")
    rule["params"]["basis"][0]["when"] = {"issuer": ["village"]}
    with pytest.raises(RuleCatalogError, match=r"proc\.collective"):
        _load(tmp_path, rule)


def test_a_variant_the_check_does_not_report_fails(tmp_path):
    rule = _rule("procedure.yaml", "proc.hearing")
    rule["params"]["variants"]["water"] = {"title": "x"}
    with pytest.raises(RuleCatalogError, match=r"(?s)proc\.hearing.*water"):
        _load(tmp_path, rule)


@pytest.mark.parametrize(("key", "value", "says"), [
    ("trigger", ["罚款"], "trigger"),  # a misspelt param
    ("triggers", ["(罚款"], "triggers"),  # a regex that does not compile
    ("issuers", ["village"], "issuers"),
    ("window", [10], "window"),
])
def test_pattern_params_are_validated_when_the_catalog_loads(tmp_path, key, value, says):
    rule = _rule("content-penalty.yaml", _rules_of("content-penalty.yaml")[0]["id"])
    rule["params"][key] = value
    with pytest.raises(RuleCatalogError, match=rf"(?s){rule['id']}.*{says}"):
        _load(tmp_path, rule)


def test_a_code_of_another_kind_than_the_check_fails(tmp_path):
    rule = _rule("procedure.yaml", "proc.expert")
    rule["code"] = "C.PENALTY"
    with pytest.raises(RuleCatalogError, match=r"proc\.expert.*C\.PENALTY"):
        _load(tmp_path, rule)


def test_procedure_examples_are_dossiers_and_content_examples_clauses(tmp_path):
    rule = _rule("procedure.yaml", "proc.expert")
    rule["examples"]["lawful"] = ["经专家论证。"]
    with pytest.raises(RuleCatalogError, match=r"proc\.expert.*examples"):
        _load(tmp_path, rule)


def test_the_comment_periods_are_settings():
    rule = load_rules().get("proc.public_comment")
    example = next(x for x in rule.examples.unlawful if x.says == "少于7个工作日")
    dossier = example.dossier(rule, date(2026, 10, 1))
    dossier = dossier.model_copy(update={"materials": classified(dossier.materials), "stage": Stage.REVIEW})
    found = run_procedure_rule(rule, build_facts(dossier, settings=ReviewSettings(comment_min_workdays=4)))
    assert found == []  # 5 working days are enough where the minimum is 4
    found = run_procedure_rule(rule, build_facts(dossier, settings=ReviewSettings(comment_min_workdays=10)))
    assert [f.title for f in found] == ["公开征求意见期限不足10个工作日"] and "少于10个工作日" in found[0].explanation
