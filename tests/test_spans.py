"""Issue 16, tagging part of a clause: span tags in the session, its file, history, undo, digest,
merge and re-audit."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor_tui.core.checklist import load_checklist
from auditor_tui.core.errors import AuditorError, SessionError, WorkflowError
from auditor_tui.core.history import rechain
from auditor_tui.core.merge import merge_item
from auditor_tui.core.policy import Clause, Policy, load_policy, parse_policy
from auditor_tui.core.reaudit import carry_forward, carry_span
from auditor_tui.core.session import (
    Session,
    Tag,
    dumps_session,
    loads_session,
    new_session,
    strip_span,
)
from auditor_tui.core.workflow import session_digest, submit, verify_session
from tests.conftest import POLICY_2018, TINY_CHECKLIST


def long_clause(policy: Policy) -> Clause:
    return next(c for c in policy.clauses if len(c.text) > 80)


def test_tag_span_quotes_exactly_the_selection_and_strips_whitespace(fresh):
    session, policy = fresh
    clause = long_clause(policy)
    word_end = clause.text.index(" ", 10)
    tag = session.tag_span("controller", clause, 0, word_end + 1)  # the trailing space is stripped
    assert (tag.start, tag.end) == (0, word_end)
    assert tag.text == clause.text[0:word_end]
    assert tag.sha256 == clause.sha256 and tag.is_span and tag.span_label == f"characters 0-{word_end}"
    event = session.history[-1]
    assert event.action == "tag" and event.item == "controller"
    assert json.loads(event.data["tag"])["start"] == 0 and json.loads(event.data["tag"])["end"] == word_end


def test_an_item_holds_several_spans_and_the_whole_clause_and_untag_removes_one_span(fresh):
    session, policy = fresh
    clause = long_clause(policy)
    session.tag_span("controller", clause, 20, 40)
    session.tag_span("controller", clause, 0, 10)
    assert session.toggle_tag("controller", clause) is True  # the whole clause too, beside its spans
    state = session.item("controller")
    assert [(t.start, t.end) for t in state.tags] == [(None, None), (0, 10), (20, 40)]
    assert session.items_by_clause() == {clause.id: ["controller"]}
    session.untag_span("controller", clause.id, 20, 40)
    assert [(t.start, t.end) for t in state.tags] == [(None, None), (0, 10)]
    assert session.toggle_tag("controller", clause) is False  # untags the whole clause, not the span
    assert [(t.start, t.end) for t in state.tags] == [(0, 10)]
    with pytest.raises(SessionError, match="no evidence"):
        session.untag_span("controller", clause.id, 20, 40)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (5, 5, "empty"),
        (-1, 4, "outside"),
        (0, 10_000, "outside"),
        (9, 3, "outside"),
    ],
)
def test_bad_spans_are_refused_in_one_line(fresh, start, end, message):
    session, policy = fresh
    before = len(session.history)
    with pytest.raises(AuditorError, match=message) as caught:
        session.tag_span("controller", long_clause(policy), start, end)
    assert "\n" not in str(caught.value)
    assert len(session.history) == before and not session.item("controller").tags


def test_a_whitespace_only_span_and_a_repeated_span_are_refused(fresh):
    session, policy = fresh
    clause = long_clause(policy)
    space = clause.text.index(" ")
    with pytest.raises(SessionError, match="only whitespace"):
        session.tag_span("controller", clause, space, space + 1)
    session.tag_span("controller", clause, 0, 10)
    with pytest.raises(SessionError, match="already has"):
        session.tag_span("controller", clause, 0, 10)


def test_a_read_only_audit_refuses_a_span(fresh):
    session, policy = fresh
    session.set_status("controller", "satisfied")
    session.set_status("retention", "missing")
    submit(session, by="alice")
    with pytest.raises(WorkflowError, match="cannot be changed"):
        session.tag_span("controller", long_clause(policy), 0, 10)


def test_undo_and_redo_a_span_and_its_untag(fresh):
    session, policy = fresh
    clause = long_clause(policy)
    session.toggle_tag("controller", clause)
    session.tag_span("controller", clause, 0, 10)
    session.tag_span("controller", clause, 20, 40)
    state = session.item("controller")
    session.untag_span("controller", clause.id, 0, 10)
    assert session.undo() is not None  # the untag of 0-10 is taken back
    assert [(t.start, t.end) for t in state.tags] == [(None, None), (0, 10), (20, 40)]
    assert session.undo() is not None  # the tag of 20-40: the whole clause and 0-10 stay
    assert [(t.start, t.end) for t in state.tags] == [(None, None), (0, 10)]
    assert session.redo() is not None
    assert [(t.start, t.end) for t in state.tags] == [(None, None), (0, 10), (20, 40)]
    assert state.tags[2].text == clause.text[20:40]


def test_span_round_trips_through_the_file_and_bad_offsets_are_refused(fresh):
    session, policy = fresh
    clause = long_clause(policy)
    tag = session.tag_span("controller", clause, 3, 30)
    text = dumps_session(session)
    assert f"start = {tag.start}\nend = {tag.end}\n" in text
    again = loads_session(text)
    assert again.item("controller").tags == session.item("controller").tags
    assert dumps_session(again) == text
    with pytest.raises(SessionError, match="does not frame its quote"):
        loads_session(text.replace(f"end = {tag.end}\n", f"end = {tag.end + 1}\n"))
    with pytest.raises(SessionError, match="both 'start' and 'end'"):
        loads_session(text.replace(f"end = {tag.end}\n", ""))


def _pinned(session: Session) -> Session:
    """Fixed ids and times, so the session's digest and file are the same on every run."""
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    session.audit_id = "00000000-0000-4000-8000-000000000016"
    session.created = session.updated = at
    session.checklist.path = "tiny.toml"
    for event in session.history:
        event.at = at
    rechain(session.history, session.audit_id)
    return session


