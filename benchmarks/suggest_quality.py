"""Quality of the suggestion engine on labelled privacy-policy corpora.

    python benchmarks/suggest_quality.py ../shared/corpus [--limit N] [--corpus goppc|opp115|both]
        [--split all|tune|check] [--no-warm] [--no-headings] [--summary] [--misses]
        [--weight NAME=VALUE ...] [--reading benchmarks/gap_reading.json]

Reads ``goppc150.jsonl`` (GoPPC-150, mapped to the items of ``gdpr-transparency``) and
``opp115_majority.jsonl`` (OPP-115, mapped to ``opp115-data-practices``). Each corpus policy is
rebuilt as a document and scored: each segment is cut into clauses as ``parse_policy`` cuts
text (so our segmentation differs from the corpus's), under the section headings the corpus
gives (GoPPC's ``section_titles``; ``--no-headings`` drops them; OPP-115 has none). For every
(policy, item) where the item has gold segments:

* recall@K: a gold clause (one cut from a gold segment) is among the top K suggestions;
* MRR: mean of 1 / rank of the first gold clause;
* likely_missing precision and recall, where "missing" means no segment of the policy has the
  item's labels (with ``--reading``, as read where a reading of the policy disagrees with the
  labels: ``benchmarks/gap_reading.json``, policy ids only; recall@K then leaves out the pairs
  whose labelled segments the reading found not to state the item, and "R@3 as read" also
  counts a miss whose three best clauses are those a reading found to state the item).

The same figures are printed for a **baseline** (clauses ranked by rapidfuzz
``token_set_ratio`` with the item title alone) and **warm** (exemplars = gold segments of the
*other* policies of the corpus, up to ``--exemplars`` per item chosen deterministically, each
with its section heading as a tag records it: what a team has after auditing those policies).
Headline figures are pooled over all (policy, item) pairs ("micro"); "macro" is the mean over
items with at least 5 such pairs.

``--split tune`` / ``--split check`` evaluate a deterministic half of the policies (by a hash of
the policy id), to tune on one half and check on the other. ``--weight NAME=VALUE`` overrides a
field of :class:`Weights` (to screen a setting without editing the code); ``--misses`` prints,
for the pairs missed at 3, where their first gold clause ranks and how many have every gold
clause at 0 (a vocabulary gap, which term expansion could close, rather than a ranking one).
The corpora are only read to measure: nothing from them is stored.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz, process, utils

from auditor_tui.core.checklist import Checklist, find_checklist
from auditor_tui.core.policy import Block, Policy, assemble, blocks_from_text, parse_policy
from auditor_tui.core.suggest import Exemplar, Suggester, Weights
from benchmarks.suggest_calibrate import Reading, listed, load_reading, missing_as_read

KS = (1, 3, 5)

# GoPPC-150 concept -> gdpr-transparency item. A segment covers a concept when one of its labels
# is the concept or starts with "CONCEPT." (a child).
GOPPC_TO_GDPR: dict[str, tuple[str, ...]] = {
    "13-1-a": ("CONTROLLER",),
    "13-1-a-representative": ("CONTROLLER_REPRESENTATIVE",),
    "13-1-b": ("DPO",),
    "14-1-d": ("PD_CATEGORY",),
    "14-2-f": ("PD_ORIGIN.INDIRECT",),
    "13-1-c-purposes": ("PROCESSING_PURPOSES",),
    "13-1-c-legal-basis": ("LAWFUL_BASIS",),
    "13-1-d": ("LAWFUL_BASIS.LEGITIMATE_INTEREST",),
    "13-2-e": ("PD_PROVISION_OBLIGED",),
    "13-2-f": ("DATA_SUBJECT_RIGHT.AUTO_DECISION_MAKING",),
    "13-1-e": ("DATA_SHARING",),
    "13-1-f": ("TRANSFER_OUTSIDE_EUROPE",),
    "13-2-a": ("PD_STORAGE_DETAILS.TIME",),
    "13-2-b-access": ("DATA_SUBJECT_RIGHT.ACCESS",),
    "13-2-b-rectification": ("DATA_SUBJECT_RIGHT.RECTIFICATION",),
    "13-2-b-erasure": ("DATA_SUBJECT_RIGHT.ERASURE",),
    "13-2-b-restriction": ("DATA_SUBJECT_RIGHT.RESTRICTION",),
    "13-2-b-objection": ("DATA_SUBJECT_RIGHT.OBJECT",),
    "13-2-b-portability": ("DATA_SUBJECT_RIGHT.PORTABILITY",),
    "13-2-c": ("DATA_SUBJECT_RIGHT.WITHDRAW_CONSENT",),
    "13-2-d": ("COMPLAINT",),
    "32-security": ("PD_SECURITY",),
    "cookies": ("NON-GDPR.COOKIE", "PD_ORIGIN.DIRECT_PASSIVE.COOKIE"),
}

CORPORA = {
    "goppc": ("goppc150.jsonl", "gdpr-transparency"),
    "opp115": ("opp115_majority.jsonl", "opp115-data-practices"),
}


def goppc_items(labels: list[str]) -> set[str]:
    out: set[str] = set()
    for item_id, concepts in GOPPC_TO_GDPR.items():
        if any(label == c or label.startswith(c + ".") for label in labels for c in concepts):
            out.add(item_id)
    return out


def opp115_mapper(checklist: Checklist):
    """OPP-115 category -> item, by the item's ref "OPP-115: <category>"."""
    by_label: dict[str, str] = {}
    for item in checklist.items:
        for ref in item.refs:
            if ref.startswith("OPP-115: "):
                by_label[ref.removeprefix("OPP-115: ")] = item.id

    def items(labels: list[str]) -> set[str]:
        return {by_label[label] for label in labels if label in by_label}

    return items, sorted(set(by_label.values()), key=[i.id for i in checklist.items].index)


