"""Fuzz tests: whatever the input, reading it raises only AuditorError (or a subclass).

The CLI prints an :class:`AuditorError` as one line and the TUI shows it in a dialog; any other
exception escaping from reading a policy, a checklist or a session is a crash. These tests feed
random and mutated input to the readers:

* policies: random text, markdown-ish and HTML-ish text through :func:`parse_policy` (every
  format), random bytes through :func:`decode_policy_bytes`, and random bytes written to a file
  and read with :func:`load_policy` (as the CLI does);
* checklists: random text, TOML-ish text, random TOML documents and mutations of the bundled
  checklist through :func:`parse_checklist`;
* sessions: random text, TOML-ish text, mutations of a real session file (byte edits, and
  leaf values swapped for random TOML values of any type) through :func:`loads_session`.

Example counts are kept small enough that the file runs in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
import tempfile
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from auditor_tui.core.checklist import parse_checklist
from auditor_tui.core.errors import AuditorError, SessionError
from auditor_tui.core.policy import FORMATS, decode_policy_bytes, load_policy, parse_policy
from auditor_tui.core.session import (
    Event,
    Tag,
    dumps_session,
    loads_session,
    new_session,
    session_from_dict,
    session_to_dict,
)
from auditor_tui.core.workflow import sign_off, submit
from tests.conftest import POLICY_2018, REPO, TINY_CHECKLIST

# AUDITOR_FUZZ_SCALE=20 runs twenty times as many examples (a longer bug hunt).
_SCALE = float(os.environ.get("AUDITOR_FUZZ_SCALE", "1"))
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.filter_too_much]
FUZZ = settings(max_examples=int(120 * _SCALE), deadline=None, suppress_health_check=_SUPPRESS)
FEW = settings(max_examples=int(50 * _SCALE), deadline=None, suppress_health_check=_SUPPRESS)

CHECKLIST_FILE = REPO / "checklists" / "gdpr-transparency.toml"


def only_auditor_errors(function, *args, **kwargs):
    """Call *function*; an AuditorError is a fine answer, anything else fails the test."""
    try:
        return function(*args, **kwargs)
    except AuditorError as error:
        text = str(error)
        assert text, "an AuditorError with no message"
        assert "\n" not in error.message, f"error message is not one line: {text!r}"
        return None


# --------------------------------------------------------------------------- strategies

# Any character, including lone surrogates (a str can hold them; a file decoded with
# surrogateescape or a TOML "\ud800"-free parser never gives them, but the API must cope).
any_text = st.text(max_size=500)
printable_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)

MD_PIECES = [
    "# ",
    "## ",
    "###### ",
    "#",
    "1. ",
    "1) ",
    "2.1 ",
    "- ",
    "* ",
    "+ ",
    "> ",
    "> > > ",
    ">" * 40,
    "    ",
    "\t",
    "```",
    "~~~",
    "```python\n",
    "---",
    "***",
    "___",
    "**",
    "__",
    "*",
    "_",
    "`",
    "``",
    "[",
    "]",
    "(",
    ")",
    "[link](http://x)",
    "![img](x.png)",
    "<http://auto>",
    "<br>",
    "<br/>",
    "<div>",
    "</div>",
    "<p>",
    "<!--",
    "-->",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "\\.",
    "\\",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "&nbsp;",
    "[^1]",
    "[^1]: note",
    "Your Rights",
    "PRIVACY POLICY",
    "Who are we?",
    "We collect data:",
    "1\\. Title",
    "**Bold heading**",
    "**Bold**\nA long body paragraph that follows the bold heading and keeps going for a while.",
    "\n",
    "\n\n",
    " ",
    "\u00a0",
    "\u2028",
    "\r\n",
    "\r",
    "[/]",
    "[@click=app.quit]",
    "\x1b[31m",
    "\u202e",
]
markdownish = st.lists(st.one_of(st.sampled_from(MD_PIECES), st.text(max_size=20)), max_size=60).map("".join)

HTML_TAGS = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h6",
    "b",
    "strong",
    "br",
    "table",
    "tr",
    "td",
    "pre",
    "script",
    "style",
    "head",
    "svg",
    "nav",
    "template",
    "span",
    "a",
    "section",
    "body",
    "html",
    "hr",
    "x-y",
]
html_piece = st.one_of(
    st.sampled_from(HTML_TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(HTML_TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(HTML_TAGS).map(lambda t: f"<{t}/>"),
    st.sampled_from(HTML_TAGS).map(lambda t: f"<{t} class=\"x\" id='y' data-z=1 hidden>"),
    st.sampled_from(
        [
            "<!--",
            "-->",
            "<!DOCTYPE html>",
            "<![CDATA[",
            "]]>",
            "<?xml version='1.0'?>",
            "&amp;",
            "&lt;",
            "&#65;",
            "&#x1F600;",
            "&#0;",
            "&#xD800;",
            "&#x110000;",
            "&#99999999999;",
            "&bogus;",
            "&",
            "<",
            ">",
            "</",
            "<a",
            "< p>",
            "<p <p>",
            "<script>if (a < b) {}</script>",
            "<style>p{}</style>",
            "\n",
            " ",
            "\u00a0",
            "Privacy Policy",
            "We collect your data.",
            "[/]",
            "\x1b[2J",
            "\u202e",
        ]
    ),
    st.text(max_size=20),
)
htmlish = st.lists(html_piece, max_size=60).map("".join)

some_bytes = st.one_of(
    st.binary(max_size=400),
    st.tuples(
        st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x89PNG", b"%PDF", b""]), st.binary(max_size=200)
    ).map(b"".join),
    printable_text.map(lambda t: t.encode("utf-8")),
    printable_text.map(lambda t: t.encode("utf-16")),
    printable_text.map(lambda t: t.encode("utf-8", "surrogatepass")[:-1]),  # cut mid-character
)

# Any TOML value (what a hand-edited file can hold where a field is expected).
toml_scalar = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    printable_text,
    st.datetimes(timezones=st.none() | st.timezones() | st.just(dt.UTC)),
    # An offset date-time at the ends of the range has no UTC equivalent.
    st.sampled_from(
        [
            dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
            dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        ]
    ),
    st.datetimes().map(lambda d: d.date()),
    st.times(),
    st.sampled_from(["", "open", "satisfied", "c1", "c999999", "13-1-a", "controller", "in-progress", "signed-off"]),
)
toml_value = st.recursive(
    toml_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=8), children, max_size=4),
    ),
    max_leaves=12,
)


def tomlish_lines(keys: list[str]) -> st.SearchStrategy[str]:
    """Lines that look like TOML, with the keys the reader looks for."""
    key = st.one_of(st.sampled_from(keys), st.text(alphabet="abcdefghij_-.\"' ", max_size=8))
    value = st.one_of(
        st.sampled_from(
            [
                '"x"',
                "1",
                "-1",
                "true",
                "[]",
                "[1, 2]",
                '["a"]',
                "{}",
                "{ a = 1 }",
                '"""\nx\n"""',
                "'''x'''",
                "2026-01-01T00:00:00Z",
                "2026-01-01",
                "00:00:00",
                "1e400",
                "nan",
                "inf",
                '"\\u0000"',
                "0x10",
                '"',
                "[",
                "{",
                "",
            ]
        ),
        st.text(max_size=15),
    )
    line = st.one_of(
        st.tuples(key, value).map(lambda kv: f"{kv[0]} = {kv[1]}"),
        st.sampled_from(keys).map(lambda k: f"[{k}]"),
        st.sampled_from(keys).map(lambda k: f"[[{k}]]"),
        st.sampled_from(["", "#", "[", "[[", "]]", "=", "[items.tags]", "[[items.tags]]", "[a.b.c]"]),
    )
    return st.lists(line, max_size=30).map("\n".join)


def mutate(data: bytes, seed: int, edits: int) -> bytes:
    """*data* with a few random byte-level edits: cut, delete, insert, replace, duplicate, swap lines."""
    rng = random.Random(seed)
    out = bytearray(data)
    noise = [
        b"",
        b"\x00",
        b"\xff",
        b'"',
        b"'",
        b"[",
        b"]",
        b"=",
        b"\n",
        b"#",
        b"\\",
        b"{",
        b"}",
        b",",
        b"1",
        b"true",
        b"[[items]]\n",
        b'"""',
        b"\xc3",
        b"\xe2\x80\xae",
        b"\r",
    ]
    for _ in range(edits):
        kind = rng.randrange(6)
        at = rng.randrange(len(out) + 1)
        if kind == 0:
            del out[at:]
        elif kind == 1:
            del out[at : at + rng.randint(1, 40)]
        elif kind == 2:
            out[at:at] = rng.choice(noise)
        elif kind == 3 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif kind == 4:
            piece = out[at : at + rng.randint(1, 200)]
            out[at:at] = piece
        else:
            lines = bytes(out).split(b"\n")
            if len(lines) > 1:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                out = bytearray(b"\n".join(lines))
    return bytes(out)


