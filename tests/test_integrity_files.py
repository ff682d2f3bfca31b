"""The files of an audit under attack: locks that cannot be taken, exports over sessions and
devices, files nested too deeply, FIFOs, backups over healthy sessions, folders without
permissions, stale temporary files, BOMs, symlink loops and machine-specific paths.

Each test states what a user sees: one line (exit 2) and nothing on disk changed, or the
audit read-only saying why; never a traceback, a hang or a lost note.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from auditor_tui.cli import main
from auditor_tui.core.atomic import _host_tag, clean_stale_temporaries
from auditor_tui.core.audit import Audit, start_sample
from auditor_tui.core.checklist import load_checklist
from auditor_tui.core.errors import ChecklistError, SessionError
from auditor_tui.core.export import ExportError, ExportExists, verify_export, write_export
from auditor_tui.core.lock import LockUnavailable, lock_or_fail, lock_path, try_lock
from auditor_tui.core.session import SessionDamaged, find_sessions, load_session, restore_backup, save_session
from auditor_tui.core.suggest import load_exemplars
from tests.conftest import POLICY_2018, REPO
from tests.perm_helpers import as_other_user, cli, is_root, shared_folder
from tests.ui_helpers import make_audit


@pytest.fixture
def shared_dir():
    yield from shared_folder()


posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes, locks and FIFOs")
DEEP = "x = " + "[" * 3000 + "]" * 3000 + "\n"


@pytest.fixture(autouse=True)
def _never_start_the_tui(monkeypatch):
    def refuse(audit=None):
        raise AssertionError("the command started the TUI")

    monkeypatch.setattr("auditor_tui.cli.audit._run", refuse)


def one_line(err: str, *names: str) -> str:
    assert "Traceback" not in err and err.count("\n") == 1, err
    line = err.strip()
    assert line.startswith("auditor-tui: error: "), line
    for name in names:
        assert name in line, (name, line)
    return line


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file under *root* with its bytes (lock files left out: they hold no data)."""
    return {
        str(p.relative_to(root)): None if p.is_dir() or not p.is_file() else p.read_bytes()
        for p in sorted(root.rglob("*"))
        if not p.name.endswith(".lock")
    }


def signed_off(project: Path) -> Audit:
    audit = make_audit(project)
    for item_id in audit.session.items:
        audit.session.set_status(item_id, "not-applicable", reason="not offered by this service")
    audit.save()
    assert main(["submit", str(audit.path)]) == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUDITOR_TUI_AUDITOR", "bob")  # the reviewer
        assert main(["signoff", str(audit.path)]) == 0
    return Audit.open(audit.path)


# --------------------------------------------------------------------------- 1. the lock


def _team_folder(root: Path) -> Path:
    """A team's sessions folder: everyone may write the folder and the session file."""
    make_audit(root)
    folder = root / "sessions"
    folder.chmod(0o777)
    session = folder / "iomart-2018.toml"
    session.chmod(0o666)
    return session


def _open_as_member(session: str) -> tuple[bool, str, bool]:
    audit = Audit.open(session)
    held = audit.acquire_lock()
    return held, audit.read_only_reason, audit.read_only


@posix_only
def test_a_lock_file_made_by_a_teammate_is_shared(shared_dir):
    session = _team_folder(shared_dir)
    with lock_or_fail(session):  # user 1 has it open: the lock file is made now
        assert stat.S_IMODE(lock_path(session).stat().st_mode) == 0o666  # as the session, not 0644
        held, reason, _ = as_other_user(_open_as_member, str(session))
        assert not held and "open for changes by" in reason
    held, reason, read_only = as_other_user(_open_as_member, str(session))  # user 1 closed it
    assert held and not reason and not read_only


@posix_only
def test_a_lock_that_cannot_be_checked_opens_read_only_naming_its_owner(shared_dir):
    session = _team_folder(shared_dir)
    lock = lock_path(session)
    lock.touch()
    lock.chmod(0o644)  # made by an older auditor-tui, or by a user with umask 022
    owner = __import__("pwd").getpwuid(lock.stat().st_uid).pw_name
    before = tree(shared_dir)
    held, reason, read_only = as_other_user(_open_as_member, str(session))
    assert not held and read_only
    assert "lock file is not writable by you" in reason and f"belongs to {owner}" in reason
    assert "chmod 666" in reason and "opened read-only" in reason

    def edit_and_save(path: str) -> str:
        audit = Audit.open(path)
        audit.acquire_lock()
        audit.session.set_note("13-1-a", "user 2's note")
        try:
            audit.save()
        except SessionError as error:
            return str(error)
        return "saved"

    assert "not saved" in as_other_user(edit_and_save, str(session))
    code, _, err = as_other_user(cli, "submit", str(session))
    assert code == 2 and "lock file is not writable by you" in one_line(err, "iomart-2018.toml.lock")
    assert tree(shared_dir) == before


