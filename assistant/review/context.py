"""What content checks know about the draft under review: its clauses, issuer, dates, title and citations."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from assistant.config import Settings, get_settings
from assistant.kb import citations
from assistant.kb.catalog import Catalog
from assistant.kb.powers import PowerTable, table_for_catalog
from assistant.models import Citation, Clause, DocType, Dossier, Hit, Instrument, Stage
from assistant.review.clauses import has_articles, split_clauses
from assistant.review.dates import date_lines
from assistant.review.issuer import IssuerKind, issuer_kind
from assistant.review.sentences import ITEM
from assistant.review.titles import draft_titles

T = TypeVar("T")
MAX_ITEMS = 40  # items a lead-in may stand above


@dataclass
class ReviewContext:
    """Everything a content check may consult besides the clause itself."""

    dossier: Dossier
    clauses: list[Clause]
    settings: Settings
    catalog: Catalog | None = None
    issuer_kind: IssuerKind = IssuerKind.UNKNOWN
    review_date: date = field(default_factory=date.today)
    self_titles: tuple[str, ...] = ()
    has_articles: bool = True
    issue_date: date | None = None  # 印发/落款 date found in the draft itself (the 施行日期 is read by checks/dates.py)
    search: Callable[[str, int], list[Hit]] | None = None  # the knowledge base's search, where a review has one
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- construction -----------------------------------------------------------------------------------

    @classmethod
    def build(cls, dossier: Dossier, catalog: Catalog | None = None, *, clauses: list[Clause] | None = None,
              settings: Settings | None = None) -> ReviewContext:
        """Derive the context from a dossier (clauses split here unless given)."""
        text = dossier.draft_text
        if clauses is None:
            clauses = split_clauses(text, dossier.paragraphs or None)
        issue = date_lines(text)
        return cls(
            dossier=dossier, clauses=clauses, settings=settings or get_settings(), catalog=catalog,
            issuer_kind=issuer_kind(dossier.issuer), review_date=dossier.review_date or date.today(),
            self_titles=draft_titles(dossier), has_articles=has_articles(text),
            issue_date=max(issue) if issue else None,
        )

    @classmethod
    def from_text(cls, text: str, catalog: Catalog | None = None, *, title: str = "某县某某管理办法（送审稿）",
                  issuer: str | None = "某县人民政府", doc_type: DocType = DocType.NORMATIVE,
                  review_date: date | None = None, stage: Stage = Stage.REVIEW,
                  clauses: list[Clause] | None = None, settings: Settings | None = None) -> ReviewContext:
        """A context for a bare text (rule examples, tests); `clauses` overrides the split."""
        paragraphs = [ln.strip() for ln in text.splitlines() if ln.strip()]
        dossier = Dossier(title=title, draft_name="draft.md", draft_text=text, paragraphs=paragraphs,
                          doc_type=doc_type, issuer=issuer, review_date=review_date, stage=stage)
        return cls.build(dossier, catalog, clauses=clauses, settings=settings)

    # -- derived facts ----------------------------------------------------------------------------------

    @property
    def doc_type(self) -> DocType:
        return self.dossier.doc_type or DocType.NORMATIVE

    @property
    def title(self) -> str:
        return self.self_titles[0] if self.self_titles else self.dossier.title

    @property
    def provisional(self) -> bool:
        """暂行/试行 in the title: the shorter validity limit applies."""
        return any(re.search(r"暂行|试行", t) for t in self.self_titles)

    @property
    def reference_date(self) -> date:
        """The date the draft speaks from: its 印发 date when it shows one, else the review date."""
        return self.issue_date or self.review_date

    # -- citations --------------------------------------------------------------------------------------

    def cited_articles(self, clause: Clause) -> list[Citation]:
        """Citations in a clause, checked against the knowledge base (cached per clause)."""
        return self.memo(f"cite:{clause.location}", lambda: self.check_citations(clause.text))

    def check_citations(self, text: str) -> list[Citation]:
        """Citations in any text, checked (offsets relative to `text`); none without a knowledge base."""
        if self.catalog is None:
            return []
        return list(citations.check_text(text, self.catalog, self_titles=self.self_titles, as_of=self.citation_date,
                                         check_claims=True))

    @property
    def citation_date(self) -> date:
        """The date citations are judged on: the issue date of an adopted document (备案), else the review date."""
        if self.dossier.stage == Stage.FILING and self.issue_date:
            return self.issue_date
        return self.review_date

    def suggest_title(self, name: str) -> str | None:
        """The knowledge base's title an unknown `name` is a slip of (None when it is simply not in the KB)."""
        if self.catalog is None or not name:
            return None
        inst = citations.suggest_instrument(name, self.catalog)
        return inst.title if inst else None

    def instrument(self, name: str | None) -> Instrument | None:
        """The knowledge base's instrument for a title (None when unknown or without a catalog)."""
        if not name or self.catalog is None:
            return None
        catalog = self.catalog
        return self.memo(f"inst:{name}", lambda: catalog.resolve(name))

    def article_paragraphs(self, instrument_title: str | None, number: int | None, suffix: int = 0) -> list[str] | None:
        """The 款 of a cited article, or None when the knowledge base does not have it."""
        inst = self.instrument(instrument_title)
        if inst is None or number is None or self.catalog is None:
            return None
        catalog = self.catalog

        def paragraphs() -> list[str] | None:
            art = catalog.get_article(inst.id, number, suffix)
            return (art.paragraphs or [art.text]) if art else None
        return self.memo(f"art:{inst.id}:{number}:{suffix}", paragraphs)

    def article_text(self, instrument_title: str | None, number: int | None, suffix: int = 0) -> str | None:
        """Full text of a cited article (all paragraphs), or None."""
        paras = self.article_paragraphs(instrument_title, number, suffix)
        return "\n".join(paras) if paras is not None else None

    def powers(self) -> PowerTable | None:
        """The competence table of the knowledge base (built at ingest, read once per review); None without one."""
        return self.memo("powers", lambda: table_for_catalog(self.catalog)) if self.catalog is not None else None

    def lead_in(self, clause: Clause) -> str | None:
        """For an item paragraph of a 方案 ("（六）参加……"), the lead-in its list hangs from ("……还应当履行下列职责："):
        the last sentence of the nearest paragraph above that ends in a colon, with only items between; else None."""
        if not clause.location.endswith("段") or not ITEM.match(clause.text):
            return None
        i = next((k for k, c in enumerate(self.clauses) if c.location == clause.location), 0)
        for above in reversed(self.clauses[max(0, i - MAX_ITEMS):i]):
            last = above.text.rstrip(" \t\u3000")
            if last.endswith(("：", ":")):  # a lead-in, itself an item of the list above (（三）申请材料。……下列材料：)
                return re.split(r"[。！？；;]", last)[-1]
            if not ITEM.match(above.text):
                return None
        return None

    def memo(self, key: str, fn: Callable[[], T]) -> T:
        """Compute once per review (document-level facts shared by several rules)."""
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]
