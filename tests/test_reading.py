"""Reading long posts, as a reader meets them in the built site: the table of contents,
typographic quotes and dashes, bare URLs as links, related posts and /llms.txt."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from brandgen.docs import settings_fingerprint
from brandgen.typography import markdown_settings
from tests.conftest import SiteMaker, errors_of, render, run_build, write_files

LONG = """\
---
title: A long read
tags: [craft]
{extra}---

Intro with a "quote".

## First part

Text.

### A detail

Text.

## Don't stop -- yet

Text.
"""


def post_page(root: Path, slug: str = "long", **kwargs: object) -> str:
    return render(root, **kwargs).public[f"blog/{slug}/index.html"].decode()


class _Nav(HTMLParser):
    """The table of contents: (depth, href, text) of its links; depth 1 for h2 lines."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.depth = 0
        self.links: list[tuple[int, str, str]] = []
        self.label = ""
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and a.get("class") == "toc":
            self.inside, self.label = True, a.get("aria-label") or ""
        elif self.inside and tag == "ol":
            self.depth += 1
        elif self.inside and tag == "a":
            self._href = a.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.inside = False
        elif self.inside and tag == "ol":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self._href and data.strip():
            self.links.append((self.depth, self._href, data.strip()))
            self._href = ""


def toc_of(html: str) -> _Nav:
    nav = _Nav()
    nav.feed(html)
    return nav


# --- Table of contents ---------------------------------------------------------------

def test_a_post_with_three_sections_gets_a_nested_table_of_contents(make_site: SiteMaker
                                                                    ) -> None:
    html = post_page(make_site({"content/posts/2026-01-05-long.md": LONG.format(extra="")}))
    nav = toc_of(html)
    assert nav.label == "Table of contents"
    assert nav.links == [(1, "#first-part", "First part"), (2, "#a-detail", "A detail"),
                         (1, "#don-t-stop-yet", "Don’t stop – yet")]
    for _, href, _ in nav.links:  # every entry points at a heading of the page
        assert f'id="{href[1:]}"' in html
    # A disclosure widget (closed on small screens), before the text it outlines.
    assert re.search(r'<nav class="toc"[^>]*>\s*<details>\s*<summary>Contents</summary>', html)
    assert html.index('class="toc"') < html.index('<div class="prose">')


def test_two_sections_or_toc_false_show_no_table_of_contents(make_site: SiteMaker) -> None:
    short = LONG.replace("### A detail\n\nText.\n\n", "")
    root = make_site({"content/posts/2026-01-05-short.md": short.format(extra=""),
                      "content/posts/2026-01-06-off.md": LONG.format(extra="toc: false\n")
                      .replace("A long read", "Switched off")})
    public = render(root).public
    assert 'class="toc"' not in public["blog/short/index.html"].decode()
    off = public["blog/off/index.html"].decode()
    assert 'class="toc"' not in off and 'id="a-detail"' in off  # the headings stay


def test_a_heading_without_text_gets_no_nameless_entry(make_site: SiteMaker) -> None:
    text = LONG.format(extra="") + "\n## <span></span>\n\nText.\n"
    html = post_page(make_site({"content/posts/2026-01-05-long.md": text}))
    assert 'id="section"' in html  # the heading itself keeps its anchor
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)
    assert toc is not None and toc.group(0).count("<a ") == 3
    assert 'href="#section"' not in toc.group(0)


def test_toc_that_is_not_a_boolean_is_a_positioned_error_with_a_hint(make_site: SiteMaker
                                                                     ) -> None:
    root = make_site({"content/posts/2026-01-05-long.md": LONG.format(extra='toc: "no"\n')})
    errors = errors_of(root)
    assert len(errors) == 1
    assert errors[0].startswith("content/posts/2026-01-05-long.md:4:6: error: toc: expected "
                                "true or false, got 'no'")
    assert "hint: `toc: false` hides the table of contents" in errors[0]


