"""Save -> changed page served, over real loopback HTTP: `brandgen serve` and `hugo server`.

For each corpus size N (benchmarks/gen_corpus.py, with its Hugo twin) both servers run at
once; each edit writes a file and then fetches the page that must change until the answer
contains the edit's marker. The time from just before the write to that answer is one sample.
Edits alternate between the tools (B H B H ...), one warm-up edit per kind is not counted;
before each edit both servers are idle (no CPU used for 150 ms: what the last save started,
a feed or Go's collector, is done); the page is fetched every 10 ms (both tools alike)
until it shows the edit.

  body      one post's body gets a new sentence            -> that post's page
  title     the newest post gets a new title                -> the first blog list page
  template  the post template gets a new paragraph          -> a post page
  CSS       the stylesheet gets a new rule                  -> the stylesheet

usage: python benchmarks/serve_bench.py [--sizes 1000 4000] [--edits 20] [--kinds body css]
                                       [--json FILE] [--no-hugo]
BRANDGEN_SERVE_BENCH_DIR (default /dev/shm/brandgen-serve-bench) is where the corpora go.
Nothing here asserts a time (STYLE.md rule 15).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HUGO_TWIN = Path("/work/shared/bench/peers/hugo-site")
WORK = Path(os.environ.get("BRANDGEN_SERVE_BENCH_DIR", "/dev/shm/brandgen-serve-bench"))
KINDS = ("body", "title", "template", "css")
READY_SECONDS = 1800.0
EDIT_SECONDS = 120.0
# How often the changed page is asked for: about what a browser's reload costs a server; a
# tighter loop measures how the server copes with a flood of requests instead.
POLL_SECONDS = 0.01
# Between two edits, both servers are let finish what the last save started (a feed, the
# other pages, Go's collector): an edit is timed on a quiet machine, as a writer's next save.
QUIET_SECONDS = 0.15
QUIET_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def cpu_ticks(process: subprocess.Popen[bytes]) -> int:
    """User + system CPU of a process so far, in clock ticks (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{process.pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def settle(processes: list[subprocess.Popen[bytes]]) -> None:
    """Return once no process has used a clock tick in QUIET_SECONDS (or after a timeout)."""
    deadline = time.perf_counter() + QUIET_TIMEOUT
    last, quiet_since = [cpu_ticks(p) for p in processes], time.perf_counter()
    while time.perf_counter() < deadline:
        time.sleep(0.05)
        now = [cpu_ticks(p) for p in processes]
        if now != last:
            last, quiet_since = now, time.perf_counter()
        elif time.perf_counter() - quiet_since >= QUIET_SECONDS:
            return


def wait_for(url: str, ok: Callable[[str], bool], seconds: float,
             process: subprocess.Popen[bytes] | None = None) -> float:
    """Fetch until ok(body); the moment it was first true (perf_counter), or raise."""
    deadline = time.perf_counter() + seconds
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        body = fetch(url)
        now = time.perf_counter()
        if ok(body):
            return now
        if now > deadline:
            raise TimeoutError(f"{url} never showed the change")
        time.sleep(POLL_SECONDS)


@dataclass
class Tool:
    """One server and where its edits go."""

    name: str
    url: str  # 'http://127.0.0.1:PORT/brand/'
    post_file: Path  # an older post: its page changes on a body edit
    post_url: str
    newest_file: Path  # on the first list page: a title edit changes that page
    list_url: str
    template: Path
    template_base: str
    css: Path
    css_url: str
    process: subprocess.Popen[bytes] | None = None

    def edit(self, kind: str, marker: str) -> tuple[Path, str, str]:
        """(file, new text, URL that must change); the caller writes and times it."""
        if kind == "body":
            # the last edit's sentence replaced: the post does not grow over the run
            text = re.sub(r"\n\S+ was added\.\n\Z", "", self.post_file.read_text())
            return self.post_file, text + f"\n{marker} was added.\n", self.post_url
        if kind == "title":
            text = re.sub(r"(?m)^title: .*$", f"title: {marker}", self.newest_file.read_text(),
                          count=1)
            return self.newest_file, text, self.list_url
        if kind == "template":
            text = self.template_base.replace("</article>", f"<p>{marker}</p></article>", 1)
            return self.template, text, self.post_url
        return self.css, f"/* {marker} */\nbody {{ margin: 0; }}\n", self.css_url


def corpus(n: int) -> Path:
    root = WORK / str(n)
    shutil.rmtree(root, ignore_errors=True)  # a cold start: no cache, no earlier edits
    if not (root / "brandgen.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), str(n), str(root),
                        "--hugo", str(HUGO_TWIN)], check=True, stdout=subprocess.DEVNULL)
    return root


def start_brandgen(root: Path) -> tuple[Tool, float]:
    port = free_port()
    log = open(root / "serve.log", "wb")  # noqa: SIM115 (open for the server's lifetime)
    proc = subprocess.Popen([sys.executable, "-m", "brandgen", "serve", "--port", str(port)],
                            cwd=root, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/brand/"
    posts = sorted((root / "content/posts").glob("*.md"))
    wait_for(url, lambda body: "<html" in body, READY_SECONDS, proc)
    built = re.search(r"Built \d+ pages in ([\d.]+) s", (root / "serve.log").read_text())
    bundled = (REPO / "themes/default").resolve()
    middle = posts[len(posts) // 2]
    tool = Tool("brandgen", url, middle, f"{url}blog/{middle.stem}/", posts[-1],
                f"{url}blog/", root / "themes/default/templates/post.html",
                (bundled / "templates/post.html").read_text(),
                root / "themes/default/static/theme.css", f"{url}assets/theme.css", proc)
    return tool, float(built.group(1)) if built else float("nan")


def start_hugo(root: Path) -> Tool | None:
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    site = root / "hugo"
    (site / "static").mkdir(exist_ok=True)
    (site / "static/bench.css").write_text("body { margin: 0; }\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}/brand/"
    proc = subprocess.Popen([hugo, "server", "--source", str(site), "--port", str(port),
                             "--bind", "127.0.0.1", "--baseURL", url, "--appendPort=false",
                             "--disableFastRender"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    posts = sorted((site / "content/posts").glob("*.md"))
    wait_for(url, lambda body: "<html" in body, READY_SECONDS, proc)
    single = site / "layouts/_default/single.html"
    middle = posts[len(posts) // 2].stem.lower()
    return Tool("hugo", url, posts[len(posts) // 2], f"{url}posts/{middle}/", posts[-1],
                f"{url}posts/", single, single.read_text(), site / "static/bench.css",
                f"{url}bench.css", proc)


def measure(tool: Tool, kind: str, marker: str, everyone: list[Tool]) -> float:
    path, text, url = tool.edit(kind, marker)
    path.parent.mkdir(parents=True, exist_ok=True)
    settle([t.process for t in everyone if t.process is not None])
    start = time.perf_counter()
    path.write_text(text)
    seen = wait_for(url, lambda body: marker in body, EDIT_SECONDS)
    return seen - start


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def run(sizes: list[int], edits: int, kinds: tuple[str, ...] = KINDS, hugo_too: bool = True
        ) -> dict[str, object]:
    results: dict[str, object] = {"load_before": os.getloadavg()[0], "sizes": {}}
    for n in sizes:
        root = corpus(n)
        brandgen, cold = start_brandgen(root)
        print(f"N={n}: brandgen's first (cold) build {cold:.1f} s", flush=True)
        hugo = start_hugo(root) if hugo_too else None
        tools = [t for t in (brandgen, hugo) if t is not None]
        samples: dict[str, dict[str, list[float]]] = {t.name: {k: [] for k in kinds}
                                                      for t in tools}
        try:
            for kind in kinds:
                for i in range(edits + 1):
                    for tool in tools:
                        seconds = measure(tool, kind, f"bench{kind}{n}x{i}x{time.time_ns()}",
                                          tools)
                        if i:  # the first edit of a kind is a warm-up
                            samples[tool.name][kind].append(seconds)
                print(f"N={n} {kind} (load {os.getloadavg()[0]:.1f}): " + ", ".join(
                    f"{name} median {statistics.median(s[kind]) * 1000:.0f} ms, "
                    f"p90 {p90(s[kind]) * 1000:.0f} ms" for name, s in samples.items()),
                    flush=True)
        finally:
            for tool in tools:
                assert tool.process is not None
                tool.process.terminate()
                tool.process.wait(timeout=30)
        results["sizes"][str(n)] = {  # type: ignore[index]
            "cold_first_build_s": cold, "load_after": os.getloadavg()[0],
            "samples": samples}
    return results


def table(results: dict[str, object]) -> str:
    rows = ["| N | edit | brandgen median | brandgen p90 | hugo median | hugo p90 |",
            "|---|---|---|---|---|---|"]
    for n, data in results["sizes"].items():  # type: ignore[attr-defined]
        samples = data["samples"]
        for kind in samples["brandgen"]:
            cells = []
            for name in ("brandgen", "hugo"):
                values = samples.get(name, {}).get(kind, [])
                cells += ([f"{statistics.median(values) * 1000:.0f} ms",
                           f"{p90(values) * 1000:.0f} ms"] if values else ["—", "—"])
            rows.append(f"| {n} | {kind} | " + " | ".join(cells) + " |")
        rows.append(f"| {n} | (first build, cold) | {data['cold_first_build_s']:.1f} s | | | |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-hugo", action="store_true", help="measure brandgen alone")
    args = parser.parse_args()
    results = run(args.sizes, args.edits, tuple(args.kinds), not args.no_hugo)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