# --------------------------------------------------------------------------- corpus


@dataclass
class Doc:
    policy_id: str
    policy: Policy
    segments: list[str]
    seg_items: list[set[str]]
    clause_seg: list[int]
    gold: dict[str, set[int]] = field(default_factory=dict)
    """item id -> clause indices cut from a gold segment"""
    present: set[str] = field(default_factory=set)
    """items with at least one gold segment (even if it became a heading)"""
    seg_sections: list[str] = field(default_factory=list)
    """each segment's section path as one line ("" without headings)"""


def build_doc(row: dict, mapper, *, headings: bool = True) -> Doc:
    segments = list(row["text_segments"])
    labels = row["labels"]
    titles = row.get("section_titles") if headings else None
    if titles:
        # The policy as published: each segment under its section headings.
        blocks: list[Block] = []
        clause_seg: list[int] = []
        shown: list[str] = []
        sections: list[str] = []
        for index, segment in enumerate(segments):
            path = [" ".join(t.split()) for t in titles[index] if t and t.strip()]
            depth = 0
            while depth < min(len(path), len(shown)) and path[depth] == shown[depth]:
                depth += 1
            blocks.extend(Block("heading", title, level) for level, title in enumerate(path[depth:], depth + 1))
            shown = path
            sections.append(" › ".join(path))
            for block in blocks_from_text(segment):
                if block.kind == "clause":
                    blocks.append(block)
                    clause_seg.append(index)
        policy = assemble(blocks, fmt="text", path=None, warnings=())
    else:
        policy = parse_policy("\n\n".join(segments), "text")
        sections = [""] * len(segments)
        clause_seg = []
        for index, segment in enumerate(segments):
            clause_seg.extend(index for block in blocks_from_text(segment) if block.kind == "clause")
        if len(clause_seg) != len(policy.clauses):  # pragma: no cover - a segment joined another
            clause_seg = _locate(policy, segments)
    seg_items = [mapper(list(ls)) for ls in labels]
    doc = Doc(row["policy_id"], policy, segments, seg_items, clause_seg, seg_sections=sections)
    for items in seg_items:
        doc.present |= items
    for clause_index, seg in enumerate(clause_seg):
        for item in seg_items[seg]:
            doc.gold.setdefault(item, set()).add(clause_index)
    return doc


def _locate(policy: Policy, segments: list[str]) -> list[int]:
    """Fallback: the segment holding each clause, by text search in document order."""
    keys = [" ".join(s.split()) for s in segments]
    out: list[int] = []
    current = 0
    for clause in policy.clauses:
        needle = " ".join(clause.text.split())[:200]
        for index in range(current, len(keys)):
            if needle in keys[index]:
                current = index
                break
        out.append(current)
    return out


def split_of(policy_id: str) -> str:
    return "tune" if hashlib.sha256(policy_id.encode()).digest()[0] % 2 == 0 else "check"


