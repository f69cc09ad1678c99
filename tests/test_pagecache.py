"""The page cache: Jinja renders only the pages whose inputs changed, and a warm build is
always byte-identical to a build without any cache (never a stale page)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import jinja2
import pytest

from brandgen.bundled import BUNDLED_THEMES
from brandgen.cache import FOLDER
from brandgen.public import render as render_module
from brandgen.public.pagecache import PageFiles
from brandgen.public.templatecache import TemplateDeps, site_chains
from brandgen.public.views import Output
from tests.conftest import SiteMaker, render, write_files
from tests.test_engine import POSTS, built, changed, tree

TEMPLATES = BUNDLED_THEMES / "default/templates"


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The routes Jinja rendered (page-cache misses), per build."""
    calls: list[set[str]] = []
    real = render_module._render_range

    def counting(site: object, env: object, outputs: Sequence[Output], images: object,
                 *common: object) -> object:
        calls.append({out.route for out in outputs})
        return real(site, env, outputs, images, *common)  # type: ignore[arg-type]

    monkeypatch.setattr(render_module, "_render_range", counting)
    return calls


def warm_equals_cold(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """Build with the cache, then without: the bytes must be the same."""
    warm = built(root, tmp_path / "o")
    assert built(root, tmp_path / "cold", cache=False) == warm
    return warm


def test_an_unchanged_page_is_not_rendered_again(make_site: SiteMaker, tmp_path: Path,
                                                 rendered: list[set[str]]) -> None:
    root = make_site(POSTS)
    first = built(root, tmp_path / "o")
    assert built(root, tmp_path / "o") == first  # build() itself has no no-change shortcut
    assert rendered[0] and rendered[1] == set()


def test_a_new_post_title_reaches_every_page_that_shows_it(
        make_site: SiteMaker, tmp_path: Path, rendered: list[set[str]]) -> None:
    root = make_site(POSTS)
    before = built(root, tmp_path / "o")
    write_files(root, {"content/posts/2026-01-02-b.md": POSTS["content/posts/2026-01-02-b.md"]
                       .replace("title: B", "title: Bee renamed")})
    after = warm_equals_cold(root, tmp_path)
    showing = {name for name, data in after.items() if b"Bee renamed" in data}
    # its page, its neighbours (older/newer links), lists, its tag, home, feed, sitemap-free
    assert {"blog/b/index.html", "blog/a/index.html", "blog/c/index.html", "blog/index.html",
            "tags/y/index.html", "index.html", "feed.xml"} <= showing
    assert showing <= changed(before, after)
    assert "tags/x/index.html" not in changed(before, after)  # B is not tagged x
    assert "tags/x/" not in rendered[1]
    assert "projects/" not in rendered[1]


def test_a_template_edit_renders_the_pages_using_it(make_site: SiteMaker, tmp_path: Path,
                                                    rendered: list[set[str]]) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    post = (TEMPLATES / "post.html").read_text(encoding="utf-8")
    write_files(root, {"themes/default/templates/post.html":
                       post.replace("{% block main %}", "{% block main %}<!-- edited -->")})
    after = warm_equals_cold(root, tmp_path)
    assert rendered[1] == {"blog/a/", "blog/b/", "blog/c/"}
    assert all(b"<!-- edited -->" in after[f"blog/{s}/index.html"] for s in "abc")


def test_an_included_template_edit_reaches_the_pages_importing_it(
        make_site: SiteMaker, tmp_path: Path, rendered: list[set[str]]) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    chips = (TEMPLATES / "partials/chips.html").read_text(encoding="utf-8")
    write_files(root, {"themes/default/templates/partials/chips.html":
                       chips + "{# edited #}\n{% macro unused() %}x{% endmacro %}\n"})
    warm_equals_cold(root, tmp_path)
    assert {"blog/a/", "blog/", "tags/x/"} <= rendered[1]  # post.html and post_list import it
    assert "cv/" not in rendered[1]


def test_a_base_template_edit_renders_every_page(make_site: SiteMaker, tmp_path: Path,
                                                 rendered: list[set[str]]) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    write_files(root, {"themes/default/templates/base.html": base.replace("</body>",
                                                                          "<!-- b --></body>")})
    after = warm_equals_cold(root, tmp_path)
    assert rendered[1] == rendered[0]
    assert all(b"<!-- b -->" in data for name, data in after.items() if name.endswith(".html"))


def test_a_config_edit_renders_every_page(make_site: SiteMaker, tmp_path: Path,
                                          rendered: list[set[str]]) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    write_files(root, {"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                        "title: New title\naccent: '#aa3355'\n"})
    after = warm_equals_cold(root, tmp_path)
    assert rendered[1] == rendered[0]
    assert b"New title" in after["blog/a/index.html"]


def test_a_profile_edit_reaches_every_page(make_site: SiteMaker, tmp_path: Path,
                                           rendered: list[set[str]]) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    profile = (root / "content/profile.yaml").read_text(encoding="utf-8")
    write_files(root, {"content/profile.yaml": profile + "location: Lisbon\n"})
    warm_equals_cold(root, tmp_path)
    assert rendered[1] == rendered[0]


def test_site_reads_are_found_in_the_template_tree() -> None:
    env = jinja2.Environment()
    tree = env.parse("{{ site.content.roles|length }} {{ site['title'] }} {{ other.x }}"
                     "{% for p in site.posts %}{{ p }}{% endfor %}")
    assert set(site_chains(tree)) == {("content", "roles"), ("title",), ("posts",)}
    assert set(site_chains(env.parse("{% set s = site %}{{ s.title }}"))) == {()}
    assert set(site_chains(env.parse("{{ site[key] }}"))) == {()}


def test_dependencies_follow_extends_includes_and_imports() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "page.html": "{% extends 'base.html' %}{% from 'm.html' import x %}{{ x() }}",
        "base.html": "{{ site.title }}{% include 'foot.html' %}",
        "m.html": "{% macro x() %}{{ site.menu }}{% endmacro %}",
        "foot.html": "{{ site.content.roles }}",
        "dynamic.html": "{% include name %}",
        "lone.html": "hi",
    }))
    deps = TemplateDeps(env)
    digest, chains = deps.of("page.html")
    assert chains == {("title",), ("menu",), ("content", "roles")}
    assert deps.of("lone.html")[1] == frozenset()
    # a computed include may be any template: all of them count
    assert deps.of("dynamic.html")[1] >= chains
    assert deps.of("lone.html")[0] != digest


