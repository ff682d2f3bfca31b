"""Where a policy comes from: a file or a URL, read into a Policy with its provenance.

:func:`open_policy` takes what the user typed (a path, or an ``http(s)://`` URL), reads or
fetches the bytes, picks the reader (by the file's suffix, or by the content type the server
sent) and returns the :class:`OpenedPolicy`: the Policy, the raw bytes and the
:class:`Provenance` a session records (source, format, SHA-256 of the raw bytes, and for a URL
the retrieval time, HTTP status and content type). A fetched page is kept as a **snapshot**
beside the session (:func:`write_snapshot`, ``sessions/NAME.snapshot.html``): the session's
``path`` names it, so the audit is resumed and verified offline from the bytes that were
audited.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from auditor_tui.core.atomic import atomic_write_bytes
from auditor_tui.core.policy import Policy, read_policy_bytes, read_policy_data
from auditor_tui.core.policy.readers import BY_CONTENT_TYPE, reader_for
from auditor_tui.core.policy.transfer import policy_from_parts, policy_parts
from auditor_tui.core.session import PolicyRef
from auditor_tui.core.urls import DEFAULT_TIMEOUT, is_url

if TYPE_CHECKING:
    from auditor_tui.core.fetch import Fetched

__all__ = [
    "DEFAULT_TIMEOUT",
    "OpenedPolicy",
    "Provenance",
    "is_url",
    "open_policy",
    "open_policy_ahead",
    "policy_ref",
    "snapshot_path",
    "source_name",
    "write_snapshot",
]


@dataclass(frozen=True)
class Provenance:
    """What an audit records about where its policy came from."""

    source: str
    """The path as given, or the URL."""
    format: str
    raw_sha256: str
    retrieved: datetime | None = None
    http_status: int | None = None
    content_type: str = ""
    final_url: str = ""
    whole_page: bool = False


@dataclass(frozen=True)
class OpenedPolicy:
    policy: Policy
    provenance: Provenance
    data: bytes
    """The raw bytes read or fetched."""
    suffix: str
    """The file suffix the bytes are read by (``.html``): a snapshot is saved with it."""

    @property
    def fetched(self) -> bool:
        return self.provenance.retrieved is not None


def open_policy(source: str | Path, *, whole_page: bool = False, timeout: float = DEFAULT_TIMEOUT) -> OpenedPolicy:
    """Read the policy at *source* (a path or a URL). Raises ``PolicyError`` / ``FetchError``."""
    if is_url(source):
        return _open_url(str(source).strip(), whole_page=whole_page, timeout=timeout)
    path = Path(source)
    data = read_policy_bytes(path)
    policy = read_policy_data(data, path, whole_page=whole_page)
    suffix = path.suffix.lower()
    provenance = Provenance(
        str(source), policy.format, hashlib.sha256(data).hexdigest(), whole_page=whole_page and _has_whole(suffix)
    )
    return OpenedPolicy(policy, provenance, data, suffix)


AHEAD_MIN_BYTES = 256 * 1024
"""From this size a local policy is read in a child process while the app loads (below it,
reading takes less than starting a process would save)."""


def open_policy_ahead(
    source: str | Path, *, whole_page: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> Callable[[], OpenedPolicy]:
    """Start :func:`open_policy` now and return the function that gives its result.

    A local file of :data:`AHEAD_MIN_BYTES` or more is read in a forked child process, so that
    the caller can import Textual meanwhile on another core (a 1 MB policy takes about as long
    to segment as Textual takes to import); the child sends the policy back as flat values
    (:mod:`auditor_tui.core.policy.transfer`). Anything else, or a child that fails for any
    reason (an unreadable file included), is read here when the result is asked for, so errors
    are raised exactly as :func:`open_policy` raises them. Forking is only done while the
    process has a single thread.
    """

    def here() -> OpenedPolicy:
        return open_policy(source, whole_page=whole_page, timeout=timeout)

    if is_url(source) or not hasattr(os, "fork") or threading.active_count() > 1:
        return here
    try:
        if os.stat(source).st_size < AHEAD_MIN_BYTES:
            return here
    except (OSError, ValueError):
        return here
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send, and leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            opened = here()
            payload = (policy_parts(opened.policy), opened.provenance, opened.data, opened.suffix)
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(payload, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def collect() -> OpenedPolicy:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            return here()
        parts, provenance, raw, suffix = pickle.loads(data)  # from our own child, never from a file
        return OpenedPolicy(policy_from_parts(parts), provenance, raw, suffix)

    return collect


def _has_whole(suffix: str) -> bool:
    return reader_for(f"x{suffix}").read_whole is not None


def _accepts(kind: str) -> bool:
    return kind in BY_CONTENT_TYPE


def _open_url(url: str, *, whole_page: bool, timeout: float) -> OpenedPolicy:
    from auditor_tui.core.fetch import fetch  # HTTP and TLS: imported only for a URL

    page = fetch(url, timeout=timeout, accepts=_accepts)
    kind = _recognise(page)
    suffix = BY_CONTENT_TYPE[kind].suffixes[0]
    policy = read_policy_data(page.data, Path(source_name(url) + suffix), content_type=kind, whole_page=whole_page)
    provenance = Provenance(
        source=url,
        format=policy.format,
        raw_sha256=page.sha256,
        retrieved=page.retrieved,
        http_status=page.status,
        content_type=page.content_type,
        final_url=page.final_url if page.final_url != url else "",
        whole_page=whole_page and BY_CONTENT_TYPE[kind].read_whole is not None,
    )
    return OpenedPolicy(policy, provenance, page.data, suffix)


def _recognise(page: Fetched) -> str:
    """The media type to read the page as: the one sent, else one seen in the bytes or the URL."""
    kind = page.media_type
    if kind in BY_CONTENT_TYPE:
        return kind
    head = page.data[:1024].lstrip().lower()
    guesses = []
    if head.startswith(b"%pdf-"):
        guesses.append("application/pdf")
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head:
        guesses.append("text/html")
    by_suffix = reader_for(urlsplit(page.final_url).path)
    guesses.extend(by_suffix.content_types if Path(urlsplit(page.final_url).path).suffix else ())
    for guess in guesses:
        if guess in BY_CONTENT_TYPE:
            return guess
    from auditor_tui.core.fetch import FetchError

    raise FetchError(
        f"the server sent {kind or 'no content type'} and the page does not look like HTML, PDF or text",
        path=page.url,
        hint="give the URL of the policy page itself, or save it and give the file",
    )


_SLUG = re.compile(r"[^a-z0-9]+")


def source_name(source: str | Path) -> str:
    """A short readable name for file names: the file's stem, or ``host-last-path-part`` for a URL."""
    if not is_url(source):
        return Path(source).stem
    parts = urlsplit(str(source).strip())
    host = (parts.hostname or "page").removeprefix("www.")
    last = Path(parts.path).stem if parts.path.strip("/") else ""
    name = _SLUG.sub("-", f"{host} {last}".lower()).strip("-")
    return name[:60].strip("-") or "page"


def snapshot_path(session_path: Path, suffix: str) -> Path:
    """Where the snapshot of a fetched page is kept: ``NAME.snapshot.html`` beside ``NAME.toml``."""
    return session_path.with_name(f"{session_path.stem}.snapshot{suffix}")


def write_snapshot(opened: OpenedPolicy, session_path: Path) -> Path:
    """Save the fetched bytes beside the session (atomically) and return the snapshot's path."""
    path = snapshot_path(session_path, opened.suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, opened.data)
    return path


def policy_ref(opened: OpenedPolicy, path: str) -> PolicyRef:
    """The session's ``[policy]`` block for *opened*, read from the file at *path*."""
    p = opened.provenance
    return PolicyRef(
        path=path,
        sha256=opened.policy.sha256,
        clauses=len(opened.policy.clauses),
        source=p.source,
        format=p.format,
        raw_sha256=p.raw_sha256,
        retrieved=p.retrieved,
        http_status=p.http_status,
        content_type=p.content_type,
        final_url=p.final_url,
        whole_page=p.whole_page,
    )
