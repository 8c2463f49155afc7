"""Reading an annotated .docx back from its XML: each comment with the words it is anchored on, and the tracked
changes — what the tests assert, independent of the code that wrote them."""

from __future__ import annotations

import zipfile
from io import BytesIO

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _xml(data: bytes, part: str):
    with zipfile.ZipFile(BytesIO(data)) as z:
        return etree.fromstring(z.read(part))


def comments(data: bytes) -> list[dict]:
    """[{id, author, text, anchored}] in the order of comments.xml; `anchored` is the document's text between the
    comment's range start and end (deleted words included, as Word shows them)."""
    body = _xml(data, "word/document.xml")
    open_ids: list[str] = []
    anchored: dict[str, str] = {}
    for el in body.iter():
        if el.tag == W + "commentRangeStart":
            open_ids.append(el.get(W + "id"))
            anchored[el.get(W + "id")] = ""
        elif el.tag == W + "commentRangeEnd":
            open_ids.remove(el.get(W + "id"))
        elif el.tag in (W + "t", W + "delText"):
            for cid in open_ids:
                anchored[cid] += el.text or ""
    out = []
    for c in _xml(data, "word/comments.xml").iter(W + "comment"):
        cid = c.get(W + "id")
        text = "\n".join("".join(t.text or "" for t in p.iter(W + "t")) for p in c.iter(W + "p"))
        out.append({"id": cid, "author": c.get(W + "author"), "text": text, "anchored": anchored.get(cid)})
    return out


def references(data: bytes) -> list[str]:
    """The ids of the comment references in the document, in order."""
    return [el.get(W + "id") for el in _xml(data, "word/document.xml").iter(W + "commentReference")]


def changes(data: bytes) -> list[tuple[str, str, str]]:
    """(kind 'del' | 'ins', author, text) of each tracked change, in document order."""
    out = []
    for el in _xml(data, "word/document.xml").iter(W + "del", W + "ins"):
        tag = "del" if el.tag == W + "del" else "ins"
        text = "".join(t.text or "" for t in el.iter(W + "delText" if tag == "del" else W + "t"))
        out.append((tag, el.get(W + "author"), text))
    return out


def visible_text(data: bytes) -> str:
    """The document's text with the tracked changes accepted (insertions in, deletions out)."""
    body = _xml(data, "word/document.xml")
    return "\n".join("".join(t.text or "" for t in p.iter(W + "t")) for p in body.iter(W + "p"))
