"""PDF and Word for ``benchmarks/ingest_quality.py``: printing, readings, headings, speed.

    python benchmarks/ingest_quality.py ../shared/corpus --pdf [--compare] [--per-page]
    python benchmarks/ingest_pdf.py ../shared/corpus ...   (the same as --format pdf --format word)

**PDF** (:func:`score_pdf`). Each saved page of ``opp115_pages/orig`` is printed to PDF by
headless Chromium as a user's browser prints it: Chrome's default header (date, title) and
footer (URL, page number), the page's scripts run and given virtual time to settle
(``--virtual-time-budget``), every compositor stage drawn before printing, a fresh profile,
nothing fetched from the network. The prints are cached under ``--cache`` (never in the
repository; the cache's name changes with the printing flags). Each reading is scored against
the gold policy text like a web page (``ingest_quality.score``); ``pdftotext`` (poppler) is
the anchor; ``--compare`` adds the plain text of pdfminer.six, pypdf and pypdfium2 (each
library's own extraction, no clean-up), which is how the library was chosen. Pages whose print
shows under half of the gold words (pdftotext's recall: the saved page hides or lacks the
policy) are named and left out of the second table.

Headings: the ``h1``-``h6`` of the saved page whose text is in the gold text are the expected
headings; *found* is the share of them that are section titles of our reading (macro over the
pages that have any).

**Speed** (:func:`pdf_speed`). A 50-page PDF made from the longest printed page (its pages
repeated), read with ``load_policy``: the median of 3.

**Word** (:func:`score_word`). Each seed policy (``--policies``, ``*.txt``) is read as text,
written to ``.docx`` with python-docx (its headings as Heading 1..n styles, its clauses as
paragraphs), read back, and compared: sections equal (titles and levels), clauses equal.

Nothing from the corpus is kept. Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor_tui.core.errors import AuditorError
from auditor_tui.core.policy import load_policy
from benchmarks.ingest_quality import Score, Section, gold_text, page_pairs, score

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=10000",
)
"""How the pages are printed (with a fresh ``--user-data-dir`` each): see the module's text."""

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "auditor-tui-pdf-cache-v2"
_WORD = re.compile(r"[^\W_]+")


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.buffer: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif re.fullmatch(r"h[1-6]", tag) and self.depth:
            self.depth -= 1
            if not self.depth:
                self.found.append(" ".join("".join(self.buffer).split()))
                self.buffer.clear()

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.buffer.append(data)


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _title_key(text: str) -> str:
    """A heading compared without its list number ("1. Who we are" is "Who we are")."""
    return _key(re.sub(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*|[A-Za-z]|[ivxIVX]{1,6})[.):]\s+", "", text))


def gold_headings(page: Path, gold: str) -> list[str]:
    """The page's h1-h6 that are a line of the gold text of their own (the policy's own
    headings; a menu's "Shop" whose word only occurs inside a sentence of the policy is not)."""
    parser = _Headings()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    lines = {_title_key(line) for line in gold.splitlines()}
    return [h for h in parser.found if (k := _title_key(h)) and len(k) > 3 and k in lines]


# --------------------------------------------------------------------------- printing


def print_pdf(page: Path, cache: Path) -> Path | None:
    """The saved page printed by headless Chromium, cached; None if Chromium is missing or fails."""
    out = cache / f"{page.stem}.pdf"
    if out.exists() and out.stat().st_size:
        return out
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="auditor-tui-chromium-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", page.as_uri()]
        try:
            subprocess.run(command, capture_output=True, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            return None
    return out if out.exists() and out.stat().st_size else None


# --------------------------------------------------------------------------- readings

Reading = Callable[[Path], tuple[str, list[str]]]


def read_ours(path: Path) -> tuple[str, list[str]]:
    policy = load_policy(path)
    return policy.text, [section.title for section in policy.sections]


def read_pdftotext(path: Path) -> tuple[str, list[str]]:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace"), []


def read_pdfminer(path: Path) -> tuple[str, list[str]]:
    from pdfminer.high_level import extract_text

    return extract_text(str(path)), []


def read_pypdf(path: Path) -> tuple[str, list[str]]:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages), []


