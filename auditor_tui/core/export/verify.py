"""``auditor-tui verify`` on an export: the checks are listed in the package's docstring."""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

from auditor_tui.core.export.common import _SEAL_RE
from auditor_tui.core.export.csv_export import _CSV_CHUNK
from auditor_tui.core.export.formats import RENDERERS, format_for
from auditor_tui.core.export.json_export import render_json
from auditor_tui.core.export.record import (
    DRAFT_MARK,
    EXPORT_FORMAT,
    EXPORT_FORMAT_VERSION,
    SEAL_KEY,
    ExportError,
    _parse_time,
    _seal,
    record_content,
    record_history,
    record_signoff,
)
from auditor_tui.core.files import read_input_bytes
from auditor_tui.core.text import around, printable
from auditor_tui.core.workflow import Verification, check_signed, content_digest

_RECORD_RE = re.compile(r"<!-- auditor-tui-record v1 (md|html)\n([A-Za-z0-9+/=\n]*?)\n?-->\n")
_MARKERS = ("auditor-tui-seal", "auditor-tui-record", EXPORT_FORMAT)
KIND_NAMES = {"md": "Markdown export", "html": "HTML export", "csv": "CSV export", "json": "JSON export"}


def looks_like_export(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def _guess_format(text: str, path: Path) -> str | None:
    lines = text.rstrip("\r\n").rsplit("\n", 1)
    if (match := _SEAL_RE.search(lines[-1])) and match.group(1) in RENDERERS:
        return match.group(1)
    if (fmt := format_for(path)) is not None:
        return fmt
    if "<!-- auditor-tui-record v1 html" in text or text.lstrip().lower().startswith("<!doctype html"):
        return "html"
    if "<!-- auditor-tui-record v1 md" in text:
        return "md"
    if "\nauditor-tui-record," in text or text.startswith("\ufeffauditor-tui export"):
        return "csv"
    if text.lstrip().startswith("{"):
        return "json"
    return None


def _first_difference(expected: str, found: str) -> str:
    """Where *found* first departs from *expected*: the line, the column, and both texts cut
    around that column (so two long lines that differ near their end are told apart)."""
    want, got = expected.split("\n"), found.split("\n")
    for number, (a, b) in enumerate(zip(want, got, strict=False), 1):
        if a != b:
            column = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            return (
                f"line {number} differs from the audit record at column {column + 1}: "
                f"{_clip(b, column)!r} (expected {_clip(a, column)!r})"
            )
    if len(got) > len(want):
        return f"line {len(want) + 1} and after were added: {_clip(got[len(want)])!r}"
    return f"the file was cut short after line {len(got)}"


def _clip(text: str, column: int = 0, width: int = 60) -> str:
    return printable(around(text, column, width))


def _extract_record(text: str, fmt: str) -> dict[str, Any]:
    """The record embedded in a md/html/csv export (ValueError if it cannot be read)."""
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
        chunks = [row[1] for row in rows if len(row) == 2 and row[0] == "auditor-tui-record"]
        if not chunks:
            raise ValueError("no auditor-tui-record rows")
        encoded = "".join(chunk.removeprefix(_CSV_CHUNK) for chunk in chunks)
    else:
        match = _RECORD_RE.search(text)
        if not match:
            raise ValueError("the auditor-tui-record comment is missing or damaged")
        encoded = match.group(2).replace("\n", "")
    try:
        data = json.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"it cannot be decoded ({error})") from None
    if not isinstance(data, dict):
        raise ValueError("it is not a record")
    return data


def verify_text(text: str, path: str | Path = "export", *, allowed_signers: str | Path | None = None) -> Verification:
    """Check an export's text (see the module docstring for what is checked)."""
    path = Path(path)
    fmt = _guess_format(text, path)
    if fmt is None:
        raise ExportError("not an auditor-tui export or session", path=path)
    result = Verification(KIND_NAMES[fmt])
    record: dict[str, Any] | None = None
    if fmt == "json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            result.problems.append(f"the file is not valid JSON any more ({error.msg} at line {error.lineno})")
            return result
        except RecursionError:
            result.problems.append("the file is not an export record (its JSON is nested too deeply to read)")
            return result
        if not isinstance(parsed, dict):
            result.problems.append("the file is not an export record (not a JSON object)")
            return result
        record = parsed
        if render_json(record) != text:
            result.problems.append(_first_difference(render_json(record), text))
    else:
        try:
            record = _extract_record(text, fmt)
        except ValueError as error:
            result.problems.append(f"the embedded audit record was changed: {error}")
        else:
            try:
                expected = RENDERERS[fmt](record)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                result.problems.append(f"the embedded audit record was changed (malformed: {error!r})")
            else:
                if expected != text:
                    result.problems.append(_first_difference(expected, text))
        trimmed = text.rstrip("\r\n")
        cut = trimmed.rfind("\n") + 1
        seal = _SEAL_RE.search(trimmed[cut:])
        if not seal:
            result.problems.append("the final seal line is missing or damaged")
        else:
            body = text[:cut]
            if hashlib.sha256(body.encode("utf-8")).hexdigest() != seal.group(2):
                result.problems.append("the file above the seal line changed (its SHA-256 differs from the seal's)")
            if record is not None and seal.group(3) != record.get("digest"):
                result.problems.append("the seal line's audit digest differs from the record's")
    if record is None:
        return result
    try:
        if record.get("format") != EXPORT_FORMAT or record.get("format_version") != EXPORT_FORMAT_VERSION:
            result.problems.append(
                f"the record's format marker was changed or is unknown ({record.get('format')!r} "
                f"version {record.get('format_version')!r})"
            )
        if record.get(SEAL_KEY) != _seal(record):
            result.problems.append("the audit record was changed after export (its seal does not match)")
        if content_digest(record_content(record, schema=int(record.get("digest_schema", 1)))) != record["digest"]:
            result.problems.append("the record's digest does not match its content")
        signoff = record_signoff(record)
        history = record_history(record)
        state = record["audit"]["state"]
        updated = _parse_time(record["audit"]["updated"])
        check_signed(
            result,
            state=state,
            signoff=signoff,
            content_for=lambda schema: record_content(record, schema=schema),
            history=history,
            audit_id=str(record["audit"]["id"]),
            updated=updated,
            allowed_signers=allowed_signers,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        result.problems.append(f"the audit record is malformed ({error!r})")
        return result
    if result.signoff is None and len(result.problems) == 1:
        result.notes.append(f"the file is intact; it is a draft ({DRAFT_MARK})")
    return result


def verify_export(path: str | Path, *, allowed_signers: str | Path | None = None) -> Verification:
    path = Path(path)
    data = read_input_bytes(path, ExportError, "export", missing_hint="check the path")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
        if not looks_like_export(text):
            raise ExportError("not UTF-8 text: not an auditor-tui export or session", path=path) from None
        result = verify_text(text, path, allowed_signers=allowed_signers)
        result.problems.insert(0, "the file is not valid UTF-8 any more")
        return result
    return verify_text(text, path, allowed_signers=allowed_signers)
