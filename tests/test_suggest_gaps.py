"""Likely gaps: a calibrated probability, the same on short and long policies, cold and warm;
exemplars weigh by the audits behind them; the auditor's tags and decisions overrule the flag."""

from __future__ import annotations

import math
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor_tui.core.checklist import find_checklist
from auditor_tui.core.policy import load_policy, parse_policy
from auditor_tui.core.session import new_session
from auditor_tui.core.suggest import Exemplar, Gap, Suggester
from auditor_tui.core.suggest.gaps import (
    GAP_COEFFICIENTS,
    GAP_ITEM_COEFFICIENTS,
    GAP_THRESHOLD,
    GapInputs,
    gap_coefficients,
    gap_features,
    item_missing_probability,
    missing_probability,
)
from benchmarks import suggest_calibrate
from tests.conftest import POLICIES, POLICY_2007, POLICY_2018

SHORT = POLICIES / "004_aa02e47dc2da3b1a.txt"
"""12 clauses: says nothing of a DPO, of automated decisions or of a representative."""
ABSENT = "13-1-a-representative"
"""A representative in the EU: neither policy speaks of one (both controllers are in the UK)."""
OTHERS = {
    SHORT: [POLICIES / n for n in ("000_1962084fed24df79.txt", "001_39e66615e43b07e0.txt", "003_4465fd82b2b0db32.txt")],
    # Not 000 or 001: the 2017 and 2007 versions of this policy (their clauses are its own).
    POLICY_2018: [POLICIES / n for n in ("003_4465fd82b2b0db32.txt", "004_aa02e47dc2da3b1a.txt")],
}
"""Past audits of other policies for each policy tested."""
PRESENT = "13-2-d"
"""The right to complain to the supervisory authority (the ICO): both policies state it."""
DPO = "13-1-b"


@pytest.fixture(scope="module")
def gdpr():
    return find_checklist("gdpr-transparency")


def past_audits(gdpr, n: int, of: Path, skip: frozenset[str] = frozenset()) -> dict[str, list[Exemplar]]:
    """*n* audits of other policies: each tagged, per item, the two clauses the engine
    suggests first there (right or wrong, as a hurried auditor might). Past the policies at
    hand, the same policies count as later versions audited again (another fingerprint).
    Items in *skip* are tagged in none (the auditors found them missing)."""
    out: dict[str, list[Exemplar]] = {}
    others = OTHERS[of]
    for audit in range(n):
        path = others[audit % len(others)]
        policy = load_policy(path)
        scores = Suggester(gdpr).score(policy)
        for item in gdpr.items:
            if item.id in skip:
                continue
            for suggestion in scores.for_item(item.id, top=2):
                text = policy.clause(suggestion.clause_id).text
                out.setdefault(item.id, []).append(
                    Exemplar(text, "", f"{path.name}-{audit}", f"{policy.sha256}-{audit}")
                )
    return out


@pytest.mark.parametrize("audits", [0, 1, 2])
@pytest.mark.parametrize("path", [SHORT, POLICY_2018], ids=["short", "long"])
def test_flag_means_the_same_on_short_and_long_cold_and_warm(gdpr, path, audits):
    policy = load_policy(path)
    scores = Suggester(gdpr, past_audits(gdpr, audits, path)).score(policy)
    absent, present = scores.gap(ABSENT), scores.gap(PRESENT)
    assert isinstance(absent, Gap) and absent.likely_missing, absent
    assert not present.likely_missing, present
    assert 0.0 <= present.probability < absent.probability <= 1.0
    assert absent.reason.startswith("no clause speaks of representative in the EU or UK; ")


@pytest.mark.parametrize("path", [SHORT, POLICY_2018], ids=["short", "long"])
def test_twenty_audits_that_found_the_item_missing_keep_its_flag(gdpr, path):
    """Twenty past audits that taught every other item (their two best clauses each) and found
    no representative: the flag stays on the absent item and off the present one. (Twenty
    audits that tagged wrong clauses for the representative would teach them: they agree.)"""
    exemplars = past_audits(gdpr, 20, path, skip=frozenset({ABSENT}))
    suggester = Suggester(gdpr, exemplars)
    assert suggester.audit_counts[PRESENT] == 20 and ABSENT not in suggester.audit_counts
    scores = suggester.score(load_policy(path))
    absent, present = scores.gap(ABSENT), scores.gap(PRESENT)
    assert absent.likely_missing and not present.likely_missing, (absent, present)
    assert present.probability < absent.probability


@pytest.mark.parametrize("path", [SHORT, POLICY_2018], ids=["short", "long"])
def test_with_past_audits_the_gap_model_also_reads_what_the_checklist_alone_scores(gdpr, path):
    """With past audits, the gap inputs carry the checklist's own two best scores (exactly a
    suggester's without the audits) besides the best the audits gave, which the suggestions show."""
    policy = load_policy(path)
    alone = Suggester(gdpr).score(policy)
    taught = Suggester(gdpr, past_audits(gdpr, 5, path)).score(policy)
    raised = 0
    for item in gdpr.items:
        inputs, cold = taught.gap_inputs(item.id), alone.gap_inputs(item.id)
        assert (inputs.checklist_best, inputs.checklist_second) == (cold.best, cold.second), item.id
        assert inputs.best == taught.best(item.id)
        raised += inputs.best > inputs.checklist_best + 1.0
    assert raised  # the audits raised some items' best scores


_WORDS = (
    "we our you data personal information officer protection contact email dpo keep retain delete "
    "years right access object complain authority cookies share partners transfer outside security "
    "encryption consent withdraw legitimate interests profiling automated provide mandatory"
).split()


