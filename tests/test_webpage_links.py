"""Saved web pages: what is a link. A named anchor (``<a name>``, no ``href``) is a heading's own
text, and a table of contents (links to the page's own headings) is part of the policy; links
out of the page (a menu) are still furniture."""

from __future__ import annotations

from auditor_tui.core.policy import parse_policy

SECTIONS = [
    ("who", "Who this policy applies to", "This policy applies to every visitor of the shop and of its apps."),
    ("what", "What information we collect", "We collect your name, your e-mail address and your orders."),
    ("share", "With whom we share it", "We share your address with the carriers that deliver your orders."),
]
PROSE = " We keep these records for six years and then delete them, as the law requires of us."


def page(anchor: str, contents_href: str) -> str:
    menu = "".join(f'<li><a href="/shop/{n}">Department {n}</a></li>' for n in range(8))
    contents = "".join(f'<li><a href="{contents_href.format(key)}">{title}</a></li>' for key, title, _ in SECTIONS)
    body = "".join(
        f"<h2>{anchor.format(key=key, title=title)}</h2><p>{text}{PROSE}</p>" for key, title, text in SECTIONS
    )
    return (
        f"<html><body><div class='topmenu'><ul>{menu}</ul></div><div class='page'><h1>Privacy policy</h1>"
        f"<p>This policy explains what personal data we collect and why.{PROSE}</p><p>This policy explains:</p>"
        f"<ul>{contents}</ul>{body}</div></body></html>"
    )


def test_headings_written_as_named_anchors_are_sections() -> None:
    policy = parse_policy(page('<a class="anchor" name="{key}">{title}</a>', "#{}"), "html")
    assert [s.title for s in policy.sections] == ["Privacy policy", *(title for _, title, _ in SECTIONS)]
    assert "Department" not in policy.text


def test_a_table_of_contents_of_the_pages_headings_is_kept() -> None:
    # As a browser's "save page" writes them: the page's own address before the fragment.
    for href in ("#{}", "https://shop.example/privacy#{}"):
        for anchor in ('<a name="{key}">{title}</a>', '<span id="{key}">{title}</span>'):
            policy = parse_policy(page(anchor, href), "html")
            contents = [c.text for c in policy.clauses if c.text in {title for _, title, _ in SECTIONS}]
            assert contents == [title for _, title, _ in SECTIONS], (href, anchor)
            assert "Department" not in policy.text


def test_links_to_fragments_that_are_not_headings_still_count_as_links() -> None:
    text = page('<a name="{key}">{title}</a>', "#elsewhere-{}")
    policy = parse_policy(text, "html")
    assert not [c.text for c in policy.clauses if c.text in {title for _, title, _ in SECTIONS}]
