"""Build a 合法性审查（审核）意见书 (Opinion) from a ReviewReport; wording comes from knowledge_base/templates/opinion.yaml."""

from __future__ import annotations

import re
import string
from datetime import date as Date
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.config import KNOWLEDGE_BASE_DIR
from assistant.errors import ConfigError
from assistant.models import Basis, Conclusion, Finding, Opinion, OpinionItem, ReviewReport, Severity, Stage
from assistant.review.checklist import procedure_checklist
from assistant.review.decisions import Decisions, decided
from assistant.text.numerals import int_to_cn, parse_article_label
from assistant.text.typography import in_title_marks

TEMPLATE_PATH = KNOWLEDGE_BASE_DIR / "templates" / "opinion.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Offices(_Strict):
    area: str
    province: str
    town_review: str
    town_filing: str
    unknown: str


class _WithOrWithout(_Strict):
    with_materials: str
    without_materials: str


class _Process(_WithOrWithout):
    unreadable: str


class _Sections(_Strict):
    bases: str
    process: str
    items: str
    conclusion: str
    reminders: str


class _Checklist(_Strict):
    lead: str
    done: str
    done_with: str
    line: str
    period_line: str


class _Unlawful(_Strict):
    codes: list[str]
    min_findings: int
    min_share: float


class OpinionTemplate(_Strict):
    """The wording of an opinion, validated at load (every stage and conclusion present, placeholders known)."""

    version: str | int
    title: str
    doc_number: str
    offices: _Offices
    addressee_unknown: str
    intro: dict[Stage, _WithOrWithout]
    process: _Process
    bases_sentence: str
    checklist: _Checklist
    sections: _Sections
    item_heading: str
    item_heading_no_location: str
    procedure_heading: str
    draft_name: str
    quote_sentence: str
    basis_label: str
    suggestion_label: str
    unverified_mark: str
    conclusion_line: str
    conclusions: dict[Stage, dict[Conclusion, str]]
    and_procedure: str
    unlawful: _Unlawful
    footer_line: str = "知识库版本 {fingerprint} · 法审助手 {version}"
    footer_line_no_kb: str = "未使用知识库核实 · 法审助手 {version}"


# The placeholders each template field may use (dotted path, * for any key); anything else is a typo.
_ALLOWED: dict[str, set[str]] = {
    "title": {"office", "title"},
    "doc_number": {"year"},
    "offices.area": {"region"},
    "offices.province": {"region"},
    "offices.town_review": {"county", "town", "town_stem"},
    "offices.town_filing": {"county", "town", "town_stem"},
    "intro.*.*": {"received", "title", "materials"},
    "process.with_materials": {"materials"},
    "process.unreadable": {"files"},
    "bases_sentence": {"bases"},
    "checklist.done_with": {"materials"},
    "checklist.line": {"label", "status"},
    "checklist.period_line": {"label", "period", "status"},
    "item_heading": {"n", "location", "title"},
    "item_heading_no_location": {"n", "title"},
    "procedure_heading": {"n"},
    "quote_sentence": {"draft", "location", "quote"},
    "conclusion_line": {"conclusion", "text"},
    "conclusions.*.*": {"and_procedure"},
    "footer_line": {"fingerprint", "version"},
    "footer_line_no_kb": {"version"},
}


def _check_placeholders(node: object, path: str, where: Path) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _check_placeholders(value, f"{path}.{key}" if path else str(key), where)
        return
    if not isinstance(node, str):
        return
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(node) if name is not None}
    except ValueError as exc:
        raise ConfigError(f"意见书模板 {where} 的 {path} 格式有误：{exc}") from exc
    allowed = next((names for pattern, names in _ALLOWED.items() if fnmatchcase(path, pattern)), set())
    if used - allowed:
        raise ConfigError(f"意见书模板 {where} 的 {path} 使用了未知占位符 {sorted(used - allowed)}；可用：{sorted(allowed) or '无'}。")


def load_opinion_template(path: Path | None = None) -> OpinionTemplate:
    """Load and validate the opinion wording; ConfigError naming the file and field on any problem."""
    path = path or TEMPLATE_PATH
    return _load_template(path, path.stat().st_mtime if path.is_file() else 0.0)


@lru_cache(maxsize=4)
def _load_template(path: Path, mtime: float) -> OpinionTemplate:
    if not path.is_file():
        raise ConfigError(f"找不到意见书模板 {path}。请从项目仓库恢复 knowledge_base/templates/opinion.yaml。")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        template = OpinionTemplate.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"意见书模板 {path} 无效：{exc}") from exc
    _check_placeholders(raw, "", path)
    missing = [f"{s}/{c}" for s in Stage for c in Conclusion if c not in template.conclusions.get(s, {})]
    missing += [f"intro/{s}" for s in Stage if s not in template.intro]
    if missing:
        raise ConfigError(f"意见书模板 {path} 缺少以下措辞：{', '.join(missing)}。")
    return template


