"""The built example site as its users meet it: valid HTML, links that resolve under a
sub-path, no third-party requests, parseable feed/sitemap, a schema-valid resume.json and
complete SEO metadata on every page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator, FormatChecker

from brandgen.build import BuildOptions, BuildResult, build
from tests.conftest import MINIMAL, NOW, write_files
from tests.tools import (
    DATA,
    KITCHEN_SINK_SLUG,
    Ref,
    check_page,
    check_site_links,
    check_url,
    example_build,
    format_vnu,
    parse_page,
    pdf_page_count,
    target_file,
    vnu_messages,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The example persona (plus the kitchen-sink post), built once under /brand/."""
    return example_build(tmp_path_factory)


@pytest.fixture(scope="session")
def public(example: BuildResult) -> Path:
    return example.public_dir


@pytest.fixture(scope="session")
def base_url(example: BuildResult) -> str:
    return example.config.base_url


def html_pages(public: Path) -> list[Path]:
    return sorted(public.rglob("*.html"))


def test_example_is_built_under_a_sub_path(public: Path, base_url: str) -> None:
    assert urlsplit(base_url).path == "/brand/"
    assert (public / f"blog/{KITCHEN_SINK_SLUG}/index.html").is_file()
    assert len(html_pages(public)) >= 20


# --- HTML validity -------------------------------------------------------------------------

def test_nu_html_checker_reports_no_errors(example: BuildResult) -> None:
    targets = [example.public_dir]
    dashboard = example.private_dir / "index.html"
    if dashboard.is_file():
        targets.append(dashboard)
    messages = vnu_messages(targets)
    assert not messages, f"{len(messages)} Nu Html Checker errors:\n{format_vnu(messages)}"


def test_nu_html_checker_catches_an_invalid_page(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html lang=en><title>x</title><p><div>nested</p>",
                   encoding="utf-8")
    assert vnu_messages([bad]), "the checker must report an invalid page"


# --- Links and assets under the sub-path ---------------------------------------------------

def test_every_internal_url_resolves(public: Path, base_url: str) -> None:
    problems = check_site_links(public, base_url)
    assert not problems, "\n".join(problems)


def test_pages_use_the_base_path(public: Path, base_url: str) -> None:
    refs = parse_page((public / "cv/index.html").read_text(encoding="utf-8")).refs
    stylesheets = [r.url for r in refs if r.tag == "link" and r.rel == "stylesheet"]
    assert stylesheets and all(u.startswith("/brand/") for u in stylesheets), stylesheets


def test_link_checker_catches_broken_pages(tmp_path: Path) -> None:
    base = "https://ada.github.io/brand/"
    (tmp_path / "cv").mkdir()
    (tmp_path / "cv/index.html").write_text('<h2 id="skills">Skills</h2>', encoding="utf-8")
    page = tmp_path / "index.html"
    page.write_text(
        '<link rel="stylesheet" href="/theme.css">'                       # outside /brand/
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'    # a CDN
        '<script src="https://cdn.example.com/x.js"></script>'
        '<img src="missing.png" srcset="/brand/cv/ 1x, /brand/nope.png 2x" alt="">'
        '<a href="/brand/cv/#skills">ok</a><a href="/brand/cv/#nope">bad fragment</a>'
        '<a href="https://elsewhere.example/">fine</a><a href="mailto:a@b.c">fine</a>'
        '<a href="/brand/cv/">fine</a><a href="cv/">fine, relative</a>',
        encoding="utf-8")
    problems = check_page(tmp_path, base, page)
    assert len(problems) == 6, "\n".join(problems)
    (tmp_path / "404.html").write_text('<a href="cv/">relative</a>', encoding="utf-8")
    assert any("relative URL" in p for p in check_page(tmp_path, base, tmp_path / "404.html"))