def leaf_paths(value, prefix=()):
    """Paths to every value in nested dicts and lists (containers included)."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaf_paths(inner, prefix + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from leaf_paths(inner, prefix + (index,))


def replaced(data, path, new, *, delete=False):
    """A deep copy of *data* with the value at *path* replaced by *new* (or deleted)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
    else:
        copy = list(data)
    if rest:
        copy[head] = replaced(data[head], rest, new, delete=delete)
    elif delete:
        del copy[head]
    else:
        copy[head] = new
    return copy


# --------------------------------------------------------------------------- a real session


def _real_session_data() -> tuple[str, dict]:
    """A session with tags, notes, a sign-off and an origin: every table the format has."""
    from auditor_tui.core.checklist import parse_checklist as parse
    from auditor_tui.core.policy import load_policy as load
    from auditor_tui.core.session import Origin

    policy = load(POLICY_2018)
    checklist = parse(TINY_CHECKLIST.encode(), Path("tiny.toml"))
    session = new_session(policy, checklist, policy_path="policy.txt", auditor="alice", title="Fuzz")
    session.toggle_tag("controller", policy.clauses[0])
    session.toggle_tag("controller", policy.clauses[3])
    session.toggle_tag("retention", policy.clauses[5])
    session.set_status("controller", "satisfied")
    session.set_status("retention", "partial")
    session.set_note("retention", "a note\nover two lines")
    session.reject_suggestion("retention", "c7")
    session.origin = Origin(session="old.toml", audit_id="x", policy_path="old.txt", policy_sha256="0" * 64)
    session.items["controller"].tags[0].similarity = 87.5
    submit(session, by="alice")
    sign_off(session, reviewer="bob", actor="bob", statement="ok")
    session.history.append(Event(session.updated, "bob", "note", "controller", "extra"))
    text = dumps_session(session)
    return text, tomllib.loads(text)


