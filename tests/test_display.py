"""The notebook displays: each value is shown with its page and evidence, and ``show()``
highlights every evidence in the document under its field's label.

The HTML is parsed (with the standard library's parser, the way a browser tokenises it)
rather than searched as a string, so the tests see what a reader sees.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from operator import itemgetter
from pathlib import Path

import pandas as pd
import pytest

import samverkan_extract as se
from samverkan_extract import compare
from samverkan_extract.corpus import Corpus
from samverkan_extract.display import record_values
from samverkan_extract.errors import InputError
from samverkan_extract.schema import Agreement, ErrorInfo, ErrorRecord, Evidence, Item, Source
from tests.conftest import CORPUS, CORPUS_GOLD

DOCUMENTS = sorted(CORPUS.glob("*"))
VOID = {"br", "hr", "img", "meta", "input", "link", "wbr"}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return se.extract_many([CORPUS], jobs=1)


# --- parsing what the displays render -----------------------------------------------------


@dataclass
class Token:
    text: str
    highlighted: bool
    labels: list[str] = field(default_factory=list)


class SpanMarkup(HTMLParser):
    """displaCy's span markup in ``show()`` as tokens: the text, whether it is highlighted
    and the labels of the spans that start on it."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[Token] = []
        self.open: list[str] = []  # class of every open element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        cls = dict(attrs).get("class") or ""
        self.open.append(cls)
        if cls == "samverkan-value":
            self.tokens.append(Token("", True))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if "spans" not in self.open:
            return
        if self.open[-1] == "samverkan-value":
            self.tokens[-1].text += data
        elif self.open[-1] == "samverkan-label":
            self.tokens[-1].labels.append(data)
        elif self.open[-1] == "spans":
            self.tokens += [Token(t, False) for t in data.split()]


def span_tokens(html: str) -> list[Token]:
    parser = SpanMarkup()
    parser.feed(html)
    parser.close()
    return parser.tokens


@dataclass
class Row:
    cells: list[str] = field(default_factory=list)
    tooltips: list[str | None] = field(default_factory=list)


class ValueRows(HTMLParser):
    """The rows of the values table by field: each cell's text and tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, Row] = {}
        self.row: Row | None = None
        self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and a.get("data-field"):
            self.row = self.rows[str(a["data-field"])] = Row()
        elif tag == "td" and self.row is not None:
            self.in_cell = True
            self.row.cells.append("")
            self.row.tooltips.append(a.get("title"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.in_cell = False
        elif tag == "tr":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.row is not None and self.in_cell:
            self.row.cells[-1] += data


def value_rows(html: str) -> dict[str, Row]:
    parser = ValueRows()
    parser.feed(html)
    parser.close()
    return parser.rows


def folded(text: str) -> str:
    return "".join(text.split())


# --- Agreement._repr_html_ ------------------------------------------------------------------


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_repr_html_gives_every_value_its_page_and_evidence(corpus: Corpus, path: Path) -> None:
    agreement = corpus[path.stem]
    rows = value_rows(agreement._repr_html_())
    values = list(record_values(agreement))
    assert values, "the corpus document gave no values"
    assert list(rows) == [v.field for v in values]
    for v in values:
        assert v.evidence is not None
        field_cell, value_cell, page_cell, evidence_cell = rows[v.field].cells
        _, value_tip, _, evidence_tip = rows[v.field].tooltips
        assert field_cell == v.field
        assert value_cell == v.text
        assert page_cell == (str(v.evidence.page) if v.evidence.page else "–")
        assert value_tip == evidence_tip == v.evidence.text  # the full quote, as a tooltip
        quote = folded(evidence_cell.rstrip("…"))
        assert folded(v.evidence.text).startswith(quote)


def evidence_in(record: object) -> list[dict[str, object]]:
    """Every evidence object anywhere in a record's JSON."""
    if isinstance(record, dict):
        own = [record["evidence"]] if isinstance(record.get("evidence"), dict) else []
        return own + [e for v in record.values() for e in evidence_in(v)]
    if isinstance(record, list):
        return [e for v in record for e in evidence_in(v)]
    return []


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_every_evidence_of_the_record_is_displayed(corpus: Corpus, path: Path) -> None:
    agreement = corpus[path.stem]
    shown = [v.evidence.model_dump() for v in record_values(agreement) if v.evidence]
    key = itemgetter("start", "end", "text")
    assert sorted(shown, key=key) == sorted(evidence_in(agreement.to_dict()), key=key)


