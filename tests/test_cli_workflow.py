"""The workflow at the command line, as a user types it: decisions from a file, the annotated draft, a saved review
listed, shown, reopened for the 意见书 and deleted, the batch to Excel, the chat history exported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import REVIEW_CASES
from tests.drafting.docx_read import changes, comments

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not REVIEW_CASES.is_dir(), reason="../shared/evaldata/review/cases is not available")]


@pytest.fixture
def fashen(small_settings, small_kb, tmp_path):
    """`fashen …` in a data directory of its own whose knowledge base is the session's small one."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "kb").symlink_to(small_settings.home / "kb", target_is_directory=True)

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        env = {"FASHEN_HOME": str(home), "FASHEN_KB__INCLUDE_LAWS_DB": "false", "FASHEN_KB__EMBEDDER": "none",
               "PATH": "/usr/bin:/bin", "HOME": str(home), "FASHEN_USER": "王五",
               "PYTHONPATH": str(ROOT)}  # this checkout's code, run from the test's folder
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, env=env,
                              timeout=300, cwd=tmp_path, input=stdin)
    return run


def test_review_with_decisions_annotates_saves_and_drafts_from_the_saved_review(fashen, tmp_path):
    case = next(REVIEW_CASES.glob("n04-*"))
    (tmp_path / "决定.json").write_text(json.dumps({
        "decisions": [{"finding": "C.PENALTY@第十九条", "action": "reject", "reason": "上位法已有规定"}],
        "added": [{"code": "C.OBLIGATION", "location": "第七条", "basis": "《中华人民共和国行政许可法》第十六条"}],
    }, ensure_ascii=False), encoding="utf-8")
    res = fashen("review", str(case), "--decisions", "决定.json", "--annotate", "批注稿.docx", "--save",
                 "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    decided = {f["id"]: f["decision"] for f in out["findings"]}
    assert decided["C.PENALTY@第十九条"] == "reject" and decided["C.OBLIGATION@第七条"] == "added"
    assert out["decisions"]["reject"] == 1 and out["decisions"]["added"] == 1
    data = (tmp_path / "批注稿.docx").read_bytes()
    kept = len(out["findings"]) - 1
    assert len(comments(data)) == kept and "批注 %d 条，修订 1 处" % kept in res.stderr
    assert [(k, t) for k, _, t in changes(data)] == [("del", "有效期十年"), ("ins", "有效期五年")]
    sid = res.stderr.split("已保存审查记录 ")[1].split("（")[0]

    listed = fashen("review", "list", "--format", "json")
    assert [(r["id"], r["user"], r["kept"]) for r in json.loads(listed.stdout)] == [(sid, "王五", kept)]
    shown = json.loads(fashen("review", "show", sid, "--format", "json").stdout)
    assert shown["session"] == sid and shown["decisions"] == out["decisions"]

    drafted = fashen("draft", sid, "-o", "意见书.md")
    assert drafted.returncode == 0, drafted.stderr
    opinion = (tmp_path / "意见书.md").read_text(encoding="utf-8")
    assert "关于第七条" in opinion and "关于第十九条" not in opinion

    again = fashen("review", "show", sid, "--annotate", "再次.docx")
    assert again.returncode == 0 and len(comments((tmp_path / "再次.docx").read_bytes())) == kept

    audit = json.loads(fashen("audit", "list", "--format", "json").stdout)
    assert {"review", "decision", "annotate", "draft"} <= {e["kind"] for e in audit}
    assert next(e for e in audit if e["kind"] == "decision")["summary"] == "审查决定：采纳 0，不采纳 1，修改 0，补充 1"

    assert fashen("review", "delete", sid).returncode == 0
    gone = fashen("review", "show", sid)
    assert gone.returncode == 2 and "没有编号为" in gone.stderr


def test_a_decision_on_an_unknown_finding_exits_2_naming_the_valid_ids(fashen, tmp_path):
    (tmp_path / "d.json").write_text('{"decisions": [{"finding": "C.FEE@第九十九条", "action": "accept"}]}')
    res = fashen("review", str(next(REVIEW_CASES.glob("n04-*"))), "--decisions", "d.json")
    assert res.returncode == 2 and "可用的编号" in res.stderr and "C.PENALTY@第十九条" in res.stderr


def test_batch_review_to_excel_lists_what_it_could_not_review(fashen, tmp_path):
    folder = tmp_path / "备案"
    folder.mkdir()
    for case in sorted(REVIEW_CASES.glob("n0[1-3]-*")):
        shutil.copytree(case, folder / case.name)
    (folder / "坏.pdf").write_bytes(b"%PDF-1.4 broken")
    res = fashen("review", str(folder), "--batch", "-o", "汇总.xlsx", "--jobs", "2")
    assert res.returncode == 0, res.stderr
    assert "已审查 3 份" in res.stdout and "无法审查 坏.pdf" in res.stderr
    wb = load_workbook(tmp_path / "汇总.xlsx")
    assert {r[0] for r in list(wb["问题清单"].values)[1:]} == {c.name for c in REVIEW_CASES.glob("n0[1-3]-*")}
    assert fashen("review", str(folder), "--batch", "-o", "汇总.csv").returncode == 2


def test_chat_history_is_kept_and_exported(fashen, tmp_path):
    res = fashen("chat", stdin="行政处罚法第十六条是怎么规定的？\nexit\n")
    assert res.returncode == 0, res.stderr
    assert fashen("chat", "--export", "问答.md").returncode == 0
    text = (tmp_path / "问答.md").read_text(encoding="utf-8")
    assert "用户：王五　共 1 问" in text and "### 问：行政处罚法第十六条是怎么规定的？" in text
    assert fashen("chat", "--export", "问答.docx").returncode == 0 and (tmp_path / "问答.docx").stat().st_size > 0
    assert "已删除用户 王五 的 1 条问答记录" in fashen("chat", "--clear").stdout
