"""A draft's title as documents write it: markdown marks, the draft marks (送审稿, 征求意见稿, 试行 …), the issuing
notice that wraps it (关于印发《…》的通知), and whether another text speaks of it."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from assistant.models import Dossier
from assistant.text.grams import bigrams

MARKUP = re.compile(r"^[#>*\s\u3000]+|[*\s\u3000]+$")
DRAFT_MARK = re.compile(r"[（(](?:送审稿|征求意见稿|草案|修订草案|代拟稿|讨论稿|审议稿|试行|暂行)[）)]")
NOTICE = re.compile(r"关于(?:印发|发布|公布|转发)《(.+?)》的(?:通知|决定|公告)")
_QUOTED = re.compile(r"《([^《》]+)》")
_PLACE = re.compile(r"^.{1,12}?(?:省|自治区|自治州|市|县|自治县|旗|区|镇|乡|街道)")
_NAME_END = re.compile(r"(办法|规定|细则|措施|方案|意见|通知|政策|规则|制度|决定|条例|标准)(（[^）]*）)?$")


def strip_markup(line: str) -> str:
    """A line without markdown marks (#, >, *) and surrounding blanks."""
    return MARKUP.sub("", line or "")


def core_title(title: str) -> str:
    """The draft's name without 送审稿/征求意见稿 marks, markdown and the issuing notice around it."""
    t = strip_markup(title)
    m = NOTICE.search(t)
    if m:
        t = m.group(1)
    return DRAFT_MARK.sub("", t).strip()


def place_free_title(title: str) -> str:
    """The draft's name without its place (某县、某镇): 村级公益事业建设一事一议筹资筹劳管理办法."""
    return _PLACE.sub("", core_title(title))


def draft_titles(dossier: Dossier) -> tuple[str, ...]:
    """The draft's own title(s), with and without 送审稿/征求意见稿, for 本办法-style self-references."""
    found: list[str] = []

    def add(t: str | None) -> None:
        if not t:
            return
        t = strip_markup(t).strip()
        for v in (t, DRAFT_MARK.sub("", t).strip()):
            if v and v not in found:
                found.append(v)

    add(dossier.title)
    lines = [ln for ln in dossier.draft_text.splitlines() if ln.strip()][:12]
    for line in lines:
        m = NOTICE.search(line)
        if m:
            add(m.group(1))
    for line in lines:
        line = strip_markup(line)
        if _NAME_END.search(line) and not line.startswith("第") and len(line) <= 60:
            add(line)
            break
    return tuple(found)


# rules and plans: a document of one kind is not a draft of the other, whatever subject they share
_KINDS = (re.compile(r"(办法|规定|细则|规则|制度|条例|标准|规范)(（[^）]*）)?$"),
          re.compile(r"(方案|计划|规划|纲要|要点)(（[^）]*）)?$"))


def _other_kind(name: str, core: str) -> bool:
    a, b = ([bool(k.search(strip_markup(t))) for k in _KINDS] for t in (name, core))
    return any(a) and any(b) and a != b


def mentions_title(text: str, title: str) -> bool:
    """Whether a text speaks of the draft: its title (with or without the place name), a close 《…》, or a long
    common stretch of the name ("审议通过了物业服务管理实施细则")."""
    core = core_title(title)
    if not core:
        return False
    plain = DRAFT_MARK.sub("", text or "")
    if core in plain:
        return True
    short = place_free_title(title)
    if len(short) >= 4 and short in plain:
        return True
    mine = bigrams(core)
    for q in _QUOTED.findall(plain):
        if _other_kind(q, core):  # the 三年行动计划 of the same subject is another document than its 奖励办法
            plain = plain.replace(f"《{q}》", "")
            continue
        theirs = bigrams(q)
        inter = len(mine & theirs)
        if mine and (inter / len(mine) >= 0.6 or (theirs and inter >= 5 and inter / len(theirs) >= 0.8)):
            return True
    need = min(8, max(4, len(short) - 2))
    match = SequenceMatcher(None, short, plain, autojunk=False).find_longest_match(0, len(short), 0, len(plain))
    return match.size >= need
