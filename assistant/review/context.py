"""What content checks know about the draft under review: its clauses, issuer, dates, title and citations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from assistant.models import Citation, Clause, DocType, Dossier, Stage
from assistant.review.clauses import has_articles, split_clauses
from assistant.review.dates import find_dates

try:  # the citation checker is another module; without it no citation is checked (and none excuses a measure)
    from assistant.kb import citations as _citations
except ImportError:  # pragma: no cover - depends on the checkout
    _citations = None


class IssuerKind(StrEnum):
    """Who issues the draft (制定机关): decides what it may regulate (PRIMER §4)."""

    GOVERNMENT = "government"  # 县/市/区人民政府
    DEPARTMENT = "department"  # 局/委/办 of a government
    TOWN = "town"              # 镇/乡人民政府, 街道办事处
    UNKNOWN = "unknown"


def issuer_kind(issuer: str | None) -> IssuerKind:
    """镇/乡/街道 → town; …人民政府 → government; 局/委/办/中心 → department."""
    if not issuer:
        return IssuerKind.UNKNOWN
    name = issuer.strip()
    if re.search(r"(镇|乡)人民政府$|街道办事处$|(镇|乡)政府$", name):
        return IssuerKind.TOWN
    if re.search(r"人民政府(办公室|办公厅)?$", name) and not name.endswith(("办公室", "办公厅")):
        return IssuerKind.GOVERNMENT
    if re.search(r"(局|委员会|委|办公室|办|中心|厅|管委会|管理委员会|支队|大队)$", name):
        return IssuerKind.DEPARTMENT
    if name.endswith("政府"):
        return IssuerKind.GOVERNMENT
    return IssuerKind.UNKNOWN


_DRAFT_NOTE = re.compile(r"[（(](送审稿|征求意见稿|草案|修订草案|代拟稿|讨论稿|审议稿)[）)]")
_NOTICE_TITLE = re.compile(r"关于(?:印发|发布|公布)《(.+?)》的(?:通知|决定|公告)")
_MARKUP = re.compile(r"^[#>*\s\u3000]+|[*\s\u3000]+$")
_LONE_DATE = re.compile(r"^\s*(?:[^，。；：:]{0,8}[：:])?\s*([\d〇零○Ｏ一二三四五六七八九十]{4}\s*年[^，。；]{1,8}日)\s*$")


def draft_titles(dossier: Dossier) -> tuple[str, ...]:
    """The draft's own title(s), with and without 送审稿/征求意见稿, for 本办法-style self-references."""
    found: list[str] = []

    def add(t: str | None) -> None:
        if not t:
            return
        t = _MARKUP.sub("", t).strip()
        for v in (t, _DRAFT_NOTE.sub("", t).strip()):
            if v and v not in found:
                found.append(v)

    add(dossier.title)
    lines = [ln for ln in dossier.draft_text.splitlines() if ln.strip()][:12]
    for line in lines:
        m = _NOTICE_TITLE.search(line)
        if m:
            add(m.group(1))
    for line in lines:
        line = _MARKUP.sub("", line)
        if re.search(r"(办法|规定|细则|措施|方案|意见|通知|政策|规则|制度|决定|条例|标准)(（[^）]*）)?$", line) \
                and not line.startswith("第") and len(line) <= 60:
            add(line)
            break
    return tuple(found)


def _lone_dates(text: str) -> list[date]:
    out = []
    for line in text.splitlines():
        line = _MARKUP.sub("", line)
        m = _LONE_DATE.match(line)
        if m:
            out.extend(d.value for d in find_dates(m.group(1)))
    return out


