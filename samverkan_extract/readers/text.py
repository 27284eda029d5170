"""Plain text and Markdown: decode safely, strip markup, find headings, lists and tables."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import regex

from samverkan_extract.document import (
    NUMBERING,
    BlockKind,
    Document,
    DocumentBuilder,
    clean_line,
    numbering_kind,
)
from samverkan_extract.errors import InputError
from samverkan_extract.knowledge import knowledge
from samverkan_extract.limits import Limits
from samverkan_extract.readers.boilerplate import chrome_warning, drop_boilerplate
from samverkan_extract.readers.common import (
    Reader,
    column_runs,
    controls_warning,
    drop_controls,
    file_sha256,
    is_page_number,
    mb,
    read_snapshot,
)
from samverkan_extract.readers.markup import (
    ATX_HEADING,
    BULLET_LINE,
    HTML_BREAK,
    HTML_START,
    QUOTE,
    strip_inline_markup,
)

# Bytes of a text file that betray binary data: C0 controls other than tab, line feed,
# vertical tab (Word's line break in pasted text), form feed and carriage return, and
# other than NUL, which is counted on its own.
_CONTROL = set(range(1, 9)) | set(range(14, 32))
# Windows-1252 leaves these bytes undefined; a file using them is not cp1252.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_SAMPLE = 65536


def decode_text(data: bytes, path: str | Path) -> tuple[str, list[str]]:
    """Decode a text file without guessing silently wrong; returns (text, warnings).

    NUL bytes in an otherwise decodable text (a few from a broken copy, padding after a
    crash) are dropped with a warning; only data that is binary once they are gone (other
    control bytes in more than 1 % of it) is refused. Control characters in the decoded
    text are left to the reader (``readers.common.drop_controls``).
    """
    if not data.strip():
        raise InputError(path, "empty file")
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return _strict(data, codec, path), []
    warnings = []
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return _strict(data, utf16, path), [f"decoded as {utf16} without a byte-order mark"]
        nuls = data.count(0)
        data = data.replace(b"\x00", b"")
        if not data.strip():
            raise InputError(path, "binary data, not text")
        warnings.append(f"dropped {nuls} NUL byte(s): the rest of the file is text")
    sample = data[:_SAMPLE]
    if sum(b in _CONTROL for b in sample) > 0.01 * len(sample):
        raise InputError(path, "binary data, not text")
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError:
        pass
    text, legacy = _decode_legacy(data)
    return text, warnings + legacy


def _strict(data: bytes, codec: str, path: str | Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid {codec} text ({exc.reason})") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM has NUL bytes on one side of every ASCII character."""
    sample = data[: len(data) - len(data) % 2][:8192]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes) -> tuple[str, list[str]]:
    """Windows-1252 (or Latin-1), line by line so that a file mixing it with UTF-8 survives."""
    legacy = "latin-1" if any(b in _CP1252_UNDEFINED for b in data) else "cp1252"
    lines, utf8_lines = [], 0
    for raw in data.split(b"\n"):
        try:
            lines.append(raw.decode("utf-8"))
            utf8_lines += any(b > 0x7F for b in raw)
        except UnicodeDecodeError:
            lines.append(raw.decode(legacy))
    warnings = [f"decoded as {legacy}"]
    if utf8_lines:
        warnings.append(f"mixed encodings: {utf8_lines} line(s) UTF-8, the rest {legacy}")
    return "\n".join(lines), warnings


# --- Line classes -----------------------------------------------------------------------

_RULE = regex.compile(r"^\s{0,3}([-*_=])(\s*\1){2,}\s*$")
_NUMBERED = regex.compile(r"^\s*(?:\d{1,2}[.)]|[a-z][.)]|[A-Z]\))\s+(.*)$")
# "2.1 Giltighetstid", "IV. PRIORITERADE OMRÅDEN", "§ 4 Fokusområden"
_NUMBERED_HEADING = regex.compile(rf"^\s*(?P<number>{NUMBERING.pattern})\s+(?P<title>\p{{Lu}}.*)$")
_TABLE_ROW = regex.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = regex.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# The border of a table drawn in ASCII ("+------+------+", "+======+").
_GRID_BORDER = regex.compile(r"^\s*\+(?:[-=:]{2,}\+)+\s*$")
_DATE_LIKE = regex.compile(r"\d{4}-\d{2}|\d{1,2}\s+\p{Ll}+\s+\d{4}")


