"""Reading a policy: a document split into sections and clauses.

A policy file (plain text, markdown or HTML) is decoded, normalised and split into *blocks*:
section headings and clauses. The blocks are joined with blank lines into the **normalised
text**; every heading and clause records its character offsets into it, and the document's
fingerprint is the SHA-256 of that text. Clause ids (``c1``, ``c2``, ...) follow document
order, so the same normalised text always gives the same ids.

Reading is in four stages, each a plain function:

1. :func:`read_policy_file` checks and decodes the bytes (size limit, binary files, UTF-8 with
   or without BOM, UTF-16 with BOM, cp1252 fall-back with a warning);
2. a reader per format (``_units_from_text``, ``_units_from_markdown``, ``_units_from_html``)
   turns the text into *units*: runs of normalised lines, plus the headings the markup states;
3. :func:`_segment` decides what the undecided units are, by the layout a human reader uses
   (see "Segmenting" below): headings, list items, table rows, addresses, paragraphs;
4. :func:`_assemble` builds the :class:`Policy` from the resulting blocks.

No text is dropped except markup (markdown syntax, HTML tags, scripts and styles) and white
space: every other character of a plain-text policy is in some heading or clause.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.files import why_missing
from auditor_tui.core.text import sha256_text

MAX_POLICY_BYTES = 20 * 1024 * 1024
"""Policies larger than this (20 MiB) are refused before they are read whole."""

FORMATS = ("text", "markdown", "html")
_SUFFIX_FORMAT = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of the policy and the part of the document under it."""

    id: str
    """``s1``, ``s2``, ... in document order."""
    title: str
    level: int
    """1 for a top-level heading; deeper headings have larger numbers."""
    path: tuple[str, ...]
    """Titles from the top-level section down to this one."""
    start: int
    end: int
    """Offsets of the heading's title in the normalised text."""

    @property
    def label(self) -> str:
        """The path as one line: ``Your Rights › Right 1``."""
        return " › ".join(self.path)


@dataclass(frozen=True, slots=True)
class Clause:
    """A paragraph or list item: the unit an auditor tags as evidence."""

    id: str
    """``c1``, ``c2``, ... in document order."""
    index: int
    text: str
    start: int
    end: int
    """Offsets into the normalised text: ``policy.text[start:end] == text``."""
    section: Section | None

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)

    @property
    def section_label(self) -> str:
        """The clause's section path as one line ("" before the first heading)."""
        return self.section.label if self.section else ""


@dataclass(frozen=True, slots=True)
class Block:
    """One unit produced by a format reader, before offsets are known."""

    kind: str  # "heading" or "clause"
    text: str
    level: int = 1


@dataclass(frozen=True)
class Policy:
    """A policy document as the auditor sees it."""

    text: str
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...]
    format: str = "text"
    path: Path | None = None
    warnings: tuple[str, ...] = ()
    _by_id: dict[str, Clause] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((clause.id, clause) for clause in self.clauses)

    @cached_property
    def sha256(self) -> str:
        """Fingerprint: SHA-256 of the normalised text."""
        return sha256_text(self.text)

    @property
    def name(self) -> str:
        return self.path.name if self.path else "(policy)"

    def clause(self, clause_id: str) -> Clause | None:
        """The clause with this id, or None."""
        return self._by_id.get(clause_id)

    def clauses_in(self, section: Section) -> list[Clause]:
        """The clauses directly or indirectly under *section*."""
        return [c for c in self.clauses if c.section and c.section.path[: len(section.path)] == section.path]


# --------------------------------------------------------------------------- reading bytes


def detect_format(path: Path, text: str | None = None) -> str:
    """The reader for *path*: by suffix, and for ``.txt`` by a look at the text.

    Plain-text files exported from web pages are often markdown (``# Title``, ``**bold**``,
    ``1\\.``); those are read as markdown so that their structure is kept.
    """
    fmt = _SUFFIX_FORMAT.get(path.suffix.lower(), "text")
    if fmt == "text" and text is not None and _looks_like_markdown(text):
        return "markdown"
    return fmt


_MARKDOWN_HINTS = re.compile(r"^\s{0,3}(?:\d+\.\s+)?#{1,6}\s+\S|^\s*\*\*[^*\n]+\*\*\s*$|\d\\\.", re.M)


def _looks_like_markdown(text: str) -> bool:
    return len(_MARKDOWN_HINTS.findall(text[:200_000])) >= 2


