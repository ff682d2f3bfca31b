"""The JSON export: the record itself, with characters that could hide text escaped."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_UNSAFE_IN_JSON = re.compile("[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def render_json(record: Mapping[str, Any]) -> str:
    text = json.dumps(record, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