@posix_only
def test_a_read_only_folder_refuses_the_lock_in_one_line(shared_dir):
    session = _team_folder(shared_dir)
    session.parent.chmod(0o555)
    code, _, err = as_other_user(cli, "reopen", str(session))
    assert code == 2
    line = one_line(err, "iomart-2018.toml")
    assert "not writable by you" in line and "sessions" in line


@posix_only
def test_a_lock_file_that_is_a_symlink_is_not_followed(workdir):
    audit = make_audit(workdir)
    victim = workdir / "victim.txt"
    victim.write_text("precious\n")
    lock_path(audit.path).unlink()
    lock_path(audit.path).symlink_to(victim)
    with pytest.raises(LockUnavailable, match="symbolic link"):
        try_lock(audit.path)
    reopened = Audit.open(audit.path)
    assert not reopened.acquire_lock() and "symbolic link" in reopened.read_only_reason
    assert victim.read_text() == "precious\n"


@posix_only
def test_a_file_system_without_locks_is_not_taken_for_a_free_lock(workdir, monkeypatch):
    audit = make_audit(workdir)

    def no_locks(fd, operation):
        raise OSError(37, "No locks available")  # ENOLCK, as on some network file systems

    monkeypatch.setattr("auditor_tui.core.lock.fcntl.flock", no_locks)
    with pytest.raises(LockUnavailable, match="No locks available"):
        try_lock(audit.path)
    before = audit.path.read_bytes()
    reopened = Audit.open(audit.path)
    assert not reopened.acquire_lock() and reopened.read_only
    with pytest.raises(SessionError, match="not saved"):
        reopened.save()
    assert audit.path.read_bytes() == before


# --------------------------------------------------------------------------- 5. export -o


def test_export_never_replaces_a_session(capsys, workdir):
    audit = make_audit(workdir)
    other = signed_off_copy = workdir / "sessions" / "signed.toml"
    shutil.copy(audit.path, other)
    disguised = workdir / "sessions" / "old-audit.md"  # a session under an export's name
    shutil.copy(audit.path, disguised)
    before = tree(workdir)
    for target in (other, disguised, audit.path, audit.path.with_name(audit.path.name + ".bak")):
        code, out, err = run(capsys, "export", audit.path, "-o", target, "--force")
        assert code == 2 and out == "", target
        assert "session" in one_line(err, target.name)
    code, _, err = run(capsys, "export", audit.path, "-o", workdir / "new.toml")
    assert code == 2 and ".toml" in one_line(err, "new.toml")
    assert tree(workdir) == before
    assert load_session(signed_off_copy).audit_id == audit.session.audit_id


@posix_only
def test_export_never_replaces_a_device_a_fifo_or_a_symlink(capsys, workdir):
    audit = make_audit(workdir)
    fifo = workdir / "pipe.md"
    os.mkfifo(fifo)
    target = workdir / "target.md"
    target.write_text("keep me\n")
    link = workdir / "link.md"
    link.symlink_to(target)
    specials = [fifo, link]
    if is_root():
        device = workdir / "null.md"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        specials.append(device)
    for special in specials:
        code, _, err = run(capsys, "export", audit.path, "-o", special, "--force")
        assert code == 2 and "not a regular file" in one_line(err, special.name)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.is_symlink() and target.read_text() == "keep me\n"
    if is_root():
        assert stat.S_ISCHR(device.lstat().st_mode)


def test_export_replaces_another_file_only_with_force(capsys, workdir):
    audit = make_audit(workdir)
    report = workdir / "out" / "report.md"
    code, out, _ = run(capsys, "export", audit.path, "-o", report)  # its folder is made
    assert code == 0 and "wrote" in out
    report.write_text("my own notes\n")
    code, _, err = run(capsys, "export", audit.path, "-o", report)
    assert code == 2 and "--force" in one_line(err, "report.md")
    assert report.read_text() == "my own notes\n"
    code, _, _ = run(capsys, "export", audit.path, "-o", report, "--force")
    assert code == 0 and report.read_text().startswith("<!-- auditor-tui export")


