"""Chinese dates, comment windows, and calendar vs working days (法定节假日, 调休)."""

from datetime import date

import pytest

from assistant.review.dates import (HolidayCalendar, add_working_days, calendar_days, extract_windows, find_dates,
                                    holiday_calendar, parse_date, working_days)


@pytest.mark.parametrize("text, expected", [
    ("2026年3月2日", date(2026, 3, 2)),
    ("2026-03-02", date(2026, 3, 2)),
    ("2026.3.2", date(2026, 3, 2)),
    ("二〇二六年三月二日", date(2026, 3, 2)),
    ("二〇二六年十二月三十一日", date(2026, 12, 31)),
    ("落款：2026 年 9 月 14 日", date(2026, 9, 14)),
])
def test_parse_date_forms(text, expected):
    assert parse_date(text) == expected


def test_month_day_takes_year_from_the_date_before():
    dates = find_dates("2025年12月20日发布，1月5日截止；另于3月2日召开座谈会")
    assert [d.value for d in dates] == [date(2025, 12, 20), date(2025, 1, 5), date(2025, 3, 2)]
    assert [d.has_year for d in dates] == [True, False, False]


def test_month_day_takes_the_year_last_named_before_it_not_a_date_further_on():
    text = "2026年9月开展调研。10月19日至11月6日公开征求意见。\n五、有效期设定至2032年12月31日。"
    assert [d.value for d in find_dates(text)][:2] == [date(2026, 10, 19), date(2026, 11, 6)]


def test_month_day_without_any_year_uses_default_or_is_skipped():
    assert find_dates("3月2日至3月6日") == []
    assert parse_date("3月2日", default_year=2026) == date(2026, 3, 2)


def _window(text, year=None):
    ws = extract_windows(text, default_year=year)
    assert len(ws) == 1, ws
    return ws[0]


@pytest.mark.parametrize("text, start, end, days", [
    ("自2026年3月2日至3月6日在县政府网站公开征求意见", date(2026, 3, 2), date(2026, 3, 6), 5),
    ("征求意见时间：2026年3月2日—3月31日", date(2026, 3, 2), date(2026, 3, 31), 30),
    ("二〇二六年三月二日至二〇二六年三月六日", date(2026, 3, 2), date(2026, 3, 6), 5),
    ("2026-08-01至2026-08-20", date(2026, 8, 1), date(2026, 8, 20), 20),
    ("2026年8月1日至20日", date(2026, 8, 1), date(2026, 8, 20), 20),
    ("2026年12月20日至1月5日", date(2026, 12, 20), date(2027, 1, 5), 17),
])
def test_ranges(text, start, end, days):
    w = _window(text)
    assert (w.start, w.end, w.days) == (start, end, days)


def test_range_without_year_takes_the_default_year():
    w = _window("8月3日至8月12日在门户网站公示", year=2026)
    assert (w.start, w.end) == (date(2026, 8, 3), date(2026, 8, 12))


def test_deadline_starts_on_the_notice_date():
    w = _window("2026年8月3日，我局在县人民政府门户网站发布征求意见稿，征求意见截止日期为2026年8月12日。")
    assert (w.start, w.end, w.days, w.how) == (date(2026, 8, 3), date(2026, 8, 12), 10, "until")
    w = _window("2026年4月1日在公告栏张贴，公告期至2026年4月7日。")
    assert (w.start, w.end) == (date(2026, 4, 1), date(2026, 4, 7))
    w = _window("自2026年8月3日起公开征求意见，9月4日截止。")
    assert (w.start, w.end) == (date(2026, 8, 3), date(2026, 9, 4))


def test_deadline_with_the_notice_date_in_the_sentence_before():
    w = _window("2026年8月3日，我局发布了征求意见公告。征求意见截止日期为8月12日。")
    assert (w.start, w.end) == (date(2026, 8, 3), date(2026, 8, 12))


def test_a_received_by_date_alone_is_not_a_window():
    assert extract_windows("截至2026年7月31日，共收到书面反馈15份。") == []


def test_stated_length():
    w = _window("2026年9月1日起在网站公开征求意见，为期15天。")
    assert (w.start, w.end, w.stated_days) == (date(2026, 9, 1), date(2026, 9, 15), 15)
    w = _window("2026年8月18日至8月27日公示，公示期10天。")
    assert (w.days, w.stated_days) == (10, 10)


def test_stated_working_days_skip_the_national_day_holiday():
    w = _window("2026年9月28日起公开征求意见，为期7个工作日。")
    # 9/28-9/30 (3), 10/1-10/7 holiday, 10/8, 10/9, 10/10 (调休 Saturday), 10/12
    assert w.end == date(2026, 10, 12)


def test_calendar_days_count_both_ends():
    assert calendar_days(date(2026, 3, 2), date(2026, 3, 6)) == 5
    assert calendar_days(date(2026, 3, 2), date(2026, 3, 31)) == 30


def test_working_days_around_national_day_2026():
    # Mon 9/28 to Fri 10/9: 12 calendar days, 10/1-10/7 are holidays: 5 working days.
    assert calendar_days(date(2026, 9, 28), date(2026, 10, 9)) == 12
    assert working_days(date(2026, 9, 28), date(2026, 10, 9)) == (5, [])
    # Sunday 9/20 and Saturday 10/10 are 调休 working days.
    assert working_days(date(2026, 9, 20), date(2026, 9, 20)) == (1, [])
    assert working_days(date(2026, 10, 10), date(2026, 10, 10)) == (1, [])


def test_working_days_around_dragon_boat_2026():
    # 6/15-6/26: ten weekdays, 端午 6/19 (Friday) off.
    assert working_days(date(2026, 6, 15), date(2026, 6, 26)) == (9, [])


def test_working_days_2025_spring_festival_and_2024_may_day():
    assert working_days(date(2025, 1, 27), date(2025, 2, 7)) == (4, [])   # 1/27 + 2/5-2/7; 1/28-2/4 off
    assert working_days(date(2024, 4, 28), date(2024, 4, 28)) == (1, [])  # 调休 Sunday


def test_unknown_year_counts_weekends_only_and_says_so():
    n, unknown = working_days(date(2030, 10, 1), date(2030, 10, 7))
    assert unknown == [2030]
    assert n == 5  # Tue 10/1 .. Mon 10/7: weekends only


def test_extra_holiday_file_replaces_a_year(tmp_path):
    extra = tmp_path / "h.yaml"
    extra.write_text("years:\n  2030:\n    source: test\n    holidays: [2030-10-01..2030-10-07]\n"
                     "    workdays: [2030-09-29]\n", encoding="utf-8")
    cal = holiday_calendar(extra)
    assert working_days(date(2030, 9, 29), date(2030, 10, 8), cal) == (3, [])  # 9/29, 9/30, 10/8
    assert cal.knows(2026)


def test_add_working_days():
    cal = HolidayCalendar()
    assert add_working_days(date(2026, 3, 2), 5, cal) == date(2026, 3, 6)


def test_the_note_under_the_title_gives_the_issue_date():
    from assistant.review.dates import date_lines
    text = "青溪县预付式消费经营行为管理办法\n\n（青市监规〔2026〕2号　2026年11月5日印发）\n\n第一条　为规范……制定本办法。"
    assert [d.isoformat() for d in date_lines(text)] == ["2026-11-05"]
    # a date inside an article is no issue date
    assert date_lines("某办法\n\n第十条　本办法自2026年7月1日起施行。") == []
