"""Reading drafts and materials: every format, every way a file can be wrong, and the real review cases."""

import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from assistant.documents import readers
from assistant.documents.readers import Document, DocumentKind, read_document, read_text_file, safe_filename
from assistant.errors import InputError

CASES = Path(__file__).resolve().parents[2].parent / "shared" / "evaldata" / "review" / "cases"
needs_cases = pytest.mark.skipif(not CASES.is_dir(), reason="../shared/evaldata not available")


def case_dir(prefix: str) -> Path:
    return next(CASES.glob(f"{prefix}-*"))


def input_error(source, name=None, **kw) -> str:
    with pytest.raises(InputError) as info:
        read_document(source, name, **kw)
    assert info.value.exit_code == 2
    return str(info.value)


# --- fixtures built at test time ------------------------------------------------------------------
def make_docx(path: Path, traditional: bool = False) -> Path:
    d = docx.Document()
    d.add_heading("關(guān)於印發(fā)辦法的通知" if traditional else "某县招商引资优惠政策（送审稿）", level=1)
    d.add_paragraph("第一条　为了规范管理，制定本办法。")
    d.add_paragraph("")  # an empty paragraph is not a 第N段 unit
    table = d.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("投资额", "比例", "上限"), ("500万元以上", "5%", "50万元")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    p = d.add_paragraph("第二条　本办法自发布之日起施行。")
    p.add_run().add_break()  # a soft line break stays inside its paragraph
    p.add_run("（续）")
    d.save(path)
    return path


