"""Speed of the suggestion engine and of the live search.

    python benchmarks/suggest_speed.py [--clauses 10000] [--repeat 5]

Times, with the gdpr-transparency checklist:

* building the :class:`Suggester` (once per checklist), cold and with exemplars;
* ``Suggester.score``: all items x all clauses, on a generated policy of ``--clauses`` clauses,
  on a generated policy of 300 clauses and on the seed-sized fixture policy
  (tests/fixtures/policies/002_*, 87 clauses);
* ``SearchIndex``: building it, and the ranking time per keystroke while typing queries
  letter by letter (median and p95), in process (the TUI runs it in a worker).

Targets on a 2-core machine: score < 1 s at 10,000 clauses and < 0.1 s at ~300 clauses;
search < 30 ms p95 per keystroke at 10,000 clauses. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor_tui.core.checklist import find_checklist
from auditor_tui.core.policy import Policy, load_policy
from auditor_tui.core.suggest import Exemplar, SearchIndex, Suggester
from benchmarks._generate import HEADINGS, generate_policy

QUERIES = [
    "data protection officer",
    "right to object",
    "how long we keep",
    "retnetion",  # a typo
    "cookies",
    "transfer outside the eea",
    "complain supervisory authority",
    "legitimate interests",
    "withdraw consent",
    "email address",
]


CPU: list[float] = []
"""CPU seconds of the last :func:`timed` call (median): on a busy shared machine the wall time
overstates the cost, so both are printed."""


def timed(func, repeat: int) -> tuple[float, object]:
    times = []
    cpu = []
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[:] = [statistics.median(cpu)]
    return statistics.median(times), result


def keystroke_times(index: SearchIndex) -> list[float]:
    times: list[float] = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            start = time.perf_counter()
            index.search(query[:end], limit=50)
            times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def synthetic_exemplars(checklist, per_item: int) -> dict[str, list[Exemplar]]:
    """Exemplars made from the items' own example phrases, repeated with variations, each
    under one of the generator's headings."""
    out: dict[str, list[Exemplar]] = {}
    for n, item in enumerate(checklist.items):
        phrases = list(item.examples) or [item.title]
        out[item.id] = [
            Exemplar(f"{phrases[i % len(phrases)]} ({i})", HEADINGS[(n + i) % len(HEADINGS)]) for i in range(per_item)
        ]
    return out


def report_policy(name: str, policy: Policy, cold: Suggester, warm: Suggester, repeat: int) -> None:
    n = len(policy.clauses)
    print(f"\n{name}: {n} clauses, {len(cold.item_ids)} items")
    first = time.perf_counter()
    Suggester(cold.checklist).score(policy)
    print(f"  score, first call (fresh suggester, fuzzy map empty): {time.perf_counter() - first:7.3f} s")
    seconds, scores = timed(lambda: cold.score(policy), repeat)
    print(
        f"  score all items x all clauses, cold:                  {seconds:7.3f} s wall, {CPU[0]:.3f} s CPU "
        f"(median of {repeat})"
    )
    seconds, _ = timed(lambda: warm.score(policy), repeat)
    print(f"  score all items x all clauses, with exemplars:        {seconds:7.3f} s wall, {CPU[0]:.3f} s CPU")
    item = cold.item_ids[0]
    seconds, _ = timed(lambda: [scores.for_item(i, top=5) for i in cold.item_ids], repeat)  # type: ignore[union-attr]
    print(f"  for_item(top=5) for every item:                       {seconds * 1000:7.1f} ms")
    seconds, _ = timed(lambda: scores.for_clause(policy.clauses[-1].id), repeat)  # type: ignore[union-attr]
    print(f"  for_clause:                                           {seconds * 1000:7.3f} ms")
    del item
    seconds, index = timed(lambda: SearchIndex(policy), max(1, repeat // 2))
    print(f"  SearchIndex build:                                    {seconds:7.3f} s")
    times = keystroke_times(index)  # type: ignore[arg-type]
    print(
        f"  live search per keystroke ({len(times)} keystrokes):          "
        f"median {statistics.median(times) * 1000:6.2f} ms, p95 {p95(times) * 1000:6.2f} ms, "
        f"max {max(times) * 1000:6.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clauses", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--checklist", default="gdpr-transparency")
    args = parser.parse_args(argv)

    checklist = find_checklist(args.checklist)
    seconds, cold = timed(lambda: Suggester(checklist), args.repeat)
    print(f"checklist {checklist.id} {checklist.version}: {len(checklist.items)} items")
    print(f"  Suggester build, cold:                                {seconds * 1000:7.1f} ms")
    exemplars = synthetic_exemplars(checklist, 40)
    seconds, warm = timed(lambda: Suggester(checklist, exemplars), args.repeat)
    print(f"  Suggester build, 40 exemplars per item:               {seconds * 1000:7.1f} ms")

    start = time.perf_counter()
    big = generate_policy(args.clauses)
    print(f"  (generated a {args.clauses}-clause policy in {time.perf_counter() - start:.2f} s)")
    report_policy("generated policy", big, cold, warm, args.repeat)  # type: ignore[arg-type]
    report_policy("generated policy", generate_policy(300), cold, warm, args.repeat * 4)  # type: ignore[arg-type]
    seed = sorted((ROOT / "tests" / "fixtures" / "policies").glob("002_*.txt"))
    if seed:
        report_policy(f"seed policy {seed[0].name}", load_policy(seed[0]), cold, warm, args.repeat * 4)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
