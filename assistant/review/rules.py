"""The review rule catalog: rules are data (knowledge_base/rules/*.yaml); checks are named functions.

A rule names its check function (`check:`), which a module registers with `@register_check`. Every basis is
resolved against the knowledge base when the catalog loads; a basis that does not resolve fails loudly,
except a `policy` basis (a document named by title and 文号 that the knowledge base may not hold), which is
shown as unverified until the user ingests it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.config import KNOWLEDGE_BASE_DIR
from assistant.errors import RuleCatalogError
from assistant.models import Basis, DocType, Severity, Stage
from assistant.text.numerals import parse_article_label

RULES_DIR = KNOWLEDGE_BASE_DIR / "rules"

CODES = {
    "P.DRAFT_NOTE", "P.PUBLIC_COMMENT", "P.FAIR_COMPETITION", "P.LEGALITY_REVIEW", "P.COLLECTIVE",
    "P.PUBLIC_PARTICIPATION", "P.EXPERT", "P.RISK", "P.HEARING",
    "C.LICENSE", "C.PENALTY", "C.COERCION", "C.FEE", "C.OBLIGATION", "C.COMPETITION", "C.CERTIFICATE",
    "C.ULTRA_VIRES", "C.BASIS_INVALID", "C.RETROACTIVE", "C.MINUTES", "C.VALIDITY", "C.PERSONAL_INFO",
    "R.AFTER_DECISION",
}

CheckKind = Literal["content", "procedure", "reminder"]
# name → (kind, function). Content checks: fn(rule, clause, ctx) -> list[Finding];
# procedure and reminder checks: fn(rule, ctx) -> list[Finding].
CHECKS: dict[str, tuple[CheckKind, Callable[..., Any]]] = {}


def register_check(name: str, kind: CheckKind) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: make a check function available to rules under `name`."""
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in CHECKS and CHECKS[name][1] is not fn:
            raise RuntimeError(f"check {name!r} registered twice")
        CHECKS[name] = (kind, fn)
        return fn
    return deco


class RuleBasis(BaseModel):
    """A legal basis as written in a rule file."""

    model_config = ConfigDict(extra="forbid")

    instrument: str = Field(description="official full title (or an alias the knowledge base resolves)")
    article: str | None = Field(None, description="第十六条; omitted only for policy documents")
    paragraph: int | None = None
    policy: bool = Field(False, description="a document the knowledge base may not hold (e.g. 国办发〔2018〕37号)")
    note: str | None = None


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unlawful: list[str] = Field(default_factory=list)
    lawful: list[str] = Field(default_factory=list)


class Rule(BaseModel):
    """One rule of the catalog."""

    model_config = ConfigDict(extra="forbid")

    id: str
    code: str
    title: str
    severity: Severity = Severity.ERROR
    applies_to: list[DocType] = Field(default_factory=lambda: list(DocType))
    stages: list[Stage] = Field(default_factory=lambda: list(Stage))
    check: str
    params: dict[str, Any] = Field(default_factory=dict)
    basis: list[RuleBasis] = Field(default_factory=list)
    message: str
    suggestion: str | None = None
    examples: Examples = Field(default_factory=Examples)
    resolved_basis: list[Basis] = Field(default_factory=list, exclude=True)

    @property
    def kind(self) -> CheckKind:
        return CHECKS[self.check][0]


class RuleSet(BaseModel):
    """All rules, in file order."""

    rules: list[Rule]

    def by_kind(self, kind: CheckKind) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]

    def get(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def _import_checks() -> None:
    # Importing the modules registers their checks.
    from assistant.review import content, procedure  # noqa: F401


def resolve_basis(basis: RuleBasis, catalog) -> Basis:
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


def load_rules(rules_dir: Path | None = None, catalog=None) -> RuleSet:
    """Load and validate every rule file; with a catalog, verify every basis (RuleCatalogError on failure)."""
    _import_checks()
    rules_dir = rules_dir or RULES_DIR
    rules: list[Rule] = []
    seen: set[str] = set()
    for path in sorted(rules_dir.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise RuleCatalogError(f"规则文件 {path.name} 不是有效的 YAML：{exc}") from exc
        for raw in data.get("rules", []):
            try:
                rule = Rule.model_validate(raw)
            except ValidationError as exc:
                raise RuleCatalogError(f"规则文件 {path.name} 中的规则 {raw.get('id', '?')} 无效：{exc}") from exc
            if rule.id in seen:
                raise RuleCatalogError(f"规则编号 {rule.id} 重复（{path.name}）。")
            if rule.code not in CODES:
                raise RuleCatalogError(f"规则 {rule.id} 的代码 {rule.code} 未定义；可用代码：{', '.join(sorted(CODES))}")
            if rule.check not in CHECKS:
                raise RuleCatalogError(f"规则 {rule.id} 引用的检查函数 {rule.check} 不存在；可用：{', '.join(sorted(CHECKS))}")
            try:
                rule.resolved_basis = [resolve_basis(b, catalog) for b in rule.basis]
            except (RuleCatalogError, ValueError) as exc:
                raise RuleCatalogError(f"规则 {rule.id}（{path.name}）的依据无法核实：{exc}") from exc
            seen.add(rule.id)
            rules.append(rule)
    return RuleSet(rules=rules)
