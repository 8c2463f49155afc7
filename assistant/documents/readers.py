"""Read drafts, materials and user files (.docx .pdf .txt .md .html) into normalised text with 第N段 units."""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import stat
import time
import unicodedata
import zipfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path, PurePath
from typing import NamedTuple

from pydantic import BaseModel, Field

from assistant.errors import InputError
from assistant.text.normalize import is_traditional, normalize, to_simplified
from assistant.text.structure import paragraph_lines

# Zip-bomb guards, checked on the central directory before any XML is parsed.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_TOTAL = 200 * 2**20
ZIP_MAX_RATIO = 200
# Below this size a member cannot hurt, and small repetitive XML parts legitimately compress very well.
ZIP_RATIO_FLOOR = 2**20
# Markup is parsed before its text can be counted: a Word part or a web page may hold at most this many bytes
# (characters) of markup per character of the text limit. Real files carry 3 to 15.
MARKUP_PER_CHAR = 40
PDF_MAX_PAGES = 2000
PDF_TIME_BUDGET_S = 15.0


class DocumentKind(StrEnum):
    """File formats the assistant reads."""

    DOCX = "docx"
    PDF = "pdf"
    TXT = "txt"
    MD = "md"
    HTML = "html"


EXTENSIONS: dict[str, DocumentKind] = {
    ".docx": DocumentKind.DOCX, ".pdf": DocumentKind.PDF, ".txt": DocumentKind.TXT, ".text": DocumentKind.TXT,
    ".md": DocumentKind.MD, ".markdown": DocumentKind.MD, ".html": DocumentKind.HTML, ".htm": DocumentKind.HTML,
}
SUPPORTED = " ".join(EXTENSIONS)
_OLD_FORMATS = {".doc": "旧版 Word", ".wps": "WPS", ".rtf": "RTF", ".docm": "启用宏的 Word", ".odt": "OpenDocument"}


class Document(BaseModel):
    """A file read into normalised text; `paragraphs` are the units 第N段 locations count."""

    name: str = Field(description="the file's base name, never a path")
    kind: DocumentKind
    text: str = Field(description="normalised full text; .docx tables as lines with cells joined by ' | '")
    paragraphs: list[str] = Field(description="non-empty lines (.txt .md .html .pdf) or body paragraphs (.docx)")
    encoding: str | None = Field(None, description="the text encoding used, for text files")
    warnings: list[str] = Field(default_factory=list, description="what the reader could not fully recover")
    sha256: str = Field(description="of the raw bytes")


class _Extracted(NamedTuple):
    text: str
    paragraphs: list[str] | None  # None: the non-empty lines of `text`
    encoding: str | None
    warnings: list[str]


def _fail(name: str, problem: str, fix: str) -> InputError:
    return InputError(f"{name}：{problem}。{fix}")


def _size(n: float) -> str:
    if n >= 2**20:
        return f"{n / 2**20:.1f}".removesuffix(".0") + " MB"
    return f"{n / 2**10:.1f}".removesuffix(".0") + " KB" if n >= 2**10 else f"{int(n)} 字节"


def _too_big(name: str, size: int, limit: int) -> InputError:
    return _fail(name, f"文件过大（{_size(size)}），超过 {_size(limit)} 的上限", "请拆分文件，或只上传正文部分")


def _too_long(name: str, chars: int | None, limit: int) -> InputError:
    shown = f"{chars:,} 字" if chars is not None else "过长"
    return _fail(name, f"文字过多（{shown}），超过 {limit:,} 字的上限（设置 kb.max_chars）",
                 "请拆分文件，或只上传正文部分")


def _check_length(name: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise _too_long(name, len(text), limit)


def safe_filename(name: str) -> str:
    """An upload's name reduced to a harmless base name: no directories, control characters or separators."""
    base = re.split(r"[\\/]", name)[-1]
    # Cf covers bidi overrides (U+202E) that disguise an extension.
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf"))
    base = re.sub(r'[<>:"|?*]', "_", base).strip().strip(".").strip()
    while len(base.encode()) > 255:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[:-1]}{dot}{ext}" if dot and len(ext) <= 10 and stem else base[:-1]
    return base or "未命名文件"


