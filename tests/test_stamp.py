"""The no-change fast path: skipped only when no input, option, output or day changed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from brandgen.stamp import STAMP_FILE
from tests.conftest import REPO, SiteMaker

POST = "---\ntitle: A\ndate: 2026-01-01\n---\nHello.\n"
SKIPPED = "nothing changed since the last build"


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "brandgen", "build", "-C", str(root), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=300)


def age(root: Path, seconds: float = 60) -> None:
    """Make every input look edited a minute ago (not racily clean)."""
    past = time.time() - seconds
    for path in [root / "brandgen.yaml", *root.rglob("content/**/*")]:
        os.utime(path, (past, past))


def test_a_second_build_with_no_change_is_skipped(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/a.md": POST})
    age(root)
    first = build(root, "--today", "2026-11-23")
    assert first.returncode == 0 and SKIPPED not in first.stdout
    second = build(root, "--today", "2026-11-23")
    assert second.returncode == 0 and SKIPPED in second.stdout
    assert second.stdout.startswith(first.stdout.rsplit(" in ", 1)[0] + ": ")


def test_any_change_rebuilds(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/a.md": POST})
    age(root)
    assert build(root, "--today", "2026-11-23").returncode == 0
    # another option, another day: a full build
    assert SKIPPED not in build(root, "--today", "2026-11-24").stdout
    assert SKIPPED not in build(root, "--today", "2026-11-24", "--drafts").stdout
    assert SKIPPED in build(root, "--today", "2026-11-24", "--drafts").stdout
    # an edited post (same size, other mtime)
    post = root / "content/posts/a.md"
    post.write_text(POST.replace("Hello", "Howdy"), encoding="utf-8")
    age(root, 30)
    proc = build(root, "--today", "2026-11-24", "--drafts")
    assert SKIPPED not in proc.stdout
    assert "Howdy" in (root / "site/public/blog/a/index.html").read_text(encoding="utf-8")
    # the output removed by hand
    (root / "site/public/blog/a/index.html").unlink()
    (root / "site/public/blog/a").rmdir()
    os.rename(root / "site/public", root / "site/gone")
    assert SKIPPED not in build(root, "--today", "2026-11-24", "--drafts").stdout
    assert (root / "site/public/blog/a/index.html").is_file()


def test_a_racily_clean_input_writes_no_stamp(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/a.md": POST})  # written just now
    assert build(root, "--today", "2026-11-23").returncode == 0
    assert not (root / STAMP_FILE).exists()
    assert SKIPPED not in build(root, "--today", "2026-11-23").stdout


def test_a_failed_build_forgets_the_stamp(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/a.md": POST})
    age(root)
    assert build(root, "--today", "2026-11-23").returncode == 0
    assert (root / STAMP_FILE).exists()
    (root / "content/posts/a.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    age(root)
    assert build(root, "--today", "2026-11-23").returncode == 1
    assert not (root / STAMP_FILE).exists()
    assert build(root, "--today", "2026-11-23").returncode == 1


def test_no_cache_never_takes_the_fast_path(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/a.md": POST})
    age(root)
    assert build(root, "--today", "2026-11-23").returncode == 0
    assert SKIPPED not in build(root, "--today", "2026-11-23", "--no-cache").stdout
