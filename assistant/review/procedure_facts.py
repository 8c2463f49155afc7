"""What a dossier's materials show about its procedures, computed once and shared by the P.* checks.

Every fact keeps the words it rests on, so a finding can say precisely what is missing or inadequate
("征求意见期间为2026年8月3日至8月12日，共10日，少于30日").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistant.config import ReviewSettings
from assistant.models import DocType, Dossier, Finding, Material, Stage
from assistant.review.dates import (HolidayCalendar, Window, extract_windows, find_dates, holiday_calendar, sentence_of,
                                    working_days)
from assistant.review.issuer import IssuerKind, issuer_kind
from assistant.review.materials import Vocabulary, load_vocabulary, material_stem
from assistant.review.sentences import split_sentences
from assistant.review.titles import core_title, mentions_title


def _any(patterns, text: str) -> re.Match | None:
    for p in patterns:
        m = re.search(p, text)
        if m:
            return m
    return None


def negated(sentence: str, keyword_at: int, negation: str) -> bool:
    """Whether a negation word stands before the keyword within its clause (，、 break clauses)."""
    start = max(sentence.rfind("，", 0, keyword_at), sentence.rfind(",", 0, keyword_at), -1) + 1
    start = max(start, keyword_at - 14)  # "未单独组织专家论证", not a negation far back in a long clause
    return re.search(negation, sentence[start:keyword_at]) is not None


@dataclass
class Verdict:
    """A yes/no fact with the words it rests on."""

    value: bool = False
    reasons: list[str] = field(default_factory=list)


@dataclass
class CommentWindow:
    """A public-comment window found in a material."""

    window: Window
    material: str
    sentence: str

    @property
    def days(self) -> int:
        return self.window.days


@dataclass
class Meeting:
    """A set of minutes (会议纪要) and what it shows."""

    material: str
    bodies: list[str]
    right_body: bool
    wrong_bodies: list[str]
    mentions_draft: bool
    decided: bool
    when: date | None


@dataclass
class ProcedureFacts:
    """Everything the P.* checks need, derived once from the dossier."""

    dossier: Dossier
    doc_type: DocType
    stage: Stage
    issuer_kind: IssuerKind
    materials: list[Material]
    operators: Verdict
    internal: Verdict
    public_windows: list[CommentWindow]
    public_without_dates: list[str]
    targeted: list[str]
    adoption: Verdict
    deferral: list[str]
    short_reason: str | None
    calendar: HolidayCalendar
    vocab: Vocabulary
    settings: ReviewSettings
    # The content rules run first: a clause that restricts competition shows the draft concerns operators.
    content_findings: tuple[Finding, ...] = ()

    # -- helpers -----------------------------------------------------------------------------------------

    def of_kind(self, *kinds: str) -> list[Material]:
        return [m for m in self.materials if any(k in m.kinds for k in kinds)]

    def restricting(self) -> list[str]:
        """Where the draft restricts competition (its C.COMPETITION findings): a draft that does so concerns operators,
        whatever the materials say of it."""
        return [x.location or "" for x in self.content_findings if x.code == "C.COMPETITION"]

    def concerns_operators(self) -> bool:
        """The draft concerns operators' economic activity: read so from its subject, or shown by a clause."""
        return self.operators.value or bool(self.restricting())

    def names(self, mats: list[Material]) -> str:
        return "、".join(f"《{material_stem(m.name)}》" for m in mats)

    def listing(self) -> str:
        """What the materials are, for a message: 《送审函》、《起草说明》."""
        return self.names(self.materials) if self.materials else "未附任何材料"

    def issue_date(self) -> date | None:
        """The 印发 date stated in the issued text or the filing report ("于2026年4月20日印发"), else None."""
        for text in [self.dossier.draft_text] + [m.text for m in self.of_kind("filing_report")]:
            for s in split_sentences(text):
                # (not "于2026年6月15日发布的《……通告》": another document's date)
                m = re.search(r"于?([^，。；]{6,16}日)(?:印发|发布|公布)(?!的)", s)
                if m:
                    ds = find_dates(m.group(1))
                    if ds:
                        return ds[0].value
        return None

    @property
    def best_window(self) -> CommentWindow | None:
        if not self.public_windows:
            return None
        # The comment report is the evidence; an 起草说明 or cover letter only retells it.
        reports = {m.name for m in self.of_kind("comment_report")}
        primary = [w for w in self.public_windows if w.material in reports] or self.public_windows
        return max(primary, key=lambda w: (w.days, w.window.end))

    def statement(self, keyword_patterns: list[str], *, kinds: tuple[str, ...] | None = None,
                  exclude_kinds: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
        """Sentences in materials naming a procedure: (positive, negated)."""
        neg = self.vocab.statements.get("negation", "未|没有")
        pos_s: list[str] = []
        neg_s: list[str] = []
        for m in self.materials:
            if kinds is not None and not any(k in m.kinds for k in kinds):
                continue
            if any(k in m.kinds for k in exclude_kinds):
                continue
            for s in split_sentences(m.text):
                # every mention counts: "（三）风险评估：…未单独开展社会稳定风险评估" is negated by its second one
                hits = [h for p in keyword_patterns for h in re.finditer(p, s)]
                if hits:
                    (neg_s if any(negated(s, h.start(), neg) for h in hits) else pos_s).append(s)
        return pos_s, neg_s

    def count_days(self, w: Window) -> tuple[int, int, list[int]]:
        """(calendar days, working days, years without holiday data)."""
        wd, unknown = working_days(w.start, w.end, self.calendar)
        return w.days, wd, unknown

    def meetings(self) -> list[Meeting]:
        bodies = self.vocab.statements.get("bodies", {})
        right = right_bodies(self.issuer_kind, bodies)
        all_bodies = sorted({b for v in bodies.values() for b in v}, key=len, reverse=True)
        wrong_words = self.vocab.statements.get("not_collective", [])
        deliberation = self.vocab.statements.get("deliberation", [])
        out = []
        for m in self.of_kind("collective"):
            text = m.text or ""
            found = [b for b in all_bodies if re.search(b, text)]
            ok = any(re.search(b, text) for b in right)
            wrong = [w for w in wrong_words if re.search(w, text)]
            out.append(Meeting(
                material=m.name, bodies=found, right_body=ok, wrong_bodies=wrong,
                mentions_draft=mentions_title(text, self.dossier.title),
                decided=_any(deliberation, text) is not None
                and not re.search(r"暂缓(?:审议|研究|出台)|不予通过|未予通过|未通过|不同意(?:出台|印发)|另行研究|再次提交", text),
                when=_first_date(text),
            ))
        return out


def _first_date(text: str) -> date | None:
    ds = find_dates(text or "")
    return ds[0].value if ds else None


def right_bodies(kind: IssuerKind, bodies: dict[str, list[str]]) -> list[str]:
    """The meetings (materials.yaml `bodies`) that decide for this kind of issuer; any of them when unknown."""
    key = {IssuerKind.GOVERNMENT: "government", IssuerKind.TOWN: "town", IssuerKind.DEPARTMENT: "department"}.get(kind)
    return (bodies.get(key) if key else None) or sorted({b for v in bodies.values() for b in v})


# --- subject detectors ----------------------------------------------------------------------------

def _count(patterns, text: str) -> tuple[int, list[str]]:
    n, hits = 0, []
    for p in patterns:
        c = len(re.findall(p, text))
        if c:
            n += c
            hits.append(p)
    return n, hits


def detect_operators(title: str, text: str, materials: list[Material], vocab: Vocabulary) -> Verdict:
    """Whether the draft concerns 经营者经济活动 (公平竞争审查条例 第二条), with the words that show it."""
    spec = vocab.subjects.get("operators", {})
    body = f"{title}\n{text}"
    for p in spec.get("incidental", []):  # the project's own tendering done by law, a levy on companies ruled out
        body = re.sub(p, "", body)
    n_strong, strong = _count(spec.get("strong", []), body)
    n_actor, actors = _count(spec.get("actors", []), body)
    n_act, acts = _count(spec.get("activities", []), body)
    affirm_fc = []
    affirm_other = []
    denial = []
    for m in materials:
        denied_here = False
        for s in split_sentences(m.text):
            if _any(spec.get("denial", []), s):
                denial.append(s)
                denied_here = True
            elif _any(spec.get("affirm", []), s) and not re.search(r"不涉及|是否涉及", s):  # not a form's question
                (affirm_fc if "fair_competition" in m.kinds else affirm_other).append(s)
        # A fair-competition review carried out to a conclusion treats the draft as concerning operators.
        if "fair_competition" in m.kinds and not denied_here and not affirm_fc:
            concluded = [s for s in split_sentences(m.text) if re.search(r"结论|可以出台|不予出台|调整后出台", s)]
            if concluded:
                affirm_fc.append(concluded[0])
    reasons: list[str] = []
    if strong:
        reasons.append("草案涉及" + "、".join(strong))
    if n_actor:
        reasons.append("草案提及" + "、".join(actors))
    # A strong term weighs two actor mentions: one stray 个体工商户 in a welfare rule does not decide alone.
    points = 2 * n_strong + n_actor
    if affirm_other and (n_actor or n_act or n_strong):
        points += 2
    value = points >= 3 or (n_actor + n_strong >= 1 and n_act >= 4)
    # a welfare subject (残疾人, 救助) concerns operators only when they are its applicants many times over
    if value and not strong and n_actor < 6 and _any(spec.get("individual_subjects", []), core_title(title)):
        value = False
    if affirm_fc:
        value = True
        reasons.append("公平竞争审查材料载明：" + affirm_fc[0][:60])
    if denial and value and points < 6 and not affirm_fc:
        value = False
        reasons.append("材料载明：" + denial[0][:60])
    return Verdict(value, reasons)


def detect_internal(title: str, text: str, vocab: Vocabulary) -> Verdict:
    """Internal management rules (no public comment, no fair-competition review)."""
    spec = vocab.subjects.get("internal", {})
    m = _any(spec.get("title", []), core_title(title))
    if m:
        return Verdict(True, [f"标题含“{m.group(0)}”"])
    m = _any(spec.get("text", []), text)
    public = re.search(r"公民|法人|其他组织|经营者|企业|群众|居民|村民|申请人|市场主体", text)
    if m and not public:
        return Verdict(True, [f"草案规定“{m.group(0)}”"])
    return Verdict(False, [])


# --- public comment ---------------------------------------------------------------------------------

_COMMENT_WORD = re.compile(r"征求意见|意见征集|征集意见|公示|公告|听取意见|提出(?:意见|建议)|反馈意见|意见建议")
_SKIP_FOR_WINDOWS = ("risk", "expert", "hearing", "legality_review", "fair_competition", "collective", "cost_audit",
                     "funding", "sign_off", "filing_report", "consultation_reply")


def _public_windows(materials: list[Material], vocab: Vocabulary,
                    default_year: int | None = None) -> tuple[list[CommentWindow], list[str], list[str]]:
    st = vocab.statements
    public_cues = st.get("public_cues", [])
    targeted_cues = st.get("targeted_cues", [])
    not_periods = st.get("not_comment_periods", [])
    windows: list[CommentWindow] = []
    without_dates: list[str] = []
    targeted: list[str] = []
    for m in materials:
        if any(k in m.kinds for k in _SKIP_FOR_WINDOWS) and "comment_report" not in m.kinds:
            continue
        text = m.text or ""
        lines = text.splitlines()
        found_here = False
        for w in extract_windows(text, default_year):
            sent = sentence_of(text, w.span)
            # "监审期间：2023年至2025年", "评估时间：…": a period of something else, unless the sentence is about comment
            before = sent[:max(0, sent.find(w.snippet))]
            if _any(not_periods, before) and not re.search(r"征求.{0,4}意见", sent):
                continue
            public = _any(public_cues, sent) is not None
            if not public and _COMMENT_WORD.search(sent) and not _any(targeted_cues, sent):
                # "征求意见时间：2026年8月1日至8月20日" with the channel on the next line
                line_no = text.count("\n", 0, w.span[0])
                near = "\n".join(lines[max(0, line_no - 2):line_no + 3])
                public = _any(public_cues, near) is not None
            if public:
                windows.append(CommentWindow(w, m.name, sent))
                found_here = True
            elif _any(targeted_cues, sent):
                targeted.append(sent)
        neg = st.get("negation", "未")
        for s in split_sentences(text):
            if found_here:
                break
            hit = re.search(r"公开征求|向社会.{0,6}征求|征求社会|(?:网站|公众号|公告栏|公开栏|报纸).{0,20}(?:公布|发布|征求|公示)|张贴|公示", s)
            if hit and not negated(s, hit.start(), neg) and not _any(targeted_cues, s[:hit.start()]):
                without_dates.append(s)
        for s in split_sentences(text):
            if _any(targeted_cues, s) and re.search(r"意见", s) and not _any(public_cues, s) and s not in targeted:
                targeted.append(s)
    return windows, without_dates, targeted


def _adoption(materials: list[Material], windows: list[CommentWindow], vocab: Vocabulary) -> tuple[Verdict, list[str]]:
    st = vocab.statements
    sources = [m for m in materials if "comment_report" in m.kinds]
    names = {w.material for w in windows}
    sources += [m for m in materials if m.name in names and m not in sources]
    found: list[str] = []
    deferral: list[str] = []
    for m in sources:
        for s in split_sentences(m.text):
            if re.search(r"审核意见|审查意见|法律意见|合法性", s):
                continue
            if _any(st.get("adoption", []), s):
                found.append(s)
            elif _any(st.get("deferral", []), s):
                deferral.append(s)
    return Verdict(bool(found), found[:3]), deferral[:2]


def majority_objection(f: ProcedureFacts) -> str | None:
    """The sentence showing most of those a taking concerns object (旧城区改建, 征收集体土地: a hearing is due), or
    None."""
    spec = f.vocab.subjects.get("expropriation", {})
    body = f"{f.dossier.title or ''}\n{f.dossier.draft_text or ''}"
    # the taking is what the decision is about (its title), not a step of a siting or building plan that needs land
    if not _any(spec.get("old_town", []), body) and not (_any(spec.get("land", []), f.dossier.title or "")
                                                         and "集体" in body):
        return None
    # sentence and its line: the parties may be named a sentence before ("成员总数……。……要求听证的共672人，占58.6%")
    for line, s in ((ln, s) for m in f.materials for ln in (m.text or "").splitlines() for s in split_sentences(ln)):
        if not any(re.search(pat, s) for pat in spec.get("objection", [])):
            continue
        if not any(re.search(pat, line) for pat in spec.get("parties", [])):
            continue
        if re.search(r"未(?:达到|超过|过|出现|发现|有)|没有|不足|少数", s):
            continue  # "提出方案不符合法律法规意见的为11户，未达到多数"
        if any(re.search(pat, s) for pat in spec.get("majority_words", [])):
            return s
        if any(float(pct) > 50 for pct in re.findall(r"(\d+(?:\.\d+)?)\s*[%％]", s)):
            return s
        if re.search(r"(?:过|超过)(?:半数|一半|三分之二)", s):
            return s
    return None


# --- construction -------------------------------------------------------------------------------------

def build_facts(dossier: Dossier, *, settings: ReviewSettings, content_findings: tuple[Finding, ...] = (),
                vocab: Vocabulary | None = None) -> ProcedureFacts:
    """Derive the procedure facts of a dossier whose materials are classified (materials.classified)."""
    vocab = vocab or load_vocabulary()
    materials = [m for m in dossier.materials if not m.error]
    title = dossier.title or ""
    text = dossier.draft_text or ""
    year = dossier.review_date.year if dossier.review_date else None
    windows, without_dates, targeted = _public_windows(materials, vocab, year)
    adoption, deferral = _adoption(materials, windows, vocab)
    reason = None
    for m in materials:
        for s in split_sentences(m.text):
            if re.search(r"征求意见|公示|公告", s) and _any(vocab.statements.get("short_period_reason", []), s):
                reason = s
                break
    return ProcedureFacts(
        dossier=dossier,
        doc_type=dossier.doc_type or DocType.NORMATIVE,
        stage=dossier.stage,
        issuer_kind=issuer_kind(dossier.issuer),
        materials=materials,
        operators=detect_operators(title, text, materials, vocab),
        internal=detect_internal(title, text, vocab),
        public_windows=windows,
        public_without_dates=without_dates,
        targeted=targeted,
        adoption=adoption,
        deferral=deferral,
        short_reason=reason,
        calendar=holiday_calendar(settings.holidays_file),
        vocab=vocab,
        settings=settings,
        content_findings=tuple(content_findings),
    )


def describe_window(facts: ProcedureFacts, cw: CommentWindow) -> str:
    """"2026年8月3日至8月12日，共10日（6个工作日）"."""
    days, wd, unknown = facts.count_days(cw.window)
    note = ""
    if unknown:
        note = f"；{'、'.join(map(str, unknown))}年的法定节假日安排未收录，工作日按周末计算"
    return f"{cw.window.describe()}，共{days}日（{wd}个工作日{note}）"
