"""The PDF reader: reading order, furniture, hyphens, headings, pages, and refused files.

The PDFs are drawn in the tests with reportlab (a test-only dependency, BSD licence), so each
test says exactly what is on the page and in which order it is drawn.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import reportlab  # noqa: F401  (the test extra installs it: a missing one must fail, not skip)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.export import export_text
from auditor_tui.core.policy import load_policy
from auditor_tui.core.session import Tag, session_from_dict, session_to_dict

PAGE = (612.0, 792.0)  # US letter, as browsers print
BODY = "Helvetica"
BOLD = "Helvetica-Bold"

Draw = Callable[[canvas.Canvas, int], None]


def make_pdf(path: Path, pages: list[Draw], **options) -> Path:
    """A PDF with one page per drawing function (each gets the canvas and the 1-based page)."""
    pdf = canvas.Canvas(str(path), pagesize=PAGE, **options)
    for number, draw in enumerate(pages, 1):
        draw(pdf, number)
        pdf.showPage()
    pdf.save()
    return path


def lines(pdf: canvas.Canvas, texts: list[str], *, x: float = 72, y: float = 700, size: float = 10, font=BODY):
    """Draw *texts* one under the other; return the y below the last."""
    pdf.setFont(font, size)
    for text in texts:
        pdf.drawString(x, y, text)
        y -= size * 1.25
    return y


LEFT = [
    "Our company collects the personal data that",
    "you give us when you register for an account,",
    "together with the details of your orders and",
    "the messages you send to our support team.",
    "We keep these records for six years at most.",
]
RIGHT = [
    "We share data with the carriers that deliver",
    "your orders and with our payment processors,",
    "who act on our instructions and may not use",
    "it for their own purposes at any time, ever.",
    "You may ask for a copy of your data at once.",
]


def test_two_columns_drawn_row_by_row_are_read_column_by_column(tmp_path: Path) -> None:
    def page(pdf: canvas.Canvas, _number: int) -> None:
        pdf.setFont(BODY, 10)
        y = 700.0
        for left, right in zip(LEFT, RIGHT, strict=True):  # across the page, as some printers draw
            pdf.drawString(60, y, left)
            pdf.drawString(320, y, right)
            y -= 12.5

    policy = load_policy(make_pdf(tmp_path / "columns.pdf", [page]))
    assert [c.text for c in policy.clauses] == [" ".join(LEFT), " ".join(RIGHT)]


def test_two_columns_drawn_column_by_column_stay_in_order(tmp_path: Path) -> None:
    def page(pdf: canvas.Canvas, _number: int) -> None:
        lines(pdf, LEFT, x=60)
        lines(pdf, RIGHT, x=320)

    policy = load_policy(make_pdf(tmp_path / "columns.pdf", [page]))
    assert [c.text for c in policy.clauses] == [" ".join(LEFT), " ".join(RIGHT)]


def test_a_table_drawn_row_by_row_stays_row_by_row(tmp_path: Path) -> None:
    rows = [("Cookie", "Purpose"), ("_ga", "Analytics"), ("sid", "Session"), ("lang", "Language"), ("cart", "Basket")]

    def page(pdf: canvas.Canvas, _number: int) -> None:
        lines(pdf, ["Our cookies are these, each with what it is for."], x=60, y=720)
        pdf.setFont(BODY, 10)
        for index, (name, purpose) in enumerate(rows):
            pdf.drawString(60, 690 - 20 * index, name)
            pdf.drawString(320, 690 - 20 * index, purpose)

    text = load_policy(make_pdf(tmp_path / "table.pdf", [page])).text
    assert text.index("_ga") < text.index("Analytics") < text.index("sid") < text.index("Session")


def _furnished(body: list[list[str]]) -> list[Draw]:
    def draw_for(texts: list[str]) -> Draw:
        def page(pdf: canvas.Canvas, number: int) -> None:
            lines(pdf, ["ACME Ltd - Privacy Notice - Confidential"], x=72, y=760, size=8)
            lines(pdf, texts, x=72, y=700)
            lines(pdf, [f"Page {number} of {len(body)}"], x=280, y=30, size=8)
            lines(pdf, ["www.acme.example/privacy"], x=450, y=30, size=8)

        return page

    return [draw_for(texts) for texts in body]


def test_running_headers_footers_and_page_numbers_are_dropped(tmp_path: Path) -> None:
    body = [
        ["We collect your name and your e-mail address", "when you sign up for our newsletter."],
        ["We use your e-mail address only to send you", "the newsletter you asked for."],
        ["You can unsubscribe at any time with the link", "at the end of every newsletter."],
    ]
    policy = load_policy(make_pdf(tmp_path / "furniture.pdf", _furnished(body)))
    assert [c.text for c in policy.clauses] == [" ".join(texts) for texts in body]
    for furniture in ("Confidential", "Page 1", "of 3", "acme.example"):
        assert furniture not in policy.text


def test_a_one_page_pdf_keeps_its_only_lines_but_drops_the_page_number(tmp_path: Path) -> None:
    policy = load_policy(make_pdf(tmp_path / "one.pdf", _furnished([["We sell nothing to anyone."]])))
    assert "ACME Ltd - Privacy Notice - Confidential" in policy.text  # once is not a running header
    assert "Page 1 of 1" not in policy.text


def test_a_paragraph_runs_on_over_a_page_break(tmp_path: Path) -> None:
    first = ["We keep the records of your orders for as long", "as the tax authorities require, which is"]
    second = ["six years from the end of the financial year.", "Then we delete them."]
    policy = load_policy(make_pdf(tmp_path / "break.pdf", _furnished([first, second])))
    assert [c.text for c in policy.clauses] == [" ".join(first + second)]
    assert policy.clauses[0].page == 1


def test_a_word_split_by_a_hyphen_at_a_line_end_is_joined(tmp_path: Path) -> None:
    texts = [
        "We share your data with third-party carriers and collect per-",
        "sonal data only when you order. We never sell it to a third-",
        "party, and our partners are bound by con-",
        "tracts that forbid it.",
    ]

    def page(pdf: canvas.Canvas, _number: int) -> None:
        lines(pdf, texts)

    policy = load_policy(make_pdf(tmp_path / "hyphen.pdf", [page]))
    assert [c.text for c in policy.clauses] == [
        "We share your data with third-party carriers and collect personal data only when you order. "
        "We never sell it to a third-party, and our partners are bound by contracts that forbid it."
    ]


def test_headings_come_from_the_outline(tmp_path: Path) -> None:
    sections = [("Who we are", 0), ("What we collect", 0), ("From you", 1), ("From others", 1)]

    def page(pdf: canvas.Canvas, number: int) -> None:
        title, level = sections[number - 1]
        pdf.bookmarkPage(f"s{number}", top=720)
        pdf.addOutlineEntry(title, f"s{number}", level=level)
        # The headings look like the body: only the outline says what they are.
        lines(pdf, [title, "This part of the policy says what it says in one line."], y=700)

    policy = load_policy(make_pdf(tmp_path / "outline.pdf", [page] * 4))
    assert [(s.title, s.level) for s in policy.sections] == [
        ("Who we are", 1),
        ("What we collect", 1),
        ("From you", 2),
        ("From others", 2),
    ]
    assert policy.clauses[2].section_label == "What we collect › From you"


def test_headings_come_from_font_size_and_weight(tmp_path: Path) -> None:
    def page(pdf: canvas.Canvas, _number: int) -> None:
        y = lines(pdf, ["Privacy Policy"], y=740, size=20, font=BOLD) - 10
        y = lines(pdf, ["Information we collect"], y=y, size=14, font=BOLD) - 4
        y = lines(pdf, ["We collect the name and address you give us when you order."], y=y) - 6
        y = lines(pdf, ["Cookies"], y=y, size=10, font=BOLD) - 2
        y = lines(pdf, ["We use one cookie to keep you signed in while you shop."], y=y) - 6
        y = lines(pdf, ["Your rights"], y=y, size=14, font=BOLD) - 4
        lines(pdf, ["You may ask us for a copy of your data, or to delete it."], y=y)

    policy = load_policy(make_pdf(tmp_path / "fonts.pdf", [page]))
    assert [(s.title, s.level) for s in policy.sections] == [
        ("Privacy Policy", 1),
        ("Information we collect", 2),
        ("Cookies", 3),
        ("Your rights", 2),
    ]
    assert [c.section_label for c in policy.clauses] == [
        "Privacy Policy › Information we collect",
        "Privacy Policy › Information we collect › Cookies",
        "Privacy Policy › Your rights",
    ]


def _three_pages(tmp_path: Path) -> Path:
    texts = [
        ["We collect your name when you register."],
        ["We keep your orders for six years."],
        ["You may ask us to delete your data."],
    ]
    return make_pdf(tmp_path / "policy.pdf", _furnished(texts))


def test_each_clause_knows_its_page_and_a_tag_and_its_export_cite_it(tmp_path: Path) -> None:
    policy = load_policy(_three_pages(tmp_path))
    assert [c.page for c in policy.clauses] == [1, 2, 3]
    tag = Tag.of(policy.clauses[1])
    assert tag.page == 2 and tag.where == "p. 2"


def test_a_tags_page_is_saved_only_when_set_and_shown_in_exports(tmp_path: Path, workdir: Path) -> None:
    from tests.ui_helpers import make_audit

    (tmp_path / "made").mkdir()
    audit = make_audit(workdir, policy=_three_pages(tmp_path / "made"), name="policy.pdf")
    clause = audit.policy.clauses[2]
    item = next(iter(audit.session.items))
    audit.session.items[item].tags.append(Tag.of(clause))
    audit.session.items[item].tags.append(Tag("c9", "", "a quote from a text policy", "0" * 64))
    data = session_to_dict(audit.session)
    saved = next(i for i in data["items"] if i["id"] == item)["tags"]
    assert saved[0]["page"] == 3 and "page" not in saved[1]
    assert [t.page for t in session_from_dict(data).items[item].tags] == [3, None]
    markdown = export_text(audit.session, audit.checklist, "md")
    assert f"> **{clause.id}**, *(no section)*, p. 3" in markdown
    assert "> **c9**, *(no section)*\n" in markdown
    assert "(no section), p. 3: You may ask us" in export_text(audit.session, audit.checklist, "csv")
    assert "(no section)</i>, p. 3" in export_text(audit.session, audit.checklist, "html")


def test_clauses_command_shows_pages(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "auditor_tui", "clauses", str(_three_pages(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "c2  p. 2  We keep your orders for six years." in done.stdout


# --------------------------------------------------------------------------- refused files


def _run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "auditor_tui", "clauses", str(path)], capture_output=True, text=True, check=False
    )


def _one_clear_line(path: Path, words: str) -> None:
    with pytest.raises(PolicyError, match=words):
        load_policy(path)
    done = _run(path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and words.split("|")[0] in done.stderr


def test_an_encrypted_pdf_gets_one_clear_line(tmp_path: Path) -> None:
    def page(pdf: canvas.Canvas, _number: int) -> None:
        lines(pdf, ["A secret policy."])

    _one_clear_line(make_pdf(tmp_path / "locked.pdf", [page], encrypt="secret"), "encrypted")


def _scan(pdf: canvas.Canvas, _number: int) -> None:
    from PIL import Image

    image = Image.new("L", (200, 100), 255)
    for x in range(20, 180):
        image.putpixel((x, 50), 0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 72, 500, 400, 200)


def test_a_scan_with_no_text_layer_says_it_needs_ocr(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", [_scan, _scan])
    _one_clear_line(path, "no text layer")
    assert "ocrmypdf" in _run(path).stderr


def test_a_scanned_page_among_text_pages_is_a_warning(tmp_path: Path) -> None:
    def text(pdf: canvas.Canvas, _number: int) -> None:
        lines(pdf, ["We collect your name when you register."])

    policy = load_policy(make_pdf(tmp_path / "mixed.pdf", [text, _scan]))
    assert len(policy.clauses) == 1
    assert len(policy.warnings) == 1 and "page 2 has no text layer" in policy.warnings[0]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 3],
        lambda data: b"%PDF-1.4\n" + b"\x00garbage" * 50,
        lambda data: data.replace(b"/Type /Catalog", b"/Type /Nothing"),
    ],
    ids=["truncated", "garbage", "no-catalog"],
)
def test_a_damaged_pdf_gets_one_clear_line(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    def page(pdf: canvas.Canvas, _number: int) -> None:
        lines(pdf, ["We collect your name when you register."] * 3)

    good = make_pdf(tmp_path / "good.pdf", [page, page]).read_bytes()
    path = tmp_path / "bad.pdf"
    path.write_bytes(damage(good))
    try:
        policy = load_policy(path)
    except PolicyError as error:
        assert "damaged" in str(error) or "no text" in str(error)
        done = _run(path)
        assert done.returncode == 2 and "Traceback" not in done.stderr
    else:  # PDFium repairs some damage; then what it reads is text from the file
        assert all("register" in clause.text for clause in policy.clauses)


def test_an_empty_file_named_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    _one_clear_line(path, "damaged|not a PDF")


async def test_the_review_screens_evidence_list_shows_the_page(tmp_path: Path, workdir: Path) -> None:
    from textual.widgets import Static

    from auditor_tui.ui.app import AuditorApp
    from tests.ui_helpers import make_audit

    (tmp_path / "made").mkdir()
    audit = make_audit(workdir, policy=_three_pages(tmp_path / "made"), name="policy.pdf")
    app = AuditorApp(audit)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "t")
        await pilot.pause()
        evidence = str(app.screen.query_one("#detail-evidence", Static).render())
        assert "c2" in evidence and "p. 2" in evidence


def test_a_line_drawn_in_pieces_between_other_text_is_one_line(tmp_path: Path) -> None:
    def page(pdf: canvas.Canvas, _number: int) -> None:
        pdf.setFont(BODY, 10)
        pdf.drawString(72, 700, "We collect")  # the first half of the line ...
        pdf.drawString(72, 600, "We delete your data after a year.")
        width = pdf.stringWidth("We collect ", BODY, 10)
        pdf.drawString(72 + width, 700, "your e-mail address.")  # ... and the rest, drawn later

    policy = load_policy(make_pdf(tmp_path / "pieces.pdf", [page]))
    assert [c.text for c in policy.clauses] == ["We collect your e-mail address.", "We delete your data after a year."]


def test_menus_and_repeated_controls_are_dropped_but_contents_and_addresses_kept(tmp_path: Path) -> None:
    def link(pdf: canvas.Canvas, x: float, y: float, text: str, *, url: str | None = None) -> None:
        pdf.setFont(BODY, 10)
        pdf.drawString(x, y, text)
        box = (x, y - 2, x + pdf.stringWidth(text, BODY, 10), y + 8)
        if url:
            pdf.linkURL(url, box, relative=0)
        else:
            pdf.linkAbsolute(text, "top", box)  # a link to a place in the document

    def page(pdf: canvas.Canvas, _number: int) -> None:
        pdf.bookmarkPage("top")
        for index, item in enumerate(["Home", "Products", "Stores", "Careers"]):  # the site's menu
            link(pdf, 72 + 90 * index, 760, item, url=f"https://shop.example/{item.lower()}")
        link(pdf, 72, 720, "What we collect")  # the policy's own table of contents
        y = 680.0
        for _ in range(3):
            y = lines(pdf, ["We collect your name and address when you order from us."], y=y) - 8
            link(pdf, 72, y, "Back to top")
            y -= 20
        link(pdf, 72, y, "privacy@shop.example", url="mailto:privacy@shop.example")

    text = load_policy(make_pdf(tmp_path / "menu.pdf", [page])).text
    assert "Products" not in text and "Back to top" not in text
    assert "What we collect" in text and "privacy@shop.example" in text


_WORDS = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=12),
    min_size=1,
    max_size=40,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(_WORDS, min_size=1, max_size=5))
def test_every_word_drawn_is_read_once_in_order(tmp_path: Path, paragraphs: list[list[str]]) -> None:
    def page(pdf: canvas.Canvas, _number: int) -> None:
        y = 680.0  # below the top margin, where a lone number would be a page number
        for words in paragraphs:
            wrapped, line = [], ""
            for word in words:
                if line and len(line) + 1 + len(word) > 70:
                    wrapped.append(line)
                    line = word
                else:
                    line = f"{line} {word}".strip()
            y = lines(pdf, [*wrapped, line], y=y) - 12

    policy = load_policy(make_pdf(tmp_path / "words.pdf", [page]))
    assert policy.text.split() == [word for words in paragraphs for word in words]


def _sample_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE)
    for number in (1, 2):
        pdf.bookmarkPage(f"p{number}")
        pdf.addOutlineEntry(f"Part {number}", f"p{number}", level=0)
        lines(pdf, [f"Part {number}", "We collect your name when you register, and keep it for a year."], y=680)
        pdf.linkURL("https://example.com/", (72, 600, 200, 612), relative=0)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


_SAMPLE = _sample_pdf()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.integers(0, len(_SAMPLE) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_corrupted_pdf_is_read_or_refused_with_a_policy_error(tmp_path: Path, changes) -> None:
    data = bytearray(_SAMPLE)
    for offset, value in changes:
        data[offset] = value
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(bytes(data))
    try:
        policy = load_policy(path)
    except PolicyError:
        return
    assert all(policy.text[c.start : c.end] == c.text for c in policy.clauses)


def test_list_items_are_clauses_of_their_own(tmp_path: Path) -> None:
    items = ["Your name and address", "The orders you place", "The messages you send us"]

    def page(pdf: canvas.Canvas, _number: int) -> None:
        y = lines(pdf, ["We collect the following information about you when you use the shop:"], y=680)
        for item in items:  # bullets drawn as shapes, as browsers print them
            pdf.circle(80, y + 3, 2, fill=1)
            y = lines(pdf, [item], x=90, y=y)
        y = lines(pdf, ["And we keep it for as long as the law requires us to keep it, no longer."], y=y - 8)
        lines(pdf, [f"• {item}" for item in items], y=y - 8)  # bullets as text

    policy = load_policy(make_pdf(tmp_path / "list.pdf", [page]))
    assert [c.text for c in policy.clauses] == [
        "We collect the following information about you when you use the shop:",
        *items,
        "And we keep it for as long as the law requires us to keep it, no longer.",
        *(f"• {item}" for item in items),
    ]