@pytest.fixture(scope="module")
def taught_and_alone(gdpr):
    """A suggester with two past audits' exemplars, and one without any."""
    exemplars = {
        DPO: [Exemplar("Write to our DPO at dpo@example.com.", "Contact", "a1", "p1")],
        "13-2-a": [Exemplar("We keep your data for six years.", "Retention", "a2", "p2")],
    }
    return Suggester(gdpr, exemplars), Suggester(gdpr)


@given(clauses=st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12), min_size=0, max_size=8))
def test_the_checklists_own_scores_are_those_of_a_suggester_without_the_audits(taught_and_alone, clauses):
    """In one pass, a suggester with past audits scores any policy by the checklist alone too,
    exactly as a suggester without them does: the gap model's inputs agree item by item."""
    policy = parse_policy("\n\n".join(" ".join(words) + "." for words in clauses), "text")
    with_audits, without = taught_and_alone
    taught, alone = with_audits.score(policy), without.score(policy)
    for item_id in without.item_ids:
        mine, theirs = taught.gap_inputs(item_id), alone.gap_inputs(item_id)
        assert (mine.checklist_best, mine.checklist_second) == (theirs.best, theirs.second), item_id
        assert mine.best == taught.best(item_id)


def test_a_best_score_the_audits_raised_counts_for_less_than_the_checklists_own():
    """Exemplars share words with an absent item's nearest clauses too: a point of best score
    that the audits added lowers the probability of a gap, but less than a point the checklist
    alone gives, in the shared model and every item's own."""
    rise = gap_features(GapInputs(60.0, 40.0, 5, 50.0, 40.0))[4]
    assert rise == pytest.approx(0.1)
    models = [GAP_COEFFICIENTS] + [own for items in GAP_ITEM_COEFFICIENTS.values() for _, own in items.values()]
    for coefficients in models:
        assert coefficients[1] < coefficients[4] < 0.0, coefficients


def test_a_flag_says_when_no_clause_is_like_what_past_audits_tagged(gdpr):
    """With five past audits, the DPO's flag on the short policy (no clause raised by their
    evidence) says so; the representative's (its best clause raised 12 points by theirs) and
    every cold flag do not."""
    from auditor_tui.core.suggest.scores import UNRAISED

    policy = load_policy(SHORT)
    taught = Suggester(gdpr, past_audits(gdpr, 5, SHORT)).score(policy)
    said = "; no clause is like the evidence tagged in 5 past audits"
    dpo, representative = taught.gap(DPO), taught.gap(ABSENT)
    assert dpo.likely_missing and dpo.reason.endswith(said), dpo.reason
    raised = taught.gap_inputs(ABSENT)
    assert raised.best - raised.checklist_best >= UNRAISED
    assert representative.likely_missing and "past audit" not in representative.reason
    cold = Suggester(gdpr).score(policy)
    assert all("past audit" not in cold.gap(item.id).reason for item in gdpr.items)


def test_reason_names_the_best_candidate(gdpr):
    scores = Suggester(gdpr).score(load_policy(SHORT))
    gap = scores.gap(DPO)
    assert gap.best_clause is not None and f"best candidate {gap.best_clause}, " in gap.reason
    assert gap.best_score == scores.best(DPO)


def test_a_best_score_that_rounds_to_nothing_names_no_candidate(gdpr):
    """The short policy's best clause for an EU representative scores under 0.5: the reason
    says nothing comes close rather than "best candidate c1, 0"."""
    scores = Suggester(gdpr).score(load_policy(SHORT))
    gap = scores.gap("13-1-a-representative")
    assert gap.likely_missing and gap.best_clause is not None and round(gap.best_score) == 0
    assert gap.reason.endswith("; nothing comes close"), gap.reason
    for item in gdpr.items:
        assert not scores.gap(item.id).reason.endswith(", 0"), item.id


def test_tagged_or_decided_item_is_never_likely_missing(gdpr):
    policy = load_policy(SHORT)
    scores = Suggester(gdpr).score(policy)
    assert scores.gap(ABSENT).likely_missing
    session = new_session(policy, gdpr, policy_path=str(SHORT), auditor="ann")
    state = session.items[ABSENT]
    assert scores.likely_missing(ABSENT, state)  # open, untagged: the scores decide
    session.toggle_tag(ABSENT, policy.clauses[0], who="ann")
    assert not scores.likely_missing(ABSENT, state) and scores.gap(ABSENT, state).reason == "evidence is tagged"
    session.toggle_tag(ABSENT, policy.clauses[0], who="ann")
    session.set_status(ABSENT, "missing")
    assert not scores.gap(ABSENT, state).likely_missing


def test_one_audit_cannot_push_a_wrong_clause_above_the_checklists_best(gdpr):
    policy = load_policy(POLICY_2018)
    cold = Suggester(gdpr).score(policy)
    best = cold.for_item(DPO, top=1)[0].clause_id
    # A past audit (of a policy that reads like this one) wrongly tagged a cookie clause as
    # the DPO's contact details.
    wrong = cold.for_item("cookies", top=1)[0].clause_id
    text = policy.clause(wrong).text
    one = {DPO: [Exemplar(text, "", "audit-1", "policy-1")]}
    warm = Suggester(gdpr, one).score(policy)
    assert warm.for_item(DPO, top=1)[0].clause_id == best
    assert warm.score(DPO, wrong) < warm.score(DPO, best)
    assert warm.score(DPO, wrong) > cold.score(DPO, wrong)  # it nudges
    # Twenty audits of distinct policies that agree teach more than one.
    many = {DPO: [Exemplar(text, "", f"audit-{i}", f"policy-{i}") for i in range(20)]}
    taught = Suggester(gdpr, many).score(policy)
    assert taught.score(DPO, wrong) > warm.score(DPO, wrong)
    # Twenty audits of one policy are one policy's evidence.
    same = {DPO: [Exemplar(text, "", f"audit-{i}", "policy-1") for i in range(20)]}
    assert Suggester(gdpr, same).audit_counts[DPO] == 1


