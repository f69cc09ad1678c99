"""Publish the built public site to a branch (gh-pages) with git plumbing.

The commit is made from site/public through a temporary index, so the user's working tree,
index and checked-out branch are never touched.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from brandgen.errors import BuildError, SourceError


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              env=env, check=False)
    except FileNotFoundError as e:
        raise _error("git is not installed", "install git, or publish site/public by hand") \
            from e
    if proc.returncode != 0:
        raise _error(f"git {args[0]} failed: {proc.stderr.strip() or proc.stdout.strip()}",
                     "see git's message above")
    return proc.stdout.strip()


def _error(message: str, hint: str) -> BuildError:
    return BuildError([SourceError(f"deploy: {message}", "site/public", hint=hint)])


def deploy(root: Path, public: Path, remote: str = "origin", branch: str = "gh-pages",
           message: str = "Publish site", push: bool = True) -> str:
    """Commit `public` as the new tip of `branch` and push it; returns a one-line report."""
    if not public.is_dir():
        raise _error(f"{public} does not exist", "run `brandgen build` first")
    try:
        _git(root, "rev-parse", "--git-dir")
    except BuildError:
        raise _error("this project is not a git repository",
                     "run `git init` and add a remote, e.g. "
                     "`git remote add origin git@github.com:you/site.git`") from None
    if push and remote not in _git(root, "remote").split():
        raise _error(f"no git remote named '{remote}'",
                     f"add it with `git remote add {remote} URL`, or pass --remote NAME")
    ref = f"refs/heads/{branch}"
    current = subprocess.run(["git", "symbolic-ref", "--quiet", "HEAD"], cwd=root,
                             capture_output=True, text=True, check=False).stdout.strip()
    if current == ref:
        raise _error(f"'{branch}' is the branch you have checked out",
                     "publish to a separate branch such as gh-pages (--branch gh-pages)")
    tip_files = subprocess.run(["git", "ls-tree", "--name-only", ref], cwd=root,
                               capture_output=True, text=True, check=False).stdout.split()
    if "brandgen.yaml" in tip_files or "content" in tip_files:
        raise _error(f"branch '{branch}' holds site sources (brandgen.yaml or content/), "
                     "not a built site", "publish to a branch of its own, such as gh-pages")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        work = ["--work-tree", str(public.resolve())]
        _git(root, *work, "add", "--all", "--force", ".", env=env)
        tree = _git(root, *work, "write-tree", env=env)
    parent = subprocess.run(["git", "rev-parse", "--verify", "--quiet", ref], cwd=root,
                            capture_output=True, text=True, check=False).stdout.strip()
    if parent and _git(root, "rev-parse", f"{parent}^{{tree}}") == tree:
        report = f"{branch} is already up to date ({parent[:7]})"
    else:
        commit = _git(root, "commit-tree", tree, *(["-p", parent] if parent else []),
                      "-m", message)
        _git(root, "update-ref", ref, commit, *([parent] if parent else []))
        report = f"Committed site/public to {branch} ({commit[:7]})"
    if not push:
        return report + "; not pushed (--dry-run)"
    _git(root, "push", remote, f"{ref}:{ref}")
    return report + f"; pushed to {remote}/{branch}"
