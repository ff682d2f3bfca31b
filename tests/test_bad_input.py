"""Bad input: every file the user can get wrong gives one clear line, never a crash or data loss.

For each kind of bad policy, checklist and session file, the CLI must exit 2 with exactly one
line on stderr (``auditor-tui: error: FILE: what is wrong (what to do)``), print no traceback,
and leave every file on disk byte-identical (no session created, none changed, no .bak
rotated). The TUI must show the problem in a dialog or a read-only banner and keep running.
Untrusted text (markup, escape sequences, control and bidi characters) must show literally and
do nothing in the CLI, the TUI and every export format.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

import auditor_tui.core.policy.decode as policy_module
from auditor_tui.cli import main
from auditor_tui.core.audit import Audit
from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy import load_policy, parse_policy
from auditor_tui.core.session import load_session
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.dialogs import MessageDialog
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.screens.start import StartScreen
from auditor_tui.ui.widgets.policy_view import PolicyView
from tests.conftest import POLICY_2018, REPO, TINY_CHECKLIST
from tests.ui_helpers import autosave

SIZE = (120, 40)

# Characters that must never reach a terminal (or an export) raw: C0 controls but newline,
# DEL and C1 controls (U+009B is a one-character CSI), bidi overrides and isolates.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNSAFE_BUT_CRLF = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# A policy written to misbehave: Textual/Rich markup, a click action, ANSI/OSC escape
# sequences, a bell, backspace, C1 CSI, bidi overrides and isolates, zero-width characters,
# and HTML that an export must not let through.
EVIL_CLAUSES = [
    "Privacy [/] and [@click=app.quit]click me[/] and [bold red]bold[/bold red] and [link=https://x.example]x[/link].",
    "Escape \x1b[31mred\x1b[0m, clear \x1b[2J, title \x1b]0;owned\x07, bell \x07 and back\x08space, C1 \x9b31m.",
    "Bidi \u202eevil\u202c and \u2066isolated\u2069 and zero\u200bwidth and \u200f marks in this clause.",
    'HTML <script>alert(1)</script> and <img src=x onerror=alert(2)> and &amp; and =HYPERLINK("x") here.',
]
EVIL_POLICY = "Evil Policy\n\n" + "\n\n".join(EVIL_CLAUSES) + "\n"
LITERALS = ["[/]", "[@click=app.quit]", "[bold red]", "␛[31m", "␛]0;owned␇", "<U+202E>", "<U+2066>"]


# --------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def _never_start_the_tui(monkeypatch):
    """A command that was expected to fail but succeeded must not start the TUI (it would hang)."""

    def refuse(audit=None):
        raise AssertionError("the command started the TUI instead of failing")

    monkeypatch.setattr("auditor_tui.cli.audit._run", refuse)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process. Returns (exit code, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *names: str, hint: bool = True) -> str:
    """stderr is exactly one ``auditor-tui: error: ...`` line naming *names*, without a traceback."""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    line = err.rstrip("\n")
    assert line.startswith("auditor-tui: error: "), line
    for name in names:
        assert name in line, f"{name!r} not named in {line!r}"
    if hint:
        assert re.search(r"\(.+\)$", line), f"no hint on what to do: {line!r}"
    assert not UNSAFE.search(line)
    return line


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file under *root* with its bytes (directories as None). Lock files are left out:
    they are advisory, empty when no one holds them, and hold no data."""
    files: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        if path.name.endswith(".lock"):
            continue
        files[str(path.relative_to(root))] = None if path.is_dir() else path.read_bytes()
    return files


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def start_audit(
    workdir: Path, policy_text: str | None = None, *, name: str = "policy.txt", session: str = "sessions/audit.toml"
) -> Audit:
    """A saved audit of *policy_text* (default: a real policy) in *workdir*."""
    if policy_text is None:
        shutil.copy(POLICY_2018, workdir / name)
    else:
        (workdir / name).write_text(policy_text, encoding="utf-8")
    return Audit.start(name, "gdpr-transparency", session_path=session, auditor="alice")


@pytest.fixture
def audit(workdir: Path) -> Audit:
    audit = start_audit(workdir)
    clauses = audit.policy.clauses
    audit.session.toggle_tag("13-1-a", clauses[0])
    audit.session.set_status("13-1-a", "satisfied")
    audit.session.set_note("13-1-a", "a note")
    audit.save()
    return audit


