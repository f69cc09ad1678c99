"""Markdown rendered ahead: on a build that parses many new posts in worker processes, the
same workers go on to render those posts' bodies into the cache while this process reads
the rest of the content, builds the dashboard and plans the routes (one core idle in the
old order); the Markdown stage then finds them there. A few new posts (one edited post) are
parsed here, and one forked process renders them meanwhile: importing and building the
Markdown engine is most of rendering a post or two, and it then happens off this process.

It is only ever a head start. A body is split from its file as the post parser splits it
and keyed as the Markdown stage keys it (brandgen/docs.py), so the stage reads exactly what
it would have rendered; a text it never asks for (a draft left out, a post with errors)
costs a render and nothing else, and anything not stored is simply rendered by the stage.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import signal
from pathlib import Path

from brandgen.cache import Cache, worker_cache
from brandgen.docs import DocInput, doc_key, render_batch, settings_fingerprint
from brandgen.sources import split_front_matter
from brandgen.typography import MarkdownSettings

# What forked workers inherit: set just before the pool forks, cleared once it has (this
# process must not keep 4000 texts alive through the Markdown stage).
_FORKED: tuple[list[tuple[str, str]], MarkdownSettings, str, str] | None = None


def _render_ahead(bounds: tuple[int, int]) -> None:
    """Worker: render the bodies of files[start:end] that the cache does not hold yet."""
    assert _FORKED is not None, "only called in a forked worker"
    files, settings, folder, fingerprint = _FORKED
    todo: dict[str, tuple[str, str, bool]] = {}
    for rel, text in files[bounds[0]:bounds[1]]:
        split = split_front_matter(text)
        if split.yaml_text is not None and split.closed:  # else the parser refuses it
            key = doc_key(DocInput(rel, split.body, split.body_line, True), fingerprint)
            todo[key] = (key, split.body, True)  # posts allow raw HTML
    held = worker_cache(Path(folder)).get_many("docs", sorted(todo))
    jobs = [job for key, job in todo.items() if key not in held]
    if jobs:  # (an edit to front matter only: the body is cached, the engine not loaded)
        render_batch(jobs, settings, folder)


def _render_quietly(bounds: tuple[int, int]) -> None:
    """render_few's process: _render_ahead, and nothing on the terminal whatever happens
    (Ctrl-C is the build's to handle, which then ends this process; a failure only means
    the Markdown stage renders the posts itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _render_ahead(bounds)
    except BaseException:
        os._exit(1)


class AheadPool:
    """One fork pool shared by the post parse and the Markdown rendered ahead of its stage
    (or, for a few new posts, one forked process rendering it: `render_few`).

    `fork(files)` makes the pool, where the parse has found forking worth it and safe (None
    without a cache that stores); `start(bounds)` queues the renders, in the parse's
    chunks, behind whatever the pool was given first; `finish()`
    waits for them and ends the pool, before any other stage forks (a pool's threads
    would make forking unsafe); `close()` ends it unfinished (a failed build)."""

    def __init__(self, jobs: int, cache: Cache | None, settings: MarkdownSettings) -> None:
        self.jobs, self.cache, self.settings = jobs, cache, settings
        self._pool: multiprocessing.pool.Pool | None = None
        self._pending: multiprocessing.pool.AsyncResult[list[None]] | None = None
        self._workers: set[int | None] = set()  # the pids forked with the pool
        self._process: multiprocessing.process.BaseProcess | None = None  # render_few's

    def _inherited(self, files: list[tuple[str, str]]
                   ) -> tuple[list[tuple[str, str]], MarkdownSettings, str, str] | None:
        """What a forked renderer of `files` needs, or None when rendering ahead is waste
        (no cache, or one that stores nothing)."""
        if self.cache is None or not self.cache.usable:
            return None
        return files, self.settings, str(self.cache.path.parent), \
            settings_fingerprint(self.settings)

    def fork(self, files: list[tuple[str, str]]) -> multiprocessing.pool.Pool | None:
        """The pool, forked now (call it after setting what the workers must inherit)."""
        global _FORKED
        inherited = self._inherited(files)
        if inherited is None or self._pool is not None:
            return None
        _FORKED = inherited
        before = {child.pid for child in multiprocessing.active_children()}
        try:
            self._pool = multiprocessing.get_context("fork").Pool(self.jobs)
        finally:
            _FORKED = None  # the workers have it
        self._workers = {child.pid for child in multiprocessing.active_children()} - before
        return self._pool

    def render_few(self, files: list[tuple[str, str]]) -> None:
        """Fork one process that renders the Markdown of `files` into the cache while
        this one goes on (for the few new posts this process parses itself)."""
        global _FORKED
        inherited = self._inherited(files)
        if inherited is None or self.jobs < 2 or not files or self._pool is not None \
                or self._process is not None:
            return
        _FORKED = inherited
        try:
            process = multiprocessing.get_context("fork").Process(
                target=_render_quietly, args=((0, len(files)),), daemon=True)
            process.start()
        except OSError:  # no process to spare: the Markdown stage renders them
            return
        finally:
            _FORKED = None  # the child has it
        self._process = process

    def start(self, bounds: list[tuple[int, int]]) -> None:
        """Queue the renders of files[start:end] for each of `bounds`, behind what the pool
        was given so far (the parse)."""
        if self._pool is None or self._pending is not None:
            return
        self._pending = self._pool.map_async(_render_ahead, bounds, chunksize=1)

    def finish(self) -> None:
        """Wait for the renders, then end the pool. A render that failed is the Markdown
        stage's to report; a worker that died (its task is never done) ends the wait, and
        the stage renders what was not stored."""
        if self._process is not None:
            process, self._process = self._process, None
            process.join()
        if self._pool is None:
            return
        pool, pending, self._pool, self._pending = self._pool, self._pending, None, None
        try:
            while pending is not None and not pending.ready() and self._alive():
                pending.wait(0.05)
        finally:
            pool.terminate()
            pool.join()

    def _alive(self) -> bool:
        """Whether every worker forked with the pool is still running."""
        return self._workers <= {child.pid for child in multiprocessing.active_children()}

    def close(self) -> None:
        """End the pool unfinished (a later stage raised)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._process = None
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool, self._pending = None, None