# A line this long was not hard-wrapped by anyone (wrapped text keeps to 60-100).
UNWRAPPED_LINE = 160
# What a paragraph becomes in the Document; the rest are paragraphs.
_BLOCK_KINDS: dict[str, BlockKind] = {
    "heading": "heading",
    "label": "label",
    "list_item": "list_item",
}


@dataclass
class _Para:
    kind: str  # heading, label, paragraph, list_item, table
    lines: list[str]
    level: int = 0
    explicit: bool = False  # a heading marked as such (Markdown), not guessed
    rows: list[list[str]] | None = None
    depth: int = 0  # a list item indented under the one before


def read_txt(path: Path, limits: Limits) -> Document:
    return read_text(path, "txt", limits)


def read_md(path: Path, limits: Limits) -> Document:
    return read_text(path, "md", limits)


TEXT_READER = Reader("txt", (".txt", ".text"), read_txt)
MARKDOWN_READER = Reader("md", (".md", ".markdown"), read_md)


def read_text(path: Path, fmt: str, limits: Limits) -> Document:
    """A text or Markdown file; an HTML page saved under either name is read with a
    warning, its tags stripped."""
    max_bytes = int(limits.max_text_mb * 1e6)

    def too_big(size: int) -> NoReturn:
        raise InputError(
            path,
            f"text file is {mb(size / 1e6)} MB, over the {limits.max_text_mb:g} MB limit for "
            ".txt/.md (an agreement is a few hundred KB at most)",
        )

    data = read_snapshot(path, max_bytes, too_big)
    text, warnings = decode_text(data, path)
    if HTML_START.match(data[:4096]):
        warnings.append(
            "an HTML page, not plain text: tags were stripped, but menus, scripts and "
            "styles may have been read as text"
        )
    text, dropped = drop_controls(text)
    if dropped:
        warnings.append(controls_warning(dropped))
    # A form feed is a page break: it starts a line of its own, marked for the running
    # header search below.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f")
    builder = DocumentBuilder(str(path), fmt, file_sha256(data))
    builder.warnings.extend(warnings)
    lines, chrome = drop_boilerplate(text.split("\n"))
    if chrome:
        builder.warnings.append(chrome_warning(chrome))
    lines = _drop_running_lines(lines)
    builder.wrap_width = wrap_width(lines)
    paras = _run_in_headings(_guess_headings(_paragraphs(lines)))
    table_no = 0
    for para in paras:
        if para.kind == "table" and para.rows:
            for r, row in enumerate(para.rows):
                for c, cell in enumerate(row):
                    builder.add(
                        "table_cell",
                        cell.split("\n"),
                        keep_breaks=True,
                        table=table_no,
                        row=r,
                        col=c,
                    )
            table_no += 1
        elif para.kind == "header":
            builder.add("header", para.lines)
        else:
            kind = _BLOCK_KINDS.get(para.kind, "paragraph")
            builder.add(kind, para.lines, level=para.level, depth=para.depth)
    if not builder.blocks:
        raise InputError(path, "no text in file")
    return builder.build()


def wrap_width(lines: list[str]) -> int | None:
    """The width the text was wrapped at: nearly all lines are at most this long. A text
    with a paragraph on each line gives a width no short line comes near."""
    lengths = sorted(len(x.strip()) for x in lines if x.strip())
    if len(lengths) < 10:
        # Too few lines to tell a width, unless one is longer than any wrapped text's:
        # then nothing was wrapped, and every break is meant.
        return lengths[-1] if lengths and lengths[-1] >= UNWRAPPED_LINE else None
    return lengths[int(0.95 * (len(lengths) - 1))]


# A footer with its page number set apart: "Vara kommun – Polisen          Sida 1 (3)".
_FOOTER_WITH_NUMBER = regex.compile(
    r"^(?P<text>\S.{0,60}?)(?:\t+|[ \u00a0]{3,})(?P<number>\S.*?)\s*$"
)


