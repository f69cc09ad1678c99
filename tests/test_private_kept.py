"""The dashboard kept in the cache: made once per set of inputs, the same bytes and warnings
as a build without a cache, made again when anything it reads changes, errors never kept."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from brandgen.build import BuildResult
from brandgen.cache import FOLDER
from brandgen.private import dashboard
from tests.conftest import NOW, REPO, SiteMaker, errors_of, render, write_files

GOALS = """\
- id: speak
  title: Give two conference talks
  metric: talks
  start_value: 0
  target: {target}
  deadline: 2027-06-30
  tags: [python]
  checkins:
    - date: 2026-10-01
      value: 1
"""
POST = "---\ntitle: Hello\ndate: 2026-11-01\ntags: [{tag}]\n---\n\n{body}\n"
FILES = {
    "content/private/goals.yaml": GOALS.format(target=2),
    "content/private/notes.txt": "an unknown file: a warning\n",
    "content/posts/hello.md": POST.format(tag="python", body="Hi."),
}


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per dashboard actually made (not taken from the cache)."""
    calls: list[int] = []
    real = dashboard.dashboard_html

    def counting(*args: object, **kwargs: object) -> str:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard, "dashboard_html", counting)
    return calls


def private_and_warnings(result: BuildResult) -> tuple[dict[str, bytes], list[str]]:
    return dict(result.private), sorted(w.format() for w in result.warnings)


def test_a_dashboard_is_made_once_per_set_of_inputs(make_site: SiteMaker,
                                                    made: list[int]) -> None:
    root = make_site(FILES)
    first = private_and_warnings(render(root))
    assert any("notes.txt" in w for w in first[1]), first[1]
    assert private_and_warnings(render(root)) == first and len(made) == 1
    assert private_and_warnings(render(root, cache=False)) == first and len(made) == 2

    write_files(root, {"content/posts/hello.md": POST.format(tag="python", body="Edited.")})
    assert private_and_warnings(render(root)) == first and len(made) == 2, \
        "a post's body is not something the dashboard shows"

    for change in ({"content/posts/hello.md": POST.format(tag="go", body="Edited.")},
                   {"content/private/goals.yaml": GOALS.format(target=3)},
                   {"content/private/reviews/2026-11-01.md": "---\ndate: 2026-11-01\n---\nOk\n"},
                   {"brandgen.yaml": "base_url: https://ada.github.io/brand/\nprivate:\n"
                                     "  posts_per_month: 4\n"}):
        write_files(root, change)
        before = len(made)
        warm = private_and_warnings(render(root))
        assert len(made) == before + 1, change
        assert warm == private_and_warnings(render(root, cache=False)), change
    calls = len(made)
    render(root, now=NOW.replace(day=24))
    assert len(made) == calls + 1, "another day is another dashboard"


def test_errors_are_never_kept_and_a_damaged_slot_is_a_miss(make_site: SiteMaker,
                                                            made: list[int]) -> None:
    root = make_site({**FILES, "content/private/goals.yaml": GOALS.format(target=2)
                      + "  bogus: 1\n"})
    first = errors_of(root)
    assert any("bogus" in e for e in first) and errors_of(root) == first
    write_files(root, {"content/private/goals.yaml": GOALS.format(target=2)})
    good = private_and_warnings(render(root))
    with sqlite3.connect(root / FOLDER / "cache.sqlite") as db:
        db.execute("UPDATE files SET value = CAST(REPLACE(CAST(value AS TEXT), 'talks', "
                   "'TALKS') AS BLOB) WHERE key = 'private:dashboard'")
    db.close()
    calls = len(made)
    assert private_and_warnings(render(root)) == good and len(made) == calls + 1


def test_a_rebuild_from_the_cache_imports_no_dashboard_code(make_site: SiteMaker) -> None:
    root = make_site(FILES)
    code = ("import sys, datetime as dt; from brandgen.build import BuildOptions, render_all;"
            f"render_all(BuildOptions(root=__import__('pathlib').Path({str(root)!r}),"
            " now=dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)));"
            "print(sorted(m for m in sys.modules if m.startswith('brandgen.private.')))")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout for _ in range(2)]
    assert "brandgen.private.dashboard" in runs[0]
    assert "brandgen.private.dashboard" not in runs[1], runs[1]
    assert "brandgen.private.kept" in runs[1]