# --------------------------------------------------------------------------- bad policies


def _binary_nul(d: Path) -> Path:
    path = d / "nul.txt"
    path.write_bytes(b"We collect data.\x00\x00\x00\x01\x02 more text\n")
    return path


def _png(d: Path) -> Path:
    path = d / "policy.txt"  # a PNG with a text suffix
    path.write_bytes(png_bytes())
    return path


def _empty(d: Path) -> Path:
    path = d / "empty.txt"
    path.write_bytes(b"")
    return path


def _blank(d: Path) -> Path:
    path = d / "blank.md"
    path.write_text(" \n\n\t\u00a0\n   \n")
    return path


def _only_markup(d: Path) -> Path:
    path = d / "scripts.html"
    path.write_text("<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>")
    return path


def _directory(d: Path) -> Path:
    path = d / "folder.txt"
    path.mkdir()
    return path


def _missing(d: Path) -> Path:
    return d / "missing.txt"


def _bad_utf16(d: Path) -> Path:
    path = d / "u16.txt"
    path.write_bytes(b"\xff\xfeW\x00e\x00\x00\xd8x")  # a lone surrogate, and an odd length
    return path


def _control_soup(d: Path) -> Path:
    path = d / "soup.txt"
    path.write_bytes(bytes(range(1, 9)) * 200 + b"some text")
    return path


BAD_POLICIES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("empty", _empty, "the policy is empty"),
    ("blank", _blank, "the policy is empty"),
    ("nul-bytes", _binary_nul, "binary"),
    ("png", _png, "binary"),
    ("control-characters", _control_soup, "binary"),
    ("invalid-utf16", _bad_utf16, "UTF-16"),
    ("only-markup", _only_markup, "no text found"),
    ("directory", _directory, "is a directory"),
    ("missing", _missing, "no such file"),
]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in BAD_POLICIES], ids=[c[0] for c in BAD_POLICIES])
@pytest.mark.parametrize("command", ["clauses", "clauses-json", "review"])
def test_bad_policy_is_one_line_exit_2_and_changes_nothing(capsys, workdir, make, message, command):
    path = make(workdir)
    before = snapshot(workdir)
    argv = {
        "clauses": ["clauses", path.name],
        "clauses-json": ["clauses", path.name, "--format", "json"],
        "review": ["review", path.name, "--session", "sessions/new.toml"],
    }[command]
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    line = assert_one_line_error(err, path.name)
    assert message in line
    assert out == ""
    assert snapshot(workdir) == before  # no session created, nothing touched


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero, a character device (POSIX only)")
def test_a_device_file_is_refused_without_reading_it(capsys, workdir):
    """A character device (endless, size 0) is not read at all."""
    code, _, err = run_cli(capsys, "clauses", "/dev/zero")
    assert code == 2
    assert "not a regular file" in assert_one_line_error(err, "/dev/zero")


def test_policy_over_the_size_limit_is_refused_before_it_is_read(capsys, workdir, monkeypatch):
    monkeypatch.setattr(policy_module, "MAX_POLICY_BYTES", 4096)
    big = workdir / "big.txt"
    big.write_text("We collect your data to provide the service.\n\n" * 500)
    assert big.stat().st_size > 4096
    before = snapshot(workdir)

    # Reading the file at all (whole or in part) would fail loudly: the size must be checked first.
    def no_reading(*args, **kwargs):
        raise AssertionError("the policy was opened for reading although it is over the limit")

    with monkeypatch.context() as patched:
        patched.setattr(Path, "read_bytes", no_reading)
        patched.setattr(Path, "read_text", no_reading)
        patched.setattr(Path, "open", no_reading)
        with pytest.raises(PolicyError) as caught:
            load_policy(big)
        assert "over the 4.0 KiB limit" in str(caught.value) and "big.txt" in str(caught.value)
        code, out, err = run_cli(capsys, "clauses", "big.txt")
    assert code == 2 and out == ""
    line = assert_one_line_error(err, "big.txt")
    assert "limit" in line and "KiB" in line
    code, _, err = run_cli(capsys, "review", "big.txt")
    assert code == 2 and "limit" in assert_one_line_error(err, "big.txt")
    assert snapshot(workdir) == before


