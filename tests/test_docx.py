"""The Word reader: heading styles, list markers, tables as rows, and refused files."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy import load_policy, reader_for


def save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def test_headings_lists_and_a_table(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("Privacy Notice", level=0)  # the Title style
    document.add_paragraph("We are Acme Ltd, and this notice says what we do with your data.")
    document.add_heading("What we collect", level=1)
    document.add_paragraph("Your name and address", style="List Bullet")
    document.add_paragraph("Your orders", style="List Bullet")
    document.add_heading("Why we collect it", level=2)
    document.add_paragraph("To deliver your orders", style="List Number")
    document.add_paragraph("To answer your questions", style="List Number")
    document.add_heading("Cookies", level=1)
    table = document.add_table(rows=3, cols=2)
    rows = [("Cookie", "Purpose"), ("sid", "Keeps you signed in"), ("_ga", "Analytics")]
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    policy = load_policy(save(document, tmp_path / "notice.docx"))
    assert policy.format == "docx"
    assert [(s.title, s.level) for s in policy.sections] == [
        ("Privacy Notice", 1),
        ("What we collect", 2),
        ("Why we collect it", 3),
        ("Cookies", 2),
    ]
    assert [(c.text, c.section.title if c.section else None) for c in policy.clauses] == [
        ("We are Acme Ltd, and this notice says what we do with your data.", "Privacy Notice"),
        ("• Your name and address", "What we collect"),
        ("• Your orders", "What we collect"),
        ("1. To deliver your orders", "Why we collect it"),
        ("2. To answer your questions", "Why we collect it"),
        ("Cookie | Purpose", "Cookies"),
        ("sid | Keeps you signed in", "Cookies"),
        ("_ga | Analytics", "Cookies"),
    ]
    assert all(c.page is None for c in policy.clauses)
    assert all(policy.text[c.start : c.end] == c.text for c in policy.clauses)


def test_the_same_text_gives_the_same_fingerprint_as_a_document(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("Your rights", level=1)
    document.add_paragraph("You may ask us for a copy of your data.")
    first = load_policy(save(document, tmp_path / "a.docx"))
    second = load_policy(save(document, tmp_path / "b.docx"))
    assert first.sha256 == second.sha256 and [c.id for c in first.clauses] == ["c1"]


def test_a_line_break_inside_a_paragraph_stays_in_its_clause(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("Acme Ltd\n1 High Street\nGlasgow G20 0SP")
    policy = load_policy(save(document, tmp_path / "address.docx"))
    assert [c.text for c in policy.clauses] == ["Acme Ltd\n1 High Street\nGlasgow G20 0SP"]


def test_without_heading_styles_bold_title_lines_are_headings(tmp_path: Path) -> None:
    document = Document()
    for title, body in [("Who We Are", "Acme Ltd runs this shop."), ("Your Rights", "You may ask for your data.")]:
        document.add_paragraph().add_run(title).bold = True
        document.add_paragraph(body)
    policy = load_policy(save(document, tmp_path / "bold.docx"))
    assert [s.title for s in policy.sections] == ["Who We Are", "Your Rights"]
    assert [c.section_label for c in policy.clauses] == ["Who We Are", "Your Rights"]


_TWO_LEVELS = (
    '<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>'
    "</w:abstractNum>"
)
_INSTANCE = (
    '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">'
    '<w:abstractNumId w:val="90"/></w:num>'
)


def test_nested_numbering_restarts_under_each_item(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_TWO_LEVELS))  # abstract definitions come before instances
    numbering.append(parse_xml(_INSTANCE))
    for text, level in [("First", 0), ("Sub", 1), ("Sub", 1), ("Second", 0), ("Sub", 1)]:
        numbers = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
        numbers.get_or_add_ilvl().val = level
        numbers.get_or_add_numId().val = 90
    policy = load_policy(save(document, tmp_path / "nested.docx"))
    assert [c.text for c in policy.clauses] == ["1. First", "a) Sub", "b) Sub", "2. Second", "a) Sub"]


# --------------------------------------------------------------------------- refused files


def _one_clear_line(path: Path, words: str) -> None:
    with pytest.raises(PolicyError, match=words):
        load_policy(path)
    done = subprocess.run(
        [sys.executable, "-m", "auditor_tui", "clauses", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def _good(tmp_path: Path) -> bytes:
    document = Document()
    document.add_paragraph("We collect your name.")
    return save(document, tmp_path / "good.docx").read_bytes()


def test_a_truncated_docx_gets_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes(_good(tmp_path)[:2000])
    _one_clear_line(path, "damaged .docx")


def test_a_docx_with_broken_xml_gets_one_clear_line(tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(_good(tmp_path)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    path = tmp_path / "broken.docx"
    path.write_bytes(buffer.getvalue())
    _one_clear_line(path, "damaged .docx")


def test_a_zip_that_is_not_a_word_document_gets_one_clear_line(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        target.writestr("hello.txt", "not a document")
    path = tmp_path / "other.docx"
    path.write_bytes(buffer.getvalue())
    _one_clear_line(path, "not a Word document")


def test_not_a_zip_gets_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "text.docx"
    path.write_text("We collect your name.", encoding="utf-8")
    _one_clear_line(path, "not a .docx file")


_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_an_encrypted_docx_gets_one_clear_line(tmp_path: Path) -> None:
    # Word keeps an encrypted .docx in an OLE compound file with an EncryptionInfo stream.
    path = tmp_path / "locked.docx"
    path.write_bytes(_CFB + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100)
    _one_clear_line(path, "encrypted")


def test_a_legacy_doc_renamed_docx_gets_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(_CFB + "WordDocument".encode("utf-16-le") + b"\x00" * 100)
    _one_clear_line(path, "Word 97-2003")


def test_docx_by_suffix_and_content_type() -> None:
    assert reader_for("policy.docx").format == "docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert reader_for(content_type=content_type).format == "docx"
    assert reader_for(content_type="application/pdf").format == "pdf"


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
_PARAGRAPH = st.lists(_WORD, min_size=5, max_size=40).map(lambda words: " ".join(words).capitalize() + ".")
_HEADING = st.tuples(st.lists(_WORD, min_size=1, max_size=5).map(lambda w: " ".join(w).title()), st.integers(1, 4))
_BLOCKS = st.lists(st.one_of(_PARAGRAPH, _HEADING), min_size=1, max_size=15)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blocks=_BLOCKS)
def test_headings_and_paragraphs_come_back_in_order(tmp_path: Path, blocks: list) -> None:
    paragraphs = [block for block in blocks if isinstance(block, str)]
    headings = [block for block in blocks if isinstance(block, tuple)]
    # With fewer than two heading styles the plain-text heuristics look for headings too.
    assume(paragraphs and len(headings) >= 2)
    document = Document()
    for block in blocks:
        if isinstance(block, tuple):
            document.add_heading(block[0], level=block[1])
        else:
            document.add_paragraph(block)
    policy = load_policy(save(document, tmp_path / "random.docx"))
    assert [c.text for c in policy.clauses] == paragraphs
    ranks = sorted({level for _, level in headings})
    assert [(s.title, s.level) for s in policy.sections] == [
        (title, ranks.index(level) + 1) for title, level in headings
    ]


_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_links_and_tracked_changes_read_as_word_shows_them(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    document = Document()
    paragraph = document.add_paragraph("Write to us at ")
    paragraph._p.append(parse_xml(f"<w:hyperlink {_NS}><w:r><w:t>our contact page</w:t></w:r></w:hyperlink>"))
    paragraph._p.append(
        parse_xml(f'<w:del {_NS} w:id="1" w:author="a"><w:r><w:delText> or by fax</w:delText></w:r></w:del>')
    )
    paragraph._p.append(parse_xml(f'<w:ins {_NS} w:id="2" w:author="a"><w:r><w:t> or by e-mail</w:t></w:r></w:ins>'))
    paragraph.add_run(".")
    policy = load_policy(save(document, tmp_path / "changes.docx"))
    assert [c.text for c in policy.clauses] == ["Write to us at our contact page or by e-mail."]