def text_pdf(lines: list[str]) -> bytes:
    """A minimal valid PDF whose text layer holds ASCII lines in Helvetica."""
    ops = b"BT /F1 12 Tf 72 720 Td " + b" 0 -20 Td ".join(b"(%s) Tj" % line.encode() for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def pdf_bytes(writer: PdfWriter) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


# --- docx -----------------------------------------------------------------------------------------
def test_docx_paragraphs_and_tables_in_body_order(tmp_path):
    doc = read_document(make_docx(tmp_path / "draft.docx"))
    assert doc.kind == DocumentKind.DOCX == "docx"
    assert doc.paragraphs == ["某县招商引资优惠政策（送审稿）", "第一条　为了规范管理，制定本办法。",
                              "第二条　本办法自发布之日起施行。 （续）"]
    lines = [line for line in doc.text.splitlines() if line.strip()]
    assert lines == ["某县招商引资优惠政策（送审稿）", "第一条　为了规范管理，制定本办法。", "投资额 | 比例 | 上限",
                     "500万元以上 | 5% | 50万元", "第二条　本办法自发布之日起施行。 （续）"]
    assert doc.encoding is None and doc.warnings == []
    assert len(doc.sha256) == 64


def test_docx_traditional_with_pinyin_is_cleaned(tmp_path):
    doc = read_document(make_docx(tmp_path / "trad.docx", traditional=True))
    assert doc.paragraphs[0] == "关于印发办法的通知"


def test_docx_tracked_insertion_kept_deletion_dropped(tmp_path):
    path = make_docx(tmp_path / "tracked.docx")
    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    tracked = (f'<w:p {W}><w:r><w:t>第三条　</w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>新增</w:t></w:r></w:ins>'
               f'<w:del w:id="2" w:author="a"><w:r><w:delText>删去</w:delText></w:r></w:del></w:p>')
    d = docx.Document(path)
    from lxml import etree
    d.element.body.insert(0, etree.fromstring(tracked))
    d.save(path)
    assert read_document(path).paragraphs[0] == "第三条　新增"


def test_docx_automatic_numbering_is_warned_about(tmp_path):
    path = make_docx(tmp_path / "numbered.docx")
    d = docx.Document(path)
    d.add_paragraph("为了规范管理，制定本办法。")._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 1
    d.save(path)
    doc = read_document(path)
    assert doc.paragraphs[-1] == "为了规范管理，制定本办法。"
    assert any("自动编号" in w for w in doc.warnings)


def test_docx_that_is_plain_text(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("第一条　这其实是文本文件。", encoding="utf-8")
    message = input_error(path)
    assert "fake.docx" in message and "不是 Word 文档" in message and "文本文件" in message


def test_docx_that_is_a_pdf():
    assert "PDF" in input_error(text_pdf(["x"]), "draft.docx")


def test_zip_bomb_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "0" * (8 * 2**20))  # 8 MB of zeros deflates ~1000×
    message = input_error(path)
    assert "bomb.docx" in message and "压缩比" in message and str(readers.ZIP_MAX_RATIO) in message


def test_zip_with_too_many_members(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "ZIP_MAX_MEMBERS", 20)
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(21):
            zf.writestr(f"word/part{i}.xml", "<x/>")
    assert "20 个的上限" in input_error(path)


def test_zip_too_large_uncompressed(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "ZIP_MAX_TOTAL", 2**14)
    path = make_docx(tmp_path / "big.docx")  # even an empty python-docx document unpacks to more than 16 KB
    assert "解压后" in input_error(path)


def test_docx_with_entity_declaration_refused(tmp_path):
    source = make_docx(tmp_path / "ok.docx")
    path = tmp_path / "entities.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>', 1)
            dst.writestr(item, data)
    assert "DTD" in input_error(path)


def test_zip_without_document_part(tmp_path):
    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert "word/document.xml" in input_error(path)


def test_corrupt_docx(tmp_path):
    data = make_docx(tmp_path / "ok.docx").read_bytes()
    assert "损坏" in input_error(data[: len(data) // 2], "truncated.docx")


# --- pdf ------------------------------------------------------------------------------------------
def test_text_pdf():
    doc = read_document(text_pdf(["Article 1 first line", "Article 2 second line"]), "rules.pdf")
    assert doc.kind == "pdf"
    assert doc.paragraphs == ["Article 1 first line", "Article 2 second line"]


def test_image_only_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    message = input_error(pdf_bytes(writer), "scan.pdf")
    assert "scan.pdf" in message and "无文字层" in message and "OCR" in message


def test_encrypted_pdf():
    writer = PdfWriter(clone_from=io.BytesIO(text_pdf(["secret text"])))
    writer.encrypt("secret")
    message = input_error(pdf_bytes(writer), "locked.pdf")
    assert "PDF 已加密" in message and "请提供未加密的文件" in message


def test_pdf_with_owner_password_only_opens():
    writer = PdfWriter(clone_from=io.BytesIO(text_pdf(["open text"])))
    writer.encrypt("", owner_password="owner")
    assert read_document(pdf_bytes(writer), "owner.pdf").paragraphs == ["open text"]


@pytest.mark.parametrize("data", [b"%PDF-1.4\n1 0 obj <<>> garbage", b"%PDF-1.7\n" + bytes(range(256)) * 4])
def test_corrupt_pdf(data):
    message = input_error(data, "broken.pdf")
    assert "broken.pdf" in message and "PDF" in message


def test_pdf_that_is_not_a_pdf():
    assert "不是 PDF" in input_error("第一条".encode(), "draft.pdf")


def test_pdf_limits(monkeypatch):
    monkeypatch.setattr(readers, "PDF_MAX_PAGES", 0)
    assert "页的上限" in input_error(text_pdf(["x"]), "long.pdf")
    monkeypatch.setattr(readers, "PDF_MAX_PAGES", 2000)
    monkeypatch.setattr(readers, "PDF_TIME_BUDGET_S", -1.0)
    assert "时限" in input_error(text_pdf(["x"]), "slow.pdf")


# --- text and html --------------------------------------------------------------------------------
def test_gb18030_text():
    doc = read_document("第一条　镇人民政府负责宅基地管理。\r\n\r\n第二条　喆堃。".encode("gb18030"), "draft.txt")
    assert doc.encoding == "gb18030"
    assert doc.paragraphs == ["第一条　镇人民政府负责宅基地管理。", "第二条　喆堃。"]
    assert "\r" not in doc.text


@pytest.mark.parametrize(("data", "encoding"), [
    ("\ufeff第一条　甲。".encode("utf-8"), "utf-8-sig"),
    ("\ufeff第一条　甲。".encode("utf-16-le"), "utf-16"),
    ("第一条　甲。".encode("utf-8"), "utf-8"),
])
def test_text_encodings(data, encoding):
    doc = read_document(data, "a.md")
    assert (doc.kind, doc.encoding, doc.text) == ("md", encoding, "第一条　甲。")


def test_a_damaged_byte_is_replaced_with_a_warning():
    doc = read_document("第一条　甲乙丙丁。\n".encode() * 50 + b"\xff" + "第二条　戊。".encode(), "draft.txt")
    assert doc.encoding == "utf-8" and doc.paragraphs[-1] == "\ufffd第二条　戊。"
    assert "1 处无法按 utf-8 解码" in doc.warnings[0]


def test_binary_named_txt():
    message = input_error(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "photo.txt")
    assert "photo.txt" in message and "不是文本文件" in message and "UTF-8" in message


def test_text_keeps_every_non_empty_line_even_chrome_like():
    # Only HTML gets chrome stripping: in a .txt every non-empty line is a 第N段 unit.
    doc = read_document("标题\n发布时间：2026-01-01\n\n正文。".encode(), "draft.txt")
    assert doc.paragraphs == ["标题", "发布时间：2026-01-01", "正文。"]


def test_html_page():
    html = """<html><head><meta charset="gb2312"><title>站点</title><style>p{}</style></head><body>
    <header>网站首页</header><nav>导航</nav>
    <div class="crumb">当前位置：首页 &gt; 政务公开</div>
    <h1>某县物业管理办法</h1><div>发布时间：2026-01-05　浏览次数：12</div>
    <p>第一条　为了<b>规范</b>物业管理，制定本办法。</p><p>第二条&nbsp;本办法自公布之日起施行。<br>第二款。</p>
    <table><tr><td>项目</td><td>标准</td></tr><tr><td>物业费</td><td>1.5元</td></tr></table>
    <script>var x = "第九条";</script><footer>版权所有</footer><div>打印本页 关闭窗口</div></body></html>"""
    doc = read_document(html.encode("gb18030"), "page.html")
    assert doc.encoding == "gb18030"
    assert doc.paragraphs == ["某县物业管理办法", "第一条　为了规范物业管理，制定本办法。", "第二条 本办法自公布之日起施行。",
                              "第二款。", "项目 | 标准", "物业费 | 1.5元"]


def test_html_layout_table_cells_are_blocks_not_a_row():
    long = "第一条　为了规范管理，制定本办法。" + "本办法适用于全县。" * 40
    html = f"<table><tr><td>导航</td><td><p>{long}</p><p>第二条　本办法自公布之日起施行。</p></td></tr></table>"
    assert read_document(html.encode(), "layout.htm").paragraphs == ["导航", long, "第二条　本办法自公布之日起施行。"]


def test_deeply_nested_html():
    html = "<div>" * 5000 + "第一条　正文。" + "</div>" * 5000
    assert read_document(html.encode(), "deep.html").paragraphs == ["第一条　正文。"]


# --- every way a file can be wrong ----------------------------------------------------------------
@pytest.mark.parametrize("data", [b"", b"  \r\n\t \n"])
def test_empty_file(tmp_path, data):
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    message = input_error(path)
    assert "empty.txt" in message and "文件为空" in message


def test_docx_without_text_is_empty(tmp_path):
    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    assert "文件为空" in input_error(path)


def test_oversized(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes("第一条".encode() * 1000)
    message = input_error(path, max_bytes=1024)
    assert "big.txt" in message and "1 KB 的上限" in message
    assert "超过 5 字节 的上限" in input_error(b"x" * 10, "big.md", max_bytes=5)
    assert "MB 的上限" in input_error(b"x" * (2**20 + 1), "big.md", max_bytes=2**20)


def test_unknown_and_old_formats():
    message = input_error(b"abc", "table.xlsx")
    assert "table.xlsx" in message and ".docx" in message and ".pdf" in message and ".html" in message
    assert "另存为" in input_error(b"\xd0\xcf\x11\xe0", "old.doc")


def test_missing_file_and_directory(tmp_path):
    assert "找不到文件" in input_error(tmp_path / "nope.txt")
    assert "文件夹" in input_error(tmp_path)


def test_path_traversal_name_reduced_to_basename(tmp_path):
    doc = read_document("第一条　甲。".encode(), "../../etc/x.txt")
    assert doc.name == "x.txt"
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere we can see


def test_upload_without_name_is_sniffed():
    assert read_document(text_pdf(["hello"])).kind == "pdf"
    assert read_document("第一条".encode()).kind == "txt"


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../x.docx", "x.docx"), ("C:\\Users\\a\\草案.docx", "草案.docx"), ("a\x00b\nc.txt", "abc.txt"),
    ("evil\u202etxt.exe", "eviltxt.exe"), ("..", "未命名文件"), ("", "未命名文件"), ('a<b>:"c".md', "a_b___c_.md"),
    (".hidden.md", "hidden.md"),
])
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


def test_safe_filename_length_keeps_extension():
    name = safe_filename("长" * 200 + ".docx")
    assert name.endswith(".docx") and len(name.encode()) <= 255


def test_read_text_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("關(guān)於".encode("utf-8"))
    assert read_text_file(path) == "关于"


# --- the real review cases ------------------------------------------------------------------------
@needs_cases
def test_gb18030_case_draft():
    doc = read_document(case_dir("n09") / "draft.txt")
    assert doc.encoding == "gb18030"
    assert "第一条" in doc.text and "宅基地" in doc.text


def _paragraph_locations(case: Path) -> list[int]:
    gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
    locations = [f.get("location") or "" for f in gold["findings"]] + gold.get("clean", [])
    return [int(m.group(1)) for loc in locations if (m := re.fullmatch(r"第(\d+)段", loc))]


@needs_cases
@pytest.mark.parametrize("case_json", sorted(CASES.glob("*/case.json")) if CASES.is_dir() else [],
                         ids=lambda p: p.parent.name[:3])
def test_case_drafts_read_and_gold_paragraphs_exist(case_json):
    case = case_json.parent
    draft = json.loads(case_json.read_text(encoding="utf-8"))["draft"]
    doc = read_document(case / draft)
    assert doc.paragraphs and doc.warnings == []
    assert all(n <= len(doc.paragraphs) for n in _paragraph_locations(case))


@needs_cases
def test_docx_paragraphs_are_the_gold_units():
    doc = read_document(case_dir("m04") / "draft.docx")
    assert len(doc.paragraphs) == 19
    assert doc.paragraphs[0].startswith("海湾区智慧安防小区建设实施方案")  # the title counts as 第1段
    assert "人脸" in doc.paragraphs[6 - 1]
    assert "明州智联科技有限公司" in doc.paragraphs[11 - 1]
    assert "维修资金" in doc.paragraphs[13 - 1]
    assert "提示标识" in doc.paragraphs[8 - 1]


@needs_cases
def test_docx_table_rows_in_text_not_in_paragraphs():
    doc = read_document(case_dir("n06") / "draft.docx")
    assert "生产性设备投资额 | 补助比例 | 单个项目补助上限" in doc.text
    assert "5000万元以上 | 7% | 200万元" in doc.text
    assert len(doc.paragraphs) == 17
    assert not any(" | " in p for p in doc.paragraphs)


# --- fuzz -----------------------------------------------------------------------------------------
_PREFIXES = [b"", b"PK\x03\x04", b"%PDF-1.4\n", b"\xef\xbb\xbf", b"\xff\xfe", b"<html><meta charset=gbk>"]


@settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(ext=st.sampled_from([".docx", ".pdf", ".txt", ".md", ".html", ""]), prefix=st.sampled_from(_PREFIXES),
       body=st.binary(max_size=2000))
def test_random_bytes_give_a_document_or_an_input_error(ext, prefix, body):
    try:
        doc = read_document(prefix + body, f"fuzz{ext}")
    except InputError as exc:
        assert str(exc).startswith("fuzz")
    else:
        assert isinstance(doc, Document) and doc.text.strip()


@pytest.fixture(scope="module")
def docx_bytes(tmp_path_factory) -> bytes:
    return make_docx(tmp_path_factory.mktemp("fuzz") / "seed.docx").read_bytes()


@settings(max_examples=50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8))
def test_damaged_docx_gives_a_document_or_an_input_error(docx_bytes, edits):
    data = bytearray(docx_bytes)
    for position, value in edits:
        data[position % len(data)] = value
    try:
        read_document(bytes(data), "damaged.docx")
    except InputError as exc:
        assert "damaged.docx" in str(exc)