def _is_page_line(line: str) -> bool:
    """A page number alone, or a short footer that closes with one after a wide gap."""
    if is_page_number(clean_line(line)):
        return True
    m = _FOOTER_WITH_NUMBER.match(line.strip())
    return (
        m is not None
        and is_page_number(m.group("number"))
        and not m.group("number").strip().isdigit()  # "2019   2022" is no footer
    )


def _drop_running_lines(lines: list[str]) -> list[str]:
    """Drop page numbers (alone, or closing a short footer: "Exby kommun   Sida 2 (5)")
    and running headers/footers repeated at page breaks.

    The first copy of a running header is kept (marked with a form feed) since it may
    carry a reference number; later copies are dropped.
    """
    page_marks = [i for i, ln in enumerate(lines) if "\f" in ln or _is_page_line(ln)]
    near_break: Counter[str] = Counter()
    for i in page_marks:
        for j in range(max(0, i - 3), min(len(lines), i + 4)):
            key = clean_line(lines[j].replace("\f", ""))
            if key and not is_page_number(key):
                near_break[key] += 1
    counts = Counter(clean_line(ln) for ln in lines)
    running = {
        key for key, n in near_break.items() if n >= 2 and counts[key] >= 2 and len(key) >= 4
    }
    out, seen = [], set()
    for ln in lines:
        ln = ln.replace("\f", "")
        key = clean_line(ln)
        if _is_page_line(ln):
            out.append("")
            continue
        if key in running:
            if key in seen:
                out.append("")
                continue
            seen.add(key)
            out.extend(["", "\f" + ln, ""])
            continue
        out.append(ln)
    return out


def _paragraphs(lines: list[str]) -> list[_Para]:
    """Group lines into paragraphs, headings, list items and tables, markup stripped."""
    paras: list[_Para] = []
    list_indents: list[int] = [0]  # indents of the open list levels
    current: _Para | None = None
    table: list[tuple[bool, list[str]]] = []  # each row's cells, and a border above it
    border = False  # the line before was a table border
    # Lines of a table drawn with bars are no column lines, whatever their spacing.
    runs = column_runs(["|" if _TABLE_ROW.match(x) or _GRID_BORDER.match(x) else x for x in lines])
    skip_to = 0

    def close() -> None:
        nonlocal current
        if current is not None and any(x.strip() for x in current.lines):
            paras.append(current)
        current = None

    def close_table() -> None:
        if table:
            paras.append(_Para("table", [], rows=_table_rows(table)))
            table.clear()

    for i, raw in enumerate(lines):
        if i < skip_to:
            continue
        if i in runs:
            close()
            close_table()
            skip_to, rows = runs[i]
            paras.append(
                _Para("table", [], rows=[[strip_inline_markup(c) for c in r] for r in rows])
            )
            continue
        if raw.startswith("\f"):
            close()
            close_table()
            paras.append(_Para("header", [strip_inline_markup(raw[1:])]))
            continue
        line = QUOTE.sub("", raw)
        if _GRID_BORDER.match(line):
            close()
            border = True
            continue
        if _TABLE_ROW.match(line):
            close()
            if not _TABLE_RULE.match(line):
                cells = [HTML_BREAK.sub("\n", c) for c in line.strip().strip("|").split("|")]
                table.append(
                    (
                        border,
                        ["\n".join(map(strip_inline_markup, c.split("\n"))).strip() for c in cells],
                    )
                )
            border = False
            continue
        border = False
        close_table()
        if not line.strip():
            close()
            continue
        if _RULE.match(line):
            if current is not None and current.kind == "paragraph" and line.strip()[0] in "=-":
                current.kind, current.level, current.explicit = (
                    "heading",
                    1 if "=" in line else 2,
                    True,
                )
            close()
            continue
        if m := ATX_HEADING.match(line):
            close()
            paras.append(_Para("heading", [strip_inline_markup(m.group(2))], len(m.group(1)), True))
            continue
        m = BULLET_LINE.match(line) or _NUMBERED.match(line)
        if m:
            close()
            indent = len(line) - len(line.lstrip(" \t"))
            prev = paras[-1] if paras else None
            if prev is None or prev.kind != "list_item":
                list_indents = [indent]
            while len(list_indents) > 1 and indent < list_indents[-1]:
                list_indents.pop()
            if indent > list_indents[-1]:
                list_indents.append(indent)
            current = _Para("list_item", [strip_inline_markup(m.group(1))])
            current.depth = len(list_indents) - 1
            current.level = 1 if _NUMBERED.match(line) else 0
            current.rows = [[line.strip()]]  # keep the raw marker for heading guesses
            continue
        text = strip_inline_markup(line)
        if current is not None and current.kind == "list_item" and not raw[:1].isspace():
            close()
        if current is None:
            current = _Para("paragraph", [])
        current.lines.append(text)
    close()
    close_table()
    return paras


