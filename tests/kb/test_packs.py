"""Shipped packs and regions: provenance that checks out, versions and local rules in a real (tiny) ingest,
citations judged by the version in force on the draft's date, and the commands that read them."""

import json
import shutil
import tarfile
from datetime import date

import pytest
import yaml
from typer.testing import CliRunner

from assistant.config import Settings
from assistant.errors import InputError
from assistant.kb.base import KnowledgeBase, current_generation
from assistant.kb.citations import check_text, verify_reference
from assistant.kb.ingest import ingest_default
from assistant.kb.packs import available_regions, write_pack
from assistant.kb.sources import SOURCES_DIR
from assistant.models import CitationStatus, Status

PACKS = SOURCES_DIR / "packs"
REVIEW_LAW = "中华人民共和国行政复议法"


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name", sorted(p.stem for p in PACKS.glob("*.yaml")))
def test_every_shipped_text_is_the_file_its_provenance_names(name):
    manifest = yaml.safe_load((PACKS / f"{name}.yaml").read_text(encoding="utf-8"))
    assert manifest["source"]["repository"] == "LawRefBook/Laws" and len(manifest["source"]["commit"]) == 40
    with tarfile.open(PACKS / manifest["archive"], "r:xz") as tar:
        data = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    entries = manifest["instruments"]
    assert sorted(data) == sorted(e["file"] for e in entries)
    assert all(_sha256(data[e["file"]]) == e["sha256"] for e in entries)
    assert all(e["level"] in ("行政法规", "司法解释", "规章", "法律", "地方性法规") for e in entries)


def test_seven_provinces_ship():
    assert available_regions() == ["上海", "北京", "山东", "广东", "河南", "浙江", "重庆"]


def _entries(name: str, files: list[str]) -> list[tuple[dict, bytes]]:
    manifest = yaml.safe_load((PACKS / f"{name}.yaml").read_text(encoding="utf-8"))
    with tarfile.open(PACKS / manifest["archive"], "r:xz") as tar:
        out = [(e, tar.extractfile(e["file"]).read()) for e in manifest["instruments"] if e["file"] in files]
    assert len(out) == len(files)
    return out


