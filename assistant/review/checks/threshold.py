"""A voting threshold lower than the law's (DESIGN §3b): the share a clause sets for a 成员大会, 村民会议 or 业主
decision, compared with the law's for the same body and matter, only with the laws in force on the document's date."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from assistant.kb.catalog import Catalog
from assistant.models import Article, Basis, Clause, Finding, Level, Status
from assistant.review.checks.patterns import make_finding, segments_of
from assistant.review.context import ReviewContext
from assistant.review.schema import Rule
from assistant.text.grams import bigrams


# -- a voting threshold lower than the law's --------------------------------------------------------------------

class ThresholdParams(BaseModel):
    """The bodies whose votes the law counts (成员大会, 村民会议 …), the words that count only those present
    (出席, 到会), and those that count every member (全体, 成员)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bodies: list[str]
    present: re.Pattern[str]
    whole: re.Pattern[str]
    min_share: float = Field(0.2, description="share of the clause's matter a specific article of the law must hold")
    # bodies whose decisions the law itself sets for every matter (业主: 民法典第二百七十八条): a draft may not ask
    # more than the law's highest share either — unanimity (全体业主同意, 任何一户不同意的不得) takes away the
    # majority's right — except where the law itself asks unanimity (`unanimity_in_law`: 住宅改为经营性用房)
    stricter: list[str] = []
    unanimous: re.Pattern[str] | None = None
    unanimity_in_law: re.Pattern[str] | None = None


_FRACTIONS = {"五分之四": 0.8, "四分之三": 0.75, "三分之二": 2 / 3, "过半数": 0.5, "半数": 0.5, "二分之一": 0.5}
_VOTE = re.compile(rf"(?P<frac>{'|'.join(_FRACTIONS)})(?:以上)?(?P<after>[^。；，,]{{0,16}}?)(?:同意|通过|赞成)")
_GENERAL = re.compile(r"作出决定|所作决定|作出决议|作出的决定")


def vote_thresholds(sentence: str, p: ThresholdParams) -> list[tuple[float, str | None]]:
    """(share, 'present' | 'whole' | None) of each approval threshold in a sentence: 出席人数三分之二以上同意 is two
    thirds of those present; 全体成员三分之二以上同意 two thirds of all."""
    out = []
    for m in _VOTE.finditer(sentence):
        head = re.split(r"[，,；;。]", sentence[:m.start()])[-1][-20:] + m.group("after")
        base = "present" if p.present.search(head) else "whole" if p.whole.search(head) else None
        out.append((_FRACTIONS[m.group("frac")], base))
    return out


def _lower(mine: tuple[float, str | None], law: tuple[float, str | None]) -> bool:
    """Whether the draft's threshold lets through what the law's would not."""
    (share, base), (law_share, law_base) = mine, law
    if base is None or law_base is None:
        return False
    return share < law_share - 1e-9 if base == law_base else (base, law_base) == ("present", "whole") and share <= law_share


def _vote_sentences(body: str, p: ThresholdParams, ctx: ReviewContext):
    """(article, sentence, its thresholds) of the laws in force on the document's date that name the body voting."""
    day = ctx.citation_date
    for art in _upper_articles(ctx.catalog, body):
        inst = ctx.catalog.get_instrument(art.instrument_id)
        if inst is None or (inst.effective_date and inst.effective_date > day):
            continue
        for law in (x.strip() for x in re.split(r"[。；]", art.text)):
            theirs = vote_thresholds(law, p) if body in law else []
            if theirs:
                yield art, law, theirs


def threshold_article(sentence: str, p: ThresholdParams, ctx: ReviewContext) -> tuple[Article, str] | None:
    """The article of a law whose threshold for the same body's decision on the same matter the sentence lowers
    (or, for the `stricter` bodies, raises to unanimity), and its sentence."""
    if ctx.catalog is None:
        return None
    strict = [b for b in p.stricter if b in sentence]
    if strict and p.unanimous is not None and p.unanimous.search(sentence) \
            and not (p.unanimity_in_law and p.unanimity_in_law.search(sentence)):
        # the law's highest share below unanimity, for any matter: a draft asking every member asks more
        best = max(((share, art, law) for b in strict for art, law, theirs in _vote_sentences(b, p, ctx)
                    for share, _base in theirs if share < 1), key=lambda t: t[0], default=None)
        if best is not None:
            return best[1], best[2]
    mine = vote_thresholds(sentence, p)
    matter = _vote_matter(sentence)
    for body in (b for b in p.bodies if b in sentence and mine):
        for art, law, theirs in _vote_sentences(body, p, ctx):
            shared = len(matter & _vote_matter(law))
            if not _GENERAL.search(law) and (shared < 2 or shared < p.min_share * len(matter)):
                continue
            if any(_lower(m, t) for m in mine for t in theirs):
                return art, law
    return None


# the words of every vote (who votes, by what share): what is left is the matter decided
_VOTE_WORDS = re.compile("|".join(_FRACTIONS) + r"|(?:本)?(?:农村)?集体经济组织|成员(?:代表)?大会|村民(?:代表)?会议|全体|成员|村民|代表|"
                         r"出席|到会|人数|人员|以上|同意|通过|决议|决定|作出|应当|须经|依法|本法|规定|[的经或者和、，]")
_UPPER = {Level.LAW, Level.ADMIN_REGULATION, Level.LOCAL_REGULATION, Level.RULE}


def _vote_matter(text: str) -> set[str]:
    return bigrams(_VOTE_WORDS.sub(" ", text))


_VOTING: dict[tuple[str, str, str], list[Article]] = {}


def _upper_articles(catalog: Catalog, body: str) -> list[Article]:
    """The current articles of laws, regulations and rules that name a voting body, read once per process and
    knowledge-base version."""
    key = (str(catalog.path), catalog.fingerprint(), body)
    if key not in _VOTING:
        _VOTING[key] = [a for a in catalog.articles_containing(body)
                        if a.level in _UPPER and a.status != Status.REPEALED and body in a.text]
    return _VOTING[key]


def check_threshold(rule: Rule, p: ThresholdParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """C.OBLIGATION where a clause lets a body decide by fewer votes than the law requires for the same decision."""
    for seg in segments_of(clause, ctx):
        found = threshold_article(seg.text, p, ctx)
        if found is not None and seg.lead_elsewhere and threshold_article(seg.text[:seg.lead_len], p, ctx):
            continue  # found at the lead-in's own paragraph
        if found is not None:
            art, law = found
            basis = Basis(instrument=art.instrument_title, article=art.label, verified=True, quote=law)
            f = make_finding(rule, clause, seg.evidence, f"{art.citation}规定：“{law}”")
            f.basis = [*f.basis, basis]
            f.compared_with = [basis]
            return [f]
    return []
