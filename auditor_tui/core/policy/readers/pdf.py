"""PDF: text in reading order, headings from the outline or the type, page furniture dropped.

Read with pypdfium2 (PDFium, the PDF engine of Chromium; see the README for the choice).
``pdf_layout.py`` gives each page's lines with their place and type, ``pdf_text.py`` drops
the running headers, footers, page numbers and menus, marks the headings (from the outline
when the PDF has one, else from font size and weight) and joins the lines into paragraphs.
Every clause knows the page it starts on (``Clause.page``).

An encrypted PDF, one with no text layer (a scan) and a damaged one are refused with one line
saying what to do.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy.assemble import assemble
from auditor_tui.core.policy.model import Policy
from auditor_tui.core.policy.pdf_layout import PageText, page_lines
from auditor_tui.core.policy.pdf_text import drop_furniture, mark_font_headings, mark_outline_headings, units_from_lines
from auditor_tui.core.policy.readers.base import Reader
from auditor_tui.core.policy.readers.topic import WORD, policy_span, policy_words
from auditor_tui.core.policy.segment import segment
from auditor_tui.core.policy.units import Unit

_PDFIUM = threading.Lock()
"""PDFium is not thread-safe; the app reads policies in a worker thread."""

_OCR_HINT = "it needs OCR first, e.g. `ocrmypdf scan.pdf text.pdf`, then open the new file"


def read(data: bytes, path: Path) -> Policy:
    """The reader contract (see ``readers/__init__.py``) for a PDF file's bytes."""
    with _PDFIUM:
        pages, outline, browser = _pages(data, path)
    warnings = _scan_warnings(pages, path)
    drop_furniture(pages)
    lines = [line for page in pages for line in page.lines]
    from_outline = bool(outline) and mark_outline_headings(pages, outline) * 2 >= len(outline)
    if not from_outline:
        for line in lines:
            line.heading = 0
        mark_font_headings(lines)
    units = units_from_lines(lines)
    if browser:
        units = _policy_only(units)
    # Without an outline, a short title-like line standing alone reads as a heading even in
    # body type (a printed web page whose style sheet was lost): the plain-text heuristics
    # find those, ranked below the headings set in larger or bold type.
    blocks = segment(units, heuristics=not from_outline)
    return assemble(blocks, fmt="pdf", path=path, warnings=tuple(warnings))


_BROWSER = re.compile(r"Chrom|Skia/PDF|Mozilla|Firefox|Safari|WebKit", re.I)
"""A PDF's Creator or Producer that says a browser printed it (Chrome and Edge: Skia/PDF and
their user agent; Firefox: its name; Safari: WebKit). Not cairo alone: other tools use it."""


def _policy_only(units: list[Unit]) -> list[Unit]:
    """A web page printed to PDF, less a long run at its start or end that is not about
    personal data (the site's terms of use printed on the same page, a list of articles),
    as for a saved page (``topic.py``)."""
    counts = []
    for unit in units:
        words = [word.lower() for word in WORD.findall(" ".join(unit.lines))]
        counts.append((len(words), policy_words(words)))
    first, last = policy_span(counts)
    return units[first : last + 1] if last >= first else units


def _printed_by_browser(document: pdfium.PdfDocument) -> bool:
    try:
        metadata = document.get_metadata_dict(skip_empty=True)
    except (pdfium.PdfiumError, UnicodeDecodeError):
        return False
    return any(_BROWSER.search(metadata.get(key, "")) for key in ("Creator", "Producer"))


def _pages(data: bytes, path: Path) -> tuple[list[PageText], list[tuple[str, int, int | None]], bool]:
    """Every page's lines, the outline (title, depth, page) and whether a browser printed
    the PDF, or a PolicyError."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise _open_error(error, path) from None
    try:
        outline = _outline(document)
        browser = _printed_by_browser(document)
        pages = []
        for index in range(len(document)):
            try:
                pages.append(page_lines(document, index))
            except pdfium.PdfiumError:
                raise PolicyError(
                    f"damaged PDF: page {index + 1} cannot be read",
                    path=path,
                    hint="re-download the file, or open it in a PDF viewer and save or print it to a new PDF",
                ) from None
    finally:
        document.close()
    if not pages:
        raise PolicyError("the PDF has no pages", path=path, hint="is it the right file?")
    return pages, outline, browser


def _outline(document: pdfium.PdfDocument) -> list[tuple[str, int, int | None]]:
    """The bookmarks as (title, depth, 0-based page); none if the outline cannot be read."""
    try:
        return [
            (bookmark.get_title(), bookmark.level, _page_of(bookmark)) for bookmark in document.get_toc(max_depth=6)
        ]
    except (pdfium.PdfiumError, ValueError, UnicodeDecodeError):
        return []  # a broken outline only costs the headings it would have given


def _page_of(bookmark: pdfium.PdfBookmark) -> int | None:
    dest = bookmark.get_dest()
    if dest is None:
        return None
    index = dest.get_index()
    return index if index is not None and index >= 0 else None


def _open_error(error: pdfium.PdfiumError, path: Path) -> PolicyError:
    if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
        return PolicyError(
            "the PDF is encrypted (it needs a password to open)",
            path=path,
            hint="open it with its password and save or print it to a PDF without one, "
            "e.g. `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`",
        )
    if error.err_code == pdfium_c.FPDF_ERR_SECURITY:
        return PolicyError(
            "the PDF uses an unsupported security handler", path=path, hint="print it to a new PDF and open that"
        )
    return PolicyError(
        "not a readable PDF: the file is damaged or not a PDF",
        path=path,
        hint="re-download it, or open it in a PDF viewer and save or print it to a new PDF",
    )


def _scan_warnings(pages: list[PageText], path: Path) -> list[str]:
    """Refuse a PDF with no text at all; warn about scanned pages among pages with text."""
    empty = [page for page in pages if not page.lines]
    if len(empty) == len(pages):
        if any(page.images for page in pages):
            raise PolicyError("the PDF has no text layer: it looks like a scan", path=path, hint=_OCR_HINT)
        raise PolicyError("the PDF has no text", path=path, hint="is it the right file?")
    scanned = [page.number for page in empty if page.images]
    if not scanned:
        return []
    shown = ", ".join(map(str, scanned[:10])) + (" ..." if len(scanned) > 10 else "")
    return [
        f"{path}: page{'s' if len(scanned) > 1 else ''} {shown} ha{'ve' if len(scanned) > 1 else 's'} "
        f"no text layer (scanned?), so their text is missing: {_OCR_HINT}"
    ]


READER = Reader("pdf", (".pdf",), read, ("application/pdf",))