def read_policy_file(path: str | Path) -> tuple[str, list[str]]:
    """Check and decode a policy file. Returns the text and any warnings.

    Raises :class:`PolicyError` for a missing file, a directory, a file over
    :data:`MAX_POLICY_BYTES`, a binary file, or an empty one.
    """
    path = Path(path)
    if not path.exists():
        raise PolicyError(why_missing(path), path=path, hint="check the path")
    if path.is_dir():
        raise PolicyError("is a directory, not a policy file", path=path, hint="give a .txt, .md or .html file")
    try:
        size = path.stat().st_size
        if size > MAX_POLICY_BYTES:
            raise PolicyError(
                f"policy is {_size(size)}, over the {_size(MAX_POLICY_BYTES)} limit",
                path=path,
                hint="split the document or give only the privacy policy",
            )
        if not path.is_file():
            raise PolicyError("is not a regular file", path=path, hint="give a .txt, .md or .html file")
        with path.open("rb") as handle:
            # Ask for what stat() promised (plus one byte, to see growth) rather than 20 MiB.
            data = handle.read(size + 1)
            if len(data) > size:  # it grew since stat(), or its size was not known (0)
                data += handle.read(MAX_POLICY_BYTES + 1 - len(data))
        if len(data) > MAX_POLICY_BYTES:  # the file grew, or its size was not known in advance
            raise PolicyError(
                f"policy is over the {_size(MAX_POLICY_BYTES)} limit",
                path=path,
                hint="split the document or give only the privacy policy",
            )
    except PolicyError:
        raise
    except OSError as error:
        raise PolicyError(f"cannot read file: {error.strerror or error}", path=path) from None
    return decode_policy_bytes(data, path)


def decode_policy_bytes(data: bytes, path: str | Path = "(policy)") -> tuple[str, list[str]]:
    """Decode policy bytes: UTF-8 (BOM allowed), UTF-16 with BOM, else cp1252 with a warning."""
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise PolicyError("invalid UTF-16 text", path=path, hint="re-save the file as UTF-8") from None
    else:
        if b"\x00" in data[:65536] or _is_image(data):
            raise PolicyError("looks like a binary file, not text", path=path, hint="give a .txt, .md or .html policy")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise PolicyError(
                    f"not valid UTF-8 (byte {error.start}) nor Windows-1252 text",
                    path=path,
                    hint="re-save the file as UTF-8",
                ) from None
            warnings.append(
                f"{path}: not valid UTF-8 (first bad byte at offset {error.start}); read as Windows-1252 - "
                "check quotes and accented letters"
            )
    if "\x00" in text:
        raise PolicyError("contains NUL characters: looks like a binary file", path=path, hint="give a text policy")
    if not text.strip():
        raise PolicyError("the policy is empty", path=path, hint="give a file with the policy's text")
    if _mostly_control(text):
        raise PolicyError(
            "looks like a binary file, not text (many control characters)", path=path, hint="give a text policy"
        )
    return text, warnings


def _size(size: int) -> str:
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size} bytes"


def _is_image(data: bytes) -> bool:
    return data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF"))


_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _mostly_control(text: str) -> bool:
    """More than 5% control characters (tabs, newlines and ESC aside) in the first 64 KiB."""
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 20)


def load_policy(path: str | Path) -> Policy:
    """Read, normalise and segment the policy at *path*."""
    path = Path(path)
    text, warnings = read_policy_file(path)
    fmt = detect_format(path, text)
    policy = parse_policy(text, fmt, path=path, warnings=warnings)
    if not policy.clauses:
        raise PolicyError("no text found in the policy", path=path, hint="is it the right file?")
    return policy


def parse_policy(
    text: str, fmt: str = "text", *, path: str | Path | None = None, warnings: list[str] | tuple[str, ...] = ()
) -> Policy:
    """Segment already-decoded *text* of format *fmt* (``text``, ``markdown`` or ``html``)."""
    if fmt not in FORMATS:
        raise PolicyError(f"unknown policy format {fmt!r}", path=path, hint=f"use one of {', '.join(FORMATS)}")
    reader = {"text": _blocks_from_text, "markdown": _blocks_from_markdown, "html": _blocks_from_html}[fmt]
    blocks = reader(_nfc(_SURROGATES.sub("\ufffd", text)))
    return _assemble(blocks, fmt=fmt, path=Path(path) if path is not None else None, warnings=tuple(warnings))


# --------------------------------------------------------------------------- normalising

