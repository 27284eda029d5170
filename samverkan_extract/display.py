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
from samverkan_extract.schema import VIEWS, Agreement

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from samverkan_extract.corpus import Corpus

#: The span group of ``Agreement.show()``: one span per evidence, labelled by field.
SPANS_KEY = "evidence"

#: Evidence is quoted in the table up to this many characters; the tooltip has it all.
QUOTE_LENGTH = 90

#: ``Corpus._repr_html_`` lists this many agreements; the tables have them all.
CORPUS_ROWS = 30
CORPUS_COLUMNS = (
    "id",
    "title",
    "municipalities",
    "county",
    "period",
    "forums",
    "priority areas",
    "signatories",
    "warnings",
)
# Long names may wrap; ids, dates and numbers stay on one line.
WRAPPING = {"title", "municipalities"}

# displaCy's span templates without the line breaks and indentation inside them, so the
# text can be laid out with ``white-space: pre-line`` and keep the document's paragraphs.
# The classes let a reader's stylesheet, or a test, find the highlighted tokens.
SPAN_TEMPLATES = {
    "span": (
        '<span class="samverkan-value" style="font-weight: bold; display: inline-block; '
        'position: relative; height: {total_height}px;">{text}{span_slices}{span_starts}</span> '
    ),
    "slice": (
        '<span style="background: {bg}; top: {top_offset}px; height: 4px; left: -1px; '
        'width: calc(100% + 2px); position: absolute;"></span>'
    ),
    "start": (
        '<span style="background: {bg}; top: {top_offset}px; height: 4px; '
        "border-top-left-radius: 3px; border-bottom-left-radius: 3px; left: -1px; "
        'width: calc(100% + 2px); position: absolute;">'
        '<span class="samverkan-label" style="background: {bg}; z-index: 10; color: #000; '
        "top: -0.5em; padding: 2px 3px; position: absolute; font-size: 0.6em; "
        'font-weight: bold; line-height: 1; border-radius: 3px">{label}{kb_link}</span></span>'
    ),
}

_CELL = "text-align: left; vertical-align: top; padding: 2px 8px"


def record_values(a: Agreement) -> Iterator[Shown]:
    """Every value the record states, in the contract's order, named by its path in the
    record ("forums[0]"), so table rows and highlighted spans carry the same names."""
    for f in FIELDS:
        yield from f.shown(a)


def colour(path: str) -> str:
    """The colour of a value's field, so the eye groups the labels in ``show()``."""
    name = path.split("[")[0]
    return next((f.colour for f in FIELDS if f.name == name), "#ddd")


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


# --- the record as a table ----------------------------------------------------------------


def _source_line(a: Agreement) -> str:
    src = a.source
    if not src.sha256:
        return "no source file (a record without evidence, e.g. a gold file)"
    bits = [src.format, f"{src.pages} pages" if src.pages else None, "OCR" if src.ocr else None]
    details = ", ".join(b for b in bits if b)
    return f"{src.path} ({details}) · sha256 {src.sha256[:12]}…"


def _value_row(v: Shown) -> str:
    ev = v.evidence
    if ev is not None and ev.text:
        folded = " ".join(ev.text.split())
        quote = folded if len(folded) <= QUOTE_LENGTH else folded[: QUOTE_LENGTH - 1] + "…"
        tooltip = f' title="{_e(ev.text)}"'
        page = _e(ev.page if ev.page is not None else "–")
        evidence = f"<q>{_e(quote)}</q>"
    else:
        tooltip, page, evidence = "", "–", "–"
    return (
        f'<tr data-field="{_e(v.field)}"><td style="{_CELL}">'
        f'<code style="background: {colour(v.field)}">{_e(v.field)}</code></td>'
        f'<td style="{_CELL}"{tooltip}>{_e(v.text)}</td>'
        f'<td style="{_CELL}">{page}</td><td style="{_CELL}"{tooltip}>{evidence}</td></tr>'
    )


