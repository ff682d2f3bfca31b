"""Where the first screen's time goes: CPU seconds in a real terminal, in two parts.

    python benchmarks/first_screen_cpu.py [-n 7] [--size 160x48]

Each command runs in tmux (as ``benchmarks/first_screen.py`` does) under a small wrapper that
records the process's CPU time (``time.process_time``: every thread, not the wall clock, so a
loaded machine moves it less) at two points: when the Textual app starts running (its first
``Resize``: everything before is imports, reading the policy, the checklist and the new session
file) and when the driver is handed the first frame that shows the policy's first line. The
hello world (``benchmarks/hello_app.py``) is measured the same way, runs alternating. Prints
medians; asserts nothing. Needs tmux.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.first_screen import MARKER, seed_policy, with_markers

WRAPPER = """
import os, runpy, sys, time
import textual.app, textual.drivers.linux_driver as driver
out = os.environ["FIRST_SCREEN_OUT"]
started = []
on_resize = textual.app.App._on_resize
async def _on_resize(self, event):
    if not started:
        started.append(time.process_time())
    await on_resize(self, event)
textual.app.App._on_resize = _on_resize
write = driver.LinuxDriver.write
def _write(self, data):
    write(self, data)
    if MARKER in data:
        with open(out, "w") as handle:
            handle.write(f"{started[0] if started else 0.0} {time.process_time()}")
        os._exit(0)
driver.LinuxDriver.write = _write
target, sys.argv = sys.argv[1], sys.argv[1:]
if target.endswith(".py"):
    runpy.run_path(target, run_name="__main__")
else:
    runpy.run_module(target, run_name="__main__", alter_sys=True)
"""


def run_once(command: list[str], size: str, folder: Path) -> tuple[float, float] | None:
    """(CPU seconds to the app's start, to the first frame) of one run, or None."""
    out = folder / "cpu.out"
    out.unlink(missing_ok=True)
    config = folder / "config.toml"
    config.touch()
    width, height = size.split("x")
    inner = f"env TERM=xterm-256color AUDITOR_TUI_CONFIG={config} FIRST_SCREEN_OUT={out} {shlex.join(command)}"
    session = f"first-screen-cpu-{os.getpid()}"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", width, "-y", height, "-c", str(folder), inner])
    deadline = time.monotonic() + 30
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    try:
        started, shown = map(float, out.read_text().split())
    except (OSError, ValueError):
        return None
    return started, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=7, help="runs per command (default: %(default)s)")
    parser.add_argument("--size", default="160x48", help="terminal size (default: %(default)s)")
    parser.add_argument("--seed-policy", help="the policy (default: shared 002, else the sample)")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "auditor_tui"), quiet=1)  # as a wheel install does
    with tempfile.TemporaryDirectory(prefix="first-screen-cpu-") as tmp:
        folder = Path(tmp)
        wrapper = folder / "wrapper.py"
        wrapper.write_text(f"MARKER = {MARKER!r}\n{WRAPPER}", encoding="utf-8")
        policy = with_markers(seed_policy(args.seed_policy).read_text(encoding="utf-8"), folder, "seed.txt")
        commands = {
            "auditor-tui": [sys.executable, str(wrapper), "auditor_tui", "review", str(policy), "--auditor", "bench"],
            "hello world": [sys.executable, str(wrapper), str(ROOT / "benchmarks" / "hello_app.py"), MARKER],
        }
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.n):
            for name, command in commands.items():
                run = folder / name.replace(" ", "-")
                run.mkdir(exist_ok=True)
                measured = run_once(command, args.size, run)
                if measured is not None:
                    results[name].append(measured)
        print(f"terminal {args.size}, {args.n} runs each, alternating; load {os.getloadavg()[0]:.2f}")
        print(f"{'command':12s} {'to app start':>13s} {'app start to frame':>19s} {'total CPU s':>12s}")
        totals = {}
        for name, runs in results.items():
            if not runs:
                print(f"{name:12s} (no run reached the marker)")
                continue
            start = statistics.median(s for s, _ in runs)
            total = statistics.median(t for _, t in runs)
            totals[name] = total
            print(f"{name:12s} {start:13.3f} {statistics.median(t - s for s, t in runs):19.3f} {total:12.3f}")
        if len(totals) == 2:
            print(f"ratio of total CPU: {totals['auditor-tui'] / totals['hello world']:.2f}")


if __name__ == "__main__":
    main()
