"""Citation extraction and checking: every written form, the PRIMER §5 error list, and the dev drafts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.kb.citations import (
    check_citation,
    check_text,
    claim_mismatch,
    extract_citations,
    format_citation,
    mark_unverified,
    suggest_instrument,
    verify_reference,
)
from assistant.models import CitationStatus as S
from assistant.text.structure import parse_articles

CASES = Path(__file__).resolve().parents[2].parent / "shared" / "evaldata" / "review" / "cases"
SPC_ADMIN_LITIGATION = "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释"
PRC_ENV = "中华人民共和国环境保护法"
PRC_SOLID_WASTE = "中华人民共和国固体废物污染环境防治法"


def one(text: str, catalog, **kw):
    """The single citation found in `text`."""
    found = check_text(text, catalog, **kw)
    assert len(found) == 1, [c.text for c in found]
    return found[0]


# -- forms ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, written, instrument, article", [
    ("《中华人民共和国行政处罚法》第十六条", "《中华人民共和国行政处罚法》第十六条", "中华人民共和国行政处罚法", "第十六条"),
    ("依照《行政处罚法》第16条的规定", "《行政处罚法》第16条", "中华人民共和国行政处罚法", "第十六条"),
    ("行政处罚法第十六条规定", "行政处罚法第十六条", "中华人民共和国行政处罚法", "第十六条"),
    ("根据行政许可法第十二条设立备案", "行政许可法第十二条", "中华人民共和国行政许可法", "第十二条"),
    ("由公安机关依照治安管理处罚法第五十条处理", "治安管理处罚法第五十条", "中华人民共和国治安管理处罚法", "第五十条"),
    ("《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百四十八条",
     "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百四十八条", SPC_ADMIN_LITIGATION, "第一百四十八条"),
    ("依据《最高人民法院关于适用《中华人民共和国行政诉讼法》的解释》第一百四十八条",
     "《最高人民法院关于适用《中华人民共和国行政诉讼法》的解释》第一百四十八条", SPC_ADMIN_LITIGATION, "第一百四十八条"),
    ("《最高人民法院关于适用《《中华人民共和国行政诉讼法》》的解释》第一百四十八条",
     "《最高人民法院关于适用《《中华人民共和国行政诉讼法》》的解释》第一百四十八条", SPC_ADMIN_LITIGATION, "第一百四十八条"),
    ("《行诉法解释》第一百四十八条", "《行诉法解释》第一百四十八条", SPC_ADMIN_LITIGATION, "第一百四十八条"),
    ("《行政处罚法》（2021年修订）第十四条", "《行政处罚法》（2021年修订）第十四条", "中华人民共和国行政处罚法", "第十四条"),
    ("《中华人民共和国行政处罚法（2021年修订）》第十六条", "《中华人民共和国行政处罚法（2021年修订）》第十六条",
     "中华人民共和国行政处罚法", "第十六条"),
    ("《刑法》第一百二十条之一", "《刑法》第一百二十条之一", "中华人民共和国刑法", "第一百二十条之一"),
    ("《优化营商环境条例》第十条", "《优化营商环境条例》第十条", "优化营商环境条例", "第十条"),
    ("依照北京市优化营商环境条例第十条", "北京市优化营商环境条例第十条", "北京市优化营商环境条例", "第十条"),
])
def test_article_forms_resolve_and_verify(catalog, text, written, instrument, article):
    c = one(text, catalog)
    assert (c.text, c.instrument, c.article, c.status, c.verified) == (written, instrument, article, S.VERIFIED, True)
    assert text[c.start:c.end] == written
    assert c.quote and c.reason is None


@pytest.mark.parametrize("text, title", [
    ("依据中华人民共和国环境保护法第六十三条", "中华人民共和国环境保护法"),
    ("根据行政许可法第十二条设立备案", "行政许可法"),
    ("由县城市管理局依照城市市容和环境卫生管理条例第三十六条处罚", "城市市容和环境卫生管理条例"),
    ("参见行政处罚法第16条", "行政处罚法"),
    ("依据行政执法机关移送涉嫌犯罪案件的规定第三条", "行政执法机关移送涉嫌犯罪案件的规定"),
])
def test_titles_without_brackets_are_cut_before_verbs_without_a_catalog(text, title):
    assert [r.title for r in extract_citations(text)] == [title]


def test_paragraph_and_item(catalog):
    c = one("《中华人民共和国行政许可法》第十四条第二款", catalog)
    assert (c.article, c.paragraph, c.status) == ("第十四条", 2, S.VERIFIED)
    assert c.quote.startswith("必要时，国务院可以采用发布决定的方式设定行政许可")  # the 款, not the whole article
    c = one("《中华人民共和国安全生产法》第六十五条第一款第三项", catalog)
    assert (c.article_no, c.paragraph, c.item, c.status) == (65, 1, 3, S.VERIFIED)
    for written in ("《行政处罚法》第九条第（六）项", "《行政处罚法》第九条第六项", "《行政处罚法》第9条第(6)项"):
        c = one(written, catalog)
        assert (c.article_no, c.paragraph, c.item, c.status) == (9, None, 6, S.VERIFIED)
    c = one("《行政处罚法》第九条第七项", catalog)
    assert c.status == S.NO_SUCH_PARAGRAPH and "没有第（七）项" in c.reason
    c = one("《行政处罚法》第十六条第二款", catalog)
    assert c.status == S.NO_SUCH_PARAGRAPH and c.reason == "《中华人民共和国行政处罚法》第十六条只有一款，没有第二款"


def test_paragraphs_count_with_item_lines_split_by_the_source(catalog):
    # laws.db stores （一）… lines of 环境保护法第六十三条 as separate paragraphs; they are one 款.
    c = one("《中华人民共和国环境保护法》第六十三条第二款", catalog, as_of=date(2025, 1, 1))
    assert c.status == S.NO_SUCH_PARAGRAPH


def test_suffix_article_that_does_not_exist(catalog):
    c = one("《行政处罚法》第十条之一", catalog)
    assert c.status == S.NO_SUCH_ARTICLE and c.reason == "《中华人民共和国行政处罚法》没有第十条之一"


def test_lists_ranges_and_several_titles(catalog):
    cs = check_text("依照《中华人民共和国食品安全法》第六十一条、第六十五条的规定", catalog)
    assert [(c.text, c.instrument, c.article, c.status) for c in cs] == [
        ("《中华人民共和国食品安全法》第六十一条", "中华人民共和国食品安全法", "第六十一条", S.VERIFIED),
        ("第六十五条", "中华人民共和国食品安全法", "第六十五条", S.VERIFIED)]
    # A range gives its two ends (the articles between exist when both ends do).
    cs = check_text("《中华人民共和国广告法》第七十条至第七十七条", catalog)
    assert [(c.article, c.status) for c in cs] == [("第七十条", S.VERIFIED), ("第七十七条", S.NO_SUCH_ARTICLE)]
    cs = check_text("《行政许可法》第十四条第一款、第二款和第十五条", catalog)
    assert [(c.article, c.paragraph) for c in cs] == [("第十四条", 1), ("第十四条", 2), ("第十五条", None)]
    cs = check_text("根据《中华人民共和国环境保护法》《中华人民共和国固体废物污染环境防治法》第一百一十一条", catalog)
    assert [(c.instrument, c.article) for c in cs] == [(PRC_ENV, None), (PRC_SOLID_WASTE, "第一百一十一条")]
    # Two titles joined by 和 without 书名号: only the one directly before the article is cited.
    assert one("依照食品安全法和广告法第十条", catalog).text == "广告法第十条"


def test_title_only_and_what_is_not_a_citation(catalog):
    c = one("根据《中华人民共和国广告法》等法律", catalog)
    assert (c.instrument, c.article, c.status) == ("中华人民共和国广告法", None, S.VERIFIED)
    assert check_text("申请办理《农贸市场经营准入证》并提交《滨湖区物业服务企业备案证明》", catalog) == []
    assert check_text("原《白河县招商引资优惠办法》（白政发〔2021〕15号）同时废止。", catalog) == []
    assert check_text("违反第十二条规定的，依照前款处理。行政处罚法规定", catalog)[0].text == "前款"
    assert check_text("按照有关规定第三条执行", catalog) == []
    c = one("《公共租赁住房管理办法》（住房和城乡建设部令第11号）", catalog)  # a 文号 is not an article
    assert (c.text, c.article) == ("《公共租赁住房管理办法》", None)


# -- relative references ----------------------------------------------------------------------------------------

def test_previous_instrument(catalog):
    cs = check_text("根据《中华人民共和国广告法》的规定。该法第七十七条规定的罚款", catalog)
    assert [(c.text, c.instrument, c.status) for c in cs] == [
        ("《中华人民共和国广告法》", "中华人民共和国广告法", S.VERIFIED),
        ("该法第七十七条", "中华人民共和国广告法", S.NO_SUCH_ARTICLE)]
    assert check_text("《行政许可法》第十二条……上述法律第十四条", catalog)[-1].instrument == "中华人民共和国行政许可法"
    c = check_text("依照《中华人民共和国生态环境法典》第九十五条，并依照该法典第五百一十三条", catalog)[-1]
    assert (c.text, c.instrument, c.status) == ("该法典第五百一十三条", "中华人民共和国生态环境法典", S.VERIFIED)
    c = one("该法第十条", catalog)
    assert c.status == S.UNKNOWN_INSTRUMENT and "所指" in c.reason


def test_self_references_are_never_looked_up(catalog):
    for text in ("违反本办法第六条规定的", "依照本规定第十条", "本细则第八条", "本条例第二条", "前款", "本条第二款"):
        c = one(text, catalog)
        assert (c.status, c.verified, c.instrument) == (S.SELF_REFERENCE, False, None), text
    assert one("本条第二款", catalog).paragraph == 2
    # A bare article number in a draft is the draft's own article: not a citation at all.
    assert check_text("除依照第十二条规定处理外", catalog) == []
    # In a law's own text, 本法 is that law.
    c = one("本法第十二条所列事项", catalog, self_titles=["中华人民共和国行政许可法"])
    assert (c.instrument, c.article, c.status) == ("中华人民共和国行政许可法", "第十二条", S.VERIFIED)
    # In a draft it is the draft, even when the draft says 本办法 and its title is given.
    assert one("本办法第六条", catalog, self_titles=["某县户外广告设施设置管理办法（送审稿）"]).status == S.SELF_REFERENCE


def test_draft_title_line_and_issuing_notice(catalog):
    text = ("# 青峰县人民政府关于印发《青峰县殡葬管理办法》的通知\n\n《青峰县殡葬管理办法》已经县人民政府同意。\n\n"
            "第一条　根据《中华人民共和国民法典》，制定本办法。")
    cs = check_text(text, catalog)
    assert [(c.text, c.status) for c in cs] == [("《青峰县殡葬管理办法》", S.SELF_REFERENCE),
                                               ("《中华人民共和国民法典》", S.VERIFIED)]
    text = "关于实施《中华人民共和国广告法》的办法（送审稿）\n第一条　根据《中华人民共和国广告法》，制定本办法。"
    assert [c.start for c in check_text(text, catalog, self_titles=["关于实施《中华人民共和国广告法》的办法"])] == [
        text.index("《中华人民共和国广告法》，")]
    # The review engine checks clause by clause: a clause's only line is not mistaken for the title line.
    clause = "户外广告的内容适用《中华人民共和国广告法》"
    assert one(clause, catalog, self_titles=["某县户外广告设施设置管理办法（送审稿）"]).verified


# -- PRIMER §5: errors in drafts --------------------------------------------------------------------------------

def test_primer_error_list(catalog):
    c = one("依据中华人民共和国环境保护法第六十三条", catalog)
    assert (c.text, c.status, c.verified) == ("中华人民共和国环境保护法第六十三条", S.REPEALED, False)
    assert "已废止" in c.reason and "中华人民共和国生态环境法典" in c.reason and c.quote  # old text kept for reference
    c = one("根据《法规规章备案条例》", catalog)
    assert c.status == S.REPEALED and "法规规章备案审查条例" in c.reason
    c = one("《中华人民共和国优化营商环境条例》", catalog)
    assert c.status == S.UNKNOWN_INSTRUMENT and "应为《优化营商环境条例》" in c.reason
    assert one("依照中华人民共和国优化营商环境条例第十条", catalog).status == S.UNKNOWN_INSTRUMENT
    c = one("《重大行政决策程序条例》第十条", catalog)
    assert c.status == S.UNKNOWN_INSTRUMENT and "重大行政决策程序暂行条例" in c.reason
    c = one("《中华人民共和国广告法》第七十七条", catalog)
    assert c.status == S.NO_SUCH_ARTICLE and c.reason == "《中华人民共和国广告法》共七十四条，没有第七十七条"


def test_suggestions_only_for_near_misses(catalog):
    assert suggest_instrument("中华人民共和国优化营商环境条例", catalog).title == "优化营商环境条例"
    assert suggest_instrument("重大行政决策程序条例", catalog).title == "重大行政决策程序暂行条例"
    assert suggest_instrument("城市市容和环境卫生管理条例", catalog) is None  # real, just not in the knowledge base
    c = one("《城市市容和环境卫生管理条例》", catalog)
    assert c.status == S.UNKNOWN_INSTRUMENT and c.reason.startswith("知识库未收录")


def test_repeal_judged_on_the_review_date(catalog):
    before, after = date(2025, 1, 1), date(2026, 10, 1)
    assert one("《中华人民共和国环境保护法》第六十三条", catalog, as_of=before).status == S.VERIFIED
    assert one("《中华人民共和国环境保护法》第六十三条", catalog, as_of=after).status == S.REPEALED
    # The date of the 固体废物法's repeal comes from the 法典's repeal clause (laws.db only says 已废止).
    c = one("《中华人民共和国固体废物污染环境防治法》第一百一十一条", catalog)
    assert c.status == S.REPEALED and "第一千二百四十二条" in c.reason and "2026年8月15日" in c.reason
    assert one("《中华人民共和国固体废物污染环境防治法》第一百一十一条", catalog, as_of=before).status == S.VERIFIED
    # A superseded entry has no text: before its repeal it is known but cannot be checked article by article.
    assert one("《法规规章备案条例》第十条", catalog, as_of=date(2020, 1, 1)).status == S.NO_ARTICLE


# -- quotes and claims ------------------------------------------------------------------------------------------

def test_quotes(catalog):
    c = one("《行政处罚法》第十六条规定：“除法律、法规、规章外，其他规范性文件不得设定行政处罚。”", catalog)
    assert c.status == S.VERIFIED and c.quote == "除法律、法规、规章外，其他规范性文件不得设定行政处罚。"
    c = one("《行政处罚法》第十六条规定：“除法律、法规外，其他规范性文件不得设定行政处罚。”", catalog)
    assert c.status == S.QUOTE_MISMATCH and not c.verified and "原文不符" in c.reason
    assert one("《行政处罚法》第十六条：“除法律、法规、规章外……不得设定行政处罚”", catalog).status == S.VERIFIED
    raw = extract_citations("《行政处罚法》第十六条")[0]
    assert check_citation(raw, catalog, quote="规范性文件可以设定罚款").status == S.QUOTE_MISMATCH
    assert check_citation(raw, catalog, quote="其他规范性文件 不得设定行政处罚").status == S.VERIFIED


def test_claim_check_is_conservative_and_off_by_default(catalog):
    text = "依据行政处罚法第十四条，规范性文件不得设定处罚。"
    assert one(text, catalog).status == S.VERIFIED
    c = one(text, catalog, check_claims=True)
    assert c.status == S.QUOTE_MISMATCH and "第十六条" in c.reason
    assert one("依据行政处罚法第十六条，规范性文件不得设定处罚。", catalog, check_claims=True).verified
    art14, art16 = (catalog.get_article("中华人民共和国行政处罚法", n).text for n in (14, 16))
    assert claim_mismatch("规范性文件不得设定处罚", art14, [art16])
    assert not claim_mismatch("规范性文件不得设定处罚", art16, [art14])
    assert not claim_mismatch("设立备案", art14, [art16])  # too little to judge


# -- formatting, single references, marking ---------------------------------------------------------------------

def test_verify_reference_and_format(catalog):
    c = verify_reference(catalog, "行政处罚法", "第十六条")
    assert (c.verified, c.instrument, c.article_no) == (True, "中华人民共和国行政处罚法", 16)
    assert format_citation(c) == "《中华人民共和国行政处罚法》第十六条"
    c = verify_reference(catalog, "行政许可法", 14, 2)
    assert format_citation(c) == "《中华人民共和国行政许可法》第十四条第二款" and c.verified
    assert verify_reference(catalog, "刑法", "第120条之一").article == "第一百二十条之一"
    c = verify_reference(catalog, "行诉法解释", "第一百四十八条")
    assert format_citation(c) == "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百四十八条"
    assert one(format_citation(c), catalog).verified  # what we write, we can read back
    assert verify_reference(catalog, "中华人民共和国广告法", "第七十七条").status == S.NO_SUCH_ARTICLE
    assert verify_reference(catalog, "中华人民共和国环境保护法").status == S.REPEALED


def test_mark_unverified(catalog):
    text = "见《行政处罚法》第十六条和《中华人民共和国广告法》第七十七条，以及本办法第六条。"
    marked = mark_unverified(text, check_text(text, catalog))
    assert marked == ("见《行政处罚法》第十六条和《中华人民共和国广告法》第七十七条"
                      "〔未核实：《中华人民共和国广告法》共七十四条，没有第七十七条〕，以及本办法第六条。")


# -- the dev drafts ---------------------------------------------------------------------------------------------

def read_draft(case: Path) -> tuple[str, str]:
    """(title, text) of a case's draft, whatever its format (.md, .txt in GB18030, .docx with tables)."""
    path = next(case.glob("draft.*"))
    if path.suffix == ".docx":
        import docx

        doc = docx.Document(str(path))
        parts = [p.text for p in doc.paragraphs]
        parts += [" | ".join(cell.text for cell in row.cells) for t in doc.tables for row in t.rows]
        text = "\n".join(parts)
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
    return json.loads((case / "case.json").read_text(encoding="utf-8"))["title"], text


