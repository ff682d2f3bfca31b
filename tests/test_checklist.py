"""Checklists: the bundled ones are complete; bad files give one message naming the problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor_tui.core.checklist import bundled_dir, find_checklist, list_checklists, load_checklist
from auditor_tui.core.errors import ChecklistError
from tests.conftest import REPO, TINY_CHECKLIST

GDPR_POINTS = (
    [f"GDPR Art. 13(1)({p})" for p in "abcdef"]
    + [f"GDPR Art. 13(2)({p})" for p in "abcdef"]
    + [
        "GDPR Art. 14(1)(d)",
        "GDPR Art. 14(2)(f)",
        "GDPR Art. 32",
        "PECR reg. 6",
    ]
)
REF = re.compile(r"^(GDPR Art\. \d+(\(\d+\))?(\([a-z]\))?|PECR reg\. \d+|ePrivacy Directive Art\. \d+\(\d+\)|.+)$")


def test_bundled_dir_is_the_repository_checklists_in_a_checkout():
    assert bundled_dir().resolve() == (REPO / "checklists").resolve()


def test_three_checklists_are_bundled(workdir):
    ids = {c.id for c in list_checklists()}
    assert {"gdpr-transparency", "ccpa-privacy-policy", "opp115-data-practices"} <= ids


def test_gdpr_checklist_covers_every_point_of_articles_13_and_14():
    checklist = find_checklist("gdpr-transparency")
    refs = {ref for item in checklist.items for ref in item.refs}
    for point in GDPR_POINTS:
        assert point in refs, point
    ids = {item.id for item in checklist.items}
    assert {"cookies", "policy-changes", "last-updated"} <= ids
    for item in checklist.items:
        assert item.title and item.guidance and item.refs and item.keywords and item.examples, item.id


def test_opp115_checklist_has_the_ten_categories():
    checklist = find_checklist("opp115-data-practices")
    assert len(checklist.items) == 10


def test_ccpa_checklist_cites_the_civil_code():
    checklist = find_checklist("ccpa-privacy-policy")
    assert any("1798.130(a)(5)" in ref for item in checklist.items for ref in item.refs)


def test_find_by_path_and_sha256_of_the_file(tiny_checklist):
    checklist = find_checklist(str(tiny_checklist))
    assert checklist.id == "tiny"
    assert [g for g, _ in checklist.groups()] == ["Who", "Retention"]
    assert len(checklist.sha256) == 64


def test_local_checklists_dir_wins(workdir):
    (workdir / "checklists").mkdir()
    (workdir / "checklists" / "tiny.toml").write_text(TINY_CHECKLIST)
    assert find_checklist("tiny").path == Path("checklists/tiny.toml")


def test_unknown_id_lists_the_known_ones(workdir):
    with pytest.raises(ChecklistError, match=r"no checklist with id 'nope'.*gdpr-transparency"):
        find_checklist("nope")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('id = "retention"', 'id = "controller"'), "duplicate item id 'controller'"),
        (lambda t: t.split("[[items]]")[0], "has no items"),
        (lambda t: t.replace('title = "Who the controller is"\n', ""), "missing field 'title'"),
        (
            lambda t: t.replace('keywords = ["retain", "keep"]', 'keywords = "retain"'),
            "'keywords' must be a list of strings",
        ),
        (lambda t: t.replace("[checklist]", "[checklist"), "not valid TOML"),
        (lambda t: t.replace('id = "tiny"', 'id = "Tiny List"'), "id 'Tiny List' must be lower-case"),
        (lambda t: t.replace("[checklist]", "[meta]"), "missing [checklist] table"),
    ],
)
def test_bad_checklists_name_file_item_and_field(tmp_path, edit, message):
    path = tmp_path / "bad.toml"
    path.write_text(edit(TINY_CHECKLIST))
    with pytest.raises(ChecklistError) as caught:
        load_checklist(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_duplicate_item_error_names_the_line(tmp_path):
    path = tmp_path / "dup.toml"
    path.write_text(TINY_CHECKLIST.replace('id = "retention"', 'id = "controller"'))
    with pytest.raises(ChecklistError, match=r"item 2 \('controller', line \d+\)"):
        load_checklist(path)


def test_missing_and_directory(tmp_path):
    with pytest.raises(ChecklistError, match="no such checklist file"):
        load_checklist(tmp_path / "none.toml")
    with pytest.raises(ChecklistError, match="is a directory"):
        load_checklist(tmp_path)
