"""Request handling without sockets: (path, snapshot) -> Response.

URL layout of the dev server:
  /                              redirect to the base path (e.g. /brand/)
  {base_path}...                 the public site, exactly as GitHub Pages would serve it
  {base_path}__brandgen/events   the live-reload stream (server-sent events; in server.py)
  /__brandgen/private/           the private dashboard and career.ics, only here, and
                                 only because the server binds loopback
Anything else gets the site's 404.html with status 404.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from brandgen.serve.client import client_script
from brandgen.serve.overlay import STYLE, failure_page
from brandgen.serve.state import PRIVATE_PREFIX, Snapshot

__all__ = ["PRIVATE_PREFIX", "Response", "is_events", "respond"]
EVENTS = "__brandgen/events"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")

Headers = tuple[tuple[str, str], ...]

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json",
         ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
         ".svg": "image/svg+xml", ".ics": "text/calendar; charset=utf-8",
         ".webmanifest": "application/manifest+json"}

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Headers
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def events_url(base_path: str) -> str:
    return base_path + EVENTS


def is_events(raw_path: str, snapshot: Snapshot) -> bool:
    return urlsplit(raw_path).path == events_url(snapshot.base_path)


def content_type(name: str) -> str:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def reload_script(snapshot: Snapshot, me: str = "") -> bytes:
    """The live-reload client for a page served from URL path `me`."""
    return client_script(me, snapshot.instance, snapshot.epoch, events_url(snapshot.base_path))


def _insert_before(html: bytes, pattern: re.Pattern[bytes], text: bytes, last: bool) -> bytes:
    matches = list(pattern.finditer(html))
    if not matches:
        return html + text
    at = (matches[-1] if last else matches[0]).start()
    return html[:at] + text + html[at:]


def decorate(html: bytes, snapshot: Snapshot, me: str = "") -> bytes:
    """Served HTML only (built files never see this): overlay and live-reload script."""
    if snapshot.overlay:
        if _HEAD_END.search(html):
            html = _insert_before(html, _HEAD_END, STYLE.encode(), last=False)
            tail = snapshot.overlay.encode()
        else:
            tail = (STYLE + snapshot.overlay).encode()
    else:
        tail = b""
    return _insert_before(html, _BODY_END, tail + reload_script(snapshot, me), last=True)


def _headers(ctype: str) -> Headers:
    return (("Content-Type", ctype), ("Cache-Control", "no-store"))


def text(status: int, message: str) -> Response:
    return Response(status, _headers("text/plain; charset=utf-8"), message.encode() + b"\n")


def redirect(location: str) -> Response:
    return Response(302, (("Location", location), ("Cache-Control", "no-store")), b"")


def page(status: int, name: str, data: bytes, snapshot: Snapshot, prefix: str = "") -> Response:
    ctype = content_type(name)
    if ctype.startswith("text/html"):
        data = decorate(data, snapshot, (prefix or snapshot.base_path) + name)
    return Response(status, _headers(ctype), data)


def not_found(snapshot: Snapshot) -> Response:
    if "404.html" in snapshot.public:
        return page(404, "404.html", snapshot.public["404.html"], snapshot)
    return text(404, "Not found")


def lookup(files: Mapping[str, bytes], rel: str, prefix: str, snapshot: Snapshot) -> Response:
    """`rel` (after the prefix) in a build's files, the way GitHub Pages resolves it."""
    if not snapshot.has_build:
        if rel == "" or rel.endswith(("/", ".html")) or "." not in rel.rsplit("/", 1)[-1]:
            body = failure_page(snapshot.overlay).encode()  # the overlay is already in it
            return Response(500, _headers("text/html; charset=utf-8"),
                            decorate(body, replace(snapshot, overlay="")))
        return text(404, "Not found (the build failed)")
    name = rel + "index.html" if rel == "" or rel.endswith("/") else rel
    if name in files:
        try:
            data = files[name]
        except KeyError:  # made on request, and it failed: the overlay follows at once
            return text(503, "This page could not be built: see the errors brandgen prints")
        return page(200, name, data, snapshot, prefix)
    if rel + "/index.html" in files:
        return redirect(prefix + rel + "/")
    return not_found(snapshot)


def allowed_host(host: str | None) -> bool:
    """Only loopback names: another site cannot reach the dashboard via DNS rebinding."""
    if host is None:
        return True  # HTTP/1.0 clients may omit it; the socket is loopback-only anyway
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower() in LOCAL_HOSTS


def respond(raw_path: str, snapshot: Snapshot, host: str | None = None) -> Response:
    """The response to GET `raw_path` (the request target, query string included)."""
    if not allowed_host(host):
        return text(403, f"brandgen serve only answers to 127.0.0.1 or localhost, not {host}")
    path = unquote(urlsplit(raw_path).path)
    if "\\" in path or any(part == ".." for part in path.split("/")):
        return not_found(snapshot)
    base = snapshot.base_path
    if path.startswith(PRIVATE_PREFIX):
        return lookup(snapshot.private, path[len(PRIVATE_PREFIX):], PRIVATE_PREFIX, snapshot)
    if path == PRIVATE_PREFIX.rstrip("/"):
        return redirect(PRIVATE_PREFIX)
    if (path == "/" and base != "/") or path + "/" == base:
        return redirect(base)
    if path.startswith(base):
        return lookup(snapshot.public, path[len(base):], base, snapshot)
    return not_found(snapshot)
