"""P.LEGALITY_REVIEW (备案): a 合法性审核意见 by the right body, before the collective meeting, and acted on (its
requests adopted, or not adopted with reasons)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from difflib import SequenceMatcher

from assistant.models import DocType, Finding
from assistant.review.checks.procedure import ProcedureParams, procedure_finding, quote
from assistant.review.dates import signature_date, signatory
from assistant.review.issuer import IssuerKind
from assistant.review.materials import material_stem
from assistant.review.procedure_facts import ProcedureFacts
from assistant.review.schema import Rule
from assistant.review.sentences import split_sentences
from assistant.review.titles import mentions_title
from assistant.text.numerals import article_label
from assistant.text.structure import parse_articles


class LegalityParams(ProcedureParams):
    variant_names = frozenset({"missing", "reply_only", "after_meeting", "wrong_body", "ignored"})


def _meeting_date(f: ProcedureFacts) -> date | None:
    dates = [m.when for m in f.meetings() if m.right_body and m.mentions_draft and m.when]
    return min(dates) if dates else None


def check_legality_review(rule: Rule, p: LegalityParams, f: ProcedureFacts) -> list[Finding]:
    """备案: a 合法性审核意见 before the meeting, acted on (adopted, or not adopted with reasons)."""
    def finding(detail: str, variant: str) -> list[Finding]:
        return [procedure_finding(rule, p, f, detail, variant=variant)]

    st = f.vocab.statements
    reviews = f.of_kind("legality_review")
    if not reviews:
        replies = [m for m in f.of_kind("consultation_reply") if re.search(r"司法|法制|法规", m.text or m.name)]
        if replies:
            return finding(f"材料中只有{f.names(replies)}（征求意见复函）", "reply_only")
        detail = f"所附材料为{f.listing()}"
        filing = f.of_kind("filing_report")
        if filing:
            detail += "，备案报告也未提及合法性审核"
        return finding(detail, "missing")
    # An opinion on another document does not count.
    own = [m for m in reviews if mentions_title(m.text, f.dossier.title) or not re.search(r"《[^》]{4,}》", m.text or "")]
    if not own:
        return finding(f"{f.names(reviews)}针对的不是本文件，材料中没有对本文件的合法性审核意见", "missing")
    review = next((m for m in own if "draft_note" not in m.kinds), own[0])
    # A government's document is reviewed by its 司法行政部门 (国办发〔2018〕115号), not by a unit inside the
    # drafting department.
    # (a government's office issues for the government: 县人民政府办公室; a major decision is reviewed by the
    # government's own review body too, 重大行政决策程序暂行条例第二十五条)
    if f.issuer_kind == IssuerKind.GOVERNMENT or re.search(r"人民政府办公室|政府办公室", f.dossier.issuer or ""):
        lines = [ln for ln in (review.text or "").splitlines() if ln.strip()]
        head = "\n".join([review.name or "", *lines[:2], *lines[-2:]])  # who writes and signs it, not whom it mentions
        if not re.search(r"司法局|司法行政|法制办|法制局|司法厅|法律顾问|政府法制机构", head) and re.search(
                r"(?:政策法规|法规|法制)(?:科|股|处)", head):
            detail = f"《{material_stem(review.name)}》由起草单位内设机构出具，不是本级人民政府司法行政部门的合法性审核意见"
            return finding(detail, "wrong_body")
    # the drafting unit: the signatory of its 起草说明, or the unit it names ("镇经济发展办公室作为起草单位")
    drafter = next(filter(None, (signatory(m.text) or _named_drafter(m.text) for m in f.of_kind("draft_note"))), None)
    reviewer = signatory(review.text) or ""
    if drafter and reviewer.endswith(drafter) and reviewer != (f.dossier.issuer or "") \
            and not re.search(r"司法|法制|法律顾问|法规", reviewer):
        detail = f"《{material_stem(review.name)}》由起草单位{drafter}自行出具，不是制定机关的合法性审核机构的审核意见"
        return finding(detail, "wrong_body")
    when = signature_date(review.text)
    met = _meeting_date(f)
    issued = f.issue_date()
    if when and met and when > met:
        detail = (f"《{material_stem(review.name)}》落款日期为{when.year}年{when.month}月{when.day}日，"
                  f"晚于{met.year}年{met.month}月{met.day}日的集体审议会议")
        return finding(detail, "after_meeting")
    if when and issued and when > issued:
        detail = (f"《{material_stem(review.name)}》落款日期为{when.year}年{when.month}月{when.day}日，"
                  f"晚于{issued.year}年{issued.month}月{issued.day}日的印发日期")
        return finding(detail, "after_meeting")
    text_all = review.text or ""
    unlawful = re.search(r"审[核查]结论[：:]?\s*(?:为)?(?:不合法|不宜出台|不予通过|不同意出台)", text_all)
    if unlawful:
        detail = f"《{material_stem(review.name)}》的审核结论为“{unlawful.group(0)}”，文件仍予印发"
        return finding(detail, "ignored")
    text = review.text or ""
    body = text.split("\n附", 1)[0]
    cosmetic = st.get("legality_cosmetic", [])
    proposals = [s for s in split_sentences(body) if not _rewording(s)
                 and any(re.search(pat, _without(s, cosmetic)) for pat in st.get("legality_proposals", []))]
    clean = any(re.search(pat, body) for pat in st.get("legality_clean", []))
    if not proposals or clean:
        return []
    explained = any(re.search(r"(?:未|不予?)采纳.{0,30}(?:理由|原因|因为|考虑到)", x)
                    and re.search(r"审[核查]意见|法律意见|合法性|第.{1,4}条", x)
                    for m in f.materials if m is not review and "comment_report" not in m.kinds
                    for x in split_sentences(m.text))
    kept, done = _opinion_followed(f, body)
    kept = [] if explained else kept
    if not kept and done:
        return []  # the issued text no longer says what the opinion asked to change: the opinion was acted on
    if kept:
        detail = (f"《{material_stem(review.name)}》要求删除或者修改的内容在印发文本中仍然保留（{'；'.join(kept[:2])}），"
                  "材料中没有不采纳的理由说明，合法性审核意见未见落实")
        return finding(detail, "ignored")
    adopted_patterns = st.get("legality_adopted", [])
    for m in f.materials:
        if "legality_review" in m.kinds:
            # the drafting unit's note appended to the opinion: "附：上述意见已全部采纳（…科，7月1日）"
            parts = re.split(r"\n\s*附", m.text or "", maxsplit=1)
            candidates = split_sentences(parts[1]) if len(parts) > 1 else []
        else:
            candidates = [x for x in split_sentences(m.text) if re.search(r"(?:审核|审查|法律|法制)意见|合法性", x)]
        for x in candidates:
            if any(re.search(pat, x) for pat in adopted_patterns) and not re.search(r"请|要求.{0,6}说明|应当", x):
                return []
    detail = (f"《{material_stem(review.name)}》提出了修改意见（如{quote(proposals[0], 50)}），"
              "材料中没有采纳情况或者不采纳理由的说明，合法性审核意见未见落实")
    return finding(detail, "ignored")


_DRAFTER = re.compile(r"([\u4e00-\u9fa5]{3,20}?(?:局|办公室|办|中心|科|股|所))(?:作为起草单位|负责起草|起草了)")


def _rewording(sentence: str) -> bool:
    """A proposal that changes a quoted wording by a word or two ("等法律、法规"改为"等有关法律、法规"): editing, which
    no adoption record need answer."""
    quotes = _QUOTED.findall(sentence)
    if len(quotes) < 2 or not re.search(r"改为|修改为|表述为|调整为", sentence):
        return False
    ops = SequenceMatcher(None, quotes[0], quotes[1], autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal") <= 2


def _named_drafter(text: str) -> str | None:
    m = _DRAFTER.search(text or "")
    return m.group(1) if m else None


def _without(text: str, patterns: list[str]) -> str:
    for p in patterns:
        text = re.sub(p, "", text)
    return text


_ITEM_ARTICLE = re.compile(r"第([一二三四五六七八九十百]+|\d+)条")
# an opinion's items: its numbered paragraphs, （一）… parts and ；-parts; a 。 inside an item keeps its article
# ("一、关于第九条。该条……建议删除该条。")
_OPINION_ITEM = re.compile(r"[；;\n]|[（(][一二三四五六七八九十]+[）)]")
_DELETE_REQUEST = re.compile(r"(?:建议|应当|应予|要求|须|请)[^，,]{0,6}(?:删除|删去|删减)|(?:删除|删去)(?:该|此|上述|相关)")
_CHANGE_REQUEST = re.compile(r"(?:建议|应当|应予|要求|须|请)[^，,。]{0,20}?(?:删除|删去|修改|改为|调整|取消)")
_ALREADY_DELETED = re.compile(r"已[^，,]{0,10}(?:删除|删去)|予以确认")
# the wording an item wants in place of the old: not what it asks to remove ("建议删除，保留“责令改正”")
_WANTED = re.compile(r"(?:保留|修改为|(?<!原)改为|(?<!原)表述为|调整为|增加|补充|增设)[^。；]*")
_QUOTED = re.compile(r"[“\"]([^”\"\n]{2,200})[”\"]")


def _opinion_items(f: ProcedureFacts, opinion: str) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(item, the part of it that names what is to go, issued text of each article it names) for every item that
    asks to delete or change something — not a deletion already made ("已删除，予以确认")."""
    articles = {a.label: a.text for a in parse_articles(f.dossier.draft_text or "")}
    # a quoted clause keeps its ；: "第十一条“……强制拆除；对拒不清栏的，可以扣押……”，建议删除"
    masked = _QUOTED.sub(lambda m: m.group(0).replace("；", "\0").replace(";", "\1"), opinion or "")
    for line in (x.replace("\0", "；").replace("\1", ";") for x in _OPINION_ITEM.split(masked)):
        if not _CHANGE_REQUEST.search(line) or _ALREADY_DELETED.search(line):
            continue
        old = _WANTED.sub("", line)
        labels = [f"第{m.group(1)}条" if not m.group(1).isdigit() else article_label(int(m.group(1)))
                  for m in _ITEM_ARTICLE.finditer(old)]
        yield line, old, {label: articles[label] for label in labels if articles.get(label)}


