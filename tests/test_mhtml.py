"""MHTML (a page saved as one file): the HTML part decoded, then read like a saved page."""

from __future__ import annotations

import base64
import html as html_module
import quopri
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor_tui.cli import main
from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy import load_policy
from tests.test_webpage import FURNITURE, HIDDEN, PAGE, texts

FIXTURES = Path(__file__).parent / "fixtures"
SAVED = FIXTURES / "saved_page.mhtml"
"""``saved_page.html`` as Chrome's "single file" save writes it: quoted-printable, a logo part."""

BOUNDARY = "----MultipartBoundary--test----"


def mhtml(html_part: bytes, headers: str, *, boundary: str = BOUNDARY, close: bool = True) -> bytes:
    """An MHTML file with one HTML part (its *headers* and encoded body) and an image part."""
    head = (
        "From: <Saved by Blink>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"\r\n\r\n'
    )
    image = base64.encodebytes(b"\x89PNG\r\n\x1a\n" + bytes(30)).decode()
    tail = f"\r\n--{BOUNDARY}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n{image}"
    return (
        f"{head}--{BOUNDARY}\r\n{headers}\r\n\r\n".encode()
        + html_part
        + (tail + (f"\r\n--{BOUNDARY}--\r\n" if close else "")).encode()
    )


POLICY = (
    "<html><body><nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav><main><h1>Privacy</h1>{}</main></body></html>"
)
BODY = "<p>We keep your order details for six years and delete them after that — “always”.</p>"


def test_a_chrome_single_file_page_reads_as_the_saved_html_page_does() -> None:
    from_mhtml, from_html = load_policy(SAVED), load_policy(PAGE)
    assert from_mhtml.format == "mhtml"
    assert texts(from_mhtml) == texts(from_html)
    assert [s.title for s in from_mhtml.sections] == [s.title for s in from_html.sections]
    everything = from_mhtml.text
    assert not [phrase for phrase in FURNITURE + HIDDEN if phrase in everything]


def test_whole_page_reads_everything_in_mhtml_too() -> None:
    whole = load_policy(SAVED, whole_page=True)
    assert "Store finder" in whole.text and len(whole.clauses) > len(load_policy(SAVED).clauses)


@pytest.mark.parametrize(
    ("encoding", "charset", "encode"),
    [
        ("quoted-printable", "utf-8", lambda data: quopri.encodestring(data)),
        ("base64", "utf-8", lambda data: base64.encodebytes(data)),
        ("base64", "windows-1252", lambda data: base64.encodebytes(data)),
        ("8bit", "iso-8859-1", lambda data: data),
    ],
)
def test_transfer_encodings_and_charsets_are_undone(tmp_path: Path, encoding: str, charset: str, encode) -> None:
    body = BODY if charset == "utf-8" else BODY.replace("—", "-").replace("“", '"').replace("”", '"') + "<p>Café</p>"
    raw = POLICY.format(body).encode(charset)
    headers = f"Content-Type: text/html; charset={charset}\r\nContent-Transfer-Encoding: {encoding}"
    path = tmp_path / "page.mht"
    path.write_bytes(mhtml(encode(raw), headers))
    policy = load_policy(path)
    assert policy.sections[0].title == "Privacy"
    wanted = "We keep your order details for six years and delete them after that"
    assert any(clause.text.startswith(wanted) for clause in policy.clauses)
    assert ("—" in policy.text) == (charset == "utf-8")
    assert ("Café" in policy.text) == (charset != "utf-8")
    assert "Home" not in policy.text and not policy.warnings


def test_a_part_without_a_charset_is_read_as_utf8_and_bytes_that_are_not_warn(tmp_path: Path) -> None:
    path = tmp_path / "page.mhtml"
    headers = "Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable"
    path.write_bytes(mhtml(quopri.encodestring(POLICY.format(BODY).encode()), headers))
    assert "“always”" in load_policy(path).text
    wrong = POLICY.format(BODY).encode("utf-8").replace("—".encode(), b"\xff")
    headers = "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64"
    path.write_bytes(mhtml(base64.encodebytes(wrong), headers))
    policy = load_policy(path)
    assert "\ufffd" in policy.text and any("not valid utf-8" in warning for warning in policy.warnings)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Just some text, not a saved page at all.\n", "is not a saved web page (MHTML)"),
        (mhtml(b"", "Content-Type: text/html").replace(b"text/html\r\n", b"text/css\r\n", 1), "holds no HTML page"),
        (mhtml(b"", "Content-Type: text/html", boundary="elsewhere"), "holds no HTML page"),
        (mhtml(b"PGh0bWw+PGJvZHk+!!!", "Content-Type: text/html\r\nContent-Transfer-Encoding: base64"), "cannot be"),
        (mhtml(b"   ", "Content-Type: text/html"), "its HTML part cannot be decoded"),
    ],
    ids=["not-mime", "no-html-part", "wrong-boundary", "bad-base64", "empty-html"],
)
def test_a_damaged_mhtml_file_gets_one_clear_line(tmp_path: Path, data: bytes, message: str, capsys) -> None:
    path = tmp_path / "page.mhtml"
    path.write_bytes(data)
    with pytest.raises(PolicyError, match=re.escape(message)):
        load_policy(path)
    assert main(["clauses", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]


def test_a_cut_off_file_still_reads_the_html_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "page.mhtml"
    headers = "Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable"
    path.write_bytes(mhtml(quopri.encodestring(POLICY.format(BODY).encode()), headers, close=False))
    assert "six years" in load_policy(path).text


def test_clauses_says_how_much_of_a_saved_single_file_page_was_kept(capsys) -> None:
    assert main(["clauses", str(SAVED)]) == 0
    out = capsys.readouterr().out
    assert "format mhtml" in out and "web page: kept" in out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1).filter(
            lambda text: any(char.isalnum() for char in text)
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["quoted-printable", "base64"]),
)
def test_any_page_reads_the_same_saved_as_one_file_or_as_html(
    tmp_path: Path, paragraphs: list[str], encoding: str
) -> None:
    body = "".join(f"<p>{html_module.escape(text)}</p>" for text in paragraphs)
    page = f"<html><head><meta charset='utf-8'></head><body><main><h1>Privacy</h1>{body}</main></body></html>"
    encode = quopri.encodestring if encoding == "quoted-printable" else base64.encodebytes
    headers = f"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: {encoding}"
    (tmp_path / "p.mhtml").write_bytes(mhtml(encode(page.encode()), headers))
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    assert load_policy(tmp_path / "p.mhtml").text == load_policy(tmp_path / "p.html").text
