"""Character bigrams of Chinese text: the overlap measure shared by the citation checker and the review."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u4e00-\u9fff]+")


def bigrams(text: str) -> set[str]:
    """The bigrams inside each run of Chinese characters (none across punctuation, digits or Latin)."""
    return {run[i:i + 2] for run in _CJK.findall(text or "") for i in range(len(run) - 1)}
