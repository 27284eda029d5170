"""The HTML report as a browser sees it: headless Chromium loads it from a file with no
network, and its DOM and console are checked. A screenshot is kept in tests/artifacts/
(git-ignored) for people to look at."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import samverkan_extract as se
from samverkan_extract.corpus import Corpus
from samverkan_extract.errors import MissingDependencyError
from samverkan_extract.report import TIMELINE_LABEL_LIMIT, render_report, timeline_png, write_report
from tests.conftest import CORPUS, CORPUS_GOLD, ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
        if p and Path(p).exists()
    ),
    None,
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (scripts/install-system-deps.sh installs it; CI has it)",
)
# What Chromium writes to stderr when a page logs to the console, throws, or breaks the
# Content-Security-Policy (an attempt to load anything from outside).
CONSOLE_PROBLEMS = re.compile(
    r"Uncaught|console error|:CONSOLE|Content Security Policy|Refused to", re.IGNORECASE
)


def chromium(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--enable-logging=stderr",
            "--v=0",
            *extra,
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


class Dom(HTMLParser):
    """Just enough of the DOM: every element's tag and attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Elements with this tag and attributes; ``class_`` matches one of the classes."""

        def matches(a: dict[str, str]) -> bool:
            for key, value in attrs.items():
                if key == "class_":
                    if value not in a.get("class", "").split():
                        return False
                elif a.get(key) != value:
                    return False
            return True

        return [a for t, a in self.elements if t == tag and matches(a)]


def parse(html: str) -> Dom:
    dom = Dom()
    dom.feed(html)
    return dom


@pytest.fixture(scope="module")
def extracted() -> Corpus:
    return se.extract_many([CORPUS], jobs=1)


