"""Reading policies: the five real policies, the HTML and markdown fixtures, decoding errors."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy import (
    Policy,
    decode_policy_bytes,
    detect_format,
    load_policy,
    normalise_line,
    parse_policy,
    read_policy_file,
)
from auditor_tui.core.policy import decode as policy_module

FIXTURES = Path(__file__).parent / "fixtures"
POLICIES = FIXTURES / "policies"
P2017 = POLICIES / "000_1962084fed24df79.txt"
P2007 = POLICIES / "001_39e66615e43b07e0.txt"
P2018 = POLICIES / "002_7e1e5664a066436e.txt"
P003 = POLICIES / "003_4465fd82b2b0db32.txt"
P004 = POLICIES / "004_aa02e47dc2da3b1a.txt"
ALL = [P2017, P2007, P2018, P003, P004]

NUMBERED_SECTIONS_2017 = [
    "1. Collection of information",
    "2. Use of information",
    "3. Disclosure of information",
    "4. Monitoring",
    "5. Protection of information",
    "6. Links to 3rd Party Web Sites.",
    "7. Transferring data outside of the UK",
    "8. Changes to this policy",
    "9. Contact Us",
]


def titles(policy: Policy) -> list[str]:
    return [section.title for section in policy.sections]


def first_clause(policy: Policy, title: str) -> str:
    """The text of the first clause directly under the section titled *title*."""
    for clause in policy.clauses:
        if clause.section is not None and clause.section.title == title:
            return clause.text
    raise AssertionError(f"no clause under {title!r}")


def clause_starting(policy: Policy, prefix: str):
    found = [c for c in policy.clauses if c.text.startswith(prefix)]
    assert len(found) == 1, f"{len(found)} clauses start with {prefix!r}"
    return found[0]


def check_invariants(policy: Policy) -> None:
    previous_end = 0
    for index, clause in enumerate(policy.clauses):
        assert clause.id == f"c{index + 1}" and clause.index == index
        assert policy.text[clause.start : clause.end] == clause.text
        assert clause.start >= previous_end
        assert clause.text and clause.text == clause.text.strip()
        assert "\n\n" not in clause.text
        previous_end = clause.end
    for section in policy.sections:
        assert policy.text[section.start : section.end] == section.title
        assert "\n" not in section.title and section.title
        assert section.path[-1] == section.title
    assert policy.clause("c1") is policy.clauses[0]


# --------------------------------------------------------------------------- the real policies


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:3])
def test_real_policies_offsets_and_ids(path: Path) -> None:
    policy = load_policy(path)
    check_invariants(policy)
    assert policy.warnings == ()
    assert len(policy.sha256) == 64


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:3])
def test_real_policies_lose_no_words(path: Path) -> None:
    """Every word of the file is in the policy text, in order (markdown: link targets aside)."""
    policy = load_policy(path)
    raw = path.read_text(encoding="utf-8")
    words = re.findall(r"\w+", policy.text)
    if policy.format == "text":
        assert words == re.findall(r"\w+", raw)
    else:
        raw = re.sub(r"\]\((?:https?|mailto):[^)]*\)", "]", raw)
        raw = re.sub(r"^ {0,3}\d+\. (?=##)", "", raw, flags=re.M)  # the list number before "## 1\."
        assert words == re.findall(r"\w+", raw)


def test_2017_markdown_sections() -> None:
    policy = load_policy(P2017)
    assert policy.format == "markdown"
    assert titles(policy) == ["Privacy Policy", *NUMBERED_SECTIONS_2017]
    assert [s.level for s in policy.sections] == [1] + [2] * 9
    assert policy.sections[1].path == ("Privacy Policy", "1. Collection of information")


def test_2017_provenance_header_is_a_clause_before_the_first_heading() -> None:
    policy = load_policy(P2017)
    first = policy.clauses[0]
    assert first.section is None and first.section_label == ""
    assert first.text.startswith("The following text is extracted and transformed from the redstation.co.uk")
    assert first.text.endswith("for the most accurate reproduction.")
    assert "original snapshot on the Wayback Machine" in first.text


def test_2017_first_clauses() -> None:
    policy = load_policy(P2017)
    assert first_clause(policy, "Privacy Policy") == (
        "iomart Group plc considers the protection of your privacy to be of utmost importance."
    )
    assert first_clause(policy, "1. Collection of information") == (
        "We may collect personal information about you when:"
    )
    assert first_clause(policy, "3. Disclosure of information").startswith("3.1. We may disclose information")
    assert first_clause(policy, "4. Monitoring").startswith("We may monitor and record calls")
    # The NBSP filler line after the paragraph is not text.
    assert first_clause(policy, "6. Links to 3rd Party Web Sites.").endswith(
        "applies solely to information collected on iomart group websites."
    )


def test_2017_flattened_list_stays_one_clause() -> None:
    policy = load_policy(P2017)
    clause = clause_starting(policy, "you take a service or product from us")
    assert clause.text == (
        "you take a service or product from us you contact us with an enquiry or in response to a communication from us"
    )
    assert clause.section.title == "1. Collection of information"


def test_2017_address_is_one_clause() -> None:
    policy = load_policy(P2017)
    clause = clause_starting(policy, "iomart Group plc\n")
    assert clause.text.split("\n") == [
        "iomart Group plc",
        "Lister Pavilion",
        "Kelvin Campus",
        "West of Scotland Science Park",
        "Glasgow",
        "G20 0SP",
        "United Kingdom",
        "Tel: 44 (0) 141 931 6400",
        "Email: [email protected]",
    ]
    assert clause.section.title == "9. Contact Us"
    assert clause is policy.clauses[-1]


def test_2007_sections_align_with_2017() -> None:
    old, new = load_policy(P2007), load_policy(P2017)
    assert old.format == "markdown"
    assert titles(old) == [
        "iomart - UK Datacentres -UK Colocation - A fresh Approach",
        *NUMBERED_SECTIONS_2017[:5],
        "6. The Internet/Online",
        *NUMBERED_SECTIONS_2017[6:],
    ]
    # Same numbering, same level in both versions (### in 2007, ## in 2017).
    assert [s.level for s in old.sections] == [s.level for s in new.sections]
    shared = set(titles(old)) & set(titles(new))
    assert len(shared) == 8


def test_2007_provenance_and_first_clauses() -> None:
    policy = load_policy(P2007)
    assert policy.clauses[0].section is None
    assert policy.clauses[0].text.startswith("The following text is extracted and transformed from the easypost.com")
    title = "iomart - UK Datacentres -UK Colocation - A fresh Approach"
    assert first_clause(policy, title).startswith("iomart Limited (“We” “Our”) considers the protection")
    assert first_clause(policy, "4. Monitoring") == (
        "We may monitor and record calls made to us for the purposes of quality assurance, legal, regulatory and"
        " training purposes."
    )
    assert (
        first_clause(policy, "6. The Internet/Online")
        == "6.1 We do not use Cookies on our group websites which include:"
    )


def test_2007_bullets_are_clauses_with_their_lead_in() -> None:
    policy = load_policy(P2007)
    section = [c.text for c in policy.clauses if c.section and c.section.title == "1. Collection of information"]
    assert section == [
        "We may collect personal information about you when:",
        "• you to take a service or product from us",
        "• you contact us with an enquiry or in response to a communication from us",
        "We may take this information from you in a number of ways:",
        "• Internet & email",
        "• Telephone (both fixed and mobile)",
        "• Fax",
        "• Text message or similar multimedia messaging application",
    ]
    disclosure = [c.text[:5] for c in policy.clauses if c.section and c.section.title == "3. Disclosure of information"]
    assert disclosure == ["3.1. ", "3.2. "]


def test_2007_address_is_one_clause() -> None:
    policy = load_policy(P2007)
    assert policy.clauses[-1].text.split("\n") == [
        "iomart Limited",
        "Lister Pavilion",
        "Kelvin Campus",
        "West of Scotland Science Park",
        "Glasgow",
        "G20 0SP",
        "United Kingdom",
        "Tel: 44 (0) 141 931 6400",
        "email: info@iomart.com",
    ]


SECTIONS_2018 = [
    "Privacy Policy",
    "Who are we?",
    "Relevant Legislation",
    "Collection of Personal Information",
    "Personal information you give to us.",
    "Personal information we collect from you.",
    "Information we collect from other sources.",
    "What Happens If You Don’t Provide Your Personal Information?",
    "Securing Your Personal Information",
    "Retaining Your Personal Information",
    "Social Media and Other Websites You Visit",
    "Monitoring",
    "Where We Store Your Personal Data",
    "Your Rights",
    "Contact Us and Complaints",
    "Changes to This Privacy Policy",
    "APPENDIX",
    "Top Layer Privacy Notice",
    "How Will We Use Your Information",
    "Information you give us.",
    "Information we collect about you.",
    "Information we receive from other sources.",
    "Using Your Information In Accordance With Data Protection Laws",
    "Disclosure of Your Information to Others",
    "Controller Contact Details",
]


def test_2018_sections() -> None:
    policy = load_policy(P2018)
    assert policy.format == "text"
    assert titles(policy) == SECTIONS_2018
    by_title = {s.title: s for s in policy.sections}
    assert by_title["Your Rights"].path == ("Privacy Policy", "Your Rights")
    assert by_title["Personal information you give to us."].path == (
        "Privacy Policy",
        "Collection of Personal Information",
        "Personal information you give to us.",
    )
    assert by_title["Controller Contact Details"].path == (
        "Privacy Policy",
        "APPENDIX",
        "Top Layer Privacy Notice",
        "Controller Contact Details",
    )


def test_2018_first_clauses() -> None:
    policy = load_policy(P2018)
    assert policy.clauses[0].text == "http://www.iomart.com/privacy-policy/"
    assert policy.clauses[0].section is None
    assert first_clause(policy, "Who are we?").startswith("The iomart Group, consisting of iomart Group Plc")
    assert first_clause(policy, "Retaining Your Personal Information").startswith(
        "We will take steps to ensure that the personal information that we hold about you is retained"
    )
    assert first_clause(policy, "Your Rights").startswith("You have a number of rights under data protection laws")
    appendix = next(s for s in policy.sections if s.title == "APPENDIX")
    assert policy.clauses_in(appendix)[0].section.title == "How Will We Use Your Information"
    assert first_clause(policy, "Information you give us.") == "We will use this information:"
    assert first_clause(policy, "Controller Contact Details").startswith("The controller of this website is:")
    assert policy.clauses[-1].text == "Ok"


def test_2018_rights_rows_are_one_clause_each() -> None:
    policy = load_policy(P2018)
    rows = [c for c in policy.clauses if c.text.startswith("Right ")]
    assert [c.text.split("\n")[0] for c in rows] == [f"Right {n}" for n in range(1, 9)]
    assert rows[0].text == (
        "Right 1\nA right to access personal data held by us about you, as well as information about how we are"
        " using your data ."
    )
    assert all(c.text.count("\n") == 1 and c.section.title == "Your Rights" for c in rows)
    assert not any(s.title.startswith("Right ") for s in policy.sections)


def test_2018_table_header_is_not_two_empty_sections() -> None:
    policy = load_policy(P2018)
    assert "NUMBER" not in titles(policy) and "DESCRIPTION OF RIGHT" not in titles(policy)
    header = clause_starting(policy, "NUMBER")
    assert header.text == "NUMBER\nDESCRIPTION OF RIGHT"
    assert header.section.title == "Your Rights"
    assert policy.clauses[header.index + 1].text.startswith("Right 1\n")


def test_2018_addresses_are_one_clause_each() -> None:
    policy = load_policy(P2018)
    ico = clause_starting(policy, "First Contact Team")
    assert ico.text.split("\n") == [
        "First Contact Team",
        "Information Commissioner’s Office",
        "Wycliffe House",
        "Water Lane",
        "Wilmslow",
        "SK9 5AF",
    ]
    dpo = clause_starting(policy, "Data Protection Officer,")
    assert dpo.text.split("\n") == [
        "Data Protection Officer,",
        "iomart Group Plc,",
        "Lister Pavilion,",
        "Kelvin Campus,",
        "West of Scotland Science Park,",
        "Glasgow",
        "G20 0SP",
        "United Kingdom",
    ]
    assert dpo.section.title == "Contact Us and Complaints"
    office = clause_starting(policy, "Lister Pavilion,")
    assert office.text.endswith("G20 0SP\nUnited Kingdom") and office.section.title == "Controller Contact Details"
    for line in ("Wycliffe House", "Glasgow", "United Kingdom", "SK9 5AF", "Data Protection Officer,"):
        assert line not in titles(policy)


def test_2018_list_items_stay_separate() -> None:
    policy = load_policy(P2018)
    assert clause_starting(policy, "in order to enforce or apply our site terms of use").text == (
        "in order to enforce or apply our site terms of use; and"
    )
    assert clause_starting(policy, "We are making substantial changes").text == "We are making substantial changes, or"
    assert clause_starting(policy, "B) Links contained on our site").section.title == (
        "Social Media and Other Websites You Visit"
    )


SECTIONS_003 = [
    "Privacy Policy",
    "Information you share with us.",
    "What your information is used for.",
    "How long we keep your information.",
    "How your information is stored.",
    "Credit Card Information.",
    "Remote Access.",
    "Telephone Calls.",
    "Use of Third Party Controllers and Processors.",
    "Updating our privacy policy.",
]


def test_003_sections_after_filler_lines() -> None:
    policy = load_policy(P003)
    assert policy.format == "text"
    assert titles(policy) == SECTIONS_003
    assert [s.level for s in policy.sections] == [1] + [2] * 9
    assert policy.sections[3].path == ("Privacy Policy", "How long we keep your information.")
    assert "\u00a0" not in policy.text


def test_003_first_clauses_and_short_sentences() -> None:
    policy = load_policy(P003)
    assert first_clause(policy, "Information you share with us.").startswith("Personal data/information not only")
    assert first_clause(policy, "How long we keep your information.").startswith(
        "We retain contact information account data for as long as necessary"
    )
    assert first_clause(policy, "Remote Access.").startswith("Processing of personal data is unavoidable")
    assert first_clause(policy, "Telephone Calls.").startswith("We use call recording for monitoring service levels")
    short = clause_starting(policy, "Remote access support is optional.")
    assert short.text == "Remote access support is optional." and short.section.title == "Remote Access."
    consent = clause_starting(policy, "All parties in the call")
    assert consent.section.title == "Telephone Calls."
    # The trailing NBSP on a line is white space, not text.
    assert clause_starting(policy, "Our remote access is carried out").text.endswith("security-information")


def test_004_title_and_clauses() -> None:
    policy = load_policy(P004)
    assert titles(policy) == ["Privacy Policy"]
    assert first_clause(policy, "Privacy Policy").startswith("We don't like people invading our privacy")
    assert clause_starting(policy, "This Privacy Policy was last updated").text == (
        "This Privacy Policy was last updated on 25th May 2018"
    )
    assert clause_starting(policy, "To identify you").text == "To identify you on our Customer Centre;"
    assert len(policy.clauses) == 12
    assert all(c.section is policy.sections[0] for c in policy.clauses)


def test_successive_versions_share_clauses() -> None:
    """2007, 2017 and 2018 are versions of one policy: some clauses are word for word the same."""
    v2007, v2017, _v2018 = ({c.text for c in load_policy(p).clauses} for p in (P2007, P2017, P2018))
    assert any(t.startswith("We maintain strict security measures") for t in v2007 & v2017)
    assert any(t.startswith("It may be necessary for us, in the normal course") for t in v2007 & v2017)


# --------------------------------------------------------------------------- fingerprint


def test_fingerprint_is_stable_and_changes_with_text() -> None:
    one, two = load_policy(P2018), load_policy(P2018)
    assert one.sha256 == two.sha256
    assert [c.sha256 for c in one.clauses] == [c.sha256 for c in two.clauses]
    raw = P2018.read_text(encoding="utf-8")
    assert parse_policy(raw).sha256 == one.sha256
    assert parse_policy(raw.replace("within one month", "within two months")).sha256 != one.sha256


def test_fingerprint_ignores_layout_only_differences() -> None:
    text = "Your Rights\nYou may ask for a copy of the data we hold about you at any time you like.\nOk"
    spaced = "  Your   Rights \r\n\r\n\tYou may ask for a copy of the data we hold about you at any time you like.\u00a0\nOk\n"
    assert parse_policy(text).sha256 == parse_policy(spaced).sha256
    assert (
        parse_policy(text).text
        == "Your Rights\n\nYou may ask for a copy of the data we hold about you at any time you like.\n\nOk"
    )


# --------------------------------------------------------------------------- other formats


def test_html_fixture() -> None:
    policy = load_policy(FIXTURES / "sample_policy.html")
    check_invariants(policy)
    assert policy.format == "html"
    assert titles(policy) == ["Example Ltd Privacy Policy", "Information We Collect", "Cookies", "Contact Us"]
    assert [s.level for s in policy.sections] == [1, 2, 3, 2]
    texts = [c.text for c in policy.clauses]
    assert texts == [
        "Example Ltd & its partners respect your privacy — this policy explains how.",
        "We collect the following information when you register:",
        "your name & e-mail address;",
        "your postal address <if you give it>;",
        "payment details, processed by our bank.",
        "We use cookies to remember your settings. See the café example.",
        "Write to us at:",
        "Example Ltd\n1 High Street\nLondon\nSW1A 1AA",
    ]
    assert "SCRIPT" not in policy.text and "NOT SHOWN" not in policy.text and "font-family" not in policy.text
    assert "Home" not in policy.text  # navigation
    assert policy.clauses[5].section.path == ("Example Ltd Privacy Policy", "Information We Collect", "Cookies")


def test_markdown_fixture() -> None:
    policy = load_policy(FIXTURES / "sample_policy.md")
    check_invariants(policy)
    assert policy.format == "markdown"
    assert titles(policy) == ["Example Privacy Notice", "Who We Are", "What We Collect", "Retention", "Contact"]
    texts = [c.text for c in policy.clauses]
    assert texts[0] == "This notice explains how we use your data. Prices start at 1. We use code too."
    assert texts[1] == (
        "Example Ltd is the controller of your personal data.\nThis paragraph is hard-wrapped over\n"
        "three lines in the source file."
    )
    assert texts[2:8] == [
        "We collect:",
        "your name",
        "your e-mail address",
        "your postal address, if you give it",
        "First numbered item.",
        "Second numbered item.",
    ]
    assert first_clause(policy, "Retention").startswith("We keep your data for six years")
    assert texts[-1] == "Example Ltd\n1 High Street\nLondon\nSW1A 1AA"


def test_markdown_numbered_and_bold_headings() -> None:
    text = (
        "# Privacy\n\nIntro text for the policy.\n\n"
        "1. Collection of information\n\nWe collect what you give us when you sign up.\n\n"
        "2. Use of information\n\nWe use it to run the service.\n\n"
        "**Your Rights**\n\nYou may ask us for a copy.\n\n"
        "  3. ## 3\\. Contact Us\n\nWrite to us.\n"
    )
    policy = parse_policy(text, "markdown")
    assert titles(policy) == [
        "Privacy",
        "1. Collection of information",
        "2. Use of information",
        "Your Rights",
        "3. Contact Us",
    ]
    assert first_clause(policy, "Your Rights") == "You may ask us for a copy."


def test_detect_format() -> None:
    assert detect_format(Path("a.md")) == "markdown"
    assert detect_format(Path("a.MARKDOWN")) == "markdown"
    assert detect_format(Path("a.htm")) == "html"
    assert detect_format(Path("a.HTML")) == "html"
    assert detect_format(Path("a.txt"), "Hello\nWorld") == "text"
    assert detect_format(P2017, P2017.read_text(encoding="utf-8")) == "markdown"
    assert detect_format(P2018, P2018.read_text(encoding="utf-8")) == "text"
    assert detect_format(P003, P003.read_text(encoding="utf-8")) == "text"


def test_unknown_format_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="unknown policy format"):
        parse_policy("text", "pdf")


# --------------------------------------------------------------------------- plain text heuristics


def test_plain_text_hard_wrapped_numbered_and_address() -> None:
    text = (
        "ACME PRIVACY NOTICE\n\n"
        "1. Introduction\n"
        "This notice explains how Acme Ltd collects and uses personal data when\n"
        "you use our website and services. It applies to customers and visitors.\n"
        "We are the controller of your data.\n\n"
        "2. Data We Collect\n\n"
        "We collect the following data:\nName\nEmail address\nPhone number\n\n"
        "We use analytics cookies to measure traffic on our pages and to understand which\n"
        "features are popular. You can switch these off in your browser settings at any time.\n\n"
        "Contact Us\nAcme Ltd\n1 High Street\nLondon\nSW1A 1AA\nUnited Kingdom\nTel: 020 7946 0000\n"
    )
    policy = parse_policy(text)
    check_invariants(policy)
    assert titles(policy) == ["ACME PRIVACY NOTICE", "1. Introduction", "2. Data We Collect", "Contact Us"]
    texts = [c.text for c in policy.clauses]
    assert texts[0].count("\n") == 2 and texts[0].startswith("This notice explains")
    assert texts[1:5] == ["We collect the following data:", "Name", "Email address", "Phone number"]
    assert texts[-1] == "Acme Ltd\n1 High Street\nLondon\nSW1A 1AA\nUnited Kingdom\nTel: 020 7946 0000"
    assert policy.clauses[-1].section.title == "Contact Us"


def test_plain_text_sentence_is_not_a_heading_without_structure() -> None:
    text = (
        "Privacy Policy\n\nCookies help us improve our site.\n\n"
        "We use analytics cookies to measure traffic on our pages and to understand which features are popular.\n"
    )
    policy = parse_policy(text)
    assert titles(policy) == ["Privacy Policy"]
    assert next(c.text for c in policy.clauses) == "Cookies help us improve our site."


def test_last_title_like_line_is_a_clause() -> None:
    policy = parse_policy(
        "Your Rights\nYou can ask us for a copy of your data at any time by writing to us.\nThank You"
    )
    assert titles(policy) == ["Your Rights"]
    assert policy.clauses[-1].text == "Thank You"


def test_long_paragraph_is_split_at_sentence_ends() -> None:
    sentence = "We keep your data safe with encryption and access controls in every system we run. "
    paragraph = (sentence * 40).strip()
    policy = parse_policy(paragraph)
    check_invariants(policy)
    assert len(policy.clauses) > 1
    assert all(len(c.text) <= 1200 for c in policy.clauses)
    assert " ".join(c.text for c in policy.clauses) == paragraph


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_markup_like_text_is_kept_literally(fmt: str) -> None:
    line = "Click [@click=app.quit]x[/] or [bold]this[/] now [/] \x1b[31mred\x1b[0m \x1b]8;;http://e.x\x07link"
    policy = parse_policy(f"Heading\n\n{line}\n", fmt)
    text = policy.clauses[-1].text
    assert "[@click=app.quit]x[/]" in text and "[bold]this[/]" in text and "[/]" in text
    assert "\x1b[31mred\x1b[0m" in text
    check_invariants(policy)


def test_normalise_line() -> None:
    assert normalise_line("  a\u00a0\u00a0b\t c\u2009d\u3000 ") == "a b c d"
    assert normalise_line("\u00a0") == ""


def test_empty_and_blank_text_give_no_clauses() -> None:
    assert parse_policy("").clauses == ()
    assert parse_policy(" \n\u00a0\n\t\n").clauses == ()
    assert parse_policy("", "markdown").clauses == () and parse_policy("", "html").clauses == ()


# --------------------------------------------------------------------------- decoding and file errors


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "p.txt", codecs.BOM_UTF8 + "Privacy Policy\nWe respect your privacy. Café.\n".encode())
    policy = load_policy(path)
    assert not policy.text.startswith("\ufeff")
    assert policy.sections[0].title == "Privacy Policy"
    assert policy.warnings == ()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    path = write(tmp_path, "p.txt", bom + "Privacy Policy\nWe respect your privacy. Café.\n".encode(encoding))
    policy = load_policy(path)
    assert "Café" in policy.text
    assert policy.warnings == ()


def test_cp1252_fallback_gives_a_warning(tmp_path: Path) -> None:
    data = "Privacy Policy\nWe don’t sell your data – ever. Café.\n".encode("cp1252")
    path = write(tmp_path, "p.txt", data)
    policy = load_policy(path)
    assert "don’t" in policy.text and "–" in policy.text and "Café" in policy.text
    assert len(policy.warnings) == 1
    assert "p.txt" in policy.warnings[0] and "Windows-1252" in policy.warnings[0]


def test_invalid_bytes_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "p.txt", b"Privacy \x81\x8d\x8f\x90 policy\n")
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    message = str(error.value)
    assert "p.txt" in message and "not valid UTF-8" in message and "re-save the file as UTF-8" in message
    assert "\n" not in message


def test_invalid_utf16_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "p.txt", codecs.BOM_UTF16_LE + b"a\x00\x00\xd8")  # lone high surrogate
    with pytest.raises(PolicyError, match="invalid UTF-16"):
        load_policy(path)


@pytest.mark.parametrize(
    "data",
    [
        b"Privacy\x00Policy\x00\x00\x01",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\x89PNG\r\n\x1a\nIHDR without a NUL",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04 a zip file",
        bytes(range(1, 9)) * 200,
    ],
    ids=["nul", "png", "png-no-nul", "pdf", "zip", "control"],
)
def test_binary_files_are_refused(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "p.txt", data)
    with pytest.raises(PolicyError, match="binary") as error:
        load_policy(path)
    assert str(error.value).startswith(str(path))


@pytest.mark.parametrize(
    "data", [b"", b"   \n\n\t  \r\n", "\u00a0\n\u2003\n".encode()], ids=["empty", "spaces", "nbsp"]
)
def test_empty_files_are_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(PolicyError, match="the policy is empty"):
        load_policy(write(tmp_path, "p.txt", data))


def test_markup_only_file_has_no_text(tmp_path: Path) -> None:
    path = write(tmp_path, "p.html", b"<html><head><title>x</title></head><body><script>1</script></body></html>")
    with pytest.raises(PolicyError, match="no text found"):
        load_policy(path)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="is a directory") as error:
        load_policy(tmp_path)
    assert str(tmp_path) in str(error.value)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="no such file") as error:
        load_policy(tmp_path / "nope.txt")
    assert "nope.txt" in str(error.value) and "check the path" in str(error.value)


def test_oversize_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "big.txt", b"Privacy policy text. " * 100)
    monkeypatch.setattr(policy_module, "MAX_POLICY_BYTES", 1000)

    def no_read(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_read)
    with pytest.raises(PolicyError, match="over the 1000 bytes limit") as error:
        read_policy_file(path)
    assert "big.txt" in str(error.value) and "2.1 KiB" in str(error.value)


def test_file_growing_past_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "big.txt", b"Privacy policy text. " * 100)
    monkeypatch.setattr(policy_module, "MAX_POLICY_BYTES", 1000)
    real_stat = Path.stat

    class SmallStat:
        def __init__(self, result):
            self._result = result

        def __getattr__(self, name):
            return 10 if name == "st_size" else getattr(self._result, name)

    monkeypatch.setattr(Path, "stat", lambda self, **kw: SmallStat(real_stat(self, **kw)))
    with pytest.raises(PolicyError, match="over the 1000 bytes limit"):
        read_policy_file(path)


def test_decode_policy_bytes_directly() -> None:
    text, warnings = decode_policy_bytes(b"Privacy\n")
    assert text == "Privacy\n" and warnings == []
    with pytest.raises(PolicyError, match="the policy is empty"):
        decode_policy_bytes(b"")


def test_policy_errors_are_one_line(tmp_path: Path) -> None:
    for data in (b"", b"\x00\x01", b"\x81\x8d"):
        with pytest.raises(PolicyError) as error:
            load_policy(write(tmp_path, "x.txt", data))
        assert "\n" not in str(error.value) and str(error.value).startswith(str(tmp_path))