def test_a_policy_just_under_the_limit_is_read(capsys, workdir, monkeypatch):
    monkeypatch.setattr(policy_module, "MAX_POLICY_BYTES", 4096)
    ok = workdir / "ok.txt"
    ok.write_bytes(b"We collect your data.\n" * (4096 // 22))
    assert ok.stat().st_size <= 4096
    code, out, _ = run_cli(capsys, "clauses", "ok.txt")
    assert code == 0 and "c1" in out


def test_invalid_utf8_falls_back_to_cp1252_with_a_visible_warning(capsys, workdir):
    policy = workdir / "latin.txt"
    policy.write_bytes("Caf\u00e9 policy: we collect \u201cdata\u201d.\n\nWe keep it safe.\n".encode("cp1252"))
    code, out, err = run_cli(capsys, "clauses", "latin.txt")
    assert code == 0 and err == ""
    first = out.splitlines()[0]
    assert first.startswith("warning: ") and "latin.txt" in first and "Windows-1252" in first and "UTF-8" in first
    assert "Café policy: we collect “data”." in out
    # The warning is kept with the policy, so the review screen can show it too.
    assert load_policy(policy).warnings


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_utf8_with_a_bom_read_fine(capsys, workdir, encoding):
    text = "Café Policy\n\nWe collect your name — and “nothing else”.\n\n日本語の条項もあります。\n"
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + text).encode(encoding)  # the BOM tells the byte order
    (workdir / "bom.txt").write_bytes(data)
    code, out, err = run_cli(capsys, "clauses", "bom.txt")
    assert code == 0 and err == ""
    assert "warning" not in out
    policy = load_policy(workdir / "bom.txt")
    assert [c.text for c in policy.clauses] == [
        "We collect your name — and “nothing else”.",
        "日本語の条項もあります。",
    ]
    assert policy.sections[0].title == "Café Policy"  # no BOM character left at the start
    assert policy.sha256 == parse_policy(text, "text").sha256


# --------------------------------------------------------------------------- very long lines

SENTENCE = "We collect your personal data to provide the service and keep it safe. "


def long_line_policy() -> str:
    sentences = (SENTENCE * (100_000 // len(SENTENCE) + 1))[:100_000].strip()
    return (
        "Long Lines Policy\n\n"
        + sentences
        + "\n\nA short clause between the long lines.\n\n"
        + "a" * 100_000  # no space at all
        + "\n\n"
        + ("word " * 20_000).strip()  # words, no sentence end
        + "\n"
    )


def test_lines_of_100000_characters_parse_into_readable_clauses():
    text = "Title\n\n" + (SENTENCE * (100_000 // len(SENTENCE) + 1))[:100_000] + "\n"
    for fmt in ("text", "markdown", "html"):
        policy = parse_policy(text, fmt)
        assert len(policy.clauses) >= 60
        assert max(len(c.text) for c in policy.clauses) <= 1500, fmt
        if fmt == "text":  # nothing but the white space at the cuts is lost
            body = text[len("Title\n\n") :]
            assert "".join(c.text for c in policy.clauses).replace(" ", "") == body.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize(
    "line",
    [("word " * 20_000).strip(), ("we collect data, " * 6000).strip(), "a" * 100_000],
    ids=["words", "comma-list", "no-spaces"],
)
def test_a_100000_character_line_without_sentence_ends_is_split_too(line):
    policy = parse_policy("Title\n\n" + line + "\n", "text")
    assert max(len(c.text) for c in policy.clauses) <= 5000


async def test_the_review_screen_opens_a_policy_with_100000_character_lines(workdir):
    audit = start_audit(workdir, long_line_policy(), name="long.txt")
    app = AuditorApp(audit, sessions_dir=workdir / "sessions")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        view = screen.query_one(PolicyView)
        width = view.scrollable_content_region.width
        for keys in ([], ["end"], ["pageup"], ["pageup", "pageup"], ["home"], ["pagedown"] * 3):
            await pilot.press(*keys)
            await pilot.pause()
            strips = [view.render_line(y) for y in range(view.size.height)]
            assert all(strip.cell_length == width for strip in strips)
            assert any(strip.text.strip() for strip in strips)
        await pilot.press("end", "t")
        await autosave(pilot)
        assert app.is_running and isinstance(app.screen, ReviewScreen)
        item_id = screen.item_id
    saved = load_session(audit.path)
    assert saved.items[item_id].tags[-1].clause == audit.policy.clauses[-1].id


# --------------------------------------------------------------------------- markup, escapes, bidi


def test_clauses_shows_markup_escapes_and_bidi_literally(capsys, workdir):
    (workdir / "evil.txt").write_text(EVIL_POLICY, encoding="utf-8")
    code, out, err = run_cli(capsys, "clauses", "evil.txt")
    assert code == 0 and err == ""
    assert not UNSAFE.search(out), [hex(ord(c)) for c in UNSAFE.findall(out)]
    for literal in LITERALS + ["<script>alert(1)</script>", "<U+009B>31m", "<U+200B>"]:
        assert literal in out, literal
    code, out, _ = run_cli(capsys, "clauses", "evil.txt", "--format", "json")
    assert code == 0 and not UNSAFE.search(out)
    data = json.loads(out)
    assert [c["text"] for c in data["clauses"]] == EVIL_CLAUSES  # exact text, escaped in JSON


async def test_the_review_screen_shows_markup_and_escapes_literally(workdir):
    audit = start_audit(workdir, EVIL_POLICY, name="evil.txt")
    app = AuditorApp(audit, sessions_dir=workdir / "sessions")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        view = screen.query_one(PolicyView)
        for _ in EVIL_CLAUSES:  # tag every clause: the detail pane quotes them too
            await pilot.press("t", "down")
        await pilot.press("d", "ctrl+p", "escape")
        await pilot.pause()
        lines = [view.render_line(y).text for y in range(view.size.height)]
        gutter = view.gutter_width
        assert app.is_running and app.screen is screen  # [@click=app.quit] did not quit, [/] did not crash
    text = "\n".join(lines)
    assert not UNSAFE.search(text), [hex(ord(c)) for c in UNSAFE.findall(text)]
    # The text column without the gutter, word-wrapped lines joined again.
    joined = " ".join(line[gutter:].strip() for line in lines)
    for literal in LITERALS + [
        "<script>alert(1)</script>",
        "Privacy [/] and [@click=app.quit]click me[/] and [bold red]",
    ]:
        assert literal in joined, literal
    assert len(load_session(audit.path).items["13-1-a"].tags) == len(EVIL_CLAUSES)


@pytest.fixture
def evil_audit(workdir: Path) -> Audit:
    audit = start_audit(workdir, EVIL_POLICY, name="evil.txt")
    for clause in audit.policy.clauses:
        audit.session.toggle_tag("13-1-a", clause)
    audit.session.set_note("13-1-a", "Note [/] \x1b[31mred\x1b[0m \u202eevil\u202c <b>bold</b>\n=cmd|' /C calc'!A0")
    audit.session.set_status("13-1-a", "partial")
    audit.save()
    return audit


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
@pytest.mark.parametrize("to", ["file", "stdout"])
def test_every_export_format_shows_untrusted_text_safely(capsys, evil_audit, workdir, fmt, to):
    session_bytes = evil_audit.path.read_bytes()
    if to == "file":
        code, out, err = run_cli(capsys, "export", str(evil_audit.path), "-o", f"out.{fmt}")
        assert code == 0 and err == "" and "DRAFT" in out
        text = (workdir / f"out.{fmt}").read_text(encoding="utf-8")
    else:
        code, text, err = run_cli(capsys, "export", str(evil_audit.path), "--format", fmt)
        assert code == 0 and err == ""
    assert evil_audit.path.read_bytes() == session_bytes
    unsafe = (UNSAFE_BUT_CRLF if fmt == "csv" else UNSAFE).findall(text)
    assert not unsafe, [hex(ord(c)) for c in unsafe]
    if fmt == "json":
        record = json.loads(text)
        item = next(i for i in record["items"] if i["id"] == "13-1-a")
        assert [e["text"] for e in item["evidence"]] == EVIL_CLAUSES  # exact, escaped by JSON
        assert item["note"].startswith("Note [/] \x1b[31m")
        return
    if fmt == "html":
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>bold" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        for literal in ["[/]", "[@click=app.quit]", "␛[31m", "&lt;U+202E&gt;"]:
            assert literal in text, literal
    elif fmt == "md":
        assert "<script>" not in text.split("<!-- auditor-tui-record")[0]
        for literal in [r"\[/\]", r"\[@click=app.quit\]", r"␛\[31m", r"\<U+202E\>", r"\<script\>"]:
            assert literal in text, literal
    else:  # csv
        for literal in ["[/]", "[@click=app.quit]", "␛[31m", "<U+202E>", "<script>alert(1)</script>"]:
            assert literal in text, literal
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        cells = [cell for row in rows for cell in row]  # the record's base64 rows too
        assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert any(cell.startswith("Note [/]") and "\n=cmd|" in cell for cell in cells)  # inside its cell


# --------------------------------------------------------------------------- bad checklists


def _tiny(d: Path, text: str, name: str = "list.toml") -> Path:
    path = d / name
    path.write_text(text, encoding="utf-8")
    return path


BAD_CHECKLISTS: list[tuple[str, Callable[[Path], Path], str]] = [
    (
        "duplicate-ids",
        lambda d: _tiny(d, TINY_CHECKLIST.replace('id = "retention"', 'id = "controller"')),
        "duplicate item id 'controller'",
    ),
    ("no-items", lambda d: _tiny(d, TINY_CHECKLIST.split("[[items]]")[0]), "has no items"),
    ("empty-items", lambda d: _tiny(d, TINY_CHECKLIST.split("[[items]]")[0] + "items = []\n"), "has no items"),
    (
        "item-id-wrong-type",
        lambda d: _tiny(d, TINY_CHECKLIST.replace('id = "retention"', "id = 7")),
        "field 'id' must be a string",
    ),
    ("bad-item-id", lambda d: _tiny(d, TINY_CHECKLIST.replace('id = "retention"', 'id = "Has Spaces"')), "id must be"),
    (
        "missing-title",
        lambda d: _tiny(d, TINY_CHECKLIST.replace('title = "How long data is kept"\n', "")),
        "missing field 'title'",
    ),
    ("malformed-toml", lambda d: _tiny(d, TINY_CHECKLIST.replace("[[items]]", "[[items]", 1)), "not valid TOML"),
    ("not-utf8", lambda d: (d / "list.toml").write_bytes(b"\xff\xfe[checklist]") and d / "list.toml", "not UTF-8"),
    ("empty-file", lambda d: _tiny(d, ""), "missing [checklist] table"),
    ("directory", lambda d: (d / "list.toml").mkdir() or d / "list.toml", "is a directory"),
    ("missing", lambda d: d / "list.toml", "no such checklist file"),
]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in BAD_CHECKLISTS], ids=[c[0] for c in BAD_CHECKLISTS])
@pytest.mark.parametrize("command", ["review", "resume"])
def test_bad_checklist_is_one_line_exit_2_and_changes_nothing(capsys, audit, workdir, make, message, command):
    path = make(workdir)
    before = snapshot(workdir)
    argv = {
        "review": ["review", "policy.txt", "--checklist", str(path), "--session", "sessions/new.toml"],
        "resume": ["resume", str(audit.path), "--checklist", str(path)],
    }[command]
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    line = assert_one_line_error(err, path.name, hint=False)
    assert message in line
    assert snapshot(workdir) == before


def test_a_checklist_directory_error_says_what_to_do(capsys, audit, workdir):
    (workdir / "list.toml").mkdir()
    code, _, err = run_cli(capsys, "review", "policy.txt", "--checklist", "list.toml")
    assert code == 2
    assert_one_line_error(err, "list.toml", hint=True)


def test_an_unknown_checklist_id_lists_the_known_ones(capsys, workdir):
    shutil.copy(POLICY_2018, workdir / "policy.txt")
    code, _, err = run_cli(capsys, "review", "policy.txt", "--checklist", "no-such-list")
    assert code == 2
    line = assert_one_line_error(err, "no-such-list")
    assert "gdpr-transparency" in line
    assert not (workdir / "sessions").exists()


# --------------------------------------------------------------------------- bad sessions


def _edit(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)

    return edit


BAD_SESSIONS: list[tuple[str, Callable[[str], str | bytes], str]] = [
    ("malformed-toml", _edit('status = "satisfied"', "status = satisfied"), "not valid TOML"),
    ("truncated", lambda t: t[: len(t) // 2].rsplit("\n", 1)[0] + '\nnote = "unfinished', "not valid TOML"),
    ("cut-mid-table", lambda t: t[: t.index("[[items]]") + 5], "not valid TOML"),
    ("newer-schema", _edit("schema_version = 2", "schema_version = 3"), "schema_version 3 is newer"),
    ("missing-field", _edit('auditor = "alice"\n', ""), "missing field 'auditor'"),
    ("missing-table", lambda t: re.sub(r"\[policy\]\n(.+\n)+", "", t, count=1), "missing field 'policy'"),
    ("wrong-type", _edit("clauses = ", 'clauses = "many" #'), "field 'clauses' must be an integer, not a string"),
    ("wrong-type-time", _edit("created = ", 'created = "yesterday" #'), "field 'created' must be a date-time"),
    (
        "local-time",
        lambda t: re.sub(r"created = (\S+ \S+)\+00:00", r"created = \1", t, count=1),
        "UTC time with an offset",
    ),
    ("wrong-status", _edit('status = "satisfied"', 'status = "done"'), "status 'done' is not one of"),
    (
        "items-not-a-list",
        lambda t: (t[: t.index("\n[[items]]")] + t[t.index("\n[[history]]") :]).replace(
            "schema_version = 2\n", 'schema_version = 2\nitems = "none"\n'
        ),
        "field 'items' must be a list",
    ),
    ("item-twice", lambda t: t + '\n[[items]]\nid = "13-1-a"\nstatus = "open"\n', "appears twice"),
    (
        "items-not-in-checklist",
        _edit('id = "13-1-b"', 'id = "zz-not-in-the-checklist"'),
        "are not in checklist gdpr-transparency",
    ),
    ("empty-file", lambda t: "", "missing field 'schema_version'"),
    ("not-utf8", lambda t: t.encode("utf-8").replace(b"alice", b"al\xffce"), "not UTF-8"),
    ("nul-bytes", lambda t: t.encode("utf-8").replace(b"alice", b"al\x00ce"), "not valid TOML"),
]


SESSION_COMMANDS = ["resume", "export", "submit", "reopen", "verify"]


@pytest.mark.parametrize(
    ("command", "edit", "message"),
    [
        pytest.param(command, edit, message, id=f"{command}-{name}")
        for name, edit, message in BAD_SESSIONS
        for command in SESSION_COMMANDS
        # reopen and verify read the session alone, without its checklist
        if not (command in ("reopen", "verify") and name == "items-not-in-checklist")
    ],
)
def test_bad_session_is_one_line_exit_2_and_changes_nothing(capsys, audit, workdir, edit, message, command):
    edited = edit(audit.path.read_text(encoding="utf-8"))
    if isinstance(edited, bytes):
        audit.path.write_bytes(edited)
    else:
        audit.path.write_text(edited, encoding="utf-8")
    before = snapshot(workdir)
    argv = {
        "resume": ["resume", str(audit.path)],
        "export": ["export", str(audit.path), "-o", "out.md"],
        "submit": ["submit", str(audit.path)],
        "reopen": ["reopen", str(audit.path)],
        "verify": ["verify", str(audit.path)],
    }[command]
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    line = assert_one_line_error(err, audit.path.name, hint=message not in ("not UTF-8",))
    assert message in line
    assert snapshot(workdir) == before  # byte-identical, no .bak rotated, no export written


@pytest.mark.parametrize("kind", ["missing", "directory"])
@pytest.mark.parametrize("command", ["resume", "export", "submit", "signoff", "request-changes", "reopen", "verify"])
def test_missing_session_or_directory_is_one_line_exit_2(capsys, workdir, kind, command):
    path = workdir / "sessions" / "x.toml"
    if kind == "directory":
        path.mkdir(parents=True)
    before = snapshot(workdir)
    extra = {"signoff": ["--reviewer", "bob"], "request-changes": ["--reviewer", "bob", "--comment", "c"]}.get(
        command, []
    )
    code, out, err = run_cli(capsys, command, str(path), *extra)
    assert code == 2 and out == ""
    line = assert_one_line_error(err, "x.toml", hint=False)
    assert ("no such" if kind == "missing" else "is a directory") in line
    assert snapshot(workdir) == before


@pytest.mark.parametrize("name", ["policy.txt", "policy.html", "policy.pdf"])
@pytest.mark.parametrize("command", ["resume", "export", "submit"])
def test_a_policy_given_for_a_session_says_so_and_how_to_review_it(capsys, workdir, name, command):
    """A policy where a session is wanted is not a damaged session: no .bak to restore, but the
    command that audits it."""
    path = workdir / name
    if name.endswith(".pdf"):
        path.write_bytes(b"%PDF-1.4\n\xff\xfe\x00 binary")
    else:
        shutil.copy(POLICY_2018, path)
    before = snapshot(workdir)
    code, out, err = run_cli(capsys, command, str(path))
    assert code == 2 and out == ""
    line = assert_one_line_error(err, name)
    assert "not a session file" in line and f"auditor-tui review {path}" in line
    assert ".bak" not in line
    assert snapshot(workdir) == before


@pytest.mark.parametrize(
    "case",
    ["binary-policy", "png-policy", "malformed-session", "newer-session", "duplicate-checklist"],
)
def test_python_dash_m_prints_one_line_and_exits_2(workdir, case):
    """The real entry point, in a fresh interpreter: exit 2, one line, no traceback."""
    shutil.copy(POLICY_2018, workdir / "policy.txt")
    (workdir / "nul.txt").write_bytes(b"text\x00\x00binary")
    (workdir / "image.png").write_bytes(png_bytes())
    (workdir / "dup.toml").write_text(TINY_CHECKLIST.replace('id = "retention"', 'id = "controller"'))
    (workdir / "s.toml").write_text("schema_version = 1\n[audit\n")
    (workdir / "n.toml").write_text("schema_version = 3\n")
    argv = {
        "binary-policy": ["clauses", "nul.txt"],
        "png-policy": ["review", "image.png"],
        "malformed-session": ["resume", "s.toml"],
        "newer-session": ["export", "n.toml"],
        "duplicate-checklist": ["review", "policy.txt", "--checklist", "dup.toml"],
    }[case]
    before = snapshot(workdir)
    result = subprocess.run(
        [sys.executable, "-m", "auditor_tui", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=workdir,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(workdir),
            "XDG_CONFIG_HOME": str(workdir / "cfg"),
            "PYTHONPATH": str(REPO),
        },
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert_one_line_error(result.stderr, argv[1] if case != "duplicate-checklist" else "dup.toml")
    assert snapshot(workdir) == before


# --------------------------------------------------------------------------- the policy moved or changed


def _move_policy(workdir: Path) -> str:
    (workdir / "policy.txt").rename(workdir / "elsewhere.txt")
    return "is missing"


def _change_policy(workdir: Path) -> str:
    with (workdir / "policy.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n\nA new paragraph added after the audit was started.\n")
    return "has changed"


def _break_policy(workdir: Path) -> str:
    (workdir / "policy.txt").write_bytes(png_bytes())
    return "cannot be read"


def _policy_is_a_directory(workdir: Path) -> str:
    (workdir / "policy.txt").unlink()
    (workdir / "policy.txt").mkdir()
    return "is missing"


POLICY_CHANGES = [
    ("moved", _move_policy),
    ("changed", _change_policy),
    ("now-binary", _break_policy),
    ("now-a-directory", _policy_is_a_directory),
]


@pytest.mark.parametrize("change", [c[1] for c in POLICY_CHANGES], ids=[c[0] for c in POLICY_CHANGES])
def test_a_session_whose_policy_moved_or_changed_opens_read_only(capsys, audit, workdir, change):
    says = change(workdir)
    opened = Audit.open(audit.path)
    assert opened.read_only and says in opened.read_only_reason and "policy.txt" in opened.read_only_reason
    # The quoted evidence is still there, under its clause id.
    assert [c.id for c in opened.policy.clauses] == [audit.policy.clauses[0].id]
    assert opened.policy.clauses[0].text == audit.policy.clauses[0].text
    before = snapshot(workdir)
    with pytest.raises(Exception, match="not saved"):
        opened.save()
    # Exporting still works (from the quotes); changing the workflow state is refused when the
    # file exists but is not the one audited.
    code, out, err = run_cli(capsys, "export", str(audit.path), "--format", "json")
    assert code == 0 and json.loads(out)["items"][0]["evidence"][0]["text"] == audit.policy.clauses[0].text
    if says != "is missing":
        code, out, err = run_cli(capsys, "submit", str(audit.path))
        assert code == 2 and out == ""
        assert "refused" in assert_one_line_error(err, hint=False)
    assert snapshot(workdir) == before


@pytest.mark.parametrize("change", [c[1] for c in POLICY_CHANGES[:2]], ids=[c[0] for c in POLICY_CHANGES[:2]])
async def test_the_review_screen_says_read_only_and_never_writes(audit, workdir, change):
    says = change(workdir)
    opened = Audit.open(audit.path)
    before = snapshot(workdir)
    app = AuditorApp(opened, sessions_dir=workdir / "sessions")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        banner = str(screen.query_one("#audit-banner").content)  # a line of its own, under the header
        assert "READ-ONLY" in banner and says in banner
        await pilot.press("t", "1", "down", "t", "3", "ctrl+s")
        assert screen._save_timer is None  # read-only: no save was scheduled (press returns once keys are handled)
        await pilot.pause()
        assert app.is_running and app.screen is screen
        await pilot.press("q")
        await pilot.pause()
    assert snapshot(workdir) == before
    assert opened.session.items["13-1-a"].status == "satisfied"  # unchanged in memory too


async def test_a_policy_path_with_markup_in_a_read_only_banner_does_not_crash(audit, workdir):
    text = audit.path.read_text(encoding="utf-8").replace('path = "policy.txt"', 'path = "old[/]policy.txt"', 1)
    audit.path.write_text(text, encoding="utf-8")
    opened = Audit.open(audit.path)
    assert "[/]" in opened.read_only_reason
    app = AuditorApp(opened, sessions_dir=workdir / "sessions")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReviewScreen)


# --------------------------------------------------------------------------- the start screen


async def test_the_start_screen_lists_unreadable_sessions_and_opening_one_shows_an_error(audit, workdir):
    sessions = workdir / "sessions"
    good = audit.path.read_text(encoding="utf-8")
    # No .bak beside these (a readable .bak would make the screen offer to restore it).
    bad = {
        "malformed.toml": good.replace('status = "satisfied"', "status = satisfied"),
        "truncated.toml": good[: len(good) // 3],
        "newer.toml": good.replace("schema_version = 2", "schema_version = 9"),
        "missing-field.toml": good.replace('auditor = "alice"\n', ""),
        "wrong-type.toml": good.replace("clauses = ", 'clauses = "x" #'),
    }
    for name, text in bad.items():
        (sessions / name).write_text(text, encoding="utf-8")
    (sessions / "not-utf8.toml").write_bytes(b"\xff\xfe\xfd")
    (sessions / "folder.toml").mkdir()
    # Loads, but its items are not those of its checklist: listed, refused when opened.
    (sessions / "foreign-items.toml").write_text(good.replace('id = "13-1-b"', 'id = "zz-foreign"'), encoding="utf-8")
    unreadable = set(bad) | {"not-utf8.toml", "folder.toml"}
    before = snapshot(workdir)

    app = AuditorApp(sessions_dir=sessions)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await pilot.pause()
        start = app.screen
        assert isinstance(start, StartScreen)
        table = start.query_one("#sessions")
        rows = {Path(str(key.value)).name: table.get_row(key) for key in table.rows}
        assert set(rows) == unreadable | {"audit.toml", "foreign-items.toml"}
        for name in unreadable:
            assert "unreadable" in str(rows[name][1]), name
        assert "unreadable" not in str(rows["audit.toml"][1])
        for name in sorted(unreadable | {"foreign-items.toml"}):
            table.move_cursor(row=table.get_row_index(str(sessions / name)))
            await pilot.press("enter")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, MessageDialog), (name, dialog)
            assert name in dialog.message and "\n" not in dialog.message
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is start and app.is_running
        # The good one still opens.
        table.move_cursor(row=table.get_row_index(str(sessions / "audit.toml")))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    after = snapshot(workdir)
    for name in unreadable | {"foreign-items.toml"}:
        key = f"sessions/{name}"
        assert after[key] == before[key], name
        assert f"{key}.bak" not in after and f"{key}.broken" not in after