def located(case_name: str, catalog) -> list[tuple[str, str, str, str | None]]:
    """(draft article, citation as written, status, instrument) for every citation in a draft."""
    title, text = read_draft(next(CASES.glob(f"{case_name}-*")))
    articles = parse_articles(text)
    out = []
    for c in check_text(text, catalog, self_titles=[title]):
        where = next((a.label for a in articles if a.start <= c.start < a.end), "title")
        out.append((where, c.text, c.status, c.instrument))
    return out


needs_cases = pytest.mark.skipif(not CASES.is_dir(), reason="../shared/evaldata/review/cases not present")


@needs_cases
def test_n13_missing_advertising_law_article(catalog):
    found = located("n13", catalog)
    assert [f for f in found if f[2] not in (S.VERIFIED, S.SELF_REFERENCE, S.UNKNOWN_INSTRUMENT)] == [
        ("第十五条", "《中华人民共和国广告法》第七十七条", S.NO_SUCH_ARTICLE, "中华人民共和国广告法")]
    assert [f for f in found if f[2] == S.UNKNOWN_INSTRUMENT] == [  # real, but not in the knowledge base
        ("第一条", "《城市市容和环境卫生管理条例》", S.UNKNOWN_INSTRUMENT, "城市市容和环境卫生管理条例"),
        ("第七条", "《城市市容和环境卫生管理条例》", S.UNKNOWN_INSTRUMENT, "城市市容和环境卫生管理条例")]
    assert [f[:2] for f in found if f[2] == S.VERIFIED] == [
        ("第一条", "《中华人民共和国广告法》"), ("第十六条", "《中华人民共和国广告法》")]
    assert [f[:2] for f in found if f[2] == S.SELF_REFERENCE] == [("第十五条", "本办法第七条")]


