"""New posts parsed by forked workers: the same posts and the same messages, in the same
order, as parsing them one by one here (a file with any message is parsed again in order)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from brandgen import documents
from brandgen.documents import load_posts
from brandgen.errors import Problems
from tests.conftest import SiteMaker, single_threaded

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forked workers: Linux only")


def _post(i: int, extra: str = "") -> str:
    return f"---\ntitle: Post {i}\n{extra}---\nBody of post {i}.\n"


FILES = {f"content/posts/2026-01-{i % 28 + 1:02d}-p{i}.md": _post(i) for i in range(40)}
FILES |= {
    "content/posts/2026-02-01-dup.md": _post(100, "slug: p3\n"),  # taken by p3
    "content/posts/2026-02-02-bad.md": "---\ntitle: [unclosed\n---\nx\n",
    "content/posts/no-date.md": "---\ntitle: No date\n---\nx\n",
    "content/posts/2026-02-05-unknown.md": _post(102, "colour: red\n"),
}


def _load(root: Path, jobs: int) -> tuple[tuple[object, ...], list[str], list[str]]:
    problems = Problems()
    posts = load_posts(root, problems, "Europe/Berlin", None, frozenset(), jobs)
    return posts, [e.format() for e in problems.errors], [w.format() for w in problems.warnings]


def test_forked_parse_gives_the_same_posts_and_messages(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(FILES)
    alone = _load(root, 1)
    monkeypatch.setattr(documents, "PARALLEL_POSTS", 2)
    single_threaded(monkeypatch)
    monkeypatch.setattr(documents, "_CHUNK", 7)
    ready = documents.parse_clean(root, [(rel, (root / rel).read_text()) for rel in FILES],
                                  "Europe/Berlin", 2)
    assert _load(root, 2) == alone
    assert len(alone[1]) == 4  # errors in several files, to be reported in order
    # Workers return only the files that parsed without any message; a duplicate slug
    # shows only in order, so the parent finds it.
    assert set(FILES) - set(ready) == {"content/posts/2026-02-02-bad.md",
                                       "content/posts/no-date.md",
                                       "content/posts/2026-02-05-unknown.md"}


def test_small_sites_and_one_job_parse_here(make_site: SiteMaker,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(FILES)
    todo = [(rel, (root / rel).read_text()) for rel in FILES]
    assert documents.parse_clean(root, todo, "UTC", 1) == {}
    assert documents.parse_clean(root, todo, "UTC", 2) == {}  # below PARALLEL_POSTS
    monkeypatch.setattr(documents, "PARALLEL_POSTS", 2)
    single_threaded(monkeypatch)
    assert len(documents.parse_clean(root, todo, "UTC", 2)) == len(FILES) - 3
