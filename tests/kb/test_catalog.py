"""The catalog resolves titles exactly and keeps statuses; sources parse every shipped text."""

import yaml

from assistant.kb.catalog import Catalog, normalize_title
from assistant.kb.sources import SOURCES_DIR, guess_level, load_shipped, parse_status
from assistant.models import Article, Instrument, Level, Status


def test_normalize_title_strips_brackets_and_version_notes():
    assert normalize_title("《中华人民共和国行政处罚法》") == "中华人民共和国行政处罚法"
    assert normalize_title("行政复议法实施条例（2007年版）") == "行政复议法实施条例"
    assert normalize_title("最高人民法院关于适用《中华人民共和国行政诉讼法》的解释") == \
        "最高人民法院关于适用中华人民共和国行政诉讼法的解释"


def test_resolve_short_names_aliases_and_exact_national_titles(catalog):
    assert catalog.resolve("行政处罚法").title == "中华人民共和国行政处罚法"
    assert catalog.resolve("《行政许可法》").title == "中华人民共和国行政许可法"
    assert catalog.resolve("组织法").title == "中华人民共和国地方各级人民代表大会和地方各级人民政府组织法"
    assert catalog.resolve("行诉法解释").title == "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释"
    # The national 条例 has no prefix; the provincial ones must not answer for it, nor a wrong title.
    assert catalog.resolve("优化营商环境条例").title == "优化营商环境条例"
    assert catalog.resolve("中华人民共和国优化营商环境条例") is None
    assert catalog.resolve("重大行政决策程序条例") is None


def test_repealed_instruments_stay_findable_with_status(catalog):
    env = catalog.resolve("环境保护法")
    assert env.status == Status.REPEALED
    assert catalog.get_article(env.id, 63) is not None
    filing = catalog.resolve("法规规章备案条例")
    assert filing.status == Status.REPEALED and filing.replaced_by == "法规规章备案审查条例"


def test_shipped_instruments_match_manifest_article_counts():
    manifest = yaml.safe_load((SOURCES_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    loaded = {x.instrument.title: x for x in load_shipped()}
    for entry in manifest["instruments"]:
        got = loaded[entry["title"]]
        assert got.articles, entry["title"]
        assert got.instrument.provenance.sha256 == entry["provenance"]["sha256"]
    assert len(loaded["重大行政决策程序暂行条例"].articles) == 44
    art16 = next(a for a in loaded["中华人民共和国行政处罚法"].articles if a.number == 16)
    assert art16.id == "中华人民共和国行政处罚法:16" and art16.label == "第十六条"


def test_upsert_is_idempotent_and_replaces_changed_instruments(tmp_path):
    cat = Catalog(tmp_path / "c.sqlite")
    inst = Instrument(id="x", title="某县测试办法", level=Level.NORMATIVE)
    arts = [Article(id="x:1", instrument_id="x", instrument_title="某县测试办法", number=1, label="第一条", text="甲")]
    assert cat.upsert(inst, arts) is True
    fp = cat.fingerprint()
    assert cat.upsert(inst, arts) is False
    assert cat.fingerprint() == fp
    arts2 = [arts[0].model_copy(update={"text": "乙"})]
    assert cat.upsert(inst, arts2) is True
    assert cat.get_article("x", 1).text == "乙" and cat.fingerprint() != fp
    cat.set_status("x", Status.REPEALED, "2026年废止")
    assert cat.get_instrument("x").status == Status.REPEALED
    assert cat.get_article("x", 1).status == Status.REPEALED


def test_status_and_level_parsing():
    assert parse_status("已废止（2026-08-15）") == Status.REPEALED
    assert parse_status("现行有效") == Status.CURRENT
    assert parse_status("已被修订（2026-04-29修订）") == Status.AMENDED
    assert guess_level("某县人民政府关于印发农贸市场管理办法的通知") == Level.NORMATIVE
    assert guess_level("某市人民政府令第3号 某市养犬管理规定") == Level.RULE
