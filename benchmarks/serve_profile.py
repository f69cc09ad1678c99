"""In-process cost of one dev-server rebuild: CPU seconds per edit, and optionally a profile.

Runs `IncrementalSite.rebuild` on a corpus (benchmarks/gen_corpus.py) with the watcher's
changes made by hand, so what is measured is the rebuild alone, not the watcher or HTTP.

usage: python benchmarks/serve_profile.py CORPUS [--edits 5] [--kinds body title]
                                          [--profile FILE_PREFIX] [--freeze-gc] [--eager]
Nothing here asserts a time (STYLE.md rule 15).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import inspect
import re
import statistics
import time
from pathlib import Path

from brandgen.serve.incremental import IncrementalSite

LOCAL = "http://127.0.0.1:8123"


def marker(step: int) -> str:
    return f"profile edit {step}"


def edit(root: Path, kind: str, step: int) -> Path:
    posts = sorted((root / "content/posts").glob("*.md"))
    if kind == "body":
        path = posts[len(posts) // 2]
        # the last edit's sentence replaced, so that runs do not make the post grow
        text = re.sub(r"\nprofile edit \d+\.\n\Z", "", path.read_text())
        path.write_text(text + f"\n{marker(step)}.\n")
    else:
        path = posts[-1]
        path.write_text(re.sub(r"(?m)^title: .*$", f"title: {marker(step)}",
                               path.read_text(), count=1))
    return path


GC_SPENT = [0.0, 0.0]


def _gc_timer(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        GC_SPENT[1] = time.process_time()
    else:
        GC_SPENT[0] += time.process_time() - GC_SPENT[1]


def main() -> None:
    gc.callbacks.append(_gc_timer)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--kinds", nargs="+", default=["body", "title"])
    parser.add_argument("--profile", help="write FILE_PREFIX-KIND.prof of the last edit")
    parser.add_argument("--freeze-gc", action="store_true",
                        help="gc.collect() and gc.freeze() after each edit, as the server")
    parser.add_argument("--eager", action="store_true",
                        help="render every changed page before returning, as a test does")
    args = parser.parse_args()
    root = args.corpus.resolve()
    now = dt.datetime.now(dt.UTC)
    site = IncrementalSite(root, LOCAL)
    # An older IncrementalSite (for an A/B run against it) has no lazy mode.
    lazy = {"lazy": not args.eager} \
        if "lazy" in inspect.signature(site.rebuild).parameters else {}
    start = time.process_time()
    first = site.rebuild([], now)
    first.warnings  # noqa: B018 -- the link check, as the server runs it
    print(f"first build: {time.process_time() - start:.2f} s CPU, {first.page_count} pages")
    for kind in args.kinds:
        cpu, rendered = [], 0
        served = "blog/index.html"
        for step in range(args.edits + 1):
            path = edit(root, kind, step)
            if kind == "body":
                served = f"blog/{path.stem}/index.html"
            profiler = cProfile.Profile() if args.profile and step == args.edits else None
            start = time.process_time()
            GC_SPENT[0] = 0.0
            if profiler:
                profiler.enable()
            built = site.rebuild([("content", path)], now, **lazy)
            page = built.public[served]  # what the benchmark's request makes
            if profiler:
                profiler.disable()
                profiler.dump_stats(f"{args.profile}-{kind}.prof")
            spent = time.process_time() - start
            in_gc = GC_SPENT[0]
            assert marker(step) in page.decode()
            start = time.process_time()
            built.warnings  # noqa: B018 -- finish() and the link check
            if hasattr(built, "finish"):
                built.finish()
            links = time.process_time() - start
            if args.freeze_gc:  # as the server does after each rebuild
                gc.collect()
                gc.freeze()
            if step:  # the first is a warm-up
                cpu.append(spent)
                rendered = built.rendered
            print(f"  {kind} {step}: {spent * 1000:.0f} ms CPU to the served page (+"
                  f"{links * 1000:.0f} ms to finish and check links; {in_gc * 1000:.0f} ms in gc), "
                  f"{built.rendered} rendered, "
                  + " ".join(f"{k}={v * 1000:.0f}" for k, v in built.timings.items()))
        print(f"{kind}: median {statistics.median(cpu) * 1000:.0f} ms CPU, {rendered} pages "
              "rendered")


if __name__ == "__main__":
    main()
