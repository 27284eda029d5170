"""One self-contained HTML report of a corpus: it opens offline, from a file, anywhere.

Nothing is loaded from outside: CSS is inline, the timeline is a PNG embedded as a
``data:`` URI, there is no JavaScript, and a Content-Security-Policy forbids any other
source so a browser would refuse (and log) an external load rather than make it. Every
value from a document is HTML-escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from samverkan_extract.charts import TIMELINE_LABEL_LIMIT, draw_timeline, timeline_size
from samverkan_extract.compare import (
    agreement_names,
    crosstab,
    in_force_today,
    matrix,
    places,
)
from samverkan_extract.corpus import Corpus
from samverkan_extract.extras import require
from samverkan_extract.fields import FIELDS, Crosstab, Dimension, crosstabs, dimensions
from samverkan_extract.labels import check_lang, count, label, labeller, text
from samverkan_extract.output import Cleaner, atomic_write_text
from samverkan_extract.schema import Agreement, ErrorRecord, Evidence
from samverkan_extract.version import __version__

__all__ = ["TIMELINE_LABEL_LIMIT", "render_report", "timeline_png", "write_report"]

CSS = """
:root { --ink: #1d2733; --muted: #5b6878; --line: #d5dbe3; --on: #1f6f8b; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 0 auto; padding: 0 2rem 3rem; max-width: 1400px; }
header { border-bottom: 3px solid var(--on); padding: 1.2rem 0 .6rem; margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; overflow-wrap: anywhere; }
.muted, .meta { color: var(--muted); overflow-wrap: anywhere; }
.filters { margin: .2rem 0; }
.filters code { background: var(--bg); padding: 0 .3rem; border-radius: 3px; }
nav { display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
.figures { display: flex; flex-wrap: wrap; gap: .8rem; margin: 0; padding: 0; }
.figure { background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
  padding: .6rem 1rem; min-width: 9rem; }
.figure dt { color: var(--muted); font-size: .8rem; text-transform: uppercase; }
.figure dd { margin: 0; font-size: 1.35rem; font-weight: 600; }
.scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; vertical-align: top; text-align: left; }
thead th { background: var(--bg); }
.matrix td.cell { text-align: center; min-width: 1.9rem; font-variant-numeric: tabular-nums; }
.matrix td.on { background: var(--on); color: #fff; }
.matrix td.off { background: #eef2f5; color: #9aa6b2; }
.matrix th.id { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  font-weight: 500; font-size: .8rem; padding: .4rem .2rem; }
.matrix tfoot td { font-weight: 600; text-align: center; }
.matrix th.row { font-weight: 500; white-space: nowrap; }
.shares td.cell { text-align: center; font-variant-numeric: tabular-nums; min-width: 2.6rem; }
details { margin: .4rem 0; }
summary { cursor: pointer; font-weight: 600; }
.timeline img { max-width: 100%; height: auto; border: 1px solid var(--line); }
.agreement { border-top: 2px solid var(--line); margin-top: 1.5rem; }
.fields { width: 100%; }
.fields td { overflow-wrap: anywhere; }
.fields td.field { white-space: nowrap; color: var(--muted); width: 9rem; }
.fields td.page { text-align: right; width: 3.5rem; }
.fields tr.corrected td { background: #fff6dd; }
.badge { display: inline-block; font-size: .75rem; background: #f0b429; color: #3b2a00;
  border-radius: 3px; padding: 0 .3rem; margin-left: .3rem; }
blockquote.evidence { margin: 0; padding: .1rem .5rem; border-left: 3px solid var(--on);
  background: var(--bg); white-space: pre-line; font-size: .9rem; }
.warnings li { color: #8a4b00; }
@media (max-width: 700px) {
  body { padding: 0 .6rem 2rem; font-size: 13px; }
  h1 { font-size: 1.25rem; }
  .figure { min-width: 7rem; padding: .4rem .6rem; }
  .figure dd { font-size: 1.1rem; }
  .fields td.field { width: auto; white-space: normal; }
}
"""

_CLEAN = Cleaner()


def _e(value: object) -> str:
    """Text from a document, escaped for HTML, with control characters replaced and the
    bytes of file names that were not UTF-8 written as \\xNN."""
    return escape(_CLEAN("" if value is None else str(value)), quote=True)


def _fmt_date(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    return pd.Timestamp(value).date().isoformat()


def _anchor(n: int) -> str:
    return f"agreement-{n + 1}"


def _scroll(html: str) -> str:
    """A table that scrolls sideways on a narrow screen instead of widening the page."""
    return f'<div class="scroll">{html}</div>'


# --- chart ------------------------------------------------------------------------------


def timeline_png(
    corpus: Corpus, *, lang: str = "sv", day: dt.date | str | None = None
) -> bytes | None:
    """Validity per agreement as horizontal bars, today marked and the agreements in force
    today in full colour; ``None`` when no agreement states a period."""
    require("matplotlib", "report", "The HTML report (-o report.html)")
    from matplotlib.figure import Figure

    n = sum(1 for _, a in corpus.items() if a.period is not None and a.period.start)
    fig = Figure(figsize=timeline_size(n), dpi=100, layout="constrained")
    if not draw_timeline(fig.add_subplot(), corpus, day=day, lang=lang):
        return None
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


# --- sections ---------------------------------------------------------------------------


def _summary(corpus: Corpus, errors: Sequence[ErrorRecord], failures: int, lang: str) -> str:
    t = corpus.agreements_table()
    munis = corpus.municipalities()
    start, end = t["period_start"].min(), t["period_end"].max()
    end_text = text("open_ended", lang) if t["open_ended"].any() else _fmt_date(end)
    date_range = "–" if pd.isna(start) else f"{_fmt_date(start)} – {end_text}"
    regions = {r for v in t["region"].dropna() for r in str(v).split("; ")}
    figures = [
        (text("agreements", lang), len(corpus)),
        (text("municipalities", lang), munis["code"].nunique()),
        (text("counties", lang), munis["county"].nunique()),
        (text("police_regions", lang), len(regions)),
        (text("date_range", lang), date_range),
        (text("in_force_today", lang), len(in_force_today(corpus))),
        (text("no_period", lang), int(t["period_start"].isna().sum())),
    ]
    not_read = max(failures, len(errors))
    if not_read:
        figures.append((text("files_not_read", lang), not_read))
    corrected = sum(len(a.corrections) for a in corpus)
    if corrected:
        figures.append((text("corrections", lang), corrected))
    items = "".join(
        f'<div class="figure"><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>' for k, v in figures
    )
    return (
        f'<section id="summary"><h2>{_e(text("summary", lang))}</h2>'
        f'<dl class="figures">{items}</dl></section>'
    )


def _share_style(share: float) -> str:
    # White to the report's teal; the text turns white where the cell gets dark.
    alpha = 0.0 if pd.isna(share) else max(0.0, min(1.0, float(share)))
    colour = "#fff" if alpha > 0.55 else "var(--ink)"
    return f"background: rgba(31, 111, 139, {alpha:.2f}); color: {colour}"


def _matrix_table(corpus: Corpus, dimension: Dimension, names: Mapping[str, str], lang: str) -> str:
    kind = dimension.name
    m = matrix(corpus, kind)
    name_of = labeller(dimension.vocabulary, lang)
    head = "".join(f'<th class="id" title="{_e(c)}">{_e(name_of(c))}</th>' for c in m.columns)
    body = []
    for n, (aid, row) in enumerate(m.iterrows()):
        cells = "".join(
            f'<td class="cell {"on" if v else "off"}">{int(v)}</td>' for v in row.tolist()
        )
        body.append(
            f'<tr><th class="row"><a href="#{_anchor(n)}" title="{_e(aid)}">'
            f"{_e(names.get(str(aid), aid))}</a></th>{cells}</tr>"
        )
    shares = m.mean(axis=0) if len(m) else pd.Series(float("nan"), index=m.columns)
    foot = "".join(
        f'<td style="{_share_style(s)}">{"–" if pd.isna(s) else f"{s:.0%}"}</td>'
        for s in shares.tolist()
    )
    table = (
        f'<table class="matrix" id="matrix-{kind}">'
        f"<thead><tr><th>{_e(text('agreement', lang))}</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody>"
        f"<tfoot><tr><th>{_e(text('share', lang))}</th>{foot}</tr></tfoot></table>"
    )
    return f"<h3>{_e(dimension.label(lang))}</h3>{_scroll(table)}"


def _share_table(corpus: Corpus, dimension: Dimension, by: str, lang: str) -> str:
    """Share of the agreements of each county (or region) that have each id."""
    m = matrix(corpus, dimension.name, by, how="share")
    n_of: dict[str, int] = {}
    for _, a in corpus.items():
        for place in places(a, by):
            n_of[place] = n_of.get(place, 0) + 1
    name_of = labeller(dimension.vocabulary, lang)
    head = "".join(f'<th class="id" title="{_e(c)}">{_e(name_of(c))}</th>' for c in m.columns)
    rows = []
    for place, row in zip(m.index.tolist(), m.to_numpy().tolist(), strict=True):
        cells = "".join(
            f'<td class="cell" style="{_share_style(v)}">{"" if not v else f"{v:.0%}"}</td>'
            for v in row
        )
        rows.append(
            f'<tr><th class="row">{_e(place)}</th><td class="cell">{n_of.get(place, 0)}</td>'
            f"{cells}</tr>"
        )
    table = (
        f'<table class="matrix shares" id="shares-{by}-{dimension.name}">'
        f"<thead><tr><th>{_e(label('groupings', by, lang))}</th>"
        f"<th>{_e(text('agreements', lang))}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _scroll(table)


def _places(corpus: Corpus, lang: str) -> str:
    parts = []
    for by in ("police_region", "county"):
        inner = "".join(
            f"<h4>{_e(d.label(lang))}</h4>{_share_table(corpus, d, by, lang)}" for d in dimensions()
        )
        parts.append(
            f"<details{' open' if by == 'police_region' else ''}>"
            f"<summary>{_e(label('groupings', by, lang))}</summary>{inner}</details>"
        )
    return (
        f'<section id="places"><h2>{_e(text("places", lang))}</h2>'
        f'<p class="muted">{_e(text("places_note", lang))}</p>{"".join(parts)}</section>'
    )


def _crosstab_table(corpus: Corpus, table: Crosstab, lang: str) -> str:
    ct = crosstab(corpus, table.name)
    rows_of = labeller(table.row_vocabulary, lang)
    cols_of = labeller(table.column_vocabulary, lang)
    top = max(1, int(ct.to_numpy().max()) if ct.size else 1)
    head = "".join(f'<th class="id" title="{_e(c)}">{_e(cols_of(c))}</th>' for c in ct.columns)
    body = "".join(
        f'<tr><th class="row" title="{_e(r)}">{_e(rows_of(r))}</th>'
        + "".join(
            f'<td class="cell" style="{_share_style(v / top)}">{v or ""}</td>' for v in row.tolist()
        )
        + f'<td class="cell">{sum(row.tolist())}</td></tr>'
        for r, row in ct.iterrows()
    )
    html = (
        f'<table class="matrix shares" id="crosstab-{table.name}"><thead><tr><th></th>{head}'
        f"<th>{_e(text('total', lang))}</th></tr></thead><tbody>{body}</tbody></table>"
    )
    return (
        f"<h3>{_e(table.label(lang))}</h3>"
        f'<p class="muted">{_e(text("crosstab_note", lang))}</p>{_scroll(html)}'
    )


def _evidence(ev: Evidence | None) -> tuple[str, str]:
    if ev is None or not ev.text:
        return '<span class="muted">–</span>', "–"
    return f'<blockquote class="evidence">{_e(ev.text)}</blockquote>', _e(ev.page or "–")


def _rows(a: Agreement, lang: str) -> Iterable[tuple[str, str, str, Evidence | None]]:
    """(field label, path, value, evidence) for everything the record states."""
    for f in FIELDS:
        for shown in f.shown(a, lang):
            yield f.label(lang), shown.field, shown.text, shown.evidence


def _corrections_of(a: Agreement) -> dict[str, Any]:
    return {c.path: c for c in a.corrections}


def _agreement_section(n: int, aid: str, a: Agreement, name: str, lang: str) -> str:
    heading = a.title.value if a.title else name
    src = a.source.path if a.source.sha256 else text("no_source", lang)
    munis = ", ".join(m.name for m in a.municipalities) or text("no_municipality", lang)
    meta = f"{aid} · {munis} · {src}"
    corrected = _corrections_of(a)
    rows = []
    for field, path, value, ev in _rows(a, lang):
        quote, page = _evidence(ev)
        fix = next((c for p, c in corrected.items() if p == path or p.startswith(path + ".")), None)
        badge = ""
        cls = ""
        if fix is not None:
            cls = ' class="corrected"'
            note = text(
                "corrected_by", lang, by=fix.by, reason=fix.reason or "–", previous=fix.previous
            )
            badge = f'<span class="badge" title="{_e(note)}">{_e(text("corrected", lang))}</span>'
        rows.append(
            f'<tr{cls}><td class="field" title="{_e(path)}">{_e(field)}</td>'
            f'<td>{_e(value)}{badge}</td><td>{quote}</td><td class="page">{page}</td></tr>'
        )
    extra = ""
    if a.corrections:
        items = "".join(
            f"<li><code>{_e(c.path)}</code>: {_e(c.previous)} → {_e(c.value)} "
            f"({_e(c.by)}{': ' + _e(c.reason) if c.reason else ''})</li>"
            for c in a.corrections
        )
        extra += f'<h4>{_e(text("corrections", lang))}</h4><ul class="corrections">{items}</ul>'
    if a.warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in a.warnings)
        extra += f'<h4>{_e(text("warnings", lang))}</h4><ul class="warnings">{items}</ul>'
    head = "".join(f"<th>{_e(text(k, lang))}</th>" for k in ("field", "value", "evidence", "page"))
    table = f'<table class="fields"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return (
        f'<section class="agreement" id="{_anchor(n)}" data-agreement-id="{_e(aid)}">'
        f'<h3 title="{_e(aid)}">{_e(heading)}</h3><p class="meta">{_e(meta)}</p>'
        f"{_scroll(table)}{extra}</section>"
    )


def _errors(errors: Sequence[ErrorRecord], lang: str) -> str:
    if not errors:
        return ""
    items = "".join(
        f"<li><code>{_e(r.error.path)}</code>: {_e(r.error.type)}: {_e(r.error.message)}</li>"
        for r in errors
    )
    return f'<section id="errors"><h2>{_e(text("files_not_read", lang))}</h2><ul>{items}</ul></section>'


def _duplicates(duplicates: Mapping[str, str], lang: str) -> str:
    if not duplicates:
        return ""
    items = "".join(
        f"<li><code>{_e(dup)}</code> {_e(text('duplicate_of', lang))} <code>{_e(kept)}</code></li>"
        for dup, kept in duplicates.items()
    )
    return (
        f'<section id="duplicates"><h2>{_e(text("duplicates", lang))}</h2>'
        f'<p class="muted">{_e(text("duplicates_note", lang))}</p><ul>{items}</ul></section>'
    )


def _filters_line(filters: Mapping[str, str] | None, read: int | None, n: int, lang: str) -> str:
    if filters:
        said = "; ".join(f"<code>{_e(k)}</code> {_e(v)}" for k, v in filters.items())
    else:
        said = _e(text("no_filters", lang))
    of = f" / {read}" if read is not None and read != n else ""
    return f'<p class="filters">{_e(text("filters", lang))}: {said} ({n}{of})</p>'


def render_report(
    corpus: Corpus,
    *,
    title: str | None = None,
    failures: int = 0,
    errors: Sequence[ErrorRecord] = (),
    filters: Mapping[str, str] | None = None,
    duplicates: Mapping[str, str] | None = None,
    read: int | None = None,
    lang: str = "sv",
) -> str:
    """The report as one HTML string, in ``lang`` (labels and words; ids in the data).

    ``errors``: the files that could not be read (named in the report; ``failures``
    counts others not named); ``filters``: the selection, printed in the header;
    ``duplicates``: likely duplicates left out (their id and the id kept); ``read``: how
    many agreements were read before the selection."""
    require("matplotlib", "report", "The HTML report (-o report.html)")
    check_lang(lang)
    title = title or text("report_title", lang)
    errors = list(errors) or list(corpus.errors)
    png = timeline_png(corpus, lang=lang)
    if png is None:
        chart = f'<p class="muted">{_e(text("no_period_at_all", lang))}</p>'
    else:
        data = base64.b64encode(png).decode("ascii")
        chart = (
            f'<img id="timeline-chart" src="data:image/png;base64,{data}" '
            f'alt="{_e(text("validity_title", lang))}">'
        )
    names = agreement_names(corpus, lang)
    no_period = [names[aid] for aid, a in corpus.items() if a.period is None or not a.period.start]
    if no_period:
        chart += f'<p class="muted">{_e(text("no_start", lang))}: {_e(", ".join(no_period))}</p>'
    matrices = "".join(_matrix_table(corpus, d, names, lang) for d in dimensions())
    tables = "".join(_crosstab_table(corpus, c, lang) for c in crosstabs())
    sections = "".join(
        _agreement_section(n, aid, a, names[aid], lang) for n, (aid, a) in enumerate(corpus.items())
    )
    made = text("made_by", lang, date=dt.date.today().isoformat(), version=__version__)
    nav = "".join(
        f'<a href="#{anchor}">{_e(text(key, lang))}</a>'
        for anchor, key in (
            ("summary", "summary"),
            ("timeline", "timeline"),
            ("matrices", "matrices"),
            ("places", "places"),
            ("agreements", "agreements"),
        )
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1>"
        f'<p class="muted">{_e(count(len(corpus), "agreement", lang))} · {_e(made)}</p>'
        f"{_filters_line(filters, read, len(corpus), lang)}"
        f"<nav>{nav}</nav></header>"
        f"<main>{_summary(corpus, errors, failures, lang)}"
        f'<section id="timeline" class="timeline"><h2>{_e(text("timeline", lang))}</h2>{chart}</section>'
        f'<section id="matrices"><h2>{_e(text("matrices", lang))}</h2>'
        f'<p class="muted">{_e(text("matrices_note", lang))}</p>{matrices}{tables}</section>'
        f"{_places(corpus, lang)}"
        f'<section id="agreements"><h2>{_e(text("agreements", lang))}</h2>{sections}</section>'
        f"{_duplicates(duplicates or {}, lang)}{_errors(errors, lang)}</main></body></html>\n"
    )


def write_report(corpus: Corpus, path: Path, **options: Any) -> Path:
    """Render and write the report atomically (options as ``render_report``)."""
    html = render_report(corpus, **options)
    path = Path(path)
    atomic_write_text(path, html)
    return path