def test_export_format_and_name_must_agree(capsys, workdir):
    audit = make_audit(workdir)
    code, _, err = run(capsys, "export", audit.path, "-o", workdir / "report")
    assert code == 2 and "format" in one_line(err, "report")
    code, _, err = run(capsys, "export", audit.path, "--format", "csv", "-o", workdir / "report.md")
    assert code == 2 and "says md" in one_line(err, "report.md")
    assert run(capsys, "export", audit.path, "--format", "csv", "-o", workdir / "report.txt")[0] == 0


def test_write_export_is_the_one_place_for_the_rules(workdir):
    audit = make_audit(workdir)
    target = workdir / "a.json"
    assert write_export(audit.session, audit.checklist, target) == "json"
    with pytest.raises(ExportExists):
        write_export(audit.session, audit.checklist, target)
    with pytest.raises(ExportError, match="session"):
        write_export(audit.session, audit.checklist, audit.path, force=True)


# --------------------------------------------------------------------------- 7. nested too deeply


@pytest.fixture
def deep_and_good(workdir):
    good = make_audit(workdir)
    good.session.toggle_tag("13-1-a", good.policy.clauses[0])
    good.save()
    deep = workdir / "sessions" / "deep.toml"
    deep.write_text(DEEP)
    return good, deep


@pytest.mark.parametrize("command", ["verify", "export", "submit", "resume"])
def test_a_deeply_nested_session_is_one_line(capsys, deep_and_good, command):
    _, deep = deep_and_good
    code, out, err = run(capsys, command, deep)
    assert code == 2 and out == ""
    assert "nested too deeply" in one_line(err, "deep.toml")
    with pytest.raises(SessionDamaged, match="nested too deeply"):
        load_session(deep)


def test_other_audits_go_on_beside_a_deeply_nested_session(capsys, deep_and_good, monkeypatch):
    good, deep = deep_and_good
    found = {path.name: loaded for path, loaded in find_sessions("sessions")}
    assert isinstance(found[deep.name], SessionDamaged)
    assert found[good.path.name].audit_id == good.session.audit_id
    warnings: list[str] = []
    exemplars = load_exemplars("sessions", "gdpr-transparency", warnings=warnings)  # the review screen's worker
    assert exemplars["13-1-a"] and any("deep.toml" in w and "nested too deeply" in w for w in warnings)
    code, out, err = run(
        capsys, "suggest", good.session.policy.path, "--checklist", "gdpr-transparency", "--sessions-dir", "sessions"
    )
    assert code == 0 and out and "Traceback" not in err
    opened: list[Audit] = []
    monkeypatch.setattr("auditor_tui.cli.audit._run", lambda config=None, audit=None: opened.append(audit) or 0)
    assert run(capsys, "sample")[0] == 0 and opened


def test_a_deeply_nested_checklist_is_one_line(capsys, workdir):
    shutil.copy(POLICY_2018, workdir / "policy.txt")
    (workdir / "deep.toml").write_text(DEEP)
    code, _, err = run(capsys, "review", "policy.txt", "--checklist", "deep.toml")
    assert code == 2 and "nested too deeply" in one_line(err, "deep.toml")
    with pytest.raises(ChecklistError, match="nested too deeply"):
        load_checklist(workdir / "deep.toml")


def test_a_deeply_nested_json_export_is_reported_not_raised(capsys, workdir):
    path = workdir / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = verify_export(path)
    assert not result.valid and "nested too deeply" in result.problems[0]


# --------------------------------------------------------------------------- 8. verify's input


def _verify_in_a_subprocess(path: Path) -> subprocess.CompletedProcess:
    """``auditor-tui verify PATH`` in a child with a time and memory limit, so that a
    regression (blocking on a FIFO, reading /dev/zero forever) fails here instead of hanging
    or exhausting the machine running the tests."""

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [sys.executable, "-m", "auditor_tui", "verify", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_memory,
        check=False,
    )


@posix_only
def test_verify_refuses_a_fifo_without_blocking(workdir):
    fifo = workdir / "audit.md"
    os.mkfifo(fifo)
    done = _verify_in_a_subprocess(fifo)
    assert done.returncode == 2 and "not a regular file" in one_line(done.stderr, "audit.md")
    with pytest.raises(ExportError, match="not a regular file"):
        verify_export(fifo)


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_verify_refuses_dev_zero_without_reading_it():
    done = _verify_in_a_subprocess(Path("/dev/zero"))
    assert done.returncode == 2 and "not a regular file" in one_line(done.stderr, "/dev/zero")


