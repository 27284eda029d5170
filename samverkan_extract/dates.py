"""Swedish dates as agreements write them: ISO, "12 januari 2023", drafts ("2020-03-XX")."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import regex

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "mars": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augusti": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
NUMBER_WORDS = {
    "en": 1,
    "ett": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"

# Every date a text writes; compiled with the standard library's ``re``, which scans a
# pattern of plain characters like this one faster than ``regex``.
DATE = re.compile(
    rf"""
    (?P<iso>(?<!\d)(?P<iy>{_YEAR})\s?[-–.](?P<im>[01]?\d|XX)\s?[-–.](?P<id>[0-3]?\d|XX)(?![\d])(?!-\d))
  | (?P<text>(?<!\d)(?P<td>[0-3]?\d)(?::?e)?\s+(?P<tm>{_MONTH})\.?,?\s+(?P<ty>{_YEAR}))
  | (?P<slash>(?<!\d)(?P<sd>[0-3]?\d)/(?P<sm>[01]?\d)(?:\s+|[-/])(?P<sy>{_YEAR}))
  | (?P<month>\b(?P<mm>{_MONTH})\s+(?P<my>{_YEAR}))
  | (?P<week>\bvecka\s+(?P<wn>[0-5]?\d),?\s+(?:år\s+)?(?P<wy>{_YEAR}))
    """,
    re.I | re.X,
)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    value: str  # ISO at the precision given: "2023-03-24", "2020-03", "2019"
    precision: str  # day, month, year; week: an ISO week, ``value`` its Monday

    @property
    def first_day(self) -> dt.date:
        parts = [int(p) for p in self.value.split("-")]
        return dt.date(
            parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
        )

    @property
    def last_day(self) -> dt.date:
        if self.precision == "week":
            return self.first_day + dt.timedelta(days=6)
        parts = [int(p) for p in self.value.split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
        month = parts[1] if len(parts) > 1 else 12
        return dt.date(parts[0], month, calendar.monthrange(parts[0], month)[1])


def lookup_word(table: dict[str, int], word: str) -> int | None:
    """The entry for a word that a case-insensitive pattern matched.

    ``str.lower`` is not how a pattern ignores case: "ſ" (long s) matches "s" and "İ"
    matches "i", yet neither lowers to them. Such a word is looked up the way the
    pattern matched it.
    """
    value = table.get(word.lower())
    if value is not None:
        return value
    for key, value in table.items():
        if regex.fullmatch(regex.escape(key), word, regex.I):
            return value
    return None


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def find_dates(text: str, offset: int = 0) -> list[DateMatch]:
    """Every date written in ``text``, positions shifted by ``offset``."""
    found = []
    for m in DATE.finditer(text):
        start, end = m.start() + offset, m.end() + offset
        if m.group("iso"):
            # int() also reads digits of other scripts; the value is written in ASCII.
            year, mon_text, day_text = str(int(m.group("iy"))), m.group("im"), m.group("id")
            if mon_text.upper() == "XX":
                found.append(DateMatch(start, end, year, "year"))
            elif day_text.upper() == "XX":
                if 1 <= int(mon_text) <= 12:
                    found.append(DateMatch(start, end, f"{year}-{int(mon_text):02d}", "month"))
            elif _valid(int(year), int(mon_text), int(day_text)):
                value = f"{year}-{int(mon_text):02d}-{int(day_text):02d}"
                found.append(DateMatch(start, end, value, "day"))
        elif m.group("text"):
            y, day = int(m.group("ty")), int(m.group("td"))
            mon = lookup_word(MONTHS, m.group("tm")) or 0
            if _valid(y, mon, day):
                found.append(DateMatch(start, end, f"{y}-{mon:02d}-{day:02d}", "day"))
        elif m.group("slash"):
            y, mon, day = int(m.group("sy")), int(m.group("sm")), int(m.group("sd"))
            if _valid(y, mon, day):
                found.append(DateMatch(start, end, f"{y}-{mon:02d}-{day:02d}", "day"))
        elif m.group("month"):
            mon, y = lookup_word(MONTHS, m.group("mm")) or 0, int(m.group("my"))
            if mon:
                found.append(DateMatch(start, end, f"{y}-{mon:02d}", "month"))
        elif m.group("week"):
            # "vecka 10 2024": ISO week 10 of 2024, Monday to Sunday
            try:
                monday = dt.date.fromisocalendar(int(m.group("wy")), int(m.group("wn")), 1)
            except ValueError:
                continue
            found.append(DateMatch(start, end, monday.isoformat(), "week"))
    return found


YEAR_RANGE = regex.compile(
    rf"(?<![\d-])(?P<a>{_YEAR})\s*(?:[-–—]{{1,2}}|/|\s+till(?:\s+och\s+med)?\s+)\s*"
    rf"(?P<b>{_YEAR}|\d{{2}})(?![\d-])"
)


def find_year_ranges(text: str, offset: int = 0) -> list[tuple[int, int, int, int]]:
    """Year ranges "2019-2023", "2020—2023", "2024–26": (start, end, first, last)."""
    out = []
    for m in YEAR_RANGE.finditer(text):
        a = int(m.group("a"))
        b_text = m.group("b")
        b = int(b_text) if len(b_text) == 4 else (a // 100) * 100 + int(b_text)
        if a < b <= a + 10:
            out.append((m.start() + offset, m.end() + offset, a, b))
    return out


def add_years(start: dt.date, years: int) -> dt.date:
    """The last day of a span of ``years`` years beginning on ``start``."""
    try:
        after = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        after = start.replace(year=start.year + years, day=28)
    return after - dt.timedelta(days=1)


def number_word(word: str) -> float | None:
    # isdecimal, not isdigit: "²" is a digit that float() does not read.
    if word.isdecimal():
        return float(word)
    value = lookup_word(NUMBER_WORDS, word)
    return float(value) if value is not None else None


# --- dates of any precision as days -------------------------------------------------------


def iso_to_date(value: str | None, *, end: bool = False) -> dt.date | None:
    """An ISO date of any precision ("2019", "2020-03", "2023-03-24") as one day: the
    first day it covers, or with ``end`` the last, so year periods compare as days."""
    if not value:
        return None
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        month = int(parts[1])
        if len(parts) == 2:
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return dt.date(year, month, int(parts[2]))
    except (ValueError, IndexError):
        return None


def as_date(value: dt.date | str) -> dt.date:
    """A date given as ``date``, ``datetime``, ``Timestamp`` or ISO string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = iso_to_date(str(value))
    if parsed is None:
        raise ValueError(f"not a date: {value!r} (expected YYYY-MM-DD)")
    return parsed


def period_years(start: dt.date | None, end: dt.date | None) -> float | None:
    """Length in years: whole months / 12 when the period ends the day before a month-day
    like its start (2024-01-01 to 2026-12-31 is 3.0), else days / 365.25."""
    if start is None or end is None:
        return None
    after = end + dt.timedelta(days=1)
    if after.day == start.day:
        return ((after.year - start.year) * 12 + after.month - start.month) / 12
    return ((end - start).days + 1) / 365.25
