"""One review, end to end: read the dossier → run the rules → let the model propose findings (each validated) →
the report. The CLI (`fashen review`, `fashen draft`), the app and the evals all call `run_review`, so the same
settings give the same report everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.config import Settings, get_settings
from assistant.errors import InputError
from assistant.kb.base import KnowledgeBase
from assistant.kb.fusion import SearchMode
from assistant.llm.providers import Provider
from assistant.models import DocType, Dossier, ReviewReport, Stage
from assistant.review.dossier import load_case, load_files
from assistant.review.engine import review
from assistant.review.llm_review import augment
from assistant.review.rules import RuleSet


def read_dossier(source: Path, materials: Sequence[Path] = (), *, doc_type: DocType | None = None,
                 stage: Stage | None = None, issuer: str | None = None, title: str | None = None) -> Dossier:
    """A case folder (its case.json) or a draft file with its materials; `doc_type`, `stage` replace what is
    given or detected."""
    source = Path(source)
    if not source.exists():
        raise InputError(f"路径不存在：{source}。请给出草案文件或案件文件夹。")
    if source.is_dir():
        return load_case(source, doc_type=doc_type, stage=stage)
    return load_files(source, list(materials), doc_type=doc_type, stage=stage or Stage.REVIEW, issuer=issuer,
                      title=title)


def run_review(source: Dossier | Path, materials: Sequence[Path] = (), *, kb: KnowledgeBase | None,
               settings: Settings | None = None, llm: Provider | None = None, rules: RuleSet | None = None,
               doc_type: DocType | None = None, stage: Stage | None = None, issuer: str | None = None,
               title: str | None = None, explain: bool = False) -> ReviewReport:
    """Review a dossier (or the case folder / draft file it is read from) with the rules and, when
    `review.use_llm` is on and a model is configured, the model (`llm` replaces the configured provider).

    `rules` are the catalog already loaded (verified against `kb`); they are loaded here when not given.
    """
    settings = settings or get_settings()
    dossier = source if isinstance(source, Dossier) else read_dossier(
        source, materials, doc_type=doc_type, stage=stage, issuer=issuer, title=title)
    catalog = kb.catalog if kb is not None else None
    # lexical retrieval: a restatement shares the law's words, and no embedding model is loaded for a review
    search = (lambda q, k: kb.search(q, k=k, mode=SearchMode.LEXICAL)) if kb is not None else None
    report = review(dossier, catalog=catalog, rules=rules, settings=settings, search=search)
    report = augment(report, dossier.draft_text, settings, catalog, provider=llm)
    if explain:
        from assistant.kb.powers import table_for_catalog
        from assistant.review.explain import explain as read_measures

        table = table_for_catalog(catalog) if catalog is not None else None
        report.measures = [m.model_dump(mode="json") for m in read_measures(report.clauses, table)]
    return report
