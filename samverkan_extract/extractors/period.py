"""The validity period: date ranges, year ranges, open ends and durations."""

from __future__ import annotations

import datetime as dt

import regex

from samverkan_extract.dates import (
    _MONTH,
    MONTHS,
    DateMatch,
    add_years,
    find_year_ranges,
    lookup_word,
    number_word,
)
from samverkan_extract.document import HEADING_KINDS
from samverkan_extract.extractors.context import Context
from samverkan_extract.extractors.registry import extractor
from samverkan_extract.schema import Period, Precision

# Patterns used in the functions below, compiled once.
_YEAR_DIGITS = regex.compile(r"\d{4}")

PERIOD_WORDS = regex.compile(
    r"(?i)gäll\w*|giltig\w*|löper|löptid|period\w*|avtalstid|under\s+åren|för\s+åren|"
    r"\båren\b|börjar|träder\s+i\s+kraft|sträcker\s+sig|omfattar\s+åren|avser\s+åren"
)
CONNECTOR = regex.compile(
    r"(?i)^\s*(?:,\s*)?(?:till\s+och\s+med|t\.?\s?o\.?\s?m\.?|till|fram\s+till|[-–—]{1,2}|"
    r"och\s+(?:löper\s+ut|upphör\s+att\s+gälla|upphör|gäller\s+t\.?\s?o\.?\s?m\.?)|och\s+"
    r"(?:gäller\s+|löper\s+)?(?:fram\s+)?till(?:\s+och\s+med)?|samt\s+till|intill|through)\s*"
    r":?\s*(?:den\s+)?$"
)
# "tills vidare", "gäller löpande", "till dess att en ny överenskommelse tecknas": the
# period runs on, with no end (only where the text gives no end date).
OPEN_END = regex.compile(
    r"(?i)tills\s+vidare|tillsvidare|utan\s+slutdatum|löpande\s+tills|"
    r"(?:gäller|löper)\s+(?:\w+\s+){0,2}?löpande|löpande\s+(?:från|fr\.?\s?o\.?\s?m)|"
    r"till\s+dess\s+(?:att\s+)?(?:en\s+)?ny\w*\s+(?:\w+\s+){0,2}?"
    r"(?:tecknas|presenteras|beslutas|antas|ersätter)"
)
# A sentence about the agreement this one replaces, or an earlier period ("ersätter
# överenskommelsen för perioden 2015–2018"): not this agreement's period.
EARLIER = regex.compile(r"(?i)\b(?:ersätter|ersatte|föregående|tidigare|förra|föregångare)\b")
# "kan förlängas": the period may be extended; it does not move the end.
EXTENSION = regex.compile(
    r"(?i)kan\s+(?:\w+\s+){0,2}?förläng\w*|möjlighet\s+(?:till|att)\s+förläng\w*"
)
# A year standing alone in a title: "Medborgarlöfte 2025 – Exby kommun".
TITLE_YEAR = regex.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)(?![\d-])")
# "Löftet gäller under 2024": one whole year.
SINGLE_YEAR = regex.compile(
    r"(?i)\b(?:under|för|avser|omfattar)\s+(?:hela\s+)?(?:år(?:et)?\s+)?"
    r"(?P<y>(?:19|20)\d\d)\b(?!\s*(?:[-–—/]|till)\s*\d)"
)
# A place that ends in the dash or "till (och med)" of a range ...
OPEN_RANGE = regex.compile(r"(?i)\d\s*(?:[-–—]{1,2}|till(?:\s+och\s+med)?|t\.?\s?o\.?\s?m\.?)\s*$")
# ... and a line or paragraph break after it, before the date that ends the range (a
# date is at most this many characters long).
LINE_BREAK = regex.compile(r"[ \t]*\n\s*")
CARRIED_DATE = 40
FROM = regex.compile(r"(?i)(?:från\s+och\s+med|fr\.?\s?o\.?\s?m\.?|från)\s+(?:den\s+)?$")
# "mellan 2024-01-01 och 2026-12-31": "och" joins a range only after "mellan".
BETWEEN = regex.compile(r"(?i)mellan\s+(?:den\s+)?$")
AND = regex.compile(r"(?i)\s*och\s+(?:den\s+)?")
# "gäller till och med den 31 december 2027" with no start date: an end only.
UNTIL = regex.compile(
    r"(?i)(?:till\s+och\s+med|t\.?\s?o\.?\s?m\.?|fram\s+till|till|löper\s+ut|upphör)\s+"
    r"(?:den\s+)?$"
)
# "... till utgången av 2026": the end of that year.
END_OF_YEAR = regex.compile(
    r"(?i)[\s,]*(?:och\s+)?(?:gäller\s+)?(?:till\s+och\s+med|t\.?\s?o\.?\s?m\.?|till|fram\s+till)"
    r"\s+(?:den\s+)?utgången\s+av\s+(?:år\s+)?(?P<y>\d{4})\b"
)
# "1 januari–31 december 2025": the first date takes the year written after the second.
SHARED_YEAR = regex.compile(
    rf"(?i)\b(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH})\.?\s*"
    r"(?:[-–—]|till(?:\s+och\s+med)?|t\.?\s?o\.?\s?m\.?)\s*(?:den\s+)?"
    rf"(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\.?\s+(?P<y>\d{{4}})\b"
)
# "gäller för 2024, 2025 och 2026": the years listed one by one.
YEAR_LIST = regex.compile(
    r"\b(?P<years>(?:19|20)\d\d(?:\s*,\s*(?:19|20)\d\d)*)\s*,?\s*(?:och|samt)\s+"
    r"(?P<last>(?:19|20)\d\d)\b"
)
# "gäller i två år från undertecknandet": counted from a signing date the text does
# not give, so there are no dates to report.
FROM_SIGNING = regex.compile(
    r"(?i)^\s*(?:räknat\s+)?från\s+(?:och\s+med\s+)?(?:den\s+dag\s+)?(?:då\s+)?"
    r"(?:undertecknande\w*|underteckna\w*|underskrift\w*|det\s+att|att\s+den\s+underteckn\w*)"
)
DURATION = regex.compile(
    r"(?i)(?:i|under|för|på)\s+(?:en\s+period\s+(?:av|om)\s+)?(?P<n>\d+|\w+)\s+år\b|"
    r"(?P<n2>\d+|\w+)\s+år\s+(?:framåt|från)"
)


