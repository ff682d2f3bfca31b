"""What counts as a URL, and how long to wait for one: apart from :mod:`.fetch`, so that
opening a file never imports the HTTP and TLS machinery (``ssl``, ``urllib.request``)."""

from __future__ import annotations

import re

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for the server, and for the whole page."""
_URL = re.compile(r"^https?://", re.I)


def is_url(text: str | object) -> bool:
    """An ``http://`` or ``https://`` URL (anything else is a file path)."""
    return isinstance(text, str) and bool(_URL.match(text.strip()))
