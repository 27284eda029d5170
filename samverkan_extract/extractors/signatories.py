"""Signatories: the persons who sign, read from the signature area at the end.

The signature area is the last run of short-line blocks that holds a person's name.
Its lines are read in order as a small grammar: a place/date line applies to the
persons after it; a name opens a person; role lines after a name are the title (a
title broken over lines is joined); an organisation line after the title is the
person's organisation. Organisation lines met before a name (blocks laid side by side
and then flattened) wait, and go to a person left without one whose title is of the
same kind ("Kommunstyrelsens ordförande" takes the kommun).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from samverkan_extract.dates import find_dates
from samverkan_extract.document import Block
from samverkan_extract.extractors.context import Context, clean_value
from samverkan_extract.extractors.registry import extractor
from samverkan_extract.extractors.signature_zone import (
    PARTY_LETTERS,
    is_person_name,
    signature_patterns,
)
from samverkan_extract.schema import Signatory

# Patterns used in the functions below, compiled once.
_PLACE_DATE_WORDS = regex.compile(
    r"(?i)\b(?:ort\s+och\s+datum|ort|datum|den|undertecknat|i)\b|[:,.]"
)
_FOR_LEAD_OR_COLON = regex.compile(r"^(?i:för)\s+|\s*:$")

# Marks standing apart at a line's end ("Anna Berg :"), specks on a scanned page.
STRAY_MARKS = regex.compile(r"(?:\s+[^\w\s()]{1,2})+$")


@dataclass
class Line:
    text: str
    start: int
    end: int
    block: int
    kind: str = ""
    col: int | None = None  # the table column, for blocks laid side by side in a table
    row: int | None = None  # the table row


@dataclass
class Person:
    name: Line
    titles: list[Line] = field(default_factory=list)
    org: Line | None = None
    date: str | None = None
    place: str | None = None
    date_from_block: bool = False
    orgs_before: int = 0  # how many waiting organisation lines came before the name

    @property
    def last(self) -> Line:
        return self.org or (self.titles[-1] if self.titles else self.name)


def _zone_lines(ctx: Context, start: int) -> list[Line]:
    """The zone's lines in reading order; tables laid side by side are read by column."""
    blocks = [b for b in ctx.document.blocks if b.start >= start]
    lines: list[Line] = []
    tables: dict[int, list[Block]] = {}
    order: list[Block | int] = []
    for b in blocks:
        if b.kind == "table_cell" and b.table is not None:
            if b.table not in tables:
                order.append(b.table)
            tables.setdefault(b.table, []).append(b)
        else:
            order.append(b)
    for i, entry in enumerate(order):
        cells = [entry] if isinstance(entry, Block) else _table_order(ctx, tables[entry])
        for j, block in enumerate(cells):
            lines += _lines_of(ctx, block, i * 1000 + j)
    return lines


def _strip_labels(lines: list[Line]) -> list[Line]:
    """ "Namnförtydligande: Anna Berg", "Befattning: Kommundirektör": the value only."""
    labels = signature_patterns()["label"]
    out: list[Line] = []
    for line in lines:
        m = labels.match(line.text)
        if m and line.text[m.end() :].strip():
            rest = line.text[m.end() :]
            s = line.start + m.end() + (len(rest) - len(rest.lstrip()))
            out.append(Line(rest.strip(), s, line.end, line.block, col=line.col, row=line.row))
        else:
            out.append(line)
    return out


# A title that runs on into the next person's name: "kommunstyrelsens ordförande Per Holm".
NEXT_NAME = regex.compile(
    r"^(?P<title>.*\S)\s+(?P<name>\p{Lu}[\p{L}-]+(?:\s+\p{Lu}[\p{L}-]+){1,2})$"
)