def test_verify_reads_through_the_size_limit(capsys, workdir, monkeypatch):
    from auditor_tui.core.files import read_input_bytes

    monkeypatch.setitem(read_input_bytes.__kwdefaults__, "limit", 1000)
    big = workdir / "big.md"
    big.write_text("auditor-tui-seal " + "x" * 5000)
    code, _, err = run(capsys, "verify", big)
    assert code == 2 and "too big" in one_line(err, "big.md")


# --------------------------------------------------------------------------- 9. backups


def test_restore_backup_never_replaces_a_session_that_loads(capsys, workdir):
    audit = signed_off(workdir)
    assert audit.path.with_name(audit.path.name + ".bak").is_file()  # the pre-sign-off save
    before = tree(workdir)
    code, _, err = run(capsys, "resume", audit.path, "--restore-backup")
    assert code == 2 and "can be read" in one_line(err, audit.path.name)
    with pytest.raises(SessionError, match="can be read"):
        restore_backup(audit.path)
    assert tree(workdir) == before
    assert load_session(audit.path).state == "signed-off"


def test_restore_backup_still_mends_a_damaged_session(workdir):
    audit = make_audit(workdir)
    audit.session.set_note("13-1-a", "kept")
    audit.save()
    audit.session.set_note("13-1-a", "kept, then damaged")
    audit.save()
    audit.path.write_text("[[[ truncated")
    broken = restore_backup(audit.path)
    assert broken.read_text() == "[[[ truncated"
    assert load_session(audit.path).items["13-1-a"].note == "kept"


def test_a_session_refused_for_its_checklist_gets_no_backup_hint(capsys, workdir, tiny_checklist):
    audit = make_audit(workdir)
    audit.save()  # a readable .bak exists
    code, _, err = run(capsys, "resume", audit.path, "--checklist", tiny_checklist)
    assert code == 2
    line = one_line(err, audit.path.name)
    assert "not in checklist" in line and "restore-backup" not in line


@posix_only
def test_a_session_that_cannot_be_read_for_its_permissions_gets_no_backup_hint(shared_dir):
    audit = make_audit(shared_dir)
    audit.save()
    audit.path.chmod(0o600)
    code, _, err = as_other_user(cli, "resume", str(audit.path))
    assert code == 2
    line = one_line(err, audit.path.name)
    assert "permission denied" in line and "restore-backup" not in line
    code, _, err = as_other_user(cli, "resume", str(audit.path), "--restore-backup")
    assert code == 2 and "not restored" in one_line(err)
    assert not audit.path.with_name(audit.path.name + ".broken").exists()


# --------------------------------------------------------------------------- 11. folders


@posix_only
@pytest.mark.parametrize(
    "argv", [["resume", "sessions/iomart-2018.toml"], ["export", "sessions/iomart-2018.toml"], ["sample"]]
)
def test_a_folder_that_cannot_be_searched_is_one_line(shared_dir, argv):
    make_audit(shared_dir)
    (shared_dir / "sessions").chmod(0o000)
    code, out, err = as_other_user(cli, *argv)
    assert code == 2 and out == ""
    assert "sessions" in one_line(err) and ("cannot be searched" in err or "permission denied" in err)


@posix_only
def test_a_read_only_folder_opens_read_only_saying_why(shared_dir):
    audit = make_audit(shared_dir)
    audit.path.chmod(0o666)
    (shared_dir / "sessions").chmod(0o555)

    def open_it(path: str) -> tuple[bool, str]:
        reopened = Audit.open(path)
        reopened.acquire_lock()
        return reopened.read_only, reopened.read_only_reason

    read_only, reason = as_other_user(open_it, str(audit.path))
    assert read_only and "the folder sessions is not writable by you" in reason


# --------------------------------------------------------------------------- 12. smaller ones


def test_a_session_with_a_bom_loads(capsys, workdir):
    audit = make_audit(workdir)
    audit.path.write_bytes(b"\xef\xbb\xbf" + audit.path.read_bytes())
    assert load_session(audit.path).audit_id == audit.session.audit_id
    code, out, _ = run(capsys, "verify", audit.path)
    assert code == 1 and "not signed off" in out  # read, and judged: a draft


@posix_only
@pytest.mark.parametrize("command", ["resume", "verify", "export", "submit", "clauses"])
def test_a_symlink_loop_is_called_one(capsys, workdir, command):
    (workdir / "a.toml").symlink_to("b.toml")
    (workdir / "b.toml").symlink_to("a.toml")
    code, _, err = run(capsys, command, workdir / "a.toml")
    assert code == 2 and "symlink loop" in one_line(err, "a.toml")


