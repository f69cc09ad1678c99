"""The whole-site files (feed, sitemap, CV PDF, llms.txt) are made by a forked worker while
the others render the pages: the same files and messages as one after the other."""

from __future__ import annotations

import os
import sys

import pytest

from brandgen.public import render as render_module
from tests.conftest import SiteMaker, errors_of, render, run_build, single_threaded
from tests.test_engine import POSTS, tree

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forked workers: Linux only")
MANY = {**POSTS, **{f"content/posts/2026-02-{i + 1:02d}-n{i}.md":
                    f"---\ntitle: N{i}\ntags: [x]\n---\nBody {i}.\n" for i in range(12)}}


def test_site_files_made_while_pages_render_are_the_same(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(MANY)
    alone = render(root, jobs=1, cache=False)
    calls: list[bool] = []  # in a worker, the call is recorded in the worker's copy only
    parent = os.getpid()
    real = render_module.site_files

    def site_files(*args: object) -> dict[str, bytes]:
        calls.append(os.getpid() == parent)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(render_module, "site_files", site_files)
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 2)
    single_threaded(monkeypatch)
    forked = render(root, jobs=2, cache=False)
    assert calls == []  # made in a worker
    assert dict(forked.public) == dict(alone.public)
    assert {"feed.xml", "sitemap.xml", "llms.txt"} <= forked.public.keys()
    assert [w.format() for w in forked.warnings] == [w.format() for w in alone.warnings]
    render(root, jobs=1, cache=False)
    assert calls == [True]  # in one process: here



@pytest.mark.parametrize("cache", [False, True])  # with a cache, only the misses fork
def test_an_error_made_in_the_worker_is_reported_as_in_one_process(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch, cache: bool) -> None:
    root = make_site({**MANY, "themes/default/templates/cv.typ": "#let x = (\n",
                      "themes/default/templates/tag.html": "{% extends 'default/tag.html' %}"
                      "{% block main %}{{ nope.x }}{% endblock %}"})
    alone = errors_of(root, jobs=1, cache=False)
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 2)
    single_threaded(monkeypatch)
    assert errors_of(root, jobs=2, cache=cache) == alone
    assert any("tag.html" in e for e in alone)
    assert any("cv.pdf" in e for e in alone)


