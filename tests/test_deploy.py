"""`brandgen deploy` against a local bare repository: the branch gets the site, nothing else
changes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SiteMaker
from tests.tools import require_tool


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout.strip()


def brandgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "brandgen", "deploy", "-C", str(root),
                           "--today", "2026-11-23", *args],
                          capture_output=True, text=True, check=False)


@pytest.fixture
def repo(make_site: SiteMaker, tmp_path: Path) -> tuple[Path, Path]:
    require_tool("git", shutil.which("git"))
    root = make_site({".gitignore": "site/\n"})
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "init")
    git(root, "remote", "add", "origin", str(bare))
    return root, bare


GIT_ENV = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}


def test_deploy_publishes_the_public_site_only(repo: tuple[Path, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root, bare = repo
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    status_before = git(root, "status", "--porcelain")
    proc = brandgen(root, "--message", "Publish test")
    assert proc.returncode == 0, proc.stderr
    assert "pushed to origin/gh-pages" in proc.stdout
    files = git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert "index.html" in files and ".nojekyll" in files and "feed.xml" in files
    assert not any(f.startswith(("private", "site/", "content")) for f in files)
    assert git(bare, "log", "-1", "--format=%s", "gh-pages") == "Publish test"
    assert git(root, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert git(root, "status", "--porcelain") == status_before
    # A second deploy with nothing changed makes no new commit.
    again = brandgen(root)
    assert again.returncode == 0, again.stderr
    assert "Nothing to publish" in again.stdout and "nothing pushed" in again.stdout
    assert git(bare, "rev-list", "--count", "gh-pages") == "1"


def test_dry_run_commits_locally_without_pushing(repo: tuple[Path, Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root, bare = repo
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    proc = brandgen(root, "--dry-run", "--branch", "pages")
    assert proc.returncode == 0, proc.stderr
    assert "not pushed" in proc.stdout
    assert "index.html" in git(root, "ls-tree", "--name-only", "pages").splitlines()
    assert git(bare, "branch", "--list") == ""


def test_deploy_errors_are_clear(make_site: SiteMaker, repo: tuple[Path, Path]) -> None:
    root, _ = repo
    proc = brandgen(root, "--remote", "nowhere")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "deploy: no git remote named 'nowhere'" in proc.stderr
    shutil.rmtree(root / ".git")
    proc = brandgen(root)
    assert proc.returncode == 1
    assert "deploy: this project is not a git repository" in proc.stderr


def test_deploy_refuses_a_source_branch(repo: tuple[Path, Path]) -> None:
    root, bare = repo
    for branch in ("main", "feature"):
        if branch == "feature":
            git(root, "branch", "feature")
        proc = brandgen(root, "--branch", branch)
        assert proc.returncode == 1, proc.stdout
        assert "deploy: " in proc.stderr and "Traceback" not in proc.stderr
    assert "'main' is the branch you have checked out" in brandgen(root, "--branch",
                                                                  "main").stderr
    assert git(root, "log", "-1", "--format=%s", "main") == "init"
    assert git(bare, "branch", "--list") == ""


# --- Refusals: nothing is built into gh-pages and nothing is pushed -------------------------

def deploy_in_process(root: Path, capsys: pytest.CaptureFixture[str],
                      *args: str) -> tuple[int, str, str]:
    from brandgen.cli import main

    code = main(["deploy", "-C", str(root), "--today", "2026-11-23", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def commit_all(root: Path, message: str) -> None:
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", message)


@pytest.fixture
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


def assert_nothing_published(root: Path, bare: Path) -> None:
    assert git(bare, "branch", "--list") == ""
    assert git(root, "branch", "--list", "gh-pages") == ""


def test_deploy_refuses_tracked_private_files(repo: tuple[Path, Path], git_identity: None,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root, bare = repo
    (root / "content/private").mkdir(parents=True)
    (root / "content/private/swot.yaml").write_text("strengths: [Calm under pressure]\n")
    commit_all(root, "oops, private data")
    code, _, err = deploy_in_process(root, capsys)
    assert code == 1
    assert "content/private/ are tracked by git (e.g. content/private/swot.yaml)" in err
    assert "git rm --cached -r content/private" in err
    assert_nothing_published(root, bare)
    # Declared fictional sample data (like brandgen's own persona) may be tracked.
    config = root / "brandgen.yaml"
    config.write_text(config.read_text() + "private: {example: true}\n")
    commit_all(root, "sample data")
    code, out, err = deploy_in_process(root, capsys)
    assert code == 0, err
    assert "pushed to origin/gh-pages" in out


def test_deploy_refuses_a_failing_build(repo: tuple[Path, Path], git_identity: None,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    root, bare = repo
    (root / "content/skills.yaml").write_text("- name: Python\n  level: 7\n")
    commit_all(root, "broken")
    code, _, err = deploy_in_process(root, capsys)
    assert code == 1
    assert "content/skills.yaml:2:10: error:" in err and "nothing was published" in err
    assert_nothing_published(root, bare)


def test_deploy_refuses_uncommitted_sources(repo: tuple[Path, Path], git_identity: None,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root, bare = repo
    post = root / "content/posts/2026-11-20-unsaved.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text("---\ntitle: Not committed yet\ndate: 2026-11-20\n---\nHello\n")
    code, _, err = deploy_in_process(root, capsys)
    assert code == 1
    assert "1 uncommitted change(s) to the site's sources" in err
    assert "content/posts/2026-11-20-unsaved.md" in err and "--allow-dirty" in err
    assert_nothing_published(root, bare)
    code, _, err = deploy_in_process(root, capsys, "--allow-dirty")
    assert code == 0, err
    assert "warning: publishing with 1 uncommitted change(s)" in err
    files = git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert "blog/unsaved/index.html" in files


def test_deploy_warns_about_changes_outside_the_sources(
        repo: tuple[Path, Path], git_identity: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = repo
    (root / "notes.txt").write_text("todo\n")
    code, _, err = deploy_in_process(root, capsys)
    assert code == 0, err
    assert "1 uncommitted change(s) outside the sources" in err


@pytest.mark.parametrize("branch", ["HEAD", "refs/heads/gh-pages", "bad..name", "-x", "a b",
                                    "@", "ends/"])
def test_deploy_refuses_bad_branch_names(repo: tuple[Path, Path], branch: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    root, bare = repo
    code, _, err = deploy_in_process(root, capsys, f"--branch={branch}")
    assert code == 1
    assert f"deploy: '{branch}' is not a valid branch name" in err
    assert git(bare, "branch", "--list") == ""
