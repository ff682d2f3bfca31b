"""The ``suggest`` command: text, JSON for one policy, JSON Lines for several, errors."""

from __future__ import annotations

import json

from auditor_tui.cli import main
from tests.conftest import POLICY_2007, POLICY_2018
from tests.web_server import serve


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _check_shape(data: dict, path: str, top: int) -> None:
    assert set(data) == {"policy", "checklist", "items"}
    assert data["policy"]["path"] == path
    assert set(data["policy"]) == {"path", "sha256", "clauses"} and len(data["policy"]["sha256"]) == 64
    assert data["checklist"]["id"] == "gdpr-transparency" and data["checklist"]["version"]
    for item in data["items"]:
        assert set(item) == {
            "id",
            "title",
            "refs",
            "likely_missing",
            "missing_probability",
            "gap_reason",
            "suggestions",
        }
        assert isinstance(item["likely_missing"], bool) and isinstance(item["refs"], list)
        assert len(item["suggestions"]) <= top
        for s in item["suggestions"]:
            assert set(s) == {"clause", "section", "score", "text"}
            assert 0 < s["score"] <= 100


def test_json_for_one_policy(capsys, workdir):
    code, out, _err = run(capsys, "suggest", str(POLICY_2018), "--format", "json", "--top", "2")
    assert code == 0
    data = json.loads(out)  # one object, not JSON Lines
    _check_shape(data, str(POLICY_2018), 2)
    dpo = next(item for item in data["items"] if item["id"] == "13-1-b")
    assert not dpo["likely_missing"]
    assert "Data Protection Officer" in dpo["suggestions"][0]["text"]
    assert dpo["refs"][0].startswith("GDPR Art. 13(1)(b)")


def test_json_lines_for_two_policies_in_order(capsys, workdir):
    code, out, _ = run(capsys, "suggest", str(POLICY_2007), str(POLICY_2018), "--format", "json")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    _check_shape(first, str(POLICY_2007), 3)
    _check_shape(second, str(POLICY_2018), 3)
    dpo_2007 = next(item for item in first["items"] if item["id"] == "13-1-b")
    assert dpo_2007["likely_missing"]


def test_text_output(capsys, workdir):
    code, out, _ = run(capsys, "suggest", str(POLICY_2007), "--top", "1")
    assert code == 0
    assert "13-1-b" in out and "[likely missing, " in out
    assert "Likely gaps" in out


def test_text_output_is_safe_for_terminals(capsys, workdir):
    policy = workdir / "evil.txt"
    policy.write_text("Data Protection Officer: write to dpo@example.org \x1b[31mnow\x1b[0m.\n", encoding="utf-8")
    code, out, _ = run(capsys, "suggest", str(policy))
    assert code == 0 and "\x1b" not in out


def test_bad_policy_path_is_one_line_exit_2(capsys, workdir):
    code, out, err = run(capsys, "suggest", "no-such-policy.txt")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "no-such-policy.txt" in err


def test_bad_policy_among_several_prints_nothing(capsys, workdir):
    code, out, err = run(capsys, "suggest", str(POLICY_2018), "missing.txt", "--format", "json")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1


def test_bad_checklist_and_top(capsys, workdir):
    code, _, err = run(capsys, "suggest", str(POLICY_2018), "--checklist", "no-such-checklist")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "suggest", str(POLICY_2018), "--top", "0")
    assert code == 2 and "--top" in err


def test_sessions_dir_exemplars_are_used(capsys, workdir):
    from auditor_tui.core.checklist import find_checklist
    from auditor_tui.core.policy import load_policy
    from auditor_tui.core.session import new_session, save_session
    from auditor_tui.core.suggest import Suggester

    item = "13-2-b-exercise"
    checklist = find_checklist("gdpr-transparency")
    policy = load_policy(POLICY_2018)
    tenth = Suggester(checklist).score(policy).for_item(item, top=10)[9].clause_id
    session = new_session(policy, checklist, policy_path=str(POLICY_2018), auditor="ann")
    session.toggle_tag(item, policy.clause(tenth), who="ann")
    save_session(session, workdir / "audits" / "a.toml")

    def top_clauses(*extra: str) -> list[str]:
        code, out, _ = run(capsys, "suggest", str(POLICY_2018), "--format", "json", *extra)
        assert code == 0
        found = next(i for i in json.loads(out)["items"] if i["id"] == item)
        return [s["clause"] for s in found["suggestions"]]

    assert tenth not in top_clauses()  # the default ./sessions does not exist: cold
    assert tenth in top_clauses("--sessions-dir", str(workdir / "audits"))


def test_a_policy_at_a_url_is_read_like_a_file(capsys, workdir):
    """Like ``review`` and ``clauses``, ``suggest`` takes an http(s) URL (a server on 127.0.0.1)."""
    code, local, _err = run(capsys, "suggest", str(POLICY_2018), "--format", "json")
    assert code == 0
    with serve({"/privacy.txt": (200, "text/plain; charset=utf-8", POLICY_2018.read_bytes())}) as server:
        url = server.url("/privacy.txt")
        code, out, _err = run(capsys, "suggest", url, "--format", "json", "--timeout", "5")
        missing_code, _out, missing = run(capsys, "suggest", server.url("/gone.txt"))
    assert code == 0
    fetched, read = json.loads(out), json.loads(local)
    assert fetched["policy"]["path"] == url and fetched["items"] == read["items"]
    assert missing_code != 0 and "404" in missing and "Traceback" not in missing