def test_forked_workers_with_a_cache_build_every_page_even_the_uncacheable(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page without a key (its template includes a missing template `ignore missing`:
    its dependencies cannot be read, so it is never cached) must still be built by the
    workers, cold and warm."""
    root = make_site({**MANY, "themes/default/templates/post.html":
                      "{% extends 'default/post.html' %}{% block main %}{{ super() }}"
                      "{% include 'extra.html' ignore missing %}"
                      "{% endblock %}"})
    alone = dict(render(root, jobs=1, cache=False).public)
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 2)
    single_threaded(monkeypatch)
    for _ in range(2):  # cold cache, then warm
        forked = render(root, jobs=2, cache=True)
        assert dict(forked.public) == alone
    assert sum(1 for name in alone if name.startswith("blog/") and name.endswith(".html")) > 12


@pytest.mark.parametrize("cache", [False, True])
def test_pages_rendered_in_workers_wait_in_the_spill_not_in_this_process(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch, cache: bool) -> None:
    """A worker's pages go into anonymous files and are read back when asked for: the
    build process holds none of them, and every one is the page rendered alone."""
    root = make_site(MANY)
    alone = dict(render(root, jobs=1, cache=False).public)
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 2)
    single_threaded(monkeypatch)
    forked = render(root, jobs=2, cache=cache)
    pages = forked.public.maps[0]  # type: ignore[attr-defined]
    html = [name for name in alone if name.endswith(".html")]
    assert len(pages._spilled) == len(html) and not pages._held.keys() & set(html)
    assert dict(forked.public) == alone
    pages.close()  # as build() does once the writer is done: the memory files go
    assert pages._spill is None and not pages._spilled
    assert pages[html[0]] == alone[html[0]]  # not written here: rendered again


def test_after_a_build_its_pages_are_read_from_the_output_folder(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(MANY)
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 2)
    single_threaded(monkeypatch)
    result = run_build(root, out=root / "out", jobs=2)
    assert result.pages is not None and result.pages._spill is None
    written = tree(root / "out/public")
    assert {name: result.public[name] for name in written} == written


def test_a_spill_that_cannot_be_written_sends_the_pages_back(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    from brandgen.public.spill import Spill

    def full(self: Spill, chunk: int, pages: object) -> list[tuple[int, int, int]]:
        raise OSError(28, "No space left on device")

    root = make_site(MANY)
    alone = dict(render(root, jobs=1, cache=False).public)
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 2)
    monkeypatch.setattr(Spill, "put", full)
    single_threaded(monkeypatch)
    forked = render(root, jobs=2, cache=True)
    assert not forked.public.maps[0]._spilled  # type: ignore[attr-defined]
    assert dict(forked.public) == alone


def test_a_cold_build_makes_the_page_keys_while_the_workers_render(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no page in the cache, every page renders at once and the keys (for storing
    the digests) are made beside the workers: the same pages, and the next build renders
    none of them again."""
    from brandgen.public.pagecache import CachedPages

    root = make_site(MANY)
    alone = dict(render(root, jobs=1, cache=False).public)
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 2)
    single_threaded(monkeypatch)
    order: list[str] = []
    real_misses, real_map = CachedPages.miss_positions, \
        render_module.multiprocessing.pool.Pool.map_async

    def misses(self: CachedPages, outputs: object) -> object:
        order.append("keys")
        return real_misses(self, outputs)  # type: ignore[arg-type]

    def map_async(self: object, fn: object, *args: object, **kwargs: object) -> object:
        order.append(getattr(fn, "__name__", ""))
        return real_map(self, fn, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(CachedPages, "miss_positions", misses)
    monkeypatch.setattr(render_module.multiprocessing.pool.Pool, "map_async", map_async)
    run_build(root, out=root / "out", jobs=2)
    assert tree(root / "out/public") == alone
    assert order == ["_side_task", "_render_chunk", "keys"], order
    rendered: list[int] = []
    real_range = render_module._render_range
    monkeypatch.setattr(render_module, "_render_range", lambda site, env, outputs, *a:
                        rendered.append(len(outputs)) or real_range(site, env, outputs, *a))
    order.clear()
    run_build(root, out=root / "out", jobs=2)
    assert tree(root / "out/public") == alone
    assert order == ["keys"] and rendered == [0], (order, rendered)


def test_many_pages_share_at_most_spill_files_files_and_none_is_fine_too(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    """A task per 64 pages, but never more spill files than SPILL_FILES (a site of 60,000
    pages would run out of file descriptors); when not even those can be made, the
    workers send their pages back whole."""
    from brandgen.public.spill import Spill

    root = make_site(MANY)
    alone = dict(render(root, jobs=1, cache=False).public)
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 2)
    monkeypatch.setattr(render_module, "_CHUNK", 1)
    monkeypatch.setattr(render_module, "SPILL_FILES", 3)
    single_threaded(monkeypatch)
    made: list[int] = []
    real_init = Spill.__init__

    def counting(self: Spill, chunks: int) -> None:
        made.append(chunks)
        real_init(self, chunks)

    monkeypatch.setattr(Spill, "__init__", counting)
    assert dict(render(root, jobs=2, cache=False).public) == alone
    assert made == [3]

    def refused(self: Spill, chunks: int) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(Spill, "__init__", refused)
    forked = render(root, jobs=2, cache=False)
    assert dict(forked.public) == alone and not forked.public.maps[0]._spilled  # type: ignore[attr-defined]


def test_an_edited_template_renders_its_pages_while_the_keys_find_the_other_misses(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages of a template edited since the last build are certain misses: they render
    at once, the keys are made meanwhile, and what else changed (an edited post: its page,
    its neighbours, the lists) renders after them; the same site as without any cache,
    and the next build renders nothing."""
    from brandgen.bundled import BUNDLED_THEMES
    from brandgen.public.pagecache import CachedPages

    root = make_site(MANY)
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 2)
    single_threaded(monkeypatch)
    run_build(root, out=root / "out", jobs=2)
    tag = (BUNDLED_THEMES / "default/templates/tag.html").read_text()
    (root / "themes/default/templates").mkdir(parents=True, exist_ok=True)
    (root / "themes/default/templates/tag.html").write_text(tag + "<!-- edited -->\n")
    post = root / "content/posts/2026-02-03-n2.md"
    post.write_text(post.read_text() + "\nEdited.\n")
    alone = dict(render(root, jobs=1, cache=False).public)
    order: list[tuple[str, int]] = []
    real_misses, real_map = CachedPages.miss_positions, \
        render_module.multiprocessing.pool.Pool.map_async

    def misses(self: CachedPages, outputs: object) -> object:
        order.append(("keys", 0))
        return real_misses(self, outputs)  # type: ignore[arg-type]

    def map_async(self: object, fn: object, tasks: object, *args: object,
                  **kwargs: object) -> object:
        names = {site.routes[out.route].file for _, positions in tasks  # type: ignore[attr-defined]
                 for out in [site.outputs[i] for i in positions]} \
            if getattr(fn, "__name__", "") == "_render_chunk" else set()
        order.append((getattr(fn, "__name__", ""), len(names)))
        batches.append(names)
        return real_map(self, fn, tasks, *args, **kwargs)  # type: ignore[arg-type]

    batches: list[set[str]] = []
    site = None
    real_render = render_module.render_pages_and

    def capture(site_: object, *args: object, **kwargs: object) -> object:
        nonlocal site
        site = site_
        return real_render(site_, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render_module, "render_pages_and", capture)
    monkeypatch.setattr(CachedPages, "miss_positions", misses)
    monkeypatch.setattr(render_module.multiprocessing.pool.Pool, "map_async", map_async)
    run_build(root, out=root / "out", jobs=2)
    assert tree(root / "out/public") == alone
    assert [name for name, _ in order] == ["_side_task", "_render_chunk", "keys",
                                           "_render_chunk"], order
    assert site is not None
    tagged = {site.routes[out.route].file for out in site.outputs  # type: ignore[attr-defined]
              if out.template == "tag.html"}
    assert len(tagged) == 3
    assert batches[1] == tagged  # the edited template's pages, every one of them first
    assert "blog/n2/index.html" in batches[2] and not batches[2] & tagged
    order.clear()
    run_build(root, out=root / "out", jobs=2)
    assert tree(root / "out/public") == alone
    assert order == [("keys", 0)], order
