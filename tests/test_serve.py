"""brandgen serve without sockets or threads: change classification, routing, the overlay,
the builder's base_url rewrite. The real loopback and browser tests are in test_serve_live.py.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path

import pytest
from watchfiles import Change as FileChange

from brandgen.errors import SourceError
from brandgen.serve import classify_change, run_server
from brandgen.serve import state as state_module
from brandgen.serve.client import client_script, event_message
from brandgen.serve.overlay import render_overlay, source_excerpt
from brandgen.serve.routes import Response, is_events, respond
from brandgen.serve.state import Builder, SiteState, Snapshot, changed_urls
from brandgen.serve.watch import ProjectFilter, describe, relevant_changes
from tests.conftest import SiteMaker, render
from tests.tools import format_vnu, vnu_messages

ROOT = Path("/project")
TODAY = dt.date(2026, 11, 23)
POST = "content/posts/2026-01-01-hello.md"
GOOD_POST = "---\ntitle: Hello\n---\n\nHi there\n"
BROKEN_POST = "---\ntitle: Hello\nbogus: <script>alert(1)</script>\n---\n\nHi there\n"


# --- classify_change ---------------------------------------------------------------------

@pytest.mark.parametrize(("rel", "kind"), [
    ("brandgen.yaml", "config"),
    ("content/profile.yaml", "content"),
    ("content/posts/2026-01-01-a.md", "content"),
    ("content/projects/harbour.md", "content"),
    ("content/pages/now.md", "content"),
    ("content/private/goals.yaml", "private"),
    ("content/private/reviews/2026-11.md", "private"),
    ("content/static/img/avatar.png", "static"),
    ("content/static/CNAME", "static"),
    ("themes/default/templates/base.html", "template"),
    ("themes/mine/templates/partials/head.html", "template"),
    ("themes/mine/static/theme.css", "static"),
    # editor litter
    ("content/posts/.a.md.swp", None),
    ("content/posts/a.md.swp", None),
    ("content/posts/a.md.swo", None),
    ("content/posts/a.md~", None),
    ("content/posts/.#a.md", None),
    ("content/posts/#a.md#", None),
    ("content/posts/4913", None),
    ("content/posts/a.md___jb_tmp___", None),
    ("brandgen.yaml~", None),
    # hidden files and folders, our own output, the rest of the project
    ("content/.DS_Store", None),
    ("content/.hidden/a.md", None),
    (".git/index", None),
    (".git/objects/ab/cdef", None),
    ("site/public/index.html", None),
    ("site/private/index.html", None),
    ("README.md", None),
    ("brandgen.yml", None),
    ("", None),
])
def test_classify_change(rel: str, kind: str | None) -> None:
    assert classify_change(ROOT / rel, ROOT) == kind


def test_classify_change_outside_the_project() -> None:
    assert classify_change(Path("/elsewhere/content/a.md"), ROOT) is None


def test_relevant_changes_drops_litter_and_transient_files(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    real = tmp_path / "content/profile.yaml"
    real.write_text("x")
    batch = {(FileChange.modified, str(real)),
             (FileChange.modified, str(real)),
             (FileChange.added, str(tmp_path / "content/sedAb12Cd")),  # sed -i's temp file
             (FileChange.deleted, str(tmp_path / "content/sedAb12Cd")),
             (FileChange.deleted, str(tmp_path / "content/posts/gone.md")),  # a real deletion
             (FileChange.added, str(tmp_path / "content/profile.yaml.swp")),
             (FileChange.modified, str(tmp_path / "site/public/index.html"))}
    changes = relevant_changes(batch, tmp_path)
    assert changes == [("content", tmp_path / "content/posts/gone.md"), ("content", real)]
    assert describe(changes, tmp_path) == "content/posts/gone.md and 1 more"
    assert describe(changes[1:], tmp_path) == "content/profile.yaml"


@pytest.mark.parametrize("pattern", [
    # write a temp file, rename it over the original (most editors' "safe write")
    [(FileChange.added, "content/posts/.a.md.tmp1"), (FileChange.modified,
     "content/posts/.a.md.tmp1"), (FileChange.deleted, "content/posts/.a.md.tmp1"),
     (FileChange.deleted, "content/posts/a.md"), (FileChange.added, "content/posts/a.md")],
    # truncate, then write
    [(FileChange.modified, "content/posts/a.md"), (FileChange.modified, "content/posts/a.md")],
    # Vim: the probe file, a backup, then the new file
    [(FileChange.added, "content/posts/4913"), (FileChange.deleted, "content/posts/4913"),
     (FileChange.added, "content/posts/a.md~"), (FileChange.deleted, "content/posts/a.md"),
     (FileChange.added, "content/posts/a.md"), (FileChange.deleted, "content/posts/a.md~")],
    # JetBrains
    [(FileChange.added, "content/posts/a.md___jb_tmp___"),
     (FileChange.added, "content/posts/a.md___jb_old___"),
     (FileChange.modified, "content/posts/a.md"),
     (FileChange.deleted, "content/posts/a.md___jb_old___")],
])
def test_editor_save_patterns_are_one_change(tmp_path: Path,
                                             pattern: list[tuple[FileChange, str]]) -> None:
    post = tmp_path / "content/posts/a.md"
    post.parent.mkdir(parents=True)
    post.write_text("saved")
    batch = {(change, str(tmp_path / rel)) for change, rel in pattern}
    assert relevant_changes(batch, tmp_path) == [("content", post)]


def test_a_new_folder_brings_the_files_already_in_it(tmp_path: Path) -> None:
    css = tmp_path / "themes/default/static/theme.css"
    css.parent.mkdir(parents=True)
    css.write_text("body{}")
    (tmp_path / "themes/default/static/.theme.css.swp").write_text("")
    changes = relevant_changes({(FileChange.added, str(tmp_path / "themes"))}, tmp_path)
    assert changes == [("template", tmp_path / "themes"), ("static", css)]


def test_the_watch_filter_skips_output_caches_and_git(tmp_path: Path) -> None:
    keep = ProjectFilter(tmp_path)
    for rel in ("brandgen.yaml", "content", "content/posts/new.md", "themes",
                "themes/mine/templates/base.html", "content/private/goals.yaml"):
        assert keep(FileChange.added, str(tmp_path / rel)), rel
    for rel in ("site/public/index.html", ".git/index", ".brandgen-cache/docs.sqlite",
                "content/posts/.a.md.swp", "README.md", ".venv/lib/x.py"):
        assert not keep(FileChange.added, str(tmp_path / rel)), rel


# --- routing -------------------------------------------------------------------------------

def snapshot_of(root: Path, base_url: str = "http://127.0.0.1:8000/brand/",
                errors: tuple[SourceError, ...] = ()) -> Snapshot:
    result = render(root, base_url=base_url)
    return Snapshot(result.public, result.private, result.config.base_path, 3, "abcd",
                    errors, render_overlay(errors, root), has_build=True)


@pytest.fixture
def site(make_site: SiteMaker) -> Snapshot:
    return snapshot_of(make_site({POST: GOOD_POST}))


def get(path: str, snapshot: Snapshot, host: str | None = "127.0.0.1:8000") -> Response:
    return respond(path, snapshot, host)


def test_root_redirects_to_the_base_path(site: Snapshot) -> None:
    for path in ("/", "/brand", "/?x=1"):
        response = get(path, site)
        assert (response.status, response.header("Location")) == (302, "/brand/"), path


def test_pages_are_served_under_the_base_path_only(site: Snapshot) -> None:
    home = get("/brand/", site)
    assert home.status == 200
    assert home.header("Content-Type") == "text/html; charset=utf-8"
    assert b"Ada Example" in home.body
    assert get("/brand/index.html", site).status == 200
    assert get("/brand/?utm=1", site).status == 200
    post = get("/brand/blog/hello/", site)
    assert post.status == 200 and b"Hi there" in post.body
    assert b"http://127.0.0.1:8000/brand/blog/hello/" in post.body  # canonical URL
    assert get("/blog/hello/", site).status == 404  # not without the base path


def test_directory_without_slash_redirects(site: Snapshot) -> None:
    response = get("/brand/blog/hello", site)
    assert (response.status, response.header("Location")) == (302, "/brand/blog/hello/")


def test_unknown_paths_get_the_404_page_with_status_404(site: Snapshot) -> None:
    for path in ("/brand/no/such/page/", "/brand/nope.css", "/elsewhere/", "/brand/../etc/passwd",
                 "/brand/%2e%2e/x"):
        response = get(path, site)
        assert response.status == 404, path
        assert b"Page not found" in response.body, path
        assert b"brandgen-live-reload" in response.body, path


def test_live_reload_script_only_in_served_html(site: Snapshot) -> None:
    home = get("/brand/", site).body
    assert home.count(b'<script id="brandgen-live-reload">') == 1
    script_at = home.index(b'<script id="brandgen-live-reload">')
    assert script_at < home.rindex(b"</body>")
    assert b'new EventSource("/brand/__brandgen/events"+' in home
    assert b'const me="/brand/index.html",inst="abcd"' in home and b"let epoch=3;" in home
    post = get("/brand/blog/hello/", site).body
    assert b'const me="/brand/blog/hello/index.html"' in post
    for name in ("assets/theme.css", "feed.xml", "sitemap.xml", "resume.json", "robots.txt"):
        response = get("/brand/" + name, site)
        assert response.status == 200, name
        assert response.body == site.public[name], name  # byte for byte, nothing injected
    assert get("/brand/assets/theme.css", site).header("Content-Type") == \
        "text/css; charset=utf-8"
    assert all(b"brandgen-live-reload" not in data for data in site.public.values())
    assert all(b"brandgen-live-reload" not in data for data in site.private.values())


def test_events_endpoint_respects_the_base_path(site: Snapshot, make_site: SiteMaker) -> None:
    assert is_events("/brand/__brandgen/events", site)
    assert not is_events("/__brandgen/events", site)
    root_site = snapshot_of(make_site(), base_url="http://127.0.0.1:8000/")
    assert is_events("/__brandgen/events", root_site)
    home = get("/", root_site)
    assert home.status == 200 and b'new EventSource("/__brandgen/events"+' in home.body


def test_dashboard_only_at_the_private_prefix(site: Snapshot) -> None:
    dashboard = get("/__brandgen/private/", site)
    assert dashboard.status == 200
    assert dashboard.body.startswith(site.private["index.html"][:200])
    assert b"brandgen-live-reload" in dashboard.body
    ics = get("/__brandgen/private/career.ics", site)
    assert ics.status == 200 and ics.body == site.private["career.ics"]
    assert ics.header("Content-Type") == "text/calendar; charset=utf-8"
    assert get("/__brandgen/private", site).header("Location") == "/__brandgen/private/"
    for path in ("/brand/__brandgen/private/", "/brand/career.ics", "/career.ics",
                 "/brand/private/"):
        response = get(path, site)
        assert response.status == 404, path
        assert site.private["index.html"] not in response.body


def test_only_loopback_host_names_are_answered(site: Snapshot) -> None:
    for host in ("127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000", None):
        assert get("/__brandgen/private/", site, host).status == 200, host
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example:8000"):
        assert get("/__brandgen/private/", site, host).status == 403, host


# --- the error overlay ---------------------------------------------------------------------

def test_overlay_escapes_a_hostile_error_and_shows_the_source(make_site: SiteMaker) -> None:
    root = make_site({POST: GOOD_POST, "content/notes.md": "".join(
        f"line {n} </pre><script>bad()</script>\n" for n in range(1, 11))})
    hostile = SourceError("unknown key '<img src=x onerror=alert(1)>' & more", "content/notes.md",
                          5, 3, hint='remove "<b>" & try again')
    snapshot = snapshot_of(root, errors=(hostile,))
    body = get("/brand/blog/hello/", snapshot).body.decode()
    assert "Hi there" in body  # the last good page is still there, under the overlay
    assert body.count('<div id="brandgen-overlay"') == 1
    assert body.index('<style id="brandgen-overlay-style">') < body.index("</head>")
    assert "<img src=x" not in body and "<script>bad()" not in body
    assert ("content/notes.md:5:3: error: unknown key &#x27;&lt;img src=x onerror=alert(1)&gt;"
            "&#x27; &amp; more") in body
    assert "hint: remove &quot;&lt;b&gt;&quot; &amp; try again" in body
    assert "<mark>&gt; 5 | line 5 &lt;/pre&gt;&lt;script&gt;bad()" in body
    for n in (3, 4, 6, 7):
        assert f"  {n} | line {n} " in body
    for n in (2, 8):
        assert f"| line {n} " not in body
    assert "  |   ^" in body  # the column marker under column 3
    assert get("/brand/assets/theme.css", snapshot).body == snapshot.public["assets/theme.css"]


def test_no_overlay_without_errors(site: Snapshot) -> None:
    assert b'id="brandgen-overlay' not in get("/brand/", site).body


def test_source_excerpt_at_the_edges() -> None:
    lines = ["a", "b", "c", "d"]
    assert source_excerpt(lines, 1) == [(1, "a", True), (2, "b", False), (3, "c", False)]
    assert source_excerpt(lines, 4) == [(2, "b", False), (3, "c", False), (4, "d", True)]


def test_overlay_without_a_readable_source(tmp_path: Path) -> None:
    errors = (SourceError("bad", "content/missing.yaml", 3, 1),
              SourceError("bad flag", "<command line>"), SourceError("no line", "brandgen.yaml"))
    html = render_overlay(errors, tmp_path)
    assert "content/missing.yaml:3:1: error: bad" in html
    assert "&lt;command line&gt;: error: bad flag" in html
    assert "bg-source" not in html
    assert render_overlay((), tmp_path) == ""


def test_served_html_stays_valid(make_site: SiteMaker, tmp_path: Path) -> None:
    """Script and overlay keep pages valid HTML (Nu Html Checker), also the error-only page."""
    root = make_site({POST: GOOD_POST, "content/notes.md": "a\nb <c>\nd\n"})
    errors = (SourceError("bad <thing> & co", "content/notes.md", 2, 3, hint="fix it"),
              SourceError("second", POST, 1, 1))
    snapshot = snapshot_of(root, errors=errors)
    first_failed = Snapshot({}, {}, "/brand/", 1, "x", errors, render_overlay(errors, root, False))
    out = tmp_path / "served"
    out.mkdir()
    pages = {"home": get("/brand/", snapshot), "post": get("/brand/blog/hello/", snapshot),
             "404": get("/brand/nope/", snapshot),
             "dashboard": get("/__brandgen/private/", snapshot),
             "clean": get("/brand/", snapshot_of(root)), "failed": get("/brand/", first_failed)}
    for name, response in pages.items():
        (out / f"{name}.html").write_bytes(response.body)
    messages = vnu_messages([out])
    assert messages == [], format_vnu(messages)


# --- the builder: base_url rewrite, keeping the last good build ----------------------------

def test_builder_rewrites_base_url_and_keeps_the_last_good_build(
        make_site: SiteMaker, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({POST: GOOD_POST})
    state = SiteState()
    builder = Builder(root, state, port=8123, today=TODAY)
    good = builder.rebuild()
    assert good.has_build and good.base_path == "/brand/" and not good.errors
    assert b'href="http://127.0.0.1:8123/brand/"' in good.public["index.html"]
    assert b"ada.github.io" not in good.public["index.html"]
    assert "Built " in capsys.readouterr().out

    (root / POST).write_text(BROKEN_POST)
    bad = builder.rebuild([("content", root / POST)])
    assert bad.epoch == good.epoch + 1
    assert bad.public is good.public  # the last good pages keep being served
    assert [e.path for e in bad.errors] == [POST]
    assert f'{POST}:3:1: error: bogus: unknown key' in bad.overlay
    assert "&lt;script&gt;" in bad.overlay
    err = capsys.readouterr().err
    assert f"{POST}:3:1: error: bogus: unknown key 'bogus'" in err
    assert "still serving the last good build" in err

    (root / POST).write_text(GOOD_POST.replace("Hi there", "Hi again"))
    fixed = builder.rebuild([("content", root / POST)])
    # one epoch for the pages, one more for the feed and sitemap made after publishing
    assert fixed.epoch == bad.epoch + 2 and not fixed.errors and not fixed.overlay
    assert fixed.changed == {"/brand/feed.xml", "/brand/llms.txt"}
    assert b"Hi again" in fixed.public["blog/hello/index.html"]
    out = capsys.readouterr().out
    assert out.startswith("Rebuilt in ") and f" s ({POST}; " in out

    (root / "brandgen.yaml").write_text("base_url: https://ada.example/other/\n")
    assert builder.rebuild([("config", root / "brandgen.yaml")]).base_path == "/other/"
    (root / "brandgen.yaml").write_text("base_url: [broken\n")
    broken_config = builder.rebuild([("config", root / "brandgen.yaml")])
    assert broken_config.errors and broken_config.base_path == "/other/"


def test_a_failing_first_build_serves_the_overlay_page(make_site: SiteMaker,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    root = make_site({POST: BROKEN_POST})
    snapshot = Builder(root, SiteState(), port=8123, today=TODAY).rebuild()
    assert not snapshot.has_build and snapshot.errors
    assert "serving the error page until a build succeeds" in capsys.readouterr().err
    page = get("/brand/", snapshot)
    assert page.status == 500
    body = page.body.decode()
    assert body.startswith("<!DOCTYPE html>") and body.count('id="brandgen-overlay"') == 1
    assert f"{POST}:3:1: error: bogus" in body and "No page has been built yet" in body
    assert "brandgen-live-reload" in body
    assert get("/brand/assets/theme.css", snapshot).status == 404
    assert get("/", snapshot).header("Location") == "/brand/"


def test_builder_survives_a_bug_in_brandgen(make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(state_module.IncrementalSite, "rebuild", boom)
    snapshot = Builder(make_site(), SiteState(), port=1).rebuild()
    assert "internal error: RuntimeError('kaboom')" in snapshot.errors[0].message
    assert "internal error" in capsys.readouterr().err


def test_site_state_wait_for_epoch_and_changes_since() -> None:
    state = SiteState()
    assert state.wait_for_epoch(-1, 0) is state.snapshot
    assert state.wait_for_epoch(0, 0.01) is None
    state.publish_good({}, {}, "/", frozenset({"/a"}))  # the first build: everything is new
    state.publish_good({}, {}, "/", frozenset({"/b"}))
    state.publish_errors((), "overlay", "/")
    state.publish_good({}, {}, "/", frozenset({"/c"}))
    assert state.wait_for_epoch(0, 0) is state.snapshot and state.snapshot.epoch == 4
    assert state.changes_since(0) is None
    assert state.changes_since(1) == {"/b", "/c"}
    assert state.changes_since(3) == {"/c"} and state.changes_since(4) == frozenset()
    state.publish_good({}, {}, "/other/", frozenset({"/other/d"}))  # a new base path
    assert state.changes_since(4) is None
    state.close()
    assert state.wait_for_epoch(-1, 1) is None


# --- run_server's refusals -----------------------------------------------------------------

def test_port_in_use_is_one_line_and_exit_1(make_site: SiteMaker,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert run_server(make_site(), port=port) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"error: cannot serve on 127.0.0.1:{port}: the port is already in use",
        "  hint: stop the other server, or choose another port with --port N (--port 0 picks "
        "a free one)"]
    assert out == ""


def test_port_out_of_range_is_a_usage_error(make_site: SiteMaker,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert run_server(make_site(), port=70000) == 2
    assert "--port must be 0-65535" in capsys.readouterr().err


# --- the live-reload protocol ----------------------------------------------------------------

def test_event_message_lists_changed_urls_and_the_overlay() -> None:
    message = event_message("abcd", 5, frozenset({"/b/x.css", "/b/a/index.html"}), "<div>")
    assert message.startswith(b"data: ") and message.endswith(b"\n\n")
    assert b"\n" not in message[:-2]  # one event, one data line
    assert json.loads(message[6:]) == {"instance": "abcd", "epoch": 5, "overlay": "<div>",
                                       "changed": ["/b/a/index.html", "/b/x.css"]}
    assert json.loads(event_message("abcd", 6, None, "")[6:])["changed"] is None


def test_changed_files_become_the_urls_a_browser_asks_for() -> None:
    assert changed_urls(["index.html", "assets/theme.css"], ["career.ics"], "/brand/") == {
        "/brand/index.html", "/brand/assets/theme.css", "/__brandgen/private/career.ics"}


def test_the_client_script_cannot_be_closed_by_a_url() -> None:
    script = client_script("/b/</script><img src=x>", "i", 1, "/b/__brandgen/events")
    assert script.count(b"</script>") == 1 and b"<img" not in script
