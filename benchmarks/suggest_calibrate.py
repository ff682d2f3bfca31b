"""Fit the gap model (``auditor_tui.core.suggest.gaps``) on rows dumped by the quality benchmark.

    python benchmarks/suggest_quality.py CORPUS_DIR --split tune --dump-gaps tune.jsonl
    python benchmarks/suggest_calibrate.py tune.jsonl [--precision 0.95] [--min-recall R] [--check check.jsonl]

Fits a logistic regression of "the item has no evidence in the policy" on
:func:`gap_features` (best score, margin, past audits), pooled over both
corpora and every run (cold and warm), so the probability means the same in each; then the
lowest threshold whose precision reaches ``--precision`` on every run of the tune rows. Prints
the coefficients to put in ``gaps.py`` and the flag's precision / recall per corpus and run
(also on ``--check`` rows, for the held-out half). Pure Python (Newton's method on 4 weights).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor_tui.core.suggest.gaps import GAP_COEFFICIENTS, GAP_THRESHOLD, GapInputs, gap_features, missing_probability


def features(row: dict) -> tuple[float, ...]:
    return gap_features(GapInputs(row["best"], row["second"], row["audits"]))


def fit(rows: list[dict], l2: float = 1e-3, steps: int = 30) -> tuple[float, ...]:
    """Logistic regression by Newton's method; each run weighs alike (cold as much as warm)."""
    per_run: dict[str, int] = defaultdict(int)
    for row in rows:
        per_run[row["run"]] += 1
    xs = [features(r) for r in rows]
    ys = [1.0 if r["missing"] else 0.0 for r in rows]
    ws = [len(rows) / (len(per_run) * per_run[r["run"]]) for r in rows]
    k = len(xs[0])
    beta = [0.0] * k
    for _ in range(steps):
        grad = [-l2 * b for b in beta]
        hess = [[l2 if i == j else 0.0 for j in range(k)] for i in range(k)]
        for x, y, w in zip(xs, ys, ws, strict=True):
            p = missing_probability(x, tuple(beta))
            for i in range(k):
                grad[i] += w * (y - p) * x[i]
                for j in range(k):
                    hess[i][j] += w * p * (1 - p) * x[i] * x[j]
        step = _solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return tuple(beta)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[col][col]:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def tally(
    rows: list[dict], beta: tuple[float, ...], threshold: float
) -> dict[tuple[str, str], tuple[float, float, int]]:
    """(corpus, run) -> (precision, recall, flags)."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        flagged = missing_probability(features(row), beta) >= threshold
        c = counts[(row.get("corpus", ""), row["run"])]
        if flagged and row["missing"]:
            c[0] += 1
        elif flagged:
            c[1] += 1
        elif row["missing"]:
            c[2] += 1
    out = {}
    for key, (tp, fp, fn) in sorted(counts.items()):
        out[key] = (tp / (tp + fp) if tp + fp else float("nan"), tp / (tp + fn) if tp + fn else float("nan"), tp + fp)
    return out


def choose_threshold(rows: list[dict], beta: tuple[float, ...], precision: float, min_recall: float = 0.0) -> float:
    """The lowest threshold at which every (corpus, run) reaches *precision*; when none does,
    the one with the best worst precision. Only thresholds that leave every run a recall of at
    least *min_recall* count (else a threshold that flags nothing wins: no flag, no false
    finding)."""
    best = (float("-inf"), 0.99)
    for step in range(50, 100):
        t = step / 100
        tallied = tally(rows, beta, t).values()
        if any(r < min_recall for _, r, _ in tallied if not math.isnan(r)):
            continue
        # A run with no flag has no false finding.
        worst = min((1.0 if math.isnan(p) else p) for p, _, _ in tallied)
        if worst >= precision:
            return t
        best = max(best, (worst, t))
    return best[1]


def report(name: str, rows: list[dict], beta: tuple[float, ...], threshold: float) -> None:
    print(f"\n{name} (threshold {threshold:.2f})")
    for (corpus, run), (p, r, flags) in tally(rows, beta, threshold).items():
        print(f"  {corpus:7} {run:10} flag P {p:.3f} R {r:.3f}  ({flags} flags)")


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", type=Path)
    parser.add_argument("--check", type=Path, help="rows of the held-out half, only to report")
    parser.add_argument("--precision", type=float, default=0.95)
    parser.add_argument(
        "--min-recall", type=float, default=0.0, help="ignore thresholds that leave a run less recall than this"
    )
    parser.add_argument("--current", action="store_true", help="report the coefficients in gaps.py, do not fit")
    args = parser.parse_args(argv)
    rows = [r for r in read(args.rows) if r["run"] != "warm"]
    if args.current:
        beta, threshold = GAP_COEFFICIENTS, GAP_THRESHOLD
    else:
        beta = fit(rows)
        threshold = choose_threshold(rows, beta, args.precision, args.min_recall)
        print("GAP_COEFFICIENTS =", "(" + ", ".join(f"{b:.3f}" for b in beta) + ")")
        print(f"GAP_THRESHOLD = {threshold:.2f}")
    report("tune", rows, beta, threshold)
    if args.check:
        report("check", [r for r in read(args.check) if r["run"] != "warm"], beta, threshold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
