"""Word (.docx): headings from the heading styles, list items with their markers, tables as rows.

Read with python-docx. The body is read in order, content controls included: a paragraph in a
``Title`` or ``Heading 1``..``Heading 9`` style (or a style based on one, or with an outline
level) is a heading of that rank; a list paragraph is a clause with the marker Word shows
(``1.``, ``a)``, ``•``; see ``docx_lists.py``); a table gives one clause per row, its cells
joined by `` | ``. A document without heading styles gets its bold title-like paragraphs as
headings, and failing those the heading heuristics of plain text. Page headers and footers
are not part of the policy and are skipped.

A damaged, encrypted or legacy (.doc) file is refused with one line saying what to do.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy.assemble import assemble
from auditor_tui.core.policy.headings import title_style
from auditor_tui.core.policy.model import Policy
from auditor_tui.core.policy.readers.base import Reader
from auditor_tui.core.policy.segment import segment
from auditor_tui.core.policy.units import Gap, Unit, explicit_headings, normalise_line

_MAX_XML_BYTES = 200 * 1024 * 1024
"""The document's XML, uncompressed, above which it is refused (a zip bomb, not a policy)."""
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: a .doc, or an encrypted .docx
_HEADING_STYLE = re.compile(r"heading\s*(\d)", re.I)
_RESAVE = "re-download it, or open it in Word or LibreOffice and save it again as .docx"


def read(data: bytes, path: Path) -> Policy:
    """The reader contract (see ``readers/__init__.py``) for a .docx file's bytes."""
    document = _open(data, path)
    try:
        units = _units(document)
    except (KeyError, ValueError, AttributeError, TypeError) as error:
        raise PolicyError(f"damaged .docx: {_reason(error)}", path=path, hint=_RESAVE) from None
    blocks = segment(units, heuristics=explicit_headings(units) < 2)
    return assemble(blocks, fmt="docx", path=path, warnings=())


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:120]


def _open(data: bytes, path: Path) -> Any:
    """The python-docx Document, or one clear PolicyError."""
    if data.startswith(_CFB):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise PolicyError(
                "the .docx is encrypted (it needs a password to open)",
                path=path,
                hint="open it in Word with its password and save a copy without one",
            )
        raise PolicyError(
            "this is an old Word 97-2003 .doc file, not .docx",
            path=path,
            hint="open it in Word or LibreOffice and save it as .docx",
        )
    if not data.startswith(b"PK"):
        raise PolicyError("not a .docx file (a .docx is a zip package)", path=path, hint="is it the right file?")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = {info.filename: info for info in package.infolist()}
            if "word/document.xml" not in names:
                raise PolicyError("not a Word document (no word/document.xml)", path=path, hint="give a .docx file")
            if sum(info.file_size for name, info in names.items() if name.endswith(".xml")) > _MAX_XML_BYTES:
                raise PolicyError("the .docx is too large once unpacked", path=path, hint="give only the policy")
            package.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise PolicyError(f"damaged .docx: {_reason(error)}", path=path, hint=_RESAVE) from None
    from docx import Document  # imported when a .docx is read: it pulls in lxml
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return Document(io.BytesIO(data))
    except PackageNotFoundError:
        raise PolicyError("damaged .docx: not a Word package", path=path, hint=_RESAVE) from None
    except Exception as error:  # lxml's XMLSyntaxError, KeyError for a missing part, ...
        raise PolicyError(f"damaged .docx: {_reason(error)}", path=path, hint=_RESAVE) from None


# --------------------------------------------------------------------------- the body


def _blocks(parent: Any, element: Any) -> Iterator[Any]:
    """The paragraphs and tables of the body in order, inside content controls too."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(parent, content)
        elif child.tag == qn("w:customXml"):
            yield from _blocks(parent, child)


def _units(document: Any) -> list[Unit]:
    from docx.table import Table

    from auditor_tui.core.policy.docx_lists import Numbering

    numbering = Numbering(document)
    styles = _Styles(document)
    units: list[Unit] = []
    gap = Gap()
    body = document.element.body
    for block in _blocks(document, body):
        if isinstance(block, Table):
            _table(units, gap, block)
        else:
            _paragraph(units, gap, block, styles.of(block._p), numbering)
    return units


def _paragraph(units: list[Unit], gap: Gap, paragraph: Any, style: _Style, numbering: Any) -> None:
    lines = [line for line in (normalise_line(part) for part in _text(paragraph._p).split("\n")) if line]
    if not lines:
        return
    outline = _outline_level(paragraph._p)
    level = 10 * (outline + 1) if outline is not None else style.heading
    if level is not None:
        units.append(Unit([" ".join(lines)], gap.take(), "heading", level, explicit=True))
        return
    listed = _numbers(paragraph._p) or style.numbers
    if listed is not None and listed[0] != "0":  # numId 0 switches numbering off
        marker = numbering.marker(*listed)
        if marker:
            lines[0] = f"{marker} {lines[0]}"
        units.append(Unit(lines, gap.take(), "clause", explicit=True))
        return
    if len(lines) == 1 and _all_bold(paragraph, style.bold) and title_style(lines[0]) is not None:
        units.append(Unit(lines, gap.take(), "heading", 65, explicit=True))
        return
    units.append(Unit(lines, gap.take()))


_SKIPPED = frozenset(
    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag for tag in ("del", "moveFrom", "pPr", "rPr")
) | {"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHARACTERS = {_W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


def _text(element: Any) -> str:
    """A paragraph's text as Word shows it: runs, links, fields and tracked insertions, not
    deletions; a text box's own paragraphs once (not again in the fallback copy)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node.iterchildren():
            tag = child.tag
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in _CHARACTERS:
                parts.append(_CHARACTERS[tag])
            elif tag == _W + "p" and parts:
                parts.append("\n")  # a paragraph of a text box inside this one
                walk(child)
            elif tag not in _SKIPPED:
                walk(child)

    walk(element)
    return "".join(parts)


