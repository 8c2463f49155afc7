"""The CLI renders library results in the DESIGN §5 shapes and maps errors to exit codes."""

import json
import subprocess
from pathlib import Path
import sys

import pytest

from tests.conftest import REVIEW_CASES


@pytest.fixture
def run(small_settings, small_kb, monkeypatch):
    """Run `fashen …` in a subprocess against the session's small knowledge base."""
    def _run(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
        env = {"FASHEN_HOME": str(small_settings.home), "FASHEN_KB__INCLUDE_LAWS_DB": "false",
               "FASHEN_KB__EMBEDDER": "none", "FASHEN_KB__PACKS": "", "PATH": "/usr/bin:/bin", "HOME": str(small_settings.home)}
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                              env=env, input=input, timeout=120)
    return _run


def test_search_json_shape(run):
    res = run("search", "《行政处罚法》第十六条", "-k", "3", "--format", "json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    hit = data["hits"][0]
    assert data["query"] == "《行政处罚法》第十六条"
    assert {k: hit[k] for k in ("instrument", "article", "article_no", "level", "status")} == {
        "instrument": "中华人民共和国行政处罚法", "article": "第十六条", "article_no": 16, "level": "法律",
        "status": "现行有效"}
    assert "其他规范性文件不得设定行政处罚" in hit["text"]


def test_bad_input_exits_2_with_a_message(run, tmp_path):
    res = run("search", "  ")
    assert res.returncode == 2 and "检索内容为空" in res.stderr
    res = run("review", str(tmp_path / "missing.docx"))
    assert res.returncode == 2 and "路径不存在" in res.stderr
    (tmp_path / "case").mkdir()
    res = run("review", str(tmp_path / "case"))
    assert res.returncode == 2 and "case.json" in res.stderr
    res = run("review", str(tmp_path / "case"), "--type", "law")
    assert res.returncode == 2 and "normative" in res.stderr
    res = run("search", "x", "--nope")
    assert res.returncode == 2


def test_an_invalid_stage_is_refused_at_each_boundary_listing_the_valid_ones(run, tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    (case / "draft.md").write_text("某县管理办法\n第一条　为了规范管理，制定本办法。\n", encoding="utf-8")
    (case / "case.json").write_text('{"draft": "draft.md", "stage": "审批"}', encoding="utf-8")
    res = run("review", str(case))  # case.json
    assert res.returncode == 2 and "case.json" in res.stderr and "审批" in res.stderr and "审核、备案" in res.stderr
    res = run("review", str(case / "draft.md"), "--stage", "批准")  # the command line
    assert res.returncode == 2 and "审查阶段“批准”无效：可用的值为 审核、备案" in res.stderr
    res = run("review", str(case / "draft.md"), "--stage", "filing", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["stage"] == "备案"


def test_first_use_builds_the_knowledge_base_and_the_library_says_how(tmp_path):
    env = {"FASHEN_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    res = subprocess.run([sys.executable, "-c", "from assistant.kb.base import open_kb; open_kb()"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode != 0 and "fashen ingest" in res.stderr
    env |= {"FASHEN_KB__INCLUDE_LAWS_DB": "false", "FASHEN_KB__EMBEDDER": "none", "FASHEN_KB__PACKS": ""}
    res = subprocess.run([sys.executable, "-m", "assistant.cli", "kb", "stats", "--format", "json"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "首次使用" in res.stderr and json.loads(res.stdout)["instruments"] > 100


def test_cite_check_reports_each_problem(run, tmp_path):
    doc = tmp_path / "draft.md"
    doc.write_text("第一条　依据《中华人民共和国行政处罚法》第十六条、《中华人民共和国广告法》第七十七条和"
                   "《中华人民共和国优化营商环境条例》第三条，制定本办法。\n", encoding="utf-8")
    res = run("cite-check", str(doc), "--format", "json")
    assert res.returncode == 0, res.stderr
    got = {c["text"]: c["status"] for c in json.loads(res.stdout)["citations"]}
    assert got["《中华人民共和国行政处罚法》第十六条"] == "verified"
    assert got["《中华人民共和国广告法》第七十七条"] == "article_not_found"
    assert got["《中华人民共和国优化营商环境条例》第三条"] == "instrument_unknown"


def test_cite_check_of_a_one_sentence_file_finds_its_citations(run, tmp_path):
    # No title line: the sentence itself must not be taken for the document's own title (which would hide it).
    doc = tmp_path / "note.txt"
    doc.write_text("依据《中华人民共和国行政处罚法》第十六条和《中华人民共和国广告法》第七十七条，制定本办法。\n", encoding="utf-8")
    res = run("cite-check", str(doc), "--format", "json")
    assert res.returncode == 0, res.stderr
    got = {c["text"]: c["status"] for c in json.loads(res.stdout)["citations"]}
    assert got == {"《中华人民共和国行政处罚法》第十六条": "verified", "《中华人民共和国广告法》第七十七条": "article_not_found"}


@pytest.mark.integration
@pytest.mark.skipif(not REVIEW_CASES.is_dir(), reason="../shared/evaldata/review/cases is not available")
def test_review_case_json_shape_and_draft_docx(run, tmp_path):
    case = next(REVIEW_CASES.glob("n01-*"))
    res = run("review", str(case), "--format", "json", "-o", str(tmp_path / "report.json"))
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["doc_type"] == "normative"
    found = {(f["code"], f.get("location")) for f in data["findings"]}
    assert ("C.PENALTY", "第二十二条") in found and ("P.PUBLIC_COMMENT", None) in found
    f = next(f for f in data["findings"] if f["code"] == "C.PENALTY")
    assert f["source"].startswith("rule:") and f["severity"] in ("error", "warning")
    assert all(b["verified"] for b in f["basis"])
    materials = sorted(str(m) for m in (case / "materials").iterdir())
    res = run("review", str(case / "draft.md"), "-m", *materials, "--format", "json")  # `-m a b c` as a shell glob gives
    assert res.returncode == 0, res.stderr
    assert [m["name"] for m in json.loads(res.stdout)["materials"]] == [Path(m).name for m in materials]
    res = run("draft", str(tmp_path / "report.json"), "-o", str(tmp_path / "意见书.docx"))
    assert res.returncode == 0, res.stderr
    from docx import Document

    text = "\n".join(p.text for p in Document(tmp_path / "意见书.docx").paragraphs)
    assert "合法性审查" in text and "第二十二条" in text


def test_review_explain_shows_the_measures_read_and_the_articles_compared(run, tmp_path):
    draft = tmp_path / "草案.md"
    draft.write_text("某镇民宿管理办法\n\n第一条　为规范民宿经营，制定本办法。\n\n"
                     "第二条　开办民宿的，须经镇人民政府审批同意后方可营业。\n\n"
                     "第三条　本办法自2026年12月1日起施行，有效期五年。\n", encoding="utf-8")
    res = run("review", str(draft), "--explain", "--format", "json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    (clause,) = [m for m in data["measures"] if m["location"] == "第二条"]
    (approval,) = clause["sentences"][0]["reading"]["approvals"]
    assert (approval["approver"], approval["kind"], approval["blocking"]) == ("镇人民政府", "authority", True)
    assert all("compared_with" in f for f in data["findings"])
    assert "measures" not in json.loads(run("review", str(draft), "--format", "json").stdout)
