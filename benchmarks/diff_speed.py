"""Speed of the clause diff (re-audit) on large generated policies.

    python benchmarks/diff_speed.py [--clauses 10000] [--repeat 3]

Two comparisons of a generated policy of ``--clauses`` clauses: against a new version with 1 %
of clauses removed, 2 % edited and 1 % inserted (a typical revision), and against one where every
clause was edited (the worst case for the word-level pass). Prints the median time of each and
how many clauses were matched; asserts nothing (tests/test_diff.py checks the results).
Target on a 2-core machine: well under 15 s at 10,000 clauses.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor_tui.core.diff import diff_policies
from auditor_tui.core.policy import Block, Policy, assemble


def policy_of(texts: list[str]) -> Policy:
    return assemble([Block("clause", t) for t in texts], fmt="text", path=None, warnings=())


def synthetic(count: int, seed: int) -> list[str]:
    """*count* clauses of Zipf-distributed words, as repetitive as real policies are."""
    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(3000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    return [" ".join(rng.choices(vocabulary, weights, k=rng.randint(8, 50))) + "." for _ in range(count)]


def revised(old: list[str], seed: int) -> list[str]:
    """A typical revision of *old*: 1 % of clauses removed, 2 % edited, 1 % inserted."""
    rng = random.Random(seed)
    new = []
    for text in old:
        roll = rng.random()
        if roll < 0.01:
            continue
        words = text.split()
        if roll < 0.03:
            words[rng.randrange(len(words))] = "edited"
        new.append(" ".join(words))
        if roll > 0.99:
            new.append("an inserted clause about something else entirely.")
    return new


def all_edited(old: list[str]) -> list[str]:
    """Every clause of *old* with its first word changed."""
    return [t.replace(t.split()[0], "changed", 1) for t in old]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clauses", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    old = synthetic(args.clauses, 1)
    base = policy_of(old)
    print(f"clause diff of {args.clauses:,} clauses (median of {args.repeat})")
    for name, other in (("typical revision", revised(old, 7)), ("every clause edited", all_edited(old))):
        new = policy_of(other)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            diff = diff_policies(base, new)
            times.append(time.perf_counter() - started)
        s = diff.summary()
        print(
            f"  {name:<20} {statistics.median(times):6.2f} s   unchanged {s['unchanged']:,}  modified {s['modified']:,}"
        )


if __name__ == "__main__":
    main()