def test_no_page_loads_anything_from_another_host(public: Path, base_url: str) -> None:
    for file in html_pages(public):
        for ref in parse_page(file.read_text(encoding="utf-8")).refs:
            if ref.tag in ("link", "script", "img", "source", "iframe") and ref.rel not in (
                    "canonical", "alternate", "me"):
                host = urlsplit(ref.url).netloc
                assert host in ("", urlsplit(base_url).netloc), f"{file}: {ref}"


# --- Feed, sitemap, robots -------------------------------------------------------------

def test_feed_parses_and_every_link_is_absolute(public: Path, base_url: str) -> None:
    feed = ET.parse(public / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) >= 6
    for entry in entries:
        links = [link.get("href", "") for link in entry.findall(f"{ATOM}link")]
        entry_id = entry.findtext(f"{ATOM}id", "")
        content = entry.findtext(f"{ATOM}content", "")
        assert links and content.strip(), entry_id
        content_refs = parse_page(content).refs
        for url in [*links, entry_id, *(r.url for r in content_refs)]:
            parts = urlsplit(url)
            assert parts.scheme in ("https", "http", "mailto") and (parts.netloc or
                                                                    parts.scheme == "mailto"), (
                f"relative URL {url!r} in feed entry {entry_id}")
        for url in [*links, *(r.url for r in content_refs)]:
            problem = check_url(public, base_url, f"feed entry {entry_id}", Ref("a", "href", url),
                                base_url)
            assert problem is None, problem
    for link in feed.findall(f"{ATOM}link"):
        assert link.get("href", "").startswith(base_url)


def test_sitemap_lists_only_existing_pages_under_base_url(public: Path, base_url: str) -> None:
    root = ET.parse(public / "sitemap.xml").getroot()
    locs = [el.text or "" for el in root.iter(f"{SITEMAP}loc")]
    assert len(locs) >= 20
    for loc in locs:
        assert loc.startswith(base_url), loc
        target = target_file(public, loc, base_url)
        assert target is not None and target.is_file(), loc
    assert base_url + "404.html" not in locs
    assert len(set(locs)) == len(locs)