@pytest.mark.parametrize("item_id", ["13-1-b", "13-2-d", "13-1-f", "13-2-a", "13-2-b-erasure"])
def test_one_audit_never_tops_the_checklists_best_for_any_item(gdpr, item_id):
    """For several items, one past audit that tagged the clause the checklist ranks first for
    another item leaves the item's own best first."""
    policy = load_policy(POLICY_2018)
    cold = Suggester(gdpr).score(policy)
    best = cold.for_item(item_id, top=1)[0].clause_id
    other = next(i.id for i in gdpr.items if i.group != gdpr.items[cold.suggester.item_index(item_id)].group)
    wrong = next(s.clause_id for s in cold.for_item(other, top=5) if s.clause_id != best)
    one = {item_id: [Exemplar(policy.clause(wrong).text, "", "audit-1", "policy-1")]}
    warm = Suggester(gdpr, one).score(policy)
    assert warm.for_item(item_id, top=1)[0].clause_id == best
    assert warm.score(item_id, wrong) < warm.score(item_id, best)


def test_the_flag_reads_what_gap_inputs_report(gdpr):
    """The probability is the model's over :meth:`Scores.gap_inputs` (what the benchmark
    dumps to fit it), the number of past audits included: twenty audits whose exemplars raised
    no clause of this policy make a gap more likely than the same scores cold (the audits'
    weight is set for precision, see ``suggest_calibrate.choose_audits_shift``)."""
    scores = Suggester(gdpr).score(load_policy(SHORT))
    inputs = scores.gap_inputs(ABSENT)
    own = gap_coefficients((gdpr.id, ABSENT), inputs.checklist_best)
    assert scores.gap(ABSENT).probability == item_missing_probability((gdpr.id, ABSENT), inputs)
    assert inputs.checklist_best >= GAP_ITEM_COEFFICIENTS[gdpr.id][ABSENT][0]  # its own weights speak
    assert scores.gap(ABSENT).probability == missing_probability(gap_features(inputs), own)
    assert (inputs.best, inputs.audits) == (scores.best(ABSENT), 0)
    # Cold, the checklist alone is what scored the policy.
    assert (inputs.checklist_best, inputs.checklist_second) == (inputs.best, inputs.second)
    taught = replace(inputs, audits=20)
    assert missing_probability(gap_features(taught), own) > missing_probability(gap_features(inputs), own)


def test_the_audits_weight_is_moved_as_far_as_precision_allows():
    """The calibration moves the audits' weight by the largest step at which every run keeps
    its precision at the threshold; a cold run is the same at every step."""
    model = ((0.0, -10.0, 0.0, 0.0, 0.0), {})

    def row(best: float, missing: bool, audits: int = 20) -> dict:
        scores = {"best": best, "second": 0.0, "checklist_best": best, "checklist_second": 0.0}
        return {**scores, "audits": audits, "missing": missing, "item": "i", "corpus": "c", "run": f"a{audits}"}

    gaps = [row(float(best), True) for best in range(1, 6)]
    # Twenty audits raise z by 1.015 per unit of shift: best 20 (z -2.0) is flagged past 1.97.
    assert suggest_calibrate.choose_audits_shift([*gaps, row(20.0, False)], model, 0.5, 0.95) == 1.75
    # A present item at best 3 is flagged from 0.5 on (and the gaps at 1 and 2 from 0.25).
    assert suggest_calibrate.choose_audits_shift([*gaps, row(3.0, False)], model, 0.5, 0.95) == 0.25
    # Cold rows are not moved: a false flag there is there at every shift, and so is its precision.
    cold = [row(-1.0, True, 0), row(-1.0, False, 0)]
    assert suggest_calibrate.choose_audits_shift(cold, model, 0.5, 0.5) == suggest_calibrate.AUDITS_SHIFTS[-1]
    moved = suggest_calibrate.shift_audits(
        ((1.0, 2.0, 3.0, 4.0, 5.0), {"c": {"i": (7.0, (1.0, 1.0, 1.0, 1.0, 1.0))}}), 0.5
    )
    assert moved == ((1.0, 2.0, 3.0, 4.5, 5.0), {"c": {"i": (7.0, (1.0, 1.0, 1.0, 1.5, 1.0))}})


def test_items_of_the_development_checklists_have_their_own_weights(gdpr):
    """Every item the corpora map has its own coefficients, and they are not the shared ones."""
    assert set(GAP_ITEM_COEFFICIENTS) == {"gdpr-transparency", "opp115-data-practices"}
    for checklist_id, items in GAP_ITEM_COEFFICIENTS.items():
        ids = {item.id for item in find_checklist(checklist_id).items}
        assert set(items) <= ids, set(items) - ids
        for floor, own in items.values():
            assert 0.0 <= floor <= 100.0 and len(own) == len(GAP_COEFFICIENTS) and own != GAP_COEFFICIENTS
    assert ABSENT in GAP_ITEM_COEFFICIENTS[gdpr.id] and PRESENT in GAP_ITEM_COEFFICIENTS[gdpr.id]


@given(
    checklist_id=st.sampled_from(["gdpr-transparency", "opp115-data-practices", "custom"]),
    item_id=st.sampled_from(["13-1-a", "13-2-d", "cookies", "do-not-track", "no-such-item", ""]),
    best=st.floats(0.0, 100.0),
)
def test_item_weights_fall_back_to_the_shared_ones(checklist_id, item_id, best):
    """An item (or checklist) without its own weights, or a best score below the ones its own
    were fitted on, reads the shared coefficients; otherwise the item's own."""
    known = GAP_ITEM_COEFFICIENTS.get(checklist_id, {}).get(item_id)
    got = gap_coefficients((checklist_id, item_id), best)
    if known is None or best < known[0]:
        assert got == GAP_COEFFICIENTS
    else:
        assert got == known[1]


