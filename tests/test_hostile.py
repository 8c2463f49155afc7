"""Hostile input (issue #15): the probe set through `fashen review`, `cite-check`, `ingest`, `kb list`, `search`
and the app's upload. Every probe ends with its exit code and a Chinese message that names the problem; none
prints a traceback; nothing outside a folder or a case directory is read; text from data is shown as it is.

Inputs are built in tmp at test time (the 15 MB line, the zip bomb, the encrypted PDF …). The CLI runs in this
process (its `main()`, output captured) except where a real process matters (logging, a fresh interpreter).
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.config import get_settings

ROOT = Path(__file__).resolve().parents[1]
PASSWD = "root:x:0:0"  # the first line of /etc/passwd: must never come out of a probe that points there
MARKUP_NAME = "县规定[red]:x:[b].md"  # "/" cannot be in a name; [/] goes in a folder's
MARKUP_TITLE = "青禾县[/]市场[red]管理规定:x:"
MARKUP_TEXT = "第一条　经营者[/]应当登记[red]账户 用户:x:1:1 :smile: 摊位[/red]。"
KB_ENV = {"FASHEN_KB__INCLUDE_LAWS_DB": "false", "FASHEN_KB__EMBEDDER": "none"}


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def fashen(*args: str) -> Run:
    """`fashen ARGS` through the real entry point, in this process, with stdout and stderr captured."""
    from assistant import cli

    out, err, argv = io.StringIO(), io.StringIO(), sys.argv
    sys.argv = ["fashen", *args]
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        sys.argv = argv
    return Run(code, out.getvalue(), err.getvalue())


def clean(run: Run) -> None:
    """No traceback, no leaked /etc/passwd, no markup error, no emoji made from data."""
    assert "Traceback" not in run.text and "MarkupError" not in run.text, run.text[-2000:]
    assert PASSWD not in run.text
    assert "❌" not in run.text and "😄" not in run.text


# -- the probes -------------------------------------------------------------------------------------------------

def _docx_with(document_xml: bytes) -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, document_xml if info.filename == "word/document.xml" else src.read(info))
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("secret")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


W = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


def byte_probes() -> dict[str, tuple[bytes, str]]:
    """Probes that are just bytes (a file on disk, or an upload)."""
    rnd = random.Random(15)
    line = "".join(rnd.choice("经营者应当依法取得许可证后方可从事经营活动违者处以罚款") for _ in range(5 * 2**20))
    return {
        "empty.md": (b"", "文件为空"),
        "random.txt": (rnd.randbytes(4096), "不是文本文件"),
        "random.docx": (rnd.randbytes(4096), "不是 Word 文档"),
        "zipbomb.docx": (_docx_with(W + b"<w:p><w:r><w:t>" + b"0" * (8 * 2**20) + b"</w:t></w:r></w:p></w:body></w:document>"),
                         "压缩炸弹"),
        "xxe.docx": (_docx_with(b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                + W + b"<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"), "DTD/实体声明"),
        "encrypted.pdf": (_encrypted_pdf(), "PDF 已加密"),
        "long-line.txt": (line.encode(), "文字过多"),  # 15 MB, one line, no punctuation
    }


@pytest.fixture(scope="module")
def probes(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Every unreadable probe as a path, with the message it must give."""
    d = tmp_path_factory.mktemp("probes")
    out = {}
    for name, (data, message) in byte_probes().items():
        (d / name).write_bytes(data)
        out[name] = (d / name, message)
    with open(d / "oversized.md", "wb") as fh:  # 60 MB, sparse: refused by its size before a byte is read
        fh.truncate(60 * 2**20)
    out["oversized.md"] = (d / "oversized.md", "文件过大")
    os.mkfifo(d / "pipe.md")
    out["pipe.md"] = (d / "pipe.md", "不是普通文件")
    out["/dev/zero"] = (Path("/dev/zero"), "不是普通文件")
    (d / "device.md").symlink_to("/dev/zero")
    out["device.md"] = (d / "device.md", "不是普通文件")
    return out