def _table_rows(lines: list[tuple[bool, list[str]]]) -> list[list[str]]:
    """The rows of a table written with bars. In a table drawn with borders ("+----+"),
    a row may take several lines: where a border stands between every two rows, the
    lines between two borders are one row; else a line whose first cell is empty goes on
    in the row above ("| Mönsterås |" over "| 2019-12-11 |" in the same column). Each
    line of a cell stays a line of it."""
    drawn = any(border for border, _ in lines)
    between = sum(border for border, _ in lines[1:])
    rows: list[list[str]] = []
    for border, cells in lines:
        goes_on = (between >= 2 and not border) or (not cells[0] and not border)
        if drawn and rows and goes_on and len(cells) == len(rows[-1]):
            rows[-1] = [f"{a}\n{b}".strip("\n") for a, b in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells[:])
    return rows


def _guess_headings(paras: list[_Para]) -> list[_Para]:
    """Find headings in text without markup: upper-case lines, numbered headings, and
    short title lines followed by body text.

    The document's own convention wins: where it marks headings (Markdown, upper case),
    plain short lines are not guessed to be headings as well.
    """
    marked = sum(
        p.kind == "heading"
        or (p.kind == "paragraph" and len(p.lines) == 1 and _is_upper_heading(p.lines[0]))
        for p in paras
    )
    guess_plain = marked < 3
    for i in range(len(paras) - 1, -1, -1):
        para = paras[i]
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        prev = paras[i - 1] if i else None
        if para.kind == "list_item" and para.level == 1 and para.rows:
            raw = para.rows[0][0]
            m = _NUMBERED_HEADING.match(raw)
            # an item of the same list before it; a list under it is deeper ("4. Prioriterade
            # områden" over indented "1. Narkotika", "2. ...")
            after_item = (
                prev is not None
                and prev.kind == "list_item"
                and prev.level == 1
                and prev.depth == para.depth
                and _same_list(prev, para)
            )
            if (
                m
                and _is_heading_line(m.group("title"))
                and len(m.group("title").split()) <= 8
                and not after_item
                and (_is_body(nxt) or (_names_section(m.group("title")) and _is_sentence(nxt)))
                and nxt is not None
                and (
                    nxt.kind != "list_item"
                    or (
                        (nxt.depth > para.depth or not _same_list(para, nxt))
                        and _names_section(m.group("title"))
                    )
                )
            ):
                para.kind, para.lines = "heading", [raw.strip()]
                para.level = _numbered_level(m.group("number"))
            continue
        if para.kind != "paragraph" or len(para.lines) != 1:
            continue
        line = para.lines[0].strip()
        if not _is_heading_line(line):
            continue
        if m := _NUMBERED_HEADING.match(line):
            if _is_body(nxt):
                para.kind, para.level = "heading", _numbered_level(m.group("number"))
            continue
        if _is_upper_heading(line):
            para.kind, para.level = "heading", 1
        elif (
            line.endswith(":")
            and len(line.split()) <= 4
            and nxt is not None
            and nxt.kind == "list_item"
        ):
            para.kind = "label"  # "Kommunen:" over a list
        elif guess_plain and _is_body(nxt) and not line.endswith((":", ".")):
            para.kind, para.level = "heading", 2
    return paras


