"""How the cost grows with the policy's size, and a comparison with Toolong.

    python benchmarks/scale.py [--sizes 1000,10000,50000] [--keys 30] [--toolong-python PATH]

For generated policies (benchmarks/_generate.py) of each size, in a fresh process per size (so
the peak memory is that size's own), with the gdpr-transparency checklist:

* open: ``load_policy`` (read, decode, segment), median of 3;
* first screen: from creating the app to the first policy line drawn (headless, in process,
  imports done; see benchmarks/review_speed.py);
* per-key latency (median / p95) when moving (``down``) and tagging (``t``);
* save: ``save_session`` of a session with 2,000 tags (and 2,000 history events), median of 5,
  with the file's size;
* peak memory: the process's maximum resident set size (``ru_maxrss``) after all of the above;
  and, with tracemalloc, the memory the parsed Policy keeps and the peak while loading it.

Then the time to first screen on the ~1 MB policy (10,000 clauses) is compared with Toolong
(Textual's own large-file viewer) opening the same file, both headless with ``run_test`` in a
fresh interpreter, first frame = the first line of the file's text drawn by the viewer's
``render_line``. Toolong is looked for in this interpreter, then beside a ``tl`` on PATH, then
installed with pip into a temporary virtualenv (never into this project); if none of that
works the comparison is skipped with a note. Prints a table; asserts nothing.

These figures are headless; benchmarks/first_screen.py measures the same in a real terminal
(tmux), from the command to the policy on screen, beside Toolong and a Textual hello world.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (120, 40)
TAGS = 2_000


# --------------------------------------------------------------------------- one size, in a child


def measure_size(clauses: int, keys: int) -> dict:
    """Every figure for one size; run in its own process (see --one)."""
    import asyncio
    import tracemalloc

    from auditor_tui.core.audit import Audit
    from auditor_tui.core.policy import load_policy
    from auditor_tui.core.session import save_session
    from benchmarks.review_speed import measure_app, percentile, time_load, write_policy

    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        folder = Path(tmp)
        policy_path = write_policy(folder, clauses)
        figures: dict = {"clauses": clauses, "mib": policy_path.stat().st_size / 1_048_576}
        figures["open"], figures["open_cpu"], _ = time_load(policy_path)
        audit = Audit.start(policy_path, "gdpr-transparency", session_path=folder / "s" / "bench.toml", auditor="b")
        app = asyncio.run(measure_app(audit, keys=keys, size=SIZE, key_groups={"down": ["down"], "t": ["t"]}))
        figures["first_screen"] = app["first_screen"]
        figures["first_screen_cpu"] = app["first_screen_cpu"]
        figures["suggestions"] = app["suggestions"]
        for label, (walls, cpus) in app["keys"].items():
            ms = [w * 1000 for w in walls]
            figures[f"{label}_median"] = statistics.median(ms)
            figures[f"{label}_p95"] = percentile(ms, 0.95)
            figures[f"{label}_cpu"] = statistics.median(cpus) * 1000

        # A session with 2,000 tags spread over the items.
        audit = Audit.start(policy_path, "gdpr-transparency", session_path=folder / "s" / "tags.toml", auditor="b")
        session, policy = audit.session, audit.policy
        items = list(session.items)
        placed, step = 0, 0
        while placed < TAGS:
            item = items[step % len(items)]
            clause = policy.clauses[(step * 7919) % len(policy.clauses)]
            step += 1
            if session.items[item].tag_for(clause.id) is None:
                session.toggle_tag(item, clause)
                placed += 1
        saves = []
        for _ in range(5):
            start = time.perf_counter()
            save_session(session, audit.path)
            saves.append(time.perf_counter() - start)
        figures["save"] = statistics.median(saves)
        figures["session_kib"] = audit.path.stat().st_size / 1024

        figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        tracemalloc.start()
        kept = load_policy(policy_path)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del kept
        figures["policy_mib"] = current / 1_048_576  # the Policy object (text, clauses, sections)
        figures["load_peak_mib"] = peak / 1_048_576  # transient, while reading and segmenting
        return figures


def run_size(clauses: int, keys: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(clauses), "--keys", str(keys)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(f"size {clauses} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- first frame: us and Toolong

OURS = r"""
import asyncio, json, sys, time
sys.path.insert(0, ROOT)
from pathlib import Path
import tempfile
from auditor_tui.core.audit import Audit
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.widgets.policy_view import PolicyView
imported = time.perf_counter()
first = []
original = PolicyView.render_line
def render_line(self, y):
    strip = original(self, y)
    if not first and self._lines and strip.text.strip():
        first.append(time.perf_counter())
        print("first", flush=True)
    return strip
