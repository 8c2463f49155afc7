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

MAX_RULES = 1
MIN_OVERLAP = 0.12  # share of the rule title's bigrams that the question must contain
# Templates in suggestions (依照《××法》第×条) are not citations: written in quotation marks instead.
_TEMPLATE_TITLE = re.compile(r"《([^》]*[×＊*][^》]*)》")
_PLACEHOLDER = re.compile(r"[（(]?\{[a-z_]+\}[）)]?[，,：:]?")
_CODES = ("C.", "P.")  # content and procedure rules; reminders (R.*) are about after adoption

_cache: dict[str, list] = {}
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


@dataclass
class _Rule:
    rule: object
    basis: list[Citation]
    others: list[str]


def _rules(kb) -> list[_Rule]:
    """The catalog's rules with their basis checked against this knowledge base; a rule whose basis does
    not resolve here (an instrument not ingested) is left out, the others stay usable."""
    key = f"{id(kb.catalog)}:{kb.fingerprint}"
    with _lock:
        if key in _cache:
            return _cache[key]
        out: list[_Rule] = []
        try:
            from assistant.review.rules import load_rules

            ruleset = load_rules(catalog=None)  # validated here, basis checked below rule by rule
        except Exception as exc:  # noqa: BLE001 - guidance is optional; an answer must not fail for it
            log.info("rule catalog unavailable for answers: %s", exc)
            ruleset = None
        for rule in getattr(ruleset, "rules", []):
            if not rule.code.startswith(_CODES):
                continue
            checked = [(b, verify_reference(kb.catalog, b.instrument, b.article, b.paragraph))
                       for b in rule.basis if b.article]
            if any(not c.verified and not b.policy for b, c in checked):
                log.info("rule %s left out of answers: its basis does not resolve here", rule.id)
                continue
            verified = [c for _, c in checked if c.verified]
            others = [_named(b, "知识库未收录") for b, c in checked if not c.verified]
            for b in rule.basis:
                if b.article:
                    continue
                whole = verify_reference(kb.catalog, b.instrument)  # a document cited as a whole (国办发〔2018〕37号)
                if whole.verified and whole.reason is None:
                    verified.append(whole)
                else:
                    others.append(_named(b, whole.reason if whole.verified else "知识库未收录"))
            out.append(_Rule(rule, verified, others))
        _cache[key] = out
        return out


def _named(basis, state: str) -> str:
    """《title》（note）〔why it is not verified〕."""
    return f"《{basis.instrument}》" + (f"（{basis.note}）" if basis.note else "") + f"〔{state}〕"


def _bigrams(text: str) -> set[str]:
    return {g for g in grams(text) if len(g) == 2}


def match_guidance(kb, question: str, cited: list[Article], *, premise: bool = False) -> list[Guidance]:
    """The rules (at most MAX_RULES) whose basis the answer cites and whose title fits the question."""
    rules = _rules(kb)
    cited_keys = {(a.instrument_title, a.label) for a in cited}
    q = _bigrams(question)
    scored: list[tuple[float, _Rule]] = []
    for r in rules:
        basis_hit = any((b.instrument, b.article) in cited_keys for b in r.basis)
        title = _bigrams(r.rule.title)
        overlap = len(title & q) / len(title) if title else 0.0
        if basis_hit and (overlap >= MIN_OVERLAP or premise):
            scored.append((overlap + (1.0 if basis_hit else 0.0), r))
    scored.sort(key=lambda x: -x[0])
    out: list[Guidance] = []
    for _, r in scored[:MAX_RULES]:
        rule = r.rule
        advice = _TEMPLATE_TITLE.sub(r"“\1”", _PLACEHOLDER.sub("", rule.suggestion or rule.message)).strip()
        out.append(Guidance(rule_id=rule.id, code=rule.code, title=rule.title, advice=advice, basis=r.basis,
                            unverified_basis=r.others))
    return out