SESSION_TEXT, SESSION_DATA = _real_session_data()
SESSION_PATHS = [p for p in leaf_paths(SESSION_DATA) if p]
CHECKLIST_BYTES = CHECKLIST_FILE.read_bytes()
CHECKLIST_DATA = tomllib.loads(CHECKLIST_BYTES.decode("utf-8"))
CHECKLIST_PATHS = [p for p in leaf_paths(CHECKLIST_DATA) if p]


def test_the_real_session_and_checklist_load():
    """The seeds the mutations start from are valid."""
    assert loads_session(SESSION_TEXT).signoff is not None
    assert session_from_dict(SESSION_DATA).origin is not None
    assert parse_checklist(CHECKLIST_BYTES, CHECKLIST_FILE).items


# --------------------------------------------------------------------------- policies


@FUZZ
@given(any_text, st.sampled_from(FORMATS))
def test_policy_parsing_of_random_text(text, fmt):
    only_auditor_errors(parse_policy, text, fmt)


@FUZZ
@given(markdownish)
def test_policy_parsing_of_markdownish_text(text):
    only_auditor_errors(parse_policy, text, "markdown")
    only_auditor_errors(parse_policy, text, "text")  # a .txt that looks like markdown is read as markdown too


@FUZZ
@given(htmlish)
def test_policy_parsing_of_htmlish_text(text):
    only_auditor_errors(parse_policy, text, "html")
    only_auditor_errors(parse_policy, text, "markdown")  # HTML blocks inside markdown


@FUZZ
@given(some_bytes)
@example(b"\xff\xfe\x00")  # UTF-16 BOM then an odd byte
@example(b"\xfe\xff\xd8\x00")  # UTF-16 BE lone surrogate
@example(b"\x81\x8d\x8f\x90\x9d")  # bytes cp1252 cannot decode
def test_decoding_random_bytes(data):
    result = only_auditor_errors(decode_policy_bytes, data, "fuzz.txt")
    if result is not None:
        text, _warnings = result
        assert isinstance(text, str) and text.strip()
        for fmt in FORMATS:
            only_auditor_errors(parse_policy, text, fmt)


_TMP = Path(tempfile.mkdtemp(prefix="auditor-fuzz-"))


@FEW
@given(some_bytes, st.sampled_from([".txt", ".md", ".html", ".htm", ".markdown", "", ".pdf", ".docx"]))
def test_loading_random_policy_files(data, suffix):
    path = _TMP / f"policy{suffix}"
    path.write_bytes(data)
    policy = only_auditor_errors(load_policy, path)
    if policy is not None:
        assert policy.clauses


# --------------------------------------------------------------------------- checklists


def _parse_checklist(data: bytes):
    return parse_checklist(data, Path("fuzz.toml"))


@FUZZ
@given(st.one_of(any_text.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=300)))
def test_checklist_from_random_text_and_bytes(data):
    only_auditor_errors(_parse_checklist, data)


@FUZZ
@given(
    tomlish_lines(["checklist", "items", "id", "title", "version", "refs", "keywords", "examples", "guidance", "group"])
)
def test_checklist_from_tomlish_text(text):
    only_auditor_errors(_parse_checklist, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.integers(0, 2**32), st.integers(1, 6))