def test_page_links_are_found_exactly() -> None:
    from brandgen.linkcheck import parse_links

    html = (b'<a href="/b/">x</a><img data-src="/no.png" src="/i.png"\n'
            b'\tsrcset="/i-1.png 1x, /i-2.png 2x"><a class="x"\nhref="/q?a=1&amp;b=2">'
            b'<p>href="/text-not-attr"</p><a href="/b/">again</a><a href="">e</a>')
    assert parse_links(html) == ("", "/b/", "/i-1.png", "/i-2.png", "/i.png", "/q?a=1&b=2")


def test_page_links_keep_only_internal_links_under_each_base_path() -> None:
    """A page's internal links, memoized by what was written: the same bytes under another
    base path, or two spellings of one link, are judged for what they are."""
    from brandgen.linkcheck import page_links
    from brandgen.urls import Urls

    html = (b'<a href="/brand/a/">a</a><a href="/brand/q?x=1&amp;y=2">q</a>'
            b'<a href="/brand/q?x=1&y=2">q again</a><a href="https://x.org/">out</a>'
            b'<a href="/other/">outside</a><img src="/brand/i.png">')
    brand, root = Urls("https://ada.github.io/brand/"), Urls("https://ada.github.io/")
    for _ in range(2):  # the second time from the memo
        assert page_links(html, brand) == ("/brand/a/", "/brand/i.png", "/brand/q?x=1&y=2",
                                           "/other/")
        assert page_links(html, root) == ("/brand/a/", "/brand/i.png", "/brand/q?x=1&y=2",
                                          "/other/")
    assert page_links(b'<a href="https://x.org/">', brand) == ()


CODE_POST = ("---\ntitle: Code\n---\nSome prose.\n\n```python\nprint('hi')\n```\n\n"
             "~~~bash\necho hi\n~~~\n")


