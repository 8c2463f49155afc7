"""Fixtures for the Streamlit app tests: the session's small knowledge base as FASHEN_HOME, AppTest helpers."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from assistant.config import get_settings

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
if str(ROOT) not in sys.path:  # `webapp` sits beside app.py, outside the installed package
    sys.path.insert(0, str(ROOT))

# A hand-written draft: a county's normative document that sets a fine (第四条, C.PENALTY), a permit (第五条,
# C.LICENSE) and a deposit (第六条, C.FEE); 第二条 carries markup that must reach the page as text, never as HTML.
DRAFT = """# 青禾县共享单车停放管理办法（送审稿）

第一条　为了规范共享单车停放秩序，根据有关法律法规，结合本县实际，制定本办法。

第二条　本办法适用于本县城区范围内互联网租赁自行车的停放管理。<script>alert('x')</script>

第三条　县城市管理局负责共享单车停放的监督管理工作。

第四条　违反本办法规定乱停乱放的，由县城市管理局对运营企业处以五万元罚款。

第五条　运营企业在本县投放车辆前，应当取得县城市管理局核发的车辆投放许可证。

第六条　运营企业应当按每辆车二百元的标准向县城市管理局缴纳停放管理保证金。

第七条　本办法自2026年1月1日起施行，有效期五年。

青禾县人民政府
2025年11月20日
"""
CLEAN_DRAFT = DRAFT.replace("<script>alert('x')</script>", "")

DRAFT_NOTE = """# 关于《青禾县共享单车停放管理办法（送审稿）》的起草说明

一、制定的必要性
近年来共享单车乱停乱放问题突出，群众反映强烈。

二、制定依据
根据《中华人民共和国道路交通安全法》等法律法规。

三、起草过程
起草过程中征求了县公安局、县交通运输局等部门意见。

青禾县城市管理局
2025年11月10日
"""


def use_home(monkeypatch, home: Path) -> None:
    """Point the app at a data directory holding a lexical-only knowledge base."""
    monkeypatch.setenv("FASHEN_HOME", str(home))
    monkeypatch.setenv("FASHEN_KB__INCLUDE_LAWS_DB", "false")
    monkeypatch.setenv("FASHEN_KB__EMBEDDER", "none")
    monkeypatch.setenv("FASHEN_KB__PACKS", "")
    get_settings.cache_clear()


@pytest.fixture
def kb_home(small_kb, small_settings, tmp_path, monkeypatch) -> Path:
    """A data directory of this test's own (audit log, saved reviews, chat history) whose knowledge base is the
    session's small one, linked (read-only for tests: never ingest into it)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "kb").symlink_to(small_settings.home / "kb", target_is_directory=True)
    use_home(monkeypatch, home)
    yield home
    get_settings.cache_clear()


@pytest.fixture
def writable_kb_home(small_kb, small_settings, tmp_path, monkeypatch) -> Path:
    """A private copy of the small knowledge base, for tests that ingest or change statuses."""
    home = tmp_path / "home"
    shutil.copytree(small_settings.home / "kb", home / "kb", ignore=shutil.ignore_patterns(".lock"))
    use_home(monkeypatch, home)
    yield home
    get_settings.cache_clear()


@pytest.fixture
def no_kb_home(fashen_home, monkeypatch) -> Path:
    """An empty data directory: no knowledge base has been built."""
    use_home(monkeypatch, fashen_home)
    return fashen_home


@pytest.fixture
def draft_files() -> list[tuple[str, bytes, str]]:
    """The hand-written draft and its 起草说明, as uploads."""
    return [("共享单车停放管理办法（送审稿）.md", DRAFT.encode(), "text/markdown"),
            ("起草说明.md", DRAFT_NOTE.encode(), "text/markdown")]
