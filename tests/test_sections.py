"""The nav marks the current section on every page; empty sections and their nav items are
left out, and `brandgen check` says so."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from brandgen.cli import main
from tests.conftest import SiteMaker, run_build

PROJECTS = """\
    - title: Tool
      summary: A tool.
      featured: true
    - title: Other
      summary: Another tool.
    """
POSTS = {f"content/posts/2026-01-0{d}-p{d}.md": f"---\ntitle: P{d}\ntags: [Go]\n---\nx\n"
         for d in range(1, 4)}
FULL = {"brandgen.yaml": "base_url: https://ada.github.io/brand/\nposts_per_page: 2\n",
        "content/projects.yaml": PROJECTS,
        "content/projects/tool.md": "The write-up.\n",
        "content/pages/now.md": "---\ntitle: Now\nmenu: 1\n---\nNow.\n",
        "content/pages/uses.md": "---\ntitle: Uses\n---\nNot in the menu.\n",
        **POSTS}


Capture = pytest.CaptureFixture[str]


class NavReader(HTMLParser):
    """The main nav's item labels, and which of them carry aria-current."""

    def __init__(self) -> None:
        super().__init__()
        self.in_nav = False
        self.current_link: str | None = None
        self.items: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and a.get("aria-label") == "Main":
            self.in_nav = True
        elif tag == "a" and self.in_nav:
            self.current_link = a.get("aria-current") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.in_nav = False
        elif tag == "a":
            self.current_link = None

    def handle_data(self, data: str) -> None:
        if self.current_link is not None and data.strip():
            self.items.append(data.strip())
            if self.current_link == "page":
                self.current.append(data.strip())


def nav(html: bytes) -> NavReader:
    reader = NavReader()
    reader.feed(html.decode())
    return reader


def check(root: Path, capsys: Capture) -> str:
    """`brandgen check` on the project; its stderr."""
    assert main(["check", "-C", str(root)]) == 0
    return capsys.readouterr().err


def test_the_current_section_is_marked_on_every_page(make_site: SiteMaker) -> None:
    public = run_build(make_site(FULL)).public
    expected = {
        "index.html": [], "404.html": [], "uses/index.html": [],
        "projects/index.html": ["Work"], "projects/tool/index.html": ["Work"],
        "projects/other/index.html": ["Work"],
        "blog/index.html": ["Writing"], "blog/page/2/index.html": ["Writing"],
        "blog/p1/index.html": ["Writing"], "tags/index.html": ["Writing"],
        "tags/go/index.html": ["Writing"], "tags/go/page/2/index.html": ["Writing"],
        "cv/index.html": ["CV"], "now/index.html": ["Now"],
    }
    pages = sorted(n for n in public if n.endswith(".html"))
    assert set(expected) <= set(pages)
    for name in pages:
        reader = nav(public[name])
        assert reader.items == ["Work", "Writing", "CV", "Now"], name
        assert reader.current == expected.get(name, reader.current), name
        assert len(reader.current) <= 1, name
    # the name links home and is the current item there only
    assert 'class="site-name" href="/brand/" aria-current="page"' in public["index.html"].decode()
    assert 'aria-current' not in public["404.html"].decode()


def test_without_projects_or_posts_their_sections_are_left_out(make_site: SiteMaker,
                                                                 capsys: Capture) -> None:
    root = make_site()  # a profile and skills only
    public = run_build(root).public
    assert nav(public["index.html"]).items == ["CV"]
    for gone in ("projects/index.html", "blog/index.html", "tags/index.html"):
        assert gone not in public
    home = public["index.html"].decode()
    assert "Selected work" not in home and "Writing" not in home and "No posts" not in home
    assert "/brand/blog/" not in public["404.html"].decode()
    sitemap = public["sitemap.xml"].decode()
    assert "/brand/projects/" not in sitemap and "/brand/blog/" not in sitemap
    err = check(root, capsys)
    assert ("content/projects.yaml: warning: no projects: the Projects page and its nav item "
            "are left out\n  hint: add a project (title, summary) to content/projects.yaml") in err
    assert ("content/posts: warning: no published posts: the Writing page, its nav item, the "
            "Topics page and the home page's Writing section are left out\n"
            "  hint: write one with `brandgen new post TITLE`") in err
    assert "content/experience.yaml: warning: no roles: the CV has no Experience section" in err
    assert "no skills" not in err  # MINIMAL has skills


def test_only_drafts_means_no_writing_and_check_says_why(make_site: SiteMaker,
                                                           capsys: Capture) -> None:
    root = make_site({"content/posts/2026-01-01-a.md": "---\ntitle: A\ndraft: true\n---\nx\n",
                      "content/projects.yaml": PROJECTS})
    public = run_build(root).public
    assert nav(public["index.html"]).items == ["Work", "CV"]
    assert "blog/index.html" not in public
    assert nav(run_build(root, drafts=True).public["index.html"]).items == ["Work", "Writing",
                                                                           "CV"]
    err = check(root, capsys)
    assert "1 post is a draft or dated in the future; `brandgen serve --drafts` shows them" in err
    assert "no projects" not in err and "no featured projects" not in err


def test_posts_without_tags_have_no_topics_page(make_site: SiteMaker, capsys: Capture) -> None:
    root = make_site({"content/posts/2026-01-01-a.md": "---\ntitle: A\n---\nx\n",
                      "content/projects.yaml": "- title: T\n  summary: S.\n"})
    public = run_build(root).public
    assert "tags/index.html" not in public and "blog/index.html" in public
    assert "/brand/tags/" not in public["blog/index.html"].decode()
    home = public["index.html"].decode()
    assert "Writing" in home and "Selected work" not in home  # nothing is featured
    err = check(root, capsys)
    assert ("content/posts: warning: no post has tags: the Topics page is left out\n"
            "  hint: give posts `tags: [...]` in their front matter") in err
    assert ("content/projects.yaml: warning: no featured projects: the home page has no "
            "Selected work section\n  hint: set `featured: true` on up to 4 projects") in err
    assert "no published posts" not in err


def test_a_full_site_has_no_empty_section_warnings(make_site: SiteMaker, capsys: Capture) -> None:
    root = make_site({**FULL, "content/experience.yaml": """\
        - organization: Acme
          role: Engineer
          start: 2020-01
        """})
    err = check(root, capsys)
    assert "warning: no " not in err, err


def test_build_does_not_repeat_the_empty_section_warnings(make_site: SiteMaker) -> None:
    result = run_build(make_site())
    assert not [w for w in result.warnings if "left out" in w.message]