def _run_in_headings(paras: list[_Para]) -> list[_Para]:
    """A title line with its text right under it, no blank line between ("Arbetsgrupp
    mot våld" over "I arbetsgruppen ingår ..."): a heading one level below the
    document's top headings."""
    levels = [p.level for p in paras if p.kind == "heading"]
    level = min(min(levels, default=1) + 1, 5)
    out: list[_Para] = []
    for i, para in enumerate(paras):
        first, rest = (para.lines[0].strip(), para.lines[1:]) if para.lines else ("", [])
        body = " ".join(rest).strip()
        numbered = _NUMBERED_HEADING.match(first)
        title = numbered.group("title") if numbered else first
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        if (
            para.kind == "paragraph"
            and len(para.lines) > 1
            and all(_numbered_title(x) for x in para.lines)
        ):  # "3 Prioriterade områden" / "3.1 Anlagda bränder" / "3.2 Unga i riskzon"
            out += [_Para("heading", [x.strip()], _numbered_title(x)) for x in para.lines]
            continue
        # its text: full sentences, or a line that opens the list below ("... prioriterar:");
        # under a numbered title, one sentence will do ("4.1 Brå" / "Rådet möts varje kvartal.")
        to_list = nxt is not None and nxt.kind == "list_item"
        opens_list = to_list and (body.endswith(":") or bool(numbered))
        sentences = len(body) >= 100 or (numbered is not None and len(body) >= 20)
        if (
            para.kind == "paragraph"
            and rest
            and _is_heading_line(first)
            and len(title.split()) <= 8
            and first[-1] not in ".,:;!?"
            and ((sentences and regex.search(r"[.!?]$", body)) or opens_list)
        ):
            own = max(_numbered_level(numbered.group("number")), level) if numbered else level
            out.append(_Para("heading", [first], own))
            out.append(_Para("paragraph", rest))
            continue
        out.append(para)
    return out


def _numbered_title(line: str) -> int:
    """The level of a line that is a numbered title alone ("3.1 Unga i riskzon"), else 0."""
    m = _NUMBERED_HEADING.match(line.strip())
    if m is None or not _is_heading_line(line.strip()) or line.strip()[-1] in ".,:;!?":
        return 0
    return _numbered_level(m.group("number")) if len(m.group("title").split()) <= 8 else 0


def _names_section(title: str) -> bool:
    """A title that names a section agreements have ("Prioriterade områden", "Parter")."""
    return any(t.pattern.search(title) for t in knowledge().topics if t.id != "other")


def _numbered_level(number: str) -> int:
    """ "2" is a chapter, "2.1" a section under it; roman numerals, letters and § are
    chapters."""
    return 1 + numbering_kind(number)[1]


def _is_upper_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and _is_heading_line(line)


def _is_heading_line(line: str) -> bool:
    words = line.split()
    if not words or len(line) > 110 or len(words) > 14:
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] == "§") or _DATE_LIKE.search(line):
        return False
    if line.endswith((",", ";")):
        return False
    if len(words) > 1 and words[-1].casefold() in knowledge().vocabulary["layout"]["open_endings"]:
        return False  # "... mellan Exby kommun och": the sentence goes on below
    return not (line.endswith(".") and len(words) > 8)


_ITEM_NUMBER = regex.compile(r"^\s*(\d{1,2})([.)])")


def _same_list(first: _Para, then: _Para) -> bool:
    """Whether a numbered item goes on the list of the one before: the next number, in
    the same style ("4. Prioriterade områden" over "1) Narkotika" opens a new list)."""
    a = _ITEM_NUMBER.match(first.rows[0][0]) if first.rows else None
    b = _ITEM_NUMBER.match(then.rows[0][0]) if then.rows else None
    if a is None or b is None:
        return True
    return a.group(2) == b.group(2) and int(b.group(1)) == int(a.group(1)) + 1


def _is_sentence(para: _Para | None) -> bool:
    """A short paragraph that is a whole sentence ("Avtalet gäller 2022--2025.")."""
    return para is not None and para.kind == "paragraph" and " ".join(para.lines).endswith(".")


def _is_body(para: _Para | None) -> bool:
    """Whether a paragraph reads as body text under a heading."""
    if para is None:
        return False
    if para.kind in ("list_item", "table"):
        return True
    if para.kind in ("heading", "label"):
        return not para.explicit  # a heading over a sub-heading
    if para.kind != "paragraph":
        return False
    text = " ".join(para.lines)
    return len(text) >= 40 or text.endswith(":")