_NEGATED = re.compile(r"(?:不|不得|禁止|严禁|无需|不再|不予)[^，。；]{0,4}$")


def _still_said(quote_: str, named: dict[str, str], draft: str) -> bool:
    """Whether the issued text still says a quoted old wording: anywhere when it is long enough to be the clause's
    own (articles are renumbered between 送审稿 and issue), in the named article when it is a word or two — and not
    only where it is now ruled out ("不公示身份证号码": the opinion's own wording)."""
    if re.search(r"…|\.{3,}", quote_):  # "未取得上岗证的，不得……": each of its quoted stretches
        parts = [x for x in re.split(r"…+|\.{3,}", quote_) if len(x) >= 3]
        return bool(parts) and all(_still_said(x, named, draft) for x in parts)

    def affirmed(text: str) -> bool:
        return any(not _NEGATED.search(text[max(0, m.start() - 8):m.start()])
                   for m in re.finditer(re.escape(quote_), text))
    if len(quote_) >= 6:
        return affirmed(draft)
    return any(affirmed(clause) for clause in named.values())


def _opinion_followed(f: ProcedureFacts, opinion: str) -> tuple[list[str], bool]:
    """(what the issued text still says that the opinion asked to remove or change, whether any such request was
    carried out). A quoted old wording is looked for in the issued text; a deletion without one is compared with
    the article it names."""
    draft = re.sub(r"\s+", "", f.dossier.draft_text or "")
    kept: list[str] = []
    done = False
    for line, old, named in _opinion_items(f, opinion):
        quotes = [q for q in _QUOTED.findall(old) if not _ITEM_ARTICLE.fullmatch(q)]
        if quotes:
            still = [q for q in quotes if _still_said(re.sub(r"\s+", "", q), named, draft)]
            if still:
                where = next((label for label, clause in named.items() if still[0] in clause), "印发文本")
                kept.append(f"{where}仍有“{still[0][:40]}{'……' if len(still[0]) > 40 else ''}”")
            else:
                done = True
            continue
        if not _DELETE_REQUEST.search(line):
            continue
        said = _ITEM_ARTICLE.sub("", old)
        for label, clause in named.items():
            match = SequenceMatcher(None, said, clause, autojunk=False).find_longest_match(0, len(said), 0, len(clause))
            if match.size >= 8:
                kept.append(f"{label}仍有“{clause[match.b:match.b + match.size]}”")
                break
    return kept, done
