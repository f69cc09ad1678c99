"""Lighthouse scores of the example site's home, a post, the CV and the blog, desktop and mobile.

usage: python benchmarks/lighthouse.py [--project .] [--lighthouse PATH] [--presets desktop,mobile]
           [--pages home,post,cv,blog] [--runs N] [--json FILE] [--reports DIR]

Builds the project with `brandgen build --base-url http://127.0.0.1:PORT/brand/` into a
temporary folder, serves it under the sub-path /brand/ the way GitHub Pages does (gzip, a
10-minute cache lifetime, 404.html for a missing path), runs Lighthouse per page and preset
in headless Chromium, and prints the four category scores (0-100) per page, then every audit
that cost a point. With --runs N each page is measured N times and the run with the median
performance score is reported. Exits 1 when any score is below 100.

Lighthouse comes from npm (`npm install lighthouse` in a scratch folder); Chromium from
CHROME_PATH, else /usr/bin/chromium. Performance is measured on this machine under
Lighthouse's simulated throttling, so a busy machine can cost it points: rerun, or use
--runs 3, before believing a drop. A benchmark, not a test: it needs npm and ~30 s a run.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PREFIX = "/brand/"
COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}


class PagesHandler(SimpleHTTPRequestHandler):
    """Serve `directory` under PREFIX like GitHub Pages: gzip, max-age=600, 404.html."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if not path.startswith(PREFIX):
            self.send_file(None)
            return
        rel = path[len(PREFIX):]
        target = Path(self.directory, rel)
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            target = target / "index.html"
        inside = target.resolve().is_relative_to(Path(self.directory).resolve())
        self.send_file(target if inside and target.is_file() else None)

    def send_file(self, target: Path | None) -> None:
        status = HTTPStatus.OK
        if target is None:
            status, target = HTTPStatus.NOT_FOUND, Path(self.directory, "404.html")
        body = target.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Cache-Control", "max-age=600")
        if target.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)  # Lighthouse drops requests it no longer needs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(project: Path, base_url: str, out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "brandgen", "build", "--base-url", base_url,
                    "--out", str(out)], cwd=project, check=True, stdout=subprocess.DEVNULL)
    return out / "public"


def newest_post(public: Path, base_url: str) -> str:
    """The route of the feed's first entry, e.g. 'blog/a-post/'."""
    atom = "{http://www.w3.org/2005/Atom}"
    entry = ET.parse(public / "feed.xml").getroot().find(f"{atom}entry")
    link = entry.find(f"{atom}link") if entry is not None else None
    if link is None:
        raise SystemExit("the site has no posts: nothing to measure as 'post'")
    return link.attrib["href"].removeprefix(base_url)


def lighthouse(tool: str, url: str, preset: str, report: Path) -> dict[str, object]:
    cmd = [tool, url, "--output=json", f"--output-path={report}", "--quiet",
           "--chrome-flags=--headless=new --no-sandbox"]
    if preset == "desktop":
        cmd.append("--preset=desktop")  # mobile is Lighthouse's default
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(cmd, check=True, env=env)
    result: dict[str, object] = json.loads(report.read_text())
    return result


def scores(result: dict[str, object]) -> dict[str, int]:
    categories = result["categories"]
    assert isinstance(categories, dict)
    return {c: round(100 * (categories[c]["score"] or 0)) for c in CATEGORIES}


def lost_points(result: dict[str, object]) -> list[str]:
    """Titles of the audits that count towards a category score and did not pass."""
    audits, categories = result["audits"], result["categories"]
    assert isinstance(audits, dict) and isinstance(categories, dict)
    lost = []
    for cat in CATEGORIES:
        for ref in categories[cat]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{cat}: {ref['id']} ({audit['score']}): {audit['title']}")
    return lost


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", type=Path, default=Path.cwd(), help="site project to build")
    ap.add_argument("--lighthouse", default=shutil.which("lighthouse")
                    or "/tmp/lh/node_modules/.bin/lighthouse", help="the lighthouse CLI")
    ap.add_argument("--presets", default="desktop,mobile")
    ap.add_argument("--json", type=Path, help="also write the scores here")
    ap.add_argument("--reports", type=Path, help="keep Lighthouse's JSON reports in this folder")
    ap.add_argument("--pages", default="home,post,cv,blog", help="which of home,post,cv,blog")
    ap.add_argument("--runs", type=int, default=1,
                    help="runs per page and preset; the run with the median performance "
                         "score is reported (Lighthouse's advice for noisy machines)")
    args = ap.parse_args()
    if not Path(args.lighthouse).exists():
        raise SystemExit(f"no Lighthouse at {args.lighthouse}: run `npm install lighthouse` in "
                         "a scratch folder and pass --lighthouse DIR/node_modules/.bin/lighthouse")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}{PREFIX}"
    with tempfile.TemporaryDirectory(prefix="brandgen-lh-") as tmp:
        public = build(args.project.resolve(), base_url, Path(tmp, "site"))
        server = ThreadingHTTPServer(("127.0.0.1", port),
                                     functools.partial(PagesHandler, directory=str(public)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        pages = {"home": "", "post": newest_post(public, base_url), "cv": "cv/", "blog": "blog/"}
        pages = {k: v for k, v in pages.items() if k in args.pages.split(",")}
        reports = args.reports or Path(tmp)
        reports.mkdir(parents=True, exist_ok=True)
        rows, worst = [], 100
        try:
            for preset in args.presets.split(","):
                for name, route in pages.items():
                    results = [lighthouse(args.lighthouse, base_url + route, preset,
                                          reports / f"{preset}-{name}-{n}.json")
                               for n in range(1, args.runs + 1)]
                    results.sort(key=lambda r: scores(r)["performance"])
                    result = results[len(results) // 2]
                    row = {"page": name, "route": route, "preset": preset, **scores(result)}
                    rows.append(row)
                    worst = min([worst] + [int(row[c]) for c in CATEGORIES])  # type: ignore[call-overload]
                    print(f"{preset:8} {name:5} /{route:42} "
                          + "  ".join(f"{c} {row[c]:>3}" for c in CATEGORIES), flush=True)
                    for line in lost_points(result):
                        print(f"{'':15}{line}", flush=True)
        finally:
            server.shutdown()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