@pytest.fixture(scope="module")
def tiny_sources(tmp_path_factory):
    """行政复议法 (2023, shipped) with its 2017 version from the national pack, 上海市优化营商环境条例 (2024, shipped)
    with its 2020 version and the 上海市住宅物业管理规定 (2010, 2020) from the Shanghai pack, the procedure texts."""
    root = tmp_path_factory.mktemp("sources")
    manifest = yaml.safe_load((SOURCES_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    keep = [e for e in manifest["instruments"] if e["title"] in (REVIEW_LAW, "上海市优化营商环境条例")]
    policy = yaml.safe_load((SOURCES_DIR / "policy.yaml").read_text(encoding="utf-8"))
    for e in keep + [p for p in policy["instruments"] if p.get("file")]:
        (root / e["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCES_DIR / e["file"], root / e["file"])
    (root / "manifest.yaml").write_text(yaml.safe_dump({"instruments": keep, "superseded": []}, allow_unicode=True),
                                        encoding="utf-8")
    shutil.copyfile(SOURCES_DIR / "policy.yaml", root / "policy.yaml")
    source = {"repository": "LawRefBook/Laws", "commit": "0" * 40}
    write_pack(root / "packs", "national", _entries("national", ["诉讼与非诉讼程序法/行政复议法(2017-09-01).md"]),
               "test", source=source)
    sh = "DLC/上海地方法规/地方性法规/上海/"
    write_pack(root / "packs", "region-上海", _entries("region-上海", [
        f"{sh}上海市优化营商环境条例(2020-04-10).md", f"{sh}上海市优化营商环境条例(2024-09-27).md",
        f"{sh}上海市住宅物业管理规定(2010-12-23).md", f"{sh}上海市住宅物业管理规定(2020-12-30).md"]),
        "test", source=source, region="上海")
    return root


@pytest.fixture(scope="module")
def tiny_kb(tiny_sources, tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("home"),
                        kb={"include_laws_db": False, "embedder": "none", "sources_dir": tiny_sources})
    first = ingest_default(settings)
    assert first.regions == [] and first.instruments == 9  # 行政复议法 ×2, 上海市优化营商环境条例, 6 procedure texts
    result = ingest_default(settings, regions=["上海市"])
    assert result.regions == ["上海"]
    return settings, KnowledgeBase(current_generation(settings), settings)


def test_versions_of_a_law_with_dates_and_status(tiny_kb):
    _, kb = tiny_kb
    current = kb.catalog.resolve("行政复议法")
    versions = kb.catalog.versions(current)
    assert [(v.id, v.promulgation_date, v.effective_date, v.status) for v in versions] == [
        (f"{REVIEW_LAW}@2017-09-01", date(2017, 9, 1), date(2018, 1, 1), Status.AMENDED),
        (REVIEW_LAW, date(2023, 9, 1), date(2024, 1, 1), Status.CURRENT)]
    assert current.provenance.source == "knowledge_base"
    assert versions[0].provenance.note == "诉讼与非诉讼程序法/行政复议法(2017-09-01).md"
    assert versions[0].history[-1].startswith("2017年9月1日")


def test_only_the_current_version_is_searched(tiny_kb):
    _, kb = tiny_kb
    hits = kb.search("行政复议 申请期限 六十日", 20)
    assert hits and all(h.article.instrument_id == REVIEW_LAW or "行政复议法" not in h.article.instrument_id
                        for h in hits)


def test_a_citation_is_judged_by_the_version_in_force_on_the_drafts_date(tiny_kb):
    _, kb = tiny_kb
    old = kb.catalog.get_article(f"{REVIEW_LAW}@2017-09-01", 7)
    text = f"根据《中华人民共和国行政复议法》第七条“{old.text[:40]}”的规定，……"
    then = check_text(text, kb.catalog, as_of=date(2020, 5, 1))[0]
    assert then.status == CitationStatus.VERIFIED and then.reason == "按2017年9月1日公布的版本核对（2020年5月1日时施行）"
    now = check_text(text, kb.catalog, as_of=date(2026, 5, 1))[0]
    assert now.status == CitationStatus.QUOTE_MISMATCH
    gone = verify_reference(kb.catalog, "行政复议法", "第九十五条")
    assert gone.status == CitationStatus.NO_SUCH_ARTICLE


def test_the_region_pack_adds_local_rules_and_a_shipped_text_wins_over_the_packs(tiny_kb):
    _, kb = tiny_kb
    biz = kb.catalog.resolve("上海市优化营商环境条例")
    assert (biz.region, biz.provenance.source, biz.status) == ("上海", "knowledge_base", Status.CURRENT)
    assert [v.promulgation_date.year for v in kb.catalog.versions(biz)] == [2020, 2024]
    prop = kb.catalog.resolve("上海市住宅物业管理规定")
    assert prop.level == "地方性法规" and prop.region == "上海" and prop.issuer == "上海市人民代表大会常务委员会"
    assert kb.regions == ["上海"]
    hit = kb.search("住宅物业 业主大会 成立", 5)[0]
    assert hit.article.instrument_title == "上海市住宅物业管理规定"


def test_regions_are_remembered_dropped_and_unknown_ones_refused(tiny_kb, tiny_sources, tmp_path):
    settings, _ = tiny_kb
    again = ingest_default(settings)  # the default update keeps the province added before
    assert again.regions == ["上海"] and not again.changed
    with pytest.raises(InputError, match="可选：上海、北京、山东、广东、河南、浙江、重庆"):
        ingest_default(Settings(home=tmp_path, kb={"include_laws_db": False, "embedder": "none"}), regions=["西藏"])
    dropped = ingest_default(settings, drop_regions=["上海"])
    assert dropped.regions == [] and dropped.changed
    kb = KnowledgeBase(current_generation(settings), settings)
    assert kb.catalog.resolve("上海市住宅物业管理规定") is None
    assert kb.catalog.resolve("上海市优化营商环境条例").provenance.source == "knowledge_base"  # shipped, not the pack's
    assert [v.promulgation_date.year for v in kb.catalog.versions(kb.catalog.resolve("上海市优化营商环境条例"))] == [2024]
    ingest_default(settings, regions=["上海"])


def test_procedure_texts_verify_and_titles_without_text_resolve_as_such(tiny_kb):
    _, kb = tiny_kb
    review = kb.catalog.resolve("国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见")
    assert (review.level, review.document_number, review.text_complete) == ("国务院规范性文件", "国办发〔2018〕115号", True)
    assert "合法性审核时间一般不少于5个工作日" in kb.catalog.get_article(review.id, 2).text
    notice = verify_reference(kb.catalog, "国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知")
    assert notice.verified and notice.reason == "收录题录，未收全文"
    article = verify_reference(kb.catalog, "国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知", "第三条")
    assert article.status == CitationStatus.NO_ARTICLE and "题录" in article.reason


@pytest.fixture
def cli(tiny_kb, monkeypatch):
    """Invoke `fashen …` on the tiny knowledge base."""
    from assistant.cli import app
    from assistant.config import get_settings

    settings, _ = tiny_kb
    monkeypatch.setenv("FASHEN_HOME", str(settings.home))
    monkeypatch.setenv("FASHEN_KB__SOURCES_DIR", str(settings.kb.sources_dir))
    monkeypatch.setenv("FASHEN_KB__INCLUDE_LAWS_DB", "false")
    monkeypatch.setenv("FASHEN_KB__EMBEDDER", "none")
    get_settings.cache_clear()
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cite_check_judges_a_document_by_its_own_date(tiny_kb, cli, tmp_path):
    _, kb = tiny_kb
    old = kb.catalog.get_article(f"{REVIEW_LAW}@2017-09-01", 7)
    doc = tmp_path / "决定.md"
    doc.write_text(f"# 某县人民政府关于某事项的决定\n\n根据《中华人民共和国行政复议法》第七条“{old.text[:40]}”的规定，"
                   "决定如下。\n\n某县人民政府\n\n2020年5月1日\n", encoding="utf-8")
    then = json.loads(cli("cite-check", str(doc), "-f", "json").output)
    assert then["as_of"] == "2020-05-01" and [c["status"] for c in then["citations"]] == ["verified"]
    now = json.loads(cli("cite-check", str(doc), "--date", "2026-05-01", "-f", "json").output)
    assert [c["status"] for c in now["citations"]] == ["quote_differs"]
    assert isinstance(cli("cite-check", str(doc), "--date", "2026-13-01").exception, InputError)


def test_kb_versions_and_show_commands(cli):
    out = cli("kb", "versions", "行政复议法")
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == [
        "《中华人民共和国行政复议法》共 2 个版本：",
        "  2017-09-01公布、2018-01-01施行　已修改　43条　已被2023年9月1日公布的版本取代",
        "  2023-09-01公布、2024-01-01施行　现行有效（现行，默认引用）　90条"]
    data = json.loads(cli("kb", "versions", "行政复议法", "-f", "json").output)
    assert [v["status"] for v in data] == ["已修改", "现行有效"]
    shown = cli("kb", "show", "行政复议法", "--version", "2017-09-01")
    assert shown.exit_code == 0 and "修订沿革：" in shown.output and "第一章 总则" in shown.output
    assert "第四十三条" in shown.output and "第九十条" not in shown.output
    toc = cli("kb", "show", "行政复议法", "--toc").output
    assert "目录：" in toc and "第一条" not in toc.split("目录：")[0]
    missing = cli("kb", "versions", "不存在的条例")
    assert isinstance(missing.exception, InputError) and "知识库中没有《不存在的条例》" in str(missing.exception)
