"""Crash safety: kills at every step, a lock, clear rename errors, linked unchanged files."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brandgen import background, swap, write
from brandgen.errors import BuildError
from brandgen.write import OutputWriter
from tests.conftest import MINIMAL, SiteMaker, run_build

KILLER = """
import os, signal, sys
import brandgen.swap as swap
point, mode = sys.argv[1], sys.argv[2]
if mode == "rename":
    swap._RENAMEAT2 = None  # as on a filesystem without an atomic exchange
def hook(name):
    if name == point:
        os.kill(os.getpid(), signal.SIGKILL)
swap.checkpoint_hook = hook
from brandgen.cli import main
sys.exit(main(sys.argv[3:]))
"""


def profile(name: str) -> str:
    return MINIMAL["content/profile.yaml"].replace("Ada Example", name)


def cli_build(root: Path, *, point: str = "", mode: str = "exchange"
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", KILLER, point, mode, "build", "-C",
                           str(root), "--today", "2026-11-23"], capture_output=True, text=True,
                          check=False)


def version(root: Path, side: str) -> str:
    """Which build's tree is at site/<side>: 'Old', 'New', or 'missing'."""
    index = root / "site" / side / "index.html"
    if not index.is_file():
        return "missing"
    text = index.read_text()
    return "Old" if "Old Name" in text else "New" if "New Name" in text else "?"


