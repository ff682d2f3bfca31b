"""Running a check as a user whom file permissions apply to.

Permission checks do not apply to root, and these tests often run as root (in a container).
:func:`as_other_user` then forks a child that drops to an unprivileged user (``nobody``) and
runs the check there, so a file of mode 0644 owned by root really is not writable for it, as
for a second member of a team. As a normal user the check runs in this process: the files it
makes are its own, and a ``chmod`` applies to it.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import shutil
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor_tui.cli import main

UNPRIVILEGED = 65534  # nobody


def is_root() -> bool:
    return os.name == "posix" and os.geteuid() == 0


def as_other_user(check: Callable[..., Any], *args: Any) -> Any:
    """*check(*args)* as a user without root's powers; its return value (pickled back from
    the child when forked). An exception in the child fails the test with its traceback."""
    if not is_root():
        return check(*args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(UNPRIVILEGED)
            os.setuid(UNPRIVILEGED)
            payload = pickle.dumps(("ok", check(*args)))
        except BaseException:
            payload = pickle.dumps(("error", traceback.format_exc()))
        with contextlib.suppress(BaseException), os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)
    if status == "error":
        pytest.fail(f"the check failed as another user:\n{value}")
    return value


def shared_folder() -> Iterator[Path]:
    """A fresh folder that an unprivileged user can reach (``tmp_path`` is private to root),
    made the working directory while in use (for a fixture: ``yield from shared_folder()``)."""
    folder = Path(tempfile.mkdtemp(prefix="auditor-tui-perm-"))
    folder.chmod(0o777)
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(old)
        for path in [folder, *folder.rglob("*")]:
            with contextlib.suppress(OSError):
                if not path.is_symlink():
                    path.chmod(0o777)
        shutil.rmtree(folder, ignore_errors=True)


def cli(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process with its output captured here (a forked child cannot use capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = exit_.code
    return code, out.getvalue(), err.getvalue()
