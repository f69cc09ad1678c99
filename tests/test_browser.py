"""The built example site in real headless Chromium, served under its /brand/ sub-path:
axe-core in light and dark mode, one-page CV PDFs, no request to any other host, no
sideways scrolling on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from brandgen.build import BuildResult
from tests.tools import KITCHEN_SINK_SLUG, chromium_path, example_build, pdf_page_count, serve

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "post": f"blog/{KITCHEN_SINK_SLUG}/",  # code, table, footnotes, task list, quote, image
    "post-example": "blog/measuring-developer-experience-without-surveillance/",
    "cv": "cv/",
    "blog": "blog/",
    "blog-page-2": "blog/page/2/",
    "projects": "projects/",
    "project": "projects/harbour/",
    "tags": "tags/",
    "tag": "tags/platform-engineering/",
    "page": "now/",
    "404": "no/such/page/",  # served with 404.html at depth, as GitHub Pages does
}
SCHEMES = ("light", "dark")
AXE = Axe()


@pytest.fixture(scope="session")
def chromium(request: pytest.FixtureRequest) -> Browser:
    """pytest-playwright's session browser, launched with Debian's Chromium (conftest.py)."""
    chromium_path()  # skip, or fail under CI=true, when Chromium is missing
    browser: Browser = request.getfixturevalue("browser")
    return browser


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """http://127.0.0.1:PORT/brand/ serving the example's public output."""
    result: BuildResult = example_build(tmp_path_factory)
    with serve(result.public_dir, urlsplit(result.config.base_url).path) as url:
        yield url


def open_page(browser: Browser, url: str, scheme: str = "light",
              width: int = 1280) -> tuple[Page, list[str]]:
    """A loaded page and the URLs of every request it made."""
    page = browser.new_page(color_scheme=scheme,  # type: ignore[arg-type]
                            viewport={"width": width, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    return page, requests


def axe_report(page: Page) -> list[str]:
    results = AXE.run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
        f"    {n['target']}: {n['failureSummary']}".replace("\n", " ") for n in v["nodes"])
        for v in results.response["violations"]]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(chromium: Browser, site_url: str, name: str,
                                 scheme: str) -> None:
    page, _ = open_page(chromium, site_url + PAGES[name], scheme)
    try:
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
            scheme == "dark")
        violations = axe_report(page)
    finally:
        page.close()
    assert not violations, f"{name} ({scheme}):\n" + "\n".join(violations)


def test_axe_catches_violations(chromium: Browser) -> None:
    page = chromium.new_page()
    try:
        page.set_content('<html><body><img src="data:,"><p style="color:#bbb;'
                         'background:#fff">faint</p><a href="/x"></a></body></html>')
        violations = axe_report(page)
    finally:
        page.close()
    ids = {v.split(" ", 1)[0] for v in violations}
    assert {"image-alt", "color-contrast", "html-has-lang"} <= ids, violations


@pytest.mark.parametrize("name", list(PAGES))
def test_no_request_leaves_the_site(chromium: Browser, site_url: str, name: str) -> None:
    page, requests = open_page(chromium, site_url + PAGES[name])
    page.close()
    foreign = [u for u in requests if urlsplit(u).hostname != "127.0.0.1"
               and not u.startswith("data:")]
    assert requests and not foreign, foreign


@pytest.mark.parametrize("name", list(PAGES))
def test_no_sideways_scrolling_on_a_phone(chromium: Browser, site_url: str, name: str) -> None:
    page, _ = open_page(chromium, site_url + PAGES[name], width=320)
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    finally:
        page.close()
    assert overflow <= 0, f"{name} is {overflow}px wider than a 320px screen"


def test_404_at_depth_is_styled(chromium: Browser, site_url: str) -> None:
    page, requests = open_page(chromium, site_url + "deep/missing/path/")
    try:
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        heading = page.text_content("h1")
    finally:
        page.close()
    assert heading == "Page not found"
    assert background == "rgb(251, 251, 249)", "theme.css did not load on a deep 404"
    assert any(u.endswith("/brand/assets/theme.css") for u in requests)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_cv_prints_on_exactly_one_page(chromium: Browser, site_url: str, paper: str,
                                       tmp_path: Path) -> None:
    page, _ = open_page(chromium, site_url + "cv/")
    try:
        page.emulate_media(media="print")
        pdf = page.pdf(format=paper, print_background=False)
    finally:
        page.close()
    (tmp_path / f"cv-{paper}.pdf").write_bytes(pdf)
    assert pdf_page_count(pdf) == 1, f"CV on {paper}: {pdf_page_count(pdf)} pages"
