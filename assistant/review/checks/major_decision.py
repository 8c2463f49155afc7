"""Major decisions: P.EXPERT (专家论证 of professional or technical matters), P.RISK (风险评估 where stability, safety
or the environment may suffer) and P.HEARING (听证 where a law requires it). The subjects that call for each are
vocabulary (materials.yaml `subjects`)."""

from __future__ import annotations

import re

from assistant.models import Finding
from assistant.review.checks.procedure import ProcedureParams, procedure_finding, quote
from assistant.review.procedure_facts import ProcedureFacts
from assistant.review.schema import Rule
from assistant.review.sentences import split_sentences


class ExpertParams(ProcedureParams):
    pass


class RiskParams(ProcedureParams):
    pass


class HearingParams(ProcedureParams):
    variant_names = frozenset({"price", "old_town", "land"})


def _subject_hits(f: ProcedureFacts, key: str) -> list[str]:
    spec = f.vocab.subjects.get(key, {})
    title = f.dossier.title or ""
    hits = [pat for pat in spec.get("title", []) if re.search(pat, title)]
    text = f.dossier.draft_text or ""
    text_hits = [pat for pat in spec.get("text", []) if re.search(pat, text)]
    return hits + [h for h in text_hits if h not in hits] if hits else (text_hits if len(text_hits) >= 3 else [])


def _done(f: ProcedureFacts, kind: str, words: list[str]) -> tuple[bool, list[str]]:
    """(done, negated statements): a material of the kind, or a non-negated statement that it was done."""
    if f.of_kind(kind):
        return True, []
    pos, neg = f.statement(words, exclude_kinds=(kind,))
    done = [s for s in pos if re.search(r"已|组织|召开|开展|进行|完成|委托|举行|形成", s)
            and not re.search(r"拟|将|计划|待|应当|建议|需要|请", s)]
    return bool(done), neg


def check_expert(rule: Rule, p: ExpertParams, f: ProcedureFacts) -> list[Finding]:
    """Major decisions on professional or technical matters: 专家论证."""
    hits = _subject_hits(f, "expert")
    if not hits:
        return []
    done, neg = _done(f, "expert", [r"专家论证", r"论证会", r"专家.{0,6}论证", r"专业机构论证", r"专家评审", r"专家咨询"])
    if done:
        return []
    cost = f.of_kind("cost_audit")
    if neg:
        detail = f"材料称{quote(neg[0], 50)}"
    else:
        detail = "材料中没有专家、专业机构的论证意见"
    if cost:
        detail += f"；{f.names(cost)}是价格主管部门的成本审核，不能代替专家论证"
    return [procedure_finding(rule, p, f, detail, subject="、".join(hits[:4]))]


def _unrest(f: ProcedureFacts) -> list[str]:
    spec = f.vocab.subjects.get("risk", {})
    out = []
    for m in f.materials:
        for s in split_sentences(m.text):
            if any(re.search(pat, s) for pat in spec.get("unrest", [])) and not re.search(r"防范|化解|预案|低风险", s):
                out.append(s)
    return out


def check_risk(rule: Rule, p: RiskParams, f: ProcedureFacts) -> list[Finding]:
    """Major decisions that may affect social stability, public safety or the environment: 风险评估."""
    hits = _subject_hits(f, "risk")
    spec = f.vocab.subjects.get("risk", {})
    title_hits = [pat for pat in spec.get("title", []) if re.search(pat, f.dossier.title or "")]
    unrest = _unrest(f)
    if not title_hits and not unrest and len(hits) < 3:
        return []
    done, neg = _done(f, "risk", [r"风险评估", r"稳评", r"稳定风险"])
    if done:
        return []
    subject = "、".join(hits[:4]) if hits else "决策事项"
    detail = f"材料称{quote(neg[0], 50)}" if neg else "材料中没有社会稳定风险评估报告"
    if unrest:
        detail += f"，且材料显示{quote(unrest[0], 50)}"
    return [procedure_finding(rule, p, f, detail, subject=subject)]


def _majority_objection(f: ProcedureFacts) -> str | None:
    spec = f.vocab.subjects.get("expropriation", {})
    for m in f.materials:
        for s in split_sentences(m.text):
            if not any(re.search(pat, s) for pat in spec.get("objection", [])):
                continue
            if not any(re.search(pat, s) for pat in spec.get("parties", [])):
                continue
            if any(re.search(pat, s) for pat in spec.get("majority_words", [])):
                return s
            for pct in re.findall(r"(\d+(?:\.\d+)?)\s*[%％]", s):
                if float(pct) > 50:
                    return s
            for pct in re.findall(r"(?:过|超过)(?:半数|一半|三分之二)", s):
                return s
    return None


def check_hearing(rule: Rule, p: HearingParams, f: ProcedureFacts) -> list[Finding]:
    """听证 where a law requires it: public-utility prices, 旧城区改建 or 征地 with most owners objecting."""
    spec = f.vocab.subjects
    title = f.dossier.title or ""
    text = f.dossier.draft_text or ""
    variant = None
    why = ""
    price = spec.get("utility_price", {})
    price_hit = next((pat for pat in price.get("price", []) if re.search(pat, title)), None)
    utility_hit = next((pat for pat in price.get("utility", []) if re.search(pat, title)), None)
    if price_hit and utility_hit:
        variant = "price"
        why = (f"方案调整{re.search(utility_hit, title).group(0)}{re.search(price_hit, title).group(0)}，"
               "属于关系群众切身利益的公用事业（公益性服务）价格，依法应当举行听证")
    else:
        exp = spec.get("expropriation", {})
        body = f"{title}\n{text}"
        old = any(re.search(pat, body) for pat in exp.get("old_town", []))
        land = any(re.search(pat, body) for pat in exp.get("land", [])) and re.search(r"集体", body)
        if old or land:
            s = _majority_objection(f)
            if s:
                variant = "old_town" if old else "land"
                who = "被征收人" if old else "被征地的农村集体经济组织成员"
                why = f"材料显示{quote(s, 70)}，多数{who}认为方案不符合规定，依法应当组织听证"
    if variant is None:
        return []
    done, neg = _done(f, "hearing", [r"听证会", r"听证"])
    if done:
        return []
    detail = why + (f"，但材料称{quote(neg[0], 50)}" if neg else "，但材料中没有听证公告、听证笔录或者听证报告")
    return [procedure_finding(rule, p, f, detail, variant=variant)]
