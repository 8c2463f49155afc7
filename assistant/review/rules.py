"""The review rule catalog: rules are data (knowledge_base/rules/*.yaml), checks are named functions
(assistant/review/checks/registry.py). This loader sits above both.

Loading validates each rule (schema.py), its code (codes.py), its check's name and params (the check's Pydantic
model) and its examples, and resolves every basis against the knowledge base: a basis that does not resolve
fails loudly, except a `policy` basis (a document named by title and 文号 that the knowledge base may not hold),
which is shown as unverified until the user ingests it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from assistant.config import KNOWLEDGE_BASE_DIR
from assistant.errors import RuleCatalogError
from assistant.kb.catalog import Catalog
from assistant.models import Basis, DocType, Stage
from assistant.review.checks.registry import CHECKS, CODE_PREFIX
from assistant.review.codes import LABELS
from assistant.review.schema import CheckKind, Rule, RuleBasis
from assistant.text.numerals import parse_article_label

RULES_DIR = KNOWLEDGE_BASE_DIR / "rules"


class RuleSet(BaseModel):
    """All rules, in file order."""

    rules: list[Rule]

    def by_kind(self, kind: CheckKind) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]

    def applicable(self, kind: CheckKind, doc_type: DocType, stage: Stage) -> list[Rule]:
        """The rules of a kind that run on this document type at this stage: the one place `stages:` filters."""
        return [r for r in self.by_kind(kind) if r.applies(doc_type, stage)]

    def get(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def resolve_basis(basis: RuleBasis, catalog: Catalog | None) -> Basis:
    """Check a rule basis against the knowledge base; raise RuleCatalogError when it does not resolve."""
    if catalog is None:
        return Basis(instrument=basis.instrument, article=basis.article, paragraph=basis.paragraph, note=basis.note)
    inst = catalog.resolve(basis.instrument)
    if inst is None:
        # A knowledge base without this instrument (a policy document, or a trimmed KB): shown as unverified,
        # never as fact. tests/review/test_rule_examples.py checks every non-policy basis against the full KB.
        return Basis(instrument=basis.instrument, article=basis.article, paragraph=basis.paragraph, verified=False,
                     note=basis.note or "知识库未收录，导入该文件后可核实")
    if basis.article is None:
        return Basis(instrument=inst.title, verified=True, note=basis.note)
    number, suffix = parse_article_label(basis.article)
    art = catalog.get_article(inst.id, number, suffix)
    if art is None:
        raise RuleCatalogError(f"依据《{inst.title}》{basis.article}在知识库中不存在。")
    quote = art.text
    if basis.paragraph is not None:
        if basis.paragraph > len(art.paragraphs):
            raise RuleCatalogError(f"依据《{inst.title}》{basis.article}没有第{basis.paragraph}款。")
        quote = art.paragraphs[basis.paragraph - 1]
    return Basis(instrument=inst.title, article=art.label, paragraph=basis.paragraph, verified=True, quote=quote,
                 note=basis.note)


def _errors(exc: ValidationError) -> str:
    """A validation error as lines a rule author can act on: where in the rule, and what is wrong."""
    return "；".join(f"{'.'.join(map(str, e['loc'])) or '(整体)'}：{e['msg']}" for e in exc.errors())


def _checked(raw: dict, where: str) -> Rule:
    """One rule as written, validated: schema, code, check, params, examples (not yet the bases)."""
    try:
        rule = Rule.model_validate(raw)
    except ValidationError as exc:
        raise RuleCatalogError(f"{where} 中的规则 {raw.get('id', '?')} 无效：{_errors(exc)}") from exc
    if rule.code not in LABELS:
        raise RuleCatalogError(f"规则 {rule.id} 的代码 {rule.code} 未定义；可用代码：{', '.join(LABELS)}")
    check = CHECKS.get(rule.check)
    if check is None:
        raise RuleCatalogError(f"规则 {rule.id} 引用的检查函数 {rule.check} 不存在；可用：{', '.join(sorted(CHECKS))}")
    if not rule.code.startswith(CODE_PREFIX[check.kind]):
        raise RuleCatalogError(f"规则 {rule.id} 的代码 {rule.code} 与检查 {rule.check}（{check.kind}）不符。")
    try:
        rule.options = check.params.model_validate(rule.params, context={"rule": rule})
    except ValidationError as exc:
        known = "、".join(check.params.model_fields)
        raise RuleCatalogError(f"规则 {rule.id}（{where}）的参数无效：{_errors(exc)}。检查 {rule.check} 的参数有：{known or '无'}") from exc
    rule.kind = check.kind
    wanted = str if check.kind == CheckKind.CONTENT else BaseModel
    if any(not isinstance(x, wanted) for x in [*rule.examples.unlawful, *rule.examples.lawful]):
        form = "条文文字" if check.kind == CheckKind.CONTENT else "小卷宗（draft、materials）"
        raise RuleCatalogError(f"规则 {rule.id}（{where}）的 examples 应当是{form}。")
    return rule


# libyaml's parser where PyYAML was built with it (eight times faster on the catalog), the same safe loading
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_rules(rules_dir: Path | None = None, catalog: Catalog | None = None) -> RuleSet:
    """Load and validate every rule file; with a catalog, verify every basis (RuleCatalogError on failure)."""
    rules_dir = rules_dir or RULES_DIR
    rules: list[Rule] = []
    seen: set[str] = set()
    for path in sorted(rules_dir.glob("*.yaml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        except yaml.YAMLError as exc:
            raise RuleCatalogError(f"规则文件 {path.name} 不是有效的 YAML：{exc}") from exc
        for raw in data.get("rules", []):
            rule = _checked(raw, f"规则文件 {path.name}")
            if rule.id in seen:
                raise RuleCatalogError(f"规则编号 {rule.id} 重复（{path.name}）。")
            try:
                rule.resolved_basis = [resolve_basis(b, catalog) for b in rule.basis]
            except (RuleCatalogError, ValueError) as exc:
                raise RuleCatalogError(f"规则 {rule.id}（{path.name}）的依据无法核实：{exc}") from exc
            seen.add(rule.id)
            rules.append(rule)
    return RuleSet(rules=rules)
