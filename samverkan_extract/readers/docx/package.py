"""The package: the file checked for what it really is (empty, an old .doc, encrypted,
RTF, a PDF, a zip bomb, a zip archive that is no Word document), then its parts, found
through their relationships.

The main part is streamed (``Package.body``): each element of the body is read and then
dropped, and reading stops at the character limit, so a small file that unpacks to a
huge document costs little memory and time. Entities are never resolved (XXE).
"""

from __future__ import annotations

import copy
import io
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from samverkan_extract.errors import InputError
from samverkan_extract.readers.docx.ooxml import q

# --- Opening --------------------------------------------------------------------------


def check_docx_bytes(path: Path, data: bytes, max_unpacked_mb: float) -> zipfile.ZipFile:
    """The file as a zip archive, or one clear error naming what it is instead."""
    if not data.strip(b"\x00 \t\r\n"):
        raise InputError(path, "empty file")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(path, "encrypted .docx: a password is needed")
        raise InputError(path, "old Word .doc format: convert it to .docx")
    if data.lstrip().startswith(b"{\\rtf"):
        raise InputError(path, "RTF document, not .docx: save it as .docx")
    if data.startswith(b"%PDF-"):
        raise InputError(path, "not a .docx file (it is a PDF)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(path, f"not a readable .docx ({reason(exc)})") from None
    limit = max_unpacked_mb
    unpacked = sum(i.file_size for i in infos) / 1e6
    if unpacked > limit:
        raise InputError(
            path, f"unpacks to {unpacked:.0f} MB, over the {limit:g} MB limit (zip bomb guard)"
        )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise InputError(path, "not a readable .docx (a zip archive without [Content_Types].xml)")
    if not any(n.startswith("word/") for n in names):
        raise InputError(path, "not a readable .docx (no word/ part: not a Word document)")
    return archive


def out_of_memory(exc: BaseException) -> bool:
    """libxml2 reports a failed allocation as a syntax error (XML_ERR_NO_MEMORY)."""
    if "memory allocation failed" in str(exc).lower():
        return True
    return type(exc).__module__.startswith("lxml") and getattr(exc, "code", None) == 2


def reason(exc: BaseException) -> str:
    message = str(exc).splitlines()[0].strip() if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}"[:200] if message else type(exc).__name__


# --- The package ----------------------------------------------------------------------

_MAIN_TYPES = ("wordprocessingml", "ms-word", "application/xml", "text/xml")
# Parts other than the main document (styles, numbering, headers, footers) are parsed
# whole; one larger than this is hostile, not a Word document's, and is left out.
_PART_LIMIT = 32_000_000
_PACKAGE_NS = {
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def xml_parser() -> Any:
    from lxml import etree

    # Entities are never resolved and nothing is fetched (XXE), blank text between
    # elements goes as python-docx drops it, and libxml2's own size limits stay on.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, remove_blank_text=True, load_dtd=False
    )


