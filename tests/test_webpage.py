"""Saved web pages: the policy is read, the page around it (and anything hidden) dropped."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor_tui.cli import main
from auditor_tui.core.policy import load_policy, parse_policy
from auditor_tui.core.policy.readers import html, webpage
from tests.test_policy import check_invariants

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = FIXTURES / "saved_page.html"

FURNITURE = [
    "We use cookies to give you the best shopping experience",  # the cookie banner
    "Store finder",  # the menu
    "TEXTAREA DRAFT",
    "Help › Privacy",  # the breadcrumb
    "Customer service",  # the sidebar
    "Sign up to our newsletter",
    "Careers",  # the footer
    "Registered in England and Wales",
    "Back to top",
    "TRACKING SCRIPT",
]
HIDDEN = ["HIDDEN ATTRIBUTE OFFER", "DISPLAY NONE COUPON CODE", "ARIA HIDDEN ICON TEXT"]


def texts(policy) -> list[str]:
    return [c.text for c in policy.clauses]


def test_a_saved_page_is_read_for_its_policy_only() -> None:
    policy = load_policy(PAGE)
    check_invariants(policy)
    assert policy.format == "html"
    assert [s.title for s in policy.sections] == [
        "Example Shop Privacy Policy",
        "Information we collect",
        "How long we keep your data",
        "Your rights",
    ]
    assert texts(policy)[1:5] == [
        "We collect the personal information you give us when you create an account or place an order:",
        "your name, e-mail address and delivery address;",
        "your payment details, processed by our payment provider;",
        "the orders you place and the items you return.",
    ]
    assert texts(policy)[5:9] == ["Data", "Retention period", "Account details", "Until you close your account"]
    assert "Write to privacy@example-shop.test" in policy.text
    for junk in FURNITURE + HIDDEN:
        assert junk not in policy.text, junk


def test_a_collapsed_section_of_policy_prose_is_kept() -> None:
    """A hidden panel of policy sentences is a collapsed section ("read more"), not furniture."""
    policy = load_policy(PAGE)
    assert texts(policy)[-1].startswith("You may also complain to the data protection authority")


def test_whole_page_keeps_everything() -> None:
    policy = load_policy(PAGE, whole_page=True)
    check_invariants(policy)
    for text in [*FURNITURE[:-1], *HIDDEN, "Example Shop Privacy Policy", "Six years, for tax law"]:
        assert text in policy.text, text
    assert "TRACKING SCRIPT" not in policy.text  # scripts are never text
    assert policy == html.read_whole(PAGE.read_bytes(), PAGE)
    assert len(policy.clauses) > len(load_policy(PAGE).clauses)


def test_clauses_says_how_much_of_the_page_was_kept(capsys) -> None:
    assert main(["clauses", str(PAGE)]) == 0
    out = capsys.readouterr().out
    assert "web page: kept 13 of 36 clauses (62% of the words); --whole-page reads everything" in out
    assert "Store finder" not in out
    assert main(["clauses", str(PAGE), "--whole-page"]) == 0
    out = capsys.readouterr().out
    assert "Store finder" in out and "web page: kept" not in out


def test_hidden_elements_go_whatever_hides_them() -> None:
    page = (
        "<main><h1>Privacy</h1><p>We collect your name and e-mail address to deliver your orders to you.</p>"
        '<p hidden>one</p><p style="color:red; DISPLAY : none">two</p><p aria-hidden="true">three</p>'
        '<p style="visibility:hidden">four</p><textarea>five</textarea><select><option>six</option></select>'
        "<p>We keep it for six years.</p></main>"
    )
    policy = parse_policy(page, "html")
    assert texts(policy) == [
        "We collect your name and e-mail address to deliver your orders to you.",
        "We keep it for six years.",
    ]


def test_a_page_of_short_lines_only_is_read_whole() -> None:
    """Nothing reads as content (no 12-word block): nothing is dropped but hidden parts."""
    page = "<ul><li>Privacy</li><li>We keep data.</li></ul><p>Ask us.</p><p hidden>x</p>"
    assert texts(parse_policy(page, "html")) == ["Privacy", "We keep data.", "Ask us."]


def test_text_around_dropped_parts_and_comments_stays_in_place() -> None:
    page = "<p>We collect your name,<!-- note --> your address <span hidden>(secret)</span>and \x1b[31m more.</p>"
    assert texts(parse_policy(page, "html")) == ["We collect your name, your address and \x1b[31m more."]


def test_terms_of_use_printed_above_the_policy_are_trimmed() -> None:
    terms = "".join(
        f"<h2>{n}. Terms</h2><p>You agree not to copy, resell or frame any part of the site, its "
        f"design or its contents, and any dispute shall be settled in the courts of Utopia. {n}</p>"
        for n in range(1, 9)
    )
    policy_part = "".join(
        f"<h2>Privacy {n}</h2><p>We collect personal information such as your e-mail address and "
        f"share it with third parties only with your consent; you may access or delete it. {n}</p>"
        for n in range(1, 5)
    )
    policy = parse_policy(f"<main><h1>Terms of use</h1>{terms}<h1>Privacy policy</h1>{policy_part}</main>", "html")
    assert "courts of Utopia" not in policy.text
    assert policy.sections[0].title == "Privacy policy" and len(policy.clauses) == 4


def test_a_short_low_vocabulary_end_of_the_policy_is_kept() -> None:
    """Only a long run (150 words or more) is trimmed: a contact address at the end stays."""
    page = (
        "<main><h1>Privacy policy</h1>"
        + "<p>We collect personal data about you and share it with third parties with your consent.</p>" * 5
        + "<h2>Contact</h2><p>Example Ltd, 1 High Street, Glasgow G1 1AA, United Kingdom, telephone 0141 000 0000.</p>"
        "</main>"
    )
    assert "1 High Street" in parse_policy(page, "html").text


def test_menus_inside_the_page_body_still_go() -> None:
    """A container holding most of the page is the page's body whatever its name (ASP.NET
    wraps every page in a <form>); the menus inside it still go."""
    policy_text = "<p>We collect personal data to run the service and we never sell it to anyone else.</p>" * 6
    menu = '<ul class="menu">' + "".join(f'<li><a href="/{n}">Link {n}</a></li>' for n in range(10)) + "</ul>"
    policy = parse_policy(f"<form id='aspnetForm'>{menu}<h1>Privacy</h1>{policy_text}</form>", "html")
    assert len(policy.clauses) == 6 and "Link 3" not in policy.text


def test_link_text_that_spells_an_address_counts_as_content() -> None:
    page = (
        "<main><p>To opt out of interest-based advertising, visit one of these pages at any time you like:</p>"
        '<ul><li><a href="http://optout.example">http://optout.example/choices</a></li></ul>'
        '<p><a href="/x">Read more</a></p></main>'
    )
    policy = parse_policy(page, "html")
    assert "http://optout.example/choices" in policy.text and "Read more" not in policy.text


def test_unparseable_or_empty_input() -> None:
    assert webpage.main_content("") is None
    assert webpage.main_content("   \n") is None
    assert parse_policy("<!-- only a comment -->", "html").clauses == ()
    assert texts(parse_policy('<?xml version="1.0" encoding="utf-8"?><p>Hello there.</p>', "html")) == ["Hello there."]


def test_extraction_figures() -> None:
    from auditor_tui.core.policy import decode_policy_bytes

    text, _ = decode_policy_bytes(PAGE.read_bytes(), PAGE)
    extraction = webpage.main_content(text)
    assert extraction is not None
    assert 0 < extraction.kept_blocks < extraction.blocks and 0 < extraction.kept_words < extraction.words
    assert extraction.collapsed == 1


pieces = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div hidden>",
        "</div>",
        "<nav>",
        "</nav>",
        '<div class="menu">',
        "<a href='x'>",
        "</a>",
        "<h2>Title</h2>",
        "<li>",
        "<!-- c -->",
        "We collect your personal data and share it with third parties when you agree to it. ",
        "Home ",
        "\x1b[2J",
        "&amp; ",
        "<br>",
        "<table><tr><td>",
        "</td></tr></table>",
        '<span style="display:none">',
        "</span>",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(pieces, max_size=40).map("".join))
def test_main_content_is_deterministic_and_never_adds_text(page: str) -> None:
    main = parse_policy(page, "html")
    if main.clauses:
        check_invariants(main)
    assert main == parse_policy(page, "html")
    # Markup may or may not separate words (a stray end tag such as "</p>" is dropped by the
    # parser, joining the text around it), so a word read may be one of either reading.
    apart = re.findall(r"[^\W_]+", unescape(re.sub(r"<[^>]*>", " ", page)))
    joined = re.findall(r"[^\W_]+", unescape(re.sub(r"<[^>]*>", "", page)))
    assert set(re.findall(r"[^\W_]+", main.text)) <= set(apart) | set(joined)


def test_what_is_left_out_never_joins_the_words_around_it() -> None:
    """A script, a menu or a hidden block between two words leaves them two words (hypothesis
    found "\\x1b[2J<nav>…</nav>Home" read as the one word "2JHome")."""
    assert texts(parse_policy("<p>Data we keep<script>var a = 1;</script>for a year.</p>", "html")) == [
        "Data we keep for a year."
    ]
    assert texts(parse_policy("<p>Ask us<nav>Home</nav>first.</p>", "html")) == ["Ask us", "first."]
    hidden = parse_policy("<p>We keep it<span style='display:none'>x</span>for a year.</p>", "html")
    assert texts(hidden) == ["We keep it for a year."]
    block = parse_policy("\x1b[2J<div hidden><h2>Title</h2></div>We collect your data when you agree.", "html")
    assert "2JWe" not in block.text and "We collect your data when you agree." in block.text


def test_both_html_readers_know_the_same_blocks() -> None:
    """A footer, a fieldset, its legend and a menu are blocks of their own in the whole-page
    reading as in the main content's (the whole-page reader once knew fewer, and read "We keep
    data<footer>Copyright</footer>" as "We keep dataCopyright")."""
    page = "<p>We keep data<footer>Copyright 2020</footer></p><fieldset><legend>Choices</legend>Opt out</fieldset>"
    expected = ["We keep data", "Copyright 2020", "Choices", "Opt out"]
    assert [unit.text for unit in html.units_from_html(page)] == expected
    assert [block.text for block in html.blocks_from_whole_html(f"<menu>Home</menu>{page}")][1:] == expected