def test_a_session_without_spans_has_the_digest_and_file_it_had_before_spans(tmp_path):
    # The figures were computed by the code before span tags existed, on this same audit.
    checklist = tmp_path / "tiny.toml"
    checklist.write_text(TINY_CHECKLIST, encoding="utf-8")
    policy = load_policy(POLICY_2018)
    session = new_session(policy, load_checklist(checklist), policy_path="policy.txt", auditor="alice")
    session.toggle_tag("controller", policy.clauses[5], who="alice")
    session.toggle_tag("controller", policy.clauses[2], who="alice")
    session.set_status("controller", "satisfied", who="alice")
    session.set_note("retention", "nothing said", who="alice")
    _pinned(session)
    assert session_digest(session) == "cf25d3a76ba7cffc1518e5a0b4ac0fa1aba3c3a8dc30ccbecea18b5fbf380205"
    text = dumps_session(session)
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "ba7f9ad417ae2f77a439fdee8895b106203a19f2d16ef24213d39ea7053d9be9"
    )
    assert "start =" not in text


def test_the_digest_covers_a_span(fresh, as_user):
    session, policy = fresh
    session.tag_span("controller", long_clause(policy), 0, 10)
    before = session_digest(session)
    session.item("controller").tags[0].start = 1
    assert session_digest(session) != before
    session.item("controller").tags[0].start = 0
    assert session_digest(session) == before


def test_a_signed_off_span_edited_in_the_file_fails_verify(fresh, as_user):
    from auditor_tui.core.workflow import sign_off

    session, policy = fresh
    session.tag_span("controller", long_clause(policy), 0, 10)
    session.set_status("controller", "satisfied")
    session.set_status("retention", "missing")
    submit(session, by="alice")
    as_user("bob")
    sign_off(session, reviewer="bob", actor="bob")
    assert verify_session(session).valid
    text = dumps_session(session)
    quote = session.item("controller").tags[0].text
    edited = text.replace("start = 0\nend = 10\n", "start = 1\nend = 11\n").replace(
        f'text = "{quote}"', f'text = "{long_clause(policy).text[1:11]}"'
    )
    assert edited != text
    assert not verify_session(loads_session(edited)).valid


# --------------------------------------------------------------------------- properties

clause_texts = st.text(alphabet=st.sampled_from("ab cd\u00e9\u2019,.\t"), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=clause_texts, data=st.data())
def test_any_span_quotes_its_stripped_selection_and_survives_the_file(fresh, text, data):
    session, _ = fresh
    clause = Clause("c1", 0, text, 0, len(text), None)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    selected = text[start:end]
    if not selected.strip():
        with pytest.raises(SessionError):
            session.tag_span("controller", clause, start, end)
        return
    tag = session.tag_span("controller", clause, start, end)
    assert tag.text == selected.strip() == text[tag.start : tag.end]
    assert start <= tag.start < tag.end <= end
    again = loads_session(dumps_session(session))
    assert again.item("controller").tags == session.item("controller").tags
    session.untag_span("controller", "c1", tag.start, tag.end)


words = st.lists(st.sampled_from(["data", "we", "share", "your", "partners", "cookies", "law"]), min_size=1, max_size=8)


@settings(max_examples=100, deadline=None)
@given(before=words, span=words, after=words, inserted=words, at_end=st.booleans())
def test_a_span_keeps_its_quote_when_text_is_inserted_before_or_after_it(before, span, after, inserted, at_end):
    old_text = " ".join(before + span + after)
    start = len(" ".join(before)) + 1
    old = Clause("c1", 0, old_text, 0, len(old_text), None)
    tag = Tag.span_of(old, start, start + len(" ".join(span)))
    new_text = " ".join(before + span + after + inserted) if at_end else " ".join(inserted + before + span + after)
    carried = carry_span(tag, Clause("c1", 0, new_text, 0, len(new_text), None))
    assert carried is not None
    new, changed = carried
    assert not changed and not new.recheck
    assert new.text == tag.text == new_text[new.start : new.end]