# --- who writes the opinion -------------------------------------------------------------------------

# An administrative division: a name of 2–10 characters (no division or office characters) and its suffix.
# A town counts only when its government follows, so 住房和城乡建设局 is not read as a 乡.
_DIVISION = r"[^省市县区旗镇乡局委厅府办\s]{2,10}?(?:自治区|自治州|自治县|自治旗|省|市|县|区|旗)"
_ISSUER_RE = re.compile(rf"^(?P<region>(?:{_DIVISION})+)(?P<town>[^省市县区旗镇乡局委厅府办\s]{{1,10}}?(?:镇|乡|街道)(?=人民政府|政府|办事处|$))?")


def derive_office(issuer: str | None, stage: Stage = Stage.REVIEW, template: OpinionTemplate | None = None) -> str:
    """The reviewing office for an issuer: 清源县人民政府 → 清源县司法局; a town at 审核 → its 司法所 (see opinion.yaml)."""
    t = (template or load_opinion_template()).offices
    m = _ISSUER_RE.match((issuer or "").strip())
    if not m:
        return t.unknown
    region, town = m.group("region"), m.group("town")
    if town:
        stem = re.sub(r"(镇|乡|街道)$", "", town) or town
        pattern = t.town_review if stage == Stage.REVIEW else t.town_filing
        return pattern.format(county=region, town=town, town_stem=stem)
    # Only a province-level area that is not a municipality has a 司法厅.
    if re.fullmatch(rf"{_DIVISION}", region) and region.endswith(("省", "自治区")):
        return t.province.format(region=region)
    return t.area.format(region=region)


# --- pieces ---------------------------------------------------------------------------------------


def format_basis(basis: Basis, template: OpinionTemplate | None = None) -> str:
    """《全称》第N条第M款, marked （待核实） unless verified against the knowledge base."""
    text = f"《{basis.instrument}》{basis.article or ''}"
    if basis.paragraph:
        text += f"第{int_to_cn(basis.paragraph)}款"
    return text if basis.verified else text + (template or load_opinion_template()).unverified_mark


def format_date(d: Date) -> str:
    """2026年3月27日 (no zero padding, as offices write it)."""
    return f"{d.year}年{d.month}月{d.day}日"


def location_key(location: str | None) -> tuple[int, int, int]:
    """Sort key: articles (第八条) by number, then paragraphs (第3段), then findings without a location."""
    if location:
        try:
            number, suffix = parse_article_label(location)
            return (0, number, suffix)
        except ValueError:
            pass
        m = re.fullmatch(r"第\s*(\d+)\s*段", location.strip())
        if m:
            return (1, int(m.group(1)), 0)
    return (2, 0, 0)


def _material_names(report: ReviewReport) -> list[str]:
    # "materials/起草说明.md" → 起草说明: the reader knows the document, not the file.
    names = [Path(m.name).stem or m.name for m in report.materials if not m.error]
    return list(dict.fromkeys(n for n in names if n))


def _is_procedure(finding: Finding) -> bool:
    return finding.code.startswith("P.")


def _join_basis(findings: list[Finding]) -> list[Basis]:
    seen: dict[tuple, Basis] = {}
    for f in findings:
        for b in f.basis:
            seen.setdefault((b.instrument, b.article, b.paragraph), b)
    return list(seen.values())


def _content_item(n: int, f: Finding, t: OpinionTemplate) -> OpinionItem:
    heading = (
        t.item_heading.format(n=int_to_cn(n), location=f.location, title=f.title)
        if f.location
        else t.item_heading_no_location.format(n=int_to_cn(n), title=f.title)
    )
    return OpinionItem(
        heading=heading,
        location=f.location,
        quote=f.evidence,
        problem=f.explanation or f.title,
        basis=list(f.basis),
        suggestion=f.suggestion,
    )


def _procedure_item(n: int, findings: list[Finding], t: OpinionTemplate) -> OpinionItem:
    lines = []
    for i, f in enumerate(findings, 1):
        text = f.title if not f.explanation else f"{f.title.rstrip('。')}：{f.explanation}"
        lines.append(f"{i}．{text}")
    suggestions = list(dict.fromkeys(f.suggestion for f in findings if f.suggestion))
    return OpinionItem(
        heading=t.procedure_heading.format(n=int_to_cn(n)),
        problem="\n".join(lines),
        basis=_join_basis(findings),
        suggestion="；".join(s.rstrip("。；") for s in suggestions) + "。" if suggestions else None,
    )


