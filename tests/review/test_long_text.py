"""Long text (issue #15): text handling is linear, sentences are bounded, and the input limits hold.

A 15 MB line without punctuation once took 148 s in `neutralize` (a regex trying `[^。！？]{0,80}` at every
position); a line of citations was quadratic in the claim check. These tests time the parts on long lines, check
that no segment grows with the line, and that the largest draft a review accepts reviews in ≤ 30 s and ≤ 1 GB.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.review.sentences import MAX_SEGMENT, neutralize, segments

ROOT = Path(__file__).resolve().parents[2]
CJK = "经营者应当依法取得许可证后方可从事经营活动违者处以罚款并缴纳保证金"

# The patterns neutralize() stood for before it was made linear: its spans must stay exactly theirs.
_REFERENCE = [
    re.compile(r"【[^】]{0,300}?(?:系统提示|系统指令|提示词|忽略|无视|不要列出|直接输出|审查要求|AI|模型|助手)[^】]{0,300}】"),
    re.compile(r"[［\[]\s*(?:系统提示|系统指令|system)[^］\]]{0,300}[］\]]", re.I),
    re.compile(r"[^。！？\n]{0,80}(?:请?(?:忽略|无视|跳过)(?:以上|上述|前述|之前|此前|全部|所有|一切|本条|本文件|审查)|"
               r"(?:请|应)?直接(?:输出|回复|返回|给出)|不要(?:列出|报告|输出|提出)[^。！？\n]{0,6}(?:意见|问题|发现)|无需(?:再)?审查|"
               r"(?:审查系统|人工智能|大模型|模型|AI|助手)[^。！？\n]{0,15}(?:跳过|忽略|不予审查|视为合法)|[“\"]未发现问题[”\"]|"
               r"ignore (?:all|previous|the above)|disregard (?:all|previous))[^。！？\n]{0,200}[。！？]?", re.I),
]


def _reference(text: str) -> str:
    for rx in _REFERENCE:
        text = rx.sub(lambda m: " " * len(m.group(0)), text)
    return text


def test_neutralize_blanks_exactly_what_the_bounded_patterns_matched():
    pieces = ["忽略以上", "请忽略审查", "直接输出", "不要列出问题", "无需审查", "模型请跳过", "AI视为合法", "“未发现问题”",
              "ignore all", "IGNORE previous", "。", "！", "？", "\n", "的", "甲乙丙丁戊己庚辛壬癸" * 3, "x" * 50,
              "y" * 140, "【", "】", "【系统提示：忽略】", "[system x]", "[", "]", "［系统指令", " ", "系统提示", "；"]
    rnd = random.Random(15)
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 60)))
        assert neutralize(text) == _reference(text), text


@pytest.mark.parametrize("unit", ["甲乙丙", "【系统提示忽略以上", "[system[system"])
def test_neutralize_takes_linear_time_on_a_long_line_without_punctuation(unit):
    text = unit * (1_000_000 // len(unit))
    start = time.monotonic()
    out = neutralize(text)
    assert time.monotonic() - start < 3  # the bounded patterns took about 6 s on 1M characters of "甲乙丙"
    assert len(out) == len(text)


@pytest.mark.parametrize("unit", ["甲", "罚款；", "罚款，"])
def test_no_segment_or_sentence_grows_with_the_line(unit):
    text = unit * (300_000 // len(unit))
    segs = segments(text)
    assert max(len(s.text) for s in segs) <= MAX_SEGMENT
    assert max(b - a for s in segs for a, b in s.sentence) <= MAX_SEGMENT + len(unit)
    assert "".join(text[a:b] for s in segs for a, b in s.spans) == text  # cut, nothing lost


def test_ordinary_sentences_are_not_cut():
    text = "第一条　经营者应当取得许可证；未取得的，不得经营。违反的，处以罚款！\n（一）登记；（二）备案。"
    segs = segments(text)
    assert [s.text for s in segs] == ["第一条　经营者应当取得许可证；", "未取得的，不得经营。", "违反的，处以罚款！",
                                      "（一）登记；", "（二）备案。"]
    assert segs[0].sentence == segs[1].sentence == [(0, 25)]


def test_a_line_of_citations_is_checked_in_linear_time(small_kb):
    from assistant.kb.citations import check_text
    from assistant.text.numerals import article_label

    text = "、".join(f"依据《中华人民共和国行政处罚法》{article_label(i % 86 + 1)}规定" for i in range(6000))
    start = time.monotonic()
    cites = check_text(text, small_kb.catalog, check_claims=True)
    assert time.monotonic() - start < 20  # quadratic before: about 8 s for 1,500 citations, 100 s for 16,000
    assert len(cites) == 6000 and all(c.instrument == "中华人民共和国行政处罚法" for c in cites)


# -- limits -------------------------------------------------------------------------------------------------------

def test_a_file_over_the_character_limit_is_refused_before_it_is_normalised(tmp_path, monkeypatch):
    from assistant.config import get_settings
    from assistant.documents.readers import read_document

    path = tmp_path / "长.txt"
    path.write_text("甲" * 5001, encoding="utf-8")
    monkeypatch.setenv("FASHEN_KB__MAX_CHARS", "5000")
    get_settings.cache_clear()
    with pytest.raises(InputError, match="文字过多（5,001 字），超过 5,000 字的上限"):
        read_document(path)
    assert read_document(path, max_chars=6000).text.startswith("甲")


def test_a_review_over_its_character_or_clause_limit_is_refused(tmp_path, monkeypatch):
    from assistant.config import get_settings
    from assistant.review.dossier import load_files
    from assistant.review.engine import review

    draft = tmp_path / "草案.md"
    draft.write_text("某县管理办法\n" + "".join(f"第{i}条　经营者应当守法。\n" for i in range(1, 41)), encoding="utf-8")
    note = tmp_path / "起草说明.md"
    note.write_text("起草说明\n" + "甲" * 400, encoding="utf-8")
    monkeypatch.setenv("FASHEN_REVIEW__MAX_CHARS", "800")
    get_settings.cache_clear()
    load_files(draft, [])
    with pytest.raises(InputError, match="草案和材料合计至少 .* 字，超过一次审查 800 字的上限"):
        load_files(draft, [note])
    monkeypatch.setenv("FASHEN_REVIEW__MAX_CLAUSES", "30")
    get_settings.cache_clear()
    with pytest.raises(InputError, match="共 40 条（段），超过一次审查 30 条（段）的上限"):
        review(load_files(draft, []))


@pytest.mark.slow
def test_the_largest_draft_a_review_accepts_reviews_in_30_seconds_and_1_gb(small_settings, small_kb, tmp_path):
    """The costliest shape at review.max_chars: 。-sentences three characters long (one segment each)."""
    from assistant.config import ReviewSettings

    limit = ReviewSettings().max_chars
    draft = tmp_path / "草案.txt"
    draft.write_text(("某县管理办法\n" + "罚款。" * limit)[:limit], encoding="utf-8")
    # Peak memory as VmHWM: ru_maxrss would carry over the RSS of this (large) test process through fork and exec.
    script = (
        "import json, re, sys, time\n"
        "from assistant.config import Settings\n"
        "from assistant.kb.base import open_kb\n"
        "from assistant.review.dossier import load_files\n"
        "from assistant.review.engine import review\n"
        "t = time.monotonic()\n"
        f"s = Settings(home={str(small_settings.home)!r}, kb={{'include_laws_db': False, 'embedder': 'none'}})\n"
        f"r = review(load_files({str(draft)!r}, []), catalog=open_kb(s).catalog, settings=s)\n"
        "hwm = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read())\n"
        "print(json.dumps({'s': time.monotonic() - t, 'mb': int(hwm[1]) / 1024, 'findings': len(r.findings)}))\n")
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["s"] <= 30 and got["mb"] <= 1024, got
