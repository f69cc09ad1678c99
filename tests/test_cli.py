"""The commands as a user runs them: init, build, check, new post, --version, --help."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import yaml

from brandgen import __version__
from tests.conftest import SiteMaker


def brandgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "brandgen", *args], capture_output=True,
                          text=True, check=False, cwd=cwd)


def test_version_and_help() -> None:
    assert brandgen("--version").stdout.strip() == f"brandgen {__version__}"
    for command in ("init", "build", "check", "new"):
        proc = brandgen(command, "--help")
        assert proc.returncode == 0 and "usage: brandgen" in proc.stdout, command
    assert "--drafts" in brandgen("build", "--help").stdout


def test_init_then_build(tmp_path: Path) -> None:
    target = tmp_path / "mysite"
    proc = brandgen("init", str(target))
    assert proc.returncode == 0, proc.stderr
    gitignore = (target / ".gitignore").read_text()
    assert "site/" in gitignore and "content/private/" in gitignore
    assert (target / ".github/workflows/pages.yml").is_file()
    for rel in ("brandgen.yaml", "content/profile.yaml", "content/private/goals.yaml"):
        assert (target / rel).is_file(), rel
    # init dates its example career data as of today, so build as of today too.
    proc = brandgen("build", "--today", dt.date.today().isoformat(), cwd=target)
    assert proc.returncode == 0, proc.stderr
    assert "Built " in proc.stdout
    assert (target / "site/public/index.html").is_file()
    assert (target / "site/private/index.html").is_file()




def test_new_post(make_site: SiteMaker) -> None:
    root = make_site()
    proc = brandgen("new", "post", "Hello, Wörld!", "-C", str(root), "--today", "2026-11-23")
    assert proc.returncode == 0, proc.stderr
    assert "brandgen serve --drafts" in proc.stdout
    path = root / "content/posts/2026-11-23-hello-world.md"
    front = yaml.safe_load(path.read_text().split("---")[1])
    assert front == {"title": "Hello, Wörld!", "date": dt.date(2026, 11, 23), "summary": "",
                     "tags": [], "draft": True}
    tricky = brandgen("new", "post", 'C:\\x "q": y', "-C", str(root), "--today", "2026-11-23")
    assert tricky.returncode == 0, tricky.stderr
    assert brandgen("new", "post", " ", "-C", str(root)).returncode == 2
    again = brandgen("new", "post", "Hello, Wörld!", "-C", str(root), "--today", "2026-11-23")
    assert again.returncode == 1 and "already exists" in again.stderr
    # The new post is a draft: it builds, and only shows with --drafts.
    assert brandgen("build", "-C", str(root), "--today", "2026-11-23").returncode == 0
    assert not (root / "site/public/blog/hello-world").exists()
    assert brandgen("build", "-C", str(root), "--drafts", "--today", "2026-11-23"
                    ).returncode == 0
    assert (root / "site/public/blog/hello-world/index.html").exists()


def test_check_writes_nothing(make_site: SiteMaker) -> None:
    root = make_site()
    proc = brandgen("check", "-C", str(root))
    assert proc.returncode == 0, proc.stderr
    assert "Checked" in proc.stdout
    assert not (root / "site").exists()


def test_verbose_build_prints_stage_timings(make_site: SiteMaker, tmp_path: Path) -> None:
    proc = brandgen("build", "-C", str(make_site()), "--out", str(tmp_path / "out"), "-v",
                    "--today", "2026-11-23")
    assert proc.returncode == 0, proc.stderr
    for stage in ("read content", "render", "privacy scan", "write"):
        assert stage in proc.stdout
    assert (tmp_path / "out/public/index.html").is_file()
