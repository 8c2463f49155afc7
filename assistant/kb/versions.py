"""Versions of an instrument: which one answers by default, and the status of each on a given day.

Sources overlap: laws.db and the shipped texts hold the current laws, the packs every dated version of the
行政法规, 司法解释 and local rules as of 2025-04, and the shipped corpus (current to 2026-09) is newer still.
`resolve_versions` groups what the sources give by title (and region), keeps one text per version (the
highest-priority source's), and decides each version's identity and status:

- the version in force today is the **current** one: its id is the title (article ids stay stable across
  ingests), it is searched and it answers; its status is its source's (现行有效, or 已废止 when it was repealed);
- earlier versions are **已修改**, later ones not yet in force **尚未施行**; their ids are `<title>@<公布日期>`
  and they point at the current one (`current_id`); they are read through `fashen kb versions` and used when a
  citation is judged on a date on which they were in force;
- a lower-priority source never displaces the current text of a higher one: it may only add older versions;
- a superseded entry of the manifest (a title repealed after the sources were taken) makes the current text
  已废止 with its replacement and basis.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from assistant.kb.catalog import PRC
from assistant.kb.sources import Loaded
from assistant.models import Instrument, Status

SUPERSEDED = "@superseded"


_SPACES = re.compile(r"[《》\s\u3000]")


def _key(inst: Instrument) -> tuple[str, str]:
    """Versions share a title (with or without 中华人民共和国; a note such as （1988年） makes another instrument:
    the amendments to the constitution) and a region."""
    return _SPACES.sub("", inst.title).removeprefix(PRC), inst.region or ""


def _in_force(inst: Instrument, today: date) -> bool:
    return inst.in_force_from is None or inst.in_force_from <= today


def _order(item: Loaded) -> tuple[date, int]:
    return item.instrument.version_date or date.min, item.priority


def _version_id(inst: Instrument, taken: set[str]) -> str:
    stamp = inst.version_date.isoformat() if inst.version_date else "undated"
    vid, n = f"{inst.title}@{stamp}", 1
    while vid in taken:
        n += 1
        vid = f"{inst.title}@{stamp}-{n}"
    return vid


def resolve_versions(items: Iterable[Loaded], today: date | None = None) -> list[Loaded]:
    """Group versions of the same instrument and give each its id, status and pointer to the current one."""
    today = today or date.today()
    groups: dict[tuple[str, str], list[Loaded]] = defaultdict(list)
    for item in items:
        groups[_key(item.instrument)].append(item)
    # The same title in two regions gets the region in its id, so neither shadows the other.
    titles = defaultdict(set)
    for key in groups:
        titles[key[0]].add(key[1])
    out: list[Loaded] = []
    for key, members in groups.items():
        placeholders = [m for m in members if m.instrument.id.endswith(SUPERSEDED)]
        texts = [m for m in members if not m.instrument.id.endswith(SUPERSEDED)]
        if not texts:
            out += placeholders
            continue
        versions = _one_per_version(texts)
        in_force = [v for v in versions if _in_force(v.instrument, today)]
        head = in_force[-1] if in_force else versions[0]
        head_id = head.instrument.title if len(titles[key[0]]) == 1 or not key[1] else \
            f"{head.instrument.title}（{key[1]}）"
        taken = {head_id}
        for v in versions:
            inst = v.instrument
            if v is head:
                update = {"id": head_id, "current_id": None}
                if inst.status == Status.AMENDED or (inst.status == Status.NOT_YET and _in_force(inst, today)):
                    update["status"] = Status.CURRENT  # a source's "amended" means amended since: this is current
                if not _in_force(inst, today):
                    update |= {"status": Status.NOT_YET, "status_note": _from(inst)}
                if placeholders:
                    p = placeholders[0].instrument
                    update |= {"status": p.status, "status_note": p.status_note, "replaced_by": p.replaced_by}
            else:
                vid = _version_id(inst, taken)
                taken.add(vid)
                later = (inst.version_date or date.min) > (head.instrument.version_date or date.min)
                update = {"id": vid, "current_id": head_id,
                          "status": Status.NOT_YET if later else Status.AMENDED,
                          "status_note": _from(inst) if later else _amended_note(head.instrument)}
            out.append(Loaded(inst.model_copy(update=update), v.parsed, v.priority))
    return out


def _one_per_version(texts: list[Loaded]) -> list[Loaded]:
    """Versions by date, one text each: the highest-priority source's; lower sources only add older versions."""
    top = max(t.priority for t in texts)
    newest_top = max((t.instrument.version_date or date.min) for t in texts if t.priority == top)
    kept = [t for t in texts if t.priority == top or (t.instrument.version_date or date.max) < newest_top]
    by_date: dict[date | None, Loaded] = {}
    for t in sorted(kept, key=_order):
        by_date[t.instrument.version_date] = t  # sorted by priority within a date: the best one stays
    return sorted(by_date.values(), key=_order)


def _from(inst: Instrument) -> str:
    d = inst.effective_date
    return f"自{d.year}年{d.month}月{d.day}日起施行" if d else "尚未施行"


def _amended_note(current: Instrument) -> str:
    d = current.version_date
    return f"已被{d.year}年{d.month}月{d.day}日公布的版本取代" if d else "已被新版本取代"
