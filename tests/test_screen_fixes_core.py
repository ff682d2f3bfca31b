"""Core parts of the review-screen fixes (issue 11, points 13-19): the cutting helpers, the one
status table, where an edited export differs, dropping removed evidence, the re-audit title."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor_tui.core import export
from auditor_tui.core.errors import SessionError
from auditor_tui.core.export import render_markdown, verify_export, verify_text
from auditor_tui.core.reaudit import carry_forward_from_files
from auditor_tui.core.session import STATUSES, load_session, save_session
from auditor_tui.core.status import STATUS_TABLE, glyph_legend, status_info, status_label
from auditor_tui.core.text import ELLIPSIS, around, clip, excerpt, short_names, shorten_middle, shorten_path
from tests.conftest import POLICY_2007, POLICY_2017, REPO
from tests.test_reaudit import EVIDENCE_2007, make_session

EXAMPLE = REPO / "sessions" / "example-iomart-2018-gdpr-transparency"

# --------------------------------------------------------------------------- cutting text


def test_shorten_path_keeps_the_last_part_and_cuts_before_it():
    label = "iomart - UK Datacentres -UK Colocation › Services › Power and cooling"
    cut = shorten_path(label, 40)
    assert len(cut) <= 40
    assert cut.endswith(" › Power and cooling") and cut.startswith("iomart")
    assert ELLIPSIS in cut
    assert shorten_path("Short › Path", 40) == "Short › Path"


def test_shorten_path_with_a_last_part_too_long_keeps_its_start():
    cut = shorten_path("A › " + "Very long section title " * 3, 20)
    assert cut.startswith("Very long") and len(cut) == 20


def test_shorten_middle_keeps_both_ends_of_a_file_name():
    cut = shorten_middle("iomart-privacy-policy-2018-final.txt", 16)
    assert len(cut) == 16 and cut.startswith("iomart") and cut.endswith(".txt") and ELLIPSIS in cut


def test_excerpt_shows_the_matched_words_of_a_long_clause():
    text = "We keep records. " * 30 + "To the extent possible. We will notify you of any breach within 72 hours."
    start = text.index("notify")
    cut, spans = excerpt(text, [(start, start + 6)], 80)
    assert len(cut) <= 80 and cut.startswith(ELLIPSIS)
    assert [cut[a:b] for a, b in spans] == ["notify"]
    assert "breach" in cut  # what follows the matched word is shown too


@given(
    st.text(alphabet="ab \n", min_size=0, max_size=300),
    st.lists(st.tuples(st.integers(0, 299), st.integers(1, 20)), max_size=5),
    st.integers(8, 120),
)
def test_excerpt_fits_and_its_spans_point_into_it(text, raw, width):
    spans = sorted({(s, min(len(text), s + n)) for s, n in raw if s < len(text)})
    cut, moved = excerpt(text, spans, width)
    assert len(cut) <= max(width, len(text) if len(text) <= width else width)
    for a, b in moved:
        assert 0 <= a <= b <= len(cut)
        assert ELLIPSIS not in cut[a:b] or ELLIPSIS in text


def test_around_lines_up_two_texts_at_their_difference():
    a = "x" * 100 + "expected tail"
    b = "x" * 100 + "edited tail"
    assert around(a, 100, 30) != around(b, 100, 30)
    assert around(b, 100, 30).startswith(ELLIPSIS) and "edited" in around(b, 100, 30)


def test_clip_keeps_line_breaks():
    assert clip("one\ntwo three four", 10) == "one\ntwo t" + ELLIPSIS


def test_short_names_are_unique_and_never_cut_inside_short_parts():
    ids = [item["id"] for item in tomllib.loads((REPO / "checklists/gdpr-transparency.toml").read_text())["items"]]
    short = short_names(ids)
    assert len(set(short.values())) == len(ids)
    assert short["13-2-b-rectification"] == "13-2-b-rec" and short["13-2-b-restriction"] == "13-2-b-res"
    assert short["13-1-a"] == "13-1-a" and short["14-1-d"] == "14-1-d"
    assert max(len(s) for s in short.values()) <= 10
    for name, cut in short.items():
        assert name.startswith(cut)


# --------------------------------------------------------------------------- the status table


def test_one_status_table_covers_every_stored_status():
    assert tuple(status.name for status in STATUS_TABLE) == STATUSES
    assert len({status.glyph for status in STATUS_TABLE}) == len(STATUS_TABLE)
    assert status_info("not-applicable").glyph == "⊘"  # the screen and the exports alike
    assert status_info("bogus").glyph == "?"
    assert "⊘ not applicable" in glyph_legend()


def test_exports_use_the_status_table():
    assert not hasattr(export, "STATUS_GLYPH")
    record = {"status": "not-applicable"}
    assert status_label(record["status"]) == "⊘ not-applicable"


def test_the_signed_example_exports_still_verify():
    # The exports' status glyphs are unchanged, so exports already signed off stay valid.
    for fmt in ("md", "html", "csv", "json"):
        path = EXAMPLE.with_suffix(f".{fmt}")
        assert verify_export(path).valid, fmt


# --------------------------------------------------------------------------- verify: where it differs


def test_verify_of_an_edited_csv_shows_where_the_line_differs():
    path = EXAMPLE.with_suffix(".csv")
    text = path.read_bytes().decode("utf-8")  # its CRLF line ends as they are
    edited = text.replace("relevant group company", "relevant group compani", 1)
    assert edited != text
    problem = verify_text(edited, path).problems[0]
    match = re.fullmatch(
        r"line (\d+) differs from the audit record at column (\d+): '(.*)' \(expected '(.*)'\)", problem
    )
    assert match, problem
    found, expected = match.group(3), match.group(4)
    assert found != expected
    assert "compani" in found and "company" in expected


def test_first_difference_names_a_changed_line_ending():
    problem = export._first_difference("a,b\r\nc", "a,b\nc")
    assert "line 1" in problem and "␍" in problem


# --------------------------------------------------------------------------- re-audit


@pytest.fixture
def reaudit(tmp_path: Path):
    _old, path = make_session(POLICY_2007, EVIDENCE_2007, tmp_path)
    return carry_forward_from_files(path, POLICY_2017, auditor="bob")


def test_a_reaudit_is_titled_after_the_new_policy(reaudit):
    assert reaudit.session.title == f"{POLICY_2017.stem} against gdpr-transparency (re-audit)"
    assert POLICY_2007.stem not in reaudit.session.title


def test_drop_orphan_removes_removed_evidence_and_records_it(reaudit, tmp_path):
    session = reaudit.session
    [orphan] = [tag for tag in session.items["14-1-d"].tags if tag.orphan]
    session.drop_orphan("14-1-d", orphan.clause, who="bob")
    assert not session.items["14-1-d"].tags
    event = session.history[-1]
    assert (event.action, event.item, event.detail, event.who) == ("drop-orphan", "14-1-d", orphan.clause, "bob")
    save_session(session, tmp_path / "new.toml")
    assert not load_session(tmp_path / "new.toml").items["14-1-d"].tags
    with pytest.raises(SessionError, match="no removed evidence"):
        session.drop_orphan("14-1-d", orphan.clause)


def test_drop_orphan_never_drops_live_evidence(reaudit):
    session = reaudit.session
    live = next(tag for state in session.items.values() for tag in state.tags if not tag.orphan)
    item = next(state.id for state in session.items.values() if live in state.tags)
    with pytest.raises(SessionError):
        session.drop_orphan(item, live.clause)
    assert live in session.items[item].tags


def test_removed_evidence_still_counts_in_the_export(reaudit):
    # The screen shows "n+1 removed"; the export counts the removed clause too and flags it.
    from auditor_tui.core.checklist import find_checklist
    from auditor_tui.core.export import build_record

    record = build_record(reaudit.session, find_checklist("gdpr-transparency"))
    text = render_markdown(record)
    assert "removed from policy" in text
    item = next(i for i in record["items"] if i["id"] == "14-1-d")
    assert len(item["evidence"]) == 1 and item["evidence"][0]["orphan"]
