"""The entry: ``read_docx`` reads the file's bytes once within the size limit, checks
them and opens the package, walks the body and reads the headers and footers, makes
tables of columns typed in the body, and adds the blocks to the document in order. A
malformed part deep inside the file becomes one clear ``InputError``.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from samverkan_extract.document import Document, DocumentBuilder
from samverkan_extract.errors import InputError
from samverkan_extract.limits import Limits
from samverkan_extract.readers.common import (
    check_zip_archive,
    controls_warning,
    file_sha256,
    mb,
    read_snapshot,
)
from samverkan_extract.readers.docx.blocks import columns_as_tables, renumber_tables
from samverkan_extract.readers.docx.body import DocxReader
from samverkan_extract.readers.docx.headers import headers_and_footers
from samverkan_extract.readers.docx.package import (
    check_docx_bytes,
    open_package,
    out_of_memory,
    reason,
)


def read_docx(path: Path, limits: Limits) -> Document:
    def too_big(size: int) -> NoReturn:
        raise InputError(
            path, f"file is {mb(size / 1e6)} MB, over the {limits.max_file_mb:g} MB limit"
        )

    data = read_snapshot(path, int(limits.max_file_mb * 1e6), too_big)
    check_zip_archive(path, limits.max_unpacked_mb, data)
    archive = check_docx_bytes(path, data, limits.max_unpacked_mb)
    package = open_package(path, archive)
    builder = DocumentBuilder(str(path), "docx", file_sha256(data))
    try:
        reader = DocxReader(package)
        body = reader.body(limits.max_chars)
        headers, footers = headers_and_footers(reader)
    except (InputError, MemoryError):  # out of memory is the batch's to report
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed part deep inside the file
        if out_of_memory(exc):
            raise MemoryError from None
        raise InputError(path, f"not a readable .docx ({reason(exc)})") from None
    builder.warnings.extend(package.warnings)
    if reader.controls:
        builder.warnings.append(controls_warning(reader.controls))
    body, _ = columns_as_tables(body, reader.table_count)
    for pending in headers + renumber_tables(body) + footers:
        builder.add(
            pending.kind,
            pending.lines,
            level=pending.level,
            keep_breaks=pending.keep_breaks,
            table=pending.table,
            row=pending.row,
            col=pending.col,
            depth=pending.depth,
        )
    if not any(b.kind not in ("header", "footer") for b in builder.blocks):
        raise InputError(path, "no text in file")
    return builder.build()