PolicyView.render_line = render_line
async def main():
    folder = Path(tempfile.mkdtemp())
    audit = Audit.start(POLICY, "gdpr-transparency", session_path=folder / "s.toml", auditor="b")
    app = AuditorApp(audit, sessions_dir=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        while not first:
            await asyncio.sleep(0.001)
        print(json.dumps({"after_import": first[0] - imported}), flush=True)
        app.exit()
asyncio.run(main())
"""

TOOLONG = r"""
import asyncio, json, time
from toolong.ui import UI
from toolong.log_lines import LogLines
imported = time.perf_counter()
first = []
original = LogLines.render_line
def render_line(self, y):
    strip = original(self, y)
    if not first and strip.text.strip():
        first.append(time.perf_counter())
        print("first", flush=True)
    return strip
LogLines.render_line = render_line
async def main():
    app = UI([POLICY])
    async with app.run_test(size=(120, 40)) as pilot:
        while not first:
            await asyncio.sleep(0.001)
        print(json.dumps({"after_import": first[0] - imported}), flush=True)
        app.exit()
asyncio.run(main())
"""


def first_frame(python: str, script: str, policy: Path) -> tuple[float, float]:
    """(seconds from process start to first frame, seconds after imports) in a fresh interpreter."""
    code = script.replace("ROOT", repr(str(ROOT))).replace("POLICY", repr(str(policy)))
    start = time.perf_counter()
    process = subprocess.Popen(
        [python, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tempfile.gettempdir()
    )
    cold = None
    for line in process.stdout:
        if line.strip() == "first" and cold is None:
            cold = time.perf_counter() - start
        elif line.startswith("{"):
            warm = json.loads(line)["after_import"]
            break
    else:
        raise RuntimeError(process.stderr.read()[-3000:])
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return cold, warm


def find_toolong(given: str | None) -> tuple[str | None, str]:
    """A Python interpreter that can import toolong, and how it was found."""

    def can_import(python: str) -> bool:
        probe = subprocess.run([python, "-c", "import toolong.ui"], capture_output=True)
        return probe.returncode == 0

    if given:
        return (given, "given") if can_import(given) else (None, f"{given} cannot import toolong")
    if can_import(sys.executable):
        return sys.executable, "this interpreter"
    tl = shutil.which("tl")
    if tl:
        first_line = Path(tl).read_text(errors="replace").splitlines()[0]
        if first_line.startswith("#!") and can_import(first_line[2:].strip()):
            return first_line[2:].strip(), f"beside {tl}"
    venv = Path(tempfile.mkdtemp(prefix="toolong-venv-"))
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        python = str(venv / "bin" / "python")
        subprocess.run([python, "-m", "pip", "install", "-q", "toolong"], check=True, capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        return None, f"pip install toolong failed ({error})"
    return (python, f"installed into {venv}") if can_import(python) else (None, "installed toolong does not import")


def compare_with_toolong(toolong_python: str | None, repeat: int) -> None:
    from benchmarks.review_speed import write_policy

    python, how = find_toolong(toolong_python)
    print()
    if python is None:
        print(f"Toolong comparison skipped: {how}.")
        return
    version = subprocess.run(
        [python, "-c", "from importlib.metadata import version as v; print(v('toolong'), v('textual'))"],
        capture_output=True,
        text=True,
    ).stdout.split()
    with tempfile.TemporaryDirectory(prefix="scale-tl-") as tmp:
        policy = write_policy(Path(tmp), 10_000)
        mib = policy.stat().st_size / 1_048_576
        ours, theirs = [], []
        for _ in range(repeat):  # alternate, so both see the same machine load
            ours.append(first_frame(sys.executable, OURS, policy))
            theirs.append(first_frame(python, TOOLONG, policy))
    print(
        f"Time to first screen on the same {mib:.2f} MiB policy (10,000 clauses), headless 120x40, "
        f"median of {repeat} fresh processes"
    )
    print(f"  Toolong {version[0]} (Textual {version[1]}, {how})")
    print(f"  {'':<28} {'from process start':>19} {'after imports':>14}")
    cold_ours, warm_ours = (statistics.median(x) for x in zip(*ours, strict=False))
    cold_tl, warm_tl = (statistics.median(x) for x in zip(*theirs, strict=False))
    print(f"  {'auditor-tui review':<28} {cold_ours:18.2f}s {warm_ours:13.2f}s")
    print(f"  {'toolong (tl FILE)':<28} {cold_tl:18.2f}s {warm_tl:13.2f}s")
    print(f"  {'ratio auditor-tui / toolong':<28} {cold_ours / cold_tl:18.2f}x {warm_ours / warm_tl:13.2f}x")
    print(
        "  (auditor-tui's figure includes segmenting the policy into clauses, loading the checklist and "
        "writing the new session file; Toolong only indexes line breaks)"
    )


# --------------------------------------------------------------------------- the table


def print_table(rows: list[dict]) -> None:
    columns = [
        ("clauses", "{:,}", "clauses"),
        ("MiB", "{:.2f}", "mib"),
        ("open s", "{:.3f}", "open"),
        ("1st screen s", "{:.3f}", "first_screen"),
        ("suggest s", "{:.2f}", "suggestions"),
        ("down ms med/p95", "{:.0f}/{:.0f}", ("down_median", "down_p95")),
        ("t ms med/p95", "{:.0f}/{:.0f}", ("t_median", "t_p95")),
        ("save 2k tags s", "{:.3f}", "save"),
        ("session KiB", "{:.0f}", "session_kib"),
        ("peak RSS MiB", "{:.0f}", "peak_rss_mib"),
        ("Policy MiB", "{:.1f}", "policy_mib"),
        ("load peak MiB", "{:.1f}", "load_peak_mib"),
    ]
    cells = []
    for row in rows:
        line = []
        for _, fmt, key in columns:
            values = [row[k] for k in key] if isinstance(key, tuple) else [row[key]]
            line.append(fmt.format(*values))
        cells.append(line)
    widths = [max(len(title), *(len(line[i]) for line in cells)) for i, (title, _, _) in enumerate(columns)]
    print("  ".join(title.rjust(w) for (title, _, _), w in zip(columns, widths, strict=False)))
    for line in cells:
        print("  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=False)))
    print(
        "CPU per key (median, ms): "
        + ", ".join(f"{r['clauses']:,}: down {r['down_cpu']:.0f} / t {r['t_cpu']:.0f}" for r in rows)
        + "; first screen CPU s: "
        + ", ".join(f"{r['first_screen_cpu']:.2f}" for r in rows)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="clause counts (default: %(default)s)")
    parser.add_argument("--keys", type=int, default=30, help="presses measured per key (default: %(default)s)")
    parser.add_argument("--toolong-python", default=os.environ.get("TOOLONG_PYTHON"), help="a python that has toolong")
    parser.add_argument("--no-toolong", action="store_true", help="skip the Toolong comparison")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per first-frame figure")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure_size(args.one, args.keys)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"auditor-tui at scale: generated policies, gdpr-transparency checklist, headless {SIZE[0]}x{SIZE[1]}, "
        f"one fresh process per size; {os.cpu_count()} CPUs"
    )
    rows = []
    for clauses in sizes:
        rows.append(run_size(clauses, args.keys))
    print_table(rows)
    if not args.no_toolong:
        compare_with_toolong(args.toolong_python, args.repeat)


if __name__ == "__main__":
    main()
