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


# What a site is built from: uncommitted changes here mean the published site is not what
# the repository holds.
SOURCES = ("brandgen.yaml", "content", "themes")


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=False)
    except FileNotFoundError as e:
        raise _error("git is not installed", "install git, or publish site/public by hand") \
            from e


def check_branch_name(root: Path, branch: str) -> None:
    """A plain branch name: `git check-ref-format --branch`, and never HEAD or a full ref."""
    ok = branch not in ("HEAD", "@") and not branch.startswith(("refs/", "-")) \
        and _run(root, "check-ref-format", "--branch", branch).returncode == 0
    if not ok:
        raise _error(f"'{branch}' is not a valid branch name",
                     "pass a plain branch name such as --branch gh-pages")


def preflight(root: Path, *, remote: str, branch: str, push: bool, allow_dirty: bool,
              private_is_example: bool) -> list[str]:
    """Refuse to publish before anything is built; returns warnings to show.

    Refused: not a git repository, a bad branch name, a missing remote, the checked-out
    branch or a branch holding sources, private files tracked by git, and uncommitted
    changes to the sources (unless `allow_dirty`).
    """
    check_branch_name(root, branch)
    if _run(root, "rev-parse", "--git-dir").returncode != 0:
        raise _error("this project is not a git repository",
                     "run `git init` and add a remote, e.g. "
                     "`git remote add origin git@github.com:you/site.git`")
    if push and remote not in _git(root, "remote").split():
        raise _error(f"no git remote named '{remote}'",
                     f"add it with `git remote add {remote} URL`, or pass --remote NAME")
    ref = f"refs/heads/{branch}"
    if _run(root, "symbolic-ref", "--quiet", "HEAD").stdout.strip() == ref:
        raise _error(f"'{branch}' is the branch you have checked out",
                     "publish to a separate branch such as gh-pages (--branch gh-pages)")
    tip_files = _run(root, "ls-tree", "--name-only", ref).stdout.split()
    if "brandgen.yaml" in tip_files or "content" in tip_files:
        raise _error(f"branch '{branch}' holds site sources (brandgen.yaml or content/), "
                     "not a built site", "publish to a branch of its own, such as gh-pages")
    tracked = _git(root, "ls-files", "--", "content/private").splitlines()
    if tracked and not private_is_example:
        raise _error(f"{len(tracked)} file(s) under content/private/ are tracked by git "
                     f"(e.g. {tracked[0]}): pushing would publish your private data",
                     "run `git rm --cached -r content/private` and add content/private/ to "
                     ".gitignore; or, if it is fictional sample data, set "
                     "`private: {example: true}` in brandgen.yaml")
    status = _changed_paths(root)
    dirty = [path for path in status if path.split("/")[0] in SOURCES
             and not path.startswith("content/private/")]
    if dirty and not allow_dirty:
        raise _error(f"{len(dirty)} uncommitted change(s) to the site's sources "
                     f"(e.g. {dirty[0]}): the published site would not match the repository",
                     "commit them first, or pass --allow-dirty to publish anyway")
    warnings = []
    if dirty:
        warnings.append(f"publishing with {len(dirty)} uncommitted change(s) to sources "
                        "(--allow-dirty)")
    elif len(status) > 0:
        warnings.append(f"{len(status)} uncommitted change(s) outside the sources; "
                        "they do not affect the site")
    return warnings


def deploy(root: Path, public: Path, remote: str = "origin", branch: str = "gh-pages",
           message: str = "Publish site", push: bool = True) -> str:
    """Commit `public` as the new tip of `branch` and push it; returns a one-line report.

    Call `preflight()` first: it holds every refusal that must come before the build.
    """
    if not public.is_dir():
        raise _error(f"{public} does not exist", "run `brandgen build` first")
    ref = f"refs/heads/{branch}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        work = ["--work-tree", str(public.resolve())]
        _git(root, *work, "add", "--all", "--force", ".", env=env)
        tree = _git(root, *work, "write-tree", env=env)
    parent = _run(root, "rev-parse", "--verify", "--quiet", ref).stdout.strip()
    if parent and _git(root, "rev-parse", f"{parent}^{{tree}}") == tree:
        report = f"Nothing to publish: {branch} already holds this site ({parent[:7]})"
        if push and _remote_tip(root, remote, ref) == parent:
            return report + f"; {remote}/{branch} is up to date, nothing pushed"
    else:
        commit = _git(root, "commit-tree", tree, *(["-p", parent] if parent else []),
                      "-m", message)
        _git(root, "update-ref", ref, commit, *([parent] if parent else []))
        report = f"Committed site/public to {branch} ({commit[:7]})"
    if not push:
        return report + "; not pushed (--dry-run)"
    _git(root, "push", remote, f"{ref}:{ref}")
    return report + f"; pushed to {remote}/{branch}"


def _changed_paths(root: Path) -> list[str]:
    """Paths with uncommitted changes, untracked files included (`git status -z`)."""
    entries = _git_raw(root, "status", "--porcelain", "-z", "--untracked-files=all").split("\0")
    paths, skip = [], False
    for entry in entries:
        if skip or len(entry) < 4:
            skip = False
            continue
        paths.append(entry[3:])
        skip = entry[0] in "RC"  # a rename or copy is followed by its original path
    return paths


def _git_raw(root: Path, *args: str) -> str:
    proc = _run(root, *args)
    if proc.returncode != 0:
        raise _error(f"git {args[0]} failed: {proc.stderr.strip()}", "see git's message above")
    return proc.stdout


def _remote_tip(root: Path, remote: str, ref: str) -> str:
    """The commit `ref` points to on `remote` ('' when absent or unreachable)."""
    out = _run(root, "ls-remote", remote, ref).stdout.split()
    return out[0] if out else ""
