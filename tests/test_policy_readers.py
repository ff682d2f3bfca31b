"""The reader registry: which reader a file gets, the reader contract, adding a reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy import FORMATS, Block, Policy, Reader, assemble, load_policy, reader_for, readers
from auditor_tui.core.policy import decode as decode_module
from auditor_tui.core.policy.readers import html, markdown, text

FIXTURES = Path(__file__).parent / "fixtures"
FILES = [*sorted((FIXTURES / "policies").glob("*.txt")), FIXTURES / "sample_policy.md", FIXTURES / "sample_policy.html"]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.txt", "text"), ("a.TEXT", "text"), ("a.md", "markdown"), ("a.Markdown", "markdown")]
    + [("a.htm", "html"), ("a.HTML", "html"), ("a.mhtml", "mhtml"), ("a.MHT", "mhtml"), ("a.pdf", "pdf")]
    + [("a.DOCX", "docx"), ("a.doc", "text")]
    + [("README", "text")],
)
def test_reader_by_suffix_and_plain_text_by_default(name: str, fmt: str) -> None:
    assert reader_for(Path(name)).format == fmt


def test_reader_by_content_type() -> None:
    assert reader_for(content_type="text/html; charset=utf-8").format == "html"
    assert reader_for(content_type="Application/XHTML+XML").format == "html"
    assert reader_for(content_type="text/markdown").format == "markdown"
    assert reader_for(content_type="application/octet-stream").format == "text"
    # A known suffix wins over the content type; an unknown one leaves it to the content type.
    assert reader_for("a.md", content_type="text/html").format == "markdown"
    assert reader_for("page", content_type="text/html").format == "html"


def test_formats_are_the_readers_that_take_text() -> None:
    assert FORMATS == ("text", "markdown", "html")
    assert [reader.format for reader in readers.READERS] == ["text", "markdown", "html", "mhtml", "pdf", "docx"]
    assert readers.READERS[0] is text.READER  # the default
    for reader in readers.READERS:
        assert (reader.blocks is not None) == (reader.format in FORMATS)  # binary formats take no text
        assert all(suffix.startswith(".") and suffix == suffix.lower() for suffix in reader.suffixes)


def test_help_and_hints_name_each_readers_first_suffix() -> None:
    from auditor_tui.core.policy import POLICY_KINDS

    named = re.findall(r"\.[a-z]+", POLICY_KINDS)
    assert named == [reader.suffixes[0] for reader in readers.READERS]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_readers_read_is_what_load_policy_gives(path: Path) -> None:
    policy = reader_for(path).read(path.read_bytes(), path)
    assert policy == load_policy(path)
    assert policy.path == path and policy.clauses


def test_the_text_reader_reads_markdown_like_text_as_markdown() -> None:
    path = FIXTURES / "policies" / "000_1962084fed24df79.txt"
    assert text.READER.read(path.read_bytes(), path).format == "markdown"
    plain = text.READER.read(b"We keep your data.\n\nWe share it with no one.\n", Path("p.txt"))
    assert plain.format == "text" and [c.text for c in plain.clauses] == [
        "We keep your data.",
        "We share it with no one.",
    ]


@pytest.mark.parametrize("reader", [text.READER, markdown.READER, html.READER], ids=lambda r: r.format)
def test_every_reader_refuses_binary_data_with_a_policy_error(reader: Reader) -> None:
    with pytest.raises(PolicyError, match="binary"):
        reader.read(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), Path("x.bin"))


def _shouting_reader(data: bytes, path: Path) -> Policy:
    """A made-up format: one clause per line, upper-cased; a line "!" is a damaged file."""
    lines = data.decode().split("\n")
    if "!" in lines:
        raise PolicyError("damaged file", path=path, hint="save it again")
    blocks = [Block("clause", line.upper()) for line in lines if line]
    return assemble(blocks, fmt="shout", path=path, warnings=())


def test_a_new_reader_is_one_registry_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(readers.BY_SUFFIX, ".shout", Reader("shout", (".shout",), _shouting_reader))
    path = tmp_path / "p.shout"
    path.write_bytes(b"we keep data\nwe share none\n")
    policy = load_policy(path)
    assert policy.format == "shout" and policy.path == path
    assert [c.text for c in policy.clauses] == ["WE KEEP DATA", "WE SHARE NONE"]
    assert policy.text[policy.clauses[1].start : policy.clauses[1].end] == "WE SHARE NONE"

    path.write_bytes(b"\n\n")  # a reader may return no clauses; load_policy refuses that
    with pytest.raises(PolicyError, match="no text found"):
        load_policy(path)
    path.write_bytes(b"a\n!\n")  # a reader's own error reaches the caller as it is
    with pytest.raises(PolicyError, match="damaged file"):
        load_policy(path)


def test_the_size_limit_holds_for_every_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[bytes] = []

    def spy(data: bytes, path: Path) -> Policy:
        called.append(data)
        return _shouting_reader(data, path)

    monkeypatch.setitem(readers.BY_SUFFIX, ".shout", Reader("shout", (".shout",), spy))
    monkeypatch.setattr(decode_module, "MAX_POLICY_BYTES", 100)
    path = tmp_path / "big.shout"
    path.write_bytes(b"x" * 101)
    with pytest.raises(PolicyError, match="limit"):
        load_policy(path)
    assert called == []  # refused before the reader saw any of it
