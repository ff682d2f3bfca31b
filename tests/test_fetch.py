"""Fetching a policy from a URL, against a real HTTP server on 127.0.0.1 (nothing leaves the machine)."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta

import pytest

from auditor_tui.cli import main
from auditor_tui.core import fetch as fetch_module
from auditor_tui.core.fetch import FetchError, fetch, is_url
from auditor_tui.core.source import open_policy, source_name
from tests.web_server import redirect, send, serve

PAGE = b"<html><body><div class='menu'><a href='/'>Home</a></div><main><h1>Privacy</h1><p>We collect your e-mail address to send you the newsletter you asked for.</p></main></body></html>"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def slow(seconds: float):
    def route(handler) -> None:
        time.sleep(seconds)
        send(handler, 200, "text/html", PAGE)

    return route


ROUTES = {
    "/privacy.html": (200, "text/html; charset=utf-8", PAGE),
    "/moved": redirect("/privacy.html", 301),
    "/twice": redirect("/moved"),
    "/loop": redirect("/loop"),
    "/to-ftp": redirect("ftp://127.0.0.1/policy"),
    "/slow": slow(2.0),
    "/broken": (500, "text/html", b"<h1>Internal Server Error</h1>"),
    "/logo.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
    "/archive.zip": (200, "application/zip", b"PK\x03\x04" + bytes(100)),
    "/big": (200, "text/html", b"<p>" + b"x" * 5000 + b"</p>"),
    "/untyped": (200, "", PAGE),
    "/octets": (200, "application/octet-stream", b"\x00\x01\x02 binary"),
    "/notes.txt": (200, "text/plain", b"Privacy\n\nWe keep your e-mail address for a year.\n"),
}


@pytest.fixture(scope="module")
def server():
    with serve(dict(ROUTES)) as running:
        yield running


def test_a_page_is_fetched_with_what_the_audit_records(server) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    page = fetch(server.url("/privacy.html"))
    assert page.status == 200 and page.data == PAGE
    assert page.content_type == "text/html; charset=utf-8" and page.media_type == "text/html"
    assert page.final_url == page.url == server.url("/privacy.html")
    assert before <= page.retrieved <= before + timedelta(seconds=5) and page.retrieved.tzinfo is UTC
    assert len(page.sha256) == 64
    assert server.requests[-1] == ("/privacy.html", fetch_module.USER_AGENT)
    assert "auditor-tui" in fetch_module.USER_AGENT


def test_redirects_are_followed_and_recorded(server) -> None:
    page = fetch(server.url("/twice"))
    assert page.final_url == server.url("/privacy.html") and page.url == server.url("/twice")
    assert page.data == PAGE


def test_too_many_redirects(server) -> None:
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5, or a loop\)"):
        fetch(server.url("/loop"))


def test_a_redirect_out_of_http_is_refused(server) -> None:
    with pytest.raises(FetchError, match="redirected to a ftp URL"):
        fetch(server.url("/to-ftp"))


def test_a_timeout(server) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"no answer from 127\.0\.0\.1 within 0\.3 s") as caught:
        fetch(server.url("/slow"), timeout=0.3)
    assert time.monotonic() - start < 1.9  # it did not wait for the server
    assert "--timeout SECONDS" in str(caught.value)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", r"HTTP 404 Not Found \(check the URL\)"),
        ("/broken", r"HTTP 500 Internal Server Error \(the server failed: try again later\)"),
    ],
)
def test_http_errors(server, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message) as caught:
        fetch(server.url(path))
    assert str(caught.value).startswith(server.url(path) + ": ")


@pytest.mark.parametrize("path", ["/logo.png", "/archive.zip"])
def test_content_types_that_are_no_policy(server, path: str) -> None:
    kind = ROUTES[path][1]
    with pytest.raises(FetchError, match=f"the server sent {kind}, which is not a policy auditor-tui reads"):
        open_policy(server.url(path))


def test_too_big(server) -> None:
    with pytest.raises(FetchError, match="over the 0 MiB limit"):
        fetch(server.url("/big"), max_bytes=1000)


def test_too_big_without_a_length(server) -> None:
    def no_length(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()  # no Content-Length: read until the server closes
        handler.wfile.write(b"<p>" + b"y" * 5000)
        handler.close_connection = True

    server.routes["/stream"] = no_length
    with pytest.raises(FetchError, match="the page is larger than that"):
        fetch(server.url("/stream"), max_bytes=1000)


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the fetch: nobody listens
    with pytest.raises(FetchError, match="refused the connection"):
        fetch(f"http://127.0.0.1:{port}/privacy")


def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(FetchError, match=r"cannot find the host policy\.example \(DNS lookup failed\)"):
        fetch("https://policy.example/privacy")


def test_tls_failure(server) -> None:
    """https:// to a server that speaks plain HTTP: the TLS handshake fails."""
    with pytest.raises(FetchError, match=r"TLS error talking to 127\.0\.0\.1"):
        fetch(server.url("/privacy.html").replace("http://", "https://"), timeout=5)


