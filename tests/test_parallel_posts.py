"""New posts parsed by forked workers: the same posts and the same messages, in the same
order, as parsing them one by one here (a file with any message is parsed again in order)."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

from brandgen import documents
from brandgen.build import BuildResult
from brandgen.documents import load_posts
from brandgen.errors import Problems
from tests.conftest import SiteMaker, errors_of, single_threaded

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


AHEAD = {f"content/posts/2026-03-{i % 28 + 1:02d}-a{i}.md":
         f"---\ntitle: Ahead {i}\ntags: [t{i % 3}]\n{'draft: true' + chr(10) if i == 5 else ''}"
         f"---\nSome *text* of post {i}, with [a link](/about/).\n\n```python\nx = {i}\n```\n"
         for i in range(30)}
AHEAD["content/posts/2026-04-01-broken.md"] = "---\ntitle: [unclosed\n---\nNever shown.\n"


def _files(result: BuildResult) -> dict[str, bytes]:
    return {name: bytes(result.public[name]) for name in sorted(result.public)}


def _started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What rendered ahead, per call: "pool" or "process" (render_few's), else nothing."""
    from brandgen.ahead import AheadPool

    seen: list[str] = []
    real_fork, real_few = AheadPool.fork, AheadPool.render_few

    def fork(self: AheadPool, files: list[tuple[str, str]]) -> object:
        made = real_fork(self, files)
        seen.extend(["pool"] if made is not None else [])
        return made

    def render_few(self: AheadPool, files: list[tuple[str, str]]) -> None:
        real_few(self, files)
        seen.extend(["process"] if self._process is not None else [])

    monkeypatch.setattr(AheadPool, "fork", fork)
    monkeypatch.setattr(AheadPool, "render_few", render_few)
    return seen


# many: the parse workers render ahead; few: one forked process does, the parse is here
HOW_MANY = pytest.mark.parametrize("parallel_posts", [2, documents.PARALLEL_POSTS],
                                   ids=["many", "few"])


@HOW_MANY
def test_markdown_rendered_ahead_is_what_the_stage_renders(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch, parallel_posts: int) -> None:
    """With new posts, forked workers render their Markdown into the cache ahead of the
    Markdown stage (the parse workers, with many; one process, with a few, such as one
    edited post), which then renders no post itself; the site is byte for byte the one
    built without workers or cache, errors included (a broken post, a draft)."""
    from brandgen import docs
    from tests.conftest import render

    root = make_site({**AHEAD, "content/posts/2026-04-01-broken.md": None})
    alone = _files(render(root, jobs=1, cache=False))
    monkeypatch.setattr(documents, "PARALLEL_POSTS", parallel_posts)
    single_threaded(monkeypatch)
    staged: list[str] = []
    real = docs._render_misses

    def counted(todo: list[tuple[str, str, bool]], *args: object) -> object:
        staged.extend(body for _, body, _ in todo)
        return real(todo, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(docs, "_render_misses", counted)
    assert _files(render(root, jobs=2)) == alone
    assert not [body for body in staged if "Some *text* of post" in body]
    # the pool is gone with its threads: later stages fork only in a one-thread process
    assert not [t.name for t in threading.enumerate() if "_handle_" in t.name]
    assert _files(render(root, jobs=2)) == alone  # and from the cache it filled
    edited = root / "content/posts/2026-03-02-a1.md"
    edited.write_text(AHEAD["content/posts/2026-03-02-a1.md"] + "\nOne *more* line.\n")
    expected = _files(render(root, jobs=1, cache=False))
    staged.clear()
    assert _files(render(root, jobs=2)) == expected
    assert not staged, "the edited post's Markdown was rendered ahead"
    edited.write_text(AHEAD["content/posts/2026-03-02-a1.md"])

    (root / "content/posts/2026-04-01-broken.md").write_text(
        AHEAD["content/posts/2026-04-01-broken.md"])
    shutil.rmtree(root / ".brandgen-cache")
    assert errors_of(root, jobs=2) == errors_of(root, jobs=1, cache=False)


@HOW_MANY
def test_a_build_that_fails_before_the_markdown_stage_leaves_no_workers(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch, parallel_posts: int) -> None:
    """The workers rendering ahead are ended when a later stage raises, not left running."""
    import multiprocessing

    from brandgen import private
    from tests.conftest import render

    root = make_site(AHEAD)
    monkeypatch.setattr(documents, "PARALLEL_POSTS", parallel_posts)
    single_threaded(monkeypatch)

    def broken(*args: object, **kwargs: object) -> None:
        assert multiprocessing.active_children(), "the workers render ahead meanwhile"
        raise RuntimeError("a bug in a later stage")

    monkeypatch.setattr(private, "build_private", broken)
    started = _started(monkeypatch)
    with pytest.raises(RuntimeError):
        render(root, jobs=2)
    assert started == ["pool" if parallel_posts == 2 else "process"]
    assert not multiprocessing.active_children()


@HOW_MANY
def test_a_worker_that_dies_while_rendering_ahead_ends_the_wait(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch, parallel_posts: int) -> None:
    """A worker killed mid-task (out of memory, a crash in a compiled library) never
    finishes its task: the build stops waiting for it and renders the rest itself."""
    from brandgen import ahead
    from tests.conftest import render

    root = make_site({**AHEAD, "content/posts/2026-04-01-broken.md": None})
    alone = _files(render(root, jobs=1, cache=False))
    monkeypatch.setattr(documents, "PARALLEL_POSTS", parallel_posts)
    single_threaded(monkeypatch)
    monkeypatch.setattr(ahead, "_render_ahead", _die)
    started = _started(monkeypatch)
    assert _files(render(root, jobs=2)) == alone
    assert started == ["pool" if parallel_posts == 2 else "process"]


def _die(bounds: tuple[int, int]) -> None:
    """A worker's task that kills the worker (sent by name, so defined at module level)."""
    os._exit(1)
