"""Review-rule guidance for answers: the catalog rules (knowledge_base/rules) that bear on a question.

A rule matches when one of its verified basis articles is among the articles the answer cites and its
title shares words with the question, or when its title alone matches the question closely. The rule
catalog is loaded once per knowledge base; when it cannot be loaded (a file being edited, a basis that
no longer resolves) answers go on without guidance and the reason is logged.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

from assistant.answer.rank import grams
from assistant.kb.citations import verify_reference
from assistant.models import Article, Citation

log = logging.getLogger(__name__)

MAX_RULES = 2
MIN_OVERLAP = 0.12  # share of the rule title's bigrams that the question must contain
# Templates in suggestions (依照《××法》第×条) are not citations: written in quotation marks instead.
_TEMPLATE_TITLE = re.compile(r"《([^》]*[×＊*][^》]*)》")
_PLACEHOLDER = re.compile(r"[（(]?\{[a-z_]+\}[）)]?[，,：:]?")
_CODES = ("C.", "P.")  # content and procedure rules; reminders (R.*) are about after adoption

_cache: dict[str, object] = {}
_lock = threading.Lock()


@dataclass
class Guidance:
    """One matching rule: what reviewers check, the fix, and its verified basis."""

    rule_id: str
    code: str
    title: str
    advice: str
    basis: list[Citation] = field(default_factory=list)
    unverified_basis: list[str] = field(default_factory=list)


def _rules(kb):
    key = f"{id(kb.catalog)}:{kb.fingerprint}"
    with _lock:
        if key not in _cache:
            try:
                from assistant.review.rules import load_rules

                _cache[key] = load_rules(catalog=kb.catalog)
            except Exception as exc:  # noqa: BLE001 - guidance is optional; an answer must not fail for it
                log.warning("rule catalog unavailable for answers: %s", exc)
                _cache[key] = None
        return _cache[key]


def _bigrams(text: str) -> set[str]:
    return {g for g in grams(text) if len(g) == 2}


def match_guidance(kb, question: str, cited: list[Article], *, premise: bool = False) -> list[Guidance]:
    """The rules (at most MAX_RULES) whose basis the answer cites and whose title fits the question."""
    ruleset = _rules(kb)
    if ruleset is None:
        return []
    cited_keys = {(a.instrument_title, a.label) for a in cited}
    q = _bigrams(question)
    scored: list[tuple[float, object]] = []
    for rule in getattr(ruleset, "rules", []):
        if not rule.code.startswith(_CODES):
            continue
        basis_hit = any((b.instrument, b.article) in cited_keys for b in rule.resolved_basis if b.verified)
        title = _bigrams(rule.title)
        overlap = len(title & q) / len(title) if title else 0.0
        if basis_hit and (overlap >= MIN_OVERLAP or premise):
            scored.append((overlap + (1.0 if basis_hit else 0.0), rule))
    scored.sort(key=lambda x: -x[0])
    out: list[Guidance] = []
    for _, rule in scored[:MAX_RULES]:
        checked = [verify_reference(kb.catalog, b.instrument, b.article, b.paragraph)
                   for b in rule.resolved_basis if b.verified and b.article]
        basis = [c for c in checked if c.verified]
        others = [b.instrument + (f"（{b.note}）" if b.note else "") for b in rule.resolved_basis if not b.verified]
        advice = _TEMPLATE_TITLE.sub(r"“\1”", _PLACEHOLDER.sub("", rule.suggestion or rule.message)).strip()
        out.append(Guidance(rule_id=rule.id, code=rule.code, title=rule.title, advice=advice, basis=basis,
                            unverified_basis=others))
    return out
