"""Records as HTML for notebooks: every value next to the text it was read from.

An extracted value is only as good as the text behind it, so the display puts that text
in front of the reader. ``agreement_html`` (``Agreement._repr_html_``) is a compact
table: each value with its page and its evidence, quoted in the cell and in full as a
tooltip. ``show`` (``Agreement.show()``) re-reads the source file, rebuilds the spaCy Doc
the extractors read and lets displaCy's span renderer mark every evidence in the text
with the field it fills ("forums[0]"), the labels matching the table's first column.
``corpus_html`` (``Corpus._repr_html_``) is one row per agreement.

Everything taken from a document is HTML-escaped.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samverkan_extract.errors import InputError
from samverkan_extract.fields import FIELDS, Shown
from samverkan_extract.labels import count, label, text
from samverkan_extract.output import Cleaner
from samverkan_extract.schema import VIEWS, Agreement, Correction

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from samverkan_extract.corpus import Corpus
    from samverkan_extract.document import Document


#: Evidence is quoted in the table up to this many characters; the tooltip has it all.
QUOTE_LENGTH = 90

#: ``Corpus._repr_html_`` lists this many agreements; the tables have them all.
CORPUS_ROWS = 30
#: The columns of ``Corpus._repr_html_``: a word of ``labels.toml`` [ui] or a field's label.
CORPUS_COLUMNS = (
    "agreement",
    "document_type",
    "county",
    "period",
    "forums",
    "priority_areas",
    "signatories",
    "commitments",
    "warnings",
)
# Long names may wrap; dates and numbers stay on one line.
WRAPPING = {"agreement", "county"}

_CELL = "text-align: left; vertical-align: top; padding: 2px 8px"


def record_values(a: Agreement, lang: str = "sv") -> Iterator[Shown]:
    """Every value the record states, in the contract's order, named by its path in the
    record ("forums[0]"), so table rows and highlighted spans carry the same names; ids
    are shown by their labels in ``lang``."""
    for f in FIELDS:
        yield from f.shown(a, lang)


def colour(path: str) -> str:
    """The colour of a value's field, so the eye groups the labels in ``show()``."""
    name = path.split("[")[0]
    return next((f.colour for f in FIELDS if f.name == name), "#ddd")


def _e(value: object) -> str:
    """Text from a document, escaped for HTML; control characters and the undecodable
    bytes of file names made printable."""
    return escape(Cleaner()("" if value is None else str(value)), quote=True)


# --- the record as a table ----------------------------------------------------------------


def _source_line(a: Agreement) -> str:
    src = a.source
    if not src.sha256:
        return "no source file (a record without evidence, e.g. a gold file)"
    bits = [src.format, f"{src.pages} pages" if src.pages else None, "OCR" if src.ocr else None]
    details = ", ".join(b for b in bits if b)
    return f"{src.path} ({details}) · sha256 {src.sha256[:12]}…"


def _value_row(v: Shown, fix: Correction | None = None, lang: str = "sv") -> str:
    ev = v.evidence
    if ev is not None and ev.text:
        folded = " ".join(ev.text.split())
        quote = folded if len(folded) <= QUOTE_LENGTH else folded[: QUOTE_LENGTH - 1] + "…"
        tooltip = f' title="{_e(ev.text)}"'
        page = _e(ev.page if ev.page is not None else "–")
        evidence = f"<q>{_e(quote)}</q>"
    else:
        tooltip, page, evidence = "", "–", "–"
    badge = ""
    if fix is not None:
        note = text(
            "corrected_by", lang, by=fix.by, reason=fix.reason or "–", previous=fix.previous
        )
        badge = (
            f' <span class="samverkan-corrected" title="{_e(note)}" style="background: #f0b429; '
            f'border-radius: 3px; padding: 0 3px; font-size: .8em">{_e(text("corrected", lang))}'
            "</span>"
        )
    return (
        f'<tr data-field="{_e(v.field)}"><td style="{_CELL}">'
        f'<code style="background: {colour(v.field)}">{_e(v.field)}</code></td>'
        f'<td style="{_CELL}"{tooltip}>{_e(v.text)}{badge}</td>'
        f'<td style="{_CELL}">{page}</td><td style="{_CELL}"{tooltip}>{evidence}</td></tr>'
    )


def _correction_of(a: Agreement, path: str) -> Correction | None:
    """The last correction of a value (its path, or a part of it: ``forums[1].type``)."""
    found = None
    for c in a.corrections:
        if c.path == path or c.path.startswith(path + ".") or c.path.startswith(path + "["):
            found = c
    return found