def _table(units: list[Unit], gap: Gap, table: Any) -> None:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                continue
            seen.add(id(cell._tc))
            text = " ".join(line for line in (normalise_line(part) for part in _text(cell._tc).split("\n")) if line)
            if text:
                cells.append(text)
        if cells:
            units.append(Unit([" | ".join(cells)], gap.take(), "clause", explicit=True))


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True, slots=True)
class _Style:
    """What a paragraph style (with the styles it is based on) says about its paragraphs."""

    heading: int | None = None
    """10 x the heading depth (5 for Title), None for a body style."""
    numbers: tuple[str, int] | None = None
    """(numId, level) when the style numbers its paragraphs."""
    bold: bool = False


class _Styles:
    """Each paragraph style worked out once (python-docx looks styles up slowly)."""

    def __init__(self, document: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self.by_id: dict[str, Any] = {}
        self.default: Any = None
        for style in document.styles:
            if style.type == WD_STYLE_TYPE.PARAGRAPH:
                self.by_id[style.style_id] = style
                if style.element.default and self.default is None:
                    self.default = style
        self.cache: dict[str | None, _Style] = {}

    def of(self, element: Any) -> _Style:
        from docx.oxml.ns import qn

        properties = element.find(qn("w:pPr"))
        found = properties.find(qn("w:pStyle")) if properties is not None else None
        style_id = found.get(qn("w:val")) if found is not None else None
        if style_id not in self.cache:
            self.cache[style_id] = self._work_out(self.by_id.get(style_id or "", self.default))
        return self.cache[style_id]

    @staticmethod
    def _work_out(style: Any) -> _Style:
        heading: int | None = None
        numbers: tuple[str, int] | None = None
        bold = False
        bullet = False
        for _ in range(10):  # the style and those it is based on
            if style is None:
                break
            name = (style.name or "").strip()
            match = _HEADING_STYLE.fullmatch(name)
            outline = _outline_level(style.element)
            if heading is None and name.lower() == "title":
                heading = 5
            elif heading is None and match and match.group(1) != "0":
                heading = 10 * int(match.group(1))
            elif heading is None and outline is not None:
                heading = 10 * (outline + 1)
            numbers = numbers or _numbers(style.element)
            bold = bold or bool(style.font is not None and style.font.bold)
            bullet = bullet or "list bullet" in name.lower()
            style = style.base_style
        if numbers is None and bullet:
            numbers = ("", 0)  # a "List Bullet" style with no numbering definition: a plain bullet
        return _Style(heading, numbers, bold)


def _outline_level(element: Any) -> int | None:
    from docx.oxml.ns import qn

    properties = element.find(qn("w:pPr")) if element is not None else None
    found = properties.find(qn("w:outlineLvl")) if properties is not None else None
    value = found.get(qn("w:val")) if found is not None else None
    return int(value) if value is not None and value.isdigit() and int(value) < 9 else None


def _numbers(element: Any) -> tuple[str, int] | None:
    """(numId, level) from an element's own numbering properties, if it has them."""
    from docx.oxml.ns import qn

    properties = element.find(qn("w:pPr"))
    numbers = properties.find(qn("w:numPr")) if properties is not None else None
    if numbers is None:
        return None
    num_id = numbers.find(qn("w:numId"))
    level = numbers.find(qn("w:ilvl"))
    value = num_id.get(qn("w:val")) if num_id is not None else None
    if value is None:
        return None
    depth = level.get(qn("w:val")) if level is not None else "0"
    return value, int(depth) if depth and depth.isdigit() else 0


def _all_bold(paragraph: Any, style_bold: bool) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold or (run.bold is None and style_bold) for run in runs)


READER = Reader("docx", (".docx",), read, ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",))
