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
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from samverkan_extract.compare import matrix, timeline
from samverkan_extract.corpus import Corpus
from samverkan_extract.extras import require
from samverkan_extract.fields import FIELDS, Dimension, dimensions
from samverkan_extract.knowledge import knowledge
from samverkan_extract.output import atomic_write_text
from samverkan_extract.schema import Agreement, Evidence
from samverkan_extract.version import __version__

#: Above this many agreements the timeline drops its per-bar labels to stay legible.
TIMELINE_LABEL_LIMIT = 60

CSS = """
:root { --ink: #1d2733; --muted: #5b6878; --line: #d5dbe3; --on: #1f6f8b; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 0; padding: 0 2rem 3rem; max-width: 1400px; }
header { border-bottom: 3px solid var(--on); padding: 1.2rem 0 .6rem; margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.muted, .meta { color: var(--muted); }
nav a { margin-right: 1rem; }
.figures { display: flex; flex-wrap: wrap; gap: .8rem; margin: 0; padding: 0; }
.figure { background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
  padding: .6rem 1rem; min-width: 9rem; }
.figure dt { color: var(--muted); font-size: .8rem; text-transform: uppercase; }
.figure dd { margin: 0; font-size: 1.35rem; font-weight: 600; }
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
.timeline img { max-width: 100%; height: auto; border: 1px solid var(--line); }
.agreement { border-top: 2px solid var(--line); margin-top: 1.5rem; }
.fields { width: 100%; }
.fields td.field { white-space: nowrap; color: var(--muted); width: 9rem; }
.fields td.page { text-align: right; width: 3.5rem; }
blockquote.evidence { margin: 0; padding: .1rem .5rem; border-left: 3px solid var(--on);
  background: var(--bg); white-space: pre-line; font-size: .9rem; }
.warnings li { color: #8a4b00; }
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _fmt_date(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    return pd.Timestamp(value).date().isoformat()


def _anchor(n: int) -> str:
    return f"agreement-{n + 1}"


# --- chart ------------------------------------------------------------------------------


def timeline_png(corpus: Corpus) -> bytes | None:
    """Validity per agreement as horizontal bars (open-ended ones hatched to the edge);
    ``None`` when no agreement states a period."""
    require("matplotlib", "report", "The HTML report (-o report.html)")
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    t = timeline(corpus)
    t = t[t["start"].notna()].reset_index(drop=True)
    if t.empty:
        return None
    n = len(t)
    starts = [s.to_pydatetime() for s in t["start"]]
    known_ends = [e.to_pydatetime() for e in t["end"] if not pd.isna(e)]
    edge = max([*known_ends, *(s.replace(year=s.year + 1) for s in starts)])
    ends = [edge if pd.isna(e) else e.to_pydatetime() for e in t["end"]]
    labelled = n <= TIMELINE_LABEL_LIMIT
    height = min(max(1.6, 0.34 * n + 1.1), 30.0)
    fig = Figure(figsize=(11, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    left = mdates.date2num(starts)
    width = mdates.date2num(ends) - left + 1
    open_ = t["open_ended"].to_numpy(dtype=bool)
    ax.barh(range(n), width, left=left, height=0.62, color="#1f6f8b", edgecolor="#174f63")
    if open_.any():
        idx = [i for i in range(n) if open_[i]]
        ax.barh(
            idx,
            width[open_],
            left=left[open_],
            height=0.62,
            color="#9cc7d6",
            edgecolor="#174f63",
            hatch="//",
        )
        ax.legend(
            handles=[
                Patch(color="#1f6f8b", label="stated period"),
                Patch(facecolor="#9cc7d6", edgecolor="#174f63", hatch="//", label="open-ended"),
            ],
            loc="lower right",
            fontsize=8,
        )
    if labelled:
        labels = [
            f"{m} ({aid})" if isinstance(m, str) and m else str(aid)
            for m, aid in zip(t["municipalities"], t["agreement_id"], strict=True)
        ]
        ax.set_yticks(range(n), labels=labels, fontsize=8)
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"{n} agreements, earliest start at the top")
    ax.set_ylim(n - 0.5, -0.5)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", color="#d5dbe3", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_title("Validity of each agreement", fontsize=11, loc="left")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


# --- sections ---------------------------------------------------------------------------


def _summary(corpus: Corpus, failures: int) -> str:
    t = corpus.agreements_table()
    munis = corpus.municipalities()
    start, end = t["period_start"].min(), t["period_end"].max()
    if t["open_ended"].any():
        end_text = "open-ended"
    else:
        end_text = _fmt_date(end)
    date_range = "–" if pd.isna(start) else f"{_fmt_date(start)} – {end_text}"
    regions = {r for v in t["region"].dropna() for r in str(v).split("; ")}
    figures = [
        ("Agreements", len(corpus)),
        ("Municipalities", munis["code"].nunique()),
        ("Counties", munis["county"].nunique()),
        ("Police regions", len(regions)),
        ("Date range", date_range),
        ("No period stated", int(t["period_start"].isna().sum())),
    ]
    if failures or corpus.errors:
        figures.append(("Files not read", max(failures, len(corpus.errors))))
    items = "".join(
        f'<div class="figure"><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>' for k, v in figures
    )
    return f'<section id="summary"><h2>Summary</h2><dl class="figures">{items}</dl></section>'


def _share_style(share: float) -> str:
    # White to the report's teal; the text turns white where the cell gets dark.
    alpha = 0.0 if pd.isna(share) else max(0.0, min(1.0, float(share)))
    colour = "#fff" if alpha > 0.55 else "var(--ink)"
    return f"background: rgba(31, 111, 139, {alpha:.2f}); color: {colour}"


def _matrix_table(corpus: Corpus, dimension: Dimension, names: dict[str, str]) -> str:
    kind = dimension.name
    m = matrix(corpus, kind)
    labels = {r.id: r.label for r in knowledge().roles}
    head = "".join(
        f'<th class="id" title="{_e(labels.get(c, c))}">{_e(labels.get(c, c))}</th>'
        for c in m.columns
    )
    body = []
    for n, (aid, row) in enumerate(m.iterrows()):
        cells = "".join(
            f'<td class="cell {"on" if v else "off"}">{int(v)}</td>' for v in row.tolist()
        )
        body.append(
            f'<tr><th class="row"><a href="#{_anchor(n)}">{_e(aid)}</a></th>'
            f"<td>{_e(names.get(str(aid)))}</td>{cells}</tr>"
        )
    shares = m.mean(axis=0) if len(m) else pd.Series(float("nan"), index=m.columns)
    foot = "".join(
        f'<td style="{_share_style(s)}">{"–" if pd.isna(s) else f"{s:.0%}"}</td>'
        for s in shares.tolist()
    )
    return (
        f'<h3>{_e(dimension.label("en"))}</h3><table class="matrix" id="matrix-{kind}">'
        f"<thead><tr><th>Agreement</th><th>Municipalities</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody>"
        f'<tfoot><tr><th colspan="2">Share of agreements</th>{foot}</tr></tfoot></table>'
    )


def _evidence(ev: Evidence | None) -> tuple[str, str]:
    if ev is None or not ev.text:
        return '<span class="muted">–</span>', "–"
    return f'<blockquote class="evidence">{_e(ev.text)}</blockquote>', _e(ev.page or "–")


def _rows(a: Agreement) -> Iterable[tuple[str, str, Evidence | None]]:
    """(field, value, evidence) for everything the record states, in field order."""
    for f in FIELDS:
        for shown in f.shown(a):
            yield f.label("en"), shown.text, shown.evidence


def _agreement_section(n: int, aid: str, a: Agreement) -> str:
    heading = a.title.value if a.title else aid
    src = a.source.path if a.source.sha256 else "(no source file)"
    meta = f"{aid} · {', '.join(m.name for m in a.municipalities) or 'no municipality'} · {src}"
    rows = []
    for field, value, ev in _rows(a):
        quote, page = _evidence(ev)
        rows.append(
            f'<tr><td class="field">{_e(field)}</td><td>{_e(value)}</td>'
            f'<td>{quote}</td><td class="page">{page}</td></tr>'
        )
    warnings = ""
    if a.warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in a.warnings)
        warnings = f'<h4>Warnings</h4><ul class="warnings">{items}</ul>'
    return (
        f'<section class="agreement" id="{_anchor(n)}" data-agreement-id="{_e(aid)}">'
        f'<h3>{_e(heading)}</h3><p class="meta">{_e(meta)}</p>'
        '<table class="fields"><thead><tr><th>Field</th><th>Value</th><th>Evidence</th>'
        f"<th>Page</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{warnings}</section>"
    )


def _errors(corpus: Corpus) -> str:
    if not corpus.errors:
        return ""
    items = "".join(
        f"<li><code>{_e(r.error.path)}</code>: {_e(r.error.type)}: {_e(r.error.message)}</li>"
        for r in corpus.errors
    )
    return f'<section id="errors"><h2>Files not read</h2><ul>{items}</ul></section>'


def render_report(
    corpus: Corpus, *, title: str = "Samverkansöverenskommelser compared", failures: int = 0
) -> str:
    """The report as one HTML string. ``failures``: files the caller could not read."""
    require("matplotlib", "report", "The HTML report (-o report.html)")
    png = timeline_png(corpus)
    if png is None:
        chart = '<p class="muted">No agreement states a validity period.</p>'
    else:
        data = base64.b64encode(png).decode("ascii")
        chart = (
            f'<img id="timeline-chart" src="data:image/png;base64,{data}" '
            'alt="Validity of each agreement as horizontal bars over the years">'
        )
    no_period = [aid for aid, a in corpus.items() if a.period is None or not a.period.start]
    if no_period:
        chart += f'<p class="muted">No start stated: {_e(", ".join(no_period))}</p>'
    names = {aid: ", ".join(m.name for m in a.municipalities) for aid, a in corpus.items()}
    matrices = "".join(_matrix_table(corpus, d, names) for d in dimensions())
    sections = "".join(_agreement_section(n, aid, a) for n, (aid, a) in enumerate(corpus.items()))
    made = dt.date.today().isoformat()
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1>"
        f'<p class="muted">{len(corpus)} agreements · made {made} by samverkan-extract '
        f"{_e(__version__)} (contract v1)</p>"
        '<nav><a href="#summary">Summary</a><a href="#timeline">Timeline</a>'
        '<a href="#matrices">Matrices</a><a href="#agreements">Agreements</a></nav></header>'
        f"<main>{_summary(corpus, failures)}"
        f'<section id="timeline" class="timeline"><h2>Validity timeline</h2>{chart}</section>'
        '<section id="matrices"><h2>What the agreements contain</h2>'
        '<p class="muted">1 = the agreement has it; the bottom row is the share of '
        f"agreements that do.</p>{matrices}</section>"
        f'<section id="agreements"><h2>Agreements</h2>{sections}</section>'
        f"{_errors(corpus)}</main></body></html>\n"
    )


def write_report(
    corpus: Corpus,
    path: Path,
    *,
    title: str = "Samverkansöverenskommelser compared",
    failures: int = 0,
) -> Path:
    """Render and write the report atomically."""
    html = render_report(corpus, title=title, failures=failures)
    path = Path(path)
    atomic_write_text(path, html)
    return path
