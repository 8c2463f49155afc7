"""What content checks know about the draft under review: its clauses, issuer, dates, title and citations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from assistant.models import Citation, CitationStatus, Clause, DocType, Dossier, Stage
from assistant.review.clauses import has_articles, split_clauses
from assistant.review.dates import find_dates
from assistant.text.numerals import CN_NUM, cn_to_int

try:  # the citation checker is a separate module; a small built-in extractor stands in when it is absent
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
_EFFECTIVE = re.compile(
    r"自\s*([\d〇零○Ｏ一二三四五六七八九十]{4}\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日)"
    r"\s*起[^。；，]{0,6}(?:施行|执行|实施|试行|生效)")


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
    issue_date: date | None = None       # 印发/落款 date found in the draft itself
    effective_date: date | None = None   # 自…起施行
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
        eff = _EFFECTIVE.search(text)
        effective = None
        if eff:
            ds = find_dates(eff.group(1))
            effective = ds[0].value if ds else None
        return cls(
            dossier=dossier, clauses=clauses, catalog=catalog, validity_max_years=max_years,
            validity_max_years_provisional=max_prov, issuer_kind=issuer_kind(dossier.issuer),
            review_date=dossier.review_date or _materials_date(dossier) or date.today(),
            self_titles=draft_titles(dossier), has_articles=has_articles(text),
            issue_date=max(issue) if issue else None, effective_date=effective,
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
        if _citations is not None and hasattr(_citations, "check_text"):
            try:
                return list(_citations.check_text(text, self.catalog, self_titles=self.self_titles,
                                                  as_of=self.citation_date, check_claims=True))
            except TypeError:  # an older checker without the claim check
                return list(_citations.check_text(text, self.catalog, self_titles=self.self_titles))
        return fallback_citations(text, self.catalog, self.self_titles)

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


# -- a small citation extractor used only when assistant.kb.citations is not available ---------------------

_ART = re.compile(rf"第\s*({CN_NUM}|\d+)\s*条(?:之({CN_NUM}|\d+))?(?:\s*第\s*({CN_NUM}|\d+)\s*款)?")
_RELATIVE = re.compile(r"(该法典|该法|该条例|该规定|该办法|上述法律|该决定)")


def _titles(text: str) -> list[tuple[str, int, int]]:
    """《…》 spans with nested 书名号 (最高人民法院关于适用《…》的解释) kept whole."""
    out, depth, start = [], 0, -1
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                out.append((text[start + 1:i], start, i + 1))
    return out


def fallback_citations(text: str, catalog: Any, self_titles: tuple[str, ...] = ()) -> list[Citation]:
    """《名称》第N条 and 该法第N条 citations, resolved and checked against the catalog."""
    found: list[Citation] = []
    anchors: list[tuple[int, int, str]] = [(s, e, t) for t, s, e in _titles(text)]
    for m in _RELATIVE.finditer(text):
        prior = [a for a in anchors if a[1] <= m.start() and a[2] != "@rel"]
        if prior:
            anchors.append((m.start(), m.end(), prior[-1][2]))
    anchors.sort()
    selfs = {re.sub(r"[（(][^）)]*[）)]$", "", s) for s in self_titles}
    for s, e, title in anchors:
        rest = text[e:e + 40]
        rest_stripped = re.sub(r"^[（(][^）)]{0,30}[）)]", "", rest)
        offset = len(rest) - len(rest_stripped)
        m = _ART.match(rest_stripped)
        clean = re.sub(r"[（(](送审稿|征求意见稿|试行|暂行)[）)]", "", title)
        if title in self_titles or clean in selfs:
            found.append(Citation(text=f"《{title}》", instrument=title, status=CitationStatus.SELF_REFERENCE,
                                  start=s, end=e))
            continue
        inst = catalog.resolve(title)
        cit = Citation(text=text[s:e + (offset + m.end() if m else 0)], instrument=inst.title if inst else title,
                       start=s, end=e + (offset + m.end() if m else 0))
        if m:
            no = cn_to_int(m.group(1))
            suffix = cn_to_int(m.group(2)) if m.group(2) else 0
            cit.article_no = no
            cit.article = f"第{m.group(1)}条" if not m.group(1).isdigit() else None
            if m.group(3):
                cit.paragraph = cn_to_int(m.group(3))
        else:
            suffix = 0
        if inst is None:
            cit.status = CitationStatus.UNKNOWN_INSTRUMENT
            cit.reason = "知识库中没有该文件"
        elif inst.status == "已废止":
            cit.status = CitationStatus.REPEALED
            cit.reason = inst.status_note
        elif m is None:
            cit.status = CitationStatus.NO_ARTICLE
        else:
            art = catalog.get_article(inst.id, cit.article_no, suffix)
            if art is None:
                cit.status = CitationStatus.NO_SUCH_ARTICLE
                cit.reason = f"《{inst.title}》没有第{cit.article_no}条"
            else:
                cit.status = CitationStatus.VERIFIED
                cit.verified = True
                cit.article = art.label
                cit.quote = art.text
        found.append(cit)
    return found