@given(
    key=st.sampled_from(
        [(checklist_id, item_id) for checklist_id, items in GAP_ITEM_COEFFICIENTS.items() for item_id in items]
    ),
    best=st.floats(0.0, 100.0),
    margin=st.floats(0.0, 60.0),
    rise=st.floats(-20.0, 40.0),
    audits=st.sampled_from([0, 1, 5, 20]),
    drop=st.floats(0.0, 100.0),
)
def test_a_lower_score_never_makes_a_gap_less_likely(key, best, margin, rise, audits, drop):
    """The same scores, lower by *drop*: the item is at least as likely missing, also where the
    lower best score falls below the scores the item's own weights were fitted on (there the
    shared model speaks, and it is the more cautious one: a clause falling below an item's
    floor used to turn its flag off)."""

    def probability(at: float) -> float:
        inputs = GapInputs(at + rise, at - margin, audits, at, at - margin)
        return item_missing_probability(key, inputs)

    lower = max(0.0, best - drop)
    assert probability(lower) >= probability(best) - 1e-12
    floor, own = GAP_ITEM_COEFFICIENTS[key[0]][key[1]]
    assert own[1] < 0.0  # each item's own weights: a higher best score, a less likely gap
    # Just below the floor, where the shared model takes over.
    assert probability(floor - min(drop, 5.0) - 0.01) >= probability(floor) - 1e-12


def test_a_renamed_copy_of_a_bundled_checklist_keeps_its_items_weights_and_words(gdpr):
    """A firm's copy of the bundled checklist under its own id (items unchanged but for case
    and spacing in a title) scores and flags exactly as the bundled one."""
    policy = load_policy(POLICY_2018)
    items = tuple(replace(item, title=f"  {item.title.upper()} ") if item.id == DPO else item for item in gdpr.items)
    copy = replace(gdpr, id="acme-transparency", items=items)
    bundled, copied = Suggester(gdpr).score(policy), Suggester(copy).score(policy)
    for item in gdpr.items:
        assert copied.gap_inputs(item.id) == bundled.gap_inputs(item.id)
        assert copied.gap(item.id).probability == bundled.gap(item.id).probability
    assert Suggester(copy).bundled == tuple((gdpr.id, item.id) for item in gdpr.items)


def test_an_item_whose_title_was_edited_is_read_by_the_shared_model(gdpr):
    """Under another checklist id, or under the bundled id itself, an item whose title says
    something else is no longer the bundled item: the flag is the shared model's, which
    differs from the item's own on the same scores, and no required words damp it."""
    from auditor_tui.core.suggest.weights import DEFAULT_WEIGHTS

    policy = load_policy(POLICY_2018)
    edited = tuple(replace(item, title=item.title + " (as the firm reads it)") for item in gdpr.items)
    # Required words are the bundled items' too: without them both score alike.
    same = replace(DEFAULT_WEIGHTS, required_damp=1.0)
    known = Suggester(gdpr, weights=same).score(policy)
    for custom in (replace(gdpr, id="custom-transparency", items=edited), replace(gdpr, items=edited)):
        suggester = Suggester(custom, weights=same)
        assert suggester.bundled == (None,) * len(edited)
        assert not Suggester(custom)._required
        unknown = suggester.score(policy)
        for item in (ABSENT, PRESENT, DPO):
            inputs = unknown.gap_inputs(item)
            assert inputs == known.gap_inputs(item)
            shared = missing_probability(gap_features(inputs), GAP_COEFFICIENTS)
            assert unknown.gap(item).probability == shared
            assert known.gap(item).probability != shared
        assert unknown.gap(ABSENT).likely_missing and not unknown.gap(PRESENT).likely_missing


def test_items_copied_from_two_bundled_checklists_keep_each_ones_tables():
    """A checklist of the auditor's own made of items from two bundled ones: each item is
    found in its own, and an item of the auditor's own is in none."""
    from auditor_tui.core.checklist import Item
    from auditor_tui.core.suggest.bundled import bundled_keys

    gdpr, opp = find_checklist("gdpr-transparency"), find_checklist("opp115-data-practices")
    mine = Item(id="13-1-b", title="Our own question")
    mixed = replace(gdpr, id="mixed", items=(gdpr.items[0], opp.items[0], mine))
    assert bundled_keys(mixed) == ((gdpr.id, gdpr.items[0].id), (opp.id, opp.items[0].id), None)


@pytest.mark.parametrize("path", [SHORT, POLICY_2018], ids=["short", "long"])
def test_no_tagged_or_decided_item_is_flagged_whatever_its_weights(gdpr, path):
    """Every item, flagged or not by its own weights: tagged evidence or a decided status (any
    of them) keeps it unflagged, with the reason saying why."""
    policy = load_policy(path)
    scores = Suggester(gdpr).score(policy)
    session = new_session(policy, gdpr, policy_path=str(path), auditor="ann")
    assert any(scores.gap(item.id).likely_missing for item in gdpr.items)
    for item in gdpr.items:
        state = session.items[item.id]
        session.toggle_tag(item.id, policy.clauses[-1], who="ann")
        gap = scores.gap(item.id, state)
        assert not gap.likely_missing and gap.reason == "evidence is tagged"
        session.toggle_tag(item.id, policy.clauses[-1], who="ann")
        assert scores.gap(item.id, state) == scores.gap(item.id)
        for status in ("satisfied", "partial", "missing", "not-applicable"):
            session.set_status(item.id, status, reason="not offered here")
            gap = scores.gap(item.id, state)
            assert not gap.likely_missing and gap.reason == f"decided: {state.status}"


