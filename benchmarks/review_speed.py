"""Speed of the review screen on a big policy: time to first screen and per-key latency.

    python benchmarks/review_speed.py [--clauses 10000] [--keys 60] [--size 120x40]

On a generated policy (benchmarks/_generate.py; 10,000 clauses is ~1 MB) with the
gdpr-transparency checklist, in process, headless, with Textual's Pilot:

* ``load_policy`` alone (read, decode, segment), and ``Audit.start`` (policy, checklist, new
  session file written);
* time to first screen: from creating the app to the first policy line drawn by the
  ReviewScreen's ``PolicyView.render_line`` (``app.run_test()``; Textual already imported,
  its import time is printed apart), and until the suggestions worker has finished;
* per-key latency, median and p95, for moving (``down``, ``pagedown``), tagging (``t``) and
  setting a status (``1``/``2``/``3``): from the key event until the app has handled it and
  repainted the screen (the key sent as ``pilot.press`` does + waiting for the screen's messages + one compositor
  refresh; headless, so writing to a real terminal is not included). The app is let go idle
  between two presses (not measured), so the autosaves the keys trigger run in between.

Wall-clock and CPU seconds are both printed: on a busy shared machine the wall time overstates
the cost. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._generate import generate_policy_text

CHECKLIST = "gdpr-transparency"
KEY_GROUPS = {
    "move: down": ["down"],
    "move: pagedown": ["pagedown"],
    "tag: t": ["t"],
    "status: 1/2/3": ["1", "2", "3"],
}


def write_policy(folder: Path, clauses: int) -> Path:
    path = folder / f"policy-{clauses}.txt"
    path.write_text(generate_policy_text(clauses), encoding="utf-8")
    return path


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_import() -> float:
    """Seconds to import the app's modules in a fresh interpreter (Textual included)."""
    code = (
        "import time; t = time.perf_counter(); import auditor_tui.ui.app, auditor_tui.core.audit; "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return float(out)


def time_load(policy_path: Path, repeat: int = 3) -> tuple[float, float, int]:
    """Median wall and CPU seconds of load_policy; the number of clauses."""
    from auditor_tui.core.policy import load_policy

    walls, cpus, count = [], [], 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        policy = load_policy(policy_path)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        count = len(policy.clauses)
    return statistics.median(walls), statistics.median(cpus), count


async def press_and_repaint(pilot, key: str) -> None:
    """Send one key and return when the app has handled it and repainted.

    ``pilot.press`` also waits for the process to go idle (two sleeps of at least 20 ms
    each), which would be measured as latency; this sends the key event the same way, then
    waits until the screen and its widgets have no message left (the key's handlers post more,
    e.g. the policy pane's CursorMoved bubbling up to the screen) and runs the screen's repaint
    at once, which renders every changed line.
    """
    from textual import events

    app = pilot.app
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    for _ in range(20):  # until the messages the key caused (bubbling up to the screen) are handled
        await pilot._wait_for_screen()
        pumps = [app, *app.screen.walk_children(with_self=True)]
        if not any(pump._message_queue.qsize() for pump in pumps):
            break
    app.screen._on_timer_update()


async def measure_app(audit, *, keys: int, size: tuple[int, int], key_groups=KEY_GROUPS) -> dict:
    """First screen and per-key latency of the review screen on *audit* (in process)."""
    from auditor_tui.ui.app import AuditorApp
    from auditor_tui.ui.screens.review import ReviewScreen
    from auditor_tui.ui.widgets.policy_view import PolicyView

    first_line: list[float] = []
    original = PolicyView.render_line

    def render_line(view, y):
        strip = original(view, y)
        if not first_line and view._lines and strip.text.strip():
            first_line.append(time.perf_counter())
        return strip

    PolicyView.render_line = render_line
    result: dict = {}
    try:
        start, start_cpu = time.perf_counter(), time.process_time()
        app = AuditorApp(audit, sessions_dir=audit.path.parent)
        async with app.run_test(size=size) as pilot:
            while not first_line:
                await asyncio.sleep(0.001)
            result["first_screen"] = first_line[0] - start
            result["first_screen_cpu"] = time.process_time() - start_cpu
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            while screen.scores is None and time.perf_counter() - start < 120:
                await asyncio.sleep(0.005)
            result["suggestions"] = time.perf_counter() - start
            await pilot.pause()
            latencies: dict[str, tuple[list[float], list[float]]] = {}
            for label, group in key_groups.items():
                walls, cpus = [], []
                await pilot.press("home")
                await pilot.pause()
                for n in range(keys):
                    key = group[n % len(group)]
                    await pilot.pause()  # idle between keys, as between a person's key presses
                    t0, c0 = time.perf_counter(), time.process_time()
                    await press_and_repaint(pilot, key)
                    walls.append(time.perf_counter() - t0)
                    cpus.append(time.process_time() - c0)
                    if label.startswith("tag") and n % 2 == 1:
                        await pilot.press("down")  # tag a new clause each time, not toggle one
                latencies[label] = (walls, cpus)
            result["keys"] = latencies
            await pilot.press("ctrl+s")
            await pilot.pause()
    finally:
        PolicyView.render_line = original
    return result


def run(clauses: int, keys: int, size: tuple[int, int]) -> dict:
    """Every figure for one policy size (in this process)."""
    from auditor_tui.core.audit import Audit

    with tempfile.TemporaryDirectory(prefix="review-speed-") as tmp:
        folder = Path(tmp)
        policy_path = write_policy(folder, clauses)
        figures: dict = {"clauses": clauses, "bytes": policy_path.stat().st_size}
        figures["load"], figures["load_cpu"], figures["parsed"] = time_load(policy_path)
        start = time.perf_counter()
        audit = Audit.start(policy_path, CHECKLIST, session_path=folder / "sessions" / "bench.toml", auditor="bench")
        figures["start"] = time.perf_counter() - start
        figures.update(asyncio.run(measure_app(audit, keys=keys, size=size)))
        return figures


def print_report(figures: dict, size: tuple[int, int]) -> None:
    print(
        f"policy: {figures['clauses']:,} clauses ({figures['parsed']:,} parsed), "
        f"{figures['bytes'] / 1_048_576:.2f} MiB; checklist {CHECKLIST}; terminal {size[0]}x{size[1]}, headless"
    )
    print(f"  import of the app (fresh interpreter)     {figures['import']:7.3f} s")
    print(f"  load_policy alone                         {figures['load']:7.3f} s  (cpu {figures['load_cpu']:.3f} s)")
    print(f"  Audit.start (policy + checklist + save)   {figures['start']:7.3f} s")
    print(
        f"  first screen (app created -> policy drawn){figures['first_screen']:7.3f} s  "
        f"(cpu {figures['first_screen_cpu']:.3f} s)"
    )
    print(f"  suggestions ready (worker thread)         {figures['suggestions']:7.3f} s")
    print(f"  review from the command line, total ~     {figures['start'] + figures['first_screen']:7.3f} s (+ import)")
    print()
    print(f"  {'per key (ms)':<18} {'n':>4} {'median':>8} {'p95':>8} {'max':>8} {'cpu med':>8}")
    for label, (walls, cpus) in figures["keys"].items():
        ms = [w * 1000 for w in walls]
        print(
            f"  {label:<18} {len(ms):>4} {statistics.median(ms):8.1f} {percentile(ms, 0.95):8.1f} "
            f"{max(ms):8.1f} {statistics.median(cpus) * 1000:8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clauses", type=int, default=10_000)
    parser.add_argument("--keys", type=int, default=60, help="presses measured per key (default: 60)")
    parser.add_argument("--size", default="120x40", help="terminal size (default: 120x40)")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.lower().split("x"))
    imported = time_import()
    figures = run(args.clauses, args.keys, size)  # type: ignore[arg-type]
    figures["import"] = imported
    print_report(figures, size)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
