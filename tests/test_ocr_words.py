"""How OCR words are cleaned before layout (readers/ocr.py): bullets, specks, drawings.

The words are made by hand as Tesseract's hOCR gives them (boxes in pixels at 300 dpi,
the line's text height 44 px), so these run without Tesseract; tests/test_ocr.py reads
rendered scans end to end."""

from __future__ import annotations

from samverkan_extract.readers import ocr
from samverkan_extract.readers.ocr_words import OcrWord

SIZE = 44.0


def line(top: float, *words: tuple[str, float, float, float]) -> list[OcrWord]:
    """One line of words: (text, x0, x1, confidence), the first opening the line."""
    return [
        OcrWord(text, x0, top, x1, top + 0.8 * SIZE, conf, SIZE, 0.0, top + 0.8 * SIZE, k == 0)
        for k, (text, x0, x1, conf) in enumerate(words)
    ]


def mark(top: float, text: str, x0: float, conf: float = 30.0) -> OcrWord:
    """A small mark (a bullet, or a speck) a quarter of the text height across, at the
    middle of the line."""
    mid = top + 0.45 * SIZE
    return OcrWord(text, x0, mid - 6, x0 + 11, mid + 6, conf, SIZE, 0.0, top + 0.8 * SIZE, True)


def item(top: float, bullet: str, text: str) -> list[OcrWord]:
    """A list item: a mark at x 270, its text from x 340."""
    words = [mark(top, bullet, 270)]
    x = 340.0
    for t in text.split():
        words += line(top, (t, x, x + 20 * len(t), 96.0))
        words[-1].first = False
        x += 20 * len(t) + 16
    return words


def texts(words: list[OcrWord]) -> list[str]:
    out: list[str] = []
    for w in words:
        if w.first:
            out.append(w.text)
        else:
            out[-1] += " " + w.text
    return out


def test_a_column_of_marks_before_items_in_lower_case_are_bullets() -> None:
    """'Polisen lovar att:' over items that open in lower case: each mark, however it
    was read ('»', '«', '8'), is a bullet, because the marks stand one under another."""
    words = [
        *line(1000, ("Polisen", 270, 420, 96), ("lovar", 436, 546, 96), ("att:", 562, 632, 96)),
        *item(1080, "»", "öka närvaron i centrum"),
        *item(1150, "«", "genomföra trafikkontroller"),
        *item(1220, "8", "besöka skolorna"),
    ]
    assert texts(ocr._bullets(words)) == [
        "Polisen lovar att:",
        "• öka närvaron i centrum",
        "• genomföra trafikkontroller",
        "• besöka skolorna",
    ]


def test_a_lone_speck_before_a_wrapped_line_is_dropped() -> None:
    """A mark before a line going on in lower case, with no other mark under or over it
    and close to the text, is a speck."""
    words = [
        *line(1000, ("Kommunen", 270, 470, 96), ("ansvarar", 486, 660, 96)),
        mark(1070, "'", 250),
        *line(1070, ("för", 270, 330, 96), ("samordningen.", 346, 620, 96)),
    ]
    words[-2].first = False
    assert texts(ocr._bullets(words)) == ["Kommunen ansvarar", "för samordningen."]


def test_a_letter_the_size_of_a_bullet_is_a_bullet() -> None:
    """'8' or 'e' a quarter of the text height high opening a line is a misread
    bullet; a real one-letter word is as high as the letters."""
    small = mark(1000, "8", 270)
    assert ocr._bullet_like(small)
    (word,) = line(1000, ("8", 270, 290, 90))
    assert not ocr._bullet_like(word)


def test_a_signature_read_as_letters_is_dropped() -> None:
    """A handwritten signature comes back as short 'words' none of which Tesseract is
    sure of; a line of real text read badly keeps a long word, and stays."""
    drawing = line(900, ("FSEE", 1250, 1400, 0), ("SONENS", 1420, 1600, 2), ("KAN", 1620, 1700, 14))
    stamp = line(
        300, ("Diarienummer", 260, 560, 34), ("KS-2023-0915", 600, 900, 0), ("I", 920, 930, 20)
    )
    body = line(1000, ("Mattias", 1259, 1406, 93), ("Rönnkvist", 1424, 1627, 91))
    kept = ocr._drop_mark_lines([*stamp, *drawing, *body])
    assert texts(kept) == ["Diarienummer KS-2023-0915 I", "Mattias Rönnkvist"]


def test_a_short_word_read_unsure_stays_when_shaped_like_a_word() -> None:
    """'öka' read with confidence 22 after a bullet and before a word read surely is a
    word; 'Sa' over a speck (a box of no word's shape) is not."""
    words = [
        mark(1000, "•", 270, 79),
        *line(1000, ("öka", 339, 414, 22), ("närvaron", 431, 629, 96)),
    ]
    words[1].first = False
    assert texts(ocr.without_noise(words)) == ["• öka närvaron"]
    speck = [
        *line(1100, ("Kommunen", 270, 470, 96)),
        OcrWord("Sa", 490, 1110, 560, 1116, 10, SIZE, 0.0, 1135, False),
        *line(1100, ("ansvarar", 580, 760, 96)),
    ]
    speck[-1].first = False
    assert texts(ocr.without_noise(speck)) == ["Kommunen ansvarar"]


def test_an_iso_date_read_with_an_en_dash_is_a_date() -> None:
    """ "Gävle 2020–08-26": a dash read long inside an ISO date still makes the date."""
    from samverkan_extract.dates import find_dates

    (date,) = find_dates("Gävle 2020–08-26")
    assert (date.value, date.precision) == ("2020-08-26", "day")


def test_a_piece_of_a_tables_rule_opening_a_line_is_no_bullet() -> None:
    """A table's left rule read as "." or "|" as tall as the text, apart from the cell's
    text: no list marker (a bullet is a small mark)."""
    from samverkan_extract.readers.ocr_words import marks_apart

    rule = OcrWord(".", 284, 975, 286, 1020, 31, SIZE, 0.0, 1010, True)
    words = [rule, *line(975, ("Uddevalla", 312, 510, 96))]
    words[1].first = False
    marks_apart(words)
    assert words[0].text == "."
    bullet = mark(1100, ":", 270)
    words = [bullet, *line(1100, ("Narkotika", 340, 560, 96))]
    words[1].first = False
    marks_apart(words)
    assert words[0].text == "•"


def test_a_signers_line_on_a_scan_is_no_guessed_heading() -> None:
    """On a scan a one-line paragraph that reads like a title over text is taken for a
    heading; a signer's "name, title, organisation" over the next signer is not."""
    from samverkan_extract.readers.pdf.headings import guess_headings
    from samverkan_extract.readers.pdf.units import Unit

    def paragraph(text: str) -> Unit:
        return Unit("paragraph", [text], 1, (0.0, 0.0, 1.0, 1.0))

    units = [
        paragraph("Per-Olof Sandberg (S), kommunstyrelsens ordförande, Exby kommun"),
        paragraph("Jenny Axelsson, lokalpolisområdeschef, Polismyndigheten"),
        paragraph("Samverkan och uppföljning"),
        paragraph("Rådet följer upp överenskommelsen varje år och redovisar för nämnden."),
    ]
    guess_headings(units, (12.0, False))
    assert [u.kind for u in units] == ["paragraph", "paragraph", "heading", "paragraph"]
