"""The charts of a corpus, drawn on a matplotlib ``Axes``: the report embeds them as PNG
images, ``corpus.plot`` draws them in a notebook. Only matplotlib's object API is used
here (no pyplot state), so a chart never leaks into another.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from samverkan_extract.compare import Corpus, timeline
from samverkan_extract.labels import count, text

#: Above this many agreements the timeline drops its per-bar labels to stay legible.
TIMELINE_LABEL_LIMIT = 60
STATED = "#1f6f8b"
EDGE = "#174f63"
OPEN = "#9cc7d6"
NOT_IN_FORCE = "#b8c4ce"
TODAY = "#c0392b"


def timeline_size(n: int, label_limit: int = TIMELINE_LABEL_LIMIT) -> tuple[float, float]:
    if n > label_limit:  # one thin line per agreement, no labels: a fixed height
        return 11.0, 8.0
    return 11.0, min(max(2.0, 0.34 * n + 1.5), 30.0)


def draw_timeline(
    ax: Any,
    corpus: Corpus,
    *,
    day: dt.date | str | None = None,
    lang: str = "sv",
    label_limit: int = TIMELINE_LABEL_LIMIT,
) -> bool:
    """Validity per agreement as horizontal bars: in force on ``day`` (default today) in
    full colour, the others grey, open-ended ones hatched to the edge; a line marks the
    day. False when no agreement states a start (nothing drawn)."""
    import matplotlib.dates as mdates
    from matplotlib.patches import Patch

    when = pd.Timestamp(day if day is not None else dt.date.today())
    t = timeline(corpus, day=when.date(), lang=lang)
    t = t[t["start"].notna()].reset_index(drop=True)
    if t.empty:
        return False
    n = len(t)
    starts = [s.to_pydatetime() for s in t["start"]]
    known_ends = [e.to_pydatetime() for e in t["end"] if not pd.isna(e)]
    edge = max([*known_ends, *(s.replace(year=s.year + 1) for s in starts), when.to_pydatetime()])
    ends = [edge if pd.isna(e) else e.to_pydatetime() for e in t["end"]]
    left = mdates.date2num(starts)
    width = mdates.date2num(ends) - left + 1
    current = t["in_force"].to_numpy(dtype=bool)
    open_ = t["open_ended"].to_numpy(dtype=bool)
    colours = [STATED if c else NOT_IN_FORCE for c in current]
    if n > label_limit:
        # Many agreements: one line each (a bar per agreement costs a patch each).
        ax.hlines(
            range(n),
            left,
            left + width,
            colors=[
                OPEN if o and c else col for o, c, col in zip(open_, current, colours, strict=True)
            ],
            linewidth=max(0.4, min(4.0, 500 / n)),
            linestyles=["dotted" if o else "solid" for o in open_],
        )
    else:
        ax.barh(range(n), width, left=left, height=0.62, color=colours, edgecolor=EDGE)
    if open_.any() and n <= label_limit:
        idx = [i for i in range(n) if open_[i]]
        ax.barh(
            idx,
            width[open_],
            left=left[open_],
            height=0.62,
            color=[OPEN if current[i] else NOT_IN_FORCE for i in idx],
            edgecolor=EDGE,
            hatch="//",
        )
    today = text("today", lang) if day is None else when.date().isoformat()
    ax.axvline(mdates.date2num(when.to_pydatetime()), color=TODAY, linestyle="--", linewidth=1.2)
    ax.legend(
        handles=[
            Patch(color=STATED, label=text("in_force", lang, date=today)),
            Patch(color=NOT_IN_FORCE, label=text("stated_period", lang)),
            Patch(facecolor=OPEN, edgecolor=EDGE, hatch="//", label=text("open_ended", lang)),
            Patch(color=TODAY, label=today),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.06 if n > 8 else -0.14),
        ncol=4,
        fontsize=8,
        frameon=False,
    )
    if n <= label_limit:
        ax.set_yticks(range(n), labels=list(t["name"]), fontsize=8)
    else:
        ax.set_yticks([])
        ax.set_ylabel(text("earliest_first", lang, n=count(n, "agreement", lang)))
    ax.set_ylim(n - 0.5, -0.5)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", color="#d5dbe3", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_title(text("validity_title", lang), fontsize=11, loc="left")
    return True


def matrix_size(m: pd.DataFrame) -> tuple[float, float]:
    return 0.55 * m.shape[1] + 3.5, 0.42 * m.shape[0] + 2.2


def draw_matrix(ax: Any, m: pd.DataFrame, title: str = "") -> None:
    """A matrix (0/1, counts or shares) as a heat map with its row and column names."""
    values = m.to_numpy(dtype="float64")
    top = float(values.max()) if values.size and values.max() > 0 else 1.0
    ax.imshow(values, cmap="Blues", vmin=0, vmax=top * 1.4, aspect="auto")
    ax.set_xticks(range(m.shape[1]), labels=[str(c) for c in m.columns], rotation=50, ha="right")
    ax.set_yticks(range(m.shape[0]), labels=[str(i) for i in m.index])
    binary = bool(((values == 0) | (values == 1)).all())
    shares = values.size and top <= 1.0 and not (values == values.round()).all()
    for r, row in enumerate(values.tolist()):
        for c, v in enumerate(row):
            if not v or binary:
                continue
            shown = f"{v:.0%}" if shares else f"{v:g}"
            ax.text(c, r, shown, ha="center", va="center", fontsize=7,
                    color="white" if v > top * 0.6 else "black")  # fmt: skip
    ax.set_title(title or str(m.columns.name or ""), loc="left")
