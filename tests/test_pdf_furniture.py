"""PDF: a browser's own header and footer, drawn in pieces, are dropped on every page; lines
drawn in word pieces are joined (the way headless Chromium prints a saved web page)."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen import canvas

from auditor_tui.core.policy import load_policy
from tests.test_pdf import BODY, lines, make_pdf

BODY_TEXT = [
    ["We collect your name and your e-mail address when", "you sign up for the newsletter we send."],
    ["We use your e-mail address only to send you the", "newsletter that you asked us for."],
    ["You can unsubscribe at any time with the link at", "the end of every newsletter we send."],
]


def pieces(pdf: canvas.Canvas, x: float, y: float, words: list[str], *, size: float, space: float) -> None:
    """Draw *words* one by one, *space* ems apart, as a browser draws glyph runs."""
    pdf.setFont(BODY, size)
    for word in words:
        pdf.drawString(x, y, word)
        x += pdf.stringWidth(word, BODY, size) + space * size


def browser_page(pdf: canvas.Canvas, number: int) -> None:
    """A printed page: Chrome's header (date, title) and footer (URL, n/N), drawn in pieces;
    on the first page the pieces are cut elsewhere and a letter of the URL strays up top."""
    first = number == 1
    pieces(pdf, 24, 770, ["12/2/26,", "1:41", "AM"] if first else ["12/2/26, 1:41 AM"], size=8, space=0.4)
    pieces(pdf, 300, 770, ["Privacy", "Policy", "Page"], size=8, space=0.4)
    if first:
        pieces(pdf, 420, 770, ["f"], size=8, space=0)
    pieces(pdf, 24, 18, ["ile:///site/privacy.html" if first else "file:///site/privacy.html"], size=8, space=0)
    pieces(pdf, 570, 18, [f"{number}/3"], size=8, space=0)
    y = 700.0
    for line in BODY_TEXT[number - 1]:
        pieces(pdf, 72, y, line.split(), size=10, space=0.45)  # a justified line's wider spaces
        y -= 12.5


def test_a_browsers_header_and_footer_are_dropped_however_they_were_cut(tmp_path: Path) -> None:
    policy = load_policy(make_pdf(tmp_path / "printed.pdf", [browser_page] * 3))
    assert [clause.text for clause in policy.clauses] == [" ".join(lines) for lines in BODY_TEXT]
    for furniture in ("12/2/26", "Privacy Policy Page", "privacy.html", "1/3"):
        assert furniture not in policy.text
    assert not {"f", "AM", "Page", "1:41"} & set(policy.text.split())


def test_a_row_seen_once_is_kept_even_in_the_margin(tmp_path: Path) -> None:
    def page(pdf: canvas.Canvas, number: int) -> None:
        browser_page(pdf, number)
        if number == 2:
            pieces(pdf, 72, 40, ["Contact:", "privacy@example.com"], size=10, space=0.3)

    policy = load_policy(make_pdf(tmp_path / "printed.pdf", [page] * 3))
    assert "Contact: privacy@example.com" in policy.text


TERMS = (
    "These terms of use govern your visit to the shop. You may not copy, resell or frame any part "
    "of the site, its pictures or its prices without our written leave, and you agree to settle any "
    "quarrel with us in the courts of our home town. We may change these terms at any time. "
)
POLICY_TEXT = (
    "We collect your personal information when you order, and we share it with third parties that "
    "deliver your orders. You may ask us to access or delete your personal data at any time; we keep "
    "cookies for analytics only with your consent. "
)


def _wrapped(text: str, width: int = 80) -> list[str]:
    out, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*out, line]


def _terms_then_policy(creator: str):
    def draw(pdf: canvas.Canvas, number: int) -> None:
        pdf.setCreator(creator)
        _draw_terms_then_policy(pdf, number)

    return draw


def _draw_terms_then_policy(pdf: canvas.Canvas, number: int) -> None:
    if number == 1:
        lines(pdf, ["Terms of use"], size=14)
        lines(pdf, _wrapped(TERMS * 4), y=680)
    else:
        lines(pdf, ["Privacy policy"], size=14)
        lines(pdf, _wrapped(POLICY_TEXT * 3), y=680)


def test_a_browser_print_drops_the_terms_of_use_printed_before_the_policy(tmp_path: Path) -> None:
    printed = make_pdf(tmp_path / "printed.pdf", [_terms_then_policy("HeadlessChrome/120")] * 2)
    policy = load_policy(printed)
    assert "terms of use govern" not in policy.text and "Terms of use" not in policy.text
    assert "We collect your personal information" in policy.text
    assert [section.title for section in policy.sections] == ["Privacy policy"]


def test_a_pdf_not_printed_by_a_browser_keeps_everything(tmp_path: Path) -> None:
    document = make_pdf(tmp_path / "document.pdf", [_terms_then_policy("Writer")] * 2)
    policy = load_policy(document)
    assert "terms of use govern" in policy.text and "We collect your personal information" in policy.text