def test_an_edited_post_with_unchanged_code_is_not_highlighted_again(
        make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from brandgen import markdown

    calls: list[str] = []
    real = markdown.pygments_highlight

    def counting(code: str, lexer: object, formatter: object) -> str:
        calls.append(code)
        return real(code, lexer, formatter)  # type: ignore[arg-type]

    monkeypatch.setattr(markdown, "pygments_highlight", counting)
    root = make_site({"content/posts/2026-01-01-code.md": CODE_POST})
    first = built(root, tmp_path / "o")
    assert sorted(calls) == ["echo hi\n", "print('hi')\n"]
    write_files(root, {"content/posts/2026-01-01-code.md": CODE_POST.replace(
        "Some prose.", "Other prose.").replace("echo hi", "echo changed")})
    after = warm_equals_cold(root, tmp_path)
    assert calls[2:] == ["echo changed\n", "print('hi')\n", "echo changed\n"], calls
    assert after["blog/code/index.html"].replace(b"Other", b"Some").replace(
        b"changed", b"hi") == first["blog/code/index.html"]


@pytest.fixture
def pages_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cached pages read back (from the output folder, or rendered again), by name."""
    from brandgen.public.pagecache import CachedPages

    names: list[str] = []
    real = CachedPages.fetch

    def counting(self: CachedPages, name: str, digest: str) -> tuple[bytes, bool]:
        names.append(name)
        return real(self, name, digest)

    monkeypatch.setattr(CachedPages, "fetch", counting)
    return names


def test_a_rebuild_links_cached_pages_without_reading_them(
        make_site: SiteMaker, tmp_path: Path, pages_read: list[str],
        rendered: list[set[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    from brandgen import write

    # Files written within 2 s of the last build are compared byte for byte (racily
    # clean); this test's builds are that close, a real rebuild's are not.
    monkeypatch.setattr(write, "RACY_NS", 0)
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    write_files(root, {"content/posts/2026-01-02-b.md": POSTS["content/posts/2026-01-02-b.md"]
                       .replace("Body of B.", "Body of B, edited.")})
    rendered.clear()
    warm_equals_cold(root, tmp_path)
    assert pages_read == [], "unchanged pages are hard-linked by their stored digest"
    assert "blog/b/" in rendered[0] and "cv/" not in rendered[0]
    shutil.rmtree(tmp_path / "o")  # a new output folder: the cached pages are not in it
    rendered.clear()
    assert built(root, tmp_path / "o") == built(root, tmp_path / "cold", cache=False)
    assert pages_read == [], "a page not in the output folder is rendered with the others"
    assert "cv/" in rendered[0]
    shutil.rmtree(tmp_path / "o/public")  # the folder gone, the manifest of it kept
    rendered.clear()
    assert built(root, tmp_path / "o") == built(root, tmp_path / "cold", cache=False)
    assert pages_read == [] and "cv/" in rendered[0]


def test_a_cached_page_changed_in_the_output_folder_is_rendered_again(
        make_site: SiteMaker, tmp_path: Path, pages_read: list[str],
        rendered: list[set[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache holds a page's digest; its bytes are the file the last build wrote. A file
    edited by hand since is never copied into the new tree: its page is rendered again."""
    from brandgen import write

    monkeypatch.setattr(write, "RACY_NS", 0)  # else every file this new is read (racy)
    root = make_site(POSTS)
    cold = built(root, tmp_path / "cold", cache=False)
    built(root, tmp_path / "o")
    (tmp_path / "o/public/cv/index.html").write_text("<p>damaged</p>")
    rendered.clear()
    assert built(root, tmp_path / "o") == cold
    assert rendered[0] == set(), "every page's key and digest were found"
    assert pages_read == ["cv/index.html"]
    assert rendered[1:] == [{"cv/"}], "the damaged page was rendered again when read"


def test_a_check_reads_cached_pages_from_the_output_folder_or_renders_them(
        make_site: SiteMaker, tmp_path: Path, pages_read: list[str],
        rendered: list[set[str]]) -> None:
    """`brandgen check` writes nothing and knows no manifest: a cached page is read from
    the output folder when a check needs it (the privacy scan reads every page), verified
    against its digest; with no output folder, every page renders with the misses (in
    parallel, not one by one as each is read)."""
    root = make_site(POSTS)
    cold = built(root, tmp_path / "cold", cache=False)
    built(root, tmp_path / "o")
    rendered.clear()
    result = render(root, out=tmp_path / "o")
    pages = result.public.maps[0]  # type: ignore[attr-defined]
    names = sorted(n for n in pages if n.endswith(".html"))
    assert rendered[-1] == set() and names
    assert all(pages[name] == cold[name] for name in names)
    assert sorted(pages_read) == names and len(rendered) == 1
    rendered.clear()
    pages_read.clear()
    (tmp_path / "o/public/cv/index.html").unlink()  # one file gone: rendered when read
    result = render(root, out=tmp_path / "o")
    assert result.public["cv/index.html"] == cold["cv/index.html"]
    assert pages_read == ["cv/index.html"] and rendered == [set(), {"cv/"}]
    rendered.clear()
    pages_read.clear()
    result = render(root, out=tmp_path / "elsewhere")
    assert all(result.public[name] == cold[name] for name in names)
    assert pages_read == [] and len(rendered) == 1 and "cv/" in rendered[0]


def _rows(root: Path, table: str) -> int:
    import sqlite3

    with sqlite3.connect(root / FOLDER / "cache.sqlite") as db:
        count: int = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    db.close()
    return count


def test_pages_no_build_uses_are_pruned_once_they_pile_up(
        make_site: SiteMaker, tmp_path: Path, rendered: list[set[str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every base-template edit stores a whole site of new pages; the cache keeps at most
    KEEP_FACTOR sites' worth, and always this build's own."""
    from brandgen import cache as cache_module

    monkeypatch.setattr(cache_module, "PRUNE_FLOOR", 0)
    monkeypatch.setattr(cache_module, "KEEP_FACTOR", 2)
    root = make_site(POSTS)
    counts = []
    for edit in range(4):
        write_files(root, {"themes/default/templates/base.html":
                           (TEMPLATES / "base.html").read_text() + f"<!-- {edit} -->\n"})
        built(root, tmp_path / "o")
        counts.append((_rows(root, "page_digests"), _rows(root, "links")))
    pages = len(rendered[0])
    assert [c[0] for c in counts] == [pages, 2 * pages, pages, 2 * pages], counts
    assert max(c[1] for c in counts) <= 2 * (pages + 1)  # + a build's link verdicts
    rendered.clear()
    assert built(root, tmp_path / "o") == built(root, tmp_path / "cold", cache=False)
    assert rendered[0] == set(), "this build's pages were kept"


def test_sitemap_and_llms_txt_are_kept_in_one_slot_each_and_made_again_when_changed(
        make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from brandgen.public import feeds, llms

    made: list[tuple[str, int]] = []
    sitemap_xml, llms_text = feeds.sitemap_xml, llms.llms_text
    monkeypatch.setattr(feeds, "sitemap_xml", lambda entries: made.append(
        ("sitemap", len(entries))) or sitemap_xml.__wrapped__(entries))
    monkeypatch.setattr(llms, "llms_text", lambda index, pdf: made.append(
        ("llms", len(index.posts))) or llms_text(index, pdf))
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    write_files(root, {"content/posts/2026-01-02-b.md": POSTS["content/posts/2026-01-02-b.md"]
                       .replace("Body of B.", "Body of B, edited.")})
    built(root, tmp_path / "o")
    assert len(made) == 2, "an edit that changes neither file reuses both"
    write_files(root, {"content/posts/2026-01-09-new.md": "---\ntitle: New\n---\nNew.\n"})
    after = warm_equals_cold(root, tmp_path)
    assert b"/blog/new/" in after["sitemap.xml"] and b"/blog/new/" in after["llms.txt"]
    assert made[2:4] == [("sitemap", made[0][1] + 1), ("llms", made[1][1] + 1)], made
    with sqlite3.connect(root / FOLDER / "cache.sqlite") as db:
        # sitemap, llms.txt, cv.pdf, the dashboard and the related-post lists
        assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 5
        db.execute("UPDATE files SET value = CAST(REPLACE(CAST(value AS TEXT), '/blog/new/', "
                   "'/blog/old/') AS BLOB)")  # damaged bytes under the right digest
    db.close()
    again = built(root, tmp_path / "o")
    assert (again["sitemap.xml"], again["llms.txt"]) == (after["sitemap.xml"], after["llms.txt"])


def test_a_failed_build_leaves_no_llms_txt_slot_without_the_pdf(
        make_site: SiteMaker, tmp_path: Path) -> None:
    """llms.txt lists cv.pdf only when the PDF was made; a build whose PDF failed fails,
    and must not leave its llms.txt for the next build to reuse."""
    from brandgen.errors import BuildError

    root = make_site({**POSTS, "themes/default/templates/cv.typ": "#let x = (\n"})
    with pytest.raises(BuildError):
        built(root, tmp_path / "o")
    (root / "themes/default/templates/cv.typ").unlink()
    fixed = built(root, tmp_path / "o")
    assert b"cv.pdf" in fixed["llms.txt"]
    assert fixed == built(root, tmp_path / "cold", cache=False)


def test_a_failed_build_prunes_nothing(make_site: SiteMaker, tmp_path: Path,
                                       rendered: list[set[str]],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken base template leaves every page without a key: that build must not take
    the cache for one that uses none of it."""
    from brandgen import cache as cache_module
    from brandgen.errors import BuildError

    monkeypatch.setattr(cache_module, "PRUNE_FLOOR", 0)
    monkeypatch.setattr(cache_module, "KEEP_FACTOR", 1)
    root = make_site(POSTS)
    good = built(root, tmp_path / "o")
    pages = _rows(root, "page_digests")
    write_files(root, {"themes/default/templates/base.html": "{% if %}"})
    with pytest.raises(BuildError):
        built(root, tmp_path / "o")
    assert _rows(root, "page_digests") == pages
    (root / "themes/default/templates/base.html").unlink()
    rendered.clear()
    assert built(root, tmp_path / "o") == good
    assert rendered[0] == set(), "every page came from the cache"


def test_a_slot_that_requires_another_file_is_stored_and_used_only_with_it(
        tmp_path: Path) -> None:
    from brandgen.cache import Cache
    from brandgen.public.fileslots import FileSlots

    cache = Cache(tmp_path / FOLDER)

    def slots() -> FileSlots:
        return FileSlots(cache, lambda: {"llms.txt": ("index",)}, {"llms.txt": "cv.pdf"})

    slots().store({"llms.txt": b"without the pdf"})
    assert slots().known == {}, "made without cv.pdf: not stored"
    slots().store({"llms.txt": b"with the pdf", "cv.pdf": b"%PDF"})
    assert slots().usable({"llms.txt", "cv.pdf"}) == {"llms.txt": b"with the pdf"}
    assert slots().usable({"llms.txt"}) == {}, "no cv.pdf this time: not used"
    cache.close()


def test_cached_pages_are_read_when_asked_and_not_all_held(
        make_site: SiteMaker, tmp_path: Path) -> None:
    """A warm build's unchanged pages stay in the output folder until a reader asks (the
    writer, the privacy scan): each read gives the page's bytes, and none is kept (a cold
    build of 4000 posts held 40 MB of pages)."""
    root = make_site(POSTS)
    cold = built(root, tmp_path / "cold", cache=False)
    built(root, tmp_path / "o")
    result = render(root, out=tmp_path / "o")  # every page cached now
    pages = result.public.maps[0]  # type: ignore[attr-defined]
    assert isinstance(pages, PageFiles)
    names = sorted(n for n in pages if n.endswith(".html"))
    assert len(names) > 4 and not pages._held.keys() & set(names)
    for _ in range(2):  # the scan, then the writer
        for name in names:
            assert pages[name] == cold[name]
    assert not pages._held.keys() & set(names)


def test_a_ci_run_with_the_cache_and_the_last_output_restored_renders_no_page(
        make_site: SiteMaker, tmp_path: Path, rendered: list[set[str]]) -> None:
    """The Pages workflow restores .brandgen-cache, site/public and the state file into a
    fresh checkout (new inodes and mtimes): every unchanged page is a hit, read from the
    restored site/public, and the site is the one a build without any cache makes."""
    from tests.conftest import run_build

    first = make_site(POSTS)
    run_build(first)
    checkout = tmp_path / "checkout"
    shutil.copytree(first, checkout, ignore=shutil.ignore_patterns(".brandgen-cache", "site"))
    for kept in (".brandgen-cache", "site/public"):
        shutil.copytree(first / kept, checkout / kept)
    shutil.copy(first / "site/.brandgen-state.json", checkout / "site/.brandgen-state.json")
    rendered.clear()
    run_build(checkout)
    assert rendered == [set()], "no page rendered again"
    assert built(checkout, tmp_path / "cold", cache=False) == tree(checkout / "site/public")


def test_the_reused_pickler_makes_the_bytes_a_new_one_would() -> None:
    """Page keys pickle every page through one pickler and buffer (its memo cleared per
    value): each value's bytes are those of a fresh pickler, whatever came before it."""
    import io
    import pickle

    from brandgen.public.pagekeys import _Dumper

    shared = {"a": [1, 2, 3], "b": "x" * 100}
    values: list[object] = [shared, [shared, shared], (shared["a"], "y"), "z" * 5000, {},
                            [shared["b"]] * 3, ("a", 1, 2.5, None, True, b"bytes")]
    dumper = _Dumper(lambda buffer: pickle.Pickler(buffer, protocol=5))
    for value in values * 2:
        fresh = io.BytesIO()
        pickle.Pickler(fresh, protocol=5).dump(value)
        assert dumper.dumps(value) == fresh.getvalue()