def _split_commas(lines: list[Line]) -> list[Line]:
    """ "Anna Berg, kommundirektör, X kommun": a name, then its title and organisation.
    Two such entries run together on one line ("Anna Berg, kommundirektör Per Holm,
    polischef") are two: a part that ends in a person's name starts the next entry."""
    out: list[Line] = []
    for line in lines:
        parts = line.text.split(",")
        if len(parts) < 2 or is_person_name(line.text) or not is_person_name(parts[0].strip()):
            out.append(line)
            continue
        pos = line.start
        for n, part in enumerate(parts):
            stripped = part.strip()
            if stripped:
                s = pos + part.index(stripped)
                joined = NEXT_NAME.match(stripped) if 0 < n < len(parts) - 1 else None
                if joined and is_person_name(joined.group("name")):
                    cut = joined.start("name")
                    title = stripped[:cut].rstrip()
                    out.append(
                        Line(title, s, s + len(title), line.block, col=line.col, row=line.row)
                    )
                    s, stripped = s + cut, stripped[cut:]
                out.append(
                    Line(stripped, s, s + len(stripped), line.block, col=line.col, row=line.row)
                )
            pos += len(part) + 1
    return out


def _table_order(ctx: Context, cells: list[Block]) -> list[Block]:
    """Cells by column when a row holds several names (blocks side by side), else by row."""
    rows: dict[int, list[Block]] = {}
    for c in cells:
        rows.setdefault(c.row or 0, []).append(c)
    side_by_side = any(sum(_names_a_person(ctx, c) for c in row) > 1 for row in rows.values())
    if side_by_side:
        return sorted(cells, key=lambda c: (c.col or 0, c.row or 0))
    return sorted(cells, key=lambda c: (c.row or 0, c.col or 0))


def _names_a_person(ctx: Context, cell: Block) -> bool:
    """A cell with a line that is a name, or opens with one ("**Ulf Persson**,
    Kommunstyrelsens ordförande, Trelleborgs kommun")."""
    lines = ctx.document.block_text(cell).split("\n")
    return any(is_person_name(ln) or is_person_name(ln.split(",")[0].strip()) for ln in lines)


def _lines_of(ctx: Context, block: Block, number: int) -> list[Line]:
    out, pos = [], block.start
    col = block.col if block.kind == "table_cell" else None
    row = block.row if block.kind == "table_cell" else None
    for raw in ctx.text[block.start : block.end].split("\n"):
        stripped = STRAY_MARKS.sub("", raw.strip())
        if stripped:
            s = pos + raw.index(stripped)
            out.append(Line(stripped, s, s + len(stripped), number, col=col, row=row))
        pos += len(raw) + 1
    return out


def _split_trailing_dates(lines: list[Line]) -> list[Line]:
    """ "Kommunstyrelsens ordförande 2020-11-23": a row of a signature table read as one
    line, its title then its date: two lines, so that the title is kept."""
    role = signature_patterns()["role"]
    out: list[Line] = []
    for line in lines:
        dates = find_dates(line.text)
        head = line.text[: dates[0].start].rstrip() if len(dates) == 1 else ""
        if not (
            head
            and dates[0].end == len(line.text.rstrip())
            and dates[0].precision == "day"
            and role.search(head)
            and not is_person_name(head)
        ):
            out.append(line)
            continue
        date_start = line.start + dates[0].start
        date = line.text[dates[0].start :].strip()
        out.append(
            Line(head, line.start, line.start + len(head), line.block, col=line.col, row=line.row)
        )
        out.append(Line(date, date_start, line.end, line.block, col=line.col, row=line.row))
    return out


def _classify(line: Line) -> str:
    pats = signature_patterns()
    text = line.text
    if pats["placeholder"].search(text) and not find_dates(text):
        return "placeholder"
    dates = find_dates(text)
    if dates and len(text.split()) <= 8 * len(dates):
        return "date"
    if is_person_name(text):
        return "name"
    if pats["role"].search(text):
        return "title"
    if pats["org"].search(text):
        return "org"
    return "other"


