"""The built example site in real headless Chromium, served under its /brand/ sub-path:
axe-core in light and dark mode, one-page CV PDFs, no request to any other host, no
sideways scrolling on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, Page

from brandgen.build import BuildResult
from tests.tools import (
    KITCHEN_SINK_SLUG,
    build_example,
    chromium_path,
    example_build,
    pdf_page_count,
    serve,
)

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
AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")  # axe-core, no network


@dataclass
class Tab:
    """One reusable browser tab and the URLs it requested since the last `load`."""

    page: Page
    requests: list[str] = field(default_factory=list)

    def load(self, url: str) -> Page:
        self.requests.clear()
        self.page.goto(url, wait_until="load")
        return self.page


@pytest.fixture(scope="session")
def chromium(request: pytest.FixtureRequest) -> Browser:
    """pytest-playwright's session browser, launched with Debian's Chromium (conftest.py)."""
    chromium_path()  # skip, or fail under CI=true, when Chromium is missing
    browser: Browser = request.getfixturevalue("browser")
    return browser


@pytest.fixture(scope="session")
def tabs(chromium: Browser) -> Iterator[dict[str, Tab]]:
    """Tabs reused across tests (a fresh tab per URL costs ~0.5 s): light and dark desktop
    tabs with axe-core preloaded, and a 320px phone tab."""
    made: dict[str, Tab] = {}
    contexts = []
    for name, scheme, width in (("light", "light", 1280), ("dark", "dark", 1280),
                                ("phone", "light", 320)):
        context = chromium.new_context(color_scheme=scheme,  # type: ignore[arg-type]
                                       viewport={"width": width, "height": 900})
        if name != "phone":
            context.add_init_script(path=AXE_JS)
        contexts.append(context)
        tab = Tab(context.new_page())
        tab.page.on("request", lambda r, tab=tab: tab.requests.append(r.url))
        made[name] = tab
    yield made
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """http://127.0.0.1:PORT/brand/ serving the example's public output."""
    result: BuildResult = example_build(tmp_path_factory)
    with serve(result.public_dir, urlsplit(result.config.base_url).path) as url:
        yield url


def axe_report(page: Page) -> list[str]:
    """One line per axe-core violation (rule id, impact, help) plus its failing nodes."""
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
        f"    {n['target']}: {n['failureSummary']}".replace("\n", " ") for n in v["nodes"])
        for v in results["violations"]]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(tabs: dict[str, Tab], site_url: str, name: str,
                                 scheme: str) -> None:
    page = tabs[scheme].load(site_url + PAGES[name])
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
        scheme == "dark")
    violations = axe_report(page)
    assert not violations, f"{name} ({scheme}):\n" + "\n".join(violations)


@pytest.fixture(scope="module")
def accent_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example again, with a brand colour whose dark shade brandgen derives."""
    result = build_example(tmp_path_factory.mktemp("accent"), accent="#9b2c3a")
    with serve(result.public_dir, urlsplit(result.config.base_url).path) as url:
        yield url


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", ["home", "post", "projects"])
def test_axe_passes_with_a_brand_accent(tabs: dict[str, Tab], accent_url: str, name: str,
                                        scheme: str) -> None:
    page = tabs[scheme].load(accent_url + PAGES[name])
    accent = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")
    assert accent == ("#9b2c3a" if scheme == "light" else "#e1949d")
    violations = axe_report(page)
    assert not violations, f"{name} ({scheme}):\n" + "\n".join(violations)


def test_axe_catches_violations(chromium: Browser) -> None:
    page = chromium.new_page()
    try:
        page.add_script_tag(path=AXE_JS)
        page.evaluate("""html => { document.documentElement.removeAttribute('lang');
                                   document.body.innerHTML = html; }""",
                      '<img src="data:,"><p style="color:#bbb;background:#fff">faint</p>'
                      '<a href="/x"></a>')
        violations = axe_report(page)
    finally:
        page.close()
    ids = {v.split(" ", 1)[0] for v in violations}
    assert {"image-alt", "color-contrast", "html-has-lang"} <= ids, violations


@pytest.mark.parametrize("name", list(PAGES))
def test_no_request_leaves_the_site(tabs: dict[str, Tab], site_url: str, name: str) -> None:
    tab = tabs["phone"]
    tab.load(site_url + PAGES[name])
    foreign = [u for u in tab.requests if urlsplit(u).hostname != "127.0.0.1"
               and not u.startswith("data:")]
    assert tab.requests and not foreign, foreign


@pytest.mark.parametrize("name", list(PAGES))
def test_no_sideways_scrolling_on_a_phone(tabs: dict[str, Tab], site_url: str,
                                          name: str) -> None:
    page = tabs["phone"].load(site_url + PAGES[name])
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px wider than a 320px screen"


def test_404_at_depth_is_styled(tabs: dict[str, Tab], site_url: str) -> None:
    tab = tabs["light"]
    page = tab.load(site_url + "deep/missing/path/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert page.text_content("h1") == "Page not found"
    assert background == "rgb(251, 251, 249)", "theme.css did not load on a deep 404"
    assert any(u.endswith("/brand/assets/theme.css") for u in tab.requests)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_cv_prints_on_exactly_one_page(chromium: Browser, site_url: str, paper: str,
                                       tmp_path: Path) -> None:
    page = chromium.new_page()
    try:
        page.goto(site_url + "cv/")
        page.emulate_media(media="print")
        pdf = page.pdf(format=paper, print_background=False)
    finally:
        page.close()
    (tmp_path / f"cv-{paper}.pdf").write_bytes(pdf)
    assert pdf_page_count(pdf) == 1, f"CV on {paper}: {pdf_page_count(pdf)} pages"


def test_table_of_contents_folds_on_a_phone_and_shows_on_a_desktop(
        tabs: dict[str, Tab], site_url: str) -> None:
    url = site_url + PAGES["post-example"]
    phone = tabs["phone"].load(url)
    first = phone.locator(".toc a").first
    assert phone.locator(".toc summary").is_visible() and not first.is_visible()
    phone.locator(".toc summary").click()
    assert first.is_visible()
    first.click()  # an entry jumps to its heading
    assert phone.evaluate("location.hash") == first.get_attribute("href")
    desktop = tabs["light"].load(url)
    assert desktop.locator(".toc a").first.is_visible()
    assert not desktop.locator(".toc summary").is_visible()  # no toggle that does nothing
    desktop.emulate_media(media="print")
    try:
        assert not desktop.locator(".toc").is_visible()
        assert not desktop.locator(".related").is_visible()
    finally:
        desktop.emulate_media(media="screen")