def read_pypdfium2(path: Path) -> tuple[str, list[str]]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document), []
    finally:
        document.close()


READINGS: dict[str, Reading] = {"tool": read_ours, "pdftotext": read_pdftotext}
COMPARED: dict[str, Reading] = {"pdfminer.six": read_pdfminer, "pypdf": read_pypdf, "pypdfium2": read_pypdfium2}
LIBRARIES = {"pdfminer.six": "pdfminer", "pypdf": "pypdf", "pypdfium2": "pypdfium2"}
"""The module each compared library is imported as (only pypdfium2 is a dependency)."""


# --------------------------------------------------------------------------- the PDF section


def _read(name: str, reading: Reading, pdf: Path) -> tuple[str, list[str], float]:
    start = time.perf_counter()
    try:
        text, titles = reading(pdf)
    except (AuditorError, Exception) as error:  # a library failing on a page counts as nothing read
        print(f"  {pdf.name}: {name} failed: {error}", file=sys.stderr)
        text, titles = "", []
    return text, titles, time.perf_counter() - start


def score_pdf(args: argparse.Namespace) -> Section:
    """Every printed page read by each reading, scored; headings and time per page as notes."""
    section = Section(f"PDF (the saved pages printed by headless Chromium, cached in {args.cache})")
    readings = dict(READINGS)
    for name, reading in (COMPARED if args.compare else {}).items():
        if importlib.util.find_spec(LIBRARIES[name]) is None:
            section.notes.append(f"({name} is not installed: its rows are left out)")
        else:
            readings[name] = reading
    section.scores = {name: {} for name in readings}
    seconds: dict[str, list[float]] = {name: [] for name in readings}
    headings: dict[str, tuple[int, int]] = {}
    for name, page, gold_path in page_pairs(args.corpus / "opp115_pages")[: args.pages]:
        pdf = print_pdf(page, args.cache)
        if pdf is None:
            print(f"  {page.name}: could not print to PDF (is chromium installed?)", file=sys.stderr)
            continue
        gold = gold_text(gold_path)
        for method, reading in readings.items():
            text, titles, took = _read(method, reading, pdf)
            section.scores[method][name] = score(text, gold)
            seconds[method].append(took)
            if method == "tool":
                headings[name] = _headings_found(page, gold, titles)
        anchor = section.scores["pdftotext"][name]
        if anchor.recall < 0.5:
            section.apart[name] = f"the print shows {anchor.recall:.0%} of the policy's words (pdftotext)"
    if args.per_page:
        section.notes.append(_per_page(section, headings))
    section.notes.append(_headings_note(headings))
    section.notes.append(
        "Seconds per document: " + ", ".join(f"{m} {statistics.fmean(t):.3f}" for m, t in seconds.items() if t)
    )
    return section


def _headings_found(page: Path, gold: str, titles: list[str]) -> tuple[int, int]:
    expected = gold_headings(page, gold)
    keys = {_title_key(title) for title in titles}
    return len(expected), sum(1 for heading in expected if _title_key(heading) in keys)


def _headings_note(headings: dict[str, tuple[int, int]]) -> str:
    having = {name: pair for name, pair in headings.items() if pair[0]}
    if not having:
        return "Headings: none expected"
    parts = []
    for label, chosen in (("all", having), ("even", _half(having, 0)), ("odd", _half(having, 1))):
        if chosen:
            share = statistics.fmean(found / expected for expected, found in chosen.values())
            parts.append(f"{label} {share:.3f} ({len(chosen)} pages)")
    return "Headings of the page (h1-h6 in the policy text) found as sections, macro: " + ", ".join(parts)


def _half(by_name: dict[str, tuple[int, int]], odd: int) -> dict[str, tuple[int, int]]:
    return {name: pair for name, pair in by_name.items() if int(name.split("_")[0]) % 2 == odd}