def test_checklist_byte_mutations(seed, edits):
    only_auditor_errors(_parse_checklist, mutate(CHECKLIST_BYTES, seed, edits))


@FUZZ
@given(st.sampled_from(CHECKLIST_PATHS), toml_value, st.booleans())
def test_checklist_with_a_value_of_the_wrong_type_or_missing(path, value, delete):
    data = replaced(CHECKLIST_DATA, path, value, delete=delete)
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):  # tomli_w cannot write this value (e.g. a nested time zone)
        assume(False)
    only_auditor_errors(_parse_checklist, text.encode("utf-8", "surrogatepass"))


@FEW
@given(st.dictionaries(st.sampled_from(["checklist", "items", "x"]), toml_value, max_size=3))
def test_checklist_from_random_toml_documents(doc):
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):
        assume(False)
    only_auditor_errors(_parse_checklist, text.encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- sessions


@FUZZ
@given(any_text)
def test_session_from_random_text(text):
    only_auditor_errors(loads_session, text, "fuzz.toml")


@FUZZ
@given(
    tomlish_lines(
        [
            "schema_version",
            "audit",
            "policy",
            "checklist",
            "cursor",
            "items",
            "tags",
            "history",
            "signoff",
            "origin",
            "id",
            "status",
            "note",
            "clause",
            "text",
            "at",
            "who",
            "action",
            "created",
            "updated",
            "state",
            "clauses",
            "sha256",
            "path",
            "parts",
            "similarity",
        ]
    )
)
def test_session_from_tomlish_text(text):
    only_auditor_errors(loads_session, text, "fuzz.toml")


@FUZZ
@given(st.integers(0, 2**32), st.integers(1, 6))
def test_session_byte_mutations(seed, edits):
    data = mutate(SESSION_TEXT.encode("utf-8"), seed, edits)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # load_session refuses it as "not UTF-8" before parsing
    only_auditor_errors(loads_session, text, "fuzz.toml")


@FUZZ
@given(st.sampled_from(SESSION_PATHS), toml_value, st.booleans())
def test_session_with_a_value_of_the_wrong_type_or_missing(path, value, delete):
    data = replaced(SESSION_DATA, path, value, delete=delete)
    only_auditor_errors(session_from_dict, data, "fuzz.toml")
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        return
    only_auditor_errors(loads_session, text, "fuzz.toml")


@FEW
@given(st.dictionaries(st.sampled_from(list(SESSION_DATA)), toml_value, max_size=6))
def test_session_from_random_toml_documents(doc):
    merged = {**SESSION_DATA, **doc}
    only_auditor_errors(session_from_dict, merged, "fuzz.toml")
    only_auditor_errors(session_from_dict, doc, "fuzz.toml")


@FEW
@given(st.sampled_from(SESSION_PATHS), toml_value)
def test_a_loaded_session_saves_again(path, value):
    """Whatever a session file holds, if it loads it can be written back and read again."""
    data = replaced(SESSION_DATA, path, value)
    session = only_auditor_errors(session_from_dict, data, "fuzz.toml")
    if session is not None:
        again = loads_session(dumps_session(session))
        assert session_to_dict(again)["items"] == session_to_dict(session)["items"]


@pytest.mark.parametrize("field", ["created", "updated"])
@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_an_out_of_range_time_in_a_session_is_a_session_error(moment, field):
    """A hand-edited date-time whose UTC equivalent is outside years 1..9999."""
    text = re.sub(rf"^{field} = .*$", f"{field} = {moment}", SESSION_TEXT, count=1, flags=re.M)
    assert text != SESSION_TEXT
    with pytest.raises(SessionError, match=f"field '{field}' is out of range") as raised:
        loads_session(text, "fuzz.toml")
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1e308, 10**18])
def test_tag_similarity_of_any_number_loads(value):
    data = replaced(SESSION_DATA, ("items", 0, "tags", 0, "similarity"), value)
    session = session_from_dict(data, "fuzz.toml")  # loads: an AuditorError here fails the test
    again = loads_session(dumps_session(session), "fuzz.toml")  # and saves and loads back
    for loaded in (session, again):
        similarity = loaded.items["controller"].tags[0].similarity
        assert isinstance(similarity, float)
        assert math.isnan(similarity) if math.isnan(value) else similarity == value


def test_tag_helpers_cope_with_an_unusual_clause_id():
    data = replaced(SESSION_DATA, ("items", 0, "tags", 0, "clause"), "not-a-clause-id")
    session = session_from_dict(data)
    assert isinstance(session.items["controller"].tags[0], Tag)
