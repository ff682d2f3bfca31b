"""How well PDF and Word policies are read: words kept, furniture dropped, headings, speed.

    python benchmarks/ingest_pdf.py ../shared/corpus [--policies ../shared/policies]
        [--cache /tmp/auditor-tui-pdf-cache] [--split all|tune|check] [--compare] [--per-page]

**PDF.** Each saved page of ``opp115_pages/orig`` is printed to PDF by headless Chromium, as a
user's browser prints it (with its date/title header and URL/page-number footer), and cached
under ``--cache`` (never in the repository). The text of each reading is scored against the
gold policy text of ``opp115_pages/san`` (segments separated by ``|||``, ``<br>`` line breaks)
by word-multiset precision, recall and F1 per page, then the macro mean over pages. Words are
runs of letters and digits, case-folded, so a word split by a hyphen at a line end counts as
two wrong words until it is joined. ``pdftotext`` (poppler) is the anchor; ``--compare`` adds
the plain text of pdfminer.six, pypdf and pypdfium2 (each library's own extraction, no
clean-up), which is how the library was chosen.

Headings: the ``h1``-``h6`` of the saved page whose text is in the gold text are the expected
headings; *found* is the share of them that are section titles of our reading (macro over the
pages that have any).

``--split tune`` reads the pages with an even number (the number before the first ``_``),
``check`` the odd ones; ``all`` prints both halves and the whole.

**Speed.** A 50-page PDF made from the longest printed page (its pages repeated), read with
``load_policy``: the median of 3.

**Word.** Each seed policy (``--policies``, ``*.txt``) is read as text, written to ``.docx``
with python-docx (its headings as Heading 1..n styles, its clauses as paragraphs), read back,
and compared: sections equal (titles and levels) yes/no, clauses equal in count.

Nothing from the corpus is kept. Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor_tui.core.errors import AuditorError
from auditor_tui.core.policy import load_policy

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "auditor-tui-pdf-cache"
_WORD = re.compile(r"[^\W_]+")


# --------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Page:
    number: int
    html: Path
    gold: Path

    @property
    def name(self) -> str:
        return self.html.stem


def pages(corpus: Path) -> list[Page]:
    """The saved pages with their gold text, paired by the number before the first ``_``."""
    base = corpus / "opp115_pages" if (corpus / "opp115_pages").is_dir() else corpus
    gold = {path.name.split("_")[0]: path for path in (base / "san").glob("*.html")}
    found = []
    for path in sorted((base / "orig").glob("*.html")):
        key = path.name.split("_")[0]
        if key in gold and key.isdigit():
            found.append(Page(int(key), path, gold[key]))
    return found


def gold_text(page: Page) -> str:
    raw = page.gold.read_text(encoding="utf-8", errors="replace")
    return html.unescape(re.sub(r"<br\s*/?>", "\n", raw, flags=re.I).replace("|||", "\n"))


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.casefold()))


def score(found: str, gold: str) -> tuple[float, float, float]:
    """Word-multiset precision, recall and F1 of *found* against *gold*."""
    have, want = words(found), words(gold)
    common = sum((have & want).values())
    precision = common / max(1, sum(have.values()))
    recall = common / max(1, sum(want.values()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


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


def gold_headings(page: Page, gold: str) -> list[str]:
    """The page's h1-h6 whose words are in the gold text (the policy's own headings)."""
    parser = _Headings()
    parser.feed(page.html.read_text(encoding="utf-8", errors="replace"))
    body = f" {_key(gold)} "
    return [h for h in parser.found if (k := _key(h)) and len(k) > 3 and f" {k} " in body]


# --------------------------------------------------------------------------- printing


def print_pdf(page: Page, cache: Path) -> Path | None:
    """The page printed by headless Chromium, cached; None if Chromium is missing or fails."""
    out = cache / f"{page.name}.pdf"
    if out.exists() and out.stat().st_size:
        return out
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={out}", page.html.as_uri()]
    try:
        subprocess.run(command, capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        return None
    return out if out.exists() and out.stat().st_size else None


# --------------------------------------------------------------------------- readings


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


READINGS: dict[str, Callable[[Path], tuple[str, list[str]]]] = {
    "auditor-tui": read_ours,
    "pdftotext": read_pdftotext,
}
COMPARED: dict[str, Callable[[Path], tuple[str, list[str]]]] = {
    "pdfminer.six": read_pdfminer,
    "pypdf": read_pypdf,
    "pypdfium2": read_pypdfium2,
}


# --------------------------------------------------------------------------- the PDF table


@dataclass
class Row:
    page: Page
    scores: dict[str, tuple[float, float, float]]
    seconds: dict[str, float]
    headings: tuple[int, int]  # (expected, found)


def measure(page: Page, pdf: Path, readings: dict[str, Callable[[Path], tuple[str, list[str]]]]) -> Row:
    gold = gold_text(page)
    expected = gold_headings(page, gold)
    scores, seconds = {}, {}
    found = 0
    for name, reading in readings.items():
        start = time.perf_counter()
        try:
            text, titles = reading(pdf)
        except (AuditorError, Exception) as error:  # a library failing on a page counts as nothing read
            print(f"  {page.name}: {name} failed: {error}", file=sys.stderr)
            text, titles = "", []
        seconds[name] = time.perf_counter() - start
        scores[name] = score(text, gold)
        if name == "auditor-tui":
            keys = {_title_key(title) for title in titles}
            found = sum(1 for heading in expected if _title_key(heading) in keys)
    return Row(page, scores, seconds, (len(expected), found))


def report(label: str, rows: list[Row], names: list[str], *, per_page: bool) -> None:
    print(f"\n{label}: {len(rows)} pages")
    if per_page:
        for row in rows:
            cells = "  ".join(f"{row.scores[n][0]:.2f}/{row.scores[n][1]:.2f}/{row.scores[n][2]:.2f}" for n in names)
            print(f"  {row.page.name[:40]:<40} {cells}  headings {row.headings[1]}/{row.headings[0]}")
    print(f"  {'reading':<14} {'P':>6} {'R':>6} {'F1':>6} {'F1 med':>7} {'s/doc':>7}")
    for name in names:
        p, r, f = (statistics.fmean(row.scores[name][k] for row in rows) for k in range(3))
        median = statistics.median(row.scores[name][2] for row in rows)
        per = statistics.fmean(row.seconds[name] for row in rows)
        print(f"  {name:<14} {p:6.3f} {r:6.3f} {f:6.3f} {median:7.3f} {per:7.3f}")
    with_headings = [row for row in rows if row.headings[0]]
    if with_headings:
        share = statistics.fmean(row.headings[1] / row.headings[0] for row in with_headings)
        total = sum(row.headings[1] for row in with_headings), sum(row.headings[0] for row in with_headings)
        print(
            f"  headings found as sections: {share:.3f} (macro over {len(with_headings)} pages; {total[0]}/{total[1]})"
        )


def pdf_benchmark(corpus: Path, cache: Path, split: str, *, compare: bool, per_page: bool) -> Path | None:
    readings = dict(READINGS)
    if compare:
        readings.update(COMPARED)
    rows: list[Row] = []
    for page in pages(corpus):
        if split == "tune" and page.number % 2:
            continue
        if split == "check" and not page.number % 2:
            continue
        pdf = print_pdf(page, cache)
        if pdf is None:
            print(f"  {page.name}: could not print to PDF (is chromium installed?)", file=sys.stderr)
            continue
        rows.append(measure(page, pdf, readings))
    names = list(readings)
    if split == "all":
        report("tune (even page numbers)", [r for r in rows if not r.page.number % 2], names, per_page=per_page)
        report("check (odd page numbers)", [r for r in rows if r.page.number % 2], names, per_page=per_page)
        report("all", rows, names, per_page=False)
    else:
        report(split, rows, names, per_page=per_page)
    if not rows:
        return None
    return max((cache / f"{row.page.name}.pdf" for row in rows), key=lambda p: _page_count(p))


# --------------------------------------------------------------------------- speed


def _page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def speed(source: Path, cache: Path, pages_wanted: int = 50) -> None:
    import pypdfium2 as pdfium

    out = cache / f"speed-{pages_wanted}-pages.pdf"
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
    print(
        f"\nspeed: {pages_wanted}-page PDF ({source.name} repeated; {len(policy.clauses)} clauses) read in "
        f"{statistics.median(times):.2f} s (median of 3; target < 2 s)"
    )


# --------------------------------------------------------------------------- Word


def word_benchmark(policies: Path, cache: Path) -> None:
    from docx import Document

    print(f"\nWord: the seed policies of {policies} written to .docx and read back")
    cache.mkdir(parents=True, exist_ok=True)
    for path in sorted(policies.glob("*.txt")):
        text_policy = load_policy(path)
        document = Document()
        # The clauses between headings, in order, as the .txt reading has them.
        starts = sorted([*text_policy.sections, *text_policy.clauses], key=lambda block: block.start)
        for block in starts:
            if hasattr(block, "level") and hasattr(block, "title"):
                document.add_heading(block.title, level=min(block.level, 9))
            else:
                document.add_paragraph(block.text)
        out = cache / f"{path.stem}.docx"
        document.save(str(out))
        start = time.perf_counter()
        docx_policy = load_policy(out)
        seconds = time.perf_counter() - start
        same_sections = [(s.title, s.level) for s in text_policy.sections] == [
            (s.title, s.level) for s in docx_policy.sections
        ]
        clause_count = len(text_policy.clauses), len(docx_policy.clauses)
        same_text = [c.text for c in text_policy.clauses] == [c.text for c in docx_policy.clauses]
        print(
            f"  {path.name:<28} sections equal: {'yes' if same_sections else 'no'} "
            f"({len(text_policy.sections)}/{len(docx_policy.sections)}), "
            f"clauses equal: {'yes' if clause_count[0] == clause_count[1] else 'no'} "
            f"({clause_count[0]}/{clause_count[1]}), clause text equal: {'yes' if same_text else 'no'}, "
            f"read in {seconds * 1000:.0f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the corpus folder (with opp115_pages/)")
    parser.add_argument("--policies", type=Path, help="folder of seed .txt policies for the Word part")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where printed PDFs are kept")
    parser.add_argument("--split", choices=("all", "tune", "check"), default="all")
    parser.add_argument("--compare", action="store_true", help="also score pdfminer.six, pypdf and pypdfium2")
    parser.add_argument("--per-page", action="store_true", help="print every page's figures")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args(argv)
    longest = pdf_benchmark(args.corpus, args.cache, args.split, compare=args.compare, per_page=args.per_page)
    if longest is not None and not args.no_speed:
        speed(longest, args.cache)
    policies = args.policies or args.corpus.parent / "policies"
    if policies.is_dir():
        word_benchmark(policies, args.cache / "docx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
