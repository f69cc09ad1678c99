"""The no-change fast path: skipped only when no input, option, output or day changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brandgen.stamp import STAMP_FILE, take_listing
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
    shutil.rmtree(root / "site/public/blog/a")  # its page and social card
    os.rename(root / "site/public", root / "site/gone")
    assert SKIPPED not in build(root, "--today", "2026-11-24", "--drafts").stdout
    assert (root / "site/public/blog/a/index.html").is_file()


def test_a_folder_counts_by_what_it_holds_not_its_mtime(make_site: SiteMaker) -> None:
    """Python making a __pycache__ in one of brandgen's folders (another process importing
    it between two builds) moves that folder's mtime: no change; a new folder is one."""
    root = make_site({"content/posts/a.md": POST})
    age(root)
    before = take_listing(root, ["build"]).digest
    (root / "content/posts/__pycache__").mkdir()
    assert (root / "content/posts").stat().st_mtime > time.time() - 30  # it did move
    assert take_listing(root, ["build"]).digest == before
    (root / "content/extra").mkdir()
    assert take_listing(root, ["build"]).digest != before


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


def test_a_replaced_image_or_avatar_rebuilds_its_markup_copies_and_cards(
        make_site: SiteMaker) -> None:
    """Responsive copies and social cards depend on content/static/ (images, the avatar)."""
    import io

    from PIL import Image

    def png(width: int, colour: tuple[int, int, int]) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (width, width // 2), colour).save(out, "PNG")
        return out.getvalue()

    root = make_site({"content/posts/a.md": POST + "\n![A photo](/photo.png)\n",
                      "content/static/photo.png": png(900, (10, 20, 30)),
                      "content/static/me.png": png(400, (200, 30, 30))})
    profile = root / "content/profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "avatar: me.png\n",
                       encoding="utf-8")
    age(root)
    assert build(root, "--today", "2026-11-23").returncode == 0
    page = root / "site/public/blog/a/index.html"
    card = root / "site/public/blog/a/social.png"
    assert 'width="900"' in page.read_text(encoding="utf-8")
    before = card.read_bytes()
    (root / "content/static/photo.png").write_bytes(png(1000, (10, 20, 30)))
    (root / "content/static/me.png").write_bytes(png(400, (30, 30, 200)))
    age(root, 30)
    assert SKIPPED not in build(root, "--today", "2026-11-23").stdout
    assert 'width="1000"' in page.read_text(encoding="utf-8")
    assert card.read_bytes() != before


def test_the_card_fonts_are_inputs_of_the_stamp() -> None:
    """The stamp walks the bundled themes (cli passes them), where the card fonts ship."""
    from brandgen.bundled import BUNDLED_THEMES
    from brandgen.public.carddraw import BOLD, REGULAR

    assert BOLD.is_relative_to(BUNDLED_THEMES) and REGULAR.is_relative_to(BUNDLED_THEMES)
    assert "[BUNDLED_THEMES]" in (REPO / "brandgen/cli.py").read_text(encoding="utf-8")


def test_the_stamp_walk_lists_the_post_files_as_the_post_cache_does(
        make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One walk serves both: the stamp's listing holds content/posts/'s post files with
    their stat exactly as the post cache lists them (hidden files, folders and other
    extensions left out), and a CLI build reads the posts through it without listing the
    folder again, an edit made before the build included."""
    from brandgen import postcache
    from brandgen.cli import main

    root = make_site({"content/posts/a.md": POST, "content/posts/.hidden.md": POST,
                      "content/posts/notes.txt": "x", "content/posts/sub/b.md": POST,
                      "content/posts/2026-01-02-c.md": POST.replace("title: A", "title: C")})
    (root / "content/posts/link.md").symlink_to(root / "content/posts/a.md")
    listing = take_listing(root, [])
    assert listing.posts is not None
    assert list(listing.posts) == postcache._listing(root)
    assert [name for name, _ in listing.posts] == ["2026-01-02-c.md", "a.md", "link.md"]
    assert take_listing(tmp_path, []).posts is None  # no content/posts/ at all

    def refused(root: Path) -> list[object]:
        raise AssertionError("the post files were listed again")

    monkeypatch.setattr(postcache, "_listing", refused)
    out = tmp_path / "out"
    args = ["build", "-C", str(root), "--out", str(out), "--today", "2026-11-23"]
    assert main(args) == 0
    (root / "content/posts/a.md").write_text(POST.replace("Hello.", "Hello again."))
    assert main(args) == 0
    assert b"Hello again." in (out / "public/blog/a/index.html").read_bytes()
