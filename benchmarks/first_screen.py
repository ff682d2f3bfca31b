"""Time to the first screen and peak memory in a real terminal, beside Toolong and a Textual
hello world in the same run.

    python benchmarks/first_screen.py [-n 5] [--size 160x48] [--seed-policy PATH] [--toolong PATH]

Each command runs in tmux (a terminal of --size) in a fresh temporary folder, under GNU time
for its peak RSS; the clock runs from starting the command to the policy's first line on the
screen (a marker line at the top and at the bottom of the file, since Toolong opens a file at
its end). Runs alternate between the commands (A B C A B C ...), so the machine's load falls
on all alike: compare the ratios, not the seconds. Two policies: the generated 1 MB one
(10,000 clauses, benchmarks/_generate.py) and a real one of seed size (by default
/work/shared/policies/002_*.txt, about 20 KB, else the bundled sample). The policy is opened
as a user does, ``auditor-tui review POLICY`` (parse, checklist, new session file, screen).

Toolong pins its own Textual, so it needs a virtualenv of its own:
``python3 -m venv /tmp/toolong && /tmp/toolong/bin/pip install -q toolong`` (skipped when
absent). Needs tmux and GNU time. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MARKER = "ZZMARKER"
SESSION = f"first-screen-{os.getpid()}"  # our own tmux session: others may run this at once


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def run_once(command: str, size: str, timeout: float = 60.0) -> tuple[float | None, float | None]:
    """(seconds to the marker on screen, peak RSS in MiB) of one run of *command*."""
    folder = tempfile.mkdtemp(prefix="first-screen-")
    rss_file = os.path.join(folder, ".rss")
    # An empty config of its own: the user's is not read, and no "no such file" warning shows.
    Path(folder, "config.toml").touch()
    width, height = size.split("x")
    inner = f"env TERM=xterm-256color AUDITOR_TUI_CONFIG={folder}/config.toml /usr/bin/time -f %M -o {rss_file} "
    inner += f"sh -c {shlex.quote(command)}; sleep 30"
    tmux("kill-session", "-t", SESSION)
    start = time.monotonic()
    tmux("new-session", "-d", "-s", SESSION, "-x", width, "-y", height, "-c", folder, inner)
    shown = None
    while time.monotonic() - start < timeout:
        if MARKER in tmux("capture-pane", "-p", "-t", SESSION):
            shown = time.monotonic() - start
            break
        time.sleep(0.01)
    time.sleep(0.5)  # let the app finish its start (suggestions...) so the peak RSS counts it
    for key in ("q", "C-q", "C-c"):
        tmux("send-keys", "-t", SESSION, key)
        time.sleep(0.4)
        if os.path.exists(rss_file) and os.path.getsize(rss_file):
            break
    for _ in range(40):
        if os.path.exists(rss_file) and os.path.getsize(rss_file):
            break
        time.sleep(0.1)
    tmux("kill-session", "-t", SESSION)
    try:
        rss = int(Path(rss_file).read_text().split()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        rss = None
    shutil.rmtree(folder, ignore_errors=True)
    return shown, rss


def compare(commands: dict[str, str], runs: int, size: str) -> dict[str, tuple[float, float, float, float | None]]:
    """Per command: (median, min, max seconds, peak RSS MiB), runs alternating."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            shown, rss = run_once(command, size)
            if shown is not None:
                times[name].append(shown)
            if rss is not None:
                peaks[name].append(rss)
    result = {}
    for name, values in times.items():
        if not values:
            result[name] = (float("nan"), float("nan"), float("nan"), None)
            continue
        peak = statistics.median(peaks[name]) if peaks[name] else None
        result[name] = (statistics.median(values), min(values), max(values), peak)
    return result


def with_markers(text: str, folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(f"{MARKER} first line\n\n{text.strip()}\n\n{MARKER} last line\n", encoding="utf-8")
    return path


def seed_policy(given: str | None) -> Path:
    if given:
        return Path(given)
    found = sorted(Path("/work/shared/policies").glob("002_*.txt"))
    if found:
        return found[0]
    from auditor_tui.core.audit import sample_policy_path

    return sample_policy_path()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5, help="runs per command (default: %(default)s)")
    parser.add_argument("--size", default="160x48", help="terminal size (default: %(default)s)")
    parser.add_argument("--seed-policy", help="the seed-size policy (default: shared 002, else the sample)")
    parser.add_argument("--toolong", default="/tmp/toolong/bin/tl", help="Toolong's tl (default: %(default)s)")
    parser.add_argument("--clauses", type=int, default=10_000, help="clauses of the big policy (%(default)s)")
    args = parser.parse_args()
    if not shutil.which("tmux") or not os.path.exists("/usr/bin/time"):
        raise SystemExit("needs tmux and GNU time (/usr/bin/time)")
    from benchmarks._generate import generate_policy_text

    # Byte-compile the package first, as installing it from a wheel does (Toolong's and
    # Textual's are compiled by pip): an editable checkout run with PYTHONDONTWRITEBYTECODE set
    # would otherwise compile every changed module on every run.
    compileall.compile_dir(str(ROOT / "auditor_tui"), quiet=1)
    ours = shutil.which("auditor-tui", path=str(Path(sys.executable).parent)) or "auditor-tui"
    hello = f"{shlex.quote(sys.executable)} {shlex.quote(str(ROOT / 'benchmarks' / 'hello_app.py'))} {MARKER}"
    toolong = args.toolong if os.path.exists(args.toolong) else None
    if toolong is None:
        print(f"(Toolong not found at {args.toolong}: skipped; see --help)")
    with tempfile.TemporaryDirectory(prefix="first-screen-policies-") as tmp:
        folder = Path(tmp)
        big = with_markers(generate_policy_text(args.clauses), folder, "big.txt")
        seed = with_markers(seed_policy(args.seed_policy).read_text(encoding="utf-8"), folder, "seed.txt")
        print(f"terminal {args.size}, {args.n} runs each, alternating; load {os.getloadavg()[0]:.2f}")
        print(
            f"{'policy':28s} {'command':12s} {'median s':>9s} {'min':>6s} {'max':>6s} {'RSS MiB':>8s} "
            f"{'/ Toolong':>9s} {'/ hello':>8s}"
        )
        for label, policy in ((f"1 MB ({args.clauses:,} clauses)", big), (f"seed ({policy_kb(seed)} KB)", seed)):
            commands = {"auditor-tui": f"{shlex.quote(ours)} review {shlex.quote(str(policy))} --auditor bench"}
            if toolong:
                commands["Toolong"] = f"{shlex.quote(toolong)} {shlex.quote(str(policy))}"
            commands["hello world"] = hello
            result = compare(commands, args.n, args.size)
            base_tl = result.get("Toolong", (float("nan"),))[0]
            base_hello = result["hello world"][0]
            for name, (median, low, high, rss) in result.items():
                peak = f"{rss:.0f}" if rss is not None else "?"
                print(
                    f"{label:28s} {name:12s} {median:9.3f} {low:6.3f} {high:6.3f} {peak:>8s} "
                    f"{median / base_tl:9.2f} {median / base_hello:8.2f}"
                )
        print(f"load after {os.getloadavg()[0]:.2f}")


def policy_kb(path: Path) -> int:
    return round(path.stat().st_size / 1000)


if __name__ == "__main__":
    main()
