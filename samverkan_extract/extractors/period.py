"""The validity period: date ranges, year ranges, open ends and durations."""

from __future__ import annotations

import regex

from samverkan_extract.dates import DateMatch, add_years, find_dates, find_year_ranges, number_word
from samverkan_extract.extractors.context import Context
from samverkan_extract.schema import Period

PERIOD_WORDS = regex.compile(
    r"(?i)gäll\w*|giltig\w*|löper|löptid|period\w*|avtalstid|under\s+åren|för\s+åren|"
    r"\båren\b|börjar|träder\s+i\s+kraft|sträcker\s+sig|omfattar\s+åren|avser\s+åren"
)
CONNECTOR = regex.compile(
    r"(?i)^\s*(?:,\s*)?(?:till\s+och\s+med|t\.?\s?o\.?\s?m\.?|till|fram\s+till|[-–—]|och\s+"
    r"(?:gäller\s+|löper\s+)?(?:fram\s+)?till(?:\s+och\s+med)?|samt\s+till|intill|through)\s*"
    r"(?:den\s+)?$"
)
OPEN_END = regex.compile(r"(?i)tills\s+vidare|tillsvidare|utan\s+slutdatum|löpande\s+tills")
FROM = regex.compile(r"(?i)(?:från\s+och\s+med|fr\.?\s?o\.?\s?m\.?|från)\s+(?:den\s+)?$")
# "mellan 2024-01-01 och 2026-12-31": "och" joins a range only after "mellan".
BETWEEN = regex.compile(r"(?i)mellan\s+(?:den\s+)?$")
AND = regex.compile(r"(?i)\s*och\s+(?:den\s+)?")
# "gäller till och med den 31 december 2027" with no start date: an end only.
UNTIL = regex.compile(
    r"(?i)(?:till\s+och\s+med|t\.?\s?o\.?\s?m\.?|fram\s+till|till)\s+(?:den\s+)?$"
)
DURATION = regex.compile(
    r"(?i)(?:i|under|för|på)\s+(?:en\s+period\s+(?:av|om)\s+)?(?P<n>\d+|\w+)\s+år\b|"
    r"(?P<n2>\d+|\w+)\s+år\s+(?:framåt|från)"
)


def extract_period(ctx: Context) -> Period | None:
    """Look where a period is stated, most specific place first."""
    limit = ctx.signature_zone_start
    places: list[tuple[int, int]] = [(s.start, s.end) for s in ctx.sections_about("period")]
    places += [
        (s.start_char, s.end_char) for s in ctx.sentences(0, limit) if PERIOD_WORDS.search(s.text)
    ]
    for start, end in places:
        period = _date_range(ctx, start, end) or _open_or_duration(ctx, start, end)
        if period:
            return period
    title = ctx.document.blocks[:12]
    places += [(b.start, b.end) for b in title if b.kind == "heading"]
    for start, end in places:
        period = _year_range(ctx, start, end)
        if period:
            return period
    return None


def _date_range(ctx: Context, start: int, end: int) -> Period | None:
    dates = [d for d in find_dates(ctx.text[start:end], start) if d.precision != "year"]
    for a, b in zip(dates, dates[1:], strict=False):
        between = ctx.text[a.end : b.start]
        joined = CONNECTOR.match(between) or (
            AND.fullmatch(between) and BETWEEN.search(ctx.text[max(0, a.start - 20) : a.start])
        )
        if joined and b.last_day >= a.first_day:
            return _period(ctx, a, b, a.start, b.end)
        if joined:
            period = _period(ctx, a, b, a.start, b.end)
            ctx.warnings.append(f"period ends ({b.value}) before it starts ({a.value})")
            return period
    return None


def _open_or_duration(ctx: Context, start: int, end: int) -> Period | None:
    text = ctx.text[start:end]
    dates = [d for d in find_dates(text, start) if d.precision != "year"]
    if not dates:
        return None
    first = dates[0]
    open_end = OPEN_END.search(text)
    duration = DURATION.search(text)
    if duration:
        n = number_word(duration.group("n") or duration.group("n2"))
        if n and 0 < n <= 10:
            last = add_years(first.first_day, int(n))
            ev_end = max(first.end, start + duration.end())
            ev_start = min(first.start, start + duration.start())
            return Period(
                start=first.first_day.isoformat(),
                end=last.isoformat(),
                precision="day",
                evidence=ctx.evidence(ev_start, ev_end),
            )
    if open_end:
        ctx.warnings.append("period has no end date (tills vidare)")
        ev_end = max(first.end, start + open_end.end())
        return Period(
            start=first.first_day.isoformat(),
            end=None,
            precision="day",
            evidence=ctx.evidence(first.start, ev_end),
        )
    lead = FROM.search(ctx.text[max(start, first.start - 30) : first.start])
    if lead:
        ctx.warnings.append("period has a start date but no end date")
        ev_start = max(start, first.start - 30) + lead.start()
        return Period(
            start=first.first_day.isoformat(),
            end=None,
            precision="day",
            evidence=ctx.evidence(ev_start, first.end),
        )
    lead = UNTIL.search(ctx.text[max(start, first.start - 30) : first.start])
    if lead and len(dates) == 1:
        ctx.warnings.append("period has an end date but no start date")
        ev_start = max(start, first.start - 30) + lead.start()
        return Period(
            start=None,
            end=first.last_day.isoformat(),
            precision="day" if first.precision == "day" else "month",
            evidence=ctx.evidence(ev_start, first.end),
        )
    return None


def _year_range(ctx: Context, start: int, end: int) -> Period | None:
    ranges = find_year_ranges(ctx.text[start:end], start)
    if not ranges:
        return None
    s, e, a, b = ranges[0]
    return Period(
        start=f"{a}-01-01", end=f"{b}-12-31", precision="year", evidence=ctx.evidence(s, e)
    )


def _period(ctx: Context, a: DateMatch, b: DateMatch, start: int, end: int) -> Period:
    precision = "day" if a.precision == b.precision == "day" else "month"
    return Period(
        start=a.first_day.isoformat(),
        end=b.last_day.isoformat(),
        precision=precision,
        evidence=ctx.evidence(start, end),
    )