def values_table(a: Agreement, lang: str = "sv") -> str:
    """Field, value, page and evidence, one row per value; corrected values marked."""
    rows = "".join(_value_row(v, _correction_of(a, v.field), lang) for v in record_values(a, lang))
    head = "".join(
        f'<th style="{_CELL}">{_e(text(h, lang))}</th>'
        for h in ("field", "value", "page", "evidence")
    )
    return (
        f'<table class="samverkan-values"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _warnings(a: Agreement, lang: str = "sv") -> str:
    out = ""
    if a.corrections:
        items = "".join(
            f"<li><code>{_e(c.path)}</code>: {_e(c.previous)} → {_e(c.value)} ({_e(c.by)}"
            f"{': ' + _e(c.reason) if c.reason else ''})</li>"
            for c in a.corrections
        )
        out += f'<p style="margin: 4px 0 0">{_e(text("corrections", lang))}:</p><ul style="margin: 0">{items}</ul>'
    if a.warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in a.warnings)
        out += f'<p style="margin: 4px 0 0">{_e(text("warnings", lang))}:</p><ul style="margin: 0">{items}</ul>'
    return out


def _heading(a: Agreement) -> str:
    title = a.title.value if a.title else Path(a.source.path).name or "Agreement"
    return (
        f'<p style="margin: 0 0 4px"><strong>{_e(title)}</strong><br>'
        f"<small>{_e(_source_line(a))}</small></p>"
    )


def agreement_html(a: Agreement, lang: str = "sv") -> str:
    """The record as a compact table; hover a value to read its evidence in full."""
    return (
        f'<div class="samverkan-agreement">{_heading(a)}{values_table(a, lang)}'
        f"{_warnings(a, lang)}</div>"
    )


# --- the record over its text (displaCy) --------------------------------------------------


def _source(a: Agreement, path: str | Path | None = None) -> Document:
    """The document the record was read from, read again. Offsets only mean something in
    the same text, so a file that changed since extraction is refused."""
    from samverkan_extract.readers import read_document

    if not a.source.sha256:
        raise ValueError("this record has no source file to show (gold records have none)")
    source = Path(path) if path is not None else Path(a.source.path)
    if not source.exists():
        raise InputError(
            source,
            "the record's source file is not there (moved, or a relative path read from "
            "another directory?): pass its location, agreement.show(path=...)",
        )
    document = read_document(source)
    if document.sha256 != a.source.sha256:
        raise InputError(
            source,
            f"changed since the record was extracted (sha256 {document.sha256[:12]}…, "
            f"record has {a.source.sha256[:12]}…): extract it again",
        )
    return document


def source_doc(a: Agreement, path: str | Path | None = None) -> Doc:
    """The spaCy Doc the extractors read, rebuilt from the source file (see ``_source``)."""
    from samverkan_extract.nlp import make_doc

    return make_doc(_source(a, path))


def evidence_spans(doc: Doc, a: Agreement) -> list[Span]:
    """One span per evidence, labelled by field; evidence the text does not hold (a record
    from another version of the reader) is left out with a warning."""
    spans = []
    stale = []
    for v in record_values(a):
        ev = v.evidence
        if ev is None or not ev.text:
            continue
        span = doc.char_span(ev.start, ev.end, label=v.field, alignment_mode="expand")
        if span is None or doc.text[ev.start : ev.end] != ev.text:
            stale.append(v.field)
            continue
        spans.append(span)
    if stale:
        warnings.warn(
            f"evidence not found in the text for {', '.join(stale)}: the record was made by "
            "another version of samverkan-extract; extract it again",
            stacklevel=4,
        )
    return spans


def page_breaks(document: Document) -> dict[int, int]:
    """Offsets where a new page starts, with its number (PDF; other formats have none)."""
    breaks: dict[int, int] = {}
    previous = None
    for block in document.blocks:
        if block.page is None:
            continue
        if previous is not None and block.page != previous:
            breaks.setdefault(block.start, block.page)
        previous = block.page
    return breaks


def highlighted_text(doc: Doc, spans: list[Span], breaks: dict[int, int], lang: str = "sv") -> str:
    """The text as written (its own spaces and line breaks, laid out with
    ``white-space: pre-wrap``), every evidence highlighted in its field's colour with its
    label where it starts, and a marked line where a new page begins."""
    starts: dict[int, list[Span]] = {}
    covering: list[list[Span]] = [[] for _ in doc]
    for span in spans:
        starts.setdefault(span.start, []).append(span)
        for i in range(span.start, span.end):
            covering[i].append(span)
    pending = sorted(breaks.items())

    out = []
    for token in doc:
        while pending and pending[0][0] <= token.idx:
            _, number = pending.pop(0)
            out.append(
                f'<span class="samverkan-page" data-page="{number}" style="display: block; '
                "border-top: 1px dashed #9aa6b2; color: #5b6878; font-size: .75em; "
                f'margin: .6em 0 .2em">{_e(text("page_break", lang, n=number))}</span>'
            )
        on = covering[token.i]
        word = _e(token.text)
        if not on:
            out.append(word + _e(token.whitespace_))
            continue
        inner = min(on, key=lambda s: s.end - s.start)
        labels = "".join(
            f'<span class="samverkan-label" style="background: {colour(s.label_)}; '
            "font-size: .65em; font-weight: bold; padding: 0 3px; margin-right: 2px; "
            f'border-radius: 3px; vertical-align: super">{_e(s.label_)}</span>'
            for s in starts.get(token.i, [])
        )
        underline = ", ".join(
            f"inset 0 -{3 * (n + 1)}px 0 {colour(s.label_)}" for n, s in enumerate(on[:4])
        )
        # The space after a token inside the same evidence is part of the highlight.
        gap = token.whitespace_ if token.i + 1 < len(doc) and covering[token.i + 1] else ""
        out.append(
            f'<span class="samverkan-value" title="{_e(" · ".join(s.label_ for s in on))}" '
            f'style="background: {colour(inner.label_)}; box-shadow: {underline}">'
            f"{labels}{word}{_e(gap)}</span>{_e(token.whitespace_[len(gap) :])}"
        )
    return (
        '<div class="spans" style="white-space: pre-wrap; line-height: 1.9; '
        f'max-width: 60rem">{"".join(out)}</div>'
    )


