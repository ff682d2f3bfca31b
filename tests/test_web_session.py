"""Audits of a URL and of saved pages: the snapshot, the provenance in the session and the
exports, resuming offline, re-auditing from a URL. The server runs on 127.0.0.1 in the test."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from auditor_tui.cli import audit as cli_audit
from auditor_tui.cli import main
from auditor_tui.core.audit import Audit
from auditor_tui.core.export import build_record, export_text, policy_provenance, verify_text
from auditor_tui.core.policy import load_policy
from auditor_tui.core.reaudit import start_reaudit
from auditor_tui.core.session import load_session, loads_session, save_session, session_to_dict
from tests.web_server import serve

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = (FIXTURES / "saved_page.html").read_bytes()
NEW_PAGE = PAGE.replace(b"Six years, for tax law", b"Ten years, for tax law")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def site():
    routes = {
        "/privacy": (200, "text/html; charset=utf-8", PAGE),
        "/old-privacy": (301, "", b""),
    }
    with serve(routes) as server:
        yield server


def start(site, workdir: Path, tiny_checklist: Path, path: str = "/privacy", **kwargs) -> Audit:
    return Audit.start(site.url(path), tiny_checklist, auditor="ann", **kwargs)


def test_a_url_audit_keeps_a_snapshot_and_records_where_the_policy_came_from(site, workdir, tiny_checklist) -> None:
    audit = start(site, workdir, tiny_checklist)
    assert audit.path.parent == Path("sessions")
    assert audit.path.name.endswith("-127-0-0-1-privacy-tiny.toml")
    snapshot = audit.path.with_name(audit.path.stem + ".snapshot.html")
    assert snapshot.read_bytes() == PAGE
    ref = load_session(audit.path).policy
    assert ref.path == snapshot.name and ref.source == site.url("/privacy")
    assert ref.format == "html" and not ref.whole_page
    assert ref.raw_sha256 == hashlib.sha256(PAGE).hexdigest()
    assert ref.sha256 == load_policy(FIXTURES / "saved_page.html").sha256  # the same reading as the file
    assert ref.http_status == 200 and ref.content_type == "text/html; charset=utf-8"
    assert ref.retrieved is not None and ref.retrieved.utcoffset().total_seconds() == 0
    assert audit.session.title == "127-0-0-1-privacy against tiny"
    text = audit.path.read_text(encoding="utf-8")
    assert f'source = "{site.url("/privacy")}"' in text and "retrieved = 20" in text


def test_provenance_round_trips_through_the_session_file(site, workdir, tiny_checklist) -> None:
    audit = start(site, workdir, tiny_checklist, whole_page=True)
    again = loads_session(audit.path.read_text(encoding="utf-8"), audit.path)
    assert again.policy == audit.session.policy and again.policy.whole_page
    assert session_to_dict(again)["policy"] == session_to_dict(audit.session)["policy"]


def test_sessions_without_provenance_still_load(workdir, tiny_checklist) -> None:
    audit = Audit.start(FIXTURES / "sample_policy.md", tiny_checklist, auditor="ann")
    data = audit.path.read_text(encoding="utf-8")
    lines = [line for line in data.splitlines() if not line.startswith(("source =", "format =", "raw_sha256 ="))]
    old = loads_session("\n".join(lines) + "\n", audit.path)
    assert old.policy.source == "" and old.policy.format == "" and old.policy.retrieved is None
    assert old.policy.sha256 == audit.session.policy.sha256
    record = build_record(old, audit.checklist)
    assert record["policy"]["source"] == old.policy.path and policy_provenance(record["policy"]) == []


def test_every_export_shows_the_provenance_and_verifies(site, workdir, tiny_checklist) -> None:
    audit = start(site, workdir, tiny_checklist)
    ref = audit.session.policy
    for fmt in ("md", "html", "csv", "json"):
        text = export_text(audit.session, audit.checklist, fmt)
        assert ref.source in text and ref.raw_sha256 in text, fmt
        assert ref.retrieved is not None and ref.retrieved.strftime("%Y-%m-%dT%H:%M:%SZ") in text, fmt
        assert fmt == "json" or "html (main content)" in text, fmt
        verification = verify_text(text, f"export.{fmt}")
        assert verification.problems == ["not signed off (state: in-progress)"], fmt  # intact, a draft
    record = json.loads(export_text(audit.session, audit.checklist, "json"))
    assert record["policy"]["http_status"] == 200 and record["policy"]["format"] == "html"


def test_a_url_audit_resumes_offline_from_its_snapshot(site, workdir, tiny_checklist) -> None:
    audit = start(site, workdir, tiny_checklist)
    clause = audit.policy.clauses[0]
    audit.session.toggle_tag("controller", clause)
    audit.save()
    site.shutdown()  # the site is gone: resuming must not need it
    site.server_close()
    again = Audit.open(audit.path)
    assert again.read_only_reason == "" and again.policy.sha256 == audit.session.policy.sha256
    assert again.policy.clause(clause.id).text == clause.text and again.warnings == []


def test_a_changed_snapshot_is_noticed(site, workdir, tiny_checklist) -> None:
    audit = start(site, workdir, tiny_checklist)
    snapshot = audit.path.with_name(audit.path.stem + ".snapshot.html")
    snapshot.write_bytes(PAGE.replace(b"<title>", b"<title>edited "))  # same policy text, other bytes
    again = Audit.open(audit.path)
    assert again.read_only_reason == ""
    assert any("is not the page fetched from" in warning for warning in again.warnings)
    snapshot.write_bytes(NEW_PAGE)  # the policy's text changed: read-only, showing the quotes
    assert "has changed since this audit" in Audit.open(audit.path).read_only_reason


def test_whole_page_is_recorded_and_used_on_resume(site, workdir, tiny_checklist) -> None:
    audit = start(site, workdir, tiny_checklist, whole_page=True)
    assert "Store finder" in audit.policy.text
    again = Audit.open(audit.path)
    assert again.read_only_reason == "" and "Store finder" in again.policy.text


def test_an_html_audit_made_before_main_content_extraction_still_opens(workdir, tiny_checklist) -> None:
    """Such sessions recorded the whole page's fingerprint and no format."""
    page = workdir / "policy.html"
    shutil.copy(FIXTURES / "saved_page.html", page)
    audit = Audit.start(page, tiny_checklist, auditor="ann", whole_page=True)
    session = audit.session
    session.policy.format = session.policy.source = session.policy.raw_sha256 = ""
    session.policy.whole_page = False
    save_session(session, audit.path)
    again = Audit.open(audit.path)
    assert again.read_only_reason == "" and "Store finder" in again.policy.text