def load_corpus(path: Path, mapper, *, limit: int | None, split: str, headings: bool = True) -> list[Doc]:
    docs: list[Doc] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if split != "all" and split_of(row["policy_id"]) != split:
                continue
            docs.append(build_doc(row, mapper, headings=headings))
            if limit and len(docs) >= limit:
                break
    return docs


# --------------------------------------------------------------------------- evaluating


@dataclass
class Tally:
    hits: dict[int, int] = field(default_factory=lambda: dict.fromkeys(KS, 0))
    rr: float = 0.0
    n: int = 0
    """(policy, item) pairs with a gold clause"""
    tp: int = 0
    fp: int = 0
    fn: int = 0
    """likely_missing vs truly missing"""
    present: int = 0
    """(policy, item) pairs where the item has evidence (flagged ones are false findings)"""
    read_hits: int = 0
    """With --reading: pairs missed at 3 whose top three were read to state the item"""

    def add_rank(self, rank: int | None) -> None:
        self.n += 1
        if rank is None:
            return
        for k in KS:
            if rank <= k:
                self.hits[k] += 1
        self.rr += 1.0 / rank

    def add_missing(self, predicted: bool, actual: bool) -> None:
        if not actual:
            self.present += 1
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1

    def recall(self, k: int) -> float:
        return self.hits[k] / self.n if self.n else float("nan")

    def recall_as_read(self) -> float:
        """Recall@3 counting the misses whose top three a reading found to state the item."""
        return (self.hits[3] + self.read_hits) / self.n if self.n else float("nan")

    @property
    def mrr(self) -> float:
        return self.rr / self.n if self.n else float("nan")

    @property
    def miss_precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def miss_recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def false_flag_rate(self) -> float:
        """Share of the items that do have evidence flagged likely missing."""
        return self.fp / self.present if self.present else float("nan")

    def merge(self, other: Tally) -> None:
        for k in KS:
            self.hits[k] += other.hits[k]
        self.rr += other.rr
        self.n += other.n
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.present += other.present
        self.read_hits += other.read_hits


def first_gold_rank(ranking: list[int], gold: set[int]) -> int | None:
    for position, index in enumerate(ranking, 1):
        if index in gold:
            return position
    return None


GAP_ROWS: list[dict] = []
"""With --dump-gaps: one row per (policy, item) of every engine run, to fit the gap model."""


def evaluate_engine(docs: list[Doc], items: list[str], make_suggester, *, run: str = "") -> dict[str, Tally]:
    """Tallies per item for the engine; *make_suggester(doc)* gives the suggester to use."""
    tallies = {item: Tally() for item in items}
    for doc in docs:
        suggester = make_suggester(doc)
        scores = suggester.score(doc.policy)
        n = len(doc.policy.clauses)
        for item in items:
            row = [scores.score(item, cid) for cid in scores.clause_ids]
            if doc.gold.get(item) and not disputed(doc, suggester.checklist.id, item):
                ranking = sorted(range(n), key=lambda i: (-row[i], i))
                rank = first_gold_rank(ranking, doc.gold[item])
                tallies[item].add_rank(rank)
                if (rank is None or rank > 3) and read_stated(doc, suggester.checklist.id, item, ranking[:3]):
                    tallies[item].read_hits += 1
                if MISSES is not None and (rank is None or rank > 3):
                    shares = any(row[i] > 0 for i in doc.gold[item])
                    MISSES.setdefault(run, []).append(rank if shares and rank is not None else 0)
            gap = scores.gap(item)
            tallies[item].add_missing(gap.likely_missing, truly_missing(doc, suggester.checklist.id, item))
            if DUMP_GAPS:
                inputs = asdict(scores.gap_inputs(item))
                GAP_ROWS.append(
                    {
                        "run": run,
                        "policy": doc.policy_id,
                        "item": item,
                        **inputs,
                        "clauses": n,
                        "missing": item not in doc.present,
                        **({"top": sorted(row, reverse=True)[:DUMP_TOP]} if DUMP_TOP else {}),
                    }
                )
    return tallies


READING: Reading = {}
"""With --reading: where a reading disagrees with the corpus's labels (``gap_reading.json``)."""


def truly_missing(doc: Doc, checklist_id: str, item: str) -> bool:
    """Whether the policy has no evidence for the item: by the corpus's labels, or with
    --reading as read where the reading disagrees with them."""
    return missing_as_read(READING, checklist_id, item, doc.policy_id, item not in doc.present)


def disputed(doc: Doc, checklist_id: str, item: str) -> bool:
    """With --reading: the item is labelled in the policy, but a reading found that no labelled
    segment states it (so no ranking could find its evidence): left out of recall@K."""
    return listed(READING, "not_stated", checklist_id, item, doc.policy_id)