def within(folder: Path, path: Path) -> bool:
    """Whether `path`, once symbolic links and `..` are resolved, lies inside `folder`."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def _sniff(data: bytes) -> str:
    """What the bytes look like, for a message about a file whose extension lies."""
    if data.startswith(b"PK\x03\x04"):
        return "zip 压缩包（如 .docx/.xlsx）"
    if b"%PDF-" in data[:1024]:
        return "PDF 文件"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "旧版 .doc 文件或加密的 Word 文档"
    if data[:5].lower().startswith((b"<html", b"<!doc")):
        return "网页（HTML）文件"
    return "文本文件" if b"\x00" not in data[:4096] else "二进制文件"


def _kind_for(name: str, data: bytes) -> DocumentKind:
    ext = PurePath(name).suffix.lower()
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    if ext in _OLD_FORMATS:
        raise _fail(name, f"不支持{_OLD_FORMATS[ext]}（{ext}）格式", "请用 Word/WPS 打开后“另存为” .docx 再上传")
    if not ext:  # an upload or a file without extension: trust the content
        sniffed = _sniff(data)
        if sniffed.startswith("zip"):
            return DocumentKind.DOCX
        if sniffed == "PDF 文件":
            return DocumentKind.PDF
        if sniffed.startswith("网页"):
            return DocumentKind.HTML
        return DocumentKind.TXT
    raise _fail(name, f"不支持的文件类型（{ext}）", f"支持的类型：{SUPPORTED}；请转换后再上传")


# --- plain text ---------------------------------------------------------------------------------
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _not_text(name: str) -> InputError:
    return _fail(name, "无法识别文件编码，或不是文本文件", "请用记事本/WPS 打开后“另存为” UTF-8 编码的 .txt 再上传")


# Control characters, replacement characters and private-use code points (where GB18030 puts
# undefined bytes) do not occur in real documents in any number.
_BINARY_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")


def _looks_binary(text: str) -> bool:
    return len(_BINARY_CHARS.findall(text)) > max(2, len(text) // 100)


def _decode_damaged(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Neither UTF-8 nor GB18030 decodes cleanly: a few bad bytes in one of them, or another encoding."""
    best_try = min(((data.decode(e, errors="replace"), e) for e in ("utf-8", "gb18030")),
                   key=lambda pair: pair[0].count("\ufffd"))
    bad = best_try[0].count("\ufffd")
    if bad <= max(1, len(best_try[0]) // 1000):  # a damaged byte or two in an otherwise sound file
        text, encoding = best_try
        return text, encoding, [f"文件中有 {bad} 处无法按 {encoding} 解码的字节，已替换为“\ufffd”；请检查原文件"]
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise _not_text(name)
    return str(best), best.encoding, [f"文件编码自动识别为 {best.encoding}；如出现乱码，请另存为 UTF-8 后重新上传"]


def decode_text(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Bytes → (text, encoding, warnings): BOM, then UTF-8, GB18030 (covers GBK/GB2312), then detection."""
    text: str | None = None
    warnings: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise _not_text(name) from None
            break
    else:
        if b"\x00" in data:  # UTF-16 without a BOM is vanishingly rare; NULs mean a binary file
            raise _not_text(name)
        for encoding in ("utf-8", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            text, encoding, warnings = _decode_damaged(data, name)
    if _looks_binary(text):
        raise _not_text(name)
    return text, encoding, warnings


def _read_text(data: bytes, name: str, max_chars: int) -> _Extracted:
    if data.startswith(b"PK\x03\x04") or b"%PDF-" in data[:1024]:
        raise _fail(name, f"不是文本文件（内容看起来是{_sniff(data)}）",
                    "请检查扩展名是否正确，或另存为 UTF-8 编码的 .txt 再上传")
    text, encoding, warnings = decode_text(data, name)
    _check_length(name, text, max_chars)
    return _Extracted(normalize(text, chrome=False), None, encoding, warnings)


# --- html ---------------------------------------------------------------------------------------
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_GB_ALIASES = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn"}
_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "iframe", "template", "svg",
              "head", "button", "select", "input", "textarea", "object", "embed", "canvas"]
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody", "thead",
               "tfoot", "tr", "td", "th", "section", "article", "main", "blockquote", "dl", "dt", "dd", "hr",
               "address", "figure", "figcaption", "caption", "center", "form", "fieldset", "body", "html"}
_NESTED_BLOCKS = ["table", "p", "div", "br", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"]
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")
# <!DOCTYPE html [<!ENTITY …>]>: entities are never expanded, and the declaration is no text.
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^\[>]{0,200}\[[^\]]{0,100000}\]\s*>", re.IGNORECASE)


def _decode_html(data: bytes, name: str) -> tuple[str, str, list[str]]:
    # Government sites declare gb2312 but use GBK characters: decode every GB name as GB18030.
    m = _META_CHARSET.search(data[:4096])
    if m and not data.startswith(tuple(bom for bom, _ in _BOMS)):  # a BOM outranks the declaration
        declared = m.group(1).decode("ascii", "ignore").lower()
        encoding = "gb18030" if declared in _GB_ALIASES else declared
        try:
            return data.decode(encoding), encoding, []
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
    return decode_text(data, name)


def _is_data_row(tr) -> bool:
    # Sites lay pages out with tables: only a row without nested blocks (or a short one) is a data row.
    if tr.find("table") is not None:
        return False
    return tr.find(_NESTED_BLOCKS) is None or len(tr.get_text()) <= 300


def _html_lines(root) -> list[str]:
    """Block elements become lines, a data table row one line with cells joined by ' | '."""
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString

    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = "".join(buf).strip()
        buf.clear()
        if line:
            lines.append(line)

    # Iterative walk: hostile pages nest thousands deep, beyond Python's recursion limit.
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            flush()
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA
                buf.append(_HTML_SPACE.sub(" ", str(node)))
        elif isinstance(node, Tag):
            if node.name == "br":
                flush()
            elif node.name == "pre":
                flush()
                lines.extend(line for line in node.get_text().splitlines() if line.strip())
            elif node.name == "tr" and _is_data_row(node):
                flush()
                cells = [" ".join(c.get_text(" ").split()) for c in node.find_all(["td", "th"], recursive=False)]
                if any(cells):
                    lines.append(" | ".join(cells))
            else:
                if node.name in _BLOCK_TAGS:
                    flush()
                    stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.contents))
    flush()
    return lines


def _read_html(data: bytes, name: str, max_chars: int) -> _Extracted:
    from bs4 import BeautifulSoup

    text, encoding, warnings = _decode_html(data, name)
    if len(text) > MARKUP_PER_CHAR * max_chars:
        raise _too_long(name, None, max_chars)
    text = _DOCTYPE_SUBSET.sub("", text, count=1)  # the HTML parser would show its "]>" as text
    try:
        soup = BeautifulSoup(text, "lxml")  # lxml is always there: python-docx depends on it
        for tag in soup(_DROP_TAGS):
            tag.decompose()
        raw = "\n".join(_html_lines(soup))
    except Exception as exc:  # parsers raise many types on hostile markup
        raise _fail(name, "网页文件无法解析", "请在浏览器中打开后复制正文，另存为 .txt 再上传") from exc
    _check_length(name, raw, max_chars)
    return _Extracted(normalize(raw, chrome=True), None, encoding, warnings)


# --- docx ---------------------------------------------------------------------------------------
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
W_P, W_TBL, W_TR, W_TC, W_R = (_W + t for t in ("p", "tbl", "tr", "tc", "r"))
W_T, W_TAB, W_BR, W_CR, W_NBH = (_W + t for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML, W_PPR, W_NUMPR, W_TXBX = (
    _W + t for t in ("sdt", "sdtContent", "customXml", "pPr", "numPr", "txbxContent"))
# Text inside these is not the paragraph's own: tracked deletions, moved-away text, text boxes and
# the VML copy Word keeps of every drawing.
_SKIP_INSIDE = {_W + "del", _W + "moveFrom", W_TXBX, _MC_FALLBACK}
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DOCX_FIX = "请用 Word/WPS 打开后“另存为” .docx 再上传"


def _check_zip(data: bytes, name: str, max_chars: int) -> None:
    """Refuse zip bombs and DTD/entity tricks before python-docx parses anything."""
    if not data.startswith(b"PK\x03\x04"):
        raise _fail(name, f"扩展名是 .docx，但内容不是 Word 文档（看起来是{_sniff(data)}）",
                    "请确认文件类型；如是加密文档请先取消密码，" + _DOCX_FIX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                raise _fail(name, f"文档内部包含 {len(infos)} 个部件，超过 {ZIP_MAX_MEMBERS} 个的上限", _DOCX_FIX)
            total = sum(i.file_size for i in infos)
            if total > ZIP_MAX_TOTAL:
                raise _fail(name, f"文档解压后达 {_size(total)}，超过 {_size(ZIP_MAX_TOTAL)} 的上限",
                            "请删除文档中的大图片或附件后再上传")
            for i in infos:
                # zipfile stops inflating at the declared file_size, so these declared sizes bound the work.
                if i.file_size > ZIP_RATIO_FLOOR and i.file_size > ZIP_MAX_RATIO * max(i.compress_size, 1):
                    raise _fail(name, f"文档部件 {i.filename} 的压缩比超过 {ZIP_MAX_RATIO} 倍的上限"
                                "（疑似压缩炸弹）", _DOCX_FIX)
            body = next((i for i in infos if i.filename == "word/document.xml"), None)
            if body is None:
                raise _fail(name, "不是有效的 Word 文档（缺少正文部件 word/document.xml）", _DOCX_FIX)
            if body.file_size > MARKUP_PER_CHAR * max_chars:
                raise _too_long(name, None, max_chars)
            for i in infos:
                if i.filename.endswith((".xml", ".rels")) and _DTD.search(zf.read(i)):
                    raise _fail(name, f"文档部件 {i.filename} 含有 DTD/实体声明，出于安全考虑拒绝读取", _DOCX_FIX)
    except InputError:
        raise
    except Exception as exc:  # BadZipFile, bad CRC, encrypted or unsupported members, truncated data
        raise _fail(name, "Word 文档已损坏，无法读取", _DOCX_FIX) from exc


def inside_skipped(el, stop) -> bool:
    """Whether `el` lies in a deletion, text box or fallback copy below `stop`."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in _SKIP_INSIDE:
            return True
        parent = parent.getparent()
    return False


def _skipped(el, paragraph) -> bool:
    parent = el.getparent()
    if parent is None or parent.tag != W_R:  # w:tab also defines tab stops in w:pPr
        return True
    return inside_skipped(el, paragraph)


def _paragraph_text(p) -> str:
    """A paragraph's visible text, tracked insertions included; soft line breaks become spaces."""
    parts: list[str] = []
    for el in p.iter(W_T, W_TAB, W_BR, W_CR, W_NBH):
        if _skipped(el, p):
            continue
        if el.tag == W_T:
            parts.append(el.text or "")
        else:  # a soft break stays inside the paragraph: it is one 第N段 unit
            parts.append({W_TAB: "\t", W_NBH: "-"}.get(el.tag, " "))
    return "".join(parts)


def _table_rows(tbl) -> list[str]:
    rows = []
    for tr in tbl.iterchildren(W_TR):
        # A cell's paragraphs (nested tables' too) make one cell; text boxes stay out as in the body.
        cells = [" ".join(t for p in tc.iter(W_P) if not inside_skipped(p, tc) and (t := _paragraph_text(p).strip()))
                 for tc in tr.iterchildren(W_TC)]
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def _body_units(parent, flags: set[str]) -> list[tuple[bool, str]]:
    """(is_paragraph, text) in body order; content controls and custom XML are looked into."""
    units: list[tuple[bool, str]] = []
    for child in parent.iterchildren():
        if child.tag == W_P:
            units.append((True, _paragraph_text(child)))
            ppr = child.find(W_PPR)
            if ppr is not None and ppr.find(W_NUMPR) is not None:
                flags.add("numbering")
            if any((t.text or "").strip() for box in child.iter(W_TXBX) for t in box.iter(W_T)):
                flags.add("textbox")
        elif child.tag == W_TBL:
            units.extend((False, row) for row in _table_rows(child))
        elif child.tag == W_SDT:
            content = child.find(W_SDT_CONTENT)
            if content is not None:
                units.extend(_body_units(content, flags))
        elif child.tag == W_CUSTOM_XML:
            units.extend(_body_units(child, flags))
    return units


def _read_docx(data: bytes, name: str, max_chars: int) -> _Extracted:
    _check_zip(data, name, max_chars)
    try:
        import docx

        body = docx.Document(io.BytesIO(data)).element.body
        flags: set[str] = set()
        units = _body_units(body, flags)
    except Exception as exc:  # python-docx/lxml raise many types on broken packages
        raise _fail(name, "Word 文档已损坏或格式不受支持，无法读取", _DOCX_FIX) from exc
    whole = "\n".join(t for _, t in units)
    _check_length(name, whole, max_chars)
    # One 繁/简 decision for the whole document, then each unit on its own so none merges or splits.
    simplify = is_traditional(whole)
    cleaned = []
    for is_paragraph, text in units:
        text = normalize(text.replace("\n", " "), simplify=False, chrome=False).replace("\n", " ")
        cleaned.append((is_paragraph, to_simplified(text) if simplify else text))
    warnings = []
    if "numbering" in flags:
        warnings.append("文档使用了 Word 自动编号，编号（如“第一条”“一、”）不在文字中，无法提取；"
                        "如条款编号缺失，请在 Word 中把自动编号改为手工输入的文字后再上传")
    if "textbox" in flags:
        warnings.append("文档含有文本框，文本框中的文字未计入正文")
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(t for _, t in cleaned)).strip("\n")
    paragraphs = [t.strip(" \t\u3000") for is_p, t in cleaned if is_p and t.strip()]
    return _Extracted(text, paragraphs, None, warnings)


# --- pdf ----------------------------------------------------------------------------------------
_PDF_FIX = "请重新导出为 PDF，或另存为 .docx/.txt 再上传"


def _read_pdf(data: bytes, name: str, max_chars: int) -> _Extracted:
    if b"%PDF-" not in data[:1024]:
        raise _fail(name, f"扩展名是 .pdf，但内容不是 PDF 文件（看起来是{_sniff(data)}）",
                    "请确认文件类型；如是 Word 文档请把扩展名改为 .docx 后再上传")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # owner-password-only files open with an empty password
            except Exception:
                opened = 0
            if not opened:
                raise _fail(name, "PDF 已加密，无法读取", "请提供未加密的文件（在 PDF 软件中取消密码后另存）")
        count = len(reader.pages)
    except InputError:
        raise
    except Exception as exc:
        raise _fail(name, "PDF 文件已损坏，无法读取", _PDF_FIX) from exc
    if count > PDF_MAX_PAGES:
        raise _fail(name, f"PDF 共 {count} 页，超过 {PDF_MAX_PAGES} 页的上限", "请拆分文件后分别上传")
    deadline = time.monotonic() + PDF_TIME_BUDGET_S
    pages: list[str] = []
    blank: list[int] = []
    failed = chars = 0
    for i in range(count):
        # Checked between pages: one hostile page can still be slow, but the file as a whole cannot run on.
        if time.monotonic() > deadline:
            raise _fail(name, f"PDF 解析超过 {PDF_TIME_BUDGET_S:g} 秒的时限（已读 {i}/{count} 页）",
                        "请拆分文件，或另存为 .docx/.txt 再上传")
        try:
            page_text = reader.pages[i].extract_text() or ""
        except Exception:
            failed += 1
            page_text = ""
        if page_text.strip():
            pages.append(page_text)
            chars += len(page_text)
            if chars > max_chars:
                raise _too_long(name, None, max_chars)
        else:
            blank.append(i + 1)
    if failed == count:
        raise _fail(name, "PDF 文件已损坏，无法提取文字", _PDF_FIX)
    if not pages:
        raise _fail(name, "是扫描件/图片型 PDF，无文字层，需先进行 OCR 文字识别",
                    "请先用 OCR 软件识别为文字，另存为 .docx/.txt 后再上传")
    warnings = []
    if blank:
        shown = "、".join(map(str, blank[:10])) + ("等" if len(blank) > 10 else "")
        warnings.append(f"第 {shown} 页没有文字层（可能是扫描页），这些页的内容未读取；需先进行 OCR 文字识别")
    return _Extracted(normalize("\n".join(pages), chrome=False), None, None, warnings)


# --- entry points -------------------------------------------------------------------------------
_READERS: dict[DocumentKind, Callable[[bytes, str, int], _Extracted]] = {
    DocumentKind.DOCX: _read_docx, DocumentKind.PDF: _read_pdf, DocumentKind.TXT: _read_text,
    DocumentKind.MD: _read_text, DocumentKind.HTML: _read_html,
}


def _read_regular_file(path: Path, display: str, max_bytes: int) -> bytes:
    """The bytes of a regular file; a device, FIFO or socket is refused without being read (or waited on)."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it changes nothing for a regular file (and
        # does not exist on Windows, which has no FIFOs in the file system).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise _fail(display, f"找不到文件（{path}）", "请检查路径后重试") from None
    except OSError as exc:
        raise _fail(display, f"无法读取文件（{exc.strerror or exc}）", "请检查文件权限后重试") from exc
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _fail(display, "是文件夹，不是文件", "请检查路径后重试")
        if not stat.S_ISREG(st.st_mode):
            raise _fail(display, "不是普通文件（设备、管道或套接字），出于安全考虑不读取", "请给出 .docx/.pdf/.txt 等文档文件")
        if st.st_size > max_bytes:  # refuse before reading a huge file into memory
            raise _too_big(display, st.st_size, max_bytes)
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(max_bytes + 1)
    except OSError as exc:
        raise _fail(display, f"无法读取文件（{exc.strerror or exc}）", "请检查文件权限后重试") from exc
    finally:
        os.close(fd)


def read_document(source: Path | str | bytes, name: str | None = None, *, max_bytes: int | None = None,
                  max_chars: int | None = None) -> Document:
    """Read a file (a path, or an upload's bytes with its name) into a normalised `Document`.

    `max_bytes` and `max_chars` default to the settings kb.max_file_mb and kb.max_chars.
    """
    if max_bytes is None or max_chars is None:
        from assistant.config import get_settings

        kb = get_settings().kb
        max_bytes = int(kb.max_file_mb * 2**20) if max_bytes is None else max_bytes
        max_chars = kb.max_chars if max_chars is None else max_chars
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        display = safe_filename(name) if name else "上传的文件"
    else:
        path = Path(source)
        display = safe_filename(name or path.name)
        data = _read_regular_file(path, display, max_bytes)
    if len(data) > max_bytes:
        raise _too_big(display, len(data), max_bytes)
    if not data.strip():
        raise _fail(display, "文件为空", "请检查是否选错了文件，或重新保存后再上传")
    kind = _kind_for(display, data)
    extracted = _READERS[kind](data, display, max_chars)
    if not extracted.text.strip():
        raise _fail(display, "文件为空（没有可读取的文字）", "请检查是否选错了文件，或重新保存后再上传")
    paragraphs = extracted.paragraphs
    if paragraphs is None:
        paragraphs = [line for _, _, line in paragraph_lines(extracted.text)]
    return Document(name=display, kind=kind, text=extracted.text, paragraphs=paragraphs,
                    encoding=extracted.encoding, warnings=extracted.warnings,
                    sha256=hashlib.sha256(data).hexdigest())


def read_text_file(path: Path | str, *, max_bytes: int | None = None) -> str:
    """The normalised text of any supported file (for materials and knowledge-base sources)."""
    return read_document(Path(path), max_bytes=max_bytes).text