def _join_broken_titles(lines: list[Line]) -> list[Line]:
    """ "Kommunstyrelsens" over "ordförande": one title written on two lines."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and line.kind == "title"
            and prev.kind in ("org", "other", "title")
            and prev.text.endswith("s")
            and len(prev.text.split()) == 1
            and line.text[:1].islower()
        ):
            out[-1] = Line(f"{prev.text} {line.text}", prev.start, line.end, prev.block, "title")
            continue
        if (
            prev is not None
            and line.kind in ("other", "title")
            and prev.kind == "title"
            and line.text[:1].islower()
            and prev.block == line.block
        ):
            out[-1] = Line(f"{prev.text} {line.text}", prev.start, line.end, prev.block, "title")
            continue
        out.append(line)
    return out


def _transpose_flattened(lines: list[Line]) -> list[Line]:
    """Blocks side by side flattened row by row ("A kommun / B kommun / Polisen", then
    the names, then the titles): runs of k names, k titles and k organisations, k >= 2,
    are read back person by person."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        runs: dict[str, list[Line]] = {}
        j = i
        while j < len(lines) and lines[j].kind in ("name", "title", "org"):
            kind = lines[j].kind
            if kind in runs:
                break
            k = j
            while k < len(lines) and lines[k].kind == kind:
                k += 1
            runs[kind] = lines[j:k]
            j = k
        sizes = {len(run) for run in runs.values()}
        if "name" in runs and len(runs) >= 2 and len(sizes) == 1 and sizes.pop() >= 2:
            for n in range(len(runs["name"])):
                out += [runs[kind][n] for kind in ("name", "title", "org") if kind in runs]
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def _date_place(line: Line) -> tuple[str | None, str | None]:
    dates = find_dates(line.text)
    if not dates:
        return None, None
    rest = line.text[: dates[0].start] + " " + line.text[dates[0].end :]
    rest = _PLACE_DATE_WORDS.sub(" ", rest)
    words = rest.split()
    place = " ".join(words) if 0 < len(words) <= 3 and all(w[:1].isupper() for w in words) else None
    return dates[0].value, place


def _dates_side_by_side(line: Line) -> list[tuple[str | None, str | None]]:
    """A line of several place-and-date entries (blocks side by side flattened): each
    entry's date and place, in order; empty when the line holds one date."""
    dates = find_dates(line.text)
    if len(dates) < 2:
        return []
    out = []
    for i, d in enumerate(dates):
        before = line.text[dates[i - 1].end if i else 0 : d.start]
        part = Line(f"{before} {line.text[d.start : d.end]}", line.start, line.end, line.block)
        out.append(_date_place(part))
    return out


def _org_kind(text: str) -> str:
    low = text.lower()
    if "kriminalvård" in low or "frivård" in low:
        return "prison"
    if "polis" in low or "lpo" in low:
        return "police"
    return "municipality"


@extractor("signatories")
def extract_signatories(ctx: Context) -> list[Signatory]:
    zone = ctx.signature_zone_start
    if zone >= len(ctx.text):
        return []
    lines = _split_trailing_dates(_split_commas(_strip_labels(_zone_lines(ctx, zone))))
    for line in lines:
        line.kind = _classify(line)
    lines = _transpose_flattened(_join_broken_titles(lines))
    named_blocks = {line.block for line in lines if line.kind == "name"}

    persons: list[Person] = []
    waiting_orgs: list[Line] = []
    date: str | None = None
    place: str | None = None
    current: Person | None = None
    prev: Line | None = None
    row_of_dates: list[tuple[str | None, str | None]] = []
    for line in lines:
        if line.kind == "date":
            row = _dates_side_by_side(line)
            undated = [p for p in persons if p.date is None]
            if row and len(undated) >= len(row) and undated[-len(row) :] == persons[-len(row) :]:
                # the row under the blocks it dates: one entry for each, in order
                for person, (d, p) in zip(persons[-len(row) :], row, strict=True):
                    person.date, person.place = d, p
                continue
            if row:  # "Luleå 2025-01-28   Boden 2025-01-30": one for each block below
                row_of_dates = row
                continue
            d, p = _date_place(line)
            if current and _own_date(current, line, named_blocks):
                current.date, current.place, current.date_from_block = d, p, True
            else:
                date, place = d, p
        elif line.kind == "name":
            d, p = row_of_dates.pop(0) if row_of_dates else (date, place)
            current = Person(line, date=d, place=p, orgs_before=len(waiting_orgs))
            persons.append(current)
        elif current is not None and current.org is None and _extends_title(current, line, prev):
            current.titles.append(line)
        elif current is not None and current.org is None and _is_own_org(current, line, prev):
            current.org = line
        elif line.kind == "org":
            waiting_orgs.append(line)
        prev = line if line.kind != "placeholder" else prev
    _assign_waiting_orgs(persons, waiting_orgs)
    return [_signatory(ctx, p) for p in persons]


