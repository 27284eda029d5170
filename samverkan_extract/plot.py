"""Charts of a corpus in a notebook: ``corpus.plot.matrix(...)``, ``corpus.plot.timeline()``,
``corpus.plot.crosstab()``. Each draws with pyplot (so Jupyter shows it under the cell)
and returns the ``Axes``, as pandas' ``.plot`` does; pass ``ax=`` to draw into your own
figure. The report draws the same charts (``charts.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from samverkan_extract.extras import require
from samverkan_extract.labels import label
from samverkan_extract.schema import VIEWS

if TYPE_CHECKING:
    from samverkan_extract.compare import Corpus

# Importing the package registers this view; pandas and matplotlib load when a chart is
# drawn, so that ``import samverkan_extract`` stays light.


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    require("matplotlib", "notebook", "Plotting (corpus.plot)")
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


class CorpusPlot:
    """The charts of one corpus (``corpus.plot``)."""

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus

    def matrix(
        self,
        kind: str = "forums",
        by: str = "agreement",
        *,
        how: str | None = None,
        lang: str = "sv",
        ax: Any = None,
    ) -> Any:
        """A presence matrix as a heat map, rows and columns named for people: by
        agreement 0/1, by a place (municipality, county, police_region, police_area) the
        share of its agreements (``how``: any, count, share)."""
        from samverkan_extract.charts import draw_matrix, matrix_size
        from samverkan_extract.compare import dimension, matrix

        how = how or ("any" if by in ("agreement", "municipality") else "share")
        m = matrix(self._corpus, kind, by, how=how, lang=lang)
        ax = _axes(ax, matrix_size(m))
        title = dimension(kind).label(lang)
        if by != "agreement":
            title += f" · {label('groupings', by, lang)}"
        draw_matrix(ax, m, title)
        return ax

    def timeline(
        self, *, day: dt.date | str | None = None, lang: str = "sv", ax: Any = None
    ) -> Any:
        """Validity per agreement: a line at ``day`` (default today), the agreements in
        force that day in full colour, open-ended ones hatched."""
        from samverkan_extract.charts import draw_timeline, timeline_size

        n = sum(1 for _, a in self._corpus.items() if a.period is not None and a.period.start)
        ax = _axes(ax, timeline_size(n))
        draw_timeline(ax, self._corpus, day=day, lang=lang)
        return ax

    def crosstab(
        self, name: str = "commitments_by_party", *, lang: str = "sv", ax: Any = None
    ) -> Any:
        """A cross table (commitments by party kind x priority area) as a heat map."""
        from samverkan_extract.charts import draw_matrix, matrix_size
        from samverkan_extract.compare import crosstab
        from samverkan_extract.fields import crosstabs

        ct = crosstab(self._corpus, name, lang=lang)
        ax = _axes(ax, matrix_size(ct))
        title = next((c.label(lang) for c in crosstabs() if c.name == name), name)
        draw_matrix(ax, ct, title)
        return ax


VIEWS.update(plot=CorpusPlot)
