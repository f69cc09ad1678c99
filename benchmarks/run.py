"""Benchmark `brandgen build` against Hugo on the same generated site, paired run by run.

usage: python benchmarks/run.py [--sizes 250,1000,4000] [--runs 5] [--no-hugo] [--json FILE]

For each N it writes a seeded brandgen project and its Hugo twin (benchmarks/gen_corpus.py;
the twin's config and layouts come from --twin), then measures, with output on /dev/shm:
cold (no cache, no output), no-change rebuild, one post edited, one template edited, and
`--version` start-up. In every scenario brandgen and Hugo alternate (B H B H ...), so each
ratio is taken pair by pair and survives drift in machine speed; each figure is the median of
--runs runs after one untimed warm-up. Wall time is a monotonic clock around the child; CPU
(user+sys) and peak RSS (largest single process) come from os.wait4. The 1-minute load
average is recorded before every pair: on a busy machine, trust the ratios and CPU seconds
more than the wall seconds. Speed is a benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import write_site  # run as a script, beside this file

TWIN = Path("/work/shared/bench/peers/hugo-site")
TODAY = "2026-11-23"


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_mib: float
    load: float


@dataclass
class Row:
    scenario: str
    n: int
    brandgen: list[Sample] = field(default_factory=list)
    hugo: list[Sample] = field(default_factory=list)

    def ratios(self) -> list[float]:
        return [b.wall / h.wall for b, h in zip(self.brandgen, self.hugo, strict=False)]


# A user's install has brandgen's bytecode cached; an environment that forbids writing it
# (PYTHONDONTWRITEBYTECODE, set on some CI images) would make every run recompile brandgen.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], cwd: Path) -> Sample:
    load = os.getloadavg()[0]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=CHILD_ENV, start_new_session=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    _wait_for_group(proc.pid)  # work a command left to a child: not timed, never overlapped
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{err}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, load)


def _wait_for_group(pgid: int, limit: float = 30.0) -> None:
    """Wait until no live process of process group `pgid` is left: what brandgen forks to
    finish after the command returns (removing old output trees, writing the kept
    assembly) must not run during the next timed command, Hugo's or brandgen's."""
    if not os.path.isdir("/proc"):  # (not Linux: the next command may overlap it)
        return
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        alive = False
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != b"Z":  # (state, ppid, pgrp)
                alive = True
                break
        if not alive:
            return
        time.sleep(0.01)


def brandgen_cmd() -> list[str]:
    script = Path(sys.executable).with_name("brandgen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "brandgen"]


def _touch_text(path: Path, marker: str, counter: list[int]) -> None:
    """Change `path` for real (new bytes every time, in every run: a text seen before
    would be a cache hit), as an editor would."""
    counter[0] += 1
    text = path.read_text(encoding="utf-8").split(marker)[0]
    path.write_text(f"{text}{marker}{counter[0]}-{time.time_ns()}\n", encoding="utf-8")


@dataclass
class Scenario:
    name: str
    prepare: Callable[[], None]  # before each timed run, not timed
    timed_cache: bool = True  # False: cold, cache and output removed in prepare


ALL = ("cold", "no-change", "one post edited", "one template edited", "--version")


def measure(root: Path, n: int, runs: int, hugo: bool, out: Path,
            only: tuple[str, ...] = ALL) -> list[Row]:
    bg = [*brandgen_cmd(), "build", "--out", str(out / "bg"), "--today", TODAY]
    hg = ["hugo", "-s", str(root / "hugo"), "-d", str(out / "hugo"), "--quiet"]
    post = sorted((root / "content/posts").iterdir())[len(list((root / "content/posts")
                                                              .iterdir())) // 2]
    hugo_post = root / "hugo/content/posts" / post.name
    template = root / "themes/default/templates/base.html"
    bundled = Path(__file__).resolve().parent.parent / "themes/default/templates/base.html"
    counter = [0]

    def cold() -> None:
        shutil.rmtree(root / ".brandgen-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)

    def edit_post() -> None:
        _touch_text(post, "\nEdited paragraph ", counter)
        _touch_text(hugo_post, "\nEdited paragraph ", counter)

    def edit_template() -> None:
        template.parent.mkdir(parents=True, exist_ok=True)
        base = bundled.read_text(encoding="utf-8")
        counter[0] += 1  # unique across runs too: an edit seen before is a page-cache hit
        mark = f"{counter[0]}-{time.time_ns()}"
        template.write_text(base + f"<!-- edit {mark} -->\n", encoding="utf-8")
        layout = root / "hugo/layouts/_default/baseof.html"
        text = layout.read_text(encoding="utf-8").split("<!-- edit ")[0]
        layout.write_text(f"{text}<!-- edit {mark} -->\n", encoding="utf-8")

    scenarios = [Scenario("cold", cold), Scenario("no-change", lambda: None),
                 Scenario("one post edited", edit_post),
                 Scenario("one template edited", edit_template)]
    rows = []
    for sc in (sc for sc in scenarios if sc.name in only):
        row = Row(sc.name, n)
        for i in range(runs + 1):  # the first pair is an untimed warm-up
            sc.prepare()
            if sc.name == "no-change" and i == 0:
                time.sleep(2.1)  # let the inputs age past the racy-clean window
            b = run(bg, root)
            h = run(hg, root) if hugo else None
            if i:
                row.brandgen.append(b)
                if h:
                    row.hugo.append(h)
        rows.append(row)
        print(format_row(row), flush=True)
    shutil.rmtree(root / "themes", ignore_errors=True)
    if "--version" not in only:
        return rows
    version = Row("--version", n)
    for i in range(runs + 1):
        b = run([*brandgen_cmd(), "--version"], root)
        h = run(["hugo", "version"], root) if hugo else None
        if i:
            version.brandgen.append(b)
            if h:
                version.hugo.append(h)
    rows.append(version)
    print(format_row(version), flush=True)
    return rows


def _med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def format_row(row: Row) -> str:
    b, h = row.brandgen, row.hugo
    ratio = f"{_med(row.ratios()):.2f}×" if h else "—"
    return (f"| {row.n} | {row.scenario} | {_med([s.wall for s in b]):.3f} "
            f"| {_med([s.cpu for s in b]):.2f} | {max(s.peak_mib for s in b):.0f} "
            f"| {_med([s.wall for s in h]):.3f} | {_med([s.cpu for s in h]):.2f} | {ratio} "
            f"| {_med([s.load for s in b + h]):.1f} |")


HEADER = ("| N | work | brandgen wall s | brandgen CPU s | peak MiB | Hugo wall s | Hugo CPU s "
          "| paired ratio | load avg |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,1000,4000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/brandgen-bench"))
    parser.add_argument("--out", type=Path, default=Path("/dev/shm/brandgen-bench-out"))
    parser.add_argument("--twin", type=Path, default=TWIN)
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--no-cards", action="store_true",
                        help="`social_images: false`: the work the Hugo twin does (no images)")
    parser.add_argument("--json", type=Path, help="also write every sample here")
    parser.add_argument("--only", default=",".join(ALL),
                        help="comma-separated subset of: " + ", ".join(ALL))
    args = parser.parse_args()
    hugo = not args.no_hugo and shutil.which("hugo") is not None and args.twin.is_dir()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()}, hugo {'paired' if hugo else 'not run'}"
          f"{', social images off' if args.no_cards else ''}")
    print(HEADER)
    rows: list[Row] = []
    for n in (int(x) for x in args.sizes.split(",")):
        root = args.work / str(n)
        write_site(n, root, hugo_twin=args.twin if hugo else None)
        if args.no_cards:
            with (root / "brandgen.yaml").open("a", encoding="utf-8") as config:
                config.write("social_images: false\n")
        rows += measure(root, n, args.runs, hugo, args.out,
                        tuple(x.strip() for x in args.only.split(",")))
    colds = {r.n: _med([s.wall for s in r.brandgen]) for r in rows if r.scenario == "cold"}
    if len(colds) > 1:
        lo, hi = min(colds), max(colds)
        print(f"\nscaling {lo} -> {hi} posts, cold: {colds[hi] / colds[lo]:.1f}×")
    if args.json:
        args.json.write_text(json.dumps([{"n": r.n, "scenario": r.scenario,
                                          "brandgen": [vars(s) for s in r.brandgen],
                                          "hugo": [vars(s) for s in r.hugo]} for r in rows],
                                        indent=1), encoding="utf-8")
    shutil.rmtree(args.out, ignore_errors=True)


if __name__ == "__main__":
    main()
