"""Time cold `brandgen build` runs on generated blogs of N posts and compare with peer SSGs.

usage: python benchmarks/bench_build.py [--sizes 250,1000,4000] [--runs 5] [--verbose]

For each N it writes a deterministic site project (default /tmp/brandgen-bench/N/), then
times whole-process builds (`python -m brandgen build --out OUT --today 2026-11-23`, output
removed before every run, output on tmpfs) and prints min/median/max wall seconds, pages/s
and the ratio of the median to peer medians measured on the project machine.
Speed is a benchmark, not a test (STYLE.md rule 15): nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TODAY = "2026-11-23"
FIRST_POST_DAY = dt.date(2026, 11, 22)  # newest post; older ones one day apart, none future

# Peer medians in seconds (cold build, rich corpus, whole process, median of 5 after 1
# warm-up, output on tmpfs), copied from /work/shared/bench/RESULTS.md, "Cold builds, rich
# corpus", measured 2026-11-23 on this project's 2-vCPU machine. Those peers built N bare
# pages with one layout; brandgen also builds home, CV, topics, feed, sitemap and more.
PEER_MEDIANS: dict[str, dict[int, float]] = {
    "Hugo": {250: 0.132, 1000: 0.257, 4000: 0.942},
    "Eleventy": {250: 0.958, 1000: 1.284, 4000: 3.093},
    "floor1": {250: 0.294, 1000: 0.689, 4000: 2.596},  # Python floor, 1 process
}

# --- corpus: the "rich" shape of the shared gen_corpus.py, re-implemented here -----------

_LOREM = (
    "lorem ipsum dolor sit amet consectetur adipisicing elit sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam "
    "quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo "
    "consequat duis aute irure in reprehenderit voluptate velit esse cillum "
    "fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt "
    "culpa qui officia deserunt mollit anim id est laborum"
)
WORDS = tuple(_LOREM.split())
LANGS = ("python", "js", "bash", "toml")
TAGS = ("platform", "python", "leadership", "devex", "data", "writing")

BRANDGEN_YAML = """\
title: Bench Person
base_url: https://bench.example.org/brand/
language: en
posts_per_page: 10
timezone: UTC
"""
PROFILE_YAML = """\
name: Bench Person
headline: Engineer who writes a lot
value_proposition: I help teams measure before they optimise.
"""
SKILLS_YAML = """\
- name: Python
  category: Languages
  level: 4
  since: 2018
"""


def sentence(rng: random.Random, lo: int = 6, hi: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng: random.Random, lo: int = 3, hi: int = 5) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(lo, hi)))


def decorate(rng: random.Random, para: str, slug: str) -> str:
    """Put *emphasis*, **strong**, `inline code` and a link into a paragraph."""
    words = para.split(" ")
    if len(words) < 8:
        return para
    i, j, k, m = sorted(rng.sample(range(1, len(words) - 1), 4))

    def wrap(n: int, before: str, after: str) -> None:
        word = words[n]
        dot = "." if word.endswith(".") else ""
        words[n] = before + word.rstrip(".") + after + dot

    wrap(i, "*", "*")
    wrap(j, "**", "**")
    wrap(k, "`", "()`")
    wrap(m, "[", f"](https://example.com/{slug})")
    return " ".join(words)


def code_block(rng: random.Random, idx: int) -> str:
    lang = rng.choice(LANGS)
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    if lang == "python":
        body = f"def {a}_{idx}(x):\n    # {b}\n    return [x * i for i in range({idx % 7 + 2})]"
    elif lang == "js":
        body = f"function {a}{idx}(x) {{\n  // {b}\n  return x.map((i) => i * {idx % 7 + 2});\n}}"
    elif lang == "bash":
        body = f'for f in {a}/*.md; do\n  echo "$f" # {b}\ndone'
    else:
        body = f'[{a}]\nname = "{b}"\ncount = {idx}'
    return f"```{lang}\n{body}\n```"


def make_post(rng: random.Random, idx: int) -> tuple[str, str]:
    """(file name, text) of post `idx`; the date lives only in the file-name prefix."""
    title_words = [rng.choice(WORDS) for _ in range(5)]
    title = " ".join(title_words).capitalize() + f" {idx}"  # the index keeps titles unique
    date = FIRST_POST_DAY - dt.timedelta(days=idx)
    slug = f"{idx:05d}-" + "-".join(title_words)
    tags = rng.sample(TAGS, rng.randint(1, 2))
    front = f"---\ntitle: {title}\ntags: [{', '.join(tags)}]\n---\n\n"
    body = "\n\n".join([
        "## " + sentence(rng, 3, 6).rstrip("."),
        decorate(rng, paragraph(rng), slug),
        "\n".join("- " + sentence(rng, 3, 8) for _ in range(rng.randint(3, 5))),
        decorate(rng, paragraph(rng, 2, 4), slug),
        code_block(rng, idx),
        paragraph(rng, 2, 4),
    ])
    return f"{date.isoformat()}-{slug}.md", front + body + "\n"


def write_project(root: Path, n: int, seed: int) -> int:
    """Write a site project with `n` posts into `root` (posts replaced); returns bytes of posts."""
    posts = root / "content/posts"
    posts.mkdir(parents=True, exist_ok=True)
    for old in sorted(posts.glob("*.md")):
        old.unlink()
    (root / "brandgen.yaml").write_text(BRANDGEN_YAML, encoding="utf-8")
    (root / "content/profile.yaml").write_text(PROFILE_YAML, encoding="utf-8")
    (root / "content/skills.yaml").write_text(SKILLS_YAML, encoding="utf-8")
    rng = random.Random(f"{seed}:rich")
    total = 0
    for idx in range(n):
        name, text = make_post(rng, idx)
        data = text.encode("utf-8")
        (posts / name).write_bytes(data)
        total += len(data)
    return total


# --- timing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + sys of the build process
    peak_mib: float
    html: int


def build_command(out: Path, verbose: bool = False) -> list[str]:
    cmd = [sys.executable, "-m", "brandgen", "build", "--out", str(out), "--today", TODAY]
    return [*cmd, "-v"] if verbose else cmd


def cold_build(project: Path, out: Path) -> Run:
    """One whole-process build into a fresh output folder (the removal is not timed)."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(build_command(out), cwd=project, stdout=log, stderr=log)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            log.seek(0)
            sys.exit(f"build failed (exit {proc.returncode}) in {project}:\n"
                     + log.read().decode("utf-8", "replace"))
    html = sum(1 for _ in (out / "public").rglob("*.html"))
    # ru_maxrss is KiB on Linux.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, html)


