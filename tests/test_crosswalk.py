"""Crosswalks: loading, one-line errors, counterparts both ways, the bundled ones, the CLI."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from auditor_tui.cli import main
from auditor_tui.core.checklist import Checklist, Item, bundled_dir, find_checklist
from auditor_tui.core.crosswalk import (
    INVERSE,
    MAX_CROSSWALK_BYTES,
    RELATIONS,
    Counterpart,
    CrosswalkError,
    counterparts,
    crosswalk_dirs,
    crosswalks_between,
    find_crosswalk,
    load_crosswalk,
    parse_crosswalk,
    scan_crosswalks,
)
from tests.conftest import TINY_CHECKLIST

HEAD = """\
[crosswalk]
id = "test-walk"
title = "A test crosswalk"
version = "0.1"
a = "gdpr-transparency"
b = "ccpa-privacy-policy"
reviewed = 2026-12-01
"""

PAIRS = """
[[pairs]]
a = "13-2-a"
b = "retention"
relation = "equivalent"
note = "GDPR Art. 13(2)(a) and Cal. Civ. Code 1798.100(a)(3)."

[[pairs]]
a = "14-2-f"
b = "sources"
relation = "subset"
note = "GDPR Art. 14(2)(f) asks about indirect sources only."

[[pairs]]
a = "13-2-b-exercise"
b = "verification"
relation = "superset"
note = "Identity checks are part of how a request is made."

[[pairs]]
a = "14-1-d"
b = "categories-collected"
relation = "overlaps"
note = "Different scopes."

