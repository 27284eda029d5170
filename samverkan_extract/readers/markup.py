"""Markup a text file may carry: an HTML page saved as text, Markdown's inline marks, and
the line classes (ATX heading, bullet, block quote) both the text reader and the web-page
chrome filter need. Inline markup is stripped, keeping a link's text."""

from __future__ import annotations

import regex

from samverkan_extract.readers.common import BULLETS, DASHES

HTML_START = regex.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
    regex.I | regex.S,
)

HTML_BREAK = regex.compile(r"<br\s*/?>", regex.I)
_HTML_TAG = regex.compile(r"</?[a-zA-Z][^<>]*>")
MD_IMAGE_OR_LINK = regex.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_STRONG = regex.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EMPH = regex.compile(
    r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)([^_]+?)(?<=\S)_(?!\w)"
)
_MD_CODE = regex.compile(r"`([^`]*)`")
_MD_ESCAPE = regex.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&nbsp;": " ", "&quot;": '"'}


def strip_inline_markup(line: str) -> str:
    line = HTML_BREAK.sub(" ", line)
    line = _HTML_TAG.sub("", line)
    for entity, char in _ENTITIES.items():
        line = line.replace(entity, char)
    line = MD_IMAGE_OR_LINK.sub(r"\1", line)
    line = _MD_CODE.sub(r"\1", line)
    for _ in range(2):
        line = _MD_STRONG.sub(r"\2", line)
    line = _MD_EMPH.sub(lambda m: m.group(1) or m.group(2), line)
    line = line.replace("**", "")
    return _MD_ESCAPE.sub(r"\1", line)


# --- Line classes -----------------------------------------------------------------------

ATX_HEADING = regex.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET_LINE = regex.compile(rf"^\s*(?:[{DASHES}{BULLETS}*+]|o(?=\s))\s+(.*)$")
QUOTE = regex.compile(r"^\s*>\s?")
