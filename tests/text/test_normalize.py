"""Normalisation of real documents: pinyin noise, 繁→简, width, web chrome, and the whole pipeline."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.text.normalize import (
    is_traditional,
    normalize,
    normalize_width,
    strip_pinyin_noise,
    strip_web_chrome,
    to_simplified,
)
from assistant.text.structure import paragraph_lines

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
TRADITIONAL_SEED = SEEDS / "003_4251554c2f5bbf56.txt"
needs_seeds = pytest.mark.skipif(not TRADITIONAL_SEED.exists(), reason="../shared/seeds not available")
# Any parenthesised run of lowercase Latin letters right after a Han character is left-over noise.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
PINYIN_LEFT = re.compile(r"[\u4e00-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]{1,20}[)）]")


@pytest.mark.parametrize(("noisy", "clean"), [
    ("發(fā)展", "發展"), ("關(guān)於", "關於"), ("縣(xiàn)", "縣"), ("綠(lǜ)色", "綠色"),
    ("中國(zhōng guó)", "中國"), ("發(fā)(fā)展", "發展"), ("發（fā）展", "發展"), ("的(de)", "的"),
])
def test_pinyin_noise_removed(noisy, clean):
    assert strip_pinyin_noise(noisy) == clean


@pytest.mark.parametrize("text", [
    "實施方案(2022--2025年)", "(一)健全制度", "党组(党委)", "人工智能(AI)", "政府和社会资本合作(PPP)",
    "手机应用(app)", "网址(www)", "Beijing (fā)", "a(fa)", "(fā)开头",
])
def test_real_parentheses_kept(text):
    assert strip_pinyin_noise(text) == text


def test_to_simplified():
    assert to_simplified("關於發展縣級") == "关于发展县级"
    assert to_simplified("中华人民共和国行政处罚法") == "中华人民共和国行政处罚法"


def test_simplified_document_is_not_converted():
    # t2s alone damages the standard simplified 二噁英; a simplified document must come through intact.
    text = "主要担心焚烧产生二噁英影响健康。" * 3 + "垃圾焚烧发电项目选址方案公示情况说明。" * 10
    assert not is_traditional(text)
    assert normalize(text) == text
    assert is_traditional("關於印發實施方案的通知")


def test_width():
    assert normalize_width("指定２名以上ＡＢＣ人员，（一）“甲”：乙；") == "指定2名以上ABC人员，（一）“甲”：乙；"
    assert normalize_width("\u3000\u3000第⼀条") == "\u3000\u3000第一条"  # Kangxi radical from a PDF


@pytest.mark.parametrize("line", [
    "您的当前位置:首页 > 信息公开 > 其他 > 政府文件",
    "当前位置：首页 > 政务公开 > 部门文件",
    "首页 > 政务公开",
    "打印本页 关闭窗口",
    "【打印本页】【关闭窗口】",
    "分享到：",
    "【字体：大 中 小】",
    "来源：本网　发布时间：2023-01-05",
    "发布时间: 2017-05-17 16:16:23   作者:常平镇政府公众网   来源: 本站原创",
    "浏览次数：1234",
    "日期:2022-02-25",
    "扫一扫在手机打开当前页",
    "版权所有：广州市南沙区人民政府",
    "ICP备案号:粤ICP备19092744号-3 粤公网安备 44011502000005号",
    "网站标识码:4401150002",
    "技术支持：某某网络科技有限公司",
    "上一篇：关于印发某某办法的通知",
    "下一篇：无",
    "联系我们| 友情链接| 网站地图",
])
def test_chrome_lines_dropped(line):
    assert strip_web_chrome(f"正文第一段。\n{line}\n正文第二段。") == "正文第一段。\n正文第二段。"


@pytest.mark.parametrize("line", [
    "第五条　本办法所称来源，是指信息的出处。",
    "发布时间应当在决定作出之日起七日内，并载明来源。",
    "各单位要在首页显著位置公开政务信息。",
    "本规定自发布之日起施行。",
    "（三）上一篇文件已经废止的，不再执行；",
    "一、总体要求",
    "黄阁镇",
    "2022年8月5日",
    "日期：2026年1月5日",
    "日期：2026年1月5日　时间：上午9时",
    "时间：2026年11月至12月",
    "生产性设备投资额 | 补助比例 | 单个项目补助上限",
])
def test_prose_kept(line):
    assert strip_web_chrome(line) == line


@needs_seeds
def test_traditional_seed_with_pinyin_noise():
    raw = TRADITIONAL_SEED.read_text(encoding="utf-8")
    assert "發(fā)" in raw  # the fixture really is noisy
    text = normalize(raw)
    assert not PINYIN_LEFT.search(text)
    for simplified in ("发展", "县", "关于", "法治政府建设实施方案"):
        assert simplified in text
    for traditional in ("發", "縣", "關", "設"):
        assert traditional not in text
    assert "(2022--2025年)" in text
    assert "(一)" in text
    assert normalize(text) == text


@needs_seeds
@pytest.mark.parametrize(("seed", "phrases"), [
    ("000_8ed31749045a157e.txt", ["常平镇2017年依法行政工作要点", "(一)深化政府权责清单制度", "《法治政府建设实施纲要(2015-2020年)》"]),
    ("001_1f2c33d33d8eba69.txt", ["龙潭镇法治政府建设年度报告", "二、存在的不足", "“放管服”"]),
    ("002_a2e27f24c0c663aa.txt", ["恩平市2019年法治政府建设情况报告", "三、下一步工作设想"]),
    ("004_52b287d1ce68bad7.txt", ["黄阁镇2017年度依法行政示范单位创建工作总结", "广州市南沙区黄阁镇人民政府"]),
])
def test_simplified_seeds_unchanged(seed, phrases):
    raw = (SEEDS / seed).read_text(encoding="utf-8")
    squeeze = re.compile(r"\s+")
    # Without chrome stripping only whitespace may change, and no non-empty line appears or disappears.
    kept = normalize(raw, chrome=False)
    assert squeeze.sub("", kept) == squeeze.sub("", raw)
    assert len(paragraph_lines(kept)) == len(paragraph_lines(raw))
    text = normalize(raw)
    for phrase in phrases:
        assert phrase in text
    for chrome in ("当前位置", "首页 >", "ICP备", "扫一扫", "浏览次数", "版权所有"):
        assert chrome not in text
    assert normalize(text) == text


def test_pipeline_whitespace():
    raw = "第一条\u00a0甲\r\n\r\n\r\n\r\n\r\n第二条 乙\u200b丙  \r\n"
    assert normalize(raw) == "第一条 甲\n\n第二条 乙丙"


_PIECES = st.sampled_from([
    "發", "(fā)", "展", "（一）", "(2022--2025年)", "ＡＢ", "１２", "\n", "\r\n", "\n\n\n\n", " ", "\u3000", "\u00a0",
    "关于", "關於", "噁", "版权所有", "当前位置：首页 > 政务", "第一条", "。", "(AI)", "(de)", "(", ")", "ā", "x", "\u200b",
])


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_normalize_idempotent_and_keeps_lines(text):
    for chrome in (True, False):
        once = normalize(text, chrome=chrome)
        assert normalize(once, chrome=chrome) == once
    # Without chrome stripping the 第N段 count never changes: a line counts when it shows something.
    visible = [line for line in text.splitlines() if INVISIBLE.sub("", line).strip()]
    assert len(paragraph_lines(normalize(text, chrome=False))) == len(visible)
