"""Words into lines, lines into fragments, fragments into rows.

* ``group_lines``: words sorted by the height of their centre (then x); a word joins the
  line above when its centre is within ``SAME_LINE`` × its size of the centre of that
  line's first word. Each line is then sorted by x.
* ``split_fragments``: a line's words split where the gap to the word before is wider
  than ``FRAGMENT_GAP`` × the larger size; a lone list marker stays with the text after
  it, however far it stands.
* ``rows``: the same grouping for fragments inside one region of a page (a column): a
  ``Row`` is the fragments at one height, in x order.
"""

from __future__ import annotations

from dataclasses import dataclass

from samverkan_extract.readers.pdf.markers import is_marker
from samverkan_extract.readers.pdf.model import Fragment, Word

# A line is "the same height" as another when their centres differ by less than this
# share of the font size.
SAME_LINE = 0.45
# A horizontal gap wider than this share of the font size splits a line into fragments.
FRAGMENT_GAP = 1.5


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines (by the height of their centres), each sorted by x."""
    lines: list[list[Word]] = []
    anchors: list[float] = []
    for w in sorted(words, key=lambda w: (w.middle, w.x0)):
        if lines and abs(w.middle - anchors[-1]) <= SAME_LINE * w.size:
            lines[-1].append(w)
        else:
            lines.append([w])
            anchors.append(w.middle)
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def split_fragments(words: list[Word]) -> list[Fragment]:
    """A line's words split at wide gaps; a list marker stays with the text after it."""
    out: list[Fragment] = []
    for w in words:
        if out and _goes_on(out, w):
            out[-1].words.append(w)
        else:
            out.append(Fragment([w]))
    return out


def _goes_on(fragments: list[Fragment], w: Word) -> bool:
    prev = fragments[-1].words[-1]
    if w.x0 - prev.x1 <= FRAGMENT_GAP * max(w.size, prev.size):
        return True
    return len(fragments) == 1 and len(fragments[0].words) == 1 and is_marker(prev.text)


def line_fragments(words: list[Word]) -> list[Fragment]:
    """Words read anew into lines, and the lines into fragments, in reading order."""
    return [f for line in group_lines(words) for f in split_fragments(line)]


@dataclass(eq=False)
class Row:
    """Fragments of one region at one height, in x order."""

    frags: list[Fragment]

    @property
    def top(self) -> float:
        return min(f.top for f in self.frags)

    @property
    def bottom(self) -> float:
        return max(f.bottom for f in self.frags)

    @property
    def size(self) -> float:
        return max(f.size for f in self.frags)

    def words(self) -> list[Word]:
        """The row's words in x order."""
        return sorted((w for f in self.frags for w in f.words), key=lambda w: w.x0)

    def flow_words(self) -> list[Word]:
        """The row's words in fragment order (as the line is read in the flow)."""
        return [w for f in self.frags for w in f.words]


def rows(frags: list[Fragment]) -> list[Row]:
    """Fragments grouped into rows like words into lines (by their centres)."""
    out: list[Row] = []
    anchors: list[float] = []
    for f in sorted(frags, key=lambda f: (f.middle, f.x0)):
        if out and abs(f.middle - anchors[-1]) <= SAME_LINE * f.size:
            out[-1].frags.append(f)
        else:
            out.append(Row([f]))
            anchors.append(f.middle)
    for row in out:
        row.frags.sort(key=lambda f: f.x0)
    return out
