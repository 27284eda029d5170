"""Small helpers every reader shares."""

from __future__ import annotations

import hashlib

import regex

_PAGE_NUMBER = regex.compile(
    r"""^(?:
        (?:sida|sid|s\.|page)\s*\d{1,4}(?:\s*(?:av|\(|/|of)\s*\d{1,4}\)?)?
      | [-–—]?\s*\d{1,3}\s*[-–—]?
      | \d{1,4}\s*(?:\(\d{1,4}\)|/\s*\d{1,4}|av\s+\d{1,4})
    )$""",
    regex.I | regex.X,
)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_page_number(line: str) -> bool:
    """'Sida 2 av 5', '- 3 -', '4 (7)', '12': a page number line, never content."""
    line = line.strip()
    return bool(line) and len(line) <= 20 and bool(_PAGE_NUMBER.match(line))