def _iomart_2007_variants() -> tuple[str, str, str]:
    """The 2007 iomart policy as published, with its contact block alone under a heading that
    says nothing, and with no contact details at all."""
    text = POLICY_2007.read_text(encoding="utf-8")
    head, contact = text.split("### **9\\. Contact Us**")
    block = contact[contact.index("**iomart Limited**") :]
    return text, head + "### **9\\. Other matters**\n\n" + block, head


def test_a_contact_block_evidences_the_controller(gdpr):
    """A company's name with its postal address, phone and email is the controller's identity
    and contact details: the item is not flagged, and the block is its best candidate."""
    suggester = Suggester(gdpr)
    published, bare_block, _ = _iomart_2007_variants()
    for policy in (load_policy(POLICY_2007), parse_policy(published, "markdown"), parse_policy(bare_block, "markdown")):
        gap = suggester.score(policy).gap("13-1-a")
        assert not gap.likely_missing, gap
        assert gap.best_clause is not None and "G20 0SP" in policy.clause(gap.best_clause).text


def test_a_policy_without_contact_details_is_flagged_for_the_controller(gdpr):
    _, _, no_contact = _iomart_2007_variants()
    gap = Suggester(gdpr).score(parse_policy(no_contact, "markdown")).gap("13-1-a")
    assert gap.likely_missing, gap


CONSEQUENCES = "we may be unable to provide you with the products and services"
"""The 2018 policy's clause under "What Happens If You Don't Provide Your Personal
Information?": the evidence for 13-2-e (whether data is required, and the consequences)."""


@pytest.mark.parametrize("audits", [0, 1, 2])
def test_a_clause_stating_the_consequences_is_not_flagged_missing(gdpr, audits):
    """Few policies of the development corpus are labelled for 13-2-e, so weights of its own
    would flag it over any clause; with their penalty grown for so little evidence, the 2018
    policy's clause that states it is a top candidate and the item is not flagged."""
    policy = load_policy(POLICY_2018)
    evidence = next(c.id for c in policy.clauses if CONSEQUENCES in c.text)
    scores = Suggester(gdpr, past_audits(gdpr, audits, POLICY_2018)).score(policy)
    assert evidence in [s.clause_id for s in scores.for_item("13-2-e", top=3)]
    gap = scores.gap("13-2-e")
    assert not gap.likely_missing, gap
    assert gap.reason.startswith("best candidate ")


def _rows(rng, item: str, n: int, labelled) -> list[dict]:
    """Made-up gap rows: *n* policies, each with a best score and whether it is labelled."""
    out = []
    for i in range(n):
        best = rng.uniform(20.0, 95.0)
        row = {"policy": f"p{i}", "item": item, "checklist": "made-up", "corpus": "made-up", "run": "cold"}
        second = best - rng.uniform(0.0, 20.0)
        scores = {"best": best, "second": second, "checklist_best": best, "checklist_second": second}
        out.append({**row, **scores, "audits": 0, "missing": not labelled(i, best)})
    return out


def test_calibration_pulls_a_label_sparse_items_weights_towards_the_shared_ones():
    """An item labelled in two policies only (its best scores say nothing of it) keeps weights
    close to the shared ones once the penalty grows with so little evidence, so a strong
    candidate lowers its probability; an item labelled about half the time keeps its own."""
    rng = random.Random(3)
    evens = [_rows(rng, f"even-{i}", 60, lambda _, best: best > 55.0) for i in range(4)]
    rows = [row for even in evens for row in even] + _rows(rng, "sparse", 60, lambda i, _: i < 2)
    shown = suggest_calibrate.evidence(rows)
    assert shown[("made-up", "sparse")] == 2
    assert shown[("made-up", "even-0")] == min(
        sum(r["best"] > 55.0 for r in evens[0]), sum(r["best"] <= 55.0 for r in evens[0])
    )
    strong = {"best": 85.0, "second": 75.0, "checklist_best": 85.0, "checklist_second": 75.0}
    strong |= {"audits": 0, "checklist": "made-up"}
    probability: dict[tuple[str, float], float] = {}
    deviation: dict[tuple[str, float], float] = {}
    k_used = suggest_calibrate.EVIDENCE_K
    for k in (0.0, k_used):
        shared, per_item = suggest_calibrate.fit(rows, evidence_k=k)
        for item in ("even-0", "sparse"):
            own = per_item["made-up"][item][1]
            deviation[(item, k)] = math.dist(own, shared)
            probability[(item, k)] = suggest_calibrate.probability({**strong, "item": item}, (shared, per_item))
    assert deviation[("sparse", k_used)] < deviation[("sparse", 0.0)] / 2
    assert probability[("sparse", k_used)] < probability[("sparse", 0.0)] - 0.05
    assert deviation[("even-0", k_used)] > deviation[("even-0", 0.0)] * 0.8


def test_a_flag_over_a_close_candidate_says_to_read_it_rather_than_that_nothing_speaks_of_it(gdpr, monkeypatch):
    """A flag on an item whose best clause shares much of its wording (the 2007 policy's "We
    do not use Cookies on our group websites") must not say that no clause speaks of it.
    Whatever the model flags, at its threshold and at a lower one (so that the fixtures hold
    such flags whatever the fitted numbers), a flagged item whose best clause scores
    CLOSE_CANDIDATE or more names that clause and says to read it."""
    from auditor_tui.core.suggest import scores as scores_module
    from auditor_tui.core.suggest.scores import CLOSE_CANDIDATE

    seen_close = 0
    for threshold in (GAP_THRESHOLD, 0.5):
        monkeypatch.setattr(scores_module, "GAP_THRESHOLD", threshold)
        for path in sorted(POLICIES.glob("*.txt")):
            scores = Suggester(gdpr).score(load_policy(path))
            for item in gdpr.items:
                gap = scores.gap(item.id)
                if not gap.likely_missing:
                    continue
                if gap.best_clause is not None and gap.best_score >= CLOSE_CANDIDATE:
                    seen_close += 1
                    assert "no clause clearly speaks of" in gap.reason, gap
                    assert f"closest {gap.best_clause}, " in gap.reason and "read it before you decide" in gap.reason
                else:
                    assert gap.reason.startswith("no clause speaks of "), gap
    assert seen_close