# Unicode spaces (NBSP, thin space, ideographic space, ...) become plain spaces.
_SPACES = re.compile(r"[^\S\n]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def normalise_line(line: str) -> str:
    """One line with every run of white space (NBSP included) as one space, trimmed."""
    return _SPACES.sub(" ", line).strip()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_LONG_PARAGRAPH = 1200
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


def _split_long(text: str) -> list[str]:
    """Split a very long paragraph into pieces of a readable size.

    Cut at sentence ends where there are any; a piece still far too long (a run-on list, a
    line of URLs, 100,000 characters without a full stop) is cut at its last ``;``, ``,`` or
    ``:``, else at a space, else anywhere. The pieces are slices of *text*: only the white
    space at a cut is lost.
    """
    if len(text) <= _LONG_PARAGRAPH:
        return [text]
    pieces: list[str] = []
    for piece in _split_at_sentences(text):
        pieces.extend(_split_anywhere(piece) if len(piece) > _TOO_LONG else [piece])
    return pieces


_TOO_LONG = 2 * _LONG_PARAGRAPH


def _split_at_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    best: tuple[int, int] | None = None  # the last sentence end seen since *start*
    for match in _SENTENCE_END.finditer(text):
        if match.start() - start > _LONG_PARAGRAPH and best is not None:
            pieces.append(text[start : best[0]])
            start, best = best[1], None
        if match.start() > start:
            best = (match.start(), match.end())
    if len(text) - start > _LONG_PARAGRAPH and best is not None:
        pieces.append(text[start : best[0]])
        start = best[1]
    pieces.append(text[start:])
    return pieces


def _split_anywhere(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    while len(text) - start > _LONG_PARAGRAPH:
        window = text[start : start + _LONG_PARAGRAPH]
        half = _LONG_PARAGRAPH // 2
        mark = max(window.rfind("; "), window.rfind(", "), window.rfind(": "))
        space = window.rfind(" ")
        if mark > half:
            end = start + mark + 1  # keep the mark with the piece before it
        elif space > half:
            end = start + space
        else:
            end = start + _LONG_PARAGRAPH
        pieces.append(text[start:end])
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


# --------------------------------------------------------------------------- units
#
# Every reader turns its format into a list of units. A unit is one or more normalised lines
# that will become one heading or one clause. The markup decides some units (a markdown or
# HTML heading, a list item, a code block); the others are left for :func:`_segment`.


@dataclass(slots=True)
class _Unit:
    lines: list[str]
    gap: str = "none"
    """What separates the unit from the one before: start, none, blank (an empty line or a
    new markup block) or filler (a line of only NBSP-like spaces, used as a section break)."""
    role: str = ""
    """"" while undecided, then "heading" or "clause"."""
    level: int = 0
    """Heading rank: smaller is higher. Only the order matters; see :func:`_levels`."""
    explicit: bool = False
    """Decided by the markup, not by the heuristics."""
    label: bool = False
    """A table row "Right 1" joined with its description."""

    @property
    def single(self) -> bool:
        return len(self.lines) == 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# A line that starts a list item: a bullet, "1.", "2.1", "a)", "(iv)".
_LIST_MARKER = re.compile(
    r"(?:[•·▪▫‣◦●○■□◆◇►▸➢✓✔]\s*|[-*+–—]\s+|\d{1,3}(?:\.\d{1,3})*[.)]\s+|\d{1,3}(?:\.\d{1,3})+\s+"
    r"|[A-Za-z][.)]\s+|\((?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,6})\)\s+)"
)


def _group_units(lines: list[str], gap: str) -> list[_Unit]:
    """Units from a run of non-empty lines with no blank line between them.

    A line continues the unit before it when the run is hard-wrapped prose, or when the line
    before is long, open (no end punctuation) and this line starts in lower case. Otherwise,
    as in files with one paragraph per line, every line is a unit of its own. A line starting
    with a list marker always starts a unit.
    """
    wrapped_from = _wrapped_from(lines)
    # Lines longer than any wrapping width: the text has one paragraph per line.
    per_line = max(map(len, lines)) > 120
    units: list[_Unit] = []
    for index, line in enumerate(lines):
        wrapped = wrapped_from is not None and index > wrapped_from
        if units and not per_line and _continues(units[-1].lines[-1], line, wrapped):
            units[-1].lines.append(line)
        else:
            units.append(_Unit([line], gap if not units else "none"))
    return units


def _wrapped_from(lines: list[str]) -> int | None:
    """If *lines* are hard-wrapped prose (from line 0, or 1 after a short title), that index."""
    if len(lines) < 2:
        return None
    start = 1 if len(lines) > 2 and len(lines[0]) < 0.6 * max(map(len, lines[1:])) else 0
    body = lines[start:]
    inner = body[:-1]
    width = max(map(len, body))
    if not inner or not 40 <= width <= 100 or any(len(line) < 0.6 * width for line in inner):
        return None
    open_ends = sum(1 for line in inner if line[-1] not in ".!?:;")
    return start if open_ends * 2 >= len(inner) else None


def _continues(previous: str, line: str, wrapped: bool) -> bool:
    if _LIST_MARKER.match(line):
        return False
    if wrapped:
        return True
    if _LIST_ITEM_END.search(previous):
        return False
    return len(previous) >= 40 and previous[-1] not in ".!?:;" and line[0].islower()


_LIST_ITEM_END = re.compile(r"[;,]\s*(?:and|or|and/or)$")


# --------------------------------------------------------------------------- title-like lines

_SMALL_WORDS = frozenset("a an and as at but by for from in into nor of on or per the to via vs with".split())
_OPEN_ENDINGS = _SMALL_WORDS | frozenset("including that which such your our its their".split())
_AUXILIARIES = frozenset(
    "is are was were be been being am will would shall should can could may might must has have had do does did"
    " isn't aren't wasn't weren't won't wouldn't can't cannot couldn't don't doesn't didn't hasn't haven't"
    " shouldn't".split()
)
_WH_WORDS = frozenset("how what why when where who whom whose which".split())
_PRONOUNS = frozenset("we i you they it he she there".split())
_NUMBERED = re.compile(r"(\d{1,3}(?:\.\d{1,3})*)[.)]?\s+(\S.*)")
_TWO_SENTENCES = re.compile(r"[.!?]\s+[A-Z]")
_WORD_STRIP = "\"'“”‘’()[]{}<>.,;:!?*_"


@dataclass(frozen=True, slots=True)
class _Title:
    """How a short line looks as a heading."""

    case: str  # "caps", "title" (Title Case) or "sentence"
    end: str  # "", ".", "!" or "?"
    depth: int  # 1 for "1. ...", 2 for "1.2 ...", 0 if not numbered

    @property
    def strong(self) -> bool:
        """Looks like a heading on its own; a sentence-case title needs structural support."""
        return self.case != "sentence" or self.end == "?" or self.depth > 0

    @property
    def rank(self) -> int:
        if self.depth:
            return 20 + 10 * self.depth
        if self.case == "caps":
            return 20
        if self.end in (".", "!"):
            return 40
        if self.end == "?" or self.case == "title":
            return 30
        return 40


def _title_style(line: str) -> _Title | None:
    """How *line* looks as a heading, or None if it cannot be one (too long, a sentence, ...)."""
    core = line.strip("*_ ")
    if not core or len(core) > 100:
        return None
    tokens = core.split()
    if len(tokens) > 14 or core[-1] in ",;:-–—/(&" or tokens[-1].lower() in _OPEN_ENDINGS:
        return None
    if "://" in core or "www." in core or "@" in core:
        return None
    depth, rest = 0, core
    numbered = _NUMBERED.fullmatch(core)
    if numbered:
        depth, rest = numbered.group(1).count(".") + 1, numbered.group(2)
    elif _LIST_MARKER.match(core):
        return None
    first = rest[0]
    if not (first.isupper() or (first.isalpha() and not first.islower())):
        return None
    if _TWO_SENTENCES.search(rest):
        return None
    words = [w for w in (t.strip(_WORD_STRIP) for t in rest.split()) if w and w[0].isalpha()]
    if not words:
        return None
    lower = [w.lower().replace("’", "'") for w in words]
    letters = [c for c in rest if c.isalpha()]
    end = core[-1] if core[-1] in ".!?" else ""
    significant = [w for i, w in enumerate(words) if i == 0 or lower[i] not in _SMALL_WORDS]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        case = "caps"
    elif sum(1 for w in significant if w[0].isupper()) >= 0.75 * len(significant):
        case = "title"
    else:
        case = "sentence"
    if case == "sentence" or depth:
        # "Remote access support is optional." is a sentence; "How long we keep your
        # information." and "Information you give us." are titles.
        if lower[0] in _PRONOUNS or (lower[0] not in _WH_WORDS and any(w in _AUXILIARIES for w in lower)):
            return None
    if case == "sentence" and not depth and (len(core) > 70 or len(tokens) > 8):
        return None
    return _Title(case, end, depth)


# --------------------------------------------------------------------------- segmenting


def _segment(units: list[_Unit], *, heuristics: bool) -> list[Block]:
    """Decide the undecided units and return the blocks.

    In order: table rows ("Right 1" + its description) and their header; addresses (a run of
    short lines ending in a postcode, or with commas); then, if *heuristics*, headings among
    the short title-like lines. Everything left is a clause.
    """
    units = _join_table_rows(units)
    units = _join_addresses(units, heuristics=heuristics)
    if heuristics:
        _find_headings(units)
    _levels(units)
    blocks: list[Block] = []
    for unit in units:
        if unit.role == "heading":
            blocks.append(Block("heading", " ".join(unit.lines), unit.level))
        else:
            blocks.extend(Block("clause", piece) for piece in _split_long(unit.text))
    return blocks


def _undecided_line(unit: _Unit) -> str | None:
    return unit.lines[0] if unit.role == "" and len(unit.lines) == 1 else None


_ROW_LABEL = re.compile(r"([A-Z][A-Za-z]{1,20})\s+(\d{1,3}|[A-Z]|[IVX]{1,6})[.:)]?")


def _join_table_rows(units: list[_Unit]) -> list[_Unit]:
    """Join a row label ("Right 1", "Step 2") with the description after it, as one clause.

    A label counts only when its word labels two or more rows. The title-like lines right above
    the first row (a table header such as "NUMBER" / "DESCRIPTION OF RIGHT") become one clause.
    """
    numbers: dict[str, set[str]] = {}
    for unit in units:
        line = _undecided_line(unit)
        match = _ROW_LABEL.fullmatch(line) if line else None
        if match:
            numbers.setdefault(match.group(1).lower(), set()).add(match.group(2))
    words = {word for word, seen in numbers.items() if len(seen) >= 2}
    if not words:
        return units

    def label_word(unit: _Unit) -> str | None:
        line = _undecided_line(unit)
        match = _ROW_LABEL.fullmatch(line) if line else None
        return match.group(1).lower() if match and match.group(1).lower() in words else None

    out: list[_Unit] = []
    index = 0
    while index < len(units):
        unit = units[index]
        following = units[index + 1] if index + 1 < len(units) else None
        if (
            label_word(unit)
            and following is not None
            and following.role != "heading"
            and following.gap != "filler"
            and label_word(following) is None
            and (len(following.text) >= 60 or following.role or _title_style(following.lines[0]) is None)
        ):
            if not (out and out[-1].label):
                _join_table_header(out)
            out.append(_Unit(unit.lines + following.lines, unit.gap, "clause", label=True))
            index += 2
        else:
            out.append(unit)
            index += 1
    return out


def _join_table_header(out: list[_Unit]) -> None:
    run: list[_Unit] = []
    case = None
    for unit in reversed(out):
        line = _undecided_line(unit)
        style = _title_style(line) if line else None
        if style is None or style.case not in ("caps", "title") or style.end or (case and style.case != case):
            break
        case = style.case
        run.insert(0, unit)
    if len(run) >= 2:
        del out[-len(run) :]
        out.append(_Unit([line for unit in run for line in unit.lines], run[0].gap, "clause"))


_POSTCODE = re.compile(
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"  # UK: G20 0SP, SW1A 1AA
    r"|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|^\d{5}(?:-\d{4})?$"  # US: CA 94105
    r"|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"  # Canada
    r"|^\d{4}\s?[A-Z]{2}\b|^(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-Z]"  # NL 1012 AB, DE 10115 Berlin
    r"|\bP\.?\s?O\.?\s+Box\b",
    re.I,
)
_COUNTRIES = frozenset(
    "united kingdom|uk|great britain|england|scotland|wales|northern ireland|ireland|united states|"
    "united states of america|usa|us|canada|australia|new zealand|germany|deutschland|france|netherlands|"
    "the netherlands|belgium|luxembourg|spain|portugal|italy|switzerland|austria|sweden|norway|denmark|"
    "finland|poland|india|singapore|japan|hong kong|south africa|israel|brazil|mexico".split("|")
)
_CONTACT = re.compile(
    r"(?:tel|telephone|phone|fax|e-?mail|web|website|mobile|[tfew])\b\.?\s*:|(?:tel|phone|email|fax)\b|"
    r"[+(]?\d[\d\s()+-]{6,}$|\S+@\S+$|(?:https?://|www\.)\S+$",
    re.I,
)
_ADDRESS_ABBREVIATION = re.compile(r"(?:Ltd|Inc|Co|Corp|LLC|LLP|PLC|Plc|St|Rd|Ave|Ste|Blvd)\.$")


def _address_line(unit: _Unit) -> str | None:
    line = _undecided_line(unit)
    if line is None or len(line) > 60 or len(line.split()) > 8 or _LIST_MARKER.match(line):
        return None
    if line[-1] in ".;:!?" and not _ADDRESS_ABBREVIATION.search(line):
        return None
    return line


def _after_postcode(line: str) -> bool:
    """A line that may follow the postcode in an address: a country, a phone, an e-mail."""
    return line.strip(" .,").lower() in _COUNTRIES or bool(_CONTACT.match(line))


def _is_address(lines: list[str]) -> bool:
    if len(lines) < 3:
        return False
    return any(_POSTCODE.search(line) for line in lines) or sum(line.endswith(",") for line in lines) >= 2


def _join_addresses(units: list[_Unit], *, heuristics: bool) -> list[_Unit]:
    """Join a run of short address lines (ending in a postcode, or with commas) into one clause."""
    out: list[_Unit] = []
    index = 0
    while index < len(units):
        first = _address_line(units[index])
        if first is None:
            out.append(units[index])
            index += 1
            continue
        lines = [first]
        seen_postcode = bool(_POSTCODE.search(first))
        end = index + 1
        while end < len(units) and units[end].gap != "filler":
            line = _address_line(units[end])
            if line is None or (seen_postcode and not _after_postcode(line)):
                break
            lines.append(line)
            seen_postcode = seen_postcode or bool(_POSTCODE.search(line))
            end += 1
        lead_in = bool(out) and (out[-1].role == "heading" or out[-1].lines[-1].endswith(":"))
        title = _title_style(first) if heuristics and not lead_in else None
        if title is not None and title.strong and _is_address(lines[1:]):
            # "Contact Us" above the address is its heading, not its first line.
            out.append(units[index])
            index += 1
            lines = lines[1:]
        if _is_address(lines):
            out.append(_Unit(lines, units[index].gap, "clause"))
            index += len(lines)
        else:
            out.append(units[index])
            index += 1
    return out


def _find_headings(units: list[_Unit]) -> None:
    """Mark the undecided short title-like lines that read as headings.

    A line that looks like a heading (Title Case, ALL CAPS, numbered, a question) is one unless
    it is the last line, or one of a list: two or more such lines after a lead-in ending in
    ":", or three or more of the same style in a row. A sentence-case title ("How long we keep
    your information.") needs more: a document with sections (filler lines between them, or two
    or more headings of the kinds above), a body paragraph after it, and if the document marks
    its sections with filler lines, a filler line (or a heading) before it.
    """
    styles = [(_title_style(line) if (line := _undecided_line(unit)) else None) for unit in units]
    filler_breaks = sum(1 for unit in units if unit.gap == "filler") >= 2
    count = len(units)
    index = 0
    while index < count:  # runs of consecutive title-like lines
        if styles[index] is None:
            index += 1
            continue
        end = index
        while end + 1 < count and styles[end + 1] is not None and units[end + 1].gap != "filler":
            end += 1
        length = end - index + 1
        lead_in = index > 0 and units[index - 1].role != "heading" and units[index - 1].lines[-1].endswith(":")
        same_style = len({(s.case, s.end, s.depth) for s in styles[index : end + 1] if s}) == 1
        if (length >= 2 and lead_in) or (length >= 3 and same_style):
            for k in range(index, end + 1):
                styles[k] = None
        index = end + 1
    strong = 0
    for index, (unit, style) in enumerate(zip(units, styles, strict=False)):
        if style is not None and style.strong and index + 1 < count:
            unit.role, unit.level = "heading", style.rank
            strong += 1
    if not filler_breaks and strong < 2:
        return  # no section structure to fit sentence-case titles into
    for index, (unit, style) in enumerate(zip(units, styles, strict=False)):
        if style is None or style.strong or index + 1 >= count:
            continue
        following = units[index + 1]
        body = (
            following.role != "heading"
            and styles[index + 1] is None
            and (len(following.text) >= 60 or following.text.endswith(":"))
        )
        after_break = unit.gap in ("start", "filler") or (index > 0 and units[index - 1].role == "heading")
        if body and (after_break or not filler_breaks):
            unit.role, unit.level = "heading", style.rank


_DOCUMENT_TITLE = re.compile(r"privacy|policy|notice|statement|terms|cookie|data protection|gdpr", re.I)


def _levels(units: list[_Unit]) -> None:
    """Rank the headings: the document's title first, then by style; number the ranks 1, 2, ..."""
    headings = [i for i, unit in enumerate(units) if unit.role == "heading"]
    guessed = [i for i in headings if not units[i].explicit]
    if guessed and guessed[0] == headings[0]:
        first = guessed[0]
        before = units[:first]
        unique = sum(1 for i in guessed if units[i].level == units[first].level) == 1
        if len(before) <= 1 and all(len(u.text) <= 100 for u in before):
            if _DOCUMENT_TITLE.search(units[first].lines[0]) or unique:
                units[first].level = 10
    for i in guessed:
        # A heading directly above one of the same rank is the parent of it and the ones after
        # ("Top Layer Privacy Notice" over "How Will We Use Your Information").
        following = units[i + 1] if i + 1 < len(units) else None
        if (
            following is not None
            and following.role == "heading"
            and not following.explicit
            and following.level == units[i].level
            and units[i].level > 10
        ):
            units[i].level -= 5
    ranks = {level: rank for rank, level in enumerate(sorted({units[i].level for i in headings}), start=1)}
    for i in headings:
        units[i].level = ranks[units[i].level]


# --------------------------------------------------------------------------- plain text


def _units_from_text(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    group: list[str] = []
    gap = "start"
    for raw in text.splitlines():
        line = normalise_line(raw)
        if line:
            group.append(line)
            continue
        if group:
            units.extend(_group_units(group, gap))
            group = []
            gap = "blank"
        if units and raw.strip(" \t"):  # a line of NBSP or other unusual spaces: a filler line
            gap = "filler"
    if group:
        units.extend(_group_units(group, gap))
    return units


def _blocks_from_text(text: str) -> list[Block]:
    return _segment(_units_from_text(text), heuristics=True)


def _explicit_headings(units: list[_Unit]) -> int:
    return sum(1 for unit in units if unit.role == "heading")


# --------------------------------------------------------------------------- markdown


def _blocks_from_markdown(text: str) -> list[Block]:
    units = _units_from_markdown(text)
    # The markup's own headings are the structure; guess more only when it has (almost) none.
    return _segment(units, heuristics=_explicit_headings(units) < 2)


class _Gap:
    """The gap before the next unit a reader emits."""

    def __init__(self) -> None:
        self.value = "start"

    def take(self) -> str:
        value, self.value = self.value, "blank"
        return value

    def filler(self) -> None:
        if self.value != "start":
            self.value = "filler"


def _add_heading(units: list[_Unit], gap: _Gap, title: str, level: int) -> None:
    title = normalise_line(title)
    if title:
        units.append(_Unit([title], gap.take(), "heading", level, explicit=True))


def _add_text(units: list[_Unit], gap: _Gap, text: str, *, listed: bool = False) -> None:
    lines = [line for line in (normalise_line(line) for line in text.split("\n")) if line]
    if not lines:
        if text.strip(" \t\n"):
            gap.filler()
        return
    new = _group_units(lines, gap.take())
    if listed:  # a list item is a clause, whatever it looks like
        for unit in new:
            unit.role, unit.explicit = "clause", True
    units.extend(new)


def _add_verbatim(units: list[_Unit], gap: _Gap, text: str) -> None:
    lines = [line for line in (normalise_line(line) for line in text.splitlines()) if line]
    if lines:
        units.append(_Unit(lines, gap.take(), "clause", explicit=True))


def _units_from_markdown(text: str) -> list[_Unit]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    units: list[_Unit] = []
    gap = _Gap()
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
            _add_heading(units, gap, title, 20)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif kind == "inline":
            children = token.children or []
            if heading is not None:
                _add_heading(units, gap, _inline_text(children).replace("\n", " "), heading * 10)
            elif not lists and _is_bold_only(children):
                _add_heading(units, gap, _inline_text(children).replace("\n", " "), 65)
            else:
                split = None if lists else _bold_lead(children)
                if split:
                    _add_heading(units, gap, split[0], 65)
                    children = split[1]
                _add_text(units, gap, _inline_text(children), listed=lists > 0)
        elif kind in ("code_block", "fence"):
            _add_verbatim(units, gap, token.content)
        elif kind == "html_block":
            for unit in _units_from_html(token.content):
                if unit.gap == "start":
                    unit.gap = gap.take()
                units.append(unit)
        index += 1
    return units


def _numbered_list_heading(tokens: list, index: int) -> tuple[str, int] | None:
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
    style = _title_style(title)
    if style is None or not style.depth or (style.case == "sentence" and style.end):
        return None
    return title, index + 6


_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)


def _inline_text(children: list) -> str:
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


def _is_bold_only(children: list) -> bool:
    meaningful = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if not (
        len(meaningful) >= 3
        and meaningful[0].type == "strong_open"
        and meaningful[-1].type == "strong_close"
        and all(c.type not in ("strong_open", "strong_close", "softbreak", "hardbreak") for c in meaningful[1:-1])
    ):
        return False
    return _title_style(normalise_line(_inline_text(meaningful))) is not None


def _bold_lead(children: list) -> tuple[str, list] | None:
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
    style = _title_style(title) if title and "\n" not in _inline_text(children[1:k]) else None
    rest = children[k + 2 :]
    first_line = normalise_line(_inline_text(rest).split("\n", 1)[0])
    if style is None or not style.strong or not (len(first_line) >= 60 or first_line.endswith(":")):
        return None
    return title, rest


# --------------------------------------------------------------------------- html

_HTML_BLOCKS = frozenset(
    "p div li td th dd dt blockquote tr section article ul ol dl table tbody thead tfoot header main aside "
    "figure figcaption address hr form caption body html details summary center".split()
)
_HTML_HEADINGS = {"h1": 10, "h2": 20, "h3": 30, "h4": 40, "h5": 50, "h6": 60}
_HTML_SKIPPED = frozenset("script style head noscript template svg nav iframe object canvas select".split())


def _blocks_from_html(text: str) -> list[Block]:
    units = _units_from_html(text)
    return _segment(units, heuristics=_explicit_headings(units) < 2)


def _units_from_html(text: str) -> list[_Unit]:
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.units: list[_Unit] = []
            self.gap = _Gap()
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
                _add_heading(self.units, self.gap, text.replace("\n", " "), self.heading)
            elif all_bold and not self.listed and "\n" not in text.strip() and text.strip():
                title = normalise_line(text)
                if _title_style(title) is not None:
                    _add_heading(self.units, self.gap, title, 65)
                else:
                    _add_text(self.units, self.gap, text)
            else:
                _add_text(self.units, self.gap, text, listed=self.listed > 0)

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag in _HTML_SKIPPED:
                self.skipping += 1
            elif self.skipping:
                return
            elif tag == "br":
                self.buffer.append("\n")
            elif tag in _HTML_HEADINGS:
                self.flush()
                self.heading = _HTML_HEADINGS[tag]
            elif tag in _HTML_BLOCKS or tag == "pre":
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
            elif tag in _HTML_BLOCKS or tag == "pre":
                self.flush()
                if tag == "li":
                    self.listed = max(0, self.listed - 1)
                elif tag == "pre":
                    self.pre = max(0, self.pre - 1)
            elif tag in ("b", "strong"):
                self.bold = max(0, self.bold - 1)

        def handle_startendtag(self, tag: str, attrs: list) -> None:
            if tag == "br" and not self.skipping:
                self.buffer.append("\n")
            elif tag in _HTML_BLOCKS and not self.skipping:
                self.flush()

        def handle_data(self, data: str) -> None:
            if self.skipping:
                return
            if data.strip() and not self.bold:
                self.all_bold = False
            self.buffer.append(data if self.pre else data.replace("\r", " ").replace("\n", " "))

    reader = Reader()
    reader.feed(text)
    reader.close()
    reader.heading = None
    reader.flush()
    return reader.units


# --------------------------------------------------------------------------- assembling


def _assemble(blocks: list[Block], *, fmt: str, path: Path | None, warnings: tuple[str, ...]) -> Policy:
    """Join blocks into the normalised text, numbering sections and clauses."""
    parts: list[str] = []
    offset = 0
    sections: list[Section] = []
    clauses: list[Clause] = []
    stack: list[Section] = []
    current: Section | None = None
    for block in blocks:
        if parts:
            parts.append("\n\n")
            offset += 2
        start, end = offset, offset + len(block.text)
        parts.append(block.text)
        offset = end
        if block.kind == "heading":
            while stack and stack[-1].level >= block.level:
                stack.pop()
            path_titles = tuple(s.title for s in stack) + (block.text,)
            current = Section(f"s{len(sections) + 1}", block.text, block.level, path_titles, start, end)
            sections.append(current)
            stack.append(current)
        else:
            clauses.append(Clause(f"c{len(clauses) + 1}", len(clauses), block.text, start, end, current))
    return Policy(
        text="".join(parts),
        sections=tuple(sections),
        clauses=tuple(clauses),
        format=fmt,
        path=path,
        warnings=warnings,
    )