@pytest.fixture(scope="module")
def report(extracted: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(extracted, tmp_path_factory.mktemp("report") / "report.html")


# --- in the browser ---------------------------------------------------------------------


@needs_chromium
def test_report_dom_in_headless_chromium(report: Path, extracted: Corpus, tmp_path: Path) -> None:
    proc = chromium(report, tmp_path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    problems = [line for line in proc.stderr.splitlines() if CONSOLE_PROBLEMS.search(line)]
    assert problems == [], problems
    dom = parse(proc.stdout)
    assert dom.find("section", id="summary")
    for kind in ("forums", "priority_areas", "related_documents", "signatory_roles"):
        assert dom.find("table", id=f"matrix-{kind}", class_="matrix"), kind
    images = dom.find("img", id="timeline-chart")
    assert len(images) == 1 and images[0]["src"].startswith("data:image/png;base64,")
    png = base64.b64decode(images[0]["src"].split(",", 1)[1])
    assert png.startswith(b"\x89PNG")
    sections = dom.find("section", class_="agreement")
    assert [s["data-agreement-id"] for s in sections] == extracted.ids
    assert len(dom.find("blockquote", class_="evidence")) >= sum(
        len(a.forums) + len(a.signatories) for a in extracted
    )
    assert not dom.find("script")
    # Nothing points outside the file: only data: images and in-page links.
    for tag, attrs in dom.elements:
        for key in ("src", "href"):
            if key in attrs:
                assert attrs[key].startswith(("data:", "#")), (tag, attrs[key][:80])


@needs_chromium
def test_report_screenshot(report: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    proc = chromium(report, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    shutil.copyfile(report, ARTIFACTS / "report.html")


@needs_chromium
def test_console_check_catches_errors_and_external_loads(report: Path, tmp_path: Path) -> None:
    """The check above would pass vacuously if Chromium printed nothing: a page that
    throws and tries to load a remote image must be caught by it."""
    html = report.read_text("utf-8").replace(
        "<main>", '<main><img src="https://example.invalid/x.png"><script>nope()</script>', 1
    )
    bad = tmp_path / "bad.html"
    bad.write_text(html, "utf-8")
    proc = chromium(bad, tmp_path, "--dump-dom")
    assert [line for line in proc.stderr.splitlines() if CONSOLE_PROBLEMS.search(line)]


@needs_chromium
def test_markup_in_a_document_stays_text_in_the_browser(tmp_path: Path) -> None:
    record = json.loads((CORPUS_GOLD / "000_5d68ca22a3f54acc.json").read_text("utf-8"))
    record["title"] = "<script>alert('x')</script> & <b>bold</b>"
    record["forums"][0]["name"] = '"><img src=x onerror=alert(1)>'
    page = write_report(Corpus.from_records({"evil": record}), tmp_path / "evil.html")
    proc = chromium(page, tmp_path, "--dump-dom")
    dom = parse(proc.stdout)
    assert not dom.find("script") and not dom.find("b")
    assert all(img.get("id") == "timeline-chart" for img in dom.find("img"))
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in proc.stdout


# --- without a browser ------------------------------------------------------------------


def test_report_is_self_contained_and_escaped(extracted: Corpus) -> None:
    html = render_report(extracted)
    assert "default-src 'none'" in html  # the browser refuses anything from outside
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:|#)""", html)
    assert "@import" not in html and "url(" not in html
    assert html.count('<section class="agreement"') == len(extracted)
    a = extracted[0]
    assert f'<blockquote class="evidence">{a.forums[0].evidence.text}' in html


def test_report_of_gold_records_without_evidence_or_periods() -> None:
    gold = json.loads((CORPUS_GOLD / "000_5d68ca22a3f54acc.json").read_text("utf-8"))
    gold["period"] = None
    html = render_report(Corpus.from_records({"no-period": gold}), lang="en")
    assert "No agreement states a validity period" in html
    assert "timeline-chart" not in html
    assert "<blockquote" not in html  # gold has no evidence to quote


def test_empty_and_large_corpora_render(extracted: Corpus) -> None:
    assert "0 agreements" in render_report(Corpus(), lang="en")
    assert "0 överenskommelser" in render_report(Corpus())
    n = TIMELINE_LABEL_LIMIT + 40
    many = Corpus(
        [extracted[i % len(extracted)] for i in range(n)], ids=[f"a{i}" for i in range(n)]
    )
    png = timeline_png(many)
    assert png is not None and png.startswith(b"\x89PNG")


def test_missing_matplotlib_says_what_to_install(
    extracted: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'samverkan-extract\[report\]'"):
        render_report(extracted)


# --- widths: 1400 px and 400 px -----------------------------------------------------------

#: Measures, once the page has loaded, how wide the page is and which elements stick out of
#: the viewport outside a horizontally scrolling box; writes it into a <div id="probe"> of
#: the top document (the report's own, or the page framing it).
PROBE = """<script>window.addEventListener('load', function () {
  var top = window.parent !== window ? window.parent.document : document;
  var d = top.createElement('div'); d.id = 'probe';
  var wide = [];
  document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && !e.closest('.scroll')) {
      wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className);
    }
  });
  d.setAttribute('data-inner', window.innerWidth);
  d.setAttribute('data-scroll', document.documentElement.scrollWidth);
  d.setAttribute('data-wide', wide.slice(0, 8).join(' '));
  top.body.appendChild(d);
});</script>"""


def probed(report: Path, folder: Path) -> Path:
    """A copy of the report that may run the probe (the report itself runs no script)."""
    html = report.read_text("utf-8").replace(
        "style-src 'unsafe-inline'", "style-src 'unsafe-inline'; script-src 'unsafe-inline'"
    )
    page = folder / "probed.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), "utf-8")
    return page


def framed(page: Path, width: int) -> Path:
    """The page in a frame ``width`` px wide: Chromium's window is never narrower than
    500 px, a frame is."""
    wrapper = page.with_name(f"framed-{width}.html")
    wrapper.write_text(
        '<!DOCTYPE html><html><body style="margin: 0">'
        f'<iframe src="{page.name}" style="width: {width}px; height: 1900px; border: 0">'
        "</iframe></body></html>",
        "utf-8",
    )
    return wrapper


def measure(proc: subprocess.CompletedProcess[str]) -> dict[str, str]:
    found = re.search(r'<div id="probe"([^>]*)>', proc.stdout)
    assert found, proc.stderr[-2000:]
    return dict(re.findall(r'data-(\w+)="([^"]*)"', found.group(1)))


@pytest.fixture(scope="module")
def english_report(extracted: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(
        extracted,
        tmp_path_factory.mktemp("report-en") / "report.html",
        lang="en",
        filters={"county": "Skåne län"},
    )


@needs_chromium
@pytest.mark.parametrize("width", [1400, 400])
def test_report_fits_the_width_and_tables_scroll(report: Path, tmp_path: Path, width: int) -> None:
    """At 1400 px and at 400 px (a phone) nothing sticks out of the page: wide tables
    scroll sideways in their own box. A screenshot of each is kept in tests/artifacts/."""
    page = probed(report, tmp_path)
    target = page if width >= 500 else framed(page, width)
    proc = chromium(
        target,
        tmp_path,
        "--dump-dom",
        "--allow-file-access-from-files",
        "--virtual-time-budget=5000",
        f"--window-size={max(width, 500)},1900",
    )
    seen = measure(proc)
    assert int(seen["inner"]) == width
    assert int(seen["scroll"]) <= width, seen
    assert seen["wide"] == "", f"sticks out at {width} px: {seen['wide']}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"report-{width}.png"
    shot.unlink(missing_ok=True)
    framed_report = report if width >= 500 else framed(report, width)
    proc = chromium(
        framed_report,
        tmp_path,
        f"--screenshot={shot}",
        "--allow-file-access-from-files",
        f"--window-size={max(width, 500)},1900",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_report_header_says_the_selection_and_counts_right(
    english_report: Path, extracted: Corpus
) -> None:
    html = english_report.read_text("utf-8")
    assert '<p class="filters">Selection: <code>county</code> Skåne län (5)</p>' in html
    assert "5 agreements ·" in html
    one = render_report(extracted[:1], lang="en")
    assert "1 agreement ·" in one and "1 agreements" not in one
    assert "1 överenskommelse ·" in render_report(extracted[:1])


def test_report_speaks_in_labels_with_ids_on_hover(report: Path, english_report: Path) -> None:
    sv = report.read_text("utf-8")
    en = english_report.read_text("utf-8")
    assert 'title="local_crime_prevention_council">Lokalt brottsförebyggande råd<' in sv
    assert 'title="local_crime_prevention_council">Local crime prevention council<' in en
    assert 'title="000_5d68ca22a3f54acc">Osby kommun (2023–2026)</a>' in sv
    assert '<html lang="sv">' in sv and '<html lang="en">' in en
    for section in ("places", "timeline", "matrices", "agreements"):
        assert f'id="{section}"' in sv
    assert 'id="shares-police_region-forums"' in sv and 'id="shares-county-forums"' in sv
    assert 'id="crosstab-commitments_by_party"' in sv
    assert "Gäller i dag" in sv and "In force today" in en