@extractor("period")
def extract_period(ctx: Context) -> Period | None:
    """The period where it is stated, most specific place first; a clause that lets it
    be extended ("kan förlängas") is a warning, never a later end."""
    period = _find_period(ctx)
    if period is not None:
        limit = ctx.signature_zone_start
        for s in ctx.sentences(0, limit):
            if PERIOD_WORDS.search(s.text) and (m := EXTENSION.search(s.text)):
                ctx.warnings.append(
                    f"the period may be extended ({m.group()!r}); its end is the one stated"
                )
                break
    return period


def _find_period(ctx: Context) -> Period | None:
    limit = ctx.signature_zone_start
    places: list[tuple[int, int]] = [(s.start, s.end) for s in ctx.sections_about("period")]
    places += [
        (s.start_char, s.end_char)
        for s in ctx.sentences(0, limit)
        if PERIOD_WORDS.search(s.text) and not EARLIER.search(s.text)
    ]
    places = [(start, _carried_over(ctx, start, end)) for start, end in places]
    for start, end in places:
        if _from_signing(ctx, start, end):
            ctx.warnings.append("period runs from the signing, which gives no dates")
            return None
        period = (
            _shared_year(ctx, start, end)
            or _date_range(ctx, start, end)
            or _open_or_duration(ctx, start, end)
        )
        if period:
            return period
    stated = list(places)
    title = ctx.values.get("title")
    if title is not None:  # "Samverkansöverenskommelse 2022–2025", set as a heading or not
        places.append((title.evidence.start, title.evidence.end))
    head = ctx.document.blocks[:12]
    places += [(b.start, b.end) for b in head if b.kind in HEADING_KINDS]
    for start, end in places:
        period = _year_range(ctx, start, end)
        if period:
            return period
    kind = ctx.values.get("document_type")
    if title is not None and kind is not None and kind.value == "medborgarlofte":
        stated.append((title.evidence.start, title.evidence.end))  # "Medborgarlöfte 2025"
    for start, end in stated:
        if m := (SINGLE_YEAR.search(ctx.text, start, end) or _title_year(ctx, start, end)):
            y = m.group("y")
            return Period(
                start=f"{y}-01-01",
                end=f"{y}-12-31",
                precision="year",
                evidence=ctx.evidence(m.start(), m.end()),
            )
    return None


