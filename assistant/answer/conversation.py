"""Conversations: the turns so far, and how a follow-up question is read in their light.

Rules, in order (simple on purpose, each one a pattern a user types):

1. **This article** — 该条 / 这条 / 此条 / 该款 / 上述条款, or a bare 第二款 / 第三项 with no 第N条 before
   it: the article the previous answer cited first (and the 款 asked for): 该条第二款呢 → 《…》第N条第二款.
2. **That instrument** — 该法 / 这部法 / 该条例 / 上述法律 … 第N条, or a bare 第N条 with no title (那第十条呢):
   the instrument the previous answer cited first: 该法第十条 → 《…》第十条. (本条 / 本法 / 本办法 are not
   look-backs: in a question they name the user's own draft.)
3. **A new subject for the same question** — a short follow-up (那规章呢？, 如果是镇政府呢, 换成地方性法规呢):
   the previous question with its subject of the same class (kinds of instrument, bodies, measures)
   replaced by the new one; when no subject of that class is found, the follow-up is added to the
   previous question so that retrieval still sees the topic.

Anything else is a new question and is read on its own.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from assistant.models import Answer
from assistant.text.numerals import CN_NUM, cn_to_int, int_to_cn

MAX_TURNS = 50

_NUM = rf"(?:{CN_NUM}|\d+)"
# 本条/本法/本办法 are left alone: in a question they are the user's own draft (本办法第六条), never a look-back.
# "这个条款" is the user's own clause (合同里的这个条款), not a look-back.
_THIS_ARTICLE = re.compile(r"(?:该|这|此|上述|前述|刚才那|那)(?:一)?条(?![例件款文])|该款|这款|此款|上一条|上述条款|该条款|上述条文")
_OWN_CLAUSE = re.compile(r"(?:文件|草案|送审稿|办法|通知|方案|合同|协议|规定)[^，。？?]{0,6}?(?:里|中|的)?(?:这|该|此)(?:一)?条")
_BARE_PARA = re.compile(rf"^(?:那|那么|那个|那它的)?\s*(?P<para>第\s*{_NUM}\s*款)(?:\s*(?P<item>第\s*[（(]?\s*{_NUM}\s*[)）]?\s*项))?")
_PARA_ANY = re.compile(rf"第\s*(?P<n>{_NUM})\s*款")
_THAT_INSTRUMENT = re.compile(r"(?:该|这|此|上述|前述|那)(?:部|个)?(?:法律|法规|规章|法典|法|条例|规定|办法|细则|解释|决定)"
                              rf"(?=\s*(?:的)?\s*第\s*{_NUM}\s*条)")
# A 第N条 with no title before it (那第十条呢); after 法/条例/规定/》 it belongs to that title.
_BARE_ARTICLE = re.compile(rf"(?<![法例定则释典》〉])第\s*{_NUM}\s*条")
_FOLLOW_UP = re.compile(r"^(?:那|那么|那如果|如果是|如果|要是|换成|改成|改为|假如是|假如|若是|对于|至于|还有)|呢[？?！!。.]*$")
_TRIM = re.compile(r"^(?:那么|那如果|那|如果是|如果|要是|换成|改成|改为|假如是|假如|若是|对于|至于|还有)|(?:的话)?呢?[？?！!。.\s]*$")
MAX_FOLLOW_UP_CHARS = 24

# Subjects a follow-up may swap, by class: 那规章呢 replaces a kind of instrument, 镇政府呢 a body.
SUBJECT_CLASSES: dict[str, list[str]] = {
    "instrument": ["地方政府规章", "部门规章", "地方性法规", "行政法规", "自治条例", "单行条例", "规范性文件", "红头文件",
                   "规章", "法律", "文件", "会议纪要"],
    "body": ["国务院", "省政府", "省人民政府", "市政府", "市人民政府", "县政府", "县人民政府", "区政府", "镇政府", "乡政府",
             "乡镇政府", "乡镇人民政府", "街道办事处", "街道办", "街道", "村委会", "居委会", "司法局", "市场监管局", "城管",
             "公安机关", "部门"],
    "measure": ["行政拘留", "罚款", "警告", "通报批评", "没收违法所得", "吊销许可证件", "吊销营业执照", "责令停产停业",
                "行政许可", "许可", "审批", "查封", "扣押", "冻结", "强制执行", "收费", "保证金", "证明事项"],
}


class CitedArticle(BaseModel):
    """An article an answer cited."""

    instrument: str
    article: str  # 第十六条
    paragraph: int | None = None


class Turn(BaseModel):
    """One question and its answer."""

    question: str = Field(description="as the user typed it")
    resolved: str = Field(description="as it was understood (follow-ups rewritten)")
    answer: str
    cited: list[CitedArticle] = Field(default_factory=list)
    found: bool = True

    @property
    def instruments(self) -> list[str]:
        """Titles of the instruments this turn cited, in order."""
        return list(dict.fromkeys(c.instrument for c in self.cited))


class Conversation(BaseModel):
    """The turns of one chat; `ask(question, history=conversation)` reads follow-ups with it and records the turn."""

    turns: list[Turn] = Field(default_factory=list)

    def record(self, question: str, resolved: str, answer: Answer) -> Turn:
        """Add a turn (the oldest are dropped beyond MAX_TURNS)."""
        cited = [CitedArticle(instrument=c.instrument, article=c.article, paragraph=c.paragraph)
                 for c in answer.citations if c.instrument and c.article]
        turn = Turn(question=question, resolved=resolved, answer=answer.answer, cited=cited, found=answer.found)
        self.turns.append(turn)
        del self.turns[:-MAX_TURNS]
        return turn

    def last_article(self) -> CitedArticle | None:
        """The article the latest answer that cited anything cited first."""
        for t in reversed(self.turns):
            if t.cited:
                return t.cited[0]
        return None

    def last_instrument(self) -> str | None:
        """The instrument of `last_article`."""
        art = self.last_article()
        return art.instrument if art else None

    def last_question(self) -> str | None:
        """The latest question as it was understood."""
        return self.turns[-1].resolved if self.turns else None

    def clear(self) -> None:
        """Start a new conversation."""
        self.turns.clear()


def resolve_follow_up(text: str, conversation: Conversation | None) -> tuple[str, str | None]:
    """(the question as understood, a note saying how) — the note is None when nothing was rewritten."""
    if not conversation or not conversation.turns or not text:
        return text, None
    art = conversation.last_article()
    if art is not None:
        cite = f"《{art.instrument}》{art.article}"
        m = _THIS_ARTICLE.search(text)
        if m:
            rest = text[m.end():]
            para = _PARA_ANY.match(rest.lstrip())
            out = text[:m.start()] + cite + rest
            if not para and art.paragraph and "款" not in text:
                out = text[:m.start()] + cite + f"第{int_to_cn(art.paragraph)}款" + rest
            return out, f"“{m.group(0)}”按上文理解为{cite}"
        m = _BARE_PARA.match(text)
        if m:
            out = cite + text[m.start("para"):]
            return out, f"按上文理解为{cite}{_norm_para(m.group('para'))}"
        m = _THAT_INSTRUMENT.search(text)
        if m:
            return text[:m.start()] + f"《{art.instrument}》" + text[m.end():], \
                f"“{m.group(0)}”按上文理解为《{art.instrument}》"
        m = _BARE_ARTICLE.search(text)
        if m and "《" not in text and len(text) <= MAX_FOLLOW_UP_CHARS:
            return text[:m.start()] + f"《{art.instrument}》" + text[m.start():], \
                f"“{m.group(0)}”按上文理解为《{art.instrument}》{_norm_article(m.group(0))}"
    previous = conversation.last_question()
    names_its_own = "《" in text or re.search(rf"第\s*{_NUM}\s*条", text)  # 行政许可法第十七条呢: a question of its own
    if previous and not names_its_own and len(text) <= MAX_FOLLOW_UP_CHARS and _FOLLOW_UP.search(text):
        fragment = _TRIM.sub("", text).strip("，, ")
        if not fragment:
            return text, None
        swapped = _swap_subject(previous, fragment)
        if swapped:
            return swapped, f"按上文理解为：{swapped}"
        joined = f"{previous} {fragment}"
        return joined, f"结合上文理解为：{joined}"
    return text, None


_BARE_NUMBER_ONLY = re.compile(rf"^[^\u4e00-\u9fff]*(?:那|那么|请问)?\s*(?:《\s*》)?\s*第\s*{_NUM}\s*条")


def dangling_reference(text: str, conversation: Conversation | None) -> str | None:
    """A message when the question points back (该条第二款呢, 该法第十条) or names an article without its law
    (第十条是什么) and there is nothing to point to; None otherwise."""
    if conversation is not None and conversation.last_article() is not None:
        return None
    # 这条 of the user's own document (文件里这条该怎么写), or in a long question that states its own case, is no
    # back-reference.
    this_article = (_THIS_ARTICLE.search(text) and not _OWN_CLAUSE.search(text)
                    and len(text) <= 2 * MAX_FOLLOW_UP_CHARS)
    if this_article or _BARE_PARA.match(text) or _THAT_INSTRUMENT.search(text):
        return "这是针对上文的追问，但没有可参照的上文条文。请写明法律名称和条号（如“××法第×条第×款”）。"
    if _BARE_NUMBER_ONLY.match(text) and "法" not in text and "条例" not in text and len(text) <= MAX_FOLLOW_UP_CHARS:
        return "未写明法律名称，无法确定所问的条文。请写明法律名称和条号（如“××法第×条”）。"
    return None


# A body below the provincial and 设区的市 governments makes no 规章: asked about 规章 after 镇政府的规范性文件, the
# user means the rules a local government may make — 地方政府规章 (立法法第九十三条).
_LOCAL_BODY = re.compile(r"(?:县|区|镇|乡|乡镇|街道|街道办|市|省)(?:人民)?政府(?:的)?|街道办事处(?:的)?")


def _swap_subject(previous: str, fragment: str) -> str | None:
    for cls, terms in SUBJECT_CLASSES.items():
        new = next((t for t in terms if t in fragment), None)
        if new is None:
            continue
        old = next((t for t in terms if t in previous and t != new and t not in new), None)
        if old is None:
            continue
        at = previous.find(old)
        body = _LOCAL_BODY.search(previous[:at])
        if cls == "instrument" and new == "规章" and body and body.end() == at:
            return previous[:body.start()] + "地方政府规章" + previous[at + len(old):]
        return previous.replace(old, new, 1)
    return None


def _norm_para(text: str) -> str:
    m = _PARA_ANY.search(text)
    return f"第{int_to_cn(cn_to_int(m.group('n')))}款" if m else text


def _norm_article(text: str) -> str:
    m = re.search(rf"({_NUM})", text)
    return f"第{int_to_cn(cn_to_int(m.group(1)))}条" if m else text