def show(
    a: Agreement, *, path: str | Path | None = None, jupyter: bool | None = None, lang: str = "sv"
) -> str | None:
    """The document with every value highlighted and labelled by field, then the table.

    The text keeps its own spacing and line breaks; a PDF's page breaks are marked. In a
    notebook (``jupyter=None`` detects it) the HTML is displayed and ``None`` returned;
    elsewhere the HTML is returned.
    """
    from spacy.util import is_in_jupyter

    from samverkan_extract.nlp import make_doc

    document = _source(a, path)
    doc = make_doc(document)
    markup = highlighted_text(doc, evidence_spans(doc, a), page_breaks(document), lang)
    html = (
        f'<div class="samverkan-show">{_heading(a)}{markup}'
        f"{values_table(a, lang)}{_warnings(a, lang)}</div>"
    )
    if jupyter or (jupyter is None and is_in_jupyter()):
        from IPython.display import HTML, display

        display(HTML(html))
        return None
    return html


# --- a corpus -------------------------------------------------------------------------------


def _date(value: Any) -> str:
    import pandas as pd

    return "–" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _corpus_row(r: Any, lang: str) -> tuple[Any, ...]:
    """The values of ``CORPUS_COLUMNS`` for one row of the agreements table."""
    import pandas as pd

    end = text("open_ended", lang) if r.open_ended else _date(r.period_end)
    period = "–" if pd.isna(r.period_start) else f"{_date(r.period_start)} – {end}"
    kind = "–" if pd.isna(r.document_type) else label("document_types", r.document_type, lang)
    return (
        kind,
        r.county,
        period,
        r.n_forums,
        r.n_priority_areas,
        r.n_signatories,
        r.n_commitments,
        r.warnings,
    )


def _header(column: str, lang: str) -> str:
    if column in ("agreement", "warnings"):
        return text(column, lang)
    if column == "county":
        return label("groupings", "county", lang)
    return label("fields", column, lang)


def corpus_html(corpus: Corpus, max_rows: int = CORPUS_ROWS, lang: str = "sv") -> str:
    """One row per agreement (the first ``max_rows``) named "Ystads kommun (2024–2027)", its
    id on hover, the files not read, and where the tables are."""
    import pandas as pd

    from samverkan_extract.compare import agreement_names

    names = agreement_names(corpus, lang)
    t = corpus.agreements_table()
    head = "".join(f'<th style="{_CELL}">{_e(_header(c, lang))}</th>' for c in CORPUS_COLUMNS)
    rows = []
    for r in t.head(max_rows).itertuples(index=False):
        aid = str(r.agreement_id)
        cells = [f'<td style="{_CELL}" title="{_e(aid)}">{_e(names[aid])}</td>']
        for c, v in zip(CORPUS_COLUMNS[1:], _corpus_row(r, lang), strict=True):
            style = _CELL if c in WRAPPING else f"{_CELL}; white-space: nowrap"
            cells.append(f'<td style="{style}">{"–" if pd.isna(v) else _e(v)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    if len(t) > max_rows:
        more = f"<p>… {len(t) - max_rows} more: <code>corpus.agreements_table()</code></p>"
    errors = ""
    if corpus.errors:
        items = "".join(
            f"<li><code>{_e(r.error.path)}</code>: {_e(r.error.message)}</li>"
            for r in corpus.errors
        )
        errors = f"<p>{_e(text('files_not_read', lang))}:</p><ul>{items}</ul>"
    said = (
        f"{count(len(corpus), 'agreement', lang)}, "
        f"{_e(text('files_not_read', lang).lower())}: {len(corpus.errors)}"
    )
    return (
        f'<div class="samverkan-corpus"><p><strong>Corpus</strong>: {said}</p>'
        f'<div style="overflow-x: auto"><table class="samverkan-agreements"><thead><tr>{head}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{more}{errors}"
        "<p><small>Tables: <code>corpus.agreements_table()</code>, <code>.forums()</code>, "
        "<code>.priority_areas()</code>, <code>.matrix('priority_areas', by='county')</code>, "
        "<code>.timeline()</code>, <code>.summary()</code>, <code>.diff(a, b)</code>; "
        "charts: <code>corpus.plot.matrix(...)</code>, <code>corpus.plot.timeline()</code>; "
        "one record: <code>corpus[0]</code>, <code>corpus[0].show()</code></small></p></div>"
    )


VIEWS.update(agreement_html=agreement_html, show=show, corpus_html=corpus_html)