def test_the_table_of_contents_is_hidden_in_print() -> None:
    css = (Path(__file__).parent.parent / "themes/default/static/theme.css").read_text()
    prints = re.findall(r"@media print \{(.*?)\n\}", css, re.S)
    assert any(re.search(r"\.toc[ ,][^{]*\{ display: none", block) for block in prints)


# --- Typography ----------------------------------------------------------------------

TYPO = """\
---
title: Typography
---

"Quoted" and 'single', it's 1990--2000 -- or --- dashes... (c) stays.

Code `"raw" -- x` and a URL https://example.com/a--b?q="x" stay as typed.

```
print("a" -- 'b')
```
"""


def test_quotes_and_dashes_are_typographic_but_never_in_code_or_urls(make_site: SiteMaker
                                                                      ) -> None:
    html = post_page(make_site({"content/posts/2026-01-05-t.md": TYPO}), "t")
    assert "“Quoted” and ‘single’, it’s 1990–2000 – or — dashes… (c) stays." in html
    assert "<code>&quot;raw&quot; -- x</code>" in html
    assert ('<a href="https://example.com/a--b?q=%22x%22" class="bare-url">'
            "https://example.com/a--b?q=&quot;x&quot;</a>") in html
    assert "print(&quot;a&quot; -- 'b')" in html


def test_quotes_follow_the_site_language(make_site: SiteMaker) -> None:
    files = {"content/posts/2026-01-05-t.md": '---\ntitle: T\n---\n\nEr sagte "ja" und \'nein\'.\n'}
    de = make_site({**files, "brandgen.yaml": "base_url: https://x.org/\nlanguage: de-DE\n"})
    assert "Er sagte „ja“ und ‚nein‘." in post_page(de, "t")
    fr = make_site({**files, "brandgen.yaml": "base_url: https://x.org/\nlanguage: fr\n"})
    assert "Er sagte «\u00a0ja\u00a0» und ‹\u00a0nein\u00a0›." in post_page(fr, "t")