def leftovers(root: Path) -> list[str]:
    """What is left beside the outputs once the lock is free (a build's sweeper, forked
    after the swap, holds the lock until the previous trees are gone)."""
    swap.wait_for_sweeps()
    fd = os.open(root / "site", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    finally:
        os.close(fd)
    return sorted(p.name for p in (root / "site").iterdir() if ".tmp-" in p.name
                  or ".old-" in p.name)


@pytest.mark.parametrize("point, mode", [
    ("staged", "exchange"), ("installed-private", "exchange"),
    ("spares-kept", "exchange"), ("state-written", "exchange"),
    ("between-renames", "rename"), ("installed-private", "rename"),
])
def test_kill_at_any_step_never_loses_or_mixes_the_site(make_site: SiteMaker, point: str,
                                                        mode: str) -> None:
    private = {"content/private/goals.yaml": "- id: g\n  title: Grow\n"}
    root = make_site({"content/profile.yaml": profile("Old Name"), **private})
    assert cli_build(root).returncode == 0
    assert cli_build(root).returncode == 0  # keeps a spare tree: the next build reuses it
    (root / "content/profile.yaml").write_text(profile("New Name"))
    proc = cli_build(root, point=point, mode=mode)
    assert proc.returncode == -9, proc.stderr
    if mode == "exchange":  # an atomic exchange never leaves site/public missing
        assert version(root, "public") in ("Old", "New")
    # The next run restores a consistent pair before anything else, even when it fails.
    (root / "content/profile.yaml").write_text("name: [broken\n")
    proc = cli_build(root)
    assert proc.returncode == 1
    pair = (version(root, "public"), version(root, "private"))
    assert pair in (("Old", "Old"), ("New", "New")), (point, pair)
    assert leftovers(root) == []
    assert "pending" not in json.loads((root / "site/.brandgen-state.json").read_text())


def test_leftovers_of_older_builds_are_removed(make_site: SiteMaker) -> None:
    root = make_site()
    for name in (".public.tmp-abc123", ".public.old-4242", ".private.tmp-x"):
        (root / "site" / name / "blog").mkdir(parents=True)
    (root / "site/.brandgen-state.json.tmp-77").write_text("{half")  # killed mid-write
    (root / "site/keep.txt").write_text("mine")
    run_build(root)
    assert leftovers(root) == []
    assert (root / "site/keep.txt").read_text() == "mine"


def test_a_second_build_while_one_holds_the_lock_is_refused(make_site: SiteMaker) -> None:
    root = make_site()
    run_build(root)
    fd = os.open(root / "site", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        writer = OutputWriter(root, {"public": root / "site/public",
                                     "private": root / "site/private"}, lock_timeout=0.2)
        with pytest.raises(BuildError) as info:
            writer.prepare()
        assert "another build is running" in info.value.errors[0].format()
    finally:
        os.close(fd)


def test_two_builds_at_once_both_succeed_or_one_is_refused(make_site: SiteMaker) -> None:
    root = make_site({"content/private/goals.yaml": "- id: g\n  title: Grow\n"})
    cmd = [sys.executable, "-m", "brandgen", "build", "-C", str(root), "--today", "2026-11-23"]
    procs = [subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for p in procs:
        _, err = p.communicate()
        assert p.returncode == 0 or "another build is running" in err, err
    assert leftovers(root) == []
    assert (root / "site/public/index.html").is_file()
    assert (root / "site/private/index.html").is_file()


def test_a_failed_rename_is_a_clear_error_and_changes_nothing(make_site: SiteMaker,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    root = make_site({"content/private/goals.yaml": "- id: g\n  title: Grow\n",
                      "content/profile.yaml": profile("Old Name")})
    run_build(root)
    before = {p.relative_to(root).as_posix(): p.read_bytes()
              for p in sorted((root / "site").rglob("*")) if p.is_file()}
    real_install = swap.install

    def busy(staged: Path, dest: Path) -> Path | None:
        if dest.name == "public":
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(dest))
        return real_install(staged, dest)

    monkeypatch.setattr("brandgen.write.install", busy)
    (root / "content/profile.yaml").write_text(profile("New Name"))
    with pytest.raises(BuildError) as info:
        run_build(root)
    message = info.value.errors[0].format()
    assert message.startswith("site/public: error: cannot replace site/public: Device or "
                              "resource busy")
    assert "mount point" in message
    after = {p.relative_to(root).as_posix(): p.read_bytes()
             for p in sorted((root / "site").rglob("*")) if p.is_file()}
    assert after == before  # the private tree went back too: never new private, old public


def test_outputs_get_normal_permissions(make_site: SiteMaker) -> None:
    root = make_site()
    old = os.umask(0o022)
    try:
        run_build(root)
    finally:
        os.umask(old)
    assert stat.S_IMODE((root / "site/public").stat().st_mode) == 0o755
    assert stat.S_IMODE((root / "site/public/cv").stat().st_mode) == 0o755
    assert stat.S_IMODE((root / "site/public/index.html").stat().st_mode) == 0o644


def test_unchanged_files_are_not_rewritten(make_site: SiteMaker) -> None:
    root = make_site({"content/pages/about.md": "---\ntitle: About\n---\nHello.\n"})
    run_build(root)
    public = root / "site/public"
    inode = {n: (public / n).stat().st_ino for n in ("about/index.html", "cv/index.html")}
    (public / "cv/index.html").write_text("tampered")  # a hand edit is never kept
    (root / "content/pages/about.md").write_text("---\ntitle: About\n---\nChanged.\n")
    run_build(root)
    run_build(root)
    assert (public / "about/index.html").stat().st_ino != inode["about/index.html"]
    assert "Changed." in (public / "about/index.html").read_text()
    assert "tampered" not in (public / "cv/index.html").read_text()
    linked = (public / "robots.txt").stat().st_ino
    run_build(root)
    assert (public / "robots.txt").stat().st_ino == linked  # kept, not rewritten


def test_a_corrupt_state_file_is_ignored(make_site: SiteMaker) -> None:
    root = make_site()
    run_build(root)
    (root / "site/.brandgen-state.json").write_text("{not json")
    run_build(root)
    assert (root / "site/public/index.html").is_file()


def test_a_failed_build_leaves_site_byte_identical(make_site: SiteMaker) -> None:
    root = make_site({"content/private/goals.yaml": "- id: g\n  title: Grow\n"})
    run_build(root)
    run_build(root)  # the second build links unchanged files: still a complete tree
    before = {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
              for p in sorted((root / "site").rglob("*")) if p.is_file()}
    (root / "content/skills.yaml").write_text("- name: [broken\n")
    with pytest.raises(BuildError):
        run_build(root)
    after = {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
             for p in sorted((root / "site").rglob("*")) if p.is_file()}
    assert after == before


def test_the_previous_tree_is_swept_after_the_build_under_the_lock(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The swap's old tree is deleted by a forked sweeper that holds the output lock until
    it is done: the build returns first, and no other build can start meanwhile."""
    root = make_site()
    run_build(root)
    go = tmp_path / "go"

    def hook(name: str) -> None:  # runs in the sweeper: wait until the test says go
        if name == "sweeping":
            for _ in range(400):
                if go.exists():
                    return
                time.sleep(0.025)

    monkeypatch.setattr(background, "can_fork", lambda: True)  # pytest has threads
    monkeypatch.setattr(swap, "checkpoint_hook", hook)
    # As when the old tree cannot be kept as the spare (something is in its place).
    monkeypatch.setattr(write, "spare_name", lambda dest: dest)
    (root / "content/profile.yaml").write_text(profile("New Name"))
    run_build(root, background_sweep=True)
    assert version(root, "public") == "New"
    assert swap._SWEEPERS, "the sweep was forked"
    assert [p.name for p in (root / "site").iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    fd = os.open(root / "site", os.O_RDONLY)
    try:
        with pytest.raises(BlockingIOError):  # the sweeper holds the lock
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    go.touch()
    assert leftovers(root) == []
    assert version(root, "public") == "New"


def test_a_build_waits_for_its_own_sweeper(make_site: SiteMaker,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "can_fork", lambda: True)  # pytest has threads
    root = make_site()
    for name in ("Old Name", "New Name", "Third Name"):
        (root / "content/profile.yaml").write_text(profile(name))
        run_build(root, background_sweep=True)  # each reaps the last one's sweeper first
        assert len(swap._SWEEPERS) <= 1
    assert leftovers(root) == []
    assert "Third Name" in (root / "site/public/index.html").read_text()


def test_without_background_sweep_the_old_tree_is_gone_on_return(
        make_site: SiteMaker) -> None:
    root = make_site()
    run_build(root)
    run_build(root)
    assert not swap._SWEEPERS
    assert not [p for p in (root / "site").iterdir() if ".tmp-" in p.name or ".old-" in p.name]