def values_table(a: Agreement) -> str:
    """Field, value, page and evidence, one row per value."""
    rows = "".join(_value_row(v) for v in record_values(a))
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in ("field", "value", "page", "evidence"))
    return (
        f'<table class="samverkan-values"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _warnings(a: Agreement) -> str:
    if not a.warnings:
        return ""
    items = "".join(f"<li>{_e(w)}</li>" for w in a.warnings)
    return f'<p style="margin: 4px 0 0">Warnings:</p><ul style="margin: 0">{items}</ul>'


def _heading(a: Agreement) -> str:
    title = a.title.value if a.title else Path(a.source.path).name or "Agreement"
    return (
        f'<p style="margin: 0 0 4px"><strong>{_e(title)}</strong><br>'
        f"<small>{_e(_source_line(a))}</small></p>"
    )


def agreement_html(a: Agreement) -> str:
    """The record as a compact table; hover a value to read its evidence in full."""
    return f'<div class="samverkan-agreement">{_heading(a)}{values_table(a)}{_warnings(a)}</div>'


# --- the record over its text (displaCy) --------------------------------------------------


def source_doc(a: Agreement, path: str | Path | None = None) -> Doc:
    """The spaCy Doc the extractors read, rebuilt from the source file. Offsets only mean
    something in the same text, so a file that changed since extraction is refused."""
    from samverkan_extract.nlp import make_doc
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
    return make_doc(document)


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


def show(
    a: Agreement, *, path: str | Path | None = None, jupyter: bool | None = None
) -> str | None:
    """The document with every value highlighted and labelled by field, then the table.

    In a notebook (``jupyter=None`` detects it, like displaCy) the HTML is displayed and
    ``None`` returned; elsewhere the HTML is returned.
    """
    from spacy import displacy
    from spacy.util import is_in_jupyter

    doc = source_doc(a, path)
    doc.spans[SPANS_KEY] = evidence_spans(doc, a)
    options = {
        "spans_key": SPANS_KEY,
        "colors": {v.field: colour(v.field) for v in record_values(a)},
        "template": SPAN_TEMPLATES,
    }
    with warnings.catch_warnings():
        # W117 ("no spans") says nothing a record without evidence does not.
        warnings.filterwarnings("ignore", message=r"\[W117\]")
        markup = displacy.render(doc, style="span", jupyter=False, options=options)
    html = (
        f'<div class="samverkan-show">{_heading(a)}'
        f'<div style="white-space: pre-line; max-width: 60rem">{markup}</div>'
        f"{values_table(a)}{_warnings(a)}</div>"
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


def _corpus_row(r: Any) -> tuple[Any, ...]:
    """The values of ``CORPUS_COLUMNS`` for one row of the agreements table."""
    import pandas as pd

    end = "open-ended" if r.open_ended else _date(r.period_end)
    period = "–" if pd.isna(r.period_start) else f"{_date(r.period_start)} – {end}"
    return (
        r.agreement_id,
        r.title,
        r.municipalities,
        r.county,
        period,
        r.n_forums,
        r.n_priority_areas,
        r.n_signatories,
        r.warnings,
    )


def corpus_html(corpus: Corpus, max_rows: int = CORPUS_ROWS) -> str:
    """One row per agreement (the first ``max_rows``), the files not read, and where the
    tables are."""
    import pandas as pd

    t = corpus.agreements_table()
    head = "".join(f'<th style="{_CELL}">{_e(c)}</th>' for c in CORPUS_COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{_CELL}{"" if c in WRAPPING else "; white-space: nowrap"}">'
            f"{'–' if pd.isna(v) else _e(v)}</td>"
            for c, v in zip(CORPUS_COLUMNS, _corpus_row(r), strict=True)
        )
        + "</tr>"
        for r in t.head(max_rows).itertuples(index=False)
    )
    more = ""
    if len(t) > max_rows:
        more = f"<p>… and {len(t) - max_rows} more: <code>corpus.agreements_table()</code></p>"
    errors = ""
    if corpus.errors:
        items = "".join(
            f"<li><code>{_e(r.error.path)}</code>: {_e(r.error.message)}</li>"
            for r in corpus.errors
        )
        errors = f"<p>Files not read:</p><ul>{items}</ul>"
    return (
        f'<div class="samverkan-corpus"><p><strong>Corpus</strong>: {len(corpus)} '
        f"agreements, {len(corpus.errors)} files not read</p>"
        f'<table class="samverkan-agreements"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>{more}{errors}"
        "<p><small>Tables: <code>corpus.agreements_table()</code>, <code>.forums()</code>, "
        "<code>.priority_areas()</code>, <code>.matrix('priority_areas')</code>, "
        "<code>.timeline()</code>, <code>.summary()</code>, <code>.diff(a, b)</code>; "
        "one record: <code>corpus[0]</code>, <code>corpus[0].show()</code></small></p></div>"
    )


VIEWS.update(agreement_html=agreement_html, show=show, corpus_html=corpus_html)