def test_changing_the_language_invalidates_cached_markdown(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/2026-01-05-t.md": '---\ntitle: T\n---\n\nSay "yes".\n'})
    run_build(root)
    assert "Say “yes”." in (root / "site/public/blog/t/index.html").read_text()
    (root / "brandgen.yaml").write_text("base_url: https://ada.github.io/brand/\nlanguage: de\n")
    run_build(root)  # the same text, a cache hit unless the settings are part of the key
    assert "Say „yes“." in (root / "site/public/blog/t/index.html").read_text()
    assert settings_fingerprint(markdown_settings("de")) != settings_fingerprint()
    assert settings_fingerprint(markdown_settings("en-GB")) == settings_fingerprint()


def test_heading_anchor_ids_do_not_change_with_typographic_quotes(make_site: SiteMaker
                                                                  ) -> None:
    html = post_page(make_site({"content/posts/2026-01-05-long.md": LONG.format(extra="")}))
    assert 'id="don-t-stop-yet"' in html  # as before the typographer: old links still work


# --- Bare URLs -----------------------------------------------------------------------

def test_bare_urls_become_links_like_other_external_links(make_site: SiteMaker) -> None:
    root = make_site({
        "content/posts/2026-01-05-u.md": "---\ntitle: U\n---\n\nSee https://example.org/x, "
        "mail ada@example.com, edit setup.py or `https://in.code/`.\n",
        "content/experience.yaml": "- organization: Acme\n  role: Engineer\n  start: 2020-01\n"
        "  summary: Built https://acme.example/platform for 40 teams.\n",
    })
    result = render(root)
    html = result.public["blog/u/index.html"].decode()
    assert ('See <a href="https://example.org/x" class="bare-url">https://example.org/x</a>, '
            'mail <a href="mailto:ada@example.com" class="bare-url">ada@example.com</a>, '
            "edit setup.py or <code>https://in.code/</code>.") in html
    cv = result.public["cv/index.html"].decode()
    assert '<a href="https://acme.example/platform" class="bare-url">' in cv
    feed = result.public["feed.xml"].decode()
    assert "https://example.org/x" in feed
    # Printing shows the targets of other external links; a bare URL already is one.
    css = (Path(__file__).parent.parent / "themes/default/static/theme.css").read_text()
    assert ".prose a.bare-url::after { content: none; }" in css


# --- Related posts -------------------------------------------------------------------

def _post(day: str, slug: str, tags: str, extra: str = "") -> tuple[str, str]:
    return (f"content/posts/2026-{day}-{slug}.md",
            f"---\ntitle: Post {slug}\ntags: [{tags}]\n{extra}---\n\nBody.\n")


RELATED = dict([
    _post("01-01", "me", "a, b, c"),
    _post("01-02", "two-old", "a, b"),
    _post("01-03", "one-new", "c"),
    _post("01-04", "two-new", "b, c"),
    _post("01-02", "one-tie-a", "a"),
    _post("01-02", "one-tie-b", "a"),
    _post("01-09", "draft", "a, b, c", "draft: true\n"),
    _post("12-30", "future", "a, b, c"),
    _post("01-05", "alone", "zzz"),
])


def related_of(html: str) -> list[str]:
    block = re.search(r'<section class="related"[^>]*>(.*?)</section>', html, re.S)
    return re.findall(r'href="/brand/blog/([^/]+)/"', block.group(1)) if block else []


def test_related_posts_share_tags_most_then_newest_then_slug(make_site: SiteMaker) -> None:
    public = render(make_site(RELATED)).public
    me = public["blog/me/index.html"].decode()
    assert related_of(me) == ["two-new", "two-old", "one-new"]
    assert 'aria-label="Related posts"' in me
    # One shared tag each: the newest first, a tie on the date by slug; never itself.
    assert related_of(public["blog/one-tie-a/index.html"].decode()) == [
        "one-tie-b", "two-old", "me"]


def test_related_posts_equal_comparing_every_post_with_every_other(make_site: SiteMaker
                                                                   ) -> None:
    """The per-tag-set ranking picks what the plain definition picks, on 60 random posts."""
    rng = random.Random(7)
    tags = ["a", "b", "c", "d", "e"]
    files: dict[str, str | bytes | None] = {}
    for i in range(60):
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        chosen = rng.sample(tags, rng.randint(0, 3))
        files[f"content/posts/{day}-p{i:02d}.md"] = (
            f"---\ntitle: P{i}\ntags: [{', '.join(chosen)}]\n---\n\nBody.\n")
    result = render(make_site(files))
    site = result.site
    assert site is not None
    for post in site.posts:
        mine = {t.slug for t in post.tags}
        scored = [(len(mine & {t.slug for t in o.tags}), o.date, o.post.slug) for o in site.posts
                  if o is not post and mine & {t.slug for t in o.tags}]
        scored.sort(key=lambda s: s[2])
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        page = site.routes.documents[post.post.doc.source].file
        assert related_of(result.public[page].decode()) == [slug for _, _, slug in scored[:3]]


def test_related_lists_come_from_the_cache_until_a_ranked_field_or_the_day_changes(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    """A body edit or a rebuild takes the lists from the cache; a tag edit, a new post and
    a new day (a scheduled post comes out) rank again. Each time: what no cache gives."""
    import datetime as dt
    import sqlite3

    from brandgen.public import memo

    ranked: list[int] = []
    real = memo.related_posts
    monkeypatch.setattr(memo, "related_posts",
                        lambda posts, today: ranked.append(len(posts)) or real(posts, today))
    root = make_site(RELATED)

    def related(**kwargs: object) -> dict[str, list[str]]:
        public = render(root, **kwargs).public
        found = {name: related_of(public[name].decode()) for name in public
                 if name.startswith("blog/") and name.endswith("/index.html")}
        plain = render(root, cache=False, **kwargs).public
        assert found == {name: related_of(plain[name].decode()) for name in found}
        return found

    first = related()
    assert len(ranked) == 2  # with the cache, then without
    write_files(root, {"content/posts/2026-01-02-two-old.md":
                       RELATED["content/posts/2026-01-02-two-old.md"] + "More.\n"})
    assert related() == first and len(ranked) == 3, "a body edit ranks nothing again"
    write_files(root, {"content/posts/2026-01-02-two-old.md":
                       RELATED["content/posts/2026-01-02-two-old.md"].replace("a, b", "zzz")})
    assert related()["blog/me/index.html"] == ["two-new", "one-new", "one-tie-a"]
    assert len(ranked) == 5
    later = dt.datetime(2027, 1, 2, 12, tzinfo=dt.UTC)
    assert related(now=later)["blog/me/index.html"][0] == "future"
    assert len(ranked) == 7
    with sqlite3.connect(root / ".brandgen-cache/cache.sqlite") as db:
        db.execute("UPDATE files SET value = CAST('damaged' AS BLOB) WHERE key = ?",
                   (memo.RELATED_SLOT,))
    db.close()
    related(now=later)
    assert len(ranked) == 9, "a damaged slot is ranked again"


def test_drafts_and_future_posts_are_never_related(make_site: SiteMaker) -> None:
    public = render(make_site(RELATED), drafts=True).public
    assert "blog/draft/index.html" in public and "blog/future/index.html" in public
    for page in ("me", "two-old", "draft", "future"):
        found = related_of(public[f"blog/{page}/index.html"].decode())
        assert "draft" not in found and "future" not in found


def test_no_shared_tag_means_no_related_section(make_site: SiteMaker) -> None:
    public = render(make_site(RELATED)).public
    assert 'class="related"' not in public["blog/alone/index.html"].decode()
    untagged = make_site({"content/posts/2026-01-01-x.md": "---\ntitle: X\n---\n\nBody.\n"})
    assert 'class="related"' not in post_page(untagged, "x")


# --- /llms.txt -----------------------------------------------------------------------

LLMS_SITE = {
    "content/posts/2026-01-05-hello.md": "---\ntitle: Hello [world]\nsummary: First post.\n"
                                         "tags: [a]\n---\n\nBody.\n",
    "content/posts/2026-01-06-secret.md": "---\ntitle: Secret draft\ndraft: true\n---\nX.\n",
    "content/pages/now.md": "---\ntitle: Now\n---\n\nWhat I *do* now.\n",
    "content/projects.yaml": "- title: Tool\n  summary: A small tool.\n",
    "content/private/goals.yaml": "- id: g1\n  title: Become VP at Initech by 2028\n",
}


def test_llms_txt_lists_public_pages_with_summaries_under_the_sub_path(make_site: SiteMaker
                                                                       ) -> None:
    result = render(make_site(LLMS_SITE))
    text = result.public["llms.txt"].decode()
    lines = text.splitlines()
    assert lines[0] == "# Ada Example"
    assert lines[2] == "> I help teams ship calmly."
    base = "https://ada.github.io/brand/"
    for line in (f"- [Home]({base}): Platform engineer",
                 f"- [Now]({base}now/): What I do now.",
                 f"- [Hello \\[world\\]]({base}blog/hello/): First post.",
                 f"- [Tool]({base}projects/tool/): A small tool.",
                 f"- [resume.json]({base}resume.json): The CV as JSON Resume "
                 "(https://jsonresume.org)."):
        assert line in lines
    assert lines.index("## Pages") < lines.index("## Posts") < lines.index("## Optional")
    items = [line for line in lines if line.startswith("- ")]
    assert all(re.fullmatch(r"- \[.+\]\(https://ada\.github\.io/brand/[^)\s]*\)(: .+)?", i)
               for i in items)
    assert "Secret" not in text and "Initech" not in text and "private" not in text
    assert "llms.txt" not in result.public["sitemap.xml"].decode()
    assert result.site is not None and result.site.routes["llms.txt"].file == "llms.txt"


def test_llms_txt_is_a_reserved_url(make_site: SiteMaker) -> None:
    root = make_site({"content/pages/l.md": "---\ntitle: L\nslug: llms.txt\n---\nX.\n"})
    assert any("llms.txt" in e for e in errors_of(root))