def _tmp(folder: Path, name: str, age: float = 0.0) -> Path:
    path = folder / name
    path.write_bytes(b"x" * 1000)
    if age:
        old = time.time() - age
        os.utime(path, (old, old))
    return path


@posix_only
def test_temporaries_left_by_a_killed_save_are_cleaned_when_next_opened(workdir):
    audit = make_audit(workdir)
    folder, name = audit.path.parent, audit.path.name
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = [
            _tmp(folder, f".{name}.{dead}-{_host_tag()}.abcd1234.tmp"),  # its writer is gone
            _tmp(folder, f".{name}.bak.{dead}-{_host_tag()}.link.tmp"),
            _tmp(folder, f".{name}.q1w2e3r4.tmp", age=120),  # an older auditor-tui's, old
        ]
        kept = [
            _tmp(folder, f".{name}.{live.pid}-{_host_tag()}.zxcv0987.tmp"),  # a live writer's
            _tmp(folder, f".{name}.{dead}-ffffff.abcd1234.tmp"),  # another host's, recent
            _tmp(folder, f".other.toml.{dead}-{_host_tag()}.abcd1234.tmp", age=120),  # another file's
        ]
        reopened = Audit.open(audit.path)
        assert reopened.acquire_lock()
        reopened.release_lock()
        assert not any(p.exists() for p in stale)
        assert all(p.exists() for p in kept)
    finally:
        live.kill()
        live.wait()


@posix_only
def test_a_save_killed_mid_write_leaves_a_temporary_that_the_next_open_removes(workdir):
    audit = make_audit(workdir)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import os, time
                from auditor_tui.core.audit import Audit
                audit = Audit.open({str(audit.path)!r})
                os.fsync = lambda fd: (print("writing", flush=True), time.sleep(60))
                audit.session.set_note("13-1-a", "x" * 100_000)
                audit.save()
                """
            ),
        ],
        cwd=workdir,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        left = list(audit.path.parent.glob(f".{audit.path.name}.*.tmp"))
        assert len(left) == 1
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert clean_stale_temporaries(audit.path) == left  # its writer is gone
    assert not left[0].exists()


def test_a_bundled_checklist_is_stored_by_id_only(workdir):
    audit = make_audit(workdir)  # no ./checklists here: the bundled one
    assert audit.session.checklist.path == ""
    assert "path =" not in audit.path.read_text().split("[checklist]")[1].split("\n\n")[0]
    assert Audit.open(audit.path).checklist.id == "gdpr-transparency"


def test_a_project_checklist_is_stored_relative_to_the_project(workdir, tiny_checklist):
    (workdir / "checklists").mkdir()
    shutil.copy(tiny_checklist, workdir / "checklists" / "tiny.toml")
    audit = make_audit(workdir, checklist="tiny")
    assert audit.session.checklist.path == "checklists/tiny.toml"
    elsewhere = make_audit(workdir, checklist=str(tiny_checklist.resolve()), session_path="sessions/b.toml")
    assert elsewhere.session.checklist.path == "tiny.toml"  # tmp_path is the project here too


def test_an_old_session_with_an_absolute_checklist_path_still_opens(workdir):
    audit = make_audit(workdir)
    session = load_session(audit.path)
    session.checklist.path = "/somewhere/else/.venv/lib/auditor_tui/_bundled/checklists/gdpr-transparency.toml"
    save_session(session, audit.path)
    assert Audit.open(audit.path).checklist.id == "gdpr-transparency"


# --------------------------------------------------------------------------- 20. the sample


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git (to ask it what the .gitignore ignores)")
def test_the_sample_session_is_ignored_by_git(workdir, tmp_path):
    """The project's .gitignore, asked in a repository of its own (so the test runs in a copy
    of the project without .git too): the sample's session files are ignored, the example kept."""
    audit = start_sample()
    assert audit.path.parent == Path("sessions") and "-sample-" in audit.path.name
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True, capture_output=True)
    shutil.copy(REPO / ".gitignore", repo / ".gitignore")

    def ignored(name: str) -> bool:
        done = subprocess.run(["git", "-C", str(repo), "check-ignore", "-q", f"sessions/{name}"], check=False)
        return done.returncode == 0

    for name in (audit.path.name, audit.path.name + ".bak", audit.path.name + ".broken"):
        assert ignored(name), name
    assert not ignored("example-iomart-2018-gdpr-transparency.toml")