def _own_date(person: Person, line: Line, named_blocks: set[int]) -> bool:
    """A date under a person, in the person's block or table column, or in a cell of
    its own in the person's table row, is that person's."""
    if person.name.block == line.block or any(t.block == line.block for t in person.titles):
        return not person.date_from_block
    if (
        line.block not in named_blocks
        and line.row is not None
        and line.row == person.name.row
        and line.block // 1000 == person.name.block // 1000
    ):
        return not person.date_from_block  # a date cell in the person's table row
    same_column = line.col is not None and line.col == person.name.col
    return same_column and not person.date_from_block and person.date is None


def _extends_title(person: Person, line: Line, prev: Line | None) -> bool:
    """A role line right under the name, or a further line of the same title block."""
    if line.kind != "title":
        return False
    if not person.titles:
        return prev is person.name
    return prev is person.titles[-1] and line.block == prev.block


def _is_own_org(person: Person, line: Line, prev: Line | None) -> bool:
    """The organisation line under a person's title: in the same block, or (layouts
    flattened to one line per block) the next line when it is of the title's kind."""
    if not person.titles or prev is not person.titles[-1]:
        return False
    if line.block == prev.block:
        return line.kind in ("org", "other")
    titles = " ".join(t.text for t in person.titles)
    return line.kind == "org" and _org_kind(line.text) == _org_kind(titles)


def _assign_waiting_orgs(persons: list[Person], waiting: list[Line]) -> None:
    used: set[int] = set()
    for p in persons:
        if p.org is not None or not p.titles:
            continue
        kind = _org_kind(" ".join(t.text for t in p.titles))
        for i, org in enumerate(waiting[: p.orgs_before]):
            if i not in used and _org_kind(org.text) == kind:
                p.org = org
                used.add(i)
                break


def _organization(text: str) -> str:
    """ "För Lunds kommun:" over a signature names the organisation "Lunds kommun"."""
    return clean_value(_FOR_LEAD_OR_COLON.sub("", text.strip()))


def _title_and_organization(title: str) -> tuple[str, str | None]:
    """ "Kommunstyrelsens ordförande, Exby kommun": the role, then the body it is held
    in, after the last comma (an organisation, not another role)."""
    head, comma, tail = title.rpartition(",")
    pats = signature_patterns()
    if comma and head.strip() and pats["org"].search(tail) and not pats["role"].search(tail):
        return clean_value(head), clean_value(tail)
    return title, None


def _signatory(ctx: Context, p: Person) -> Signatory:
    name = clean_value(PARTY_LETTERS.sub("", p.name.text))
    title = clean_value(" ".join(t.text for t in p.titles)) if p.titles else None
    organization = _organization(p.org.text) if p.org else None
    if title and organization is None:
        title, organization = _title_and_organization(title)
    end = max(p.last.end, p.name.end)
    return Signatory(
        name=name,
        title=title,
        organization=organization,
        signed_date=p.date,
        signed_place=p.place,
        evidence=ctx.evidence(p.name.start, end if end > p.name.start else p.name.end),
    )