class Package:
    """The parts of a .docx the reader needs, read from the zip archive with lxml.

    The main document part is never parsed whole: ``body()`` streams it, one element of
    the body at a time, each dropped once read, so a document that unpacks to hundreds
    of MB costs the memory of one paragraph or table, and reading stops at the character
    limit. Styles, numbering, headers and footers are small parts, parsed whole.
    """

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.names = set(archive.namelist())
        self.warnings: list[str] = []
        self.sections: list[Any] = []  # every w:sectPr met in the body (headers, footers)
        self.main = self._main_part()
        self.rels = self._relationships(self.main)

    def _main_part(self) -> str:
        main = "word/document.xml"
        root = self._small_xml("_rels/.rels")
        if root is not None:
            for rel in root.iter(f"{{{_PACKAGE_NS['rel']}}}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    main = _resolve("", rel.get("Target", main))
                    break
        if main not in self.names:
            raise InputError(self.path, f"not a readable .docx (its main part {main} is missing)")
        types = self._small_xml("[Content_Types].xml")
        kind = None
        if types is not None:
            for override in types.iter(f"{{{_PACKAGE_NS['ct']}}}Override"):
                if override.get("PartName", "").lstrip("/") == main:
                    kind = override.get("ContentType", "")
        if kind and not any(t in kind for t in _MAIN_TYPES):
            raise InputError(self.path, f"not a Word .docx document (content type {kind})")
        return main

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """The part's relationships: id -> (type, part name); external targets left out."""
        folder, name = posixpath.split(part)
        root = self._small_xml(posixpath.join(folder, "_rels", name + ".rels"))
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{_PACKAGE_NS['rel']}}}Relationship"):
            if rel.get("TargetMode") == "External" or not rel.get("Id"):
                continue
            out[rel.get("Id", "")] = (rel.get("Type", ""), _resolve(folder, rel.get("Target", "")))
        return out

    def _small_xml(self, name: str) -> Any:
        if name not in self.names or self.archive.getinfo(name).file_size > 1 << 20:
            return None
        return self._parse(name)

    def _parse(self, name: str) -> Any:
        from lxml import etree

        with self.archive.open(name) as fh:
            data = fh.read(_PART_LIMIT + 1)
        if len(data) > _PART_LIMIT:
            self.warnings.append(
                f"the part {name} unpacks to more than {_PART_LIMIT // 1_000_000} MB: not read"
            )
            return None
        return etree.fromstring(data, xml_parser())

    def part(self, rid: str) -> Any:
        """The root element of the part a relationship of the main part names, or None."""
        rel = self.rels.get(rid)
        if rel is None or rel[1] not in self.names:
            return None
        return self._parse(rel[1])

    def related(self, kind: str) -> Any:
        """The root element of the main part's related part of one type ("styles")."""
        for rid, (rtype, _) in self.rels.items():
            if rtype.endswith("/" + kind):
                return self.part(rid)
        return None

    def body(self, max_chars: int) -> Iterator[Any]:
        """The main part's body, element by element (paragraphs, tables, content
        controls), each cleared once the caller is done with it. Stops with an error
        once the text in it is past twice ``max_chars`` (the exact limit is the
        caller's), so one huge paragraph or table cannot be built in memory either."""
        from lxml import etree

        body_tag, text_tag, sect_tag = q("body"), q("t"), q("sectPr")
        budget = 2 * max_chars + 10_000
        seen = depth = 0
        body = None
        with self.archive.open(self.main) as fh:
            events = etree.iterparse(
                fh,
                events=("start", "end"),
                resolve_entities=False,
                no_network=True,
                remove_blank_text=True,
                load_dtd=False,
            )
            for event, element in events:
                if event == "start":
                    depth += 1
                    if depth == 2 and element.tag == body_tag:
                        body = element
                    continue
                depth -= 1
                if element.tag == text_tag and element.text:
                    seen += len(element.text)
                    if seen > budget:
                        raise over_limit(self.path, max_chars)
                if depth != 2 or body is None or element.getparent() is not body:
                    continue
                yield element
                self.sections += [copy.deepcopy(s) for s in element.iter(sect_tag)]
                element.clear()
                while element.getprevious() is not None:
                    del body[0]


def _resolve(folder: str, target: str) -> str:
    """A relationship's target as a part name inside the archive."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def over_limit(path: Path, max_chars: int) -> InputError:
    return InputError(
        path,
        f"text is over the limit of {max_chars:,} characters (an agreement is far "
        "shorter): reading stopped there",
    )


def open_package(path: Path, archive: zipfile.ZipFile) -> Package:
    try:
        return Package(path, archive)
    except (InputError, MemoryError):  # out of memory is the batch's to report
        raise
    except Exception as exc:  # noqa: BLE001 - lxml, zipfile and friends
        if out_of_memory(exc):
            raise MemoryError from None
        raise InputError(path, f"not a readable .docx ({reason(exc)})") from None