@needs_cases
def test_n14_repealed_environmental_laws(catalog):
    found = located("n14", catalog)
    assert [f for f in found if f[2] == S.REPEALED] == [
        ("第一条", "《中华人民共和国环境保护法》", S.REPEALED, PRC_ENV),
        ("第一条", "《中华人民共和国固体废物污染环境防治法》", S.REPEALED, PRC_SOLID_WASTE),
        ("第十六条", "《中华人民共和国固体废物污染环境防治法》第一百一十一条", S.REPEALED, PRC_SOLID_WASTE)]
    assert [f[:2] for f in found if f[2] == S.VERIFIED] == [
        ("第十五条", "《中华人民共和国生态环境法典》第一千一百七十四条"),
        ("第十七条", "《中华人民共和国生态环境法典》第一千二百三十一条")]
    assert [f[:2] for f in found if f[2] == S.UNKNOWN_INSTRUMENT] == [("第一条", "《城市市容和环境卫生管理条例》")]


@needs_cases
def test_all_drafts_only_deliberate_errors_and_knowledge_base_gaps(catalog):
    """Print what is not verified; fail only on a problem that is neither deliberate nor a knowledge-base gap."""
    deliberate = {("n13", "《中华人民共和国广告法》第七十七条"), ("n14", "《中华人民共和国环境保护法》"),
                  ("n14", "《中华人民共和国固体废物污染环境防治法》"),
                  ("n14", "《中华人民共和国固体废物污染环境防治法》第一百一十一条")}
    unexpected, seen = [], set()
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        title, text = read_draft(case)
        for c in check_text(text, catalog, self_titles=[title]):
            if c.verified or c.status == S.SELF_REFERENCE:
                continue
            print(f"{case.name}: {c.status.value} {c.text} — {c.reason}")
            key = (case.name[:3], c.text)
            seen.add(key)
            gap = c.status == S.UNKNOWN_INSTRUMENT and suggest_instrument(c.instrument, catalog) is None
            if key not in deliberate and not gap:
                unexpected.append(key)
    assert unexpected == []
    assert deliberate <= seen


def test_an_implementing_instrument_cited_under_a_name_it_does_not_have_gets_its_real_title(catalog):
    from assistant.kb.citations import suggest_instrument

    assert suggest_instrument("中华人民共和国招标投标法实施办法", catalog).title == "中华人民共和国招标投标法实施条例"
    assert suggest_instrument("中华人民共和国行政许可法实施条例", catalog) is None  # no such family member at all


def test_an_instrument_not_held_but_repealed_by_a_current_text_is_repealed(catalog):
    # 民法典第一千二百六十条: "《中华人民共和国合同法》……同时废止" — the old law is not held, its repeal is
    c = one("依据《合同法》第五十二条", catalog)
    assert c.status == S.REPEALED and c.instrument == "中华人民共和国合同法"
    assert "2021年1月1日" in c.reason and "第一千二百六十条" in c.reason
    # a document of 2019 cited it rightly: unknown to the knowledge base, not repealed
    assert one("依据《合同法》第五十二条", catalog, as_of=date(2019, 6, 1)).status == S.UNKNOWN_INSTRUMENT
