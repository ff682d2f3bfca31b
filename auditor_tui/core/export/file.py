"""Writing an export to a file the user named: the one place for the rules.

The CLI's ``export -o`` and the review screen's ``X`` both call :func:`write_export`, so an
export never lands over a session file, a device node, a FIFO or a symbolic link, and over
another existing file only when the user says so.
"""

from __future__ import annotations

from pathlib import Path

from auditor_tui.core.atomic import atomic_write_text
from auditor_tui.core.checklist import Checklist
from auditor_tui.core.export.formats import FORMATS, RENDERERS, export_text, format_for
from auditor_tui.core.export.record import ExportError
from auditor_tui.core.files import check_output_path, folder_of
from auditor_tui.core.session import Session


class ExportExists(ExportError):
    """The export's file already exists: it is replaced only when asked (``force``)."""


def write_export(
    session: Session, checklist: Checklist, path: str | Path, fmt: str | None = None, *, force: bool = False
) -> str:
    """Write the export of the audit to *path* atomically (making its folder); returns the
    format written, *fmt* or the one the file name says.

    Refused: a name whose format cannot be told or that says another format, a ``.toml``
    name (those are sessions), a session file, anything that is not a regular file (a device
    node, a FIFO, a symbolic link), and, unless *force*, any other existing file
    (:class:`ExportExists`).
    """
    path = Path(path)
    named = format_for(path)
    if ".toml" in (suffix.lower() for suffix in path.suffixes):
        raise ExportError(
            "an export is never written to a .toml name: that is a session file's",
            path=path,
            hint="use a .md, .html, .csv or .json file name",
        )
    fmt = fmt or named
    if fmt is None:
        raise ExportError(
            "cannot tell the export format from the file name", path=path, hint="use a .md, .html, .csv or .json name"
        )
    if fmt not in RENDERERS:
        raise ExportError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    if named is not None and named != fmt:
        raise ExportError(f"the file name says {named}, not {fmt}", path=path, hint=f"give a name ending in .{fmt}")
    if check_output_path(path, ExportError) and not force:
        raise ExportExists("already exists", path=path, hint="choose another name, or replace it with --force")
    text = export_text(session, checklist, fmt)
    try:
        folder_of(path).mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
    except OSError as error:
        raise ExportError(f"cannot write: {error.strerror or error}", path=path) from None
    return fmt
