"""Saved web pages: keep the policy, drop the page around it (menus, banners, sidebars, footers).

:func:`main_content` takes the page's HTML and returns it with only the policy's text left, so
that the HTML reader (``html.py``) reads the kept part with its own structure (headings, lists,
tables). The page is parsed with lxml and cut into **blocks**: the text each block element
(``p``, ``li``, ``td``, ``div``, a heading ...) holds itself. Then, in order:

1. **Hidden** elements go (``hidden``, ``aria-hidden="true"``, ``display:none``,
   ``visibility:hidden``), with scripts, styles, form fields (``textarea``, ``select``,
   ``button``) and comments. One exception: a hidden panel of policy prose (sentences, policy
   words, no heading, few links) is a collapsed section of the policy ("read more", an
   accordion: a browser's "save page" keeps the collapsed state), and is kept.
2. Each block is **content** (12 words or more, under 30 % of them in links), **boilerplate**
   (half its words or more in links, or inside a menu, sidebar, footer, cookie banner ...: a
   ``nav``/``aside``/``footer`` element, an ARIA role such as ``navigation``, or a class or id
   word such as ``menu``, ``sidebar``, ``breadcrumb``; a container holding more than 30 % of the
   page's words is never boilerplate by its name alone) or **unsure** (headings, short lines).
   Link text that spells out an address (``www.``, ``http``, ``@``) counts as content.
3. The **main region** is the run of blocks, in page order, where content outweighs
   boilerplate the most (words count +1 in content, -1 in boilerplate, 0 when unsure),
   widened over the unsure blocks on either side up to the next boilerplate block.
   Boilerplate blocks inside it are dropped too (a "back to top" link, a share bar).
4. The region is **trimmed** of a long run (150 words or more) at its start or end that speaks
   little of personal data (fewer than 6 privacy-policy words per 100: ``personal``,
   ``collect``, ``cookies``, ``third parties`` ...): the terms of use printed on the same page,
   or a list of articles beside the policy.

No rule names a site: every signal is a general property of web pages or of privacy policies.
When nothing on the page looks like content the page is read whole. The figures, and what
each step is worth, are in the README (``benchmarks/ingest_quality.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from auditor_tui.core.policy.readers.topic import TRIM_DENSITY, best_run, policy_span, policy_words

BLOCK_TAGS = frozenset(
    "p div li td th dd dt blockquote tr section article ul ol dl table tbody thead tfoot header footer main aside "
    "nav figure figcaption address hr form caption body html details summary center pre h1 h2 h3 h4 h5 h6 "
    "fieldset legend menu".split()
)
"""Elements that make a block of their own: the text before, in and after them are separate
paragraphs (here, and in the HTML reader's units)."""
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
NEVER_TEXT = frozenset(
    "script style head noscript template svg iframe object embed canvas select option textarea button input "
    "title meta link base map area audio video source track dialog".split()
)
"""Elements whose text is never part of what a reader of the page reads."""

# Words in class and id names that mark the page's furniture. Words naming a policy topic
# ("cookies", "sharing", "advertising", "search") are left out on purpose: policy sections
# are often named after them.
_FURNITURE = frozenset(
    "nav navbar navigation menu menubar submenu footer sidebar breadcrumb breadcrumbs masthead toolbar widget "
    "popup modal topbar pagination pager skip sponsor promo".split()
)
_CONTENT = frozenset("content article main policy privacy legal body text story post entry".split())
_COOKIE = frozenset("cookie cookies consent gdpr".split())
_BANNER = frozenset("banner notice bar popup dialog modal overlay message alert sdk notification".split())
_FURNITURE_ROLES = frozenset(
    "navigation banner contentinfo complementary search menu menubar dialog alertdialog".split()
)
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")

_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_SENTENCE_END = re.compile(r"[a-z]{2}[.!?;:]\s+[A-Z]")
_ADDRESS = re.compile(r"www\.|https?:|@")
WORD = re.compile(r"[^\W_]+")
CONTENT_WORDS = 12
"""A block of this many words or more, mostly not links, reads as content."""
HUGE_SHARE = 0.3
"""A container holding more of the page's words than this is not furniture, whatever its name."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """What :func:`main_content` kept of a page."""

    root: etree._Element
    """The page's tree with only the kept text left (hidden elements removed)."""
    blocks: int
    kept_blocks: int
    words: int
    kept_words: int
    collapsed: int = 0
    """Hidden panels of policy prose kept as collapsed sections."""


@dataclass(slots=True, eq=False)
class PageBlock:
    """The text one block element holds itself (not the text of the blocks nested in it)."""

    element: etree._Element
    parts: list[str] = field(default_factory=list)
    words: int = 0
    link_words: int = 0
    policy_words: int = 0
    fragments: list[tuple[etree._Element, bool]] = field(default_factory=list)
    """Where its text is: (element, True) for ``element.text``, (element, False) for its tail."""

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def main_content(text: str) -> Extraction | None:
    """The page *text* (decoded HTML) with only its policy left; None when it cannot be parsed."""
    root = parse_page(text)
    if root is None:
        return None
    collapsed = drop_hidden(root)
    blocks = page_blocks(root)
    words = sum(block.words for block in blocks)
    kinds = _Kinds(root, blocks, words).kinds
    keep = trim(blocks, main_region(blocks, kinds))
    kept = [block for block, kept in zip(blocks, keep, strict=True) if kept]
    if not kept:
        kept = blocks  # nothing on the page reads as content: read it all
    else:
        clear_blocks([block for block, kept in zip(blocks, keep, strict=True) if not kept])
    return Extraction(root, len(blocks), len(kept), words, sum(block.words for block in kept), collapsed)


def parse_page(text: str) -> etree._Element | None:
    """The page as an lxml tree, or None when there is nothing to parse."""
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses a declaration in a str
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def hidden_by(element: etree._Element) -> str:
    """How the page hides *element* from its readers ("" when it does not)."""
    if element.get("hidden") is not None:
        return "hidden"
    if element.get("aria-hidden", "").strip().lower() == "true":
        return "aria-hidden"
    style = element.get("style")
    found = _HIDDEN_STYLE.search(style) if style else None
    return found.group(1).replace(" ", "").lower() if found else ""


def is_collapsed_section(element: etree._Element) -> bool:
    """A hidden panel of policy prose: a collapsed section of the policy, not page furniture.

    Tooltips and pop-ups (``visibility:hidden``) and panels with their own headings (tabs of
    other pages) do not count.
    """
    if hidden_by(element).startswith("visibility") or any(e.tag in HEADINGS for e in element.iter()):
        return False
    text = " ".join(element.itertext())
    words = [word.lower() for word in WORD.findall(text)]
    if len(words) < 25 or not _SENTENCE_END.search(text):
        return False
    linked = sum(len(WORD.findall(" ".join(link.itertext()))) for link in element.iter("a"))
    return linked < 0.3 * len(words) and policy_words(words) >= TRIM_DENSITY * len(words)


def drop_hidden(root: etree._Element) -> int:
    """Empty what no reader of the page sees; returns how many collapsed sections were kept.

    An emptied element stays in the tree, as an empty ``<div>`` (a block) or a ``<span>``
    holding a space, so that the text after it (its tail) stays where it was and still apart
    from the text before it: moving text would mean writing it back into the tree, which lxml
    refuses for text holding control characters (and a policy's text is kept as it is).
    """
    doomed: list[etree._Element] = []
    collapsed = 0
    for element in root.iter(tag=etree.Element):
        if element.tag in NEVER_TEXT:
            doomed.append(element)
        elif hidden_by(element):
            if is_collapsed_section(element):
                collapsed += 1
            else:
                doomed.append(element)
    for element in doomed:
        for child in list(element):
            element.remove(child)  # with its tail, which is inside *element*
        element.attrib.clear()
        # What is emptied still parts the text around it, as the page shows it: a block stays
        # a (now empty) block, anything else a space, so that no word is made of two.
        element.text = None if element.tag in BLOCK_TAGS else " "
        element.tag = "div" if element.tag in BLOCK_TAGS else "span"
    return collapsed


def iter_ancestors(element: etree._Element | None) -> Iterator[etree._Element]:
    """*element*, its parent, its parent's parent ... up to the root."""
    while element is not None:
        yield element
        element = element.getparent()


def page_blocks(root: etree._Element) -> list[PageBlock]:
    """The page's blocks with text, in the order their text starts in the page."""
    owners: dict[etree._Element, PageBlock] = {}  # every element to the block its text is in
    linked: set[etree._Element] = set()
    targets = heading_targets(root)
    order: list[PageBlock] = []
    for element in root.iter():  # parents come before their children
        parent = element.getparent()
        if not isinstance(element.tag, str):  # a comment or processing instruction: only its tail is text
            if element.tail and parent is not None:
                _add(owners[parent], element.tail, parent in linked, (element, False), order)
            continue
        if (parent is not None and parent in linked) or (element.tag == "a" and is_link(element, targets)):
            linked.add(element)
        if element.tag in BLOCK_TAGS or parent is None:
            owners[element] = PageBlock(element)
        else:
            owners[element] = owners[parent]
        if element.text:
            _add(owners[element], element.text, element in linked, (element, True), order)
        if element.tail and parent is not None:
            _add(owners[parent], element.tail, parent in linked, (element, False), order)
    return [block for block in order if block.words]


def heading_targets(root: etree._Element) -> set[str]:
    """The ids and anchor names that mark a heading: what a table of contents links to."""
    found: set[str] = set()
    for element in root.iter(tag=etree.Element):
        keys = {key for key in (element.get("id"), element.get("name")) if key}
        if keys and _marks_heading(element):
            found |= keys
    return found


def _marks_heading(element: etree._Element) -> bool:
    """*element* is a heading, is inside one, starts with one, or is an empty anchor before one."""
    if any(node.tag in HEADINGS for node in iter_ancestors(element)):
        return True
    first = next((node for node in element.iter() if node.tag in HEADINGS or node.tag == "p"), None)
    if first is not None and first.tag in HEADINGS:
        return True
    following = element.getnext()
    return following is not None and following.tag in HEADINGS and not "".join(element.itertext()).strip()


def is_link(element: etree._Element, targets: set[str]) -> bool:
    """An ``<a>`` that leads elsewhere: not a named anchor (no ``href``: it is a place a link
    leads to, often a heading's own text), not an entry of the policy's table of contents (a
    ``#fragment`` naming one of the page's headings: the contents are part of the policy)."""
    href = element.get("href")
    if href is None:
        return False
    fragment = href.partition("#")[2]
    return not (fragment and fragment in targets)


def _add(
    block: PageBlock, text: str, in_link: bool, where: tuple[etree._Element, bool], order: list[PageBlock]
) -> None:
    if not block.fragments:
        order.append(block)
    block.fragments.append(where)
    words = [word.lower() for word in WORD.findall(text)]
    if words:
        block.parts.append(text)
        block.words += len(words)
        block.policy_words += policy_words(words)
        if in_link and not _ADDRESS.search(text):
            block.link_words += len(words)


def clear_blocks(blocks: list[PageBlock]) -> None:
    """Remove the text of *blocks* from the tree (the blocks nested in them keep theirs)."""
    for block in blocks:
        for element, is_text in block.fragments:
            if is_text:
                element.text = None
            else:
                element.tail = None


class _Kinds:
    """Each block's kind: 1 content, -1 boilerplate, 0 unsure (see the module's step 2)."""

    def __init__(self, root: etree._Element, blocks: list[PageBlock], words: int) -> None:
        self.words = words
        self.totals: dict[etree._Element, list[int]] = {}
        for block in blocks:
            self.totals[block.element] = [block.words, block.link_words]
        for element in reversed(list(root.iter())):  # children before their parents
            parent = element.getparent()
            if parent is not None and element in self.totals:
                total = self.totals.setdefault(parent, [0, 0])
                total[0] += self.totals[element][0]
                total[1] += self.totals[element][1]
        self.furniture: dict[etree._Element, bool] = {}
        self.kinds = [self.kind(block) for block in blocks]

    def kind(self, block: PageBlock) -> int:
        if block.link_words >= 0.5 * block.words or self.in_furniture(block.element):
            return -1
        return 1 if block.words >= CONTENT_WORDS and block.link_words < 0.3 * block.words else 0

    def in_furniture(self, element: etree._Element) -> bool:
        """The nearest ancestor that says what it is says it is page furniture."""
        path: list[etree._Element] = []
        answer = False
        for node in iter_ancestors(element):
            if node in self.furniture:
                answer = self.furniture[node]
                break
            path.append(node)
            if hint := self.hint(node):
                answer = hint < 0
                break
        for node in path:
            self.furniture[node] = answer
        return answer

    def hint(self, element: etree._Element) -> int:
        """+1 for a content container, -1 for furniture, 0 when the element does not say."""
        tag, role = element.tag, (element.get("role") or "").strip().lower()
        if tag in ("main", "article") or role in ("main", "article"):
            return 1
        names = {
            word.lower() for word in _NAME_WORDS.findall(f"{element.get('class') or ''} {element.get('id') or ''}")
        }
        furniture = (
            tag in ("nav", "aside", "footer", "form")
            or (tag == "header" and not any(a.tag in ("main", "article") for a in iter_ancestors(element)))
            or role in _FURNITURE_ROLES
            or bool(names & _FURNITURE and not names & _CONTENT)
            or bool(names & _COOKIE and names & _BANNER)
        )
        if furniture:
            total, links = self.totals.get(element, [0, 0])
            # A container holding much of the page is the page's body whatever its name (an
            # ASP.NET <form> around everything, a "header" div left open by broken markup).
            return -1 if total <= HUGE_SHARE * self.words or links >= 0.5 * total else 0
        return 1 if names & _CONTENT else 0


def main_region(blocks: list[PageBlock], kinds: list[int]) -> list[bool]:
    """Step 3: the run of blocks where content outweighs boilerplate most, widened over the
    unsure blocks around it; boilerplate inside it is left out."""
    start, end = best_run([block.words * kind for block, kind in zip(blocks, kinds, strict=True)])
    if end < start:
        return [False] * len(blocks)
    while start > 0 and kinds[start - 1] == 0:
        start -= 1
    while end + 1 < len(blocks) and kinds[end + 1] == 0:
        end += 1
    return [start <= index <= end and kind >= 0 for index, kind in enumerate(kinds)]


def trim(blocks: list[PageBlock], keep: list[bool]) -> list[bool]:
    """Step 4: drop a long run at the region's start or end that is not about personal data."""
    kept = [index for index, kept in enumerate(keep) if kept]
    if not kept:
        return keep
    first, last = policy_span([(blocks[i].words, blocks[i].policy_words) for i in kept])
    start, end = kept[first], kept[last]
    return [kept and start <= index <= end for index, kept in enumerate(keep)]
