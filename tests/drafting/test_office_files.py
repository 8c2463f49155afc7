"""The files fashen writes open in an office suite as they are: LibreOffice (headless) reads the annotated draft, the
意见书 and the batch workbook, renders them to PDF and saves them again with their comments, changes and sheets.
Skipped where LibreOffice is not installed (`apt-get install libreoffice-writer libreoffice-calc`; CI installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from assistant.drafting.annotate import annotate
from assistant.drafting.opinion import build_opinion
from assistant.drafting.spreadsheet import to_xlsx
from assistant.drafting.writers import to_docx
from assistant.review import run_review
from assistant.review.batch import review_batch
from assistant.review.pipeline import read_dossier
from tests.drafting.docx_read import changes, comments
from tests.drafting.test_annotate import FEE, write_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")]


def convert(path: Path, to: str, out: Path) -> Path:
    """`soffice --headless --convert-to` in a profile of its own; the converted file (it must exist)."""
    out.mkdir(exist_ok=True)
    profile = out / "profile"
    res = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", to,
                          "--outdir", str(out), str(path)], capture_output=True, text=True, timeout=180)
    target = out / (path.stem + "." + to.split(":")[0])
    assert res.returncode == 0 and target.is_file(), (res.stdout, res.stderr)
    return target


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def annotated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("annotated")
    draft = write_docx(folder / "草案.docx")
    report = run_review(read_dossier(draft, issuer="青禾县人民政府"), kb=None)
    annotate(draft, report, folder / "批注稿.docx")
    return folder / "批注稿.docx"


def test_the_annotated_draft_renders_to_pdf_with_its_comments(annotated, tmp_path):
    pdf = convert(annotated, 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}', tmp_path)
    assert "第二条" in pdf_text(pdf).replace(" ", "")
    notes = [a.get_object() for page in PdfReader(pdf).pages for a in page.get("/Annots") or []]
    texts = [str(a.get("/Contents")) for a in notes if a.get("/Subtype") == "/Text"]
    assert len(texts) == 7 and any(t.startswith("【违法收费（C.FEE）】") for t in texts)


def test_libreoffice_keeps_the_comments_and_the_change_when_it_saves_the_draft(annotated, tmp_path):
    saved = convert(annotated, "docx:MS Word 2007 XML", tmp_path).read_bytes()
    got = comments(saved)
    assert len(got) == 7 and any(c["anchored"] == FEE and c["text"].startswith("【违法收费（C.FEE）】") for c in got)
    # LibreOffice writes an insertion as one w:ins per script (有效期 / 5 / 年)
    found = changes(saved)
    assert "".join(t for kind, _, t in found if kind == "del") == "长期有效"
    assert "".join(t for kind, _, t in found if kind == "ins") == "有效期5年"


def test_the_opinion_renders_to_pdf(annotated, tmp_path):
    report = run_review(read_dossier(annotated.parent / "草案.docx", issuer="青禾县人民政府"), kb=None)
    to_docx(build_opinion(report), tmp_path / "意见书.docx")
    text = pdf_text(convert(tmp_path / "意见书.docx", "pdf", tmp_path / "pdf")).replace(" ", "")
    assert "合法性审查（审核）意见书" in text and "制定程序履行情况如下" in text


def test_the_batch_workbook_opens_and_keeps_its_sheets(tmp_path):
    folder = tmp_path / "备案"
    folder.mkdir()
    write_docx(folder / "甲.docx")
    (folder / "乙.txt").write_text("青禾县某办法\n第一条　违反本办法的，处以二千元罚款。\n", encoding="utf-8")
    (folder / "损坏.docx").write_bytes(b"PK\x03\x04 not a real docx")
    result = review_batch(folder)
    to_xlsx(result, tmp_path / "审查汇总.xlsx")
    saved = load_workbook(convert(tmp_path / "审查汇总.xlsx", "xlsx:Calc MS Excel 2007 XML", tmp_path / "out"))
    assert saved.sheetnames == ["问题清单", "文件汇总"]
    rows = list(saved["问题清单"].values)
    assert len(rows) == 1 + sum(len(d.findings) for d in result.documents)
    assert "损坏.docx" in [r[0] for r in saved["文件汇总"].values]
    text = pdf_text(convert(tmp_path / "审查汇总.xlsx", "pdf", tmp_path / "pdf")).replace(" ", "")
    assert "设立保证金、押金" in text and "无法审查" in text
