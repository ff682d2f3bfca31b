"""The policy pane: headings and clauses drawn line by line (Textual's Line API).

A policy can have tens of thousands of clauses, so this is one ``ScrollView`` whose
:meth:`PolicyView.render_line` draws only the visible lines, never one widget per clause
(see Toolong's ``log_lines.py`` for the same idea). The clauses are word-wrapped once per
width into a flat list of :class:`_Line`; the cursor moves by clause.

Wrapping is lazy, so that a long policy's first screen is drawn as soon as its first lines are
wrapped: the blocks a drawing or a move needs are wrapped when it needs them, and the rest
:data:`LAYOUT_CHUNK` blocks at a time after each refresh (the scrollbar meanwhile estimates the
remaining lines from the wrapped ones).

Policy text is data: it is turned into plain :class:`rich.segment.Segment` text after
:func:`~auditor_tui.core.text.printable` has replaced control characters, so markup such as
``[/]`` or escape sequences show literally and do nothing.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from auditor_tui.core.policy import Clause, Policy
from auditor_tui.core.text import printable, short_names

MIN_TEXT = 48  # the gutter shows full item ids only while this many columns stay for the text
CHANGE_MARK = len("~ changed")
LAYOUT_CHUNK = 2_000  # blocks wrapped per step once the first screen is drawn


@dataclass(frozen=True, slots=True)
class _Line:
    kind: str  # "heading", "clause" or "blank"
    block: int  # index into PolicyView._blocks
    start: int  # offset of this line in the block's display text
    end: int
    first: bool  # first line of its block


_KINDS = ("blank", "heading", "clause")
_KIND_CODE = {kind: code for code, kind in enumerate(_KINDS)}


class _LineTable:
    """The wrapped lines as packed columns: 14 bytes a line, where a list of :class:`_Line`
    took about 175 (a 1 MB policy wraps to tens of thousands of lines)."""

    __slots__ = ("_block", "_end", "_first", "_kind", "_start")

    def __init__(self) -> None:
        self._kind = bytearray()
        self._first = bytearray()
        self._block = array("i")
        self._start = array("i")
        self._end = array("i")

    def append(self, kind: str, block: int, start: int, end: int, first: bool) -> None:
        self._kind.append(_KIND_CODE[kind])
        self._first.append(first)
        self._block.append(block)
        self._start.append(start)
        self._end.append(end)

    def __len__(self) -> int:
        return len(self._kind)

    def __getitem__(self, index: int) -> _Line:
        return _Line(
            _KINDS[self._kind[index]],
            self._block[index],
            self._start[index],
            self._end[index],
            bool(self._first[index]),
        )

    def __iter__(self) -> Iterator[_Line]:
        return (self[index] for index in range(len(self)))


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of *text* (no newlines) to *width* cells, as (start, end) offsets."""
    width = max(8, width)
    if len(text) <= width and (text.isascii() or cell_len(text) <= width):
        return [(0, len(text))]
    lines: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    while start < length:
        while start < length and text[start] == " ":
            start += 1
        if start >= length:
            break
        end = start + width
        piece = text[start:end]
        if not piece.isascii():
            # Shorten until the piece fits in cells (wide characters take two).
            while end > start + 1 and cell_len(text[start:end]) > width:
                end -= 1
        if end >= length:
            lines.append((start, length))
            break
        space = text.rfind(" ", start, end + 1)
        if space > start:
            end = space
        lines.append((start, end))
        start = end
    return lines or [(0, 0)]


