"""Printing for the CLI: JSON and text that are safe to show in a terminal."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from auditor_tui.core.text import printable

# JSON leaves these characters raw with ensure_ascii=False; escape them so a policy cannot
# reorder or hide what the terminal shows.
_UNSAFE_IN_JSON = re.compile("[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def dumps_json(data: Any, *, indent: int | None = 2) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(data: Any, *, indent: int | None = 2) -> None:
    sys.stdout.write(dumps_json(data, indent=indent) + "\n")


def safe(text: str) -> str:
    """Untrusted text for a terminal: control and bidi characters made visible."""
    return printable(text, keep_newlines=True)
