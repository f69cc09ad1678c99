"""The example dashboard's first screen in headless Chromium: at 1280 x 800 the whole goal
table and the whole This week list are visible without scrolling (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.conftest import REPO
from tests.test_private_outputs import build
from tests.tools import chromium_path

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 800

# The bottom edge of the goal table, of the last This week item, and how many items there are.
FIRST_SCREEN_JS = """() => {
  const table = document.querySelector('table.goals');
  const items = [...document.querySelectorAll('#week ol.week > li')];
  return {table: table ? table.getBoundingClientRect().bottom : null,
          last: items.length ? items[items.length - 1].getBoundingClientRect().bottom : null,
          items: items.length, rows: table ? table.tBodies[0].rows.length : 0,
          scrolled: scrollY};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_first_screen_holds_the_goal_table_and_this_week(browser: Browser, tmp_path: Path,
                                                         scheme: str) -> None:
    chromium_path()  # skip, or fail under CI=true, when Chromium is missing
    out, problems = build(REPO)
    assert not problems.errors, [e.format() for e in problems.errors]
    page_file = tmp_path / "index.html"
    page_file.write_bytes(out["index.html"])
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        page.goto(page_file.as_uri())
        box = page.evaluate(FIRST_SCREEN_JS)
    finally:
        page.close()
    # The example has six active goals and a full week (seven items): a real first screen.
    assert box["rows"] == 6 and box["items"] == 7 and box["scrolled"] == 0, box
    assert box["table"] <= HEIGHT, f"goal table ends at {box['table']:.0f} px: {box}"
    assert box["last"] <= HEIGHT, f"last This week item ends at {box['last']:.0f} px: {box}"