class PolicyView(ScrollView, can_focus=True):
    """The policy, one clause current, with tag marks in a gutter."""

    COMPONENT_CLASSES = {
        "policy-view--heading",
        "policy-view--cursor",
        "policy-view--current-tag",
        "policy-view--gutter",
        "policy-view--gutter-current",
        "policy-view--match",
        "policy-view--added",
        "policy-view--modified",
    }

    BINDINGS = [
        Binding("up,k", "move(-1)", "Previous clause", show=False),
        Binding("down,j", "move(1)", "Next clause", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First clause", show=False),
        Binding("end", "edge(1)", "Last clause", show=False),
    ]

    class CursorMoved(Message):
        """The current clause changed."""

        def __init__(self, view: PolicyView, clause: Clause) -> None:
            super().__init__()
            self.view = view
            self.clause = clause

    def __init__(
        self,
        policy: Policy,
        *,
        item_ids: Sequence[str] = (),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.policy = policy
        self._full_ids = {item_id: printable(item_id) for item_id in item_ids}
        self._short_ids = {item_id: printable(short) for item_id, short in short_names(list(item_ids)).items()}
        self.gutter_ids = self._full_ids
        # Blocks in document order: ("heading", title) or ("clause", Clause).
        self._blocks: list[tuple[str, str, Clause | None]] = []
        self._clause_block = array("i")  # the block of each clause
        self._section_clause = array("i")  # first clause index under each section heading
        self._build_blocks()
        self._lines = _LineTable()
        self._block_first_line = array("i")
        self._laid = 0  # blocks wrapped so far at the current width
        self._layout_width = -1
        self._layout_scheduled = False
        self.gutter_width = 2
        self.cursor = 0
        self.item_marks: dict[str, list[str]] = {}
        self.current_tags: frozenset[str] = frozenset()
        self.highlights: dict[str, tuple[tuple[int, int], ...]] = {}
        self.change_marks: dict[str, str] = {}  # clause id -> "added" | "modified"

    # ------------------------------------------------------------------ model

    def _build_blocks(self) -> None:
        section = None
        for clause in self.policy.clauses:
            if clause.section is not None and clause.section is not section:
                section = clause.section
                self._blocks.append(("heading", printable(" › ".join(section.path)), None))
                self._section_clause.append(clause.index)
            self._clause_block.append(len(self._blocks))
            self._blocks.append(("clause", printable(clause.text, keep_newlines=True), clause))

    @property
    def clause(self) -> Clause:
        return self.policy.clauses[self.cursor]

    def set_marks(
        self,
        item_marks: dict[str, list[str]],
        current_tags: frozenset[str],
    ) -> None:
        """Which items each clause is tagged to, and which clauses the current item has."""
        self.item_marks = item_marks
        self.current_tags = current_tags
        self.refresh()

    def set_highlights(self, highlights: dict[str, tuple[tuple[int, int], ...]]) -> None:
        """Character ranges to highlight in clauses (search matches, matched words)."""
        self.highlights = highlights
        self.refresh()

    def set_change_marks(self, marks: dict[str, str]) -> None:
        self.change_marks = marks
        self.refresh()

    # ------------------------------------------------------------------ layout

    def _text_width(self) -> int:
        """Size the gutter to the item ids: whole ids with room for " +2" while the text keeps
        MIN_TEXT columns, else the short ids (``13-2-b-rec``), else the short ids alone."""
        width = self.scrollable_content_region.width

        def longest(names: dict[str, str]) -> int:
            return max((len(name) for name in names.values()), default=0)

        plans = [
            (self._full_ids, 2 + max(longest(self._full_ids) + 3, CHANGE_MARK)),
            (self._short_ids, 2 + max(longest(self._short_ids) + 3, CHANGE_MARK)),
        ]
        self.gutter_ids, self.gutter_width = next(
            ((names, gutter) for names, gutter in plans if width - gutter >= MIN_TEXT),
            (self._short_ids, 2 + max(longest(self._short_ids), CHANGE_MARK)),
        )
        return max(10, width - self.gutter_width)

    def _relayout(self) -> None:
        """Start wrapping again if the width changed: the visible lines now, the rest later."""
        width = self._text_width()
        if width == self._layout_width:
            return
        self._layout_width = width
        self._lines = _LineTable()
        self._block_first_line = array("i")
        self._laid = 0
        self._lay_out_lines(int(self.scroll_offset.y) + max(1, self.scrollable_content_region.height) + 1)
        self._schedule_layout()

    @property
    def laid_out(self) -> bool:
        """Whether every block is wrapped at the current width."""
        return self._laid >= len(self._blocks)

    def _lay_out(self, stop: int) -> None:
        """Wrap blocks up to (not including) *stop*."""
        stop = min(stop, len(self._blocks))
        if stop <= self._laid:
            return
        width = self._layout_width
        lines = self._lines
        firsts = self._block_first_line
        append = lines.append
        for index in range(self._laid, stop):
            kind, text, _clause = self._blocks[index]
            if index:
                append("blank", index, 0, 0, False)
            firsts.append(len(lines))
            offset = 0
            first = True
            for part in text.split("\n"):
                for start, end in wrap_offsets(part, width):
                    append(kind, index, offset + start, offset + end, first)
                    first = False
                offset += len(part) + 1
        self._laid = stop
        self._set_virtual_size()

    def _lay_out_lines(self, count: int) -> None:
        """Wrap blocks until at least *count* lines are known (or all blocks are wrapped)."""
        while len(self._lines) < count and not self.laid_out:
            self._lay_out(self._laid + 64)

    def _lay_out_block(self, block: int) -> None:
        """Wrap up to *block* and the one after it, which says where *block* ends."""
        self._lay_out(block + 2)

    def _set_virtual_size(self) -> None:
        known = len(self._lines)
        if not self.laid_out and self._laid:
            known += round((len(self._blocks) - self._laid) * known / self._laid)
        self.virtual_size = Size(self.scrollable_content_region.width, known)

    def _schedule_layout(self) -> None:
        if not self.laid_out and not self._layout_scheduled:
            self._layout_scheduled = True
            self.call_after_refresh(self._lay_out_more)

    def _lay_out_more(self) -> None:
        """Wrap the next chunk after a refresh, so drawing and keys come first."""
        self._layout_scheduled = False
        self._lay_out(self._laid + LAYOUT_CHUNK)
        self._schedule_layout()

    def finish_layout(self) -> None:
        """Wrap every block now (a test, or a jump to the end)."""
        self._relayout()
        self._lay_out(len(self._blocks))

    def on_resize(self) -> None:
        self._relayout()
        self.scroll_to_cursor(animate=False)

    def on_mount(self) -> None:
        self._relayout()

    def _block_lines(self, block: int) -> tuple[int, int]:
        self._lay_out_block(block)
        first = self._block_first_line[block]
        last = self._block_first_line[block + 1] - 2 if block + 1 < len(self._blocks) else len(self._lines) - 1
        return first, last

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        self._relayout()
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = int(self.scroll_offset.y) + y
        self._lay_out_lines(index + 1)
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        _kind, text, clause = self._blocks[line.block]
        if line.kind == "blank":
            return Strip.blank(width, base)
        style = self._style
        if line.kind == "heading":
            heading = base + style("policy-view--heading")
            segments = [Segment(" " * self.gutter_width, base), Segment(text[line.start : line.end], heading)]
            return Strip(segments).adjust_cell_length(width, base)
        assert clause is not None
        current = clause.index == self.cursor
        tagged_current = clause.id in self.current_tags
        line_style = base + style("policy-view--cursor") if current else base
        if tagged_current:
            line_style = line_style + style("policy-view--current-tag")
        segments = [self._gutter(clause, line, tagged_current, line_style)]
        segments.extend(self._text_segments(clause, text, line, line_style))
        return Strip(segments).adjust_cell_length(width, line_style)

    def _style(self, name: str) -> Style:
        """A component's own style, without the inherited background (so styles stack)."""
        return self.get_component_rich_style(name, partial=True)

    def _gutter(self, clause: Clause, line: _Line, tagged_current: bool, line_style: Style) -> Segment:
        style = self._style
        marker = "▌" if tagged_current else " "
        ids = ""
        change = self.change_marks.get(clause.id)
        width = self.gutter_width - 2
        if line.first:
            items = [self.gutter_ids.get(item, printable(item)) for item in self.item_marks.get(clause.id, [])]
            if items:
                ids = ",".join(items)
                if len(ids) > width:
                    more = f" +{len(items) - 1}" if len(items) > 1 else ""
                    if len(items[0]) + len(more) > width:
                        more = more.strip()
                    ids = items[0][: width - len(more)] + more
            elif change:
                ids = "+ added" if change == "added" else "~ changed"
        gutter_style = style("policy-view--gutter-current" if tagged_current else "policy-view--gutter")
        if change and not ids.strip(",") and line.first:
            gutter_style = style(f"policy-view--{change}")
        return Segment(f"{marker}{ids[:width]:<{width}} ", line_style + gutter_style)

    def _text_segments(self, clause: Clause, text: str, line: _Line, line_style: Style) -> list[Segment]:
        spans = self.highlights.get(clause.id)
        piece = text[line.start : line.end]
        if not spans:
            return [Segment(piece, line_style)]
        match = line_style + self._style("policy-view--match")
        segments: list[Segment] = []
        position = line.start
        for start, end in spans:
            start, end = max(start, line.start), min(end, line.end)
            if start >= end:
                continue
            if start > position:
                segments.append(Segment(text[position:start], line_style))
            segments.append(Segment(text[start:end], match))
            position = end
        if position < line.end:
            segments.append(Segment(text[position : line.end], line_style))
        return segments

    # ------------------------------------------------------------------ moving

    def move_to(self, index: int, *, top: bool = False) -> None:
        """Make clause *index* current and scroll it into view."""
        if not self.policy.clauses:
            return
        index = max(0, min(index, len(self.policy.clauses) - 1))
        changed = index != self.cursor
        self.cursor = index
        self.scroll_to_cursor(top=top)
        self.refresh()
        if changed:
            self.post_message(self.CursorMoved(self, self.clause))

    def move_to_id(self, clause_id: str, *, top: bool = False) -> bool:
        clause = self.policy.clause(clause_id)
        if clause is None:
            return False
        self.move_to(clause.index, top=top)
        return True

    def scroll_to_cursor(self, *, top: bool = False, animate: bool = False) -> None:
        if not self._lines or not self.policy.clauses:
            return
        block = self._clause_block[self.cursor]
        first, last = self._block_lines(block)
        self._lay_out_lines(last + self.scrollable_content_region.height + 1)  # the page the move shows
        if block and self._blocks[block - 1][0] == "heading":
            first = self._block_first_line[block - 1]  # show the heading with its first clause
        height = self.scrollable_content_region.height
        y = int(self.scroll_offset.y)
        if top or first < y:
            target = first
        elif last >= y + height:
            target = max(first if last - first >= height else last - height + 1, 0)
        else:
            return
        self.scroll_to(y=target, animate=animate, immediate=True)

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        """Move by as many clauses as fill a page (so page down then page up comes back)."""
        height = max(1, self.scrollable_content_region.height)
        count = len(self.policy.clauses)
        index, used = self.cursor, 0
        while 0 <= index + direction < count:
            first, last = self._block_lines(self._clause_block[index + direction])
            used += last - first + 2
            if used > height:
                break
            index += direction
        if index == self.cursor:
            index = max(0, min(count - 1, index + direction))
        self.move_to(index)

    def action_edge(self, end: int) -> None:
        self.move_to(len(self.policy.clauses) - 1 if end else 0)

    def _clause_at_line(self, line: int) -> int:
        self._lay_out_lines(line + 1)
        block = self._lines[min(line, len(self._lines) - 1)].block
        while block < len(self._blocks) and self._blocks[block][2] is None:
            block += 1
        if block >= len(self._blocks):
            return len(self.policy.clauses) - 1
        clause = self._blocks[block][2]
        assert clause is not None
        return clause.index

    def next_section(self, direction: int) -> None:
        """Move to the first clause of the next (1) or previous (-1) section."""
        starts = self._section_clause
        if not starts:
            return
        if direction > 0:
            position = bisect.bisect_right(starts, self.cursor)
            if position < len(starts):
                self.move_to(starts[position], top=True)
        else:
            position = bisect.bisect_left(starts, self.cursor) - 1
            if position >= 0:
                self.move_to(starts[position], top=True)
            else:
                self.move_to(0, top=True)

    def on_click(self, event) -> None:  # mouse: click a clause to make it current
        line = int(self.scroll_offset.y) + event.y
        self._lay_out_lines(line + 1)
        if 0 <= line < len(self._lines):
            self.move_to(self._clause_at_line(line))