def test_an_item_no_clause_speaks_of_is_flagged_whatever_the_corpus_labels_habit(gdpr):
    """The 12-clause policy says nothing of restricting processing (its best clause, 6, shares one
    word with it). Fitted to the corpus's labels, which mark restriction on segments that only
    offer an unsubscribe link, the item's own weights gave it 55 % and no flag; fitted to the
    labels as read, it is flagged."""
    scores = Suggester(gdpr).score(load_policy(SHORT))
    gap = scores.gap("13-2-b-restriction")
    assert gap.best_score < 15
    assert gap.likely_missing and gap.probability > 0.95, gap


def test_a_clause_that_shares_most_of_an_items_words_is_never_outweighed_by_its_own_weights():
    """At a best score of 70 the clause speaks of the item in its words: no item's own weights
    (cold or with up to 50 past audits, whatever the margin) flag it. Fitted to GoPPC's labels,
    which leave cookies unlabelled in many policies whose best cookie clause scores 87, cookies
    were flagged there at 87 %."""
    from auditor_tui.core.suggest.gaps import GAP_THRESHOLD

    for checklist_id, items in GAP_ITEM_COEFFICIENTS.items():
        for item_id in items:
            for second in range(0, 71, 5):
                for audits in (0, 1, 5, 20, 50):
                    inputs = GapInputs(70.0, float(second), audits, 70.0, float(second))
                    p = missing_probability(gap_features(inputs), gap_coefficients((checklist_id, item_id), 70.0))
                    assert p < GAP_THRESHOLD, (checklist_id, item_id, inputs, p)


def test_the_reading_overrules_the_labels_both_ways():
    """``gap_reading.json`` counts an unlabelled item as present where its best clauses were read
    to state it, and a labelled one as missing where its labelled segments were read not to."""
    reading = {
        "stated": {"c": {"i": ["p1"]}},
        "not_stated": {"c": {"i": ["p2"]}},
    }
    rows = [
        {"checklist": "c", "item": "i", "policy": "p1", "missing": True},
        {"checklist": "c", "item": "i", "policy": "p2", "missing": False},
        {"checklist": "c", "item": "i", "policy": "p3", "missing": True},
        {"checklist": "c", "item": "j", "policy": "p1", "missing": True},
    ]
    assert [r["missing"] for r in suggest_calibrate.read_as(rows, reading)] == [False, True, True, True]
    assert [r["missing"] for r in rows] == [True, False, True, True]  # the rows given are left as they were


def test_the_reading_file_names_only_policies_and_items_of_the_development_checklists(gdpr):
    """Ids only (no corpus text), each item one of its checklist's, no policy on both sides."""
    path = Path(suggest_calibrate.__file__).with_name("gap_reading.json")
    reading = suggest_calibrate.load_reading(path)
    ids = {c: {i.id for i in find_checklist(c).items} for c in ("gdpr-transparency", "opp115-data-practices")}
    for side in ("stated", "not_stated"):
        for checklist_id, items in reading[side].items():
            for item_id, policies in items.items():
                assert item_id in ids[checklist_id]
                assert policies == sorted(set(policies))
                assert all(len(p) < 80 and " " not in p for p in policies)
                other = "not_stated" if side == "stated" else "stated"
                assert not set(policies) & set(reading[other].get(checklist_id, {}).get(item_id, []))


DPO_POLICY = """# Privacy notice

## Contact

If you have any questions about how we use your personal data, contact our privacy team at
privacy@example.com or write to us at 1 High Street, London.

## Your rights

You can ask us for a copy of the personal data we hold about you.
"""


def test_a_clause_that_names_no_officer_does_not_evidence_the_dpo(gdpr):
    """The contact clause shares the DPO item's words (contact, email, questions) but names no
    data protection officer: the item stays likely missing. Naming one, in the text or in the
    section heading, is evidence."""
    scores = Suggester(gdpr).score(parse_policy(DPO_POLICY, "markdown"))
    assert scores.gap(DPO).likely_missing
    named = DPO_POLICY.replace("contact our privacy team", "contact our Data Protection Officer")
    scores = Suggester(gdpr).score(parse_policy(named, "markdown"))
    assert not scores.gap(DPO).likely_missing
    headed = DPO_POLICY.replace("## Contact", "## Our data protection officer")
    plain = Suggester(gdpr).score(parse_policy(DPO_POLICY, "markdown")).best(DPO)
    assert Suggester(gdpr).score(parse_policy(headed, "markdown")).best(DPO) > plain * 1.3


def test_every_example_of_an_item_with_required_words_names_one():
    """The examples set each item's score scale: one that named none of the required words
    would be damped, and would lower the bar for the item's real evidence."""
    from auditor_tui.core.suggest.required import REQUIRED_WORDS, RequiredWords

    for checklist_id, table in REQUIRED_WORDS.items():
        checklist = find_checklist(checklist_id)
        ids = [item.id for item in checklist.items]
        assert set(table) <= set(ids), checklist_id
        required = RequiredWords([(checklist_id, item_id) for item_id in ids])
        assert {ids[i] for i in required.items} == set(table)
        for item in checklist.items:
            if item.id in table:
                assert item.examples
                for example in item.examples:
                    assert ids.index(item.id) in required.named(example), (item.id, example)