def test_a_re_audit_from_a_url_takes_the_policy_as_it_is_now(site, workdir, tiny_checklist) -> None:
    old = Audit.start(FIXTURES / "saved_page.html", tiny_checklist, auditor="ann")
    retention = next(c for c in old.policy.clauses if c.text == "Six years, for tax law")
    old.session.toggle_tag("retention", retention)
    old.session.set_status("retention", "satisfied")
    old.save()
    site.routes["/privacy"] = (200, "text/html", NEW_PAGE)
    new, diff = start_reaudit(site.url("/privacy"), old.path, auditor="bob")
    assert diff.summary()["modified"] == 1
    assert new.session.items["retention"].status == "re-review"
    ref = new.session.policy
    assert ref.source == site.url("/privacy") and ref.retrieved is not None
    snapshot = new.path.with_name(new.path.stem + ".snapshot.html")
    assert ref.path == snapshot.name and snapshot.read_bytes() == NEW_PAGE
    assert Audit.open(new.path).read_only_reason == ""


def test_the_review_command_takes_a_url(site, workdir, tiny_checklist, monkeypatch, capsys) -> None:
    opened: list[Audit] = []
    monkeypatch.setattr(cli_audit, "_run", lambda config=None, audit=None: opened.append(audit) or 0)
    assert main(["review", site.url("/privacy"), "--checklist", str(tiny_checklist), "--auditor", "ann"]) == 0
    (audit,) = opened
    assert audit.session.policy.source == site.url("/privacy")
    assert main(["resume", str(audit.path)]) == 0
    assert opened[-1].read_only_reason == ""
    assert main(["review", site.url("/missing"), "--checklist", str(tiny_checklist)]) == 2
    err = capsys.readouterr().err
    assert "HTTP 404" in err and len(err.strip().splitlines()) == 1
    assert not list((workdir / "sessions").glob("*missing*"))


def test_diff_takes_urls(site, capsys) -> None:
    site.routes["/new"] = (200, "text/html", NEW_PAGE)
    assert main(["diff", site.url("/privacy"), site.url("/new")]) == 0
    out = capsys.readouterr().out
    assert "1 modified" in out and "[-Six-]{+Ten+} years" in out
