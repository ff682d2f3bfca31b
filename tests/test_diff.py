"""The clause diff of two policy versions: alignment, word diffs, the real iomart versions, the CLI."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from auditor_tui.cli import main
from auditor_tui.cli.reaudit import render_diff
from auditor_tui.core.diff import (
    THRESHOLD,
    ClauseDiff,
    align,
    diff_files,
    diff_policies,
    normalise,
)
from auditor_tui.core.policy import Block, Policy, assemble, load_policy
from auditor_tui.core.word_diff import word_diff
from benchmarks.diff_speed import all_edited, revised, synthetic
from tests.conftest import POLICIES, POLICY_2007, POLICY_2017, POLICY_2018


def policy_of(texts: list[str]) -> Policy:
    return assemble([Block("clause", t) for t in texts], fmt="text", path=None, warnings=())


def clause_with(policy: Policy, needle: str):
    found = [c for c in policy.clauses if needle in c.text]
    assert found, f"no clause with {needle!r}"
    return found[0]


def check_invariants(diff: ClauseDiff) -> None:
    """Every new clause has one change, every old clause is matched or removed once, in order."""
    new_ids = [c.new.id for c in diff.changes if c.new is not None]
    assert new_ids == [c.id for c in diff.new.clauses]
    seen_old: list[str] = []
    for change in diff.changes:
        assert change.kind in ("unchanged", "modified", "added", "removed")
        if change.kind == "removed":
            assert change.new is None and change.similarity is None and change.old_group == (change.old,)
        elif change.kind == "added":
            assert change.old is None and change.old_group == () and change.similarity is None
        else:
            assert change.old is change.old_group[0] and change.new in change.new_group
            assert THRESHOLD <= change.similarity <= 100
            assert (change.kind == "unchanged") == (change.similarity == 100.0)
        for clause in change.old_group:
            if clause.id not in seen_old:
                seen_old.append(clause.id)
        if change.new is not None:
            assert "".join(t for op, t in change.diff if op != "delete") == change.new.text
            assert diff.by_new_clause(change.new.id) is change
    # Old clauses appear in order (monotone alignment) and each exactly once.
    assert seen_old == [c.id for c in diff.old.clauses]


# --------------------------------------------------------------------------- helpers


def test_normalise_ignores_case_punctuation_bullets_and_spacing():
    assert normalise("• Internet &  email\n• Fax") == normalise("internet email fax")
    assert normalise("“We”  don’t—sell.") == "we don t sell"
    assert normalise("1\\. Collection") == normalise("1. collection")


def test_word_diff_ops_rebuild_the_new_text():
    ops = word_diff("We record calls for training purposes.", "We record calls for training.")
    assert ops == [("equal", "We record calls for training"), ("delete", " purposes"), ("equal", ".")]
    ops = word_diff("keep the old words", "keep the new words")
    assert [op for op, _ in ops] == ["equal", "delete", "insert", "equal"]
    assert "".join(t for op, t in ops if op != "delete") == "keep the new words"
    assert word_diff("same", "same") == [("equal", "same")]
    assert word_diff("", "new") == [("insert", "new")]
    assert word_diff("old", "") == [("delete", "old")]
    assert render_diff(ops) == "keep the [-old-]{+new+} words"


def test_align_handles_empty_sides():
    assert align([], []) == []
    assert align(["a clause"], []) == []
    assert align([], ["a clause"]) == []


def test_a_list_broken_into_items_is_a_split_not_a_removal():
    old = policy_of(
        ["Intro text here.", "We collect: your name, your address, your phone number and your email.", "End."]
    )
    new = policy_of(
        ["Intro text here.", "We collect:", "your name, your address,", "your phone number and your email.", "End."]
    )
    diff = diff_policies(old, new)
    check_invariants(diff)
    assert diff.summary()["removed"] == 0 and diff.summary()["added"] == 0
    pieces = diff.by_old_clause("c2")
    assert [c.new.id for c in pieces] == ["c2", "c3", "c4"]
    assert all(c.kind == "unchanged" and c.split for c in pieces)
    # ... and the reverse is a merge.
    back = diff_policies(new, old)
    check_invariants(back)
    merged = back.by_new_clause("c2")
    assert merged.kind == "unchanged" and merged.merged and [c.id for c in merged.old_group] == ["c2", "c3", "c4"]


def test_unrelated_clauses_are_not_matched():
    old = policy_of(["We sell nothing to anybody, ever, under any circumstances at all."])
    new = policy_of(["Cookies are small files placed on your device by the websites you visit."])
    diff = diff_policies(old, new)
    assert [c.kind for c in diff.changes] == ["removed", "added"]


# --------------------------------------------------------------------------- the real versions


@pytest.fixture(scope="module")
def diff_2007_2017() -> ClauseDiff:
    return diff_files(POLICY_2007, POLICY_2017)


@pytest.fixture(scope="module")
def diff_2017_2018() -> ClauseDiff:
    return diff_files(POLICY_2017, POLICY_2018)


def test_2007_to_2017_keeps_the_common_text(diff_2007_2017):
    diff = diff_2007_2017
    check_invariants(diff)
    old_keys = {normalise(c.text) for c in diff.old.clauses}
    for clause in diff.new.clauses:
        if normalise(clause.text) in old_keys:
            assert diff.by_new_clause(clause.id).kind == "unchanged", clause.text
    s = diff.summary()
    # Mostly the same text: most new clauses are matched, few are new.
    assert s["unchanged"] + s["modified"] >= 0.8 * s["new_clauses"]
    assert s["added"] <= 3


def test_2007_to_2017_shows_the_cookie_clause_removed(diff_2007_2017):
    diff = diff_2007_2017
    cookies = clause_with(diff.old, "We do not use Cookies")
    [change] = diff.by_old_clause(cookies.id)
    assert change.kind == "removed"
    assert "Internet/Online" in change.section
    assert not any("Cookies" in c.text for c in diff.new.clauses)


def test_2007_to_2017_links_clause_lost_its_internet_heading(diff_2007_2017):
    diff = diff_2007_2017
    links = clause_with(diff.new, "Our websites may contain links to other recognised")
    change = diff.by_new_clause(links.id)
    assert change.kind in ("unchanged", "modified")
    assert "Our websites may contain links" in change.old_text
    # In 2007 the links paragraph was part of "6. The Internet/Online"; in 2017 it has its own heading.
    assert "Internet/Online" in change.old_section and "Internet/Online" not in change.section


def test_2007_to_2017_monitoring_clause_is_modified_with_a_word_diff(diff_2007_2017):
    diff = diff_2007_2017
    monitoring = clause_with(diff.new, "We may monitor and record calls")
    change = diff.by_new_clause(monitoring.id)
    assert change.kind == "modified" and 90 <= change.similarity < 100
    assert ("delete", " purposes") in change.diff
    assert "training purposes" in change.old_text


def test_2017_to_2018_reports_the_rewrite_honestly(diff_2017_2018):
    diff = diff_2017_2018
    check_invariants(diff)
    s = diff.summary()
    matched = s["unchanged"] + s["modified"]
    assert matched <= 0.2 * s["new_clauses"]
    assert s["removed"] >= 0.6 * s["old_clauses"]
    # The one paragraph carried over nearly word for word is found, with a lower similarity.
    security = clause_with(diff.new, "We maintain strict security measures")
    change = diff.by_new_clause(security.id)
    assert change.kind == "modified" and THRESHOLD <= change.similarity < 95
    assert "Payment Card Industry" in "".join(t for op, t in change.diff if op == "insert")
    # The old "Disclosure" clause is not passed off as a match for the new disclosure list.
    disclosure = clause_with(diff.old, "We will not sell, rent or share")
    assert [c.kind for c in diff.by_old_clause(disclosure.id)] == ["removed"]


@pytest.mark.parametrize(
    ("old_name", "new_name"), list(itertools.permutations(sorted(p.name for p in POLICIES.iterdir()), 2))
)
def test_invariants_on_every_pair_of_fixtures(old_name, new_name):
    check_invariants(diff_files(POLICIES / old_name, POLICIES / new_name))


def test_a_policy_against_itself_is_unchanged():
    policy = load_policy(POLICY_2018)
    diff = diff_policies(policy, policy)
    assert {c.kind for c in diff.changes} == {"unchanged"}
    assert diff.summary()["unchanged"] == len(policy.clauses)


# --------------------------------------------------------------------------- properties

WORDS = st.sampled_from(
    "data policy cookie share sell keep delete right access email address name third party "
    "partner consent law court bank card payment transfer store retain year month service".split()
)
CLAUSE = st.lists(WORDS, min_size=10, max_size=25).map(lambda ws: " ".join(ws) + ".")
CLAUSES = st.lists(CLAUSE, min_size=1, max_size=25, unique_by=normalise)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CLAUSES)
def test_property_a_policy_against_itself_is_all_unchanged(texts):
    policy = policy_of(texts)
    diff = diff_policies(policy, policy)
    check_invariants(diff)
    assert [c.kind for c in diff.changes] == ["unchanged"] * len(texts)
    assert all(c.old.id == c.new.id for c in diff.changes)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CLAUSES, st.data())
def test_property_one_small_edit_is_exactly_one_modified_clause(texts, data):
    index = data.draw(st.integers(0, len(texts) - 1))
    words = texts[index].rstrip(".").split()
    position = data.draw(st.integers(0, len(words) - 1))
    words[position] = data.draw(st.sampled_from(["ZEBRA", "quokka", "umbrella"]))
    edited = " ".join(words) + "."
    assume(normalise(edited) not in {normalise(t) for t in texts})
    new_texts = texts[:index] + [edited] + texts[index + 1 :]
    diff = diff_policies(policy_of(texts), policy_of(new_texts))
    check_invariants(diff)
    kinds = [c.kind for c in diff.changes]
    assert kinds.count("modified") == 1 and set(kinds) <= {"unchanged", "modified"}
    change = diff.by_new_clause(f"c{index + 1}")
    assert change.kind == "modified" and change.old.id == f"c{index + 1}"
    assert any(op == "insert" for op, _ in change.diff) and any(op == "delete" for op, _ in change.diff)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CLAUSES, st.data())
def test_property_one_clause_removed_or_added(texts, data):
    index = data.draw(st.integers(0, len(texts) - 1))
    shorter = texts[:index] + texts[index + 1 :]
    removed = diff_policies(policy_of(texts), policy_of(shorter)) if shorter else None
    if removed is not None:
        check_invariants(removed)
        assert [c.old.id for c in removed.removed] == [f"c{index + 1}"]
        assert removed.summary()["unchanged"] == len(shorter)
    inserted = texts[:index] + ["Entirely new wording about biscuits, ferries and lighthouses."] + texts[index:]
    added = diff_policies(policy_of(texts), policy_of(inserted))
    check_invariants(added)
    assert [c.new.id for c in added.added] == [f"c{index + 1}"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.text(alphabet="ab .•\n", max_size=30).filter(str.strip), max_size=12),
    st.lists(st.text(alphabet="ab .•\n", max_size=30).filter(str.strip), max_size=12),
)
def test_property_any_two_lists_give_a_consistent_diff(old, new):
    diff = diff_policies(policy_of([t.strip() for t in old]), policy_of([t.strip() for t in new]))
    check_invariants(diff)


# --------------------------------------------------------------------------- scale


def test_a_large_revision_matches_nearly_every_clause():
    # The time this takes is a figure for benchmarks/diff_speed.py, never a test's pass mark.
    old = synthetic(2_000, 1)
    for other in (revised(old, 7), all_edited(old)):
        diff = diff_policies(policy_of(old), policy_of(other))
        check_invariants(diff)
        s = diff.summary()
        assert s["unchanged"] + s["modified"] >= 0.95 * len(other)


# --------------------------------------------------------------------------- CLI


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_diff_json_shape(capsys):
    code, out, _ = run(capsys, "diff", str(POLICY_2007), str(POLICY_2017), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"old", "new", "summary", "changes"} <= set(data)
    assert set(data["old"]) == {"path", "sha256", "clauses"} and data["old"]["path"] == str(POLICY_2007)
    assert data["new"]["sha256"] == load_policy(POLICY_2017).sha256
    assert {"unchanged", "modified", "added", "removed"} <= set(data["summary"])
    kinds = {c["kind"] for c in data["changes"]}
    assert kinds == {"unchanged", "modified", "added", "removed"}
    for change in data["changes"]:
        assert {"kind", "old", "new", "similarity", "old_text", "new_text", "section", "diff"} <= set(change)
        assert all(op in ("equal", "delete", "insert") and isinstance(t, str) for op, t in change["diff"])
        if change["kind"] == "removed":
            assert change["new"] is None and change["similarity"] is None
        if change["kind"] == "added":
            assert change["old"] is None
    cookie = [c for c in data["changes"] if c["old_text"] and "We do not use Cookies" in c["old_text"]]
    assert [c["kind"] for c in cookie] == ["removed"]


def test_cli_diff_text(capsys):
    code, out, _ = run(capsys, "diff", str(POLICY_2007), str(POLICY_2017))
    assert code == 0
    first = out.splitlines()[0]
    assert "unchanged" in first and "modified" in first and "added" in first and "removed" in first
    assert "removed" in out and "We do not use Cookies" in out and "Internet/Online" in out
    assert "training [-purposes-]." in out


def test_cli_diff_missing_file_is_exit_2(capsys, tmp_path):
    code, out, err = run(capsys, "diff", str(tmp_path / "nope.txt"), str(POLICY_2017))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "nope.txt" in err and "no such file" in err


def test_cli_diff_escapes_terminal_controls(capsys, tmp_path):
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    old.write_text("some plain text of a clause that will change a little bit.\n", encoding="utf-8")
    new.write_text("some plain text of a clause that will change \x1b[2J a little bit.\n", encoding="utf-8")
    code, out, _ = run(capsys, "diff", str(old), str(new))
    assert code == 0 and "\x1b" not in out