def test_required_words_match_at_the_start_of_a_word_in_any_case():
    from auditor_tui.core.suggest.required import RequiredWords

    required = RequiredWords([None, ("gdpr-transparency", "13-2-f"), ("gdpr-transparency", "13-1-b")])
    assert required.items == (1, 2)
    assert required.named("Decisions are made AUTOMATICALLY") == {1}
    assert required.named("we use profiling; write to our Data Protection Officer") == {1, 2}
    assert required.named("email dpo@example.com") == {2}
    assert required.named("you can contact Google and our data protection office") == {2}  # the DPO's office
    assert not required.named("write to our office in Dublin")
    assert not required.named("the autumn catalogue is unprofitable")
    assert not RequiredWords([("a-checklist-of-my-own", "13-2-f"), None])
    data_required = RequiredWords([("gdpr-transparency", "13-2-e")])
    assert data_required.named("You don\u2019t have to give us your phone number") == {0}  # a typographic apostrophe
    assert data_required.named("You don't have to give us your phone number") == {0}


def test_a_longer_required_word_also_names_the_items_of_a_word_it_begins_with(monkeypatch):
    """The pattern reports the longest word at each place; the items of a shorter word it
    begins with (another item's) are named too, and a whole word only as itself."""
    from auditor_tui.core.suggest import required as module

    table = {"mine": {"a": ("data protect",), "b": ("data protection authorit",), "c": (module.Whole("ico"),)}}
    monkeypatch.setattr(module, "REQUIRED_WORDS", table)
    words = module.RequiredWords([("mine", "a"), ("mine", "b"), ("mine", "c")])
    assert words.named("Complain to the Data Protection Authority") == {0, 1}
    assert words.named("our data protection team") == {0}
    assert words.named("the ICO, not an icon") == {2}
    assert not words.named("icons and data")


def test_a_word_that_does_not_count_before_what_it_excludes(monkeypatch):
    """An :class:`Unless` word names its item except where what it excludes follows it; a plain
    word another item shares with it still names that item there."""
    from auditor_tui.core.suggest import required as module

    table = {"mine": {"a": (module.Unless("chang", r"\w* to your\b"),), "b": ("chan",)}}
    monkeypatch.setattr(module, "REQUIRED_WORDS", table)
    words = module.RequiredWords([("mine", "a"), ("mine", "b")])
    assert words.named("We will post changes to this policy here.") == {0, 1}
    assert words.named("You can make changes to your profile.") == {1}
    assert words.named("You can make changes to your profile; we may change this policy.") == {0, 1}


def test_no_required_word_is_found_inside_another_of_its_item():
    """Each word is matched at the start of a word, so one that holds another of its item's
    (at a word's start) would never be the one that names the item: it would be dead."""
    from auditor_tui.core.suggest.required import REQUIRED_WORDS, Whole

    for checklist_id, items in REQUIRED_WORDS.items():
        for item_id, words in items.items():
            for word in words:
                inside = [
                    w for w in words if w != word and not isinstance(w, Whole) and re.search(rf"\b{re.escape(w)}", word)
                ]
                assert not inside, (checklist_id, item_id, word, inside)


REQUIRED_WORD_CASES = {
    # How long data is kept is stated with words of keeping or deleting: the clause on children
    # (an age in years, once read as a period) is no evidence of it, in both bundled checklists.
    "retention, GDPR": (
        "gdpr-transparency",
        "13-2-a",
        "Our site is not meant for children under 13 years of age, and we do not knowingly collect their information.",
        "We delete your account data two years after you close your account.",
    ),
    "retention, OPP-115": (
        "opp115-data-practices",
        "data-retention",
        "Our site is not meant for children under 13 years of age, and we do not knowingly collect their information.",
        "We delete your account data two years after you close your account.",
    ),
    # OPP-115's "specific audiences" is a practice for children or the residents of a country, not
    # a clause that only shares the item's wording.
    "a particular audience": (
        "opp115-data-practices",
        "international-specific-audiences",
        "We hold special information about the people who use our service and the groups they belong to.",
        "We do not knowingly collect information from anyone under 13; a parent may ask us to delete it.",
    ),
    # Art. 13(2)(e) is about the data subject: whether they must give the data and what follows if
    # they do not, not a requirement on the controller.
    "data required": (
        "gdpr-transparency",
        "13-2-e",
        "We may be required by law to disclose the information we hold when a court orders it, as necessary.",
        "If you do not provide your email address, you cannot open an account.",
    ),
    # The complaint goes to a data protection authority (the ICO, a whole word), not to law
    # enforcement authorities or an icon.
    "a supervisory authority": (
        "gdpr-transparency",
        "13-2-d",
        "Tap the icon to raise a concern with us; we may share it with law enforcement authorities.",
        "You have the right to raise a concern with your local data protection authority.",
    ),
    # The role a policy names in place of a DPO counts as naming one.
    "a data protection manager": (
        "gdpr-transparency",
        "13-1-b",
        "Questions about this policy go to our team at privacy@example.com.",
        "Questions go to our privacy team, including our personal information protection manager.",
    ),
    # A change to the policy, not the user updating their own details.
    "a change to the policy": (
        "opp115-data-practices",
        "policy-change",
        "You can update your information and notice preferences at any time in your account.",
        "We may update this notice from time to time and will post the new version here.",
    ),
    # ... nor the user changing their own preferences.
    "a change to the user's own details": (
        "opp115-data-practices",
        "policy-change",
        "If you wish to request changes to your information or your preferences, contact our privacy coordinator.",
        "If we make changes to this policy, we will post them on this page.",
    ),
    # Data portability is named by its own words, not by a clause on the rights in general.
    "data portability": (
        "gdpr-transparency",
        "13-2-b-portability",
        "You may have rights under applicable law to request access to your personal data; contact us to exercise them.",
        "You can ask us to transmit the personal data you gave us to another controller in a machine-readable format.",
    ),
    # ... and rectification by inaccurate data corrected or the user's own update.
    "rectification": (
        "gdpr-transparency",
        "13-2-b-rectification",
        "You may have rights under applicable law over your personal data; contact us to exercise them.",
        "You have the right to have inaccurate personal data about you corrected.",
    ),
    # ... and restriction by the use restricted, limited or suspended.
    "restriction": (
        "gdpr-transparency",
        "13-2-b-restriction",
        "You may have rights under applicable law over your personal data; contact us to exercise them.",
        "You can ask us to suspend the processing of your personal data while we check its accuracy.",
    ),
    # A representative in the EU is a whole word: "customer service representatives" are staff.
    "representative": (
        "gdpr-transparency",
        "13-1-a-representative",
        "Our customer service representatives in the EU answer questions about your account by email.",
        "Our representative in the EU is Acme Europe GmbH, Berlin; write to rep@acme.eu.",
    ),
    # "Optional" and "mandatory" name it only when said of the data, not of a feature or a message.
    "data optional": (
        "gdpr-transparency",
        "13-2-e",
        "If you use an optional feature, or we send you mandatory service messages, we collect more information.",
        "Giving us your phone number is optional; your email address is mandatory.",
    ),
}


