"""What the rendered formats share: untrusted text made visible, the embedded record, the seal line."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from auditor_tui.core.text import printable
from auditor_tui.core.workflow import canonical_json


def _one_line(text: str) -> str:
    return printable(" ".join(str(text).split()))


def _paragraphs(text: str) -> list[list[str]]:
    """Untrusted multi-line text as paragraphs of visible lines."""
    text = printable(str(text).replace("\r\n", "\n"), keep_newlines=True).strip()
    return [
        [line.strip() for line in para.split("\n") if line.strip()]
        for para in re.split(r"\n\s*\n", text)
        if para.strip()
    ]


def _record_block(record: Mapping[str, Any], width: int) -> list[str]:
    encoded = base64.b64encode(canonical_json(record)).decode("ascii")
    return [encoded[i : i + width] for i in range(0, len(encoded), width)] or [""]


def _seal_line(fmt: str, body: str, digest: str) -> str:
    body_hash = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"auditor-tui-seal v1 {fmt} body-sha256={body_hash} audit-digest={digest}"


_SEAL_RE = re.compile(r"auditor-tui-seal v1 (\w+) body-sha256=([0-9a-f]{64}) audit-digest=([0-9a-f]{64})")


def _with_record_comments(fmt: str, body: str, record: Mapping[str, Any]) -> str:
    """A Markdown or HTML body, then the record and the seal as HTML comments (both formats
    hide them when rendered)."""
    body += f"<!-- auditor-tui-record v1 {fmt}\n" + "\n".join(_record_block(record, 76)) + "\n-->\n"
    return body + f"<!-- {_seal_line(fmt, body, record['digest'])} -->\n"
