"""HTML: block tags delimit units; headings and bold-only blocks are titles.

A saved web page is read for its policy: :func:`~auditor_tui.core.policy.readers.webpage.main_content`
drops the page around the policy (menus, banners, sidebars, footers, hidden elements) and this
reader reads what is left. ``read_whole`` (``--whole-page``) reads the whole page as it is.
Scripts, styles, navigation and other non-text elements are always skipped. Heading heuristics
run only when the page has (almost) no heading tags.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from lxml import etree

from auditor_tui.core.policy.headings import title_style
from auditor_tui.core.policy.model import Block, Policy
from auditor_tui.core.policy.readers.base import Reader, read_text
from auditor_tui.core.policy.readers.webpage import BLOCK_TAGS, main_content
from auditor_tui.core.policy.segment import segment
from auditor_tui.core.policy.units import Gap, Unit, add_heading, add_text, explicit_headings, normalise_line


def read(data: bytes, path: Path) -> Policy:
    """The reader contract (see ``readers/__init__.py``) for an HTML file's bytes: the policy only."""
    return read_text(data, path, "html", blocks_from_html)


def read_whole(data: bytes, path: Path) -> Policy:
    """The whole page, menus and footers included (``--whole-page``)."""
    return read_text(data, path, "html", blocks_from_whole_html)


_HTML_HEADINGS = {"h1": 10, "h2": 20, "h3": 30, "h4": 40, "h5": 50, "h6": 60}
_HTML_SKIPPED = frozenset("script style head noscript template svg nav iframe object canvas select".split())


def blocks_from_html(text: str) -> list[Block]:
    """Decoded HTML to blocks: the page's main content (its policy) only."""
    extraction = main_content(text)
    if extraction is None:
        return blocks_from_whole_html(text)
    units = units_from_tree(extraction.root)
    return segment(units, heuristics=explicit_headings(units) < 2)


def blocks_from_whole_html(text: str) -> list[Block]:
    """Decoded HTML to blocks, the whole page."""
    units = units_from_html(text)
    return segment(units, heuristics=explicit_headings(units) < 2)


class _Parser(HTMLParser):
    """Units from HTML, as the tags are met: block tags end a unit, headings and bold mark titles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[Unit] = []
        self.gap = Gap()
        self.buffer: list[str] = []
        self.heading: int | None = None
        self.skipping = 0
        self.pre = 0
        self.bold = 0
        self.listed = 0
        self.all_bold = True

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer.clear()
        all_bold, self.all_bold = self.all_bold, True
        if self.heading is not None:
            add_heading(self.units, self.gap, text.replace("\n", " "), self.heading)
        elif all_bold and not self.listed and "\n" not in text.strip() and text.strip():
            title = normalise_line(text)
            if title_style(title) is not None:
                add_heading(self.units, self.gap, title, 65)
            else:
                add_text(self.units, self.gap, text)
        else:
            add_text(self.units, self.gap, text, listed=self.listed > 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_SKIPPED:
            if not self.skipping:  # what is left out still parts the text around it
                if tag == "nav":  # a block: the text before it is a paragraph of its own
                    self.flush()
                elif not self.pre:
                    self.buffer.append(" ")
            self.skipping += 1
        elif self.skipping:
            return
        elif tag == "br":
            self.buffer.append("\n")
        elif tag in _HTML_HEADINGS:
            self.flush()
            self.heading = _HTML_HEADINGS[tag]
        elif tag in BLOCK_TAGS:
            self.flush()
            if tag == "li":
                self.listed += 1
            elif tag == "pre":
                self.pre += 1
        elif tag in ("b", "strong"):
            self.bold += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif self.skipping:
            return
        elif tag in _HTML_HEADINGS:
            self.flush()
            self.heading = None
        elif tag in BLOCK_TAGS:
            self.flush()
            if tag == "li":
                self.listed = max(0, self.listed - 1)
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.skipping:
            self.buffer.append("\n")
        elif tag in BLOCK_TAGS and not self.skipping:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if data.strip() and not self.bold:
            self.all_bold = False
        self.buffer.append(data if self.pre else data.replace("\r", " ").replace("\n", " "))


def units_from_tree(root: etree._Element) -> list[Unit]:
    """Units from a parsed page, as :func:`units_from_html` reads the same page's text."""
    reader = _Parser()
    for event, element in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        if event == "start":
            reader.handle_starttag(element.tag, [])
            if element.text:
                reader.handle_data(element.text)
            continue
        if event == "end":
            reader.handle_endtag(element.tag)
        if element.tail:  # after an element's end, a comment or a processing instruction
            reader.handle_data(element.tail)
    reader.heading = None
    reader.flush()
    return reader.units


def units_from_html(text: str) -> list[Unit]:
    """Decoded HTML to units (the markdown reader uses it for raw HTML blocks too)."""
    reader = _Parser()
    reader.feed(text)
    reader.close()
    reader.heading = None
    reader.flush()
    return reader.units


READER = Reader(
    "html", (".html", ".htm"), read, ("text/html", "application/xhtml+xml"), blocks_from_html, read_whole=read_whole
)