def _per_page(section: Section, headings: dict[str, tuple[int, int]]) -> str:
    rows = ["Per page (P/R/F1 for " + ", ".join(section.scores) + "):"]
    for name in next(iter(section.scores.values())):
        cells = "  ".join(_cell(section.scores[m][name]) for m in section.scores)
        rows.append(f"  {name[:40]:<40} {cells}  headings {headings[name][1]}/{headings[name][0]}")
    return "\n".join(rows)


def _cell(s: Score) -> str:
    return f"{s.precision:.2f}/{s.recall:.2f}/{s.f1:.2f}"


# --------------------------------------------------------------------------- speed


def _page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def pdf_speed(args: argparse.Namespace, pages_wanted: int = 50) -> str:
    """A *pages_wanted*-page PDF made of the longest cached print, read 3 times."""
    import pypdfium2 as pdfium

    printed = [path for path in args.cache.glob("*.pdf") if not path.name.startswith("speed-")]
    if not printed:
        return "PDF speed: no printed page in the cache (run the PDF section first)"
    source = max(printed, key=_page_count)
    out = args.cache / f"speed-{pages_wanted}-pages.pdf"
    document = pdfium.PdfDocument.new()
    with pdfium.PdfDocument(str(source)) as original:
        have = len(original)
        while len(document) < pages_wanted:
            document.import_pages(original, list(range(min(have, pages_wanted - len(document)))))
    document.save(str(out))
    document.close()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        policy = load_policy(out)
        times.append(time.perf_counter() - start)
    return (
        f"PDF speed: a {pages_wanted}-page PDF ({source.name} repeated; {len(policy.clauses)} clauses) read in "
        f"{statistics.median(times):.2f} s (median of 3; target under 2 s)"
    )


# --------------------------------------------------------------------------- Word


def score_word(args: argparse.Namespace) -> Section:
    """The seed policies written to .docx from their .txt reading and read back: the same?"""
    from docx import Document

    policies = args.policies or args.corpus.parent / "policies"
    section = Section(f"Word: the seed policies of {policies} written to .docx and read back")
    if not policies.is_dir():
        section.notes.append(f"no folder {policies} (give --policies)")
        return section
    cache = args.cache / "docx"
    cache.mkdir(parents=True, exist_ok=True)
    for path in sorted(policies.glob("*.txt")):
        text_policy = load_policy(path)
        document = Document()
        # The clauses between headings, in order, as the .txt reading has them.
        for block in sorted([*text_policy.sections, *text_policy.clauses], key=lambda block: block.start):
            if hasattr(block, "level") and hasattr(block, "title"):
                document.add_heading(block.title, level=min(block.level, 9))
            else:
                document.add_paragraph(block.text)
        out = cache / f"{path.stem}.docx"
        document.save(str(out))
        start = time.perf_counter()
        docx_policy = load_policy(out)
        seconds = time.perf_counter() - start
        sections = (
            [(s.title, s.level) for s in text_policy.sections],
            [(s.title, s.level) for s in docx_policy.sections],
        )
        clauses = [c.text for c in text_policy.clauses], [c.text for c in docx_policy.clauses]
        section.notes.append(
            f"  {path.name:<28} sections equal: {_yes(sections[0] == sections[1])} "
            f"({len(sections[0])}/{len(sections[1])}), clauses equal: {_yes(clauses[0] == clauses[1])} "
            f"({len(clauses[0])}/{len(clauses[1])}), read in {seconds * 1000:.0f} ms"
        )
    return section


def _yes(same: bool) -> str:
    return "yes" if same else "no"


def main(argv: list[str] | None = None) -> int:
    """The old command: ``ingest_quality.py ... --format pdf --format word``, the same flags."""
    from benchmarks import ingest_quality

    argv = list(sys.argv[1:] if argv is None else argv)
    return ingest_quality.main([*argv, "--format", "pdf", "--format", "word"])


if __name__ == "__main__":
    raise SystemExit(main())