def test_robots_txt_names_the_sitemap(public: Path, base_url: str) -> None:
    lines = (public / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {base_url}sitemap.xml" in lines


# --- resume.json ---------------------------------------------------------------------------

def resume_errors(resume: object) -> list[str]:
    schema = json.loads((DATA / "jsonresume-schema.json").read_text(encoding="utf-8"))
    validator = Draft7Validator(schema, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(resume)]


def test_resume_json_matches_the_json_resume_schema(public: Path) -> None:
    resume = json.loads((public / "resume.json").read_text(encoding="utf-8"))
    assert not resume_errors(resume), "\n".join(resume_errors(resume))
    for key in ("basics", "work", "education", "skills", "projects"):
        assert resume.get(key), f"resume.json lacks {key}"


def test_resume_schema_check_can_fail() -> None:
    assert resume_errors({"basics": {"email": "not an email", "name": 3}})


# --- SEO metadata ------------------------------------------------------------------------

class HeadParser(HTMLParser):
    """Meta tags by name/property, first <link> href per rel, <title> and JSON-LD blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.metas: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.ld: list[str] = []
        self.title = ""
        self.inside = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in a or "property" in a):
            self.metas.setdefault(a.get("property") or a["name"], a.get("content", ""))
        elif tag == "link" and "rel" in a:
            self.links.setdefault(a["rel"], a.get("href", ""))
        elif tag == "script" and a.get("type") == "application/ld+json":
            self.ld.append("")
            self.inside = "ld"
        elif tag == "title":
            self.inside = "title"

    def handle_endtag(self, tag: str) -> None:
        self.inside = ""

    def handle_data(self, data: str) -> None:
        if self.inside == "ld":
            self.ld[-1] += data
        elif self.inside == "title":
            self.title += data


def head_of(file: Path) -> tuple[dict[str, str], dict[str, str], list[object]]:
    """(meta by name/property plus "<title>", <link rel> hrefs, parsed JSON-LD) of a page."""
    head = HeadParser()
    head.feed(file.read_text(encoding="utf-8"))
    head.close()
    return ({**head.metas, "<title>": head.title.strip()}, head.links,
            [json.loads(block) for block in head.ld])


REQUIRED_META = ("<title>", "description", "og:title", "og:description", "og:url", "og:type",
                 "twitter:card")


def test_every_page_has_complete_metadata(public: Path, base_url: str) -> None:
    for file in html_pages(public):
        metas, links, _ = head_of(file)
        where = file.relative_to(public)
        for key in REQUIRED_META:
            assert metas.get(key, "").strip(), f"{where}: no {key}"
        assert links.get("canonical", "").startswith(base_url), f"{where}: canonical"
        assert metas["og:url"] == links["canonical"], where


def ld_types(file: Path) -> set[str]:
    _, _, blocks = head_of(file)
    types: set[str] = set()
    for block in blocks:
        for item in block if isinstance(block, list) else [block]:
            assert isinstance(item, dict)
            kind = item.get("@type")
            types.update(kind if isinstance(kind, list) else [kind])
    return types


def test_json_ld_types(public: Path) -> None:
    assert "Person" in ld_types(public / "index.html")
    assert "Person" in ld_types(public / "cv/index.html")
    posts = [p for p in (public / "blog").glob("*/index.html") if p.parent.name != "page"]
    assert len(posts) >= 6
    for post in posts:
        assert "BlogPosting" in ld_types(post), post


def test_og_type_per_page_kind(public: Path) -> None:
    assert head_of(public / "index.html")[0]["og:type"] == "profile"
    assert head_of(public / f"blog/{KITCHEN_SINK_SLUG}/index.html")[0]["og:type"] == "article"
    assert head_of(public / "projects/index.html")[0]["og:type"] == "website"
    assert head_of(public / "404.html")[0].get("robots") == "noindex"


def test_pdf_page_counter() -> None:
    assert pdf_page_count(b"<< /Type /Pages /Count 2 >> << /Type /Page >> <</Type/Page>>") == 2


# --- Edge-case sites: the smallest possible one, and one full of awkward text ------------

AWKWARD = '<b>&"Ünïcødé"\' — ✓ שלום </script> Supercalifragilisticexpialidocious' * 2


def test_minimal_and_awkward_sites_are_valid_and_linked(tmp_path: Path) -> None:


    minimal = tmp_path / "minimal"
    write_files(minimal, {"brandgen.yaml": "base_url: https://ada.github.io/brand/\n",
                          "content/profile.yaml": "name: Ada\nheadline: E\nvalue_proposition: V\n"})
    awkward = tmp_path / "awkward"
    quoted = AWKWARD.replace("'", "''")
    write_files(awkward, {
        **MINIMAL,
        "content/profile.yaml": f"name: '{quoted}'\nheadline: '{quoted}'\n"
                                f"value_proposition: '{quoted}'\nopen_to: ['{quoted}']\n"
                                f"links: [{{label: '{quoted}', url: 'https://e.org/?a=1&b=\"2\"'}}]\n",
        "content/projects.yaml": f"- title: '{quoted}'\n  summary: '{quoted}'\n  featured: true\n"
                                 f"  tags: ['{quoted}']\n  url: https://e.org/x\n",
        "content/posts/2026-01-01-x.md": f"---\ntitle: '{quoted}'\ntags: ['{quoted}', 'C++']\n"
                                         f"summary: '{quoted}'\n---\nText.\n",
        "content/pages/p.md": f"---\ntitle: '{quoted}'\nmenu: 1\n---\nPage.\n",
    })
    targets: list[Path] = []
    for root in (minimal, awkward):
        result = build(BuildOptions(root=root, now=NOW))
        assert not result.warnings, [w.format() for w in result.warnings]
        targets += [result.public_dir, result.private_dir / "index.html"]
        problems = check_site_links(result.public_dir, "https://ada.github.io/brand/")
        assert not problems, "\n".join(problems)
    messages = vnu_messages(targets)  # one JVM start for both sites
    assert not messages, format_vnu(messages)