def test_repr_html_escapes_what_documents_say() -> None:
    nasty = '<img src=x onerror="alert(1)"> & co'
    ev = Evidence(text=nasty, start=0, end=len(nasty))
    a = Agreement(
        source=Source(path="<b>.txt", format="txt", sha256="0" * 64),
        title=Item(value=nasty, evidence=ev),
        warnings=[nasty],
    )
    html = a._repr_html_()
    assert "<img" not in html and "<b>" not in html
    assert value_rows(html)["title"].cells[1] == nasty


def test_record_without_evidence_shows_dashes_and_cannot_be_shown() -> None:
    gold = Corpus.from_json([CORPUS_GOLD])[0]
    rows = value_rows(gold._repr_html_())
    assert rows and all(r.cells[2:] == ["–", "–"] for r in rows.values())
    with pytest.raises(ValueError, match="no source file"):
        gold.show()


# --- Agreement.show() ---------------------------------------------------------------------


def assert_every_value_highlighted(agreement: Agreement, html: str) -> None:
    """The whole text is there, and each value's evidence is highlighted from the token
    that carries its label onwards."""
    tokens = span_tokens(html)
    assert folded("".join(t.text for t in tokens)) == folded(
        se.normalised_text(agreement.source.path)
    )
    for v in record_values(agreement):
        assert v.evidence is not None
        starts = [i for i, t in enumerate(tokens) if v.field in t.labels]
        assert len(starts) == 1, f"{v.field} is labelled {len(starts)} times"
        run = ""
        for token in tokens[starts[0] :]:
            assert token.highlighted, f"{v.field}: {token.text!r} inside its evidence is plain"
            run += token.text
            if folded(v.evidence.text) in folded(run):
                break
        else:
            pytest.fail(f"{v.field}: evidence {v.evidence.text!r} not highlighted")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_show_highlights_every_value_under_its_label(corpus: Corpus, path: Path) -> None:
    agreement = corpus[path.stem]
    html = agreement.show(jupyter=False)
    assert html is not None
    assert_every_value_highlighted(agreement, html)