def decide_conclusion(report: ReviewReport, template: OpinionTemplate | None = None) -> Conclusion:
    """合法 without findings; 不合法或不宜出台 when the core is unlawful (opinion.yaml `unlawful`); else 修改后合法."""
    t = template or load_opinion_template()
    if not report.findings:
        return Conclusion.LAWFUL
    rule = t.unlawful
    core = [f for f in report.findings if f.code in rule.codes and f.severity == Severity.ERROR and f.location]
    clauses = {c.location for c in report.clauses}
    covered = {f.location for f in core} & clauses
    # Without parsed clauses the share is unknown: a strong conclusion needs evidence, so do not draw it.
    if clauses and len(core) >= rule.min_findings and len(covered) / len(clauses) > rule.min_share:
        return Conclusion.UNLAWFUL
    return Conclusion.LAWFUL_AFTER_CHANGES


def checklist_lines(report: ReviewReport, template: OpinionTemplate | None = None) -> list[str]:
    """The procedure checklist as sentences: 起草说明：已履行（见《起草说明》）; public comment with its period counted."""
    t = (template or load_opinion_template()).checklist
    lines = []
    for row in procedure_checklist(report):
        if row.ok:
            materials = "".join(in_title_marks(m) for m in row.materials)
            status = t.done_with.format(materials=materials) if materials else t.done
        else:
            status = "；".join(f.title.rstrip("。") for f in row.findings)
        line = t.period_line.format(label=row.label, period=row.period, status=status) if row.period else \
            t.line.format(label=row.label, status=status)
        lines.append(line + "。")
    return lines


def retitle(opinion: Opinion, template: OpinionTemplate | None = None) -> Opinion:
    """The opinion with its title rebuilt from its 落款 office, so that the two always name the same office."""
    if not opinion.subject:
        return opinion
    t = template or load_opinion_template()
    return opinion.model_copy(update={"title": t.title.format(office=opinion.signature.strip(), title=opinion.subject)})


def build_opinion(
    report: ReviewReport,
    *,
    decisions: Decisions | None = None,
    office: str | None = None,
    date: Date | None = None,
    submitter: str | None = None,
    received: Date | None = None,
) -> Opinion:
    """The 意见书 for a review as the reviewer decided it (rejected findings out, edits in, added ones too): items per
    content finding by location, procedures together, the checklist, conclusion and 审查依据 from the kept findings,
    dated today unless `date` is given."""
    t = load_opinion_template()
    report = decided(report, decisions)
    office = office or derive_office(report.issuer, report.stage, t)
    day = date or Date.today()
    materials = _material_names(report)
    joined = "".join(in_title_marks(m) for m in materials)

    intro_t = t.intro[report.stage]
    intro = (intro_t.with_materials if materials else intro_t.without_materials).format(
        received=format_date(received) if received else "", title=report.title, materials=joined
    )
    process = t.process.with_materials.format(materials=joined) if materials else t.process.without_materials
    unreadable = [u.get("file", "") for u in report.unreadable if u.get("file")]
    if unreadable:
        process += t.process.unreadable.format(files="、".join(Path(u).name for u in unreadable))

    content = sorted((f for f in report.findings if not _is_procedure(f)), key=lambda f: location_key(f.location))
    procedures = [f for f in report.findings if _is_procedure(f)]
    items = [_content_item(n, f, t) for n, f in enumerate(content, 1)]
    if procedures:
        items.append(_procedure_item(len(items) + 1, procedures, t))

    conclusion = decide_conclusion(report, t)
    conclusion_text = t.conclusions[report.stage][conclusion].format(and_procedure=t.and_procedure if procedures else "")

    # Only verified instruments are named as the basis of the review; unverified ones stay marked in their items.
    bases = list(dict.fromkeys(b.instrument for f in report.findings for b in f.basis if b.verified))
    reminders = [
        r.title + (f"（{'；'.join(format_basis(b, t) for b in r.basis)}）" if r.basis else "") for r in report.reminders
    ]
    checklist = checklist_lines(report, t)
    return Opinion(
        title=t.title.format(office=office, title=report.title),
        subject=report.title,
        doc_number=t.doc_number.format(year=day.year),
        addressee=submitter or report.issuer or t.addressee_unknown,
        intro=intro,
        bases=bases,
        process=process + (t.checklist.lead if checklist else ""),
        procedures=checklist,
        items=items,
        conclusion=conclusion,
        conclusion_text=conclusion_text,
        reminders=reminders,
        signature=office,
        date=day,
        kb_fingerprint=report.kb_fingerprint,
        fashen_version=report.fashen_version,
    )
