"""法审助手 — the web app (`streamlit run app.py`): pages 问答 · 审查 · 意见书 · 知识库 · 评测.

A thin layer: every page calls `assistant` and renders the Pydantic objects it returns (see webapp/).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `webapp` sits beside this file; AppTest does not add the script's folder
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from webapp.shell import main  # noqa: E402

main()
