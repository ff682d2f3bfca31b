"""Markdown (CommonMark): headings, lists and code blocks as the markup states them.

Bold-only paragraphs, a bold line over a body paragraph and a lone numbered item over a
paragraph are read as headings too; heading heuristics run only when the markup has (almost)
no headings. Raw HTML blocks go through the HTML reader.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from auditor_tui.core.policy.headings import title_style
from auditor_tui.core.policy.model import Block, Policy
from auditor_tui.core.policy.readers.base import Reader, read_text
from auditor_tui.core.policy.segment import segment
from auditor_tui.core.policy.units import (
    Gap,
    Unit,
    add_heading,
    add_text,
    add_verbatim,
    explicit_headings,
    normalise_line,
)

if TYPE_CHECKING:  # markdown-it is imported when a Markdown file is read
    from markdown_it.token import Token


def read(data: bytes, path: Path) -> Policy:
    """The reader contract (see ``readers/__init__.py``) for a markdown file's bytes."""
    return read_text(data, path, "markdown", blocks_from_markdown)


def blocks_from_markdown(text: str) -> list[Block]:
    """Decoded markdown to blocks."""
    units = units_from_markdown(text)
    # The markup's own headings are the structure; guess more only when it has (almost) none.
    return segment(units, heuristics=explicit_headings(units) < 2)


def units_from_markdown(text: str) -> list[Unit]:
    """Decoded markdown to units, from markdown-it's token stream."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    units: list[Unit] = []
    gap = Gap()
    heading: int | None = None
    lists = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            heading = int(token.tag[1:])
        elif kind == "heading_close":
            heading = None
        elif kind == "ordered_list_open" and (found := _numbered_list_heading(tokens, index)):
            title, index = found
            add_heading(units, gap, title, 20)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif kind == "inline":
            children = token.children or []
            if heading is not None:
                add_heading(units, gap, _inline_text(children).replace("\n", " "), heading * 10)
            elif not lists and _is_bold_only(children):
                add_heading(units, gap, _inline_text(children).replace("\n", " "), 65)
            else:
                split = None if lists else _bold_lead(children)
                if split:
                    add_heading(units, gap, split[0], 65)
                    children = split[1]
                add_text(units, gap, _inline_text(children), listed=lists > 0)
        elif kind in ("code_block", "fence"):
            add_verbatim(units, gap, token.content)
        elif kind == "html_block":
            from auditor_tui.core.policy.readers.html import units_from_html  # lxml: only for HTML

            for unit in units_from_html(token.content):
                if unit.gap == "start":
                    unit.gap = gap.take()
                units.append(unit)
        index += 1
    return units


def _numbered_list_heading(tokens: list[Token], index: int) -> tuple[str, int] | None:
    """``1. Collection of information`` alone in a list, followed by a paragraph: a heading.

    Returns the title (number included) and the index of the list's closing token.
    """
    expected = ["ordered_list_open", "list_item_open", "paragraph_open", "inline", "paragraph_close"]
    expected += ["list_item_close", "ordered_list_close"]
    window = tokens[index : index + 8]
    if [t.type for t in window[:7]] != expected or len(window) < 8 or window[7].type != "paragraph_open":
        return None
    item, inline = window[1], window[3]
    text = _inline_text(inline.children or [])
    if "\n" in text or not item.info.isdigit():
        return None
    title = f"{item.info}{item.markup} {normalise_line(text)}"
    style = title_style(title)
    if style is None or not style.depth or (style.case == "sentence" and style.end):
        return None
    return title, index + 6


_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "html_inline":
            if _BREAK_TAG.fullmatch(child.content.strip()):
                parts.append("\n")
        elif child.type == "softbreak" or child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _is_bold_only(children: list[Token]) -> bool:
    meaningful = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if not (
        len(meaningful) >= 3
        and meaningful[0].type == "strong_open"
        and meaningful[-1].type == "strong_close"
        and all(c.type not in ("strong_open", "strong_close", "softbreak", "hardbreak") for c in meaningful[1:-1])
    ):
        return False
    return title_style(normalise_line(_inline_text(meaningful))) is not None


def _bold_lead(children: list[Token]) -> tuple[str, list[Token]] | None:
    """``**Your Rights**`` then a line break then a body paragraph: the bold line is a heading."""
    if len(children) < 5 or children[0].type != "strong_open":
        return None
    for k, child in enumerate(children):  # noqa: B007 (k is used after the loop)
        if child.type == "strong_close":
            break
    else:
        return None
    if k + 1 >= len(children) or children[k + 1].type not in ("softbreak", "hardbreak"):
        return None
    title = normalise_line(_inline_text(children[1:k]))
    style = title_style(title) if title and "\n" not in _inline_text(children[1:k]) else None
    rest = children[k + 2 :]
    first_line = normalise_line(_inline_text(rest).split("\n", 1)[0])
    if style is None or not style.strong or not (len(first_line) >= 60 or first_line.endswith(":")):
        return None
    return title, rest


READER = Reader("markdown", (".md", ".markdown"), read, ("text/markdown", "text/x-markdown"), blocks_from_markdown)
