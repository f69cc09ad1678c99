"""Shared fixtures: tiny inline sites built into tmp_path."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from brandgen.build import BuildOptions, BuildResult, build, render_all
from brandgen.errors import BuildError
from tests import shared_run, vnu

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)
CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a downloaded browser
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)

MINIMAL = {
    "brandgen.yaml": "base_url: https://ada.github.io/brand/\n",
    "content/profile.yaml": """\
        name: Ada Example
        headline: Platform engineer
        value_proposition: I help teams ship calmly.
        email: ada@example.com
        """,
    "content/skills.yaml": """\
        - name: Python
          level: 5
          category: Languages
        - name: Go
          level: 3
          category: Languages
        """,
}

SiteMaker = Callable[..., Path]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """pytest-playwright: use Debian's Chromium (downloads are impossible here)."""
    return {**browser_type_launch_args,
            "executable_path": CHROMIUM}


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def make_site(tmp_path: Path) -> SiteMaker:
    """make_site({"content/posts/a.md": "..."}) -> project root, on top of a minimal site.

    A value of None removes a minimal file.
    """

    def make(files: dict[str, str | bytes | None] | None = None, minimal: bool = True) -> Path:
        root = tmp_path / "project"
        merged: dict[str, str | bytes | None] = {**(MINIMAL if minimal else {}), **(files or {})}
        write_files(root, {k: v for k, v in merged.items() if v is not None})
        return root

    return make


def run_build(root: Path, **kwargs: object) -> BuildResult:
    options = BuildOptions(root=root, now=kwargs.pop("now", NOW), **kwargs)  # type: ignore[arg-type]
    return build(options)


def render(root: Path, **kwargs: object) -> BuildResult:
    options = BuildOptions(root=root, now=kwargs.pop("now", NOW), **kwargs)  # type: ignore[arg-type]
    return render_all(options)


def errors_of(root: Path, **kwargs: object) -> list[str]:
    """The formatted errors of a build that must fail."""
    with pytest.raises(BuildError) as info:
        render(root, **kwargs)
    return [e.format() for e in info.value.errors]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the example site instead of comparing")


def _sets_up_the_run(config: pytest.Config) -> bool:
    """A plain run, or pytest-xdist's controller (its workers have `workerinput`)."""
    return not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    """One folder per run, shared with the xdist workers (they inherit the environment):
    tests/shared_run.py; the run's single Nu Html Checker is found there (tests/vnu.py)."""
    if _sets_up_the_run(config):
        os.environ[shared_run.RUN_ENV] = tempfile.mkdtemp(prefix="brandgen-test-run-")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = os.environ.get(shared_run.RUN_ENV)
    if _sets_up_the_run(config) and folder:
        vnu.stop(Path(folder))
        shutil.rmtree(folder, ignore_errors=True)
        del os.environ[shared_run.RUN_ENV]


def single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-xdist runs a thread beside each test, so the fork would be refused; the
    forked workers never touch it."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)