@dataclass
class ReviewContext:
    """Everything a content check may consult besides the clause itself."""

    dossier: Dossier
    clauses: list[Clause]
    catalog: Any = None
    validity_max_years: int = 5
    validity_max_years_provisional: int = 2
    issuer_kind: IssuerKind = IssuerKind.UNKNOWN
    review_date: date = field(default_factory=date.today)
    self_titles: tuple[str, ...] = ()
    has_articles: bool = True
    issue_date: date | None = None  # 印发/落款 date found in the draft itself (the 施行日期 is read by content_dates)
    content_findings: list[Any] = field(default_factory=list)  # set after the content rules ran, for procedure checks
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- construction -----------------------------------------------------------------------------------

    @classmethod
    def build(cls, dossier: Dossier, catalog: Any = None, *, clauses: list[Clause] | None = None,
              settings: Any = None) -> ReviewContext:
        """Derive the context from a dossier (clauses split here unless given)."""
        text = dossier.draft_text
        if clauses is None:
            clauses = split_clauses(text, dossier.paragraphs or None)
        review = getattr(settings, "review", settings)
        max_years = getattr(review, "validity_max_years", 5) if review is not None else 5
        max_prov = getattr(review, "validity_max_years_provisional", 2) if review is not None else 2
        issue = _lone_dates(text)
        return cls(
            dossier=dossier, clauses=clauses, catalog=catalog, validity_max_years=max_years,
            validity_max_years_provisional=max_prov, issuer_kind=issuer_kind(dossier.issuer),
            review_date=dossier.review_date or _materials_date(dossier) or date.today(),
            self_titles=draft_titles(dossier), has_articles=has_articles(text),
            issue_date=max(issue) if issue else None,
        )

    @classmethod
    def from_text(cls, text: str, catalog: Any = None, *, title: str = "某县某某管理办法（送审稿）",
                  issuer: str | None = "某县人民政府", doc_type: DocType = DocType.NORMATIVE,
                  review_date: date | None = None, stage: Stage = Stage.REVIEW,
                  clauses: list[Clause] | None = None) -> ReviewContext:
        """A context for a bare text (rule examples, tests); `clauses` overrides the split."""
        paragraphs = [ln.strip() for ln in text.splitlines() if ln.strip()]
        dossier = Dossier(title=title, draft_name="draft.md", draft_text=text, paragraphs=paragraphs,
                          doc_type=doc_type, issuer=issuer, review_date=review_date, stage=stage)
        return cls.build(dossier, catalog, clauses=clauses)

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
        key = f"cite:{clause.location}"
        if key not in self._cache:
            self._cache[key] = self.check_citations(clause.text)
        return self._cache[key]

    def check_citations(self, text: str) -> list[Citation]:
        """Citations in any text, checked (offsets relative to `text`)."""
        if self.catalog is None:
            return []
        if not self.checker_available:
            return []
        try:
            return list(_citations.check_text(text, self.catalog, self_titles=self.self_titles,
                                              as_of=self.citation_date, check_claims=True))
        except TypeError:  # an older checker without the claim check
            return list(_citations.check_text(text, self.catalog, self_titles=self.self_titles))

    @property
    def checker_available(self) -> bool:
        """True when assistant.kb.citations checks citations (repeal judged on the draft's date)."""
        return _citations is not None and hasattr(_citations, "check_text")

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
        if _citations is not None and hasattr(_citations, "suggest_instrument"):
            inst = _citations.suggest_instrument(name, self.catalog)
            return inst.title if inst else None
        if name.startswith("中华人民共和国"):
            inst = self.instrument(name[len("中华人民共和国"):])
            return inst.title if inst else None
        return None

    def instrument(self, name: str | None):
        """The knowledge base's instrument for a title (None when unknown or without a catalog)."""
        if not name or self.catalog is None:
            return None
        key = f"inst:{name}"
        if key not in self._cache:
            self._cache[key] = self.catalog.resolve(name)
        return self._cache[key]

    def article_paragraphs(self, instrument_title: str | None, number: int | None, suffix: int = 0) -> list[str] | None:
        """The 款 of a cited article, or None when the knowledge base does not have it."""
        inst = self.instrument(instrument_title)
        if inst is None or number is None:
            return None
        key = f"art:{inst.id}:{number}:{suffix}"
        if key not in self._cache:
            art = self.catalog.get_article(inst.id, number, suffix)
            self._cache[key] = (art.paragraphs or [art.text]) if art else None
        return self._cache[key]

    def article_text(self, instrument_title: str | None, number: int | None, suffix: int = 0) -> str | None:
        """Full text of a cited article (all paragraphs), or None."""
        paras = self.article_paragraphs(instrument_title, number, suffix)
        return "\n".join(paras) if paras is not None else None

    def memo(self, key: str, fn) -> Any:
        """Compute once per review (document-level facts shared by several rules)."""
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]


def _materials_date(dossier: Dossier) -> date | None:
    """The latest signing date among the materials (a line that is only a date), else None."""
    dates: list[date] = []
    for m in dossier.materials:
        dates.extend(_lone_dates(m.text or ""))
    if not dates:
        today = date.today()
        for m in dossier.materials:
            dates.extend(d.value for d in find_dates(m.text or "") if d.value <= today)
    return max(dates) if dates else None
