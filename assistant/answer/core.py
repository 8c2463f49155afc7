"""ask / stream_ask: understand the question, retrieve, choose the articles, answer (extractive or with a model),
and check every citation of the answer against the knowledge base."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.answer import extractive as ex
from assistant.answer.conversation import Conversation, dangling_reference, resolve_follow_up
from assistant.answer.guidance import match_guidance
from assistant.answer.question import Kind, Question, clean
from assistant.answer.rank import DOMAIN_MIN, Candidate, Ranker, domain_score, grams
from assistant.config import Settings, get_settings
from assistant.errors import FashenError
from assistant.kb.catalog import normalize_title
from assistant.kb.citations import check_citation, extract_citations, suggest_instrument, verify_reference
from assistant.models import Answer, Citation, CitationStatus, Hit, Status
from assistant.text.numerals import article_label, int_to_cn

log = logging.getLogger(__name__)

MAX_CITED = 3  # articles quoted by the deterministic backend
RATIO = 0.8  # a further article is cited when its score is at least this share of the best one's
TIE = 0.97  # articles scored within this share of the best are a tie, broken by their best sentence
SEE_ALSO_RATIO = 0.5  # runners-up named (not quoted) under 另可参见 when at least half as good as the best
MAX_SEE_ALSO = 3
MAX_SOURCES = 6  # numbered sources given to a model
MAX_SHOWN_SOURCES = 8

_rankers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_rankers_lock = threading.Lock()


def _ranker(kb) -> Ranker:
    """One Ranker per open knowledge base (it reads the catalog's titles once)."""
    with _rankers_lock:
        ranker = _rankers.get(kb)
        if ranker is None or ranker.fingerprint != kb.fingerprint:
            ranker = _rankers[kb] = Ranker(kb)
        return ranker


@dataclass
class Plan:
    """What the question asks and what the knowledge base offers, before any text is written."""

    question: Question
    resolved: str
    chosen: list[ex.Chosen] = field(default_factory=list)
    see_also: list[Citation] = field(default_factory=list)  # runners-up, named without a quote
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # sentences about asked-for articles that do not exist
    flagged: list[Citation] = field(default_factory=list)  # those asked-for citations, checked
    notices: list[str] = field(default_factory=list)
    found: bool = False
    verbatim: bool = False  # the question only names articles: quote them, add nothing

    @property
    def sources(self) -> list[Hit]:
        """The chosen articles' hits, then the next candidates, for display (MAX_SHOWN_SOURCES)."""
        hits = [c.hit for c in self.chosen if c.hit is not None]
        seen = {h.article.id for h in hits}
        for c in self.candidates:
            if len(hits) >= MAX_SHOWN_SOURCES:
                break
            if c.article.id not in seen:
                hits.append(c.hit)
                seen.add(c.article.id)
        return hits


# -- public API --------------------------------------------------------------------------------------------

def ask(question: str | None, *, kb=None, settings: Settings | None = None, history: Conversation | None = None,
        provider=None, backend: str | None = None) -> Answer:
    """Answer a question with verified citations. `backend` (none | openai | llamacpp) overrides
    settings.llm.provider; `provider` supplies a ready model; `history` reads follow-ups and records the turn."""
    answer = None
    for part in _run(question, kb=kb, settings=settings, history=history, provider=provider, backend=backend,
                     streaming=False):
        if isinstance(part, Answer):
            answer = part
    assert answer is not None
    return answer


def stream_ask(question: str | None, *, kb=None, settings: Settings | None = None, history: Conversation | None = None,
               provider=None, backend: str | None = None) -> Iterator[str | Answer]:
    """Like `ask`, but yields the text in pieces as it is produced, then the final Answer. The pieces are the
    model's raw output; the final Answer's text carries the 〔未核实：…〕 marks, so a chat shows it at the end."""
    yield from _run(question, kb=kb, settings=settings, history=history, provider=provider, backend=backend,
                    streaming=True)


# -- the run ----------------------------------------------------------------------------------------------

def _run(question, *, kb, settings, history, provider, backend, streaming) -> Iterator[str | Answer]:
    settings = settings or get_settings()
    q = clean(question)
    if q.empty:
        answer = Answer(question=question or "", answer=ex.EMPTY, backend="none", found=False,
                        notices=["问题为空，未检索。"])
        yield answer.answer
        yield answer
        return
    resolved, note = resolve_follow_up(q.text, history)
    dangling = None if note else dangling_reference(q.text, history)
    if dangling:
        answer = Answer(question=q.asked, answer=dangling, backend="none", found=False, notices=q.notices)
        yield answer.answer
        if history is not None:
            history.record(q.asked, q.text, answer)
        yield answer
        return
    if note:
        q.notices.append(note)
        q.text = resolved
        q.understand()
    if kb is None:
        from assistant.kb.base import open_kb

        kb = open_kb(settings)
    plan = make_plan(q, kb)
    name = (backend or settings.llm.provider or "none").strip().lower()
    use_model = provider is not None or name != "none"
    if backend is not None and name == "none":
        use_model = False
    answer: Answer | None = None
    if use_model and plan.chosen:
        for part in _llm_answer(plan, kb, settings, provider, name, streaming):
            if isinstance(part, Answer):
                answer = part
            else:
                yield part
    else:
        if use_model and not plan.chosen:
            plan.notices.append("未检索到相关条文，未调用大模型。")
        answer = deterministic_answer(plan, kb)
        yield answer.answer
    if history is not None:
        history.record(question, plan.resolved, answer)
    yield answer


# -- understanding and choosing ---------------------------------------------------------------------------

def make_plan(q: Question, kb) -> Plan:
    """Explicit article requests, the ranked pool, the chosen articles and whether anything relevant was found."""
    plan = Plan(question=q, resolved=q.text, notices=list(q.notices))
    explicit, spans = _explicit(q, kb, plan)
    ranker = _ranker(kb)
    plan.candidates = ranker.pool(q, q.helper_queries())
    ids = {c.article.id for c in explicit}

    def usable(cands: list[Candidate]) -> list[Candidate]:
        return [c for c in cands if c.hit.matched_by != "lookup" and c.article.id not in ids
                and c.article.status == Status.CURRENT]

    ranked = usable(plan.candidates)
    plan.chosen = explicit
    plan.verbatim = bool(explicit) and (Kind.CONTENT in q.kinds or _only_citation(q.text, spans))
    if plan.verbatim:
        pass  # 第N条说的是什么: the article itself is the answer
    elif _relevant(q, kb, ranked) and not _blocking(plan):
        limit = 1 if explicit else MAX_CITED
        # Each sub-question's best article first (多久要答复？不答复咋办？ needs both), then the closest runners-up.
        firsts = [usable(ranker.rescore(part, plan.candidates))[:1] for part in q.parts()] if not explicit else []
        plan.chosen = explicit + _choose(q, kb, ranked, limit, must=[c[0] for c in firsts if c])
        if not explicit:
            plan.see_also = _see_also(kb, ranked, {c.article.id for c in plan.chosen})
    plan.found = bool(plan.chosen)
    return plan


def _blocking(plan: Plan) -> bool:
    """Whether an asked-for article that fails stops the answer: a missing article or unknown instrument does
    (nothing is offered in its place), a repealed or amended one does not (the law in force is retrieved)."""
    outdated = (CitationStatus.REPEALED, CitationStatus.AMENDED)
    return any(c.status not in outdated for c in plan.flagged) or len(plan.problems) > len(plan.flagged)


def _only_citation(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether the question is little more than its citations (行政许可法第十七条 / 立法法第一百零三条怎么说)."""
    rest = "".join(ch for i, ch in enumerate(text) if not any(a <= i < b for a, b in spans))
    return len({g for g in grams(rest) if len(g) == 2}) <= 2


def _relevant(q: Question, kb, ranked: list[Candidate]) -> bool:
    """Whether the question is about law at all (its words are the knowledge base's words, not everyday
    talk) and the best articles share words with it."""
    if not ranked:
        return False
    dom = domain_score(kb, q.text)
    if dom is not None and dom < DOMAIN_MIN:
        return False
    asked = {g for g in grams(q.text) if len(g) == 2}
    return any(asked & {g for g in grams(c.article.text + c.article.instrument_title) if len(g) == 2}
               for c in ranked[:3])


def _choose(q: Question, kb, ranked: list[Candidate], limit: int, must: list[Candidate] = ()) -> list[ex.Chosen]:
    """The best article; each sub-question's best; then runners-up within RATIO of the best, up to `limit`."""
    out: list[ex.Chosen] = []
    seen: set[str] = set()
    top = ranked[0].score
    queue = [ranked[0], *must, *ranked[1:]]
    for i, c in enumerate(queue):
        runner_up = i > len(must)
        if len(out) >= limit or (runner_up and out and c.score < RATIO * top):
            break
        if c.article.id in seen:
            continue
        chosen = ex.chosen(c.article, q, kb, c.hit)
        if chosen is not None:
            chosen.score = c.score
            out.append(chosen)
            seen.add(c.article.id)
    # Of articles the ranker cannot tell apart, the one with the sentence that best answers leads.
    tied = [c for c in out if c.score >= TIE * top]
    if len(tied) > 1:
        lead = max(tied, key=lambda c: ex.key_sentence_score(c.article, q, c.paragraph))
        out.remove(lead)
        out.insert(0, lead)
    return out


def _see_also(kb, ranked: list[Candidate], taken: set[str]) -> list[Citation]:
    """The runners-up close enough to the best to be worth a look (the article that answers is often among
    them when the ranker cannot tell neighbours apart): verified citations, no quotes."""
    out: list[Citation] = []
    if not ranked:
        return out
    floor = SEE_ALSO_RATIO * ranked[0].score
    for c in ranked:
        if len(out) >= MAX_SEE_ALSO or c.score < floor:
            break
        if c.article.id in taken or c.article.number <= 0:
            continue
        cit = verify_reference(kb.catalog, c.article.instrument_title, c.article.label)
        if cit.verified:
            out.append(cit)
            taken.add(c.article.id)
    return out


def _explicit(q: Question, kb, plan: Plan) -> tuple[list[ex.Chosen], list[tuple[int, int]]]:
    """Articles the question names (and where), those that do not exist becoming `problems` and `flagged`."""
    out: list[ex.Chosen] = []
    seen: set[str] = set()
    spans: list[tuple[int, int]] = []
    for raw in extract_citations(q.text, catalog=kb.catalog):
        if raw.article_no is None or raw.relative == "self" or not raw.title:
            continue
        spans.append((raw.start, raw.end))
        cit = check_citation(raw, kb.catalog)
        art = None
        if cit.status in (CitationStatus.VERIFIED, CitationStatus.NO_SUCH_PARAGRAPH):
            inst = kb.catalog.resolve(raw.title)
            art = kb.catalog.get_article(inst.id, raw.article_no, raw.suffix) if inst else None
            if cit.status == CitationStatus.NO_SUCH_PARAGRAPH:
                plan.problems.append(cit.reason or "该款不存在")
                plan.flagged.append(cit)
                raw = raw.model_copy(update={"paragraph": None, "item": None})
        elif cit.status == CitationStatus.UNKNOWN_INSTRUMENT:
            # The wrong title is written in quotation marks, not 书名号: it is no citation of ours.
            written = normalize_title(raw.title)
            near = suggest_instrument(raw.title, kb.catalog)
            plan.flagged.append(cit)
            if near is not None:
                art = kb.catalog.get_article(near.id, raw.article_no, raw.suffix)
                label = article_label(raw.article_no, raw.suffix)
                plan.problems.append(
                    f"知识库中没有“{written}”，名称有误，应为《{near.title}》。" +
                    (f"以下按《{near.title}》{label}回答。" if art else
                     f"《{near.title}》共{int_to_cn(kb.catalog.max_article(near.id))}条，没有{label}。"))
            else:
                plan.problems.append(f"知识库未收录“{written}”，无法核实该条（名称有误，或该文件尚未导入：fashen ingest）。")
        elif raw.article_no <= 0:
            plan.problems.append(f"条号“{raw.text}”有误")
            plan.flagged.append(cit)
        else:
            plan.problems.append(cit.reason or "该条无法核实")
            plan.flagged.append(cit)
        if art is not None and art.id not in seen:
            chosen = ex.chosen(art, q, kb, None, paragraph=raw.paragraph, explicit=True)
            if chosen is not None:
                out.append(chosen)
                seen.add(art.id)
    return out, spans


# -- the deterministic backend ----------------------------------------------------------------------------

def deterministic_answer(plan: Plan, kb, *, backend: str = "none") -> Answer:
    """The extractive answer: key sentence, quoted articles with citations, rule guidance; or plainly not found."""
    q = plan.question
    notices = list(plan.notices)
    problems = _problem_text(plan)
    if not plan.chosen:
        text = problems or ex.NOT_FOUND
        if problems:
            missing = any(c.status == CitationStatus.NO_SUCH_ARTICLE for c in plan.flagged)
            text += ("\n该条不存在，" if missing else "\n该条无法核实，") + \
                "不提供其内容，以免误引。可写明正确的法律名称和条号，或直接描述要咨询的问题。"
        return Answer(question=q.asked, answer=text, backend=backend, citations=[], unverified=plan.flagged,
                      sources=[], notices=notices, found=False)
    verbatim = plan.verbatim
    guidance = [] if verbatim else match_guidance(kb, q.text, [c.article for c in plan.chosen], premise=q.premise)
    embedded = _check_quotes(plan.chosen, kb)
    body = ex.compose(q, plan.chosen, guidance, verbatim=verbatim, see_also=plan.see_also)
    if problems:
        body = problems + "\n\n" + body
    citations = ex.dedupe_citations([c.citation for c in plan.chosen] + plan.see_also
                                    + [b for g in guidance for b in g.basis])
    return Answer(question=q.asked, answer=body, backend=backend, citations=citations,
                  unverified=plan.flagged + embedded, sources=plan.sources, notices=notices, found=True)


def _problem_text(plan: Plan) -> str:
    return "\n".join(p if p.endswith("。") else p + "。" for p in plan.problems)


def _check_quotes(chosen: list[ex.Chosen], kb) -> list[Citation]:
    """References inside quoted articles (依照《…》第N条) are checked too: what fails is marked in the quote
    and listed, never shown as fact. 本法第N条 is the quoted instrument's own article."""
    from assistant.kb.citations import check_text, mark_unverified

    bad_all: list[Citation] = []
    for c in chosen:
        cits = check_text(c.quote, kb.catalog, self_titles=(c.article.instrument_title,))
        bad = [x for x in cits if not x.verified and x.status != CitationStatus.SELF_REFERENCE]
        if bad:
            c.quote = mark_unverified(c.quote, bad)
            bad_all += [x.model_copy(update={"start": None, "end": None}) for x in bad]
    return bad_all


# -- the model backend ------------------------------------------------------------------------------------

def _llm_answer(plan: Plan, kb, settings: Settings, provider, name: str, streaming: bool) -> Iterator[str | Answer]:
    from assistant.answer.llm import model_answer

    try:
        if provider is None:
            from assistant.llm.providers import get_provider

            s = settings if name == settings.llm.provider else settings.model_copy(
                update={"llm": settings.llm.model_copy(update={"provider": name})})
            provider = get_provider(s)
    except FashenError as exc:
        yield from _fallback(plan, kb, f"大模型配置有误（{exc}），已改用离线检索回答。", streaming)
        return
    yield from model_answer(plan, kb, provider, streaming, fallback=lambda reason, started: _fallback(
        plan, kb, f"模型服务不可用（{reason}），已改用离线检索回答。", streaming, started=started))


def _fallback(plan: Plan, kb, notice: str, streaming: bool, *, started: bool = False) -> Iterator[str | Answer]:
    plan.notices.append(notice)
    answer = deterministic_answer(plan, kb)
    if streaming:  # a chat shows the reason before the offline answer, not only in the final notices
        yield ("\n\n" if started else "") + f"〔{notice}〕\n\n"
    yield answer.answer
    yield answer


__all__ = ["ask", "stream_ask", "make_plan", "deterministic_answer", "Plan"]