@pytest.mark.parametrize("url", ["ftp://example.com/p", "http://", "https:///path"])
def test_not_a_url_we_fetch(url: str) -> None:
    with pytest.raises(FetchError, match=r"not an http\(s\) URL"):
        fetch(url)


def test_what_counts_as_a_url() -> None:
    assert is_url("https://example.com/privacy") and is_url("HTTP://x.test") and is_url(" http://x.test ")
    assert not is_url("privacy.html") and not is_url("sessions/https.toml") and not is_url("ftp://x")


def test_untyped_pages_are_recognised_by_their_bytes(server) -> None:
    opened = open_policy(server.url("/untyped"))
    assert opened.policy.format == "html" and opened.suffix == ".html"
    with pytest.raises(FetchError, match="sent application/octet-stream and the page does not look like HTML"):
        open_policy(server.url("/octets"))


def test_a_fetched_page_is_read_by_its_content_type(server) -> None:
    opened = open_policy(server.url("/privacy.html"))
    assert opened.fetched and opened.policy.format == "html"
    assert [c.text for c in opened.policy.clauses] == [
        "We collect your e-mail address to send you the newsletter you asked for."
    ]
    p = opened.provenance
    assert p.source == server.url("/privacy.html") and p.http_status == 200 and p.raw_sha256
    assert p.content_type == "text/html; charset=utf-8" and p.final_url == ""
    text = open_policy(server.url("/notes.txt"))
    assert text.policy.format == "text" and text.suffix == ".txt"
    whole = open_policy(server.url("/privacy.html"), whole_page=True)
    assert whole.provenance.whole_page and "Home" in whole.policy.text


def test_source_names() -> None:
    assert source_name("https://www.Example.com/legal/privacy-policy.html") == "example-com-privacy-policy"
    assert source_name("https://example.com/") == "example-com"
    assert source_name("policies/acme.html") == "acme"


def test_the_cli_reads_a_url_and_fails_in_one_line(server, capsys) -> None:
    assert main(["clauses", server.url("/moved")]) == 0
    out = capsys.readouterr().out
    assert (
        "fetched " in out and f"HTTP 200, text/html; charset=utf-8, redirected to {server.url('/privacy.html')}" in out
    )
    assert "We collect your e-mail address" in out and "web page: kept 1 of 1 clauses (93% of the words)" in out
    for path, words in [
        ("/missing", "HTTP 404"),
        ("/logo.png", "image/png"),
        ("/loop", "too many redirects"),
        ("/slow", "no answer"),
    ]:
        assert main(["clauses", server.url(path), "--timeout", "0.3"]) == 2
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with pytest.raises(SystemExit) as exited:
        main(["clauses", server.url("/privacy.html"), "--timeout", "0"])
    assert exited.value.code == 2 and "--timeout" in capsys.readouterr().err
