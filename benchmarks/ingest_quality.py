"""How well policies are read from the formats auditors get: saved web pages, PDF, Word; speed.

    python benchmarks/ingest_quality.py ../shared/corpus [--format webpage|pdf|word|speed ...]
        [--pdf] [--pages N] [--worst K] [--cache /tmp/auditor-tui-pdf-cache-v2] [--compare]
        [--per-page] [--policies ../shared/policies]

Every format by default; ``--format`` (repeatable) picks some, ``--pdf`` is ``--format pdf``.
(``benchmarks/ingest_pdf.py CORPUS`` still works: it is ``--format pdf --format word``.)

**Saved web pages** (:func:`score_webpages`): ``opp115_pages/orig/`` holds pages saved from the
browser, ``opp115_pages/san/`` the policy text alone (segments separated by ``|||``, ``<br>``
line breaks, a few ``<strong>``/``<li>`` tags, all stripped), paired by the number before the
first ``_``. For each page, the words (lower-case runs of letters and digits) of what a method
reads are compared with the gold text's as multisets: precision = shared / read, recall =
shared / gold, F1 their harmonic mean; the tables give the macro mean over pages, over all
pages and over each half (even and odd page numbers: the method is tuned on the even half
only, the odd half is held out), and how many pages fall under precision 0.5. Methods:
``tool`` (the HTML reader: main content), ``whole page`` (``--whole-page``), ``visible text``
(the whole page without its hidden parts), and ``trafilatura`` alone (``favor_recall``, tables
included; skipped when trafilatura is not installed: it is not a dependency).

Pages whose source does not hold the policy at all (the saved file, for web pages: under half
the gold words in the whole page; the print, for PDF: under half of them in pdftotext's
reading) measure the corpus rather than the reader: they are named, and a second table leaves
them out.

**PDF**, **Word** and the PDF speed: see ``benchmarks/ingest_pdf.py``. **Speed** of the web
page reader: a 1 MB saved page. The corpus is only read to measure: nothing from it is stored.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the package and benchmarks/

import lxml.html

from auditor_tui.core.policy import decode_policy_bytes, parse_policy
from auditor_tui.core.policy.readers import html as html_reader
from auditor_tui.core.policy.readers import webpage

WORD = re.compile(r"[^\W_]+")


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def words(text: str) -> Counter[str]:
    return Counter(word.lower() for word in WORD.findall(text))


def score(read: str, gold: str) -> Score:
    """Word-multiset precision and recall of *read* against *gold*."""
    got, want = words(read), words(gold)
    shared = sum((got & want).values())
    return Score(shared / max(1, sum(got.values())), shared / max(1, sum(want.values())))


@dataclass
class Section:
    """One format's results: per method, the score of each document (by its name)."""

    title: str
    scores: dict[str, dict[str, Score]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    apart: dict[str, str] = field(default_factory=dict)
    """Documents whose source lacks the policy (name: why), left out of the second table."""


def half(name: str) -> str:
    """``even`` or ``odd`` by the number the document's name starts with (the tuning split)."""
    number = re.match(r"\d+", name)
    return "even" if number and int(number.group()) % 2 == 0 else "odd"


def mean(scores: list[Score]) -> tuple[float, float, float]:
    if not scores:
        return (0.0, 0.0, 0.0)
    return (
        statistics.fmean(s.precision for s in scores),
        statistics.fmean(s.recall for s in scores),
        statistics.fmean(s.f1 for s in scores),
    )


def print_section(section: Section, worst: int = 10) -> None:
    print(f"\n## {section.title}\n")
    if section.scores:
        print_table(section, set())
    if section.apart:
        print(f"\nWithout the {len(section.apart)} documents whose source does not hold the policy:")
        for name, why in section.apart.items():
            print(f"  {name}: {why}")
        print()
        print_table(section, set(section.apart))
    first = next(iter(section.scores.values()), {})
    if first and worst:
        print(f"\nLowest F1 ({next(iter(section.scores))}):")
        for name, s in sorted(first.items(), key=lambda item: item[1].f1)[:worst]:
            print(f"  {name}: P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.2f}")
    for note in section.notes:
        print(note)


def print_table(section: Section, leave_out: set[str]) -> None:
    print("| method | pages | precision | recall | F1 | pages under P 0.5 |")
    print("|---|---|---|---|---|---|")
    for method, by_name in section.scores.items():
        for part in ("all", "even", "odd"):
            chosen = [
                s for name, s in by_name.items() if name not in leave_out and (part == "all" or half(name) == part)
            ]
            p, r, f = mean(chosen)
            low = sum(1 for s in chosen if s.precision < 0.5)
            label = method if part == "all" else f"  {part} half"
            print(f"| {label} | {len(chosen)} | {p:.3f} | {r:.3f} | {f:.3f} | {low} |")


# --------------------------------------------------------------------------- saved web pages


def gold_text(path: Path) -> str:
    """The policy text of a ``san/`` file: segments split on ``|||``, ``<br>`` as line breaks."""
    text = path.read_text(encoding="utf-8", errors="replace").replace("|||", "\n\n")
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def page_pairs(folder: Path) -> list[tuple[str, Path, Path]]:
    """(name, saved page, gold text) for every page of ``opp115_pages``."""
    gold = {path.name.split("_")[0]: path for path in (folder / "san").iterdir()}
    pairs = []
    for page in sorted((folder / "orig").iterdir()):
        number = page.name.split("_")[0]
        if number in gold:
            pairs.append((page.name, page, gold[number]))
    return pairs


def visible_text(text: str) -> str:
    """Everything a browser shows: the page without its hidden parts, read whole."""
    root = webpage.parse_page(text)
    if root is None:
        return ""
    for element in [e for e in root.iter() if isinstance(e.tag, str) and webpage.hidden_by(e)]:
        if element.getparent() is not None:
            element.drop_tree()
    page = lxml.html.tostring(root, encoding="unicode")
    return parse_policy_whole(page)


def parse_policy_whole(text: str) -> str:
    blocks = html_reader.blocks_from_whole_html(text)
    return "\n\n".join(block.text for block in blocks)


def trafilatura_reader() -> Callable[[str], str] | None:
    try:
        import trafilatura  # type: ignore[import-not-found]
    except ImportError:
        return None

    def read(text: str) -> str:
        return trafilatura.extract(text, include_tables=True, include_comments=False, favor_recall=True) or ""

    return read


def score_webpages(args: argparse.Namespace) -> Section:
    folder = args.corpus / "opp115_pages"
    section = Section(f"Saved web pages ({folder})")
    methods: dict[str, Callable[[str], str]] = {
        "tool": lambda text: parse_policy(text, "html").text,
        "whole page (--whole-page)": parse_policy_whole,
        "visible text": visible_text,
    }
    if (extract := trafilatura_reader()) is not None:
        methods["trafilatura alone"] = extract
    else:
        section.notes.append("(trafilatura is not installed: its column is left out)")
    for method in methods:
        section.scores[method] = {}
    for name, page, gold_path in page_pairs(folder)[: args.pages]:
        text, _warnings = decode_policy_bytes(page.read_bytes(), page)
        gold = gold_text(gold_path)
        for method, read in methods.items():
            section.scores[method][name] = score(read(text), gold)
        whole = section.scores["whole page (--whole-page)"][name]
        if whole.recall < 0.5:
            section.apart[name] = f"the saved page holds {whole.recall:.0%} of the policy's words"
    return section


def big_page(size: int = 1_048_576) -> str:
    """A saved page of about *size* bytes: menus, a cookie banner, a long policy, a footer."""
    menu = "".join(f'<li><a href="/s{n}">Section {n}</a></li>' for n in range(40))
    parts = [f"<html><body><nav><ul>{menu}</ul></nav>", '<div id="cookie-banner">We use cookies. Accept?</div>']
    parts.append('<main><h1>Privacy Policy</h1><div class="policy">')
    number = 0
    while sum(map(len, parts)) < size - 2000:
        number += 1
        parts.append(
            f"<h2>{number}. How we use information {number}</h2><p>We collect your personal data (item "
            f"{number}) to provide the service, and we share it with third parties only as described "
            f"here; you may ask us to access or delete it at privacy{number}@example.com.</p>"
            f"<ul><li>your name and e-mail address;</li><li>your device and browser details.</li></ul>"
        )
    parts.append(f"</div></main><aside><ul>{menu}</ul></aside><footer>{menu}</footer></body></html>")
    return "".join(parts)


def webpage_speed() -> str:
    page = big_page()
    data = page.encode()
    start = time.perf_counter()
    policy = html_reader.read(data, Path("big.html"))
    elapsed = time.perf_counter() - start
    return (
        f"\nSpeed: a {len(data) / 1_048_576:.2f} MiB saved page read in {elapsed:.2f} s "
        f"({len(policy.clauses):,} clauses; target under 2 s)"
    )


def speed_section(args: argparse.Namespace) -> Section:
    """Reading speed: a 1 MB saved page, and a 50-page PDF (if Chromium printed the corpus)."""
    from benchmarks import ingest_pdf

    section = Section("Speed")
    section.notes.append(webpage_speed().strip())
    section.notes.append(ingest_pdf.pdf_speed(args))
    return section


def pdf_section(args: argparse.Namespace) -> Section:
    from benchmarks import ingest_pdf

    return ingest_pdf.score_pdf(args)


def word_section(args: argparse.Namespace) -> Section:
    from benchmarks import ingest_pdf

    return ingest_pdf.score_word(args)


SECTIONS: dict[str, Callable[[argparse.Namespace], Section]] = {
    "webpage": score_webpages,
    "pdf": pdf_section,
    "word": word_section,
    "speed": speed_section,
}
"""Each format's section, in the order they are printed."""


def parser() -> argparse.ArgumentParser:
    from benchmarks.ingest_pdf import DEFAULT_CACHE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the folder holding opp115_pages/ (../shared/corpus)")
    parser.add_argument("--format", choices=list(SECTIONS), action="append", help="default: every one")
    parser.add_argument("--pdf", action="store_true", help="the same as --format pdf")
    parser.add_argument("--pages", type=int, default=None, help="only the first N documents of each format")
    parser.add_argument("--worst", type=int, default=10, help="list the K documents with the lowest F1")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where printed PDFs are kept")
    parser.add_argument("--compare", action="store_true", help="PDF: also score pdfminer.six, pypdf, pypdfium2")
    parser.add_argument("--per-page", action="store_true", help="PDF: print every page's figures")
    parser.add_argument("--policies", type=Path, help="Word: folder of seed .txt policies (../shared/policies)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    chosen = list(args.format or [])
    if args.pdf and "pdf" not in chosen:
        chosen.append("pdf")
    for fmt in [name for name in SECTIONS if name in chosen] if chosen else list(SECTIONS):
        print_section(SECTIONS[fmt](args), args.worst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
