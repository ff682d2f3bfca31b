"""Reusing an audit's evidence for another checklist (issue 17): proposals, never decisions."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor_tui.core.audit import Audit
from auditor_tui.core.diff import diff_policies
from auditor_tui.core.errors import AuditorError, SessionError
from auditor_tui.core.policy import load_policy
from auditor_tui.core.reuse import start_reuse
from auditor_tui.core.session import Proposal, dumps_session, load_session, loads_session
from auditor_tui.core.workflow import PREPARER_ACTIONS, session_digest
from tests.conftest import POLICY_2007, POLICY_2017, REPO

EXAMPLE = REPO / "sessions" / "example-iomart-2018-gdpr-transparency.toml"
EXAMPLE_POLICY = REPO / "sessions" / "policies" / "iomart-privacy-policy-2018.txt"


@pytest.fixture
def example(workdir: Path) -> Path:
    """The bundled signed-off GDPR audit and its policy, copied as the repository lays them out."""
    (workdir / "sessions" / "policies").mkdir(parents=True)
    shutil.copy(EXAMPLE_POLICY, workdir / "sessions" / "policies")
    target = workdir / "sessions" / EXAMPLE.name
    shutil.copy(EXAMPLE, target)
    return target


def _reuse_example(example: Path) -> Audit:
    audit, _summary = start_reuse(
        "sessions/policies/iomart-privacy-policy-2018.txt", "ccpa-privacy-policy", example.relative_to(Path.cwd())
    )
    return audit


def test_same_policy_proposals_point_at_real_clauses_and_decide_nothing(example: Path) -> None:
    audit = _reuse_example(example)
    source = load_session(example)
    session = load_session(audit.path)  # what was saved
    proposals = [p for state in session.items.values() for p in state.proposed]
    assert len(proposals) > 10
    for proposal in proposals:
        clause = audit.policy.clause(proposal.clause)
        assert clause is not None and clause.text == proposal.text and clause.sha256 == proposal.sha256
        assert proposal.source_audit == source.audit_id
        assert proposal.source_checklist == "gdpr-transparency"
        tagged = source.items[proposal.source_item]
        assert tagged.tag_for(proposal.clause) or tagged.spans_of(
            proposal.clause
        )  # really tagged there (or part of it)
        assert not proposal.recheck  # same fingerprint: nothing to re-check
    assert {state.status for state in session.items.values()} == {"open"}
    assert all(not state.tags for state in session.items.values())
    # The crosswalk pairs GDPR 13-2-a (retention) with CCPA retention: its tags are proposed there.
    retention = {p.clause for p in session.items["retention"].proposed}
    assert retention == {t.clause for t in source.items["13-2-a"].tags}


def test_the_new_session_names_its_source(example: Path) -> None:
    audit = _reuse_example(example)
    session = load_session(audit.path)
    assert session.reuse is not None
    assert session.reuse.audit_id == load_session(example).audit_id  # the example audit's id
    assert session.reuse.session.endswith(EXAMPLE.name)
    assert session.reuse.checklist_id == "gdpr-transparency"
    assert session.reuse.crosswalk == "gdpr-ccpa"
    event = next(e for e in session.history if e.action == "reuse")
    assert event.data["audit"] == session.reuse.audit_id and event.data["crosswalk"] == "gdpr-ccpa"
    assert "reuse" in PREPARER_ACTIONS and session.history_break() is None


def test_accepting_makes_a_tag_and_rejecting_is_remembered(example: Path) -> None:
    audit = _reuse_example(example)
    session = audit.session
    first, second = session.items["retention"].proposed[:2]
    digest = session_digest(session)
    tag = session.accept_proposal("retention", first.clause)
    assert tag.clause == first.clause and tag.text == first.text
    assert session.items["retention"].tag_for(first.clause) is not None
    assert session_digest(session) != digest  # the accepted tag is audit content
    session.reject_proposal("retention", second.clause)
    assert second.clause in session.items["retention"].rejected
    assert [p.clause for p in session.items["retention"].proposed if p.clause in (first.clause, second.clause)] == []
    again = loads_session(dumps_session(session))
    assert again.items["retention"].tag_for(first.clause) is not None
    assert again.items["retention"].proposal_for(second.clause) is None
    actions = [e.action for e in again.history[-2:]]
    assert actions == ["accept-proposal", "reject-proposal"]
    assert again.history[-1].data["source_item"] == "13-2-a"
    assert {"accept-proposal", "reject-proposal"} <= PREPARER_ACTIONS
    with pytest.raises(SessionError):
        session.accept_proposal("retention", second.clause)  # no longer proposed


def test_reuse_refuses_the_same_checklist_and_unlinked_ones(example: Path) -> None:
    with pytest.raises(AuditorError, match="already against gdpr-transparency"):
        start_reuse(EXAMPLE_POLICY, "gdpr-transparency", example)
    tiny = Path("tiny.toml")
    tiny.write_text(
        '[checklist]\nid = "tiny"\ntitle = "T"\nversion = "1"\nsource = "t"\n\n'
        '[[items]]\nid = "x"\ntitle = "X"\ngroup = "G"\nrefs = ["r"]\nguidance = "g"\n',
        encoding="utf-8",
    )
    with pytest.raises(AuditorError, match="no crosswalk between gdpr-transparency and tiny"):
        start_reuse(EXAMPLE_POLICY, tiny, example)
    assert not list(Path("sessions").glob("2*.toml"))  # refused before any session is made


def _gdpr_audit_of_2007(workdir: Path) -> tuple[Path, dict[str, list[str]]]:
    shutil.copy(POLICY_2007, workdir / "policy-2007.txt")
    shutil.copy(POLICY_2017, workdir / "policy-2017.txt")
    audit = Audit.start("policy-2007.txt", "gdpr-transparency", session_path="sessions/gdpr-2007.toml")
    tagged: dict[str, list[str]] = {}
    # Every clause tagged to an item the crosswalk maps: some survive, some change, some go.
    for number, clause in enumerate(audit.policy.clauses):
        item = ("13-1-a", "13-2-a", "13-1-e")[number % 3]
        audit.session.toggle_tag(item, clause)
        tagged.setdefault(item, []).append(clause.id)
    audit.save()
    audit.release_lock()
    return audit.path, tagged


def test_reuse_across_versions_maps_clauses_through_the_diff(workdir: Path) -> None:
    source_path, _tagged = _gdpr_audit_of_2007(workdir)
    audit, summary = start_reuse("policy-2017.txt", "ccpa-privacy-policy", source_path)
    old, new = load_policy(POLICY_2007), load_policy(POLICY_2017)
    diff = diff_policies(old, new)
    assert not summary.same_policy
    removed = {c.old.id for c in diff.removed if c.old is not None}
    assert summary.dropped == len(removed) > 0
    modified = {c.new.id for c in diff.modified if c.new is not None}
    assert modified
    proposals = [p for state in audit.session.items.values() for p in state.proposed]
    assert proposals
    for proposal in proposals:
        clause = audit.policy.clause(proposal.clause)
        assert clause is not None and clause.text == proposal.text  # the new version's clause
        assert proposal.recheck == (proposal.clause in modified)
        assert proposal.source_item in ("13-1-a", "13-2-a", "13-1-e")
    assert any(p.recheck for p in proposals)
    assert f"{summary.dropped} dropped (clause removed)" in summary.line()
    event = next(e for e in audit.session.history if e.action == "reuse")
    assert event.data["dropped"] == str(summary.dropped)
    assert {state.status for state in audit.session.items.values()} == {"open"}


def test_cli_review_reuse(example: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from auditor_tui.cli import main; "
            "import auditor_tui.cli.audit as a; a._run = lambda config, audit=None: 0; sys.exit(main(sys.argv[1:]))",
            "review",
            "sessions/policies/iomart-privacy-policy-2018.txt",
            "--checklist",
            "ccpa-privacy-policy",
            "--reuse",
            str(example),
        ],
        capture_output=True,
        text=True,
        cwd=Path.cwd(),
    )
    assert result.returncode == 0, result.stderr
    assert "proposal(s)" in result.stdout
    made = next(p for p in Path("sessions").glob("2*.toml"))
    assert load_session(made).reuse is not None
    bad = subprocess.run(
        [sys.executable, "-m", "auditor_tui", "review", str(EXAMPLE_POLICY), "--from", "x", "--reuse", "y"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "cannot be combined" in bad.stderr


def test_crosswalked_exemplars_teach_only_equivalents_and_subsets(example: Path) -> None:
    from auditor_tui.core.crosswalk_exemplars import crosswalked_exemplars, merge_exemplars
    from auditor_tui.core.suggest import load_exemplars

    gdpr = load_session(example)
    taught = crosswalked_exemplars("sessions", "ccpa-privacy-policy")
    # 13-2-a (retention) is `equivalent` to CCPA retention; 14-2-f (sources) a `subset` of sources.
    assert {e.text for e in taught["retention"]} == {t.text for t in gdpr.items["13-2-a"].tags}
    assert {e.text for e in taught["sources"]} == {t.text for t in gdpr.items["14-2-f"].tags}
    # 13-1-e only `overlaps` third-parties-disclosed: it teaches nothing there.
    assert "third-parties-disclosed" not in taught
    assert load_exemplars("sessions", "ccpa-privacy-policy") == {}  # off unless asked for
    merged = merge_exemplars(taught, taught)
    assert [len(v) for v in merged.values()] == [len(v) for v in taught.values()]


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.builds(
            Proposal,
            clause=st.from_regex(r"c[1-9][0-9]{0,2}", fullmatch=True),
            section=_TEXT,
            sha256=st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
            text=_TEXT,
            source_audit=_TEXT,
            source_item=_TEXT,
            relation=st.sampled_from(["equivalent", "subset", "superset", "overlaps"]),
            recheck=st.booleans(),
            source_checklist=_TEXT,
            page=st.none() | st.integers(1, 500),
        ),
        max_size=4,
    )
)
def test_proposals_survive_a_save_and_load(example: Path, proposals: list[Proposal]) -> None:
    session = load_session(example)
    session.items["13-2-a"].proposed = list(proposals)
    again = loads_session(dumps_session(session))
    assert again.items["13-2-a"].proposed == proposals
