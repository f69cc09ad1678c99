"""brandgen as a package: the sdist and wheel ship the theme and run; init pins the brandgen
that ran it."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from brandgen import __version__
from brandgen.pin import DIST, public_url, requirements_text
from tests.conftest import REPO
from tests.tools import require_tool


def requirement_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def run_from(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m brandgen ARGS` importing brandgen from `target` (an installed copy)."""
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run([sys.executable, "-m", "brandgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=120)


def pip_target(spec: str, target: Path) -> None:
    # A source spec is built with the hatchling the test extra installs, as `python -m build
    # --no-isolation` does below: an isolated build would first download and install it.
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                           "--no-build-isolation", "--target", str(target), spec],
                          capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_sdist_and_wheel_ship_the_theme_and_run(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                           str(dist), str(REPO)], capture_output=True, text=True,
                          check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (sdist,), (wheel,) = dist.glob("*.tar.gz"), dist.glob("*.whl")
    assert wheel.name == f"brandgen_ssg-{__version__}-py3-none-any.whl"
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"themes/default/templates/base.html", "themes/default/static/theme.css",
            "LICENSE", "pyproject.toml", "brandgen/cli.py"} <= names
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        metadata = whl.read(f"brandgen_ssg-{__version__}.dist-info/METADATA").decode()
    assert {"brandgen/themes/default/templates/base.html",
            "brandgen/themes/default/static/theme.css",
            "brandgen/starter/brandgen.yaml"} <= names
    assert not any(n.startswith(("tests/", "content/", "themes/")) for n in names)
    assert f"Name: {DIST}" in metadata and "License-Expression: MIT" in metadata
    assert "Classifier: Programming Language :: Python :: 3.11" in metadata
    assert "Project-URL: Source" in metadata

    target = tmp_path / "installed"
    pip_target(str(wheel), target)
    version = run_from(target, tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.strip() == f"brandgen {__version__}"
    assert run_from(target, tmp_path, "init", "mysite", "--today", "2026-11-23").returncode == 0
    built = run_from(target, tmp_path, "build", "-C", "mysite", "--today", "2026-11-23")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "mysite/site/public/index.html").is_file()
    where = run_from(target, tmp_path, "-c", "x")  # argparse usage error, not an import
    assert where.returncode == 2
    probe = subprocess.run(
        [sys.executable, "-c", "import brandgen.bundled as b; print(b.BUNDLED_THEMES)"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)},
        capture_output=True, text=True, check=True)
    assert Path(probe.stdout.strip()) == (target / "brandgen/themes").resolve()
    pinned = requirement_lines((tmp_path / "mysite/requirements.txt").read_text())
    assert pinned == [f"{DIST}=={__version__}"]


@pytest.mark.slow
def test_init_from_a_git_install_pins_that_commit(tmp_path: Path) -> None:
    git = require_tool("git", "/usr/bin/git")
    head = subprocess.run([git, "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                          text=True, check=False)
    if head.returncode != 0:
        pytest.skip("brandgen is not running from a git checkout")
    target = tmp_path / "installed"
    pip_target(f"git+{REPO.as_uri()}@{head.stdout.strip()}", target)
    assert run_from(target, tmp_path, "init", "mysite").returncode == 0
    pinned = requirement_lines((tmp_path / "mysite/requirements.txt").read_text())
    assert pinned == [f"{DIST} @ git+{REPO.as_uri()}@{head.stdout.strip()}"]
    # ... and that line installs the very same commit again.
    again = tmp_path / "again"
    pip_target(pinned[0].split(" @ ", 1)[1], again)
    check = run_from(again, tmp_path, "--version")
    assert check.stdout.strip() == f"brandgen {__version__}"


def test_requirements_always_name_a_requirement() -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    vcs = {"url": "https://github.com/o/brandgen", "vcs_info": {"vcs": "git",
           "commit_id": commit, "requested_revision": "main"}}
    assert requirement_lines(requirements_text(vcs)) == [
        f"{DIST} @ git+https://github.com/o/brandgen@{commit}"]
    assert requirement_lines(requirements_text({}, "1.2.3")) == [f"{DIST}==1.2.3"]
    # A local folder that is not a git checkout: the released version.
    local = {"url": Path("/nonexistent-brandgen").as_uri(), "dir_info": {"editable": True}}
    assert requirement_lines(requirements_text(local, "1.2.3")) == [f"{DIST}==1.2.3"]


def test_scp_remotes_become_https() -> None:
    assert public_url("git@github.com:ada/brandgen.git") == "https://github.com/ada/brandgen.git"
    assert public_url("https://github.com/ada/brandgen") == "https://github.com/ada/brandgen"
