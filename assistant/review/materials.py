"""Classify the materials of a dossier (起草说明, 征求意见情况, 公平竞争审查表, 合法性审核意见书, 会议纪要 …).

The vocabulary is data (knowledge_base/rules/materials.yaml); one file may hold several kinds (an 起草说明 that
reports the 征求意见情况). A title decides first; a text that carries a kind's content adds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.config import KNOWLEDGE_BASE_DIR
from assistant.errors import RuleCatalogError
from assistant.models import Material
from assistant.review.titles import strip_markup

MATERIALS_FILE = KNOWLEDGE_BASE_DIR / "rules" / "materials.yaml"
OTHER = "other"

_QUOTED = re.compile(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》")
_EXTENSION = re.compile(r"\.(md|txt|docx|doc|html?|pdf|wps)$", re.IGNORECASE)


@dataclass
class KindSpec:
    """How one kind of material is recognised."""

    kind: str
    label: str
    title: list[re.Pattern] = field(default_factory=list)
    exclude_title: list[re.Pattern] = field(default_factory=list)
    text: list[list[re.Pattern]] = field(default_factory=list)
    text_exclude: list[re.Pattern] = field(default_factory=list)
    not_with: list[str] = field(default_factory=list)


@dataclass
class Vocabulary:
    """materials.yaml, compiled."""

    kinds: dict[str, KindSpec]
    statements: dict[str, Any]
    subjects: dict[str, Any]

    def label(self, kind: str) -> str:
        spec = self.kinds.get(kind)
        return spec.label if spec else "其他材料"


def _compile(patterns, where: str) -> list[re.Pattern]:
    out = []
    for p in patterns or []:
        try:
            out.append(re.compile(p))
        except re.error as exc:
            raise RuleCatalogError(f"materials.yaml 中 {where} 的正则表达式 {p!r} 无效：{exc}") from exc
    return out


@lru_cache(maxsize=4)
def load_vocabulary(path: str | None = None) -> Vocabulary:
    """Load and compile materials.yaml (cached)."""
    file = Path(path) if path else MATERIALS_FILE
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RuleCatalogError(f"材料分类词表 {file} 无法读取：{exc}") from exc
    kinds: dict[str, KindSpec] = {}
    for name, raw in (data.get("kinds") or {}).items():
        kinds[name] = KindSpec(
            kind=name,
            label=raw.get("label", name),
            title=_compile(raw.get("title"), f"{name}.title"),
            exclude_title=_compile(raw.get("exclude_title"), f"{name}.exclude_title"),
            text=[_compile(g, f"{name}.text") for g in raw.get("text") or []],
            text_exclude=_compile(raw.get("text_exclude"), f"{name}.text_exclude"),
            not_with=list(raw.get("not_with") or []),
        )
    return Vocabulary(kinds=kinds, statements=data.get("statements") or {}, subjects=data.get("subjects") or {})


def heading_of(text: str) -> str:
    """The first non-empty line of a text, without markdown marks."""
    for line in text.splitlines():
        line = strip_markup(line)
        if line:
            return line
    return ""


def material_stem(name: str) -> str:
    """A material's file name without folder and extension, as messages name it: 《起草说明》."""
    return _EXTENSION.sub("", Path(name).name)


def _titles(name: str, text: str) -> list[str]:
    stem = re.sub(r"^\d+[-_.、\s]*", "", material_stem(name))  # "01-起草说明"
    out = [stem]
    head = heading_of(text)
    # The first line is a title only when it reads like one (not a sentence of the body).
    if head and head != stem and len(head) <= 80 and "。" not in head and not head.endswith(("；", "：", ":")):
        out.append(head)
    # The quoted draft title may say anything (征求意见稿, 送审稿): it is not the material's title.
    return [_QUOTED.sub("《》", t) for t in out]


def _title_kinds(titles: list[str], vocab: Vocabulary) -> list[str]:
    found = []
    for spec in vocab.kinds.values():
        for t in titles:
            if any(p.search(t) for p in spec.title) and not any(p.search(t) for p in spec.exclude_title):
                found.append(spec.kind)
                break
    return found


def _text_kinds(text: str, vocab: Vocabulary, already: list[str]) -> list[str]:
    """Kinds the text shows, tried in file order; a kind yields to those listed in its not_with."""
    found: list[str] = []
    for spec in vocab.kinds.values():
        if not spec.text or spec.kind in already or spec.kind in found:
            continue
        if any(k in spec.not_with for k in [*already, *found]):
            continue
        if all(any(p.search(text) for p in group) for group in spec.text) and not any(
                p.search(text) for p in spec.text_exclude):
            found.append(spec.kind)
    return found


def classify_material(name: str, text: str, vocab: Vocabulary | None = None) -> list[str]:
    """The kinds of one material (draft_note, comment_report, fair_competition, legality_review, collective,
    expert, risk, hearing, cover_letter, filing_report, sign_off, cost_audit, consultation_reply, …), or
    ["other"]."""
    vocab = vocab or load_vocabulary()
    titles = _titles(name, text or "")
    kinds = _title_kinds(titles, vocab)
    # A cover letter is only a letter: the letter's request wording must not make it an opinion or minutes.
    if "cover_letter" in kinds:
        kinds = [k for k in kinds if k not in ("legality_review", "collective", "expert", "hearing", "risk",
                                               "fair_competition", "comment_report", "consultation_reply")]
    if "consultation_reply" in kinds and "legality_review" in kinds:
        kinds.remove("legality_review")
    kinds += _text_kinds(text or "", vocab, kinds)
    ordered = [k for k in vocab.kinds if k in kinds]
    return ordered or [OTHER]


def classified(materials: list[Material]) -> list[Material]:
    """The materials with their kinds: those read without them (built by hand, uploaded) are classified here."""
    return [m if (m.kinds or m.error) else m.model_copy(update={"kinds": classify_material(m.name, m.text)})
            for m in materials]


def kind_label(kind: str) -> str:
    """Chinese label of a kind (起草说明, 征求意见情况 …)."""
    return load_vocabulary().label(kind)