[[pairs]]
a = "14-1-d"
b = "sensitive-pi"
relation = "overlaps"
note = "Special categories."
"""

BUNDLED = ("gdpr-ccpa", "gdpr-opp115")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(CrosswalkError) as caught:
        load_crosswalk(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)), message
    return message


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- loading


def test_load_reads_every_field(tmp_path):
    path = write(tmp_path / "walk.toml", HEAD + 'source = "  the laws "\n' + PAIRS)
    walk = load_crosswalk(path)
    assert (walk.id, walk.title, walk.version, walk.a, walk.b) == (
        "test-walk",
        "A test crosswalk",
        "0.1",
        "gdpr-transparency",
        "ccpa-privacy-policy",
    )
    assert walk.reviewed == "2026-12-01" and walk.source == "the laws" and walk.path == path
    assert [(p.a, p.b, p.relation) for p in walk.pairs][:2] == [
        ("13-2-a", "retention", "equivalent"),
        ("14-2-f", "sources", "subset"),
    ]
    assert walk.sha256 and len(walk.sha256) == 64


def test_reviewed_may_be_a_string_date_or_absent(tmp_path):
    walk = load_crosswalk(write(tmp_path / "w.toml", HEAD.replace("2026-12-01", '"2025-01-31"') + PAIRS))
    assert walk.reviewed == "2025-01-31"
    walk = load_crosswalk(write(tmp_path / "w.toml", HEAD.replace("reviewed = 2026-12-01\n", "") + PAIRS))
    assert walk.reviewed == ""


def test_notes_are_one_line_of_text(tmp_path):
    pair = (
        '\n[[pairs]]\na = "13-2-a"\nb = "retention"\nrelation = "equivalent"\nnote = """\nOne \\\nline.\n  Two.\n"""\n'
    )
    walk = load_crosswalk(write(tmp_path / "w.toml", HEAD + pair))
    assert walk.pairs[0].note == "One line. Two."


# --------------------------------------------------------------------------- errors


def _pair(a: str = "13-2-a", b: str = "retention", relation: str = "equivalent", note: str = "Why.") -> str:
    return f'\n[[pairs]]\na = "{a}"\nb = "{b}"\nrelation = "{relation}"\nnote = "{note}"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD.replace('a = "gdpr-transparency"', 'a = "nope"') + PAIRS,
            "[crosswalk] a = 'nope': no checklist with that id",
        ),
        (
            HEAD.replace('b = "ccpa-privacy-policy"', 'b = "x/y.toml"') + PAIRS,
            "[crosswalk] b = 'x/y.toml': not a checklist id",
        ),
        (HEAD + _pair(relation="same"), "pair 1 (line 9): unknown relation 'same' (use one of: equivalent, subset"),
        (
            HEAD + PAIRS + _pair(a="14-2-f", b="sources", relation="overlaps"),
            "pair 6 (line 39): duplicate pair '14-2-f' / 'sources' (first given as pair 2)",
        ),
        (HEAD + _pair(note=""), "pair 1 (line 9): the note is empty"),
        (
            HEAD + '\n[[pairs]]\na = "13-2-a"\nb = "retention"\nrelation = "equivalent"\n',
            "pair 1 (line 9): missing field 'note'",
        ),
        (
            HEAD + '\n[[pairs]]\na = 13\nb = "retention"\nrelation = "equivalent"\nnote = "x"\n',
            "field 'a' must be a string, not int",
        ),
        ("pairs = [1]\n" + HEAD, "pair 1 is not a table"),
        (HEAD + "pairs = [1]\n", "'pairs' is written inside the [crosswalk] table"),
        (HEAD, "has no pairs"),
        (PAIRS, "missing [crosswalk] table"),
        (HEAD.replace('id = "test-walk"', 'id = "Test Walk"') + PAIRS, "id 'Test Walk' must be lower-case"),
        (
            HEAD.replace('b = "ccpa-privacy-policy"', 'b = "gdpr-transparency"') + PAIRS,
            "a and b are both 'gdpr-transparency'",
        ),
        (HEAD.replace("2026-12-01", '"last week"') + PAIRS, "field 'reviewed' must be a date"),
        (HEAD.replace('version = "0.1"\n', "") + PAIRS, "[crosswalk]: missing field 'version'"),
        (HEAD + "[[pairs]\n", "not valid TOML"),
        ("x = " + "[" * 50_000 + "]" * 50_000, "too deeply nested to be a crosswalk file"),
    ],
    ids=lambda value: value.split(":")[0].split(" (")[0] if len(value) < 120 else "",
)
def test_bad_crosswalks_get_one_line_naming_the_problem(tmp_path, text, expected):
    assert expected in error_of(write(tmp_path / "bad.toml", text))


def test_an_item_not_in_its_checklist_is_named_with_the_file(tmp_path):
    path = write(tmp_path / "bad.toml", HEAD + PAIRS + _pair(a="13-2-b-acess", b="right-to-know", relation="overlaps"))
    message = error_of(path)
    assert "pair 6 (line 39): item '13-2-b-acess' is not in checklist 'gdpr-transparency'" in message
    assert "did you mean '13-2-b-access'?" in message
    message = error_of(write(tmp_path / "bad.toml", HEAD + _pair(b="zzzz")))
    assert "item 'zzzz' is not in checklist 'ccpa-privacy-policy'" in message
    assert "ccpa-privacy-policy.toml" in message  # where to look for the ids


def test_pairs_written_inline_have_no_line_numbers(tmp_path):
    text = 'pairs = [{a = "13-2-a", b = "retention", relation = "same", note = "x"}]\n' + HEAD
    assert "pair 1: unknown relation 'same'" in error_of(write(tmp_path / "bad.toml", text))


def test_a_broken_checklist_named_by_a_crosswalk_is_reported_through_it(workdir):
    write(workdir / "checklists" / "tiny.toml", "[checklist\n")
    text = HEAD.replace('b = "ccpa-privacy-policy"', 'b = "tiny"') + _pair()
    message = error_of(write(workdir / "bad.toml", text))
    assert "[crosswalk] b = 'tiny': that checklist cannot be read:" in message and "not valid TOML" in message
    write(workdir / "checklists" / "tiny.toml", "x = " + "[" * 50_000 + "]" * 50_000)
    assert "nested too deeply" in error_of(workdir / "bad.toml")


def test_files_that_cannot_be_crosswalks(tmp_path):
    assert "no such crosswalk file" in error_of(tmp_path / "missing.toml")
    (tmp_path / "dir.toml").mkdir()
    assert "is a directory, not a crosswalk file" in error_of(tmp_path / "dir.toml")
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.truncate(MAX_CROSSWALK_BYTES + 1)
    assert "too big for a crosswalk file" in error_of(big)
    (tmp_path / "latin1.toml").write_bytes(HEAD.encode() + b"# caf\xe9\n" + PAIRS.encode())
    assert "not UTF-8 text" in error_of(tmp_path / "latin1.toml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    assert "is not a regular file" in error_of(fifo)


# --------------------------------------------------------------------------- counterparts


def test_counterparts_in_both_directions(tmp_path):
    walk = load_crosswalk(write(tmp_path / "walk.toml", HEAD + PAIRS))
    gdpr, ccpa = "gdpr-transparency", "ccpa-privacy-policy"
    assert [(c.item_id, c.relation) for c in walk.counterparts(gdpr, "14-1-d")] == [
        ("categories-collected", "overlaps"),
        ("sensitive-pi", "overlaps"),
    ]
    # subset one way is superset the other, and the reverse; equivalent stays equivalent
    assert [(c.item_id, c.relation) for c in walk.counterparts(gdpr, "14-2-f")] == [("sources", "subset")]
    assert [(c.item_id, c.relation) for c in walk.counterparts(ccpa, "sources")] == [("14-2-f", "superset")]
    assert [(c.item_id, c.relation) for c in walk.counterparts(ccpa, "verification")] == [("13-2-b-exercise", "subset")]
    assert [(c.item_id, c.relation) for c in walk.counterparts(ccpa, "retention")] == [("13-2-a", "equivalent")]
    only = walk.counterparts(ccpa, "sources")[0]
    assert only == Counterpart(
        "14-2-f", "superset", "GDPR Art. 14(2)(f) asks about indirect sources only.", "test-walk"
    )
    assert walk.counterparts(gdpr, "13-1-a") == []  # an item with no pair
    assert walk.counterparts("opp115-data-practices", "other") == []  # a checklist it does not link


def test_counterparts_gathers_every_crosswalk_between_the_two_checklists(tmp_path):
    first = load_crosswalk(write(tmp_path / "one.toml", HEAD + PAIRS))
    second_text = HEAD.replace('id = "test-walk"', 'id = "second"').replace(
        'a = "gdpr-transparency"\nb = "ccpa-privacy-policy"', 'a = "ccpa-privacy-policy"\nb = "gdpr-transparency"'
    )
    second = load_crosswalk(
        write(tmp_path / "two.toml", second_text + _pair(a="sources", b="14-2-f", relation="overlaps"))
    )
    other = load_crosswalk(
        write(
            tmp_path / "three.toml",
            HEAD.replace('id = "test-walk"', 'id = "third"').replace("ccpa-privacy-policy", "opp115-data-practices")
            + _pair(a="14-2-f", b="first-party-collection", relation="overlaps"),
        )
    )
    walks = [first, second, other]
    assert crosswalks_between(walks, "ccpa-privacy-policy", "gdpr-transparency") == [first, second]
    assert crosswalks_between(walks, "gdpr-transparency", "gdpr-transparency") == []
    found = counterparts(walks, "gdpr-transparency", "14-2-f", "ccpa-privacy-policy")
    assert [(c.item_id, c.relation, c.crosswalk_id) for c in found] == [
        ("sources", "subset", "test-walk"),
        ("sources", "overlaps", "second"),
    ]
    found = counterparts(walks, "gdpr-transparency", "14-2-f", "opp115-data-practices")
    assert [(c.item_id, c.crosswalk_id) for c in found] == [("first-party-collection", "third")]
    assert counterparts(walks, "gdpr-transparency", "14-2-f", "nope") == []


def test_relations_and_their_inverses():
    assert set(INVERSE) == set(RELATIONS) == {"equivalent", "overlaps", "subset", "superset"}
    assert INVERSE["subset"] == "superset" and INVERSE["equivalent"] == "equivalent"
    for relation in RELATIONS:
        assert INVERSE[INVERSE[relation]] == relation


def _checklist(checklist_id: str, count: int) -> Checklist:
    return Checklist(
        id=checklist_id,
        title=checklist_id,
        version="1",
        items=tuple(Item(id=f"i{n}", title=f"item {n}") for n in range(count)),
    )


LEFT, RIGHT = _checklist("left", 6), _checklist("right", 5)
PAIR_SETS = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 4), st.sampled_from(sorted(RELATIONS))),
    min_size=1,
    max_size=20,
    unique_by=lambda p: (p[0], p[1]),
)


@given(PAIR_SETS)
def test_counterparts_answer_exactly_the_pairs_from_either_side(raw):
    doc = {
        "crosswalk": {"id": "p", "title": "p", "version": "1", "a": "left", "b": "right"},
        "pairs": [{"a": f"i{a}", "b": f"i{b}", "relation": r, "note": "n"} for a, b, r in raw],
    }
    resolve = {"left": LEFT, "right": RIGHT}.__getitem__
    walk = parse_crosswalk(tomli_w.dumps(doc).encode(), Path("p.toml"), resolve)
    for item in LEFT.items:
        got = [(c.item_id, c.relation) for c in counterparts([walk], "left", item.id, "right")]
        assert got == [(f"i{b}", r) for a, b, r in raw if f"i{a}" == item.id]
    for item in RIGHT.items:
        got = [(c.item_id, c.relation) for c in counterparts([walk], "right", item.id, "left")]
        assert got == [(f"i{a}", INVERSE[r]) for a, b, r in raw if f"i{b}" == item.id]


# --------------------------------------------------------------------------- the bundled crosswalks


def test_the_bundled_crosswalks_are_found_from_anywhere(workdir):
    scan = scan_crosswalks()
    assert scan.broken == ()
    assert {c.id for c in scan.crosswalks} == set(BUNDLED)
    assert crosswalk_dirs() == [bundled_dir() / "crosswalks"]


@pytest.mark.parametrize("crosswalk_id", BUNDLED)
def test_every_bundled_pair_names_items_of_the_bundled_checklists(crosswalk_id):
    path = bundled_dir() / "crosswalks" / f"{crosswalk_id}.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))  # read directly, not through the loader
    first = find_checklist(bundled_dir() / f"{raw['crosswalk']['a']}.toml")
    second = find_checklist(bundled_dir() / f"{raw['crosswalk']['b']}.toml")
    for pair in raw["pairs"]:
        assert first.item(pair["a"]) is not None, pair["a"]
        assert second.item(pair["b"]) is not None, pair["b"]
        assert pair["relation"] in RELATIONS, pair
    walk = load_crosswalk(path)
    assert walk.id == crosswalk_id and len(walk.pairs) == len(raw["pairs"]) >= 10


@pytest.mark.parametrize("crosswalk_id", BUNDLED)
def test_every_bundled_pair_says_why_citing_a_provision(crosswalk_id):
    path = bundled_dir() / "crosswalks" / f"{crosswalk_id}.toml"
    text = path.read_text(encoding="utf-8")
    walk = load_crosswalk(path)
    assert f"# Written on {walk.reviewed} from the texts of:" in text  # the header names its sources and date
    for pair in walk.pairs:
        assert len(pair.note) > 80 and re.search(r"Art\. \d|1798\.\d|Regs\. 70|OPP-115|PECR", pair.note), pair


def test_the_ccpa_crosswalk_pairs_the_obvious_items():
    walk = find_crosswalk("gdpr-ccpa")
    pairs = {(p.a, p.b): p.relation for p in walk.pairs}
    assert pairs["14-1-d", "categories-collected"] == "overlaps"
    assert pairs["13-1-e", "third-parties-disclosed"] == "overlaps"
    assert pairs["13-2-b-access", "right-to-know"] == "overlaps"
    assert pairs["13-2-b-erasure", "right-to-delete"] == "overlaps"
    assert pairs["13-2-a", "retention"] == "equivalent"
    # pairs an auditor would dispute are left out
    assert ("13-2-b-objection", "right-to-opt-out") not in pairs
    assert ("13-2-b-restriction", "right-to-limit") not in pairs


# --------------------------------------------------------------------------- the search path


def test_local_and_user_crosswalks_are_found_and_a_local_one_overrides_a_bundled_id(workdir):
    local = write(
        workdir / "checklists" / "crosswalks" / "mine.toml", HEAD.replace('"test-walk"', '"gdpr-ccpa"') + _pair()
    )
    user_dir = Path(os.environ["XDG_CONFIG_HOME"]) / "auditor-tui" / "checklists" / "crosswalks"
    write(user_dir / "user.toml", HEAD.replace('"test-walk"', '"from-config"') + _pair())
    scan = scan_crosswalks()
    assert {c.id for c in scan.crosswalks} == {"gdpr-ccpa", "gdpr-opp115", "from-config"}
    assert scan.get("gdpr-ccpa").path == Path("checklists/crosswalks/mine.toml")
    assert local.exists() and len(scan.get("gdpr-ccpa").pairs) == 1


def test_a_local_crosswalk_can_link_a_local_checklist(workdir):
    write(workdir / "checklists" / "tiny.toml", TINY_CHECKLIST)
    text = HEAD.replace('b = "ccpa-privacy-policy"', 'b = "tiny"') + _pair(b="retention")
    write(workdir / "checklists" / "crosswalks" / "tiny.toml", text)
    walk = find_crosswalk("test-walk")
    assert walk.b == "tiny" and walk.counterparts("tiny", "retention")[0].item_id == "13-2-a"


def test_a_bad_file_never_stops_the_others(workdir):
    folder = workdir / "checklists" / "crosswalks"
    write(folder / "good.toml", HEAD + PAIRS)
    write(folder / "broken.toml", HEAD + _pair(relation="same"))
    (folder / "adir.toml").mkdir()
    scan = scan_crosswalks()
    assert {c.id for c in scan.crosswalks} == {"test-walk", *BUNDLED}
    assert [b.path.name for b in scan.broken] == ["adir.toml", "broken.toml"]
    assert "unknown relation 'same'" in str(scan.broken[1].error)


def test_find_crosswalk_by_id_path_or_with_the_reason_it_cannot(workdir):
    assert find_crosswalk("gdpr-opp115").b == "opp115-data-practices"
    path = write(workdir / "elsewhere" / "w.toml", HEAD + PAIRS)
    assert find_crosswalk(str(path)).id == "test-walk"
    with pytest.raises(CrosswalkError, match=r"no crosswalk with id 'nope' \(known: gdpr-ccpa, gdpr-opp115;"):
        find_crosswalk("nope")
    write(workdir / "checklists" / "crosswalks" / "broken.toml", HEAD + _pair(relation="same"))
    with pytest.raises(CrosswalkError, match="unknown relation 'same'"):
        find_crosswalk("broken")


# --------------------------------------------------------------------------- the CLI


def test_cli_lists_crosswalks_as_text_and_json(capsys, workdir):
    code, out, err = run(capsys, "crosswalks")
    assert code == 0 and err == ""
    assert "gdpr-ccpa" in out and "gdpr-transparency <-> ccpa-privacy-policy" in out and "16 pairs" in out
    assert "crosswalks/gdpr-opp115.toml" in out
    code, out, _ = run(capsys, "crosswalks", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["broken"] == []
    rows = {row["id"]: row for row in data["crosswalks"]}
    assert set(rows) == set(BUNDLED)
    assert set(rows["gdpr-ccpa"]) == {"id", "title", "version", "a", "b", "pairs", "source", "reviewed", "path"}
    assert rows["gdpr-ccpa"]["a"] == "gdpr-transparency" and rows["gdpr-ccpa"]["pairs"] == 16


def test_cli_shows_one_crosswalk_as_a_table(capsys, workdir):
    code, out, _ = run(capsys, "crosswalks", "--show", "gdpr-ccpa")
    assert code == 0
    assert re.search(r"^gdpr-transparency +relation +ccpa-privacy-policy$", out, re.MULTILINE)
    assert re.search(r"^14-2-f +subset +sources$", out, re.MULTILINE)
    assert "Source of the personal data  |  Categories of sources of PI" in out
    code, out, _ = run(capsys, "crosswalks", "--show", "gdpr-ccpa", "--format", "json")
    data = json.loads(out)
    assert data["relations"] == RELATIONS and len(data["pairs"]) == 16
    assert data["pairs"][0] == {
        "a": "13-1-a",
        "a_title": "Identity and contact details of the controller",
        "relation": "overlaps",
        "b": "contact",
        "b_title": "Contact for privacy questions",
        "note": find_crosswalk("gdpr-ccpa").pairs[0].note,
    }


def test_cli_lists_a_bad_file_with_its_error_and_the_good_ones(capsys, workdir):
    write(workdir / "checklists" / "crosswalks" / "broken.toml", HEAD + _pair(relation="same"))
    write(workdir / "checklists" / "crosswalks" / "deep.toml", "x = " + "[" * 50_000 + "]" * 50_000)
    code, out, err = run(capsys, "crosswalks")
    assert code == 1 and err == "" and "Traceback" not in out
    assert "gdpr-ccpa" in out and "gdpr-opp115" in out
    assert "Could not be read (2; fix or remove):" in out
    assert "checklists/crosswalks/broken.toml: pair 1 (line 9): unknown relation 'same'" in out
    assert "checklists/crosswalks/deep.toml: too deeply nested" in out
    code, out, _ = run(capsys, "crosswalks", "--format", "json")
    data = json.loads(out)
    assert code == 1 and len(data["crosswalks"]) == 2
    assert [Path(b["path"]).name for b in data["broken"]] == ["broken.toml", "deep.toml"]
    # --show of a good one still works; of the broken one, its error is the one line on stderr
    assert run(capsys, "crosswalks", "--show", "gdpr-opp115")[0] == 0
    code, out, err = run(capsys, "crosswalks", "--show", "broken")
    assert code == 2 and out == "" and err.count("\n") == 1 and "unknown relation 'same'" in err


def test_cli_show_of_an_unknown_crosswalk_is_one_line(capsys, workdir):
    code, out, err = run(capsys, "crosswalks", "--show", "nope")
    assert code == 2 and out == ""
    assert err == (
        "auditor-tui: error: no crosswalk with id 'nope' "
        "(known: gdpr-ccpa, gdpr-opp115; run 'auditor-tui crosswalks' to list them)\n"
    )


def test_checklists_listing_ignores_the_crosswalks_folder(capsys, workdir):
    write(workdir / "checklists" / "crosswalks" / "broken.toml", "not a checklist [")
    code, out, _ = run(capsys, "checklists")
    assert code == 0 and "gdpr-transparency" in out
