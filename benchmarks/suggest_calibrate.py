"""Fit the gap model (``auditor_tui.core.suggest.gaps``) on rows dumped by the quality benchmark.

    python benchmarks/suggest_quality.py CORPUS_DIR --split tune --no-warm --dump-gaps tune.jsonl
    python benchmarks/suggest_calibrate.py tune.jsonl [--check check.jsonl] [--precision 0.95]
        [--min-recall R] [--item-l2 L | --choose-l2 L,L,...] [--evidence-k K] [--shared-only]
        [--cv-evidence-k K,K,...] [--reading benchmarks/gap_reading.json [--fit-reading]] [--current]

Fits a logistic regression of "the item has no evidence in the policy" on
:func:`gap_features` (the checklist's own best score and margin, past audits, how far they
raised the best score), pooled over both corpora and every run (cold and with past audits, each
run weighing alike), so the probability means the same in each. Each checklist item also gets
its own intercept, best-score and audits weights, added to the shared ones and ridge-penalised
by ``--item-l2`` (so an item with few rows stays near the shared model), used only from the
lowest best score (the checklist's own) among the item's rows up (a per-item fit is
not extrapolated: the controller's identity, say, never scores low in the tune halves, so its
own weights know nothing of a policy without contact details); ``--choose-l2`` picks
the penalty by two-fold cross-validation over the tune rows' policies (mean average precision).
An item that few tune policies show each way (GoPPC labels 13-2-e in 2 of 72) is penalised
more, by ``--evidence-k`` over the fourth power of that count (100): its own weights would
otherwise learn how the corpus labels, flagging the item over a clause that plainly states it.
Cross-validation against the corpus's labels cannot see that habit (both folds share it, so it
prefers no extra penalty); ``--cv-evidence-k`` also scores it against ``--reading`` (the labels
as read, where a reading of the policy disagrees with them: see :func:`read_as`), which chose K
and the power. ``--fit-reading`` fits on the tune rows as read (how the numbers in ``gaps.py``
were made: fitted to the raw labels, an item's own weights learn the corpus's labelling habits,
such as GoPPC's unlabelled cookie clauses). ``--shared-only`` fits the shared model alone. Then the lowest threshold whose precision reaches
``--precision`` on every run of the tune rows, and the audits' weight moved as far as that
precision allows (:func:`choose_audits_shift`; ``--no-audits-shift`` keeps it as fitted). An
item without its own weights (or below its floor) uses the shared
model fitted alone, its intercept moved so that at that threshold it flags what it flagged at
``--fallback-threshold`` (0.7, the threshold before per-item weights).

Prints the numbers to put in ``gaps.py`` and, per corpus and run (also on ``--check`` rows, the
held-out half): average precision, the recall reached at precision 0.90 and 0.95, the precision
at recall 0.90, and the flag's precision / recall at the threshold. Pure Python (Newton's
method; the per-item weights make the Hessian sparse per row).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor_tui.core.suggest.gaps import (
    GAP_COEFFICIENTS,
    GAP_ITEM_COEFFICIENTS,
    GAP_ITEM_TERMS,
    GAP_THRESHOLD,
    GapInputs,
    gap_coefficients,
    gap_features,
    item_missing_probability,
    missing_probability,
)

Model = tuple[tuple[float, ...], dict[str, dict[str, tuple[float, tuple[float, ...]]]]]
"""Shared coefficients, and per checklist and item the lowest best score its own were fitted on
and its own coefficients (shared plus its terms)."""


def inputs(row: dict) -> GapInputs:
    return GapInputs(row["best"], row["second"], row["audits"], row["checklist_best"], row["checklist_second"])


def features(row: dict) -> tuple[float, ...]:
    return gap_features(inputs(row))


def probability(row: dict, model: Model) -> float:
    return item_missing_probability((row.get("checklist", ""), row["item"]), inputs(row), *model)


EVIDENCE_K = 100.0
"""How much more an item's own weights are penalised when few tune policies show it each way:
``item_l2 + EVIDENCE_K / n⁴``, n the smaller of the policies where the item is labelled and
where it is not (at least 0.5): 100 at one policy, 6 at two, 0.4 at four, 0.04 at seven."""
EVIDENCE_POWER = 4


def evidence(rows: list[dict]) -> dict[tuple[str, str], int]:
    """Per (checklist, item): the smaller of the number of policies where it is labelled and
    where it is not."""
    present: dict[tuple[str, str], set[str]] = defaultdict(set)
    missing: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        key = (r.get("checklist", ""), r["item"])
        (missing if r["missing"] else present)[key].add(r["policy"])
    return {key: min(len(present[key]), len(missing[key])) for key in set(present) | set(missing)}


def fit(
    rows: list[dict],
    l2: float = 1e-3,
    item_l2: float | tuple[float, ...] | None = 0.1,
    steps: int = 40,
    evidence_k: float = EVIDENCE_K,
) -> Model:
    """Logistic regression by Newton's method; each run weighs alike (cold as much as warm).

    With *item_l2*, each (checklist, item) adds its own weights on the features
    :data:`GAP_ITEM_TERMS`, penalised by ``item_l2 * w²`` (the shared ones by *l2*), and keeps
    the lowest best score among its rows: below it, the item's own weights are not used. The
    penalty grows by ``evidence_k / n⁴`` for an item that few policies show each way (see
    :func:`evidence`): with two policies labelled, its own weights would learn the corpus's
    labelling habit, not what the scores say."""
    per_run: dict[str, int] = defaultdict(int)
    for row in rows:
        per_run[row["run"]] += 1
    xs = [features(r) for r in rows]
    ys = [1.0 if r["missing"] else 0.0 for r in rows]
    ws = [len(rows) / (len(per_run) * per_run[r["run"]]) for r in rows]
    k = len(xs[0])
    q = len(GAP_ITEM_TERMS) if item_l2 is not None else 0
    slots: dict[tuple[str, str], int] = {}
    if q:
        for r in rows:
            slots.setdefault((r.get("checklist", ""), r["item"]), k + q * len(slots))
    n = k + q * len(slots)
    per_term = item_l2 if isinstance(item_l2, tuple) else (item_l2 or 0.0,) * q
    shown = evidence(rows)
    penalty = [l2] * k
    for key in slots:
        penalty += [p + evidence_k / max(shown[key], 0.5) ** EVIDENCE_POWER for p in per_term]
    cols_of = [
        list(range(k)) + ([slots[(r.get("checklist", ""), r["item"])] + j for j in range(q)] if q else []) for r in rows
    ]
    vals_of = [list(x) + [x[t] for t in GAP_ITEM_TERMS[:q]] for x in xs]
    beta = [0.0] * n
    for _ in range(steps):
        grad = [-p * b for p, b in zip(penalty, beta, strict=True)]
        hess = [[0.0] * n for _ in range(n)]
        for i in range(n):
            hess[i][i] = penalty[i]
        for cols, vals, y, w in zip(cols_of, vals_of, ys, ws, strict=True):
            z = sum(beta[c] * v for c, v in zip(cols, vals, strict=True))
            p = missing_probability((z,), (1.0,))
            g, h = w * (y - p), w * p * (1 - p)
            for ca, va in zip(cols, vals, strict=True):
                grad[ca] += g * va
                line, hv = hess[ca], h * va
                for cb, vb in zip(cols, vals, strict=True):
                    line[cb] += hv * vb
        step = _solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    shared = tuple(beta[:k])
    floors: dict[tuple[str, str], float] = {}
    for r in rows:
        key = (r.get("checklist", ""), r["item"])
        floors[key] = min(floors.get(key, math.inf), r["checklist_best"])
    per_item: dict[str, dict[str, tuple[float, tuple[float, ...]]]] = defaultdict(dict)
    for (checklist, item), start in slots.items():
        own = list(shared)
        for j, t in enumerate(GAP_ITEM_TERMS):
            own[t] += beta[start + j]
        per_item[checklist][item] = (math.floor(floors[(checklist, item)] * 10) / 10, tuple(own))
    return shared, dict(per_item)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        head = m[col]
        for r in range(n):
            if r != col and m[r][col] and head[col]:
                f = m[r][col] / head[col]
                line = m[r]
                for c in range(col, n + 1):
                    line[c] -= f * head[c]
    return [m[i][n] / m[i][i] for i in range(n)]


def _groups(rows: list[dict]) -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        out[(row.get("corpus", ""), row["run"])].append(row)
    return dict(sorted(out.items()))


def tally(rows: list[dict], model: Model, threshold: float) -> dict[tuple[str, str], tuple[float, float, int]]:
    """(corpus, run) -> (precision, recall, flags)."""
    out = {}
    for key, group in _groups(rows).items():
        tp = fp = fn = 0
        for row in group:
            flagged = probability(row, model) >= threshold
            tp += flagged and row["missing"]
            fp += flagged and not row["missing"]
            fn += not flagged and row["missing"]
        out[key] = (tp / (tp + fp) if tp + fp else float("nan"), tp / (tp + fn) if tp + fn else float("nan"), tp + fp)
    return out


def curve(rows: list[dict], model: Model) -> tuple[float, float, float, float]:
    """Average precision, the best recall at precision 0.90 and at 0.95, the precision at
    recall 0.90 (over every threshold, ties taken together)."""
    ranked = sorted(((probability(r, model), bool(r["missing"])) for r in rows), key=lambda t: -t[0])
    positives = sum(y for _, y in ranked)
    if not positives:
        return (float("nan"),) * 4
    tp = fp = 0
    ap = r90 = r95 = 0.0
    p_at_r90 = float("nan")
    i = 0
    while i < len(ranked):
        j, new = i, 0
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            new += ranked[j][1]
            j += 1
        tp, fp = tp + new, fp + (j - i - new)
        precision, recall = tp / (tp + fp), tp / positives
        ap += new / positives * precision
        r90 = max(r90, recall) if precision >= 0.90 else r90
        r95 = max(r95, recall) if precision >= 0.95 else r95
        if recall >= 0.90 and math.isnan(p_at_r90):
            p_at_r90 = precision
        i = j
    return ap, r90, r95, p_at_r90


def mean_ap(rows: list[dict], model: Model) -> float:
    aps = [curve(group, model)[0] for group in _groups(rows).values()]
    return sum(aps) / len(aps)


def cross_validate(rows: list[dict], folds: int = 2, reading: Reading | None = None, **fit_args: float) -> float:
    """Mean average precision fitting on one fold of the rows' policies and scoring on the
    other (each in turn); with *reading*, scored against the labels as read (see :func:`read_as`)."""
    policies = sorted({(r.get("corpus", ""), r["policy"]) for r in rows})
    random.Random(7).shuffle(policies)
    fold = {p: i % folds for i, p in enumerate(policies)}
    aps = []
    for f in range(folds):
        train = [r for r in rows if fold[(r.get("corpus", ""), r["policy"])] != f]
        test = [r for r in rows if fold[(r.get("corpus", ""), r["policy"])] == f]
        aps.append(mean_ap(read_as(test, reading) if reading else test, fit(train, **fit_args)))
    return sum(aps) / len(aps)


Reading = dict[str, dict[str, dict[str, Any]]]
"""Where a reading disagrees with the corpus's labels (``benchmarks/gap_reading.json``): under
``"stated"``, per checklist and item, the policies whose best clauses state the item though the
corpus does not label it; under ``"not_stated"``, those whose labelled segments do not state it;
under ``"top3"``, per policy, the three best clauses of a miss at 3 and whether they state it
(for ``suggest_quality.py``'s "R@3 as read")."""

READING_SIDES = ("stated", "not_stated", "top3")


def load_reading(path: Path) -> Reading:
    """The reading file's three sides (OSError or ValueError when it cannot be read)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return {side: data.get(side, {}) for side in READING_SIDES}


def listed(reading: Reading, side: str, checklist_id: str, item_id: str, policy_id: str) -> bool:
    """Whether the reading lists the policy for the item under *side* (``stated`` or
    ``not_stated``)."""
    return policy_id in reading.get(side, {}).get(checklist_id, {}).get(item_id, ())


def missing_as_read(reading: Reading, checklist_id: str, item_id: str, policy_id: str, labelled_missing: bool) -> bool:
    """Whether the policy has no evidence for the item, as read: present where the reading
    found the item stated, missing where it found the labelled segments do not state it, and
    as labelled elsewhere."""
    if listed(reading, "stated", checklist_id, item_id, policy_id):
        return False
    if listed(reading, "not_stated", checklist_id, item_id, policy_id):
        return True
    return labelled_missing


def read_as(rows: list[dict], reading: Reading) -> list[dict]:
    """The rows with the labels as read (see :func:`missing_as_read`)."""
    return [
        {**r, "missing": missing_as_read(reading, r.get("checklist", ""), r["item"], r["policy"], r["missing"])}
        for r in rows
    ]


def choose_l2(rows: list[dict], candidates: list[float], evidence_k: float = EVIDENCE_K) -> float:
    """The per-item penalty with the best cross-validated mean average precision."""
    scored = []
    for l2 in candidates:
        score = cross_validate(rows, item_l2=l2, evidence_k=evidence_k)
        print(f"item-l2 {l2:g}: cross-validated mean average precision {score:.4f}")
        scored.append((score, -l2))
    return -max(scored)[1]


def choose_threshold(rows: list[dict], model: Model, precision: float, min_recall: float = 0.0) -> float:
    """The lowest threshold at which every (corpus, run) reaches *precision*; when none does,
    the one with the best worst precision. Only thresholds that leave every run a recall of at
    least *min_recall* count (else a threshold that flags nothing wins: no flag, no false
    finding)."""
    best = (float("-inf"), 0.99)
    for step in range(50, 100):
        t = step / 100
        tallied = tally(rows, model, t).values()
        if any(r < min_recall for _, r, _ in tallied if not math.isnan(r)):
            continue
        # A run with no flag has no false finding.
        worst = min((1.0 if math.isnan(p) else p) for p, _, _ in tallied)
        if worst >= precision:
            return t
        best = max(best, (worst, t))
    return best[1]


AUDITS_TERM = 3
"""The index of the past audits' term in :func:`gap_features`."""
AUDITS_SHIFTS = tuple(step / 4 for step in range(13))
"""The shifts of the audits' weight tried by :func:`choose_audits_shift` (0 to 3, by 0.25)."""


def shift_audits(model: Model, shift: float) -> Model:
    """The model with *shift* added to the audits' weight, shared and every item's own."""

    def moved(coefficients: tuple[float, ...]) -> tuple[float, ...]:
        out = list(coefficients)
        out[AUDITS_TERM] += shift
        return tuple(out)

    shared, per_item = model
    return moved(shared), {c: {i: (f, moved(own)) for i, (f, own) in items.items()} for c, items in per_item.items()}


def choose_audits_shift(rows: list[dict], model: Model, threshold: float, precision: float) -> float:
    """The largest shift of the audits' weight (of :data:`AUDITS_SHIFTS`, each smaller one
    passing too) at which every (corpus, run) of *rows* still reaches *precision* at
    *threshold*: the likelihood fit makes the flag more cautious with past audits than
    precision asks (held out, a flag with 20 audits was right 97 % of the time against 95 %
    cold, and found fewer gaps), so the audits' weight, like the threshold, is set for
    precision. A cold run is the same at every shift."""
    chosen = 0.0
    for shift in AUDITS_SHIFTS:
        tallied = tally(rows, shift_audits(model, shift), threshold).values()
        if min((1.0 if math.isnan(p) else p) for p, _, _ in tallied) < precision:
            break
        chosen = shift
    return chosen


def report(name: str, rows: list[dict], model: Model, threshold: float) -> None:
    print(f"\n{name} (threshold {threshold:.2f})")
    tallied = tally(rows, model, threshold)
    for key, group in _groups(rows).items():
        ap, r90, r95, p90 = curve(group, model)
        p, r, flags = tallied[key]
        print(
            f"  {key[0]:7} {key[1]:10} AP {ap:.3f}  R at P 0.90 {r90:.2f}, at P 0.95 {r95:.2f}, P at R 0.90 {p90:.2f}"
            f" | flag P {p:.3f} R {r:.3f}  ({flags} flags)"
        )


def print_model(model: Model, threshold: float) -> None:
    shared, per_item = model
    print("GAP_COEFFICIENTS: tuple[float, ...] = (" + ", ".join(f"{b:.3f}" for b in shared) + ")")
    print("GAP_ITEM_COEFFICIENTS: dict[str, dict[str, tuple[float, tuple[float, ...]]]] = {")
    for checklist, items in sorted(per_item.items()):
        print(f'    "{checklist}": {{')
        for item, (floor, own) in sorted(items.items()):
            print(f'        "{item}": ({floor:.1f}, (' + ", ".join(f"{b:.3f}" for b in own) + ")),")
        print("    },")
    print("}")
    print(f"GAP_THRESHOLD = {threshold:.2f}")


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def read(path: Path) -> list[dict]:
    """The rows of a dump (SystemExit naming the file when it predates the checklist's own
    scores: it cannot be fitted on, dump it again)."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    if any("checklist_best" not in row for row in rows):
        raise SystemExit(
            f"{path}: rows without checklist_best (an older dump); run suggest_quality.py --dump-gaps again"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", type=Path)
    parser.add_argument("--check", type=Path, help="rows of the held-out half, only to report")
    parser.add_argument("--precision", type=float, default=0.95)
    parser.add_argument(
        "--min-recall", type=float, default=0.0, help="ignore thresholds that leave a run less recall than this"
    )
    parser.add_argument("--threshold", type=float, help="report at this threshold instead of choosing one")
    parser.add_argument("--item-l2", type=float, default=0.1, help="ridge penalty of the per-item weights")
    parser.add_argument("--choose-l2", metavar="L,L", help="pick --item-l2 among these by cross-validation")
    parser.add_argument(
        "--evidence-k",
        type=float,
        default=EVIDENCE_K,
        help="extra per-item penalty K / n⁴ for an item n tune policies show each way (0: none)",
    )
    parser.add_argument(
        "--cv-evidence-k", metavar="K,K", help="print the cross-validated mean average precision at each K"
    )
    parser.add_argument(
        "--reading", type=Path, help="where a reading disagrees with the labels (gap_reading.json), to report"
    )
    parser.add_argument(
        "--fit-reading", action="store_true", help="fit and choose the threshold on the tune rows as read"
    )
    parser.add_argument("--shared-only", action="store_true", help="no per-item weights (the model before)")
    parser.add_argument("--current", action="store_true", help="report the numbers in gaps.py, do not fit")
    parser.add_argument(
        "--no-audits-shift", action="store_true", help="keep the audits' weight as fitted (see choose_audits_shift)"
    )
    parser.add_argument(
        "--fallback-threshold",
        type=float,
        default=0.7,
        help="the shared model flags an item without its own weights as it did at this threshold",
    )
    args = parser.parse_args(argv)
    rows = [r for r in read(args.rows) if r["run"] != "warm"]
    try:
        reading: Reading = load_reading(args.reading) if args.reading else {}
    except (OSError, ValueError) as error:
        parser.error(f"--reading {args.reading}: not a readable reading file ({error})")
    if args.fit_reading:
        if not reading:
            parser.error("--fit-reading needs --reading")
        rows = read_as(rows, reading)
    if args.current:
        model: Model = (GAP_COEFFICIENTS, GAP_ITEM_COEFFICIENTS)
        assert all(
            gap_coefficients((c, i), floor) == own for c, items in model[1].items() for i, (floor, own) in items.items()
        )
        threshold = GAP_THRESHOLD if args.threshold is None else args.threshold
    else:
        item_l2 = args.item_l2
        if args.choose_l2:
            item_l2 = choose_l2(rows, [float(x) for x in args.choose_l2.split(",")], args.evidence_k)
        for k in [float(x) for x in args.cv_evidence_k.split(",")] if args.cv_evidence_k else []:
            score = cross_validate(rows, item_l2=item_l2, evidence_k=k)
            line = f"evidence-k {k:g}: cross-validated mean average precision {score:.4f}"
            if reading:
                line += (
                    f", against the reading {cross_validate(rows, reading=reading, item_l2=item_l2, evidence_k=k):.4f}"
                )
            print(line)
        model = fit(rows, item_l2=None if args.shared_only else item_l2, evidence_k=args.evidence_k)
        threshold = args.threshold
        if threshold is None:
            threshold = choose_threshold(rows, model, args.precision, args.min_recall)
        if not args.shared_only:
            # An item without its own weights: the shared model alone, its intercept moved so
            # that it flags at *threshold* what it flagged at --fallback-threshold.
            shared = fit(rows, item_l2=None)[0]
            shift = _logit(threshold) - _logit(args.fallback_threshold)
            model = ((shared[0] + shift, *shared[1:]), model[1])
        if not args.no_audits_shift:
            audits_shift = choose_audits_shift(rows, model, threshold, args.precision)
            print(f"audits' weight moved by {audits_shift:+.2f} (set for precision at the threshold)")
            model = shift_audits(model, audits_shift)
        print_model(model, threshold)
    report("tune, as read" if args.fit_reading else "tune", rows, model, threshold)
    if reading and not args.fit_reading:
        report("tune, against the reading", read_as(rows, reading), model, threshold)
    if args.check:
        check = [r for r in read(args.check) if r["run"] != "warm"]
        report("check", check, model, threshold)
        if reading:
            report("check, against the reading", read_as(check, reading), model, threshold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
