"""Batch 备案审查: every case folder and draft file of a folder, the unreadable ones listed with their reason, the
same results with one process or two, and the workbook holding one row per finding and one per document."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import pytest
from openpyxl import load_workbook

from assistant.drafting.spreadsheet import to_xlsx
from assistant.errors import InputError
from assistant.models import Stage
from assistant.review.batch import batch_items, doc_number, extract_zip, review_batch
from tests.conftest import REVIEW_CASES

FINE = ("青禾县养犬管理办法\n沪青府规〔2024〕3号\n第一条　为了规范养犬行为，制定本办法。\n"
        "第二条　违反本办法的，处以二千元罚款。\n第三条　本办法自2024年5月1日起施行，有效期五年。\n")


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "备案"
    (root / "甲镇").mkdir(parents=True)
    (root / "甲镇" / "办法.txt").write_text(FINE, encoding="utf-8")
    (root / "乙.md").write_text(FINE.replace("养犬", "停车"), encoding="utf-8")
    (root / "坏.docx").write_bytes(b"PK\x03\x04 broken")
    (root / "照片.jpg").write_bytes(b"\xff\xd8\xff")
    (root / "INDEX.md").write_text("# 目录\n", encoding="utf-8")
    if REVIEW_CASES.is_dir():
        shutil.copytree(next(REVIEW_CASES.glob("n01-*")), root / "n01")
    return root


def test_the_folder_holds_case_folders_and_drafts_and_says_what_it_skips(folder):
    items, skipped = batch_items(folder)
    names = [str(p.relative_to(folder)) for p in items]
    assert names == [*(["n01"] if REVIEW_CASES.is_dir() else []), "乙.md", "坏.docx", "甲镇/办法.txt"]
    assert {(d.name, d.error) for d in skipped} == {("照片.jpg", "不是可审查的文件类型（.jpg）"),
                                                    ("INDEX.md", "目录或说明文件，不作为草案审查")}


def test_every_document_is_reviewed_and_a_broken_one_does_not_stop_the_batch(folder):
    result = review_batch(folder)
    by_name = {d.name: d for d in result.documents}
    assert "Word 文档已损坏" in by_name["坏.docx"].error and not by_name["坏.docx"].findings
    town = by_name["甲镇/办法.txt"]
    assert town.error is None and town.stage == Stage.FILING and town.doc_number == "沪青府规〔2024〕3号"
    assert ("C.PENALTY", "第二条") in {(f.code, f.location) for f in town.findings}
    if REVIEW_CASES.is_dir():  # a case folder keeps its case.json's stage
        assert by_name["n01"].stage == Stage.REVIEW and by_name["n01"].title == "清源县农贸市场管理办法（送审稿）"


@pytest.mark.slow
def test_two_processes_give_the_same_results_as_one(folder):
    one, two = review_batch(folder, jobs=1), review_batch(folder, jobs=2)
    key = lambda r: [(d.name, d.error, [(f.code, f.location) for f in d.findings]) for d in r.documents]  # noqa: E731
    assert key(one) == key(two) and two.jobs == 2


def test_the_workbook_has_a_row_per_finding_and_one_per_document(folder, tmp_path):
    result = review_batch(folder)
    buf = io.BytesIO()
    to_xlsx(result, buf)
    wb = load_workbook(buf)
    assert wb.sheetnames == ["问题清单", "文件汇总"]
    rows = list(wb["问题清单"].values)
    assert rows[0] == ("文件", "标题", "文号", "位置", "代码", "类别", "问题", "原文", "说明", "依据", "修改建议", "严重程度")
    findings = [(d.name, f.code, f.location or "整体（程序）") for d in result.documents for f in d.findings]
    assert [(r[0], r[4], r[3]) for r in rows[1:]] == findings
    penalty = next(r for r in rows if r[0] == "甲镇/办法.txt" and r[4] == "C.PENALTY")
    assert penalty[2] == "沪青府规〔2024〕3号" and penalty[7] == "违反本办法的，处以二千元罚款。" and penalty[11] == "严重"
    summary = {r[0]: r for r in wb["文件汇总"].values if r and r[0]}
    assert summary["坏.docx"][6] == "无法审查" and "Word 文档已损坏" in summary["坏.docx"][12]
    assert summary["甲镇/办法.txt"][6:8] == ("已审查", len(next(d for d in result.documents if d.name == "甲镇/办法.txt").findings))
    assert summary["照片.jpg"][6] == "无法审查" and summary["INDEX.md"][6] == "跳过"
    assert [d.name for d in result.failed] == ["坏.docx", "照片.jpg"]


def test_the_doc_number_comes_from_case_json_or_the_text(tmp_path):
    (tmp_path / "case.json").write_text(json.dumps({"source": {"doc_no": "宝月府〔2017〕108号"}}), encoding="utf-8")
    assert doc_number("正文", tmp_path) == "宝月府〔2017〕108号"
    assert doc_number("关于印发的通知\n浦府规 [2023] 7号\n") == "浦府规[2023]7号"
    assert doc_number("没有文号的文件") is None


def test_an_uploaded_zip_is_unpacked_safely(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a/办法.txt", FINE)
        z.writestr("../../逃逸.txt", "x")
        z.writestr("gbkXXXX.txt", "y")
        z.writestr("__MACOSX/._a", "junk")
    # a Windows zip tool writes names in GBK without the UTF-8 flag
    data = buf.getvalue().replace(b"gbkXXXX.txt", "gbk名称.txt".encode("gbk"))
    out = extract_zip(data, tmp_path / "in", max_bytes=10_000, max_files=10)
    assert sorted(str(p.relative_to(tmp_path / "in")) for p in out) == ["a/办法.txt", "gbk名称.txt", "逃逸.txt"]
    assert not (tmp_path / "逃逸.txt").exists()
    with pytest.raises(InputError, match="超过上限 2 个"):
        extract_zip(data, tmp_path / "x", max_bytes=10_000, max_files=2)
    with pytest.raises(InputError, match="损坏或不是 zip"):
        extract_zip(b"not a zip", tmp_path / "y", max_bytes=10, max_files=2)
