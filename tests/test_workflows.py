"""The GitHub Actions workflows: the one `brandgen init` writes and this repository's own."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from brandgen.cli import main
from tests.conftest import NOW, REPO
from tests.tools import venv_tool


@pytest.fixture(scope="module")
def init_workflow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("init") / "site"
    assert main(["init", str(target)]) == 0
    return target / ".github/workflows/pages.yml"


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([venv_tool("actionlint"), "-oneline", *map(str, files)],
                          capture_output=True, text=True, check=False)


def test_all_workflows_pass_actionlint(init_workflow: Path) -> None:
    own = sorted((REPO / ".github/workflows").glob("*.yml"))
    assert {p.name for p in own} == {"ci.yml", "pages.yml"}
    proc = actionlint(init_workflow, *own)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: an outdated action and a typo are reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: actions/checkout@v4\n      - run: echo ${{ github.evnt }}\n")
    assert actionlint(bad).returncode != 0


def test_init_workflow_publishes_on_push_by_hand_and_daily(init_workflow: Path) -> None:
    flow = yaml.safe_load(init_workflow.read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in triggers
    (cron,) = triggers["schedule"]
    *_, day, month, weekday = cron["cron"].split()
    assert (day, month, weekday) == ("*", "*", "*"), "runs every day"
    assert flow["permissions"] == {"contents": "read"}
    assert flow["concurrency"]["group"] == "pages"
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    setup = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-"))
    assert setup["with"]["cache"] == "pip"
    runs = " ".join(s.get("run", "") for s in build["steps"])
    assert "pip install -r requirements.txt" in runs and "brandgen build" in runs
    cached = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache"))
    assert cached["with"]["path"].split() == [".brandgen-cache", "site/public",
                                              "site/.brandgen-state.json"]


@pytest.mark.parametrize(("pages_url", "prefix"), [
    ("https://ada.github.io", "https://ada.github.io/"),             # user site
    ("https://ada.github.io/brand", "https://ada.github.io/brand/"),  # project site
    ("https://www.ada.example", "https://www.ada.example/"),          # custom domain
])
def test_the_pages_base_url_is_honoured(tmp_path: Path, pages_url: str, prefix: str) -> None:
    """The workflow passes configure-pages' base_url (no trailing slash) to --base-url."""
    target = tmp_path / "site"
    assert main(["init", str(target), "--today", NOW.date().isoformat()]) == 0
    code = main(["build", "-C", str(target), "--base-url", pages_url,
                 "--today", NOW.date().isoformat()])
    assert code == 0
    home = (target / "site/public/index.html").read_text()
    assert f'<link rel="canonical" href="{prefix}">' in home
    path = urlsplit(prefix).path
    assert f'<link rel="stylesheet" href="{path}assets/theme.css">' in home