@pytest.mark.parametrize("case", REQUIRED_WORD_CASES)
def test_a_clause_that_names_none_of_an_items_required_words_keeps_part_of_its_score(case):
    """The first clause shares the item's wording without naming what it is about and keeps only
    part of its score for the item; the second names it and keeps all of its own."""
    from auditor_tui.core.suggest.weights import DEFAULT_WEIGHTS

    checklist_id, item, unnamed, named = REQUIRED_WORD_CASES[case]
    policy = parse_policy(f"# Privacy notice\n\n## One\n\n{unnamed}\n\n## Two\n\n{named}\n", "markdown")
    first, second = policy.clauses[0].id, policy.clauses[1].id
    checklist = find_checklist(checklist_id)
    damped = Suggester(checklist).score(policy)
    plain = Suggester(checklist, weights=replace(DEFAULT_WEIGHTS, required_damp=1.0)).score(policy)
    assert damped.score(item, first) < plain.score(item, first)
    assert damped.score(item, second) == pytest.approx(plain.score(item, second))


PLAIN_STATEMENTS = {
    "13-1-a": ["Acme Ltd, 1 High Street, Leeds LS1 1AA, is responsible for your data. Email hello@acme.co.uk."],
    "13-1-a-representative": ["Our representative in the EU is Acme Europe GmbH, Berlin, rep@acme.eu."],
    "13-1-b": [
        "Our DPO can be reached at dpo@acme.co.uk.",
        "You can write to our Data Protection Officer at the address above.",
    ],
    "14-1-d": ["We process your name, contact details, payment details and usage data."],
    "14-2-f": ["We receive some information about you from credit reference agencies and public registers."],
    "13-1-c-purposes": ["We use your information to deliver our services, to bill you and to improve the website."],
    "13-1-d": [
        "Where we rely on legitimate interests, our interest is keeping our service secure and preventing fraud."
    ],
    "13-2-e": ["You must give us your email address to open an account; without it we cannot provide the service."],
    "13-2-f": ["We do not make decisions about you by automated means or profiling."],
    "13-1-e": ["We share your data with our hosting provider and our payment processor."],
    "13-1-f": ["Your data may be transferred to the USA under standard contractual clauses."],
    "13-2-a": ["We keep your account data for six years after you close your account, then delete it."],
    "13-2-b-access": ["You can ask us for a copy of the personal data we hold about you."],
    "13-2-b-rectification": ["You can ask us to correct inaccurate data about you."],
    "13-2-b-erasure": ["You can ask us to delete your personal data."],
    "13-2-b-restriction": ["You can ask us to restrict how we use your data."],
    "13-2-b-objection": ["You can object to our processing of your data for direct marketing at any time."],
    "13-2-b-portability": ["You can ask us to send your data to another provider in a machine-readable format."],
    "13-2-c": ["Where you have given consent, you may withdraw it at any time."],
    "13-2-d": ["You can complain to the ICO if you are unhappy with how we handle your data."],
    "32-security": ["We protect your data with encryption and access controls."],
    "cookies": ["Our website uses cookies to remember your preferences."],
}
"""For each item, a plain one-sentence statement of it (written for these tests from the law's
wording, as a short policy might put it). The lawful basis is not here: "necessary for our
contract with you, or with your consent" scores 30 and is flagged (its words are in the item's
phrases, not on their own)."""
PLAIN_FILLER = (
    "We collect your name and email address when you sign up.\n\nWe use it to run your account.\n\n"
    "We may change this notice from time to time.\n\n"
)


@pytest.mark.parametrize(
    ("item_id", "statement"), [(item, text) for item, texts in PLAIN_STATEMENTS.items() for text in texts]
)
def test_a_plain_statement_of_an_item_is_never_a_likely_gap(gdpr, item_id, statement):
    """A short policy that states the item in one plain sentence: the item is not flagged, and
    the sentence is among its three best clauses."""
    scores = Suggester(gdpr).score(parse_policy(PLAIN_FILLER + statement, "text"))
    gap = scores.gap(item_id)
    assert not gap.likely_missing, (gap.probability, gap.reason)
    top = [scores.policy.clause(s.clause_id).text for s in scores.for_item(item_id, top=3)]
    assert statement in top, top
