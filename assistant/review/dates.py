"""Chinese dates, public-comment windows, and calendar vs working days (法定节假日 and 调休 from a yearly file).

Dates come as 2026年3月2日, 2026-03-02, 2026.3.2, 二〇二六年三月二日, or 3月2日 with the year taken from the
nearest full date before it (or a default). A window is "自2026年3月2日至3月6日", "3月2日—3月31日",
"截止日期为2026年8月12日" (start = the notice date before it), or "为期15天" after a start date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.config import KNOWLEDGE_BASE_DIR
from assistant.models import Material
from assistant.review.sentences import split_sentences
from assistant.review.titles import strip_markup
from assistant.text.numerals import cn_to_int

HOLIDAYS_FILE = KNOWLEDGE_BASE_DIR / "calendar" / "holidays.yaml"

_CN_DIGIT = "〇零○Ｏ一二三四五六七八九"
_CN_SMALL = "一二三四五六七八九十"
_YEAR = rf"(\d{{4}}|[{_CN_DIGIT}]{{4}})"
_MONTH = rf"(\d{{1,2}}|[{_CN_SMALL}]{{1,2}})"
_DAY = rf"(\d{{1,2}}|[{_CN_SMALL}]{{1,3}})"
_SP = r"[ \t\u3000]*"
# Full dates first, then month-day; a bare day ("至12日") is handled inside window patterns.
_FULL_CN = re.compile(rf"{_YEAR}{_SP}年{_SP}{_MONTH}{_SP}月{_SP}{_DAY}{_SP}[日号]")
_FULL_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_MONTH_DAY = re.compile(rf"(?<![\d年{_CN_DIGIT}]){_MONTH}{_SP}月{_SP}{_DAY}{_SP}[日号]")
_DAY_ONLY = re.compile(rf"{_DAY}{_SP}[日号]")

_TO = r"(?:至|到|—+|－+|-+|~|～|–+|－)"
_UNIT_DAYS = re.compile(rf"(?:为期|期限为|期限|时间为|公示期为?|公告期为?|征求意见期为?|共计|共)?{_SP}(\d{{1,3}}|[{_CN_SMALL}]{{1,3}}){_SP}"
                        r"(个工作日|个自然日|个日历日|天|日)")
_UNTIL = re.compile(rf"(?:截止日期为|截止时间为|截止日期|截止时间|截止于|截止到|截止至|截止|截至|截止日为|公告期至|公示期至|期限至|征求意见至|反馈至|至){_SP}")


def _num(s: str) -> int:
    return int(s) if s.isdigit() else cn_to_int(s)


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@dataclass
class DateMatch:
    """A date found in a text, with its span; `has_year` is False when the year came from context."""

    value: date
    start: int
    end: int
    has_year: bool = True


_YEAR_NAMED = re.compile(r"(\d{4})\s*年")


def find_dates(text: str, default_year: int | None = None) -> list[DateMatch]:
    """All dates in `text`, in order; a month-day takes the year of the nearest full date before it, else of the year
    last named before it (2026年9月), else of the first full date, else `default_year`."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for rx in (_FULL_CN, _FULL_ISO):
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            try:
                d = _mk(_num(m.group(1)), _num(m.group(2)), _num(m.group(3)))
            except ValueError:
                d = None
            if d and 1949 < d.year < 2200:
                found.append(DateMatch(d, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    partial = []
    for m in _MONTH_DAY.finditer(text):
        if free(m.start(), m.end()):
            partial.append(m)
    found.sort(key=lambda x: x.start)
    out = list(found)
    for m in partial:
        prior = [f for f in found if f.start < m.start()]
        # else the year last named before it (2026年9月……10月19日至11月6日), not a date further on (有效期至2032年)
        named = [int(y) for y in _YEAR_NAMED.findall(text, 0, m.start()) if 1949 < int(y) < 2200]
        year = prior[-1].value.year if prior else (named[-1] if named else
                                                   (found[0].value.year if found else default_year))
        if year is None:
            continue
        try:
            d = _mk(year, _num(m.group(1)), _num(m.group(2)))
        except ValueError:
            d = None
        if d:
            out.append(DateMatch(d, m.start(), m.end(), has_year=False))
    out.sort(key=lambda x: x.start)
    return out


def parse_date(text: str, default_year: int | None = None) -> date | None:
    """The first date in `text` (None if there is none)."""
    dates = find_dates(text, default_year)
    return dates[0].value if dates else None


# A line that is only a date, maybe after a short label ("日期：2026年9月30日"): a 落款, a signing date.
_LONE_DATE = re.compile(rf"^(?:[^，。；：:]{{0,8}}[：:])?{_SP}({_YEAR}{_SP}年{_SP}{_MONTH}{_SP}月{_SP}{_DAY}{_SP}[日号]){_SP}$")


def date_line(line: str) -> date | None:
    """The date of a line that holds nothing else (markdown marks aside), else None."""
    m = _LONE_DATE.match(strip_markup(line))
    return parse_date(m.group(1)) if m else None


# the note under a title: （青市监规〔2026〕2号　2026年11月5日印发）, （2026年3月1日区政府第5次常务会议通过）
_HEADNOTE = re.compile(rf"^[（(][^（）()]{{0,40}}?({_YEAR}{_SP}年{_SP}{_MONTH}{_SP}月{_SP}{_DAY}{_SP}[日号])[^（）()]{{0,30}}"
                       rf"(?:印发|发布|公布|通过|发)[^（）()]{{0,6}}[）)]$")


def date_lines(text: str) -> list[date]:
    """The dates of the lines that hold only a date, and of the note under the title that says when the document
    was issued (among its first five lines)."""
    lines = (text or "").splitlines()
    found = [d for d in map(date_line, lines) if d is not None]
    for line in [ln for ln in lines if ln.strip()][:5]:
        m = _HEADNOTE.match(strip_markup(line).strip())
        if m and (d := parse_date(m.group(1))) is not None:
            found.append(d)
    return found


_TERM = re.compile(r"施行|有效期|截止|截至|到期|期限|届满|之前|以前|以后")


_ORG = re.compile(r"^[\u4e00-\u9fa5（）()]{4,40}(?:局|委员会|委|办公室|办|科|股|处|中心|人民政府|政府|管理委员会|所|站|公司|事务所)$")


def signatory(text: str) -> str | None:
    """The body that signs a letter: the name on the line above its 落款 date (浠川经济开发区安全生产监督管理局)."""
    lines = [ln.strip(" \t\u3000#>*") for ln in (text or "").splitlines() if ln.strip(" \t\u3000#>*")]
    for i in range(len(lines) - 1, 0, -1):
        if date_line(lines[i]) is not None and _ORG.match(lines[i - 1]):
            return lines[i - 1]
    return None


def signature_date(text: str) -> date | None:
    """The 落款 date: the last short line that is (or starts with) a date, before any 附 (attachment) line; else
    the last date that is not a term (施行, 有效期, 截止 …)."""
    last = None
    for line in (text or "").splitlines():
        stripped = line.strip(" \t\u3000#>*")
        if stripped.startswith("附") and last is not None:
            break
        found = date_line(line)
        if found is None and len(stripped) <= 24 and re.match(rf"^{_YEAR}{_SP}年", stripped):
            found = parse_date(stripped)
        last = found or last
    if last is None:
        for s in split_sentences(text):
            if _TERM.search(s):
                continue
            ds = find_dates(s)
            if ds:
                last = ds[-1].value
    return last


def review_date_of(draft_text: str, materials: list[Material]) -> date:
    """The date a dossier is reviewed on: the latest signing date of its materials and of the draft's own 落款
    (its last lines), else today."""
    dates = [d for m in materials if (d := signature_date(m.text)) is not None]
    dates += [d for line in [ln for ln in draft_text.splitlines() if strip_markup(ln)][-4:]
              if (d := date_line(line)) is not None]
    return max(dates) if dates else date.today()


# --- holiday calendar ---------------------------------------------------------------------------

def _expand(item) -> list[date]:
    if isinstance(item, date):
        return [item]
    s = str(item).strip()
    if ".." in s:
        a, b = (date.fromisoformat(x.strip()) for x in s.split(".."))
        return [a + timedelta(days=i) for i in range((b - a).days + 1)]
    return [date.fromisoformat(s)]


@dataclass
class HolidayCalendar:
    """Official holidays and adjusted working days by year; years not listed fall back to weekends only."""

    holidays: set[date] = field(default_factory=set)
    workdays: set[date] = field(default_factory=set)
    years: dict[int, str] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> HolidayCalendar:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        cal = cls()
        for year, spec in (data.get("years") or {}).items():
            spec = spec or {}
            cal.years[int(year)] = str(spec.get("source") or "")
            for item in spec.get("holidays") or []:
                cal.holidays.update(_expand(item))
            for item in spec.get("workdays") or []:
                cal.workdays.update(_expand(item))
        return cal

    def merged(self, other: HolidayCalendar) -> HolidayCalendar:
        """This calendar with `other`'s years replacing the same years here."""
        keep_h = {d for d in self.holidays if d.year not in other.years}
        keep_w = {d for d in self.workdays if d.year not in other.years}
        return HolidayCalendar(keep_h | other.holidays, keep_w | other.workdays, {**self.years, **other.years})

    def knows(self, year: int) -> bool:
        return year in self.years

    def is_workday(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5


@lru_cache(maxsize=8)
def _load_calendar(path: str, extra: str | None) -> HolidayCalendar:
    cal = HolidayCalendar.from_file(Path(path))
    if extra:
        cal = cal.merged(HolidayCalendar.from_file(Path(extra)))
    return cal


def holiday_calendar(extra_file: Path | None = None) -> HolidayCalendar:
    """The shipped holiday calendar, with the years of `extra_file` (settings.review.holidays_file) replacing them."""
    return _load_calendar(str(HOLIDAYS_FILE), str(extra_file) if extra_file else None)


def calendar_days(start: date, end: date) -> int:
    """Days from start to end, both counted (2026-03-02 → 2026-03-06 = 5)."""
    return (end - start).days + 1


def working_days(start: date, end: date, calendar: HolidayCalendar | None = None) -> tuple[int, list[int]]:
    """Working days from start to end, both counted, and the years the calendar did not know (weekends only)."""
    cal = calendar or holiday_calendar()
    n = 0
    unknown: set[int] = set()
    d = start
    while d <= end:
        if not cal.knows(d.year):
            unknown.add(d.year)
        if cal.is_workday(d):
            n += 1
        d += timedelta(days=1)
    return n, sorted(unknown)


def add_working_days(start: date, n: int, calendar: HolidayCalendar | None = None) -> date:
    """The date on which a period of n working days that starts on `start` ends."""
    cal = calendar or holiday_calendar()
    d, count = start, 0
    while True:
        if cal.is_workday(d):
            count += 1
            if count >= n:
                return d
        d += timedelta(days=1)
        if (d - start).days > 10 * n + 30:
            return d


# --- comment windows -----------------------------------------------------------------------------

@dataclass
class Window:
    """A period found in a text: start and end dates, the matched snippet and its span."""

    start: date
    end: date
    snippet: str
    span: tuple[int, int]
    how: str = "range"  # range | until | duration
    stated_days: int | None = None
    stated_unit: str | None = None

    @property
    def days(self) -> int:
        return calendar_days(self.start, self.end)

    def describe(self) -> str:
        if self.start.year == self.end.year:
            end = f"{self.end.month}月{self.end.day}日"
        else:
            end = f"{self.end.year}年{self.end.month}月{self.end.day}日"
        return f"{self.start.year}年{self.start.month}月{self.start.day}日至{end}"


_SENT_END = re.compile(r"[。；;！？\n]")


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    a = pos
    while a > 0 and not _SENT_END.match(text[a - 1]):
        a -= 1
    b = pos
    while b < len(text) and not _SENT_END.match(text[b]):
        b += 1
    return a, b


def extract_windows(text: str, default_year: int | None = None) -> list[Window]:
    """Every period in `text`: explicit ranges, "截止…" with the notice date as start, "为期N天" after a date."""
    dates = find_dates(text, default_year)
    windows: list[Window] = []
    used_ends: set[int] = set()
    for i, d1 in enumerate(dates):
        rest = text[d1.end:]
        m = re.match(rf"{_SP}(?:起)?{_SP}{_TO}{_SP}", rest)
        if not m:
            continue
        after = d1.end + m.end()
        d2 = next((x for x in dates[i + 1:] if x.start == after), None)
        end: date | None = None
        end_pos = after
        if d2 is not None:
            end = d2.value
            if not d2.has_year and end < d1.value:
                end = _mk(d1.value.year + 1, end.month, end.day)
            end_pos = d2.end
            used_ends.add(d2.start)
        else:
            m2 = _DAY_ONLY.match(text, after)
            if m2:
                try:
                    end = _mk(d1.value.year, d1.value.month, _num(m2.group(1)))
                except ValueError:
                    end = None
                end_pos = m2.end()
        if end is None or end < d1.value or (end - d1.value).days > 400:
            continue
        windows.append(Window(d1.value, end, text[d1.start:end_pos], (d1.start, end_pos), "range"))
    covered = [w.span for w in windows]

    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in covered)

    # 截止日期为X / 公告期至X: start = the latest date before it in the same paragraph.
    for d in dates:
        if inside(d.start) or d.start in used_ends:
            continue
        head = text[max(0, d.start - 12):d.start]
        m = re.search(rf"{_UNTIL.pattern}$", head)
        tail = re.match(rf"{_SP}(?:截止|止|结束)", text[d.end:])
        if (not m or m.group(0).strip() == "至") and not tail:
            continue
        cut = d.start - (len(m.group(0)) if m and not tail else 0)
        sent_start, _ = _sentence_bounds(text, d.start)
        before = [x for x in dates if sent_start <= x.start < cut and x.value <= d.value and not inside(x.start)]
        if not before:
            # the notice date may stand in the sentence before: "8月3日发布公告。征求意见截止日期为8月12日。"
            para_start = text.rfind("\n", 0, d.start) + 1
            prev_start, _ = _sentence_bounds(text, max(para_start, sent_start - 1))
            before = [x for x in dates if max(para_start, prev_start) <= x.start < sent_start
                      and x.value <= d.value and not inside(x.start)]
        if not before:
            continue
        s = before[-1]
        if (d.value - s.value).days > 400:
            continue
        windows.append(Window(s.value, d.value, text[s.start:d.end], (s.start, d.end), "until"))
        covered.append((s.start, d.end))
    # 为期N天 / 公示期10天: attach a stated length to a window in the same sentence, or start it at a date.
    for m in _UNIT_DAYS.finditer(text):
        prefix = text[max(0, m.start() - 6):m.start() + len(m.group(0))]
        if not re.search(r"为期|期限|公示期|公告期|征求意见期|时间为|共计|共", prefix):
            continue
        n = _num(m.group(1))
        unit = m.group(2)
        a, b = _sentence_bounds(text, m.start())
        same = [w for w in windows if a <= w.span[0] < b]
        if same:
            for w in same:
                w.stated_days, w.stated_unit = n, unit
            continue
        before = [x for x in dates if a <= x.start < m.start() and not inside(x.start)]
        if not before or n <= 0:
            continue
        s = before[-1].value
        if "工作日" in unit:
            end = add_working_days(s, n)
        else:
            end = s + timedelta(days=n - 1)
        w = Window(s, end, text[before[-1].start:m.end()], (before[-1].start, m.end()), "duration", n, unit)
        windows.append(w)
    windows.sort(key=lambda w: w.span[0])
    return windows


def sentence_of(text: str, span: tuple[int, int]) -> str:
    """The sentence (between 。；\\n) around a span."""
    a, _ = _sentence_bounds(text, span[0])
    _, b = _sentence_bounds(text, max(span[0], span[1] - 1))
    return text[a:b]


def paragraph_of(text: str, span: tuple[int, int]) -> str:
    """The line around a span."""
    a = text.rfind("\n", 0, span[0]) + 1
    b = text.find("\n", span[1])
    return text[a:] if b < 0 else text[a:b]


def fmt(d: date) -> str:
    """2026年3月2日."""
    return f"{d.year}年{d.month}月{d.day}日"
