"""Follow-up questions: the rules of assistant.answer.conversation, then real chats through ask()."""

from __future__ import annotations

from assistant.answer import Conversation, ask, resolve_follow_up
from assistant.answer.conversation import CitedArticle, Turn
from tests.answer.conftest import cited

PENALTY = "中华人民共和国行政处罚法"


def _conversation(question: str, cites: list[tuple[str, str, int | None]]) -> Conversation:
    turn = Turn(question=question, resolved=question, answer="…",
                cited=[CitedArticle(instrument=i, article=a, paragraph=p) for i, a, p in cites])
    return Conversation(turns=[turn])


def test_no_history_no_rewrite():
    assert resolve_follow_up("该条第二款呢？", None) == ("该条第二款呢？", None)
    assert resolve_follow_up("该条第二款呢？", Conversation()) == ("该条第二款呢？", None)


def test_this_article_and_its_paragraph():
    conv = _conversation("行政处罚法第三十六条", [(PENALTY, "第三十六条", None)])
    text, note = resolve_follow_up("该条第二款呢？", conv)
    assert text == f"《{PENALTY}》第三十六条第二款呢？"
    assert "该条" in note
    text, _ = resolve_follow_up("第二款呢", conv)
    assert text == f"《{PENALTY}》第三十六条第二款呢"
    text, _ = resolve_follow_up("这条规定的期限从什么时候起算", conv)
    assert text.startswith(f"《{PENALTY}》第三十六条规定的期限")


def test_that_instrument_and_a_bare_article_number():
    conv = _conversation("行政处罚法第三十六条", [(PENALTY, "第三十六条", None)])
    assert resolve_follow_up("该法第九条呢", conv)[0] == f"《{PENALTY}》第九条呢"
    assert resolve_follow_up("那第十条呢？", conv)[0] == f"那《{PENALTY}》第十条呢？"
    # A titled citation is left alone, and 本办法 is the user's own draft, not a look-back.
    assert resolve_follow_up("行政许可法第十七条呢", conv)[0] == "行政许可法第十七条呢"
    assert resolve_follow_up("本办法第六条规定的罚款合法吗", conv) == ("本办法第六条规定的罚款合法吗", None)


def test_dangling_references_without_history_get_a_clear_message(kb, settings):
    for question, says in (("该条第二款呢？", "没有可参照的上文"), ("第十条是什么", "未写明法律名称")):
        a = ask(question, kb=kb, settings=settings)
        assert not a.found and a.citations == [] and says in a.answer


def test_a_new_subject_replaces_the_old_one_of_the_same_class():
    conv = _conversation("规范性文件可以设定行政拘留吗", [(PENALTY, "第十六条", None)])
    assert resolve_follow_up("那规章呢？", conv)[0] == "规章可以设定行政拘留吗"
    assert resolve_follow_up("如果是罚款呢", conv)[0] == "规范性文件可以设定罚款吗"
    text, note = resolve_follow_up("那听证呢？", conv)  # no subject of that class: joined, so the topic stays
    assert text == "规范性文件可以设定行政拘留吗 听证" and note


def test_a_new_question_is_read_on_its_own():
    conv = _conversation("规范性文件可以设定行政拘留吗", [(PENALTY, "第十六条", None)])
    q = "政府信息公开申请应当在多少个工作日内答复？"
    assert resolve_follow_up(q, conv) == (q, None)


def test_chat_through_ask_keeps_the_context(kb, settings):
    conv = Conversation()
    first = ask("规范性文件可以设定行政拘留吗", kb=kb, settings=settings, history=conv)
    assert cited(first)[0] == (PENALTY, "第十六条")
    second = ask("那规章呢？", kb=kb, settings=settings, history=conv)
    assert conv.turns[-1].resolved == "规章可以设定行政拘留吗"
    assert any("按上文理解为" in n for n in second.notices)
    assert (PENALTY, "第十四条") in cited(second) and (PENALTY, "第十三条") in cited(second)
    third = ask("行政处罚法第三十六条", kb=kb, settings=settings, history=conv)
    assert cited(third) == [(PENALTY, "第三十六条")]
    fourth = ask("该条第二款呢？", kb=kb, settings=settings, history=conv)
    assert [(c.article, c.paragraph) for c in fourth.citations] == [("第三十六条", 2)]
    assert "从违法行为发生之日起计算" in fourth.answer
    fifth = ask("那第十条呢", kb=kb, settings=settings, history=conv)
    assert cited(fifth) == [(PENALTY, "第十条")]
    assert len(conv.turns) == 5 and conv.turns[0].question == "规范性文件可以设定行政拘留吗"


def test_this_clause_in_a_long_self_contained_question_is_the_users_own_clause(kb, settings):
    a = ask("县教育局准备发文，要求全县中小学统一向一家本地服装公司采购校服，文件里这条合法吗？", kb=kb, settings=settings)
    assert a.found and "没有可参照的上文" not in a.answer


def test_rules_after_a_towns_normative_documents_means_the_rules_a_local_government_makes(kb, settings):
    conv = Conversation()
    first = ask("镇政府的规范性文件能不能设定罚款", kb=kb, settings=settings, history=conv)
    assert cited(first)[0] == (PENALTY, "第十六条") and first.answer.startswith("不可以")
    second = ask("那规章呢？", kb=kb, settings=settings, history=conv)
    assert conv.turns[-1].resolved == "地方政府规章能不能设定罚款"  # a town makes no 规章 (立法法第九十三条)
    assert cited(second)[0] == (PENALTY, "第十四条") and not second.answer.startswith("不可以")
    assert "可以设定警告、通报批评或者一定数额罚款" in second.answer


def test_an_article_asked_for_by_number_is_quoted_with_every_paragraph(kb, settings):
    a = ask("行政处罚法第三十六条", kb=kb, settings=settings)
    assert [(c.instrument, c.article, c.paragraph) for c in a.citations] == [(PENALTY, "第三十六条", None)]
    assert "上述期限延长至五年" in a.answer and "前款规定的期限，从违法行为发生之日起计算" in a.answer
