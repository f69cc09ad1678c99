"""Posts reused by their stat: an unchanged file is not even read, and every way a file can
change unseen by (size, mtime) is still read again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from brandgen import postcache
from tests.conftest import SiteMaker, run_build, write_files
from tests.test_engine import POSTS, built

B = "content/posts/2026-01-02-b.md"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The post files read (rel paths), over all builds."""
    seen: list[str] = []
    real = postcache.read_text

    def counting(path: Path, rel: str, problems: object) -> str | None:
        seen.append(rel)
        return real(path, rel, problems)  # type: ignore[arg-type]

    monkeypatch.setattr(postcache, "read_text", counting)
    return seen


@pytest.fixture
def no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written a moment ago count as settled (else the test would wait 2 s)."""
    monkeypatch.setattr(postcache, "RACY_NS", 0)


def test_unchanged_posts_are_not_read_again(make_site: SiteMaker, tmp_path: Path,
                                            reads: list[str], no_racy_window: None) -> None:
    root = make_site(POSTS)
    first = built(root, tmp_path / "o")
    assert len(reads) == 3
    assert built(root, tmp_path / "o") == first
    assert len(reads) == 3  # all three from their stat
    assert built(root, tmp_path / "p", cache=False) == first


def test_a_file_changed_within_the_racy_window_is_read_again(
        make_site: SiteMaker, tmp_path: Path, reads: list[str]) -> None:
    root = make_site(POSTS)  # just written: a second edit could keep size and mtime
    built(root, tmp_path / "o")
    built(root, tmp_path / "o")
    assert len(reads) == 6  # none was recorded, so each build read every file


def test_an_edit_of_the_same_size_with_its_mtime_restored_is_seen(
        make_site: SiteMaker, tmp_path: Path, reads: list[str], no_racy_window: None) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    path = root / B
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Body of B.", "Body of Q."), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # as `touch -r` or a sync tool would
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    after = built(root, tmp_path / "o")
    assert b"Body of Q." in after["blog/b/index.html"]
    assert after == built(root, tmp_path / "p", cache=False)


def test_a_touched_but_unchanged_post_is_read_and_not_parsed_again(
        make_site: SiteMaker, tmp_path: Path, reads: list[str], no_racy_window: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from brandgen import documents

    root = make_site(POSTS)
    first = built(root, tmp_path / "o")
    parsed: list[str] = []
    real = documents._post
    monkeypatch.setattr(documents, "_post", lambda path, *a: parsed.append(path.name)
                        or real(path, *a))
    os.utime(root / B, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    reads.clear()
    assert built(root, tmp_path / "o") == first
    assert reads == [B] and parsed == []  # read (new stat), then found by its text


def test_renamed_and_deleted_posts_leave_no_trace(
        make_site: SiteMaker, tmp_path: Path, reads: list[str], no_racy_window: None) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    c = "content/posts/2026-01-03-c.md"
    (root / c).rename(root / "content/posts/2026-01-03-z.md")  # same inode, new name
    (root / "content/posts/2026-01-01-a.md").unlink()
    after = built(root, tmp_path / "o")
    assert "blog/z/index.html" in after and "blog/c/index.html" not in after
    assert "blog/a/index.html" not in after
    assert after == built(root, tmp_path / "p", cache=False)
    # The old name back with other text: its recorded stat must not bring back the old C.
    write_files(root, {c: POSTS[c].replace("Body of C.", "Body of C2.")})
    again = built(root, tmp_path / "o")
    assert b"Body of C2." in again["blog/c/index.html"]


def test_a_post_with_an_error_is_read_and_reported_every_time(
        make_site: SiteMaker, tmp_path: Path, no_racy_window: None) -> None:
    from brandgen.errors import BuildError

    root = make_site({**POSTS, "content/posts/2026-01-04-d.md": "---\ntitle: [\n---\nx\n"})
    for _ in range(2):
        with pytest.raises(BuildError) as info:
            run_build(root, out=tmp_path / "o")
        assert [e.path for e in info.value.errors] == ["content/posts/2026-01-04-d.md"]


def test_each_post_the_cache_read_or_stored_carries_its_key_until_the_next_load(
        make_site: SiteMaker) -> None:
    """Page keys stand for a Post by the key it was read or stored under (see pagecache):
    every post of a load has one, the posts of an earlier load and of a load without the
    cache have none, and a changed file gets another key."""
    from brandgen.cache import open_cache
    from brandgen.documents import load_posts
    from brandgen.errors import Problems
    from brandgen.model import Post

    root = make_site(POSTS)

    def load() -> tuple[Post, ...]:
        cache = open_cache(root)
        assert cache is not None
        try:
            return load_posts(root, Problems(), cache=cache)
        finally:
            cache.close()

    first = load()  # parsed and stored
    keys = {post.doc.source: postcache.post_key(post) for post in first}
    assert all(keys.values()) and len(set(keys.values())) == len(keys)
    second = load()  # read from the cache: other objects, the same keys
    assert {post.doc.source: postcache.post_key(post) for post in second} == keys
    assert all(postcache.post_key(post) is None for post in first)
    write_files(root, {B: POSTS[B].replace("title: B", "title: Bee")})
    third = load()
    changed = {post.doc.source: postcache.post_key(post) for post in third}
    assert changed[B] != keys[B]
    assert {k: v for k, v in changed.items() if k != B} == \
        {k: v for k, v in keys.items() if k != B}
    assert all(postcache.post_key(post) is None
               for post in load_posts(root, Problems()))