@pytest.fixture(scope="module")
def hostile(small_kb, small_settings, tmp_path_factory):
    """A copy of the small knowledge base with, ingested through the CLI: a file whose name and text carry rich
    markup and emoji codes, an XXE web page, and a folder holding links out of it, a FIFO and a device link."""
    home = tmp_path_factory.mktemp("hostile-home")
    shutil.copytree(small_settings.home / "kb", home / "kb", ignore=shutil.ignore_patterns(".lock"))
    d = tmp_path_factory.mktemp("hostile-src")
    (d / "目录[/]").mkdir(parents=True)  # a folder "目录[" holding "]"
    markup = d / "目录[/]" / MARKUP_NAME
    markup.write_text(f"{MARKUP_TITLE}\n\n{MARKUP_TEXT}\n第二条　本规定自公布之日起施行。\n", encoding="utf-8")
    xxe = d / "xxe.html"
    xxe.write_text('<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body>'
                   "<h1>某县网页管理办法</h1><p>第一条　网页内容&xxe;应当真实。</p></body></html>", encoding="utf-8")
    folder = d / "folder"
    folder.mkdir()
    (folder / "某县档案管理办法.md").write_text("某县档案管理办法\n\n第一条　档案应当妥善保管。\n", encoding="utf-8")
    (folder / "passwd.md").symlink_to("/etc/passwd")
    outside = d / "outside.md"
    outside.write_text("外部文件\n\n第一条　外部规定文字。\n", encoding="utf-8")
    (folder / "outside.md").symlink_to(outside)
    (folder / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.md")
    mp = pytest.MonkeyPatch()
    for k, v in {"FASHEN_HOME": str(home), **KB_ENV}.items():
        mp.setenv(k, v)
    get_settings.cache_clear()
    try:
        run = fashen("ingest", str(markup), str(xxe), str(folder))  # one ingest: each rebuilds the lexical index
    finally:
        mp.undo()
        get_settings.cache_clear()
    return {"home": home, "ingest": run, "markup": markup, "folder": folder}


@pytest.fixture
def in_hostile(hostile, monkeypatch):
    """Point this test at the hostile knowledge base."""
    for k, v in {"FASHEN_HOME": str(hostile["home"]), **KB_ENV}.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    yield hostile
    get_settings.cache_clear()


# -- files that cannot be read ----------------------------------------------------------------------------------

PROBE_NAMES = ["empty.md", "random.txt", "random.docx", "zipbomb.docx", "xxe.docx", "encrypted.pdf", "long-line.txt",
               "oversized.md", "pipe.md", "/dev/zero", "device.md"]


@pytest.mark.parametrize("name", PROBE_NAMES)
def test_an_unreadable_file_is_refused_by_review_cite_check_and_ingest_with_exit_2(in_hostile, probes, name):
    path, message = probes[name]
    generation = (in_hostile["home"] / "kb" / "CURRENT").read_text()
    for args in (["review", str(path)], ["cite-check", str(path)], ["ingest", str(path)],
                 ["review", str(path), "--format", "json"]):
        start = time.monotonic()
        run = fashen(*args)
        clean(run)
        assert run.code == 2, (args, run.text)
        assert message in run.err and Path(name).name in run.err, (args, run.err)
        assert run.out == ""
        assert time.monotonic() - start < 10, args  # refused early: never read in full, never waited on
    assert (in_hostile["home"] / "kb" / "CURRENT").read_text() == generation  # ingest changed nothing


def test_ingest_of_several_files_none_readable_lists_every_reason(in_hostile, probes):
    run = fashen("ingest", str(probes["empty.md"][0]), str(probes["encrypted.pdf"][0]))
    clean(run)
    assert run.code == 2 and "没有可导入的文件" in run.err
    assert "empty.md：" in run.err and "文件为空" in run.err and "PDF 已加密" in run.err


def test_a_case_json_whose_draft_climbs_out_of_the_case_is_refused(in_hostile, tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    (case / "case.json").write_text(json.dumps({"draft": "../../../../../../../../etc/passwd"}), encoding="utf-8")
    run = fashen("review", str(case))
    clean(run)
    assert run.code == 2 and "案件文件夹之外" in run.err
    (case / "draft.md").write_text("某县管理办法\n\n第一条　本办法自公布之日起施行。\n", encoding="utf-8")
    (case / "case.json").write_text(json.dumps({"draft": "draft.md", "materials": ["/etc/passwd"]}), encoding="utf-8")
    run = fashen("draft", str(case), "-o", str(tmp_path / "op.md"))
    clean(run)
    assert run.code == 2 and "/etc/passwd" in run.err and "案件文件夹之外" in run.err
    assert not (tmp_path / "op.md").exists()


def test_a_folder_ingest_reads_nothing_outside_the_folder_and_says_what_it_skipped(in_hostile):
    run = in_hostile["ingest"]
    clean(run)
    assert run.code == 0, run.text
    skipped = {line.split("：")[0].removeprefix("跳过 ").strip(): line for line in run.err.splitlines() if "跳过" in line}
    folder = in_hostile["folder"]
    assert "指向文件夹之外" in skipped[str(folder / "passwd.md")]
    assert "指向文件夹之外" in skipped[str(folder / "outside.md")]
    assert "不是普通文件" in skipped[str(folder / "pipe.md")]
    assert "指向文件夹之外" in skipped[str(folder / "zero.md")]
    listed = fashen("kb", "list", "--format", "json")
    titles = {i["title"] for i in json.loads(listed.out)}
    assert "某县档案管理办法" in titles and "外部文件" not in titles
    hits = json.loads(fashen("search", "root x 0 0 bin bash", "-k", "20", "--format", "json").out)["hits"]
    assert not any("/bin/bash" in h["text"] or PASSWD in h["text"] for h in hits)


def test_an_xxe_web_page_is_read_without_its_entity(in_hostile):
    hits = json.loads(fashen("search", "网页内容应当真实", "-k", "3", "--format", "json").out)["hits"]
    assert hits[0]["instrument"] == "某县网页管理办法" and PASSWD not in hits[0]["text"]


# -- markup and emoji codes in knowledge-base text and in file names ----------------------------------------------

def test_markup_and_emoji_codes_in_the_knowledge_base_are_shown_as_written(in_hostile):
    assert in_hostile["ingest"].code == 0, in_hostile["ingest"].text
    run = fashen("kb", "list")
    clean(run)
    assert run.code == 0 and MARKUP_TITLE in run.out
    for fmt in ("text", "md", "json"):
        run = fashen("search", "经营者应当登记账户摊位", "-k", "3", "--format", fmt)
        clean(run)
        assert run.code == 0, run.text
        shown = json.loads(run.out)["hits"][0]["text"] if fmt == "json" else run.out
        assert "经营者[/]应当登记[red]账户 用户:x:1:1 :smile: 摊位[/red]" in shown, (fmt, shown)
    run = fashen("search", f"《{MARKUP_TITLE}》第一条", "-k", "1")
    clean(run)
    assert f"《{MARKUP_TITLE}》第一条" in run.out


def test_markup_in_file_names_is_shown_as_written_and_a_missing_one_is_bad_input(in_hostile, tmp_path):
    for cmd in ("review", "ingest", "cite-check", "draft"):
        run = fashen(cmd, "nonexist[/][red]:x:.docx")
        clean(run)
        assert run.code == 2, (cmd, run.text)
        assert "nonexist[/][red]:x:.docx" in run.err, (cmd, run.err)
    (tmp_path / "目录[/]").mkdir(parents=True)
    draft = tmp_path / "目录[/]" / "草案[red]:x:.md"
    draft.write_text(f"青禾县市场管理办法\n\n{MARKUP_TEXT}\n第二条　依据《中华人民共和国行政处罚法》第十六条，制定本办法。\n",
                     encoding="utf-8")
    for args in (["review", str(draft)], ["review", str(draft), "--format", "md"], ["cite-check", str(draft)]):
        run = fashen(*args)
        clean(run)
        assert run.code == 0, (args, run.text)
    assert "《中华人民共和国行政处罚法》第十六条" in fashen("cite-check", str(draft)).out
    data = json.loads(fashen("review", str(draft), "--format", "json").out)
    assert data["title"] == "青禾县市场管理办法"


def test_an_unexpected_error_is_one_plain_line_even_when_its_message_holds_markup(monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("坏了 [/] [red] :x:")

    monkeypatch.setattr("assistant.review.pipeline.read_dossier", boom)
    run = fashen("review", "whatever.md")
    clean(run)
    assert run.code == 1 and "内部错误：坏了 [/] [red] :x:" in run.err


# -- ingest: nothing readable is an error, a partial ingest lists what it skipped, --strict refuses any skip ------

def test_ingest_strict_refuses_a_folder_with_any_unreadable_file_and_changes_nothing(in_hostile, probes, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "某县会议管理办法.md").write_text("某县会议管理办法\n\n第一条　会议应当准时召开。\n", encoding="utf-8")
    shutil.copy(probes["encrypted.pdf"][0], folder / "encrypted.pdf")
    current = in_hostile["home"] / "kb" / "CURRENT"
    before = current.read_text()
    run = fashen("ingest", str(folder), "--strict")
    clean(run)
    assert run.code == 2 and "--strict" in run.err and "PDF 已加密" in run.err
    assert current.read_text() == before


# -- a real process: no traceback, no DEBUG line ------------------------------------------------------------------

@pytest.mark.slow
def test_a_real_fashen_process_prints_markup_titles_and_no_debug_lines(in_hostile, tmp_path):
    env = {"FASHEN_HOME": str(tmp_path / "home"), **KB_ENV, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    shutil.copytree(in_hostile["home"] / "kb", tmp_path / "home" / "kb", ignore=shutil.ignore_patterns(".lock"))

    def real(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                              env=env, timeout=120, cwd=tmp_path)

    res = real("kb", "list")
    assert res.returncode == 0 and MARKUP_TITLE in res.stdout and "Traceback" not in res.stderr, res.stderr
    doc = tmp_path / "某县车辆管理办法.md"
    doc.write_text("某县车辆管理办法\n\n第一条　车辆应当定期检验。\n", encoding="utf-8")
    res = real("ingest", str(doc))
    assert res.returncode == 0, res.stderr
    assert "DEBUG" not in res.stderr and "bm25s" not in res.stderr, res.stderr
    res = real("review", "nonexist[/].docx")
    assert res.returncode == 2 and "Traceback" not in res.stderr and "nonexist[/].docx" in res.stderr


# -- the app's upload ------------------------------------------------------------------------------------------------

@pytest.fixture
def app_home(in_hostile, monkeypatch):
    monkeypatch.setenv("FASHEN_APP__MAX_UPLOAD_MB", "20")
    get_settings.cache_clear()
    return in_hostile


@pytest.mark.slow
def test_every_byte_probe_uploaded_for_review_is_refused_with_its_message(app_home):
    from tests.app.test_app import assert_no_traceback, new_app, review_uploads, texts

    for name, (data, message) in byte_probes().items():
        upload = f"草案{name}" if name != "long-line.txt" else "草案.txt"
        at = review_uploads(new_app(), [(upload, data, "application/octet-stream")])
        assert_no_traceback(at)
        errors = texts(at.error)
        assert any(message in e and "草案无法读取" in e for e in errors), (name, errors)
        assert "review" not in at.session_state


def test_hostile_upload_names_are_shown_as_written(app_home):
    from tests.app.test_app import assert_no_traceback, new_app, review_uploads, texts

    from webapp.render import md_escape

    name = "草案[red]**粗体**[链接](x)`代码`~~删~~:smile:.md"
    shown = "草案[red]__粗体__[链接](x)`代码`~~删~~_smile_.md"  # an upload's name loses / \\ : * (safe_filename)
    at = review_uploads(new_app(), [(name, b"", "text/markdown")])
    assert_no_traceback(at)
    # The message is Markdown: the name must arrive escaped, so that it renders as written (no link, no code).
    assert any(md_escape(shown) in e.value and "文件为空" in e.value for e in at.error), [e.value for e in at.error]
    at = review_uploads(new_app(), [(name, f"青禾县市场管理办法\n\n{MARKUP_TEXT}\n".encode(), "text/markdown")])
    assert_no_traceback(at)
    assert "review" in at.session_state


def test_an_unreadable_upload_to_the_knowledge_base_says_why(app_home):
    from tests.app.test_app import assert_no_traceback, new_app, open_page, texts

    at = open_page(new_app(), "webapp/kb.py")
    data, message = byte_probes()["encrypted.pdf"]
    at.file_uploader(key="kb_upload").set_value([("规定.pdf", data, "application/pdf")]).run()
    at.button(key="kb_ingest_files").click().run()
    assert_no_traceback(at)
    assert any("没有可导入的文件" in e and message in e for e in texts(at.error)), texts(at.error)


def test_the_browser_leaves_refusing_big_uploads_to_the_app(app_home):
    """Streamlit's uploader refuses files over its own limit in English ("File must be 20.0MB or smaller"): it is
    set to the server's limit, so that the app refuses anything over app.max_upload_mb with its Chinese message."""
    import streamlit as st

    from tests.app.test_app import new_app, open_page

    server_mb = st.get_option("server.maxUploadSize")
    for page, key in (("webapp/review.py", "review_files"), ("webapp/kb.py", "kb_upload")):
        at = open_page(new_app(), page)
        assert at.file_uploader(key=key).proto.max_upload_size_mb == server_mb > get_settings().app.max_upload_mb