def fmt_ratio(median: float, peer: str, n: int) -> str:
    ref = PEER_MEDIANS[peer].get(n)
    return f"{median / ref:6.2f}" if ref else "     -"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--sizes", default="250,1000",
                    help="comma-separated post counts (default 250,1000; 4000 also measured "
                         "by the peers)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per N (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    ap.add_argument("--root", type=Path, default=Path(tempfile.gettempdir()) / "brandgen-bench",
                    help="where projects are generated, one folder per N")
    ap.add_argument("--out", type=Path, default=Path("/dev/shm/brandgen-bench-out"),
                    help="build output (keep it on tmpfs; see RESULTS.md)")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="afterwards, build the largest N once with brandgen -v (stage times)")
    args = ap.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, output in {args.out}, "
          f"{args.warmup} warm-up + {args.runs} runs per N, cold (output removed each run)")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    header = (f"{'N':>5} {'min s':>7} {'median s':>9} {'max s':>7} {'cpu s':>6} {'MiB':>5} "
              f"{'html':>5} {'pages/s':>8} {'/Hugo':>6} {'/11ty':>6} {'/floor1':>7}")
    rows: list[str] = []
    for n in sizes:
        project = args.root / str(n)
        size = write_project(project, n, args.seed)
        print(f"N={n}: {size / n:.0f} B/post in {project}", flush=True)
        for _ in range(args.warmup):
            cold_build(project, args.out)
        runs = [cold_build(project, args.out) for _ in range(args.runs)]
        walls = [r.wall for r in runs]
        median = statistics.median(walls)
        html = runs[-1].html
        rows.append(
            f"{n:>5} {min(walls):7.3f} {median:9.3f} {max(walls):7.3f} "
            f"{statistics.median(r.cpu for r in runs):6.2f} "
            f"{max(r.peak_mib for r in runs):5.0f} {html:>5} {html / median:8.0f} "
            f"{fmt_ratio(median, 'Hugo', n)} {fmt_ratio(median, 'Eleventy', n)} "
            f"{fmt_ratio(median, 'floor1', n):>7}")
    print()
    print(header)
    for row in rows:
        print(row)
    print("load average after: {:.2f} {:.2f} {:.2f} (above the CPU count: times are inflated; "
          "cpu s is the steadier figure)".format(*os.getloadavg()))
    print("ratios: brandgen median / peer median from RESULTS.md (not paired: measured at "
          "another time; ~±15 % machine noise there)")

    if args.verbose:
        n = sizes[-1]
        shutil.rmtree(args.out, ignore_errors=True)
        print(f"\nbrandgen -v, N={n}, one cold build:", flush=True)
        start = time.perf_counter()
        proc = subprocess.Popen(build_command(args.out, verbose=True), cwd=args.root / str(n))
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        print(f"(whole process: wall {time.perf_counter() - start:.2f} s, cpu "
              f"{usage.ru_utime + usage.ru_stime:.2f} s; stage times are wall, so they "
              f"stretch with the machine's load)")
        if proc.returncode != 0:
            return proc.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