def _carried_over(ctx: Context, start: int, end: int) -> int:
    """Where a place ends that breaks off after the dash of a range, with the end date
    opening the next line or paragraph ("gäller 1 januari 2014 –" / "31 december
    2016."): past that date."""
    if not OPEN_RANGE.search(ctx.text, start, end):
        return end
    stop = end
    while stop > start and ctx.text[stop - 1].isspace():
        stop -= 1
    gap = LINE_BREAK.match(ctx.text, stop)
    if gap is None:
        return end
    after = ctx.dates(gap.end(), gap.end() + CARRIED_DATE)
    return after[0].end if after and after[0].start == gap.end() else end


def _title_year(ctx: Context, start: int, end: int) -> regex.Match[str] | None:
    """One year in a medborgarlöfte's title: the year its promises are for."""
    title = ctx.values.get("title")
    if title is None or (start, end) != (title.evidence.start, title.evidence.end):
        return None
    years = list(TITLE_YEAR.finditer(ctx.text, start, end))
    return years[0] if len(years) == 1 else None


def _date_range(ctx: Context, start: int, end: int) -> Period | None:
    dates = [d for d in ctx.dates(start, end) if d.precision != "year"]
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
    dates = [d for d in ctx.dates(start, end) if d.precision != "year"]
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
            open_ended=True,
        )
    end_of = END_OF_YEAR.match(ctx.text, first.end, end)
    if end_of and int(end_of.group("y")) >= first.first_day.year:
        # "från den 1 mars 2023 till utgången av 2025"
        return Period(
            start=first.first_day.isoformat(),
            end=f"{end_of.group('y')}-12-31",
            precision="day",
            evidence=ctx.evidence(first.start, end_of.end()),
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


def _from_signing(ctx: Context, start: int, end: int) -> bool:
    text = ctx.text[start:end]
    return any(FROM_SIGNING.match(text[m.end() :]) for m in DURATION.finditer(text))


def _shared_year(ctx: Context, start: int, end: int) -> Period | None:
    m = SHARED_YEAR.search(ctx.text[start:end])
    if not m:
        return None
    try:
        year = int(m.group("y"))
        first = dt.date(year, lookup_word(MONTHS, m.group("m1")) or 0, int(m.group("d1")))
        last = dt.date(year, lookup_word(MONTHS, m.group("m2")) or 0, int(m.group("d2")))
    except ValueError:
        return None
    if last < first:
        return None
    return Period(
        start=first.isoformat(),
        end=last.isoformat(),
        precision="day",
        evidence=ctx.evidence(start + m.start(), start + m.end()),
    )


def _year_range(ctx: Context, start: int, end: int) -> Period | None:
    ranges = find_year_ranges(ctx.text[start:end], start)
    ranges += _year_lists(ctx.text[start:end], start)
    if not ranges:
        return None
    s, e, a, b = min(ranges)
    return Period(
        start=f"{a}-01-01", end=f"{b}-12-31", precision="year", evidence=ctx.evidence(s, e)
    )


def _period(ctx: Context, a: DateMatch, b: DateMatch, start: int, end: int) -> Period:
    precision: Precision = "day" if {a.precision, b.precision} <= {"day", "week"} else "month"
    return Period(
        start=a.first_day.isoformat(),
        end=b.last_day.isoformat(),
        precision=precision,
        evidence=ctx.evidence(start, end),
    )


def _year_lists(text: str, offset: int) -> list[tuple[int, int, int, int]]:
    """Consecutive years listed one by one, as (start, end, first, last)."""
    out = []
    for m in YEAR_LIST.finditer(text):
        years = [int(y) for y in _YEAR_DIGITS.findall(m.group(0))]
        if len(years) >= 2 and all(b == a + 1 for a, b in zip(years, years[1:], strict=False)):
            out.append((m.start() + offset, m.end() + offset, years[0], years[-1]))
    return out
