"""DOCX: the body in document order, read from the package's XML with lxml.

The reader is a pipeline, one module a stage:

``reading``
    the entry: ``read_docx`` checks the bytes, opens the package, walks the body, reads
    the headers and footers and adds the blocks to the document in order; a malformed
    part becomes one clear ``InputError``.
``package``
    the file checked for what it really is (zip bomb, old .doc, encrypted, RTF, PDF),
    the package's parts, and the main part streamed element by element.
``body``, ``runs``
    the body walked element by element (paragraphs, tables, content controls, text
    boxes), and each paragraph's runs into text (fields, breaks, symbols, tracked
    insertions in and deletions out).
``styles``
    headings and list items from the paragraph styles, numbering and bold.
``headers``
    headers and footers, once each, without page numbers.
``blocks``
    the pending blocks; columns typed with tabs or spaces made tables.
``ooxml``
    WordprocessingML names and the element look-ups the stages share.
"""

from __future__ import annotations

from pathlib import Path

from samverkan_extract.document import Document
from samverkan_extract.limits import Limits
from samverkan_extract.readers.common import Reader


def read_docx(path: Path, limits: Limits) -> Document:
    """The reader's stages are imported when the first .docx is read: a batch of text
    files never loads them (nor lxml)."""
    from samverkan_extract.readers.docx.reading import read_docx as read

    return read(path, limits)


DOCX_READER = Reader("docx", (".docx",), read_docx)

__all__ = ["DOCX_READER", "read_docx"]