def read_stated(doc: Doc, checklist_id: str, item: str, top: list[int]) -> bool:
    """With --reading: whether these three clauses (indices) are the ones a reading found to
    state the item (a miss by the labels, but evidence all the same). Other three: unknown."""
    read = READING.get("top3", {}).get(checklist_id, {}).get(item, {}).get(doc.policy_id)
    if not read or not read["stated"]:
        return False
    return {doc.policy.clauses[i].id for i in top} == set(read["top3"])


DUMP_GAPS = False
DUMP_TOP = 0
"""With --dump-top N: also dump each row's N best scores (to screen features of the ranked list)."""

MISSES: dict[str, list[int]] | None = None
"""With --misses: per run, the rank of the first gold clause of each (policy, item) pair missed
at 3 (0 where every gold clause scores 0: neither it nor its heading shares a term with the
item)."""


def print_misses(title: str, misses: dict[str, list[int]]) -> None:
    """Where the gold clauses of the pairs missed at 3 rank: a vocabulary gap (every gold clause
    scores 0) or a ranking one (they match the item's terms, but other clauses match more)."""
    print(f"\n== misses at 3 (first gold clause's rank), {title}")
    for run, ranks in misses.items():
        found = sorted(r for r in ranks if r)
        median = found[len(found) // 2] if found else 0
        bands = [sum(1 for r in found if lo <= r <= hi) for lo, hi in ((4, 5), (6, 10), (11, 10**9))]
        print(
            f"{run:<9} {len(ranks)} missed: {len(ranks) - len(found)} with every gold clause at 0; "
            f"first gold at 4-5: {bands[0]}, 6-10: {bands[1]}, >10: {bands[2]} (median {median})"
        )


BASELINE_THRESHOLD = 60.0


def evaluate_baseline(docs: list[Doc], items: list[str], checklist: Checklist) -> dict[str, Tally]:
    """Clauses ranked by rapidfuzz token_set_ratio with the item title alone."""
    tallies = {item: Tally() for item in items}
    titles = {item.id: item.title for item in checklist.items}
    for doc in docs:
        texts = [c.text for c in doc.policy.clauses]
        for item in items:
            row = [0.0] * len(texts)
            for _, score, index in process.extract(
                titles[item], texts, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=None
            ):
                row[index] = score
            if doc.gold.get(item) and not disputed(doc, checklist.id, item):
                ranking = sorted(range(len(texts)), key=lambda i: (-row[i], i))
                tallies[item].add_rank(first_gold_rank(ranking, doc.gold[item]))
            tallies[item].add_missing(
                max(row, default=0.0) < BASELINE_THRESHOLD, truly_missing(doc, checklist.id, item)
            )
    return tallies


def _rank_key(policy_id: str, text: str) -> bytes:
    return hashlib.sha256(f"{policy_id}\x00{text}".encode()).digest()


def _exemplar(doc: Doc, seg_index: int) -> Exemplar:
    """A gold segment as a past audit of *doc* records it: quote, section, audit and policy."""
    return Exemplar(doc.segments[seg_index], doc.seg_sections[seg_index], doc.policy_id, doc.policy_id)


def audit_exemplars(pool: list[Doc], items: list[str], audits: int):
    """A function doc -> exemplars: every gold segment of *audits* other policies of *pool*
    (chosen by a hash of both ids, so each policy gets its own past audits)."""
    wanted = set(items)

    def exemplars(doc: Doc) -> dict[str, list[Exemplar]]:
        others = sorted(
            (d for d in pool if d.policy_id != doc.policy_id), key=lambda d: _rank_key(doc.policy_id, d.policy_id)
        )
        out: dict[str, list[Exemplar]] = {}
        for other in others[:audits]:
            for seg_index, seg_items in enumerate(other.seg_items):
                for item in sorted(seg_items & wanted):
                    out.setdefault(item, []).append(_exemplar(other, seg_index))
        return out

    return exemplars


def warm_exemplars(docs: list[Doc], items: list[str], per_item: int):
    """A function doc -> exemplars: gold segments of the other policies, subsampled per item."""
    pools: dict[str, list[tuple[bytes, str, Exemplar]]] = defaultdict(list)
    for doc in docs:
        for seg_index, seg_items in enumerate(doc.seg_items):
            for item in seg_items:
                if item in items:
                    text = doc.segments[seg_index]
                    exemplar = _exemplar(doc, seg_index)
                    pools[item].append((_rank_key(doc.policy_id, text), doc.policy_id, exemplar))
    for pool in pools.values():
        pool.sort(key=lambda entry: entry[:2])

    def exemplars(doc: Doc) -> dict[str, list[Exemplar]]:
        out: dict[str, list[Exemplar]] = {}
        for item, pool in pools.items():
            chosen = [exemplar for _, pid, exemplar in pool if pid != doc.policy_id][:per_item]
            if chosen:
                out[item] = chosen
        return out

    return exemplars


# --------------------------------------------------------------------------- printing


DECIMALS = 2
"""How many decimals the figures are printed with (``--decimals``)."""


def _f(value: float) -> str:
    return "-".center(DECIMALS + 3) if math.isnan(value) else f"{value:{DECIMALS + 3}.{DECIMALS}f}"


def summarise(tallies: dict[str, Tally]) -> tuple[Tally, dict[str, float]]:
    pooled = Tally()
    for tally in tallies.values():
        pooled.merge(tally)
    eligible = [t for t in tallies.values() if t.n >= 5]
    macro = {f"r@{k}": sum(t.recall(k) for t in eligible) / len(eligible) if eligible else float("nan") for k in KS}
    macro["mrr"] = sum(t.mrr for t in eligible) / len(eligible) if eligible else float("nan")
    return pooled, macro


TABLED = ("cold", "baseline", "warm")
"""The runs shown per item (the curves' runs are summarised only)."""


def print_report(name: str, runs: dict[str, dict[str, Tally]], per_item: bool) -> None:
    print(f"\n== {name}")
    if per_item:
        tabled = {run: tallies for run, tallies in runs.items() if run in TABLED}
        header = f"{'item':28} {'n':>4} " + " ".join(f"{run[:4]:>4}:R@1  R@3  R@5  MRR  mP   mR " for run in tabled)
        print(header)
        first = next(iter(runs.values()))
        for item in first:
            cells = []
            for tallies in tabled.values():
                t = tallies[item]
                cells.append(
                    "     "
                    + " ".join(
                        _f(x) for x in (t.recall(1), t.recall(3), t.recall(5), t.mrr, t.miss_precision, t.miss_recall)
                    )
                )
            print(f"{item[:28]:28} {first[item].n:4d} " + " ".join(cells))
    for run, tallies in runs.items():
        pooled, macro = summarise(tallies)
        print(
            f"{run:9} micro: R@1 {_f(pooled.recall(1))} R@3 {_f(pooled.recall(3))} R@5 {_f(pooled.recall(5))} "
            f"MRR {_f(pooled.mrr)} | missing P {_f(pooled.miss_precision)} R {_f(pooled.miss_recall)} "
            f"false {_f(pooled.false_flag_rate)} | macro R@1 {_f(macro['r@1'])} R@3 {_f(macro['r@3'])} R@5 {_f(macro['r@5'])} MRR {_f(macro['mrr'])}"
            f"  (n={pooled.n})" + (f" | R@3 as read {_f(pooled.recall_as_read())}" if READING.get("top3") else "")
        )


def run_corpus(
    corpus_dir: Path,
    key: str,
    *,
    limit: int | None,
    split: str,
    warm: bool,
    baseline: bool,
    per_item: bool,
    per_item_exemplars: int,
    weights: Weights | None = None,
    quiet: bool = False,
    headings: bool = True,
    curves: tuple[int, ...] = (),
) -> dict[str, dict[str, Tally]]:
    filename, checklist_id = CORPORA[key]
    checklist = find_checklist(checklist_id)
    if key == "goppc":
        mapper = goppc_items
        items = [item.id for item in checklist.items if item.id in GOPPC_TO_GDPR]
    else:
        mapper, items = opp115_mapper(checklist)
    started = time.perf_counter()
    docs = load_corpus(corpus_dir / filename, mapper, limit=limit, split=split, headings=headings)
    cold = Suggester(checklist, weights=weights)
    runs: dict[str, dict[str, Tally]] = {"cold": evaluate_engine(docs, items, lambda doc: cold, run="cold")}
    if baseline:
        runs["baseline"] = evaluate_baseline(docs, items, checklist)
    if warm:
        exemplars_of = warm_exemplars(docs, items, per_item_exemplars)
        runs["warm"] = evaluate_engine(
            docs, items, lambda doc: Suggester(checklist, exemplars_of(doc), weights=weights), run="warm"
        )
    for audits in curves:
        past = audit_exemplars(docs, items, audits)
        runs[f"audits={audits}"] = evaluate_engine(
            docs, items, lambda doc, past=past: Suggester(checklist, past(doc), weights=weights), run=f"audits={audits}"
        )
    if not quiet:
        clauses = sum(len(d.policy.clauses) for d in docs)
        print_report(
            f"{filename}: {len(docs)} policies, {clauses} clauses, checklist {checklist.id} {checklist.version}, "
            f"{len(items)} items mapped, split {split} ({time.perf_counter() - started:.1f} s)",
            runs,
            per_item,
        )
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus_dir", type=Path, metavar="CORPUS_DIR")
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N policies per corpus")
    parser.add_argument("--corpus", choices=("goppc", "opp115", "both"), default="both")
    parser.add_argument("--split", choices=("all", "tune", "check"), default="all")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm (exemplar) run")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-headings", action="store_true", help="drop the corpus's section titles (segments only)")
    parser.add_argument("--per-item", action="store_true", help="also print a line per item (default: on)")
    parser.add_argument("--summary", action="store_true", help="only the summary lines")
    parser.add_argument("--decimals", type=int, default=2, choices=range(1, 7), metavar="N", help="decimals printed")
    parser.add_argument("--exemplars", type=int, default=40, metavar="N", help="exemplars per item when warm")
    parser.add_argument(
        "--curves",
        default="1,5,20",
        metavar="N,N",
        help="warm with N past audits of other policies of the same split (default 1,5,20; '' for none)",
    )
    parser.add_argument("--dump-gaps", type=Path, metavar="FILE", help="write the gap model's inputs (JSON lines)")
    parser.add_argument(
        "--dump-top", type=int, default=0, metavar="N", help="with --dump-gaps, also each row's N best scores"
    )
    parser.add_argument(
        "--reading",
        type=Path,
        metavar="FILE",
        help="count likely_missing against the labels as read where a reading disagrees (gap_reading.json)",
    )
    parser.add_argument(
        "--misses", action="store_true", help="also print where the gold clauses of the pairs missed at 3 rank"
    )
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one field of Weights (repeatable), e.g. --weight vector_factor=0.5",
    )
    args = parser.parse_args(argv)
    weights = Weights()
    for spec in args.weight:
        name, _, value = spec.partition("=")
        if name not in Weights.__dataclass_fields__ or not value:
            parser.error(f"--weight {spec}: expected NAME=VALUE with NAME a field of Weights")
        kind = type(getattr(weights, name))
        try:
            given = value in ("1", "true", "yes") if kind is bool else kind(float(value))
            weights = replace(weights, **{name: given})
        except ValueError:
            parser.error(f"--weight {spec}: {value!r} is not a number")
    global DECIMALS, DUMP_GAPS, DUMP_TOP, MISSES, READING
    DECIMALS = args.decimals
    READING = {}
    if args.reading is not None:
        try:
            READING = load_reading(args.reading)
        except (OSError, ValueError) as error:
            parser.error(f"--reading {args.reading}: not a readable reading file ({error})")
    DUMP_GAPS = args.dump_gaps is not None
    DUMP_TOP = max(0, args.dump_top)
    curves = tuple(int(n) for n in args.curves.split(",") if n.strip())
    keys = ("goppc", "opp115") if args.corpus == "both" else (args.corpus,)
    for key in keys:
        if not (args.corpus_dir / CORPORA[key][0]).is_file():
            parser.error(f"{args.corpus_dir / CORPORA[key][0]}: no such file")
    for key in keys:
        start = len(GAP_ROWS)
        MISSES = {} if args.misses else None
        run_corpus(
            args.corpus_dir,
            key,
            limit=args.limit,
            split=args.split,
            warm=not args.no_warm,
            baseline=not args.no_baseline,
            per_item=not args.summary,
            per_item_exemplars=args.exemplars,
            headings=not args.no_headings,
            curves=curves,
            weights=weights,
        )
        for row in GAP_ROWS[start:]:
            row["corpus"] = key
            row["checklist"] = CORPORA[key][1]
        if MISSES:
            print_misses(f"{CORPORA[key][0]}, split {args.split}", MISSES)
    if args.dump_gaps is not None:
        with args.dump_gaps.open("w", encoding="utf-8") as handle:
            for row in GAP_ROWS:
                handle.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

__all__ = ["main", "replace", "run_corpus"]
