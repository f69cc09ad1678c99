"""brandgen serve for real: once over loopback HTTP (run_server end to end, Ctrl-C included)
and once in headless Chromium (the page reloads itself, the overlay comes and goes)."""

from __future__ import annotations

import _thread
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from brandgen.serve import DevServer, run_server
from brandgen.serve.server import SWITCH_SECONDS
from tests.conftest import SiteMaker
from tests.tools import chromium_path

POST = "content/posts/2026-01-01-hello.md"
GOOD_POST = "---\ntitle: Hello\n---\n\nHi there\n"
BROKEN_POST = "---\ntitle: Hello\nbogus: 1\n---\n\nHi there\n"
TIMEOUT = 10.0  # seconds, for every wait


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def poll(url: str, ok: Callable[[int, str], bool]) -> tuple[int, str]:
    """Fetch until `ok(status, body)`, at most TIMEOUT seconds; the last answer either way."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        status, body = fetch(url)
        if ok(status, body) or time.monotonic() > deadline:
            return status, body
        time.sleep(0.05)


def brandgen_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate()
            if t.name.startswith("brandgen-") or "process_request" in t.name]


def test_serve_over_loopback(make_site: SiteMaker, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({POST: GOOD_POST})
    seen: dict[str, object] = {}
    failure: list[BaseException] = []

    def drive(server: DevServer) -> None:
        """In a second thread, while run_server() blocks the main one; ends with Ctrl-C."""
        try:
            url = server.url
            seen["url"] = url
            seen["switch"] = sys.getswitchinterval()
            status, body = fetch(url + "blog/hello/")
            assert status == 200 and "Hi there" in body
            assert f'href="{url}blog/hello/"' in body  # base_url rewritten, sub-path kept
            status, _ = fetch(url.split("/brand/")[0] + "/__brandgen/private/")
            assert status == 200

            (root / POST).write_text(GOOD_POST.replace("Hi there", "Hi again"))
            status, body = poll(url + "blog/hello/", lambda s, b: "Hi again" in b)
            assert "Hi again" in body, "the change was not served"

            (root / POST).write_text(BROKEN_POST)
            status, body = poll(url + "blog/hello/", lambda s, b: 'id="brandgen-overlay"' in b)
            assert f"{POST}:3:1: error: bogus: unknown key" in body
            assert "Hi again" in body  # the last good page, under the overlay

            (root / POST).write_text(GOOD_POST.replace("Hi there", "Fixed"))
            status, body = poll(url + "blog/hello/", lambda s, b: "Fixed" in b)
            assert "Fixed" in body and 'id="brandgen-overlay"' not in body
        except BaseException as e:
            failure.append(e)
        finally:
            _thread.interrupt_main()  # what Ctrl-C does

    def ready(server: DevServer) -> None:
        threading.Thread(target=drive, args=(server,), name="test-driver").start()

    before = brandgen_threads()
    switch = sys.getswitchinterval()
    assert run_server(root, port=0, ready=ready) == 0
    if failure:
        raise failure[0]
    # While serving, a request thread gets the interpreter within 1 ms of asking (at the
    # default 5 ms a page asked for during a rebuild's tail waited ~30 ms); given back after.
    assert seen["switch"] == SWITCH_SECONDS < switch
    assert sys.getswitchinterval() == switch
    out, err = capsys.readouterr()
    url = str(seen["url"])
    port = int(url.split(":")[2].split("/")[0])
    assert port != 0
    assert f"Serving {url} (dashboard: http://127.0.0.1:{port}/__brandgen/private/) — " \
           "Ctrl-C to stop" in out
    assert re.search(rf"Rebuilt in \d+\.\d\d s \({re.escape(POST)}; \d+ pages rendered\)", out)
    assert f"{POST}:3:1: error: bogus: unknown key 'bogus'" in err
    assert "Traceback" not in out + err
    assert out.rstrip().endswith("Stopped.")
    time.sleep(0.1)  # the driver thread's last instruction was interrupt_main()
    assert brandgen_threads() == before == []
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass  # nobody listens any more


LONG_POST = ("---\ntitle: Hello\n---\n\n"
             + "\n\n".join(f"Paragraph {i}: " + "some words " * 30 for i in range(80))
             + "\n\nThe end.\n")
SCROLL = 2000


@pytest.fixture
def dev_server(make_site: SiteMaker) -> Iterator[DevServer]:
    server = DevServer(make_site({POST: LONG_POST}), port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        assert brandgen_threads() == []


@pytest.mark.browser
def test_browser_keeps_your_place(dev_server: DevServer, page: Page) -> None:
    """An edit reloads the page at the same scroll position; a CSS edit is applied in place;
    a broken YAML file shows the overlay with its path:line, and fixing it removes it."""
    chromium_path()  # skip, or fail under CI=true, when Chromium is missing
    wait = TIMEOUT * 1000
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(dev_server.url + "blog/hello/")
    page.evaluate(f"window.scrollTo(0, {SCROLL})")
    page.wait_for_function(f"window.scrollY === {SCROLL}")
    page.evaluate("window.__kept = 'same page'")  # gone after a real reload
    main = page.locator("main")
    root = dev_server.root

    (root / POST).write_text(LONG_POST.replace("The end.", "A new ending."))
    expect(main).to_contain_text("A new ending.", timeout=wait)
    assert page.evaluate("window.__kept") is None  # its own page changed: reloaded
    page.wait_for_function(f"window.scrollY === {SCROLL}", timeout=wait)

    page.evaluate("window.__kept = 'same page'")
    css = root / "themes/default/static/theme.css"  # a folder made after the start
    css.parent.mkdir(parents=True)
    css.write_text("body { background: rgb(1, 2, 3); }\n")
    page.wait_for_function("getComputedStyle(document.body).backgroundColor"
                           " === 'rgb(1, 2, 3)'", timeout=wait)
    assert page.evaluate("window.__kept") == "same page"  # swapped in place, no reload
    href = page.locator("link[rel=stylesheet]").first.get_attribute("href") or ""
    assert "theme.css?brandgen=" in href

    overlay = page.locator("#brandgen-overlay")
    profile = root / "content/profile.yaml"
    good = profile.read_text()
    profile.write_text(good + "links: [oops\n")
    expect(overlay).to_be_visible(timeout=wait)
    expect(overlay).to_contain_text("content/profile.yaml:", timeout=wait)
    assert re.search(r"content/profile\.yaml:\d+:\d+: error", overlay.inner_text())
    expect(main).to_contain_text("A new ending.")  # the last good page underneath

    profile.write_text(good)
    expect(overlay).to_have_count(0, timeout=wait)
    assert page.evaluate("window.__kept") == "same page"  # the page itself never changed
    assert page_errors == []


@pytest.mark.browser
def test_a_new_feed_does_not_reload_the_page(dev_server: DevServer, page: Page) -> None:
    """Every post edit makes a new feed.xml (told after the page itself): the page names it in
    <link rel=alternate> but does not show it, so it must not reload a second time."""
    chromium_path()
    page.goto(dev_server.url + "blog/hello/")
    page.evaluate("window.__kept = 'same page'")
    state = dev_server.state
    snap = state.snapshot
    base = snap.base_path
    assert f'href="{base}feed.xml"' in snap.public["blog/hello/index.html"].decode()
    state.publish_good(snap.public, snap.private, base, frozenset({base + "feed.xml"}))
    epoch = state.publish_good(snap.public, snap.private, base,
                               frozenset({base + "assets/theme.css"})).epoch
    # Messages arrive in order: once the stylesheet is swapped, the feed's was handled.
    page.wait_for_function(f"[...document.querySelectorAll('link[rel=stylesheet]')].some("
                           f"(l) => l.href.includes('brandgen={epoch}'))",
                           timeout=TIMEOUT * 1000)
    assert page.evaluate("window.__kept") == "same page"
