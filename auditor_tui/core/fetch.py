"""Fetching a policy from a URL: one GET, with redirects, a timeout and the size limit.

:func:`fetch` returns the raw bytes with what an audit records about them (:class:`Fetched`:
the URL, where redirects led, the HTTP status, the content type, the UTC time, the SHA-256 of
the bytes). Every way it can fail (a bad URL, DNS, TLS, a refused connection, an HTTP error,
too many redirects, no answer in time, a page over the limit, a content type that is no
policy) is one :class:`FetchError` saying what happened and what to do. The standard library
(``urllib.request``) does the work: one request per audit needs no more.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import HTTPException, HTTPMessage, HTTPResponse
from typing import Any
from urllib.parse import urlsplit

from auditor_tui import __version__
from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy import MAX_POLICY_BYTES
from auditor_tui.core.urls import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from auditor_tui.core.urls import is_url as is_url

USER_AGENT = f"auditor-tui/{__version__} (privacy policy audit tool)"
MAX_REDIRECTS = 5
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.1"
_UNTYPED = frozenset(("", "application/octet-stream", "binary/octet-stream"))
_CHUNK = 65536


class FetchError(PolicyError):
    """A URL could not be fetched as a policy."""


@dataclass(frozen=True)
class Fetched:
    """A page as fetched: its bytes and what the audit records about them."""

    url: str
    """As given."""
    final_url: str
    """Where redirects led (the URL itself when there were none)."""
    status: int
    content_type: str
    """The Content-Type header as sent ("" when there was none)."""
    retrieved: datetime
    """When the answer came (UTC, to the second)."""
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def media_type(self) -> str:
        """The content type without its parameters, lower case (``text/html``)."""
        return media_type(self.content_type)


def media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def fetch(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_POLICY_BYTES,
    accepts: Callable[[str], bool] = lambda media: True,
) -> Fetched:
    """GET *url*, following up to :data:`MAX_REDIRECTS` redirects within http(s).

    *timeout* bounds each wait for the server and the whole download. *accepts* is asked about
    the media type before the body is read (an untyped answer, ``application/octet-stream``,
    is read and left to the caller to recognise). Raises :class:`FetchError`.
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError("not an http(s) URL", path=url, hint="give a URL such as https://example.com/privacy")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
    opener = urllib.request.build_opener(_Redirects())
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            return _read(url, response, deadline, max_bytes, accepts)
    except FetchError:
        raise
    except urllib.error.HTTPError as error:
        raise _http_error(url, error) from None
    except urllib.error.URLError as error:
        raise _network_error(url, error.reason, timeout) from None
    except (OSError, HTTPException, ValueError) as error:  # a timeout or reset while reading
        raise _network_error(url, error, timeout) from None


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: HTTPMessage, newurl: str
    ) -> urllib.request.Request | None:
        scheme = urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(
                f"redirected to a {scheme or 'relative'} URL ({newurl}), which auditor-tui does not follow",
                path=req.full_url,
                hint="give the final URL of the policy",
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read(url: str, response: HTTPResponse, deadline: float, max_bytes: int, accepts: Callable[[str], bool]) -> Fetched:
    content_type = response.headers.get("Content-Type", "") or ""
    kind = media_type(content_type)
    if kind not in _UNTYPED and not accepts(kind):
        raise FetchError(
            f"the server sent {kind}, which is not a policy auditor-tui reads",
            path=url,
            hint="give the URL of the policy page itself (HTML, PDF or text)",
        )
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise _too_big(url, int(length), max_bytes)
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(url, None, max_bytes)
        if time.monotonic() > deadline:
            raise TimeoutError("the download took too long")
        chunks.append(chunk)
    return Fetched(
        url=url,
        final_url=response.geturl(),
        status=response.status,
        content_type=content_type,
        retrieved=datetime.now(UTC).replace(microsecond=0),
        data=b"".join(chunks),
    )


def _too_big(url: str, size: int | None, limit: int) -> FetchError:
    what = f"{size / 1_048_576:.1f} MiB" if size is not None else "larger than that"
    return FetchError(
        f"the page is {what}, over the {limit / 1_048_576:.0f} MiB limit",
        path=url,
        hint="save the policy alone to a file and give the file",
    )


def _http_error(url: str, error: urllib.error.HTTPError) -> FetchError:
    if 300 <= error.code < 400:
        return FetchError(
            f"too many redirects (more than {MAX_REDIRECTS}, or a loop)",
            path=url,
            hint="open the URL in a browser and give the address it ends at",
        )
    reason = f" {error.reason}" if isinstance(error.reason, str) and error.reason else ""
    hint = "check the URL" if error.code < 500 else "the server failed: try again later"
    return FetchError(f"HTTP {error.code}{reason}", path=url, hint=hint)


def _network_error(url: str, reason: object, timeout: float) -> FetchError:
    host = urlsplit(url).hostname or url
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return FetchError(
            f"no answer from {host} within {timeout:g} s",
            path=url,
            hint="try again later, or give more time with --timeout SECONDS",
        )
    if isinstance(reason, socket.gaierror):
        return FetchError(f"cannot find the host {host} (DNS lookup failed)", path=url, hint="check the URL")
    if isinstance(reason, ssl.SSLError):
        detail = getattr(reason, "verify_message", "") or getattr(reason, "reason", "") or str(reason)
        return FetchError(
            f"TLS error talking to {host}: {detail}", path=url, hint="check the URL, or save the page and give the file"
        )
    if isinstance(reason, ConnectionRefusedError):
        return FetchError(f"{host} refused the connection", path=url, hint="check the URL and the port")
    detail = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return FetchError(f"cannot fetch the page: {detail}", path=url, hint="check the URL and your network")
