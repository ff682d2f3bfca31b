"""Property tests: whatever the text, segmenting keeps the policy's invariants."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy import Policy, decode_policy_bytes, parse_policy

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Lines built from the pieces the heuristics look at, so that the interesting paths are taken.
PIECES = [
    "Privacy Policy",
    "Your Rights",
    "APPENDIX",
    "NUMBER",
    "DESCRIPTION OF RIGHT",
    "Right 1",
    "Right 2",
    "How long we keep your information.",
    "Remote access support is optional.",
    "Who are we?",
    "1. Collection of information",
    "2.1 Use",
    "• item",
    "- item",
    "a) item",
    "(ii) item",
    "We collect data:",
    "Glasgow",
    "G20 0SP",
    "SK9 5AF",
    "United Kingdom",
    "Data Protection Officer,",
    "Tel: 0141 931 6400",
    "Email: x@example.com",
    "**bold**",
    "# Heading",
    "## 1\\. Title",
    "  1. ## 1\\. Title",
    "> *quote*",
    "<p>html</p>",
    "<br>",
    "[link](http://x)",
    "`code`",
    "```",
    "    indented code",
    "\u00a0",
    " ",
    "",
    "\t",
    "and",
    "or",
    "; and",
    "Ok",
    "www.example.com",
    "e.g. this.",
    "We keep your data for six years after your account is closed, as the law requires.",
    "This is information about you that you give us when you purchase a product or subscribe to a service "
    "from us, including if you download a whitepaper.",
    "[/]",
    "[@click=app.quit]x[/]",
    "\x1b[31m",
    "\u202e",
    "\u200b",
    "\r",
    "\x0c",
    "\u2028",
    "é",
    "e\u0301",
]
lines = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=40)), max_size=30)
documents = st.one_of(
    st.text(max_size=400),
    lines.map("\n".join),
    lines.map("\n\n".join),
    st.lists(st.sampled_from(PIECES), max_size=40).map("\n".join),
)


def is_space(char: str) -> bool:
    return char.isspace()


def check(policy: Policy) -> None:
    previous = 0
    blocks = sorted(
        [(c.start, c.end, c.text) for c in policy.clauses] + [(s.start, s.end, s.title) for s in policy.sections]
    )
    for start, end, text in blocks:
        assert start >= previous, "blocks overlap"
        assert policy.text[start:end] == text
        assert text and text == text.strip()
        previous = end
    clause_starts = [c.start for c in policy.clauses]
    assert clause_starts == sorted(clause_starts), "clauses out of order"
    assert [c.id for c in policy.clauses] == [f"c{i}" for i in range(1, len(policy.clauses) + 1)]
    for clause in policy.clauses:
        if clause.section is not None:
            assert clause.section.start < clause.start
    # The normalised text is exactly the blocks joined by blank lines.
    assert policy.text == "\n\n".join(text for _, _, text in blocks)


@SETTINGS
@given(documents)
def test_plain_text_invariants_and_no_lost_characters(text: str) -> None:
    policy = parse_policy(text, "text")
    check(policy)
    expected = [c for c in unicodedata.normalize("NFC", text) if not is_space(c)]
    expected = ["\ufffd" if "\ud800" <= c <= "\udfff" else c for c in expected]
    kept = [c for c in policy.text if not is_space(c)]
    assert kept == expected


@SETTINGS
@given(documents)
def test_plain_text_is_deterministic(text: str) -> None:
    one, two = parse_policy(text), parse_policy(text)
    assert one.text == two.text and one.sha256 == two.sha256
    assert [(c.id, c.text, c.section_label) for c in one.clauses] == [
        (c.id, c.text, c.section_label) for c in two.clauses
    ]


@SETTINGS
@given(documents)
def test_markdown_invariants(text: str) -> None:
    check(parse_policy(text, "markdown"))


@SETTINGS
@given(documents)
def test_html_invariants(text: str) -> None:
    check(parse_policy(text, "html"))


@SETTINGS
@given(documents, st.sampled_from(["text", "markdown", "html"]))
def test_parsing_the_normalised_text_again_keeps_it(text: str, fmt: str) -> None:
    """Normalising is idempotent for plain text: the normalised text reads back the same."""
    policy = parse_policy(text, fmt)
    again = parse_policy(policy.text, "text")
    assert [c for c in again.text if not c.isspace()] == [c for c in policy.text if not c.isspace()]


@SETTINGS
@given(st.binary(max_size=300))
def test_decoding_raises_only_policy_errors(data: bytes) -> None:
    try:
        text, _warnings = decode_policy_bytes(data, "x.txt")
    except PolicyError as error:
        assert "\n" not in str(error) and str(error).startswith("x.txt: ")
        return
    assert text.strip()
    for fmt in ("text", "markdown", "html"):
        check(parse_policy(text, fmt))
