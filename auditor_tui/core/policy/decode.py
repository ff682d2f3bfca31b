"""Policy bytes to text: the guarded read, the size limit, encodings, binary refusal.

:func:`read_policy_bytes` reads a file without ever holding more than :data:`MAX_POLICY_BYTES`;
:func:`decode_policy_bytes` decodes UTF-8 (BOM allowed), UTF-16 with a BOM, else Windows-1252
with a warning, and refuses binary, NUL-bearing or empty input. Readers of binary formats (PDF,
DOCX) take the bytes from :func:`read_policy_bytes` and skip the decoding.
"""

from __future__ import annotations

import re
from pathlib import Path

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.files import why_missing

MAX_POLICY_BYTES = 20 * 1024 * 1024
"""Policies larger than this (20 MiB) are refused before they are read whole."""
POLICY_KINDS = "a .txt, .md, .html, .mhtml, .pdf or .docx file"
"""What a policy file may be, for help and hints (a test keeps it to the readers' suffixes)."""


def read_policy_file(path: str | Path) -> tuple[str, list[str]]:
    """Check and decode a policy file. Returns the text and any warnings.

    Raises :class:`PolicyError` for a missing file, a directory, a file over
    :data:`MAX_POLICY_BYTES`, a binary file, or an empty one.
    """
    path = Path(path)
    return decode_policy_bytes(read_policy_bytes(path), path)


def read_policy_bytes(path: str | Path) -> bytes:
    """The bytes of the policy file at *path*, never more than :data:`MAX_POLICY_BYTES`.

    Raises :class:`PolicyError` for a missing file, a directory or other non-regular file
    (checked before anything is read), a file over the limit, or a read error.
    """
    path = Path(path)
    if not path.exists():
        raise PolicyError(why_missing(path), path=path, hint="check the path")
    if path.is_dir():
        raise PolicyError("is a directory, not a policy file", path=path, hint=f"give {POLICY_KINDS}")
    try:
        size = path.stat().st_size
        if size > MAX_POLICY_BYTES:
            raise PolicyError(
                f"policy is {_size(size)}, over the {_size(MAX_POLICY_BYTES)} limit",
                path=path,
                hint="split the document or give only the privacy policy",
            )
        if not path.is_file():
            raise PolicyError("is not a regular file", path=path, hint=f"give {POLICY_KINDS}")
        with path.open("rb") as handle:
            # Ask for what stat() promised (plus one byte, to see growth) rather than 20 MiB.
            data = handle.read(size + 1)
            if len(data) > size:  # it grew since stat(), or its size was not known (0)
                data += handle.read(MAX_POLICY_BYTES + 1 - len(data))
        if len(data) > MAX_POLICY_BYTES:  # the file grew, or its size was not known in advance
            raise PolicyError(
                f"policy is over the {_size(MAX_POLICY_BYTES)} limit",
                path=path,
                hint="split the document or give only the privacy policy",
            )
    except PolicyError:
        raise
    except OSError as error:
        raise PolicyError(f"cannot read file: {error.strerror or error}", path=path) from None
    return data


def decode_policy_bytes(data: bytes, path: str | Path = "(policy)") -> tuple[str, list[str]]:
    """Decode policy bytes: UTF-8 (BOM allowed), UTF-16 with BOM, else cp1252 with a warning."""
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise PolicyError("invalid UTF-16 text", path=path, hint="re-save the file as UTF-8") from None
    else:
        if b"\x00" in data[:65536] or _is_image(data):
            raise PolicyError("looks like a binary file, not text", path=path, hint=f"give a policy as {POLICY_KINDS}")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise PolicyError(
                    f"not valid UTF-8 (byte {error.start}) nor Windows-1252 text",
                    path=path,
                    hint="re-save the file as UTF-8",
                ) from None
            warnings.append(
                f"{path}: not valid UTF-8 (first bad byte at offset {error.start}); read as Windows-1252 - "
                "check quotes and accented letters"
            )
    if "\x00" in text:
        raise PolicyError("contains NUL characters: looks like a binary file", path=path, hint="give a text policy")
    if not text.strip():
        raise PolicyError("the policy is empty", path=path, hint="give a file with the policy's text")
    if _mostly_control(text):
        raise PolicyError(
            "looks like a binary file, not text (many control characters)", path=path, hint="give a text policy"
        )
    return text, warnings


def _size(size: int) -> str:
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size} bytes"


def _is_image(data: bytes) -> bool:
    return data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF"))


_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _mostly_control(text: str) -> bool:
    """More than 5% control characters (tabs, newlines and ESC aside) in the first 64 KiB."""
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 20)
