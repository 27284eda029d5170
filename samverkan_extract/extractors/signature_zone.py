"""The signature area: where in a document the persons who sign are.

It is the last run of signature-like blocks (short lines, a heading that opens a
signature, a "För X" line, a place-and-date line) that holds a person's name. The
extractors that must not read the signatures as body text stop there, and the
signatory extractor starts there.
"""

from __future__ import annotations

import regex

from samverkan_extract.dates import find_dates
from samverkan_extract.document import HEADING_KINDS, Block, Document
from samverkan_extract.knowledge import Knowledge, compile_terms, knowledge
from samverkan_extract.sections import heading_topic

# A signature block's lines are short: longer lines are prose.
MAX_LINE = 80
MAX_WORDS = 8
MAX_LINES = 24  # blocks side by side flattened into one block of short lines
SIGNATURE_KINDS = ("paragraph", "table_cell", "signature", *HEADING_KINDS)
PARTY_LETTERS = regex.compile(r"\s*\((?:[A-ZÅÄÖ]{1,3}|[A-ZÅÄÖ][a-zåäö]{1,2})\)\s*$")
_NAME_TOKEN = r"(?:\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?|\p{Lu}\.)"


# Where a "Name (party), title" entry starts on a line.
NAME_ENTRY = regex.compile(
    r"(?:^|(?<=[\s,]))\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?[ \t]+\p{Lu}\p{Ll}+"
    r"(?:[ \t]*\([A-ZÅÄÖ]{1,3}\))?,"
)


def signature_patterns() -> dict[str, regex.Pattern[str]]:
    """The signature vocabulary, compiled once per process."""
    return knowledge().derived("signature_patterns", _compile_patterns)


def _compile_patterns(kb: Knowledge) -> dict[str, regex.Pattern[str]]:
    vocab = kb.vocabulary
    particles = "|".join(vocab["names"]["particles"])
    return {
        "role": compile_terms(vocab["signatures"]["role_words"]),
        "org": compile_terms(vocab["signatures"]["org_words"]),
        "placeholder": compile_terms(vocab["signatures"]["placeholders"]),
        "label": regex.compile(rf"(?i)^(?:{'|'.join(vocab['signatures']['field_labels'])})\s*:\s*"),
        "name": regex.compile(
            rf"^{_NAME_TOKEN}(?:\s+(?:(?:{particles})\s+)?{_NAME_TOKEN}){{1,3}}$"
        ),
    }


def _place_words() -> frozenset[str]:
    return knowledge().derived("place_words", _compile_place_words)


def _compile_place_words(kb: Knowledge) -> frozenset[str]:
    words = {"norra", "södra", "östra", "västra", "övre", "nedre", "stora", "lilla"}
    for m in kb.municipalities.values():
        words.add(m.short_name.casefold())
        words.add(m.county.split()[0].casefold())
    return frozenset(words)


def is_person_name(line: str) -> bool:
    line = PARTY_LETTERS.sub("", line).strip()
    pats = signature_patterns()
    if not pats["name"].match(line):
        return False
    if pats["role"].search(line) or pats["org"].search(line):
        return False
    # A place's name ("Östra Göinge", "Lund Malmö") is no person's; a surname may be one
    # (Berg, Lund), a first name hardly ever.
    places = _place_words()
    words = [w.casefold() for w in line.split()]
    if words[0] in knowledge().vocabulary["names"]["not_first"]:
        return False
    return words[0] not in places and not all(w in places for w in words)


def names_person(line: str) -> bool:
    """A person's name alone, or first on a line ("Anna Berg, kommundirektör, X kommun")."""
    return is_person_name(line) or ("," in line and is_person_name(line.split(",")[0]))


def _signature_like(document: Document, block: Block) -> bool:
    if block.kind not in SIGNATURE_KINDS:
        return False
    text = document.block_text(block)
    if block.kind in HEADING_KINDS:
        # "För X kommun" and "Ort den 1 mars 2024" set as headings open a signature
        return (
            heading_topic(text) == "signatures"
            or names_person(text)
            or (text.startswith("För ") and signature_patterns()["org"].search(text) is not None)
            or (bool(find_dates(text)) and len(text.split()) <= 8)
        )
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return (
        len(lines) <= MAX_LINES
        and all(_short_line(ln) for ln in lines)
        and not any(_sentence(ln) for ln in lines)
    )


def _sentence(line: str) -> bool:
    """A short line that is a sentence ("Styrgruppen följer upp överenskommelsen en gång
    per år."): prose, not a signature block's line."""
    words = line.split()
    return len(words) >= 5 and line.rstrip().endswith(".") and not find_dates(line)


def _short_line(line: str) -> bool:
    """Short enough for a signature block; a row of k place-and-date entries, or of k
    "Name, title" entries run together, may be k times as long."""
    entries = max(1, len(find_dates(line)), len(NAME_ENTRY.findall(line)))
    return len(line) <= MAX_LINE * entries and len(line.split()) <= MAX_WORDS * entries


def _signing_tables(document: Document) -> set[int | None]:
    """The tables with a cell that names a person or holds a date."""
    out: set[int | None] = set()
    label = signature_patterns()["label"]
    for b in document.blocks:
        if b.kind != "table_cell" or b.table in out:
            continue
        text = document.block_text(b)
        lines = [label.sub("", ln.strip()) for ln in text.split("\n")]
        if find_dates(text) or any(names_person(ln) for ln in lines):
            out.add(b.table)
    return out


def find_signature_zone(document: Document) -> tuple[int, int]:
    """Start and end of the last run of signature-like blocks that holds a person's name
    (what follows it, a web page's footer links say, is not part of it). A table's cells
    count only in a table that names a person or a date: a table of promises or forums
    just above the signatures is not part of them."""
    blocks = document.blocks
    signing = _signing_tables(document)

    def like(block: Block) -> bool:
        if block.kind == "table_cell" and block.table not in signing:
            return False
        return _signature_like(document, block)

    i = len(blocks) - 1
    while i >= 0:
        while i >= 0 and not like(blocks[i]):
            i -= 1
        end = i
        while i >= 0 and like(blocks[i]):
            i -= 1
        run = blocks[i + 1 : end + 1]
        label = signature_patterns()["label"]
        if run and any(
            names_person(label.sub("", ln.strip()))
            for b in run
            for ln in document.block_text(b).split("\n")
        ):
            return run[0].start, run[-1].end
        if len(blocks) - i > 80:
            break
    return len(document.text), len(document.text)