def test_strip_span_refuses_booleans_as_offsets():
    with pytest.raises(SessionError):
        strip_span("some text", True, 4)


# --------------------------------------------------------------------------- re-audit

OLD = "Who we are\n\nWe collect your email address and share it with our payment partners only.\n\nWe keep logs.\n"
NEW = (
    "Who we are\n\nTo run the service, and as the law allows, we collect your email address "
    "and share it with our payment partners only.\n\nWe keep logs.\n"
)


def _spanned(checklist: Path, needle: str) -> tuple[Session, Tag, Policy]:
    """An audit of OLD with the span *needle* tagged to ``controller``, decided satisfied."""
    old_policy = parse_policy(OLD)
    session = new_session(old_policy, load_checklist(checklist), policy_path="old.txt")
    clause = next(c for c in old_policy.clauses if needle in c.text)
    start = clause.text.index(needle)
    span = session.tag_span("controller", clause, start, start + len(needle))
    session.set_status("controller", "satisfied")
    return session, span, old_policy


def _carry(session: Session, checklist: Path, new_text: str, old_policy: Policy | None):
    return carry_forward(
        session,
        parse_policy(new_text),
        new_policy_path="new.txt",
        checklist=load_checklist(checklist),
        old_session_path="old.toml",
        old_policy=old_policy,
    )


def _reaudit(checklist: Path, new_text: str, needle: str) -> tuple[Tag, Tag]:
    session, span, old_policy = _spanned(checklist, needle)
    carried, _ = _carry(session, checklist, new_text, old_policy)
    (new,) = carried.item("controller").tags
    return span, new


def test_span_tagging_keeps_offsets_right_after_a_reaudit(tiny_checklist):
    span, new = _reaudit(tiny_checklist, NEW, "share it with our payment partners")
    assert new.text == span.text and new.start is not None and new.start > span.start
    assert new.text == parse_policy(NEW).clause(new.clause).text[new.start : new.end]
    assert not new.recheck and not new.orphan


def test_a_reaudit_unchanged_span_keeps_the_item_decided(tiny_checklist):
    session, _span, old_policy = _spanned(tiny_checklist, "your email address")
    carried, _ = _carry(session, tiny_checklist, NEW, old_policy)
    assert carried.item("controller").status == "satisfied"  # the clause changed, its span did not


def test_a_reworded_span_is_kept_to_recheck_and_a_vanished_one_is_orphaned(tiny_checklist):
    reworded = NEW.replace("payment partners", "payments partner")
    span, new = _reaudit(tiny_checklist, reworded, "share it with our payment partners")
    assert new.recheck and not new.orphan and new.similarity is not None and new.similarity >= 75
    assert new.text == parse_policy(reworded).clause(new.clause).text[new.start : new.end]
    assert "share it with" in new.text
    gone = NEW.replace("and share it with our payment partners only", "and never pass it on")
    span, new = _reaudit(tiny_checklist, gone, "share it with our payment partners")
    assert new.orphan and new.text == span.text and (new.start, new.end) == (span.start, span.end)


def test_without_the_old_policy_a_span_is_found_again_by_its_quote(tiny_checklist):
    needle = "share it with our payment partners"
    session, _span, _old = _spanned(tiny_checklist, needle)
    carried, diff = _carry(session, tiny_checklist, NEW, None)  # no old policy: against the quoted evidence
    assert diff.partial
    (tag,) = carried.item("controller").tags
    assert not tag.orphan and not tag.recheck and tag.text == needle
    assert parse_policy(NEW).clause(tag.clause).text[tag.start : tag.end] == needle
    assert carried.item("controller").status == "satisfied"


# --------------------------------------------------------------------------- merge


def test_a_merge_keeps_two_spans_of_one_clause_as_two_tags(fresh):
    session, policy = fresh
    clause = long_clause(policy)
    base = session.item("controller")
    ours_session = loads_session(dumps_session(session))
    theirs_session = loads_session(dumps_session(session))
    ours_session.tag_span("controller", clause, 0, 10)
    theirs_session.tag_span("controller", clause, 20, 40)
    theirs_session.toggle_tag("controller", clause)
    merged = merge_item(
        base, ours_session.item("controller"), theirs_session.item("controller"), lambda _: ("alice", "bob")
    )
    assert [(t.start, t.end) for t in merged.tags] == [(None, None), (0, 10), (20, 40)]
    assert merged.conflict is None