def test_a_pdf_shows_pages_and_highlights(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from tests.fixtures.render import render_pdf

    agreement = se.extract(render_pdf(DOCUMENTS[1], tmp_path / "agreement.pdf"))
    rows = value_rows(agreement._repr_html_())
    pages = {f: r.cells[2] for f, r in rows.items()}
    assert pages == {v.field: str(v.evidence.page) for v in record_values(agreement) if v.evidence}
    assert (agreement.source.pages or 0) > 1 and len(set(pages.values())) > 1
    html = agreement.show(jupyter=False)
    assert html is not None
    assert_every_value_highlighted(agreement, html)


def test_show_escapes_the_document_text(tmp_path: Path) -> None:
    path = tmp_path / "agreement.txt"
    path.write_text(
        "Samverkansöverenskommelse 2024–2026\n\n"
        "Överenskommelsen gäller 2024–2026 mellan Osby kommun och lokalpolisområde "
        'Hässleholm.\n\nVi träffas när antalet är < 5 & "vid behov".\n',
        encoding="utf-8",
    )
    html = se.extract(path).show(jupyter=False)
    assert html is not None and "&lt; 5 &amp;" in html
    text = "".join(t.text for t in span_tokens(html))
    assert '<5&"vidbehov"' in text


def test_show_displays_in_a_notebook_and_returns_nothing(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import IPython.display

    shown: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    assert corpus[0].show(jupyter=True) is None
    assert len(shown) == 1 and 'class="samverkan-label"' in shown[0]


def test_show_refuses_a_changed_or_missing_source(tmp_path: Path) -> None:
    path = tmp_path / DOCUMENTS[0].name
    shutil.copy(DOCUMENTS[0], path)
    agreement = se.extract(path)
    moved = tmp_path / "moved.txt"
    path.rename(moved)
    with pytest.raises(InputError, match="not there.*show\\(path="):
        agreement.show(jupyter=False)
    assert agreement.show(path=moved, jupyter=False) is not None
    moved.write_text(moved.read_text("utf-8") + "\nTillägg.\n", encoding="utf-8")
    with pytest.raises(InputError, match="changed since the record was extracted"):
        agreement.show(path=moved, jupyter=False)


# --- Corpus -------------------------------------------------------------------------------


def test_corpus_repr_html_lists_agreements_and_unread_files(corpus: Corpus) -> None:
    error = ErrorRecord(error=ErrorInfo(path="<bad>.pdf", type="InputError", message="encrypted"))
    html = Corpus(corpus.agreements, [error], corpus.ids)._repr_html_()
    names = compare.agreement_names(corpus)
    for aid, a in corpus.items():
        # Named for people ("Osby kommun (2023–2026)"), the id on hover.
        assert f'title="{aid}">{names[aid]}<' in html
        for m in a.municipalities:
            assert m.name in html
    assert "&lt;bad&gt;.pdf" in html and "encrypted" in html and "<bad>" not in html


def test_corpus_tables_are_one_call_away(corpus: Corpus) -> None:
    pd.testing.assert_frame_equal(
        corpus.matrix("priority_areas"), compare.matrix(corpus, "priority_areas")
    )
    pd.testing.assert_frame_equal(
        corpus.matrix("forums", by="municipality"),
        compare.matrix(corpus, "forums", by="municipality"),
    )
    pd.testing.assert_frame_equal(corpus.summary(), compare.summary(corpus))
    timeline = corpus.timeline()
    pd.testing.assert_frame_equal(timeline, compare.timeline(corpus))
    assert pd.api.types.is_datetime64_any_dtype(timeline["start"])
    assert isinstance(timeline["precision"].dtype, pd.CategoricalDtype)
    assert isinstance(corpus.forums()["type"].dtype, pd.CategoricalDtype)
    assert corpus.in_force("2024-06-01").ids == compare.in_force(corpus, "2024-06-01").ids
    expected = compare.diff(corpus[0], corpus[1])
    pd.testing.assert_frame_equal(corpus.diff(0, 1), expected)
    pd.testing.assert_frame_equal(corpus.diff(corpus.ids[0], corpus[1]), expected)


# --- show() keeps the text as written --------------------------------------------------------


def shown_text(html: str) -> str:
    """The document text inside show()'s markup: labels and page marks left out."""
    import html as html_module

    body = html.split('<div class="spans"', 1)[1].split("</div>", 1)[0]
    body = body.split(">", 1)[1]
    body = re.sub(r'<span class="samverkan-(?:label|page)"[^>]*>.*?</span>', "", body)
    return html_module.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_show_keeps_the_source_spacing(corpus: Corpus, path: Path) -> None:
    agreement = corpus[path.stem]
    html = agreement.show(jupyter=False)
    assert html is not None
    assert shown_text(html) == se.normalised_text(agreement.source.path)
    assert "white-space: pre-wrap" in html
    assert not re.search(r"\w \)|\( \w| ,", shown_text(html).replace(" ,", ""))  # no token gaps


def test_show_marks_page_breaks_of_a_pdf(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from tests.fixtures.render import render_pdf

    agreement = se.extract(render_pdf(DOCUMENTS[1], tmp_path / "agreement.pdf"))
    html = agreement.show(jupyter=False, lang="en")
    assert html is not None
    pages = re.findall(r'class="samverkan-page" data-page="(\d+)"', html)
    assert pages == [str(n) for n in range(2, (agreement.source.pages or 0) + 1)]
    assert "page 2" in html
    assert shown_text(html) == se.normalised_text(agreement.source.path)


def test_corpus_plot_draws_matrices_and_the_timeline(corpus: Corpus) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = corpus.plot.matrix("forums", by="county")
    assert ax.get_title(loc="left").startswith("Samverkansforum")
    assert [t.get_text() for t in ax.get_yticklabels()] == list(
        compare.matrix(corpus, "forums", by="county").index
    )
    ax = corpus.plot.timeline(day="2024-06-01", lang="en")
    assert ax.get_title(loc="left") == "Validity of each agreement"
    assert len(ax.get_yticklabels()) == len(corpus)
    ax = corpus.plot.crosstab()
    plt.close("all")
