"""The quality benchmark's screening switches: ``--weight NAME=VALUE`` and ``--misses``.

The corpus here is made up for the test (a few invented sentences in the OPP-115 file format),
never taken from the labelled corpora.
"""

from __future__ import annotations

import json

import pytest

from benchmarks import suggest_quality

SEGMENTS = [
    "We collect your name and email address when you register an account.",
    "We keep your account information for two years after you close the account, then delete it.",
    "We use industry standard encryption to protect the information we hold.",
    "We may change this policy and will post the new version on this page.",
    "Our offices are open on weekdays.",
    "Contact us with any questions.",
]


def _corpus(tmp_path, gold_segment: int):
    labels = [["First Party Collection/Use"], [], ["Data Security"], ["Policy Change"], [], []]
    labels[gold_segment] = [*labels[gold_segment], "Data Retention"]
    row = {"policy_id": "made-up-1", "text_segments": SEGMENTS, "labels": labels}
    (tmp_path / "opp115_majority.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    return tmp_path


def _run(capsys, *argv: str) -> str:
    assert suggest_quality.main([*argv, "--corpus", "opp115", "--no-baseline", "--no-warm", "--curves", ""]) == 0
    return capsys.readouterr().out


def test_an_unknown_weight_is_one_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        suggest_quality.main([str(_corpus(tmp_path, 1)), "--weight", "no_such_weight=1"])
    assert stop.value.code == 2
    assert "NAME a field of Weights" in capsys.readouterr().err


def test_a_weight_that_is_not_a_number_is_one_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        suggest_quality.main([str(_corpus(tmp_path, 1)), "--weight", "heading=high"])
    assert "'high' is not a number" in capsys.readouterr().err


def _micro(out: str) -> str:
    """The pooled line of the cold run (the report's header carries a timing)."""
    (line,) = (line for line in out.splitlines() if line.startswith("cold ") and "micro:" in line)
    return line


def test_a_weight_reaches_the_suggester(tmp_path, capsys):
    corpus = str(_corpus(tmp_path, 1))
    plain = _micro(_run(capsys, corpus))
    assert plain == _micro(_run(capsys, corpus, "--weight", "heading=0.8"))  # the default
    # Profiles from the guidance alone score otherwise (here: the gap flag's recall).
    changed = _micro(_run(capsys, corpus, "--weight", "title=0", "--weight", "keyword=0", "--weight", "example=0"))
    assert plain != changed


def test_misses_counts_a_gold_clause_that_shares_no_term_as_a_vocabulary_gap(tmp_path, capsys):
    # Retention labelled on "Contact us with any questions.": no retention word, ranked last.
    out = _run(capsys, str(_corpus(tmp_path, 5)), "--misses")
    assert "1 missed: 1 with every gold clause at 0" in out


def test_misses_sees_no_miss_where_the_gold_clause_ranks_first(tmp_path, capsys):
    out = _run(capsys, str(_corpus(tmp_path, 1)), "--misses")
    assert "missed" not in out


def _reading(tmp_path, side: str, item: str):
    path = tmp_path / "reading.json"
    path.write_text(json.dumps({side: {"opp115-data-practices": {item: ["made-up-1"]}}}), encoding="utf-8")
    return str(path)


def test_reading_drops_a_pair_whose_labelled_segment_does_not_state_the_item(tmp_path, capsys):
    # Retention labelled on "Contact us with any questions.": a miss by the labels; read as
    # not stated, the pair leaves recall@K and the item counts as missing.
    corpus = str(_corpus(tmp_path, 5))
    assert "1 missed" in _run(capsys, corpus, "--misses")
    out = _run(capsys, corpus, "--misses", "--reading", _reading(tmp_path, "not_stated", "data-retention"))
    assert "missed" not in out
    assert _micro(out).endswith("(n=3)") and _micro(_run(capsys, corpus)).endswith("(n=4)")


def test_reading_counts_an_unlabelled_item_present_where_it_is_stated(tmp_path, capsys):
    # No segment is labelled with retention but the second states it: by the labels the item is
    # missing (the flag, if raised, is right); as read it is present, so a flag would be false.
    row = {"policy_id": "made-up-1", "text_segments": SEGMENTS, "labels": [["Data Security"]] + [[]] * 5}
    (tmp_path / "opp115_majority.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    plain = _micro(_run(capsys, str(tmp_path)))
    read = _micro(_run(capsys, str(tmp_path), "--reading", _reading(tmp_path, "stated", "data-retention")))
    assert plain != read


def test_reading_counts_a_miss_as_read_only_while_its_top_three_are_the_clauses_read(tmp_path, capsys):
    # Retention labelled on "Contact us with any questions.": a miss at 3 by the labels. A
    # reading found the three best clauses to state it (the second segment does): as read it is
    # a hit; read for three other clauses (an engine since changed), it stays a miss.
    from auditor_tui.core.checklist import find_checklist
    from auditor_tui.core.suggest import Suggester

    corpus = _corpus(tmp_path, 5)
    checklist = find_checklist("opp115-data-practices")
    mapper, _ = suggest_quality.opp115_mapper(checklist)
    row = json.loads((corpus / "opp115_majority.jsonl").read_text(encoding="utf-8"))
    doc = suggest_quality.build_doc(row, mapper)
    scores = Suggester(checklist).score(doc.policy)
    top = [s.clause_id for s in scores.for_item("data-retention", top=3)]
    assert len(top) == 3 and doc.policy.clauses[-1].id not in top

    def as_read(top3: list[str]) -> str:
        path = tmp_path / "reading.json"
        entry = {"top3": top3, "stated": True}
        path.write_text(json.dumps({"top3": {checklist.id: {"data-retention": {"made-up-1": entry}}}}), "utf-8")
        line = _micro(_run(capsys, str(corpus), "--reading", str(path)))
        return line.rsplit("R@3 as read", 1)[1].strip()

    assert "R@3  0.75" in _micro(_run(capsys, str(corpus)))
    assert as_read(top) == "1.00"
    assert as_read(["c6", "c5", "c4"] if top != ["c6", "c5", "c4"] else ["c1", "c2", "c3"]) == "0.75"
