"""The model's part in a review, when one is configured: propose findings the rules missed, explain findings.

Nothing the model says reaches the report unchecked: a proposed finding needs a known code, a real location in
the draft, evidence quoted verbatim from that clause and at least one basis verified in the knowledge base;
anything else is dropped with a log line and counted in the report's notices. The draft goes to the model as
data (fenced by the prompt), and only when `llm.send_drafts` allows drafts to leave the machine.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from assistant.config import Settings
from assistant.errors import LLMError
from assistant.kb.catalog import Catalog
from assistant.kb.citations import verify_reference
from assistant.llm.prompts import load_prompt
from assistant.llm.providers import Provider, get_provider
from assistant.models import Basis, Finding, ReviewReport, Severity
from assistant.review.codes import FINDING_CODES

log = logging.getLogger(__name__)
_JSON_ARRAY = re.compile(r"\[.*\]", re.S)
_SPACE = re.compile(r"[\s\u3000]+")


def _squash(text: str) -> str:
    return _SPACE.sub("", text or "")


def parse_proposals(text: str) -> list[dict[str, Any]]:
    """The JSON array of proposals in the model's answer (tolerating code fences and chatter around it)."""
    m = _JSON_ARRAY.search(text or "")
    if not m:
        return []
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def validate_proposal(p: dict[str, Any], report: ReviewReport, catalog: Catalog) -> tuple[Finding | None, str | None]:
    """A Finding when the proposal passes every check, else (None, why it was dropped)."""
    code = str(p.get("code") or "")
    if code not in FINDING_CODES:
        return None, f"未知的问题代码 {code!r}"
    location = p.get("location") or None
    clause = None
    if code.startswith("C."):
        clause = next((c for c in report.clauses if c.location == location), None)
        if clause is None:
            return None, f"位置 {location!r} 在送审稿中不存在"
        evidence = str(p.get("evidence") or "")
        if not evidence or _squash(evidence) not in _squash(clause.text):
            return None, f"{location} 中找不到所引原文"
    elif location:
        return None, "程序问题不应有条文位置"
    basis: list[Basis] = []
    for b in p.get("basis") or []:
        if not isinstance(b, dict) or not b.get("instrument") or not b.get("article"):
            continue
        try:
            c = verify_reference(catalog, str(b["instrument"]), str(b["article"]))
        except ValueError:
            continue
        if c.verified:
            basis.append(Basis(instrument=c.instrument, article=c.article, verified=True, quote=c.quote))
    if not basis:
        return None, "没有可核实的法律依据"
    if any(f.code == code and f.location == location for f in report.findings):
        return None, "与规则已发现的问题重复"
    return Finding(
        code=code, location=location, severity=Severity.WARNING, title=str(p.get("title") or code)[:80],
        evidence=str(p.get("evidence") or "")[:300] or None, basis=basis,
        explanation=str(p.get("explanation") or "")[:1000] or None,
        suggestion=str(p.get("suggestion") or "")[:1000] or None, source="llm",
    ), None


def propose_findings(report: ReviewReport, draft_text: str, provider: Provider, catalog: Catalog, *,
                     send_drafts: bool) -> ReviewReport:
    """Ask the model for findings the rules missed; add the valid ones, say how many were dropped."""
    if not send_drafts:
        return report.model_copy(update={"notices": [*report.notices,
                                 "已配置模型，但设置不允许将送审稿发送给模型（FASHEN_LLM__SEND_DRAFTS=false），仅使用规则审查。"]})
    prompt = load_prompt("review_propose")
    existing = "\n".join(f"- {f.code} {f.location or ''} {f.title}" for f in report.findings) or "（无）"
    messages = prompt.messages(doc_title=report.title, doc_type=report.doc_type.label,
                               issuer=report.issuer or "（未注明）", codes="、".join(sorted(FINDING_CODES)),
                               existing=existing, draft=draft_text)
    try:
        answer = provider.complete(messages)
    except LLMError as exc:
        return report.model_copy(update={"notices": [*report.notices, f"模型辅助审查未完成：{exc}；报告仅含规则审查结果。"]})
    added, dropped = [], 0
    for p in parse_proposals(answer):
        finding, why = validate_proposal(p, report, catalog)
        if finding is None:
            dropped += 1
            # The proposal quotes the draft: its content goes to the debug log only (drafts can be internal).
            log.info("dropped a model proposal (%s): %s", p.get("code"), (why or "")[:40])
            log.debug("dropped proposal: %s", str(p)[:200])
            continue
        report = report.model_copy(update={"findings": [*report.findings, finding]})
        added.append(finding)
    note = f"模型辅助审查：新增 {len(added)} 项（标注为“模型提出”，请人工复核），丢弃 {dropped} 项未通过核验的建议。"
    return report.model_copy(update={"notices": [*report.notices, note]})


def augment(report: ReviewReport, draft_text: str, settings: Settings, catalog: Catalog | None,
            provider: Provider | None = None) -> ReviewReport:
    """Run `propose_findings` when `review.use_llm` is on and a model is configured; else return the report.

    Without a knowledge base no proposal could show a verified basis: the model is not asked."""
    if not settings.review.use_llm or settings.llm.provider == "none":
        return report
    if catalog is None:
        return report.model_copy(update={"notices": [*report.notices, "未提供知识库：模型提出的问题无法核实依据，未使用模型辅助审查。"]})
    return propose_findings(report, draft_text, provider or get_provider(settings), catalog,
                            send_drafts=settings.llm.send_drafts)
