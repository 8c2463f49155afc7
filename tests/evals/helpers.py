"""Helpers for eval tests: a tiny hand-made catalog and writers for tiny evaldata files."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.kb.catalog import Catalog, article_id
from assistant.models import Article, Instrument, Level
from assistant.text.numerals import article_label

# Hand-made fixture texts: short, invented wording, enough to tell articles apart.
INSTRUMENTS = {
    "中华人民共和国行政处罚法": ("行政处罚法", Level.LAW, {
        1: ["为了规范行政处罚的设定和实施，制定本法。"],
        10: ["法律可以设定各种行政处罚。", "限制人身自由的行政处罚，只能由法律设定。"],
        16: ["除法律、法规、规章外，其他规范性文件不得设定行政处罚。"],
    }),
    "中华人民共和国民法典": ("民法典", Level.LAW, {
        5: ["民事主体从事民事活动，应当遵循自愿原则。"],
        54: ["自然人从事工商业经营，经依法登记，为个体工商户。", "个体工商户可以起字号。"],
    }),
    "中华人民共和国农民专业合作社法": ("农民专业合作社法", Level.LAW, {
        1: ["为了规范农民专业合作社的组织和行为，制定本法。"],
    }),
}


def build_catalog(path: Path) -> Catalog:
    """A catalog of three instruments with a handful of articles each."""
    cat = Catalog(path)
    for title, (short, level, arts) in INSTRUMENTS.items():
        inst = Instrument(id=title, title=title, short_title=short, level=level)
        articles = [
            Article(id=article_id(title, n), instrument_id=title, instrument_title=title, number=n,
                    label=article_label(n), text="\n".join(paras), paragraphs=paras, level=level)
            for n, paras in sorted(arts.items())
        ]
        cat.upsert(inst, articles)
    return cat


def write_json(path: Path, obj) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def write_review_case(root: Path, name: str, findings: list[dict], clean: list[str] = (), doc_type: str = "normative") -> Path:
    """A case folder as in evaldata/review/README.md (the draft is a stub; fake reviewers never read it)."""
    d = root / name
    (d / "materials").mkdir(parents=True, exist_ok=True)
    (d / "draft.md").write_text("# 某办法\n第一条 为了管理，制定本办法。\n", encoding="utf-8")
    write_json(d / "case.json", {"doc_type": doc_type, "title": name, "draft": "draft.md", "materials": []})
    write_json(d / "gold.json", {"findings": findings, "clean": list(clean), "notes": {"x": "not scored"}})
    return d
