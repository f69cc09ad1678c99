"""The public build, judged by its output: tiny inline sites built into tmp_path."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import pickle
import re
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from brandgen.errors import BuildError
from tests.conftest import SiteMaker, errors_of, run_build, write_files

POSTS = {
    "content/posts/2026-01-05-first.md": "---\ntitle: First\ntags: [craft]\n---\n\nHello.\n",
    "content/posts/2026-11-20-draft.md": "---\ntitle: Secret draft\ndraft: true\n---\nDraft.\n",
    "content/posts/2026-12-24-future.md": "---\ntitle: Future post\ntags: [later]\n---\nSoon.\n",
}


def read(root: Path, rel: str) -> str:
    return (root / "site/public" / rel).read_text(encoding="utf-8")


def all_public_text(root: Path) -> str:
    return "\n".join(p.read_text("utf-8", "replace")
                     for p in sorted((root / "site/public").rglob("*")) if p.is_file())


def test_every_contract_url_exists_under_the_sub_path(make_site: SiteMaker) -> None:
    root = make_site({**POSTS,
                      "content/projects.yaml": "- title: Tool\n  summary: A tool.\n",
                      "content/pages/now.md": "---\ntitle: Now\nmenu: 1\n---\nBusy.\n",
                      "content/static/CNAME": "ada.example.com\n"})
    run_build(root)
    public = root / "site/public"
    for rel in ["index.html", "projects/index.html", "projects/tool/index.html",
                "cv/index.html", "blog/index.html", "blog/first/index.html",
                "tags/index.html", "tags/craft/index.html", "now/index.html", "feed.xml",
                "sitemap.xml", "robots.txt", "404.html", "resume.json", "cv.pdf", ".nojekyll",
                "CNAME"]:
        assert (public / rel).is_file(), rel
    assert (root / "site/private").is_dir()
    home = read(root, "index.html")
    assert 'href="/brand/assets/theme.css"' in home
    assert '<link rel="canonical" href="https://ada.github.io/brand/">' in home
    assert 'href="/brand/now/"' in home  # the page is in the navigation
    assert re.findall(r'(?:href|src)="/(?!brand/)', all_public_text(root)) == []
    assert read(root, "CNAME") == "ada.example.com\n"


def test_base_url_override(make_site: SiteMaker) -> None:
    root = make_site(POSTS)
    run_build(root, base_url="https://example.org/x/y")
    assert '<link rel="canonical" href="https://example.org/x/y/blog/first/">' in read(
        root, "blog/first/index.html")
    assert "https://example.org/x/y/sitemap.xml" in read(root, "robots.txt")


@pytest.mark.parametrize("drafts", [False, True])
def test_drafts_and_future_posts(make_site: SiteMaker, drafts: bool) -> None:
    root = make_site(POSTS)
    run_build(root, drafts=drafts)
    text = all_public_text(root)
    for marker in ("Secret draft", "Future post", "blog/draft/", "blog/future/", "tags/later/"):
        assert (marker in text) is drafts, marker
    assert ((root / "site/public/blog/future/index.html").exists()) is drafts


def test_future_is_judged_in_the_site_timezone(make_site: SiteMaker) -> None:
    files = {**POSTS, "brandgen.yaml": "base_url: https://a.io/\ntimezone: Pacific/Auckland\n"}
    root = make_site(files)
    # 2026-12-23 11:30 UTC is already 24 December in Auckland.
    run_build(root, now=dt.datetime(2026, 12, 23, 11, 30, tzinfo=dt.UTC))
    assert (root / "site/public/blog/future/index.html").exists()
    run_build(root, now=dt.datetime(2026, 12, 23, 10, 30, tzinfo=dt.UTC))
    assert not (root / "site/public/blog/future/index.html").exists()


def test_pagination(make_site: SiteMaker) -> None:
    posts = {f"content/posts/2026-01-{d:02d}-p{d}.md": f"---\ntitle: Post {d}\n---\nx\n"
             for d in range(1, 8)}
    root = make_site({**posts, "brandgen.yaml": "base_url: https://a.io/\nposts_per_page: 3\n"})
    run_build(root)
    assert (root / "site/public/blog/page/3/index.html").exists()
    assert not (root / "site/public/blog/page/4/index.html").exists()
    page2 = read(root, "blog/page/2/index.html")
    assert "Page 2 of 3" in page2
    assert 'href="/blog/" rel="prev"' in page2 and 'href="/blog/page/3/" rel="next"' in page2
    assert page2.index("Post 4") < page2.index("Post 3") < page2.index("Post 2")


HOSTILE = '</script><script>alert("x")</script> & <b>bold</b>'


def test_markup_in_yaml_is_escaped_everywhere(make_site: SiteMaker) -> None:
    root = make_site({
        "content/profile.yaml": f"name: 'Ada {HOSTILE}'\nheadline: h\nvalue_proposition: v\n"
                                f"summary: 'About {HOSTILE}'\n",
        "content/experience.yaml": f"- organization: O\n  role: R\n  start: 2020-01\n"
                                   f"  summary: 'Did {HOSTILE}'\n",
        "content/posts/2026-01-05-x.md": f"---\ntitle: 'T {HOSTILE}'\nsummary: 'S {HOSTILE}'\n"
                                         f"tags: ['<i>t</i>']\n---\nBody\n",
    })
    run_build(root)
    for rel in ("index.html", "blog/x/index.html", "cv/index.html", "tags/index.html"):
        html = read(root, rel)
        assert "<script>alert" not in html and "<b>bold</b>" not in html, rel
        assert "<i>t</i>" not in html
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert scripts or rel == "tags/index.html"
        for script in scripts:
            values = json.dumps(json.loads(script), ensure_ascii=False)  # intact and complete
            assert json.dumps(HOSTILE, ensure_ascii=False)[1:-1] in values
    feed = ET.fromstring((root / "site/public/feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("a:entry/a:title", namespaces=ns) == f"T {HOSTILE}"
    assert json.loads(read(root, "resume.json"))["basics"]["name"] == f"Ada {HOSTILE}"


def test_markdown_features(make_site: SiteMaker) -> None:
    body = """\
        ## A heading

        | a | b |
        |---|--:|
        | 1 | 2 |

        ~~gone~~ and a note[^1].

        - [x] done
        - [ ] open

        ```python
        def f(): return 1
        ```

        <div class="raw">raw html</div>

        See [the other](2026-01-01-other.md#intro) and ![pic](/img/p.png).

        [^1]: The note.
        """
    root = make_site({
        "content/posts/2026-01-05-x.md": "---\ntitle: X\n---\n" + textwrap.dedent(body),
        "content/posts/2026-01-01-other.md": "---\ntitle: Other\n---\n## Intro\n",
        "content/static/img/p.png": b"\x89PNG",
    })
    run_build(root)
    html = read(root, "blog/x/index.html")
    assert '<h2 id="a-heading">A heading <a class="anchor" href="#a-heading"' in html
    assert "<table>" in html and "<s>gone</s>" in html
    assert 'class="footnote-ref"' in html and "The note." in html
    assert 'type="checkbox"' in html and 'checked="checked"' in html
    assert '<span class="k">def</span>' in html  # highlighted at build time
    assert '<div class="raw">raw html</div>' in html
    assert 'href="/brand/blog/other/#intro"' in html
    assert 'src="/brand/img/p.png"' in html
    assert (root / "site/public/img/p.png").read_bytes() == b"\x89PNG"
    assert ".highlight .k" in read(root, "assets/syntax.css")
    # only a page with highlighted code pays for the token colours
    assert 'href="/brand/assets/syntax.css"' in html
    assert "syntax.css" not in read(root, "blog/other/index.html")
    assert "syntax.css" not in read(root, "index.html")


def test_experience_newest_first(make_site: SiteMaker) -> None:
    root = make_site({"content/experience.yaml": """\
        - organization: Oldco
          role: Junior
          start: 2015-01
          end: 2017-06
        - organization: Nowco
          role: Lead
          start: 2022-03
        - organization: Midco
          role: Senior
          start: 2017-07
          end: 2022-02
        """})
    run_build(root)
    cv = read(root, "cv/index.html")
    assert cv.index("Nowco") < cv.index("Midco") < cv.index("Oldco")
    assert "Mar 2022 – Present" in cv
    work = json.loads(read(root, "resume.json"))["work"]
    assert [w["name"] for w in work] == ["Nowco", "Midco", "Oldco"]
    assert "endDate" not in work[0] and work[1]["endDate"] == "2022-02"


def test_theme_override_can_extend_the_default(make_site: SiteMaker) -> None:
    root = make_site({"themes/default/templates/base.html":
                      '{% extends "default/base.html" %}{% block head %}'
                      '<meta name="x-custom" content="yes">{% endblock %}',
                      "themes/default/static/extra.css": "body{}"})
    run_build(root)
    assert '<meta name="x-custom" content="yes">' in read(root, "index.html")
    assert (root / "site/public/assets/extra.css").exists()
    assert (root / "site/public/assets/theme.css").exists()


def test_build_never_writes_into_content_or_themes(make_site: SiteMaker) -> None:
    root = make_site({"themes/default/static/x.css": "a{}", **POSTS})
    before = sorted(p for d in ("content", "themes") for p in (root / d).rglob("*"))
    run_build(root)
    after = sorted(p for d in ("content", "themes") for p in (root / d).rglob("*"))
    assert before == after


def test_output_inside_content_is_refused(make_site: SiteMaker) -> None:
    root = make_site()
    errors = errors_of(root, out=Path("content/site"))
    assert any("is inside content/" in e for e in errors)


def test_private_text_in_public_output_fails_the_build(make_site: SiteMaker) -> None:
    root = make_site({
        "content/private/goals.yaml": "- id: g1\n  title: Become VP at Initech by 2028\n",
        "content/pages/oops.md": "---\ntitle: Oops\n---\nMy page.\n",
        "themes/default/templates/page.html":
            '{% extends "default/page.html" %}{% block main %}Become VP at Initech by 2028'
            '{% endblock %}',
    })
    with pytest.raises(BuildError) as info:
        run_build(root)
    message = info.value.errors[0].format()
    assert "private text 'Become VP at Initech by 2028' from content/private/goals.yaml" \
           in message
    assert message.startswith("site/public/oops/index.html")
    assert not (root / "site").exists()


def test_private_strings_that_are_public_anyway_are_no_leak(make_site: SiteMaker) -> None:
    root = make_site({"content/skills.yaml": "- name: Stakeholder management\n  level: 3\n",
                      "content/private/goals.yaml":
                          "- id: g1\n  title: Grow\n  skills: [Stakeholder management]\n"})
    run_build(root)
    assert "Stakeholder management" in read(root, "cv/index.html")


def test_broken_internal_link_is_a_warning(make_site: SiteMaker) -> None:
    root = make_site({"content/pages/about.md":
                      '---\ntitle: About\n---\n<a href="/brand/nowhere/">x</a> [ok](/cv/)\n'})
    result = run_build(root)
    messages = [w.format() for w in result.warnings]
    assert messages == [
        "site/public/about/index.html: warning: broken link '/brand/nowhere/': no such file "
        "in the site\n  hint: fix the link in the content or template that produced this page"]


def test_a_link_verdict_is_kept_while_the_site_has_the_same_files(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild looks at the links of new pages only, yet reports every broken link again;
    once the missing page exists, the unchanged page linking to it is judged again."""
    from brandgen import linkcheck

    looked: list[list[str]] = []
    real = linkcheck._page_links

    def counting(*args: Any) -> dict[str, tuple[str, ...]]:
        looked.append(list(args[5]))
        return real(*args)

    monkeypatch.setattr(linkcheck, "_page_links", counting)
    root = make_site({"content/pages/about.md":
                      '---\ntitle: About\n---\n<a href="/brand/nowhere/">x</a> [ok](/cv/)\n'})
    first = [w.format() for w in run_build(root).warnings]
    assert len(first) == 1 and "about/index.html" in looked[-1]
    about = read(root, "about/index.html")
    assert [w.format() for w in run_build(root).warnings] == first
    assert looked[-1] == [], "no page was looked at again"
    write_files(root, {"content/pages/nowhere.md": "---\ntitle: Nowhere\n---\nHere.\n"})
    assert [w.format() for w in run_build(root).warnings] == []
    assert read(root, "about/index.html") == about and "about/index.html" in looked[-1]


def test_a_damaged_link_verdict_is_ignored(make_site: SiteMaker) -> None:
    import sqlite3

    root = make_site({"content/pages/about.md":
                      '---\ntitle: About\n---\n<a href="/brand/nowhere/">x</a>\n'})
    first = [w.format() for w in run_build(root).warnings]
    page = hashlib.sha256((root / "site/public/about/index.html").read_bytes()).hexdigest()
    with sqlite3.connect(root / ".brandgen-cache/cache.sqlite") as db:
        assert db.execute("UPDATE links SET value = ? WHERE key LIKE 'verdicts:%'",
                          (pickle.dumps({page: 5}),)).rowcount == 1
    db.close()
    assert [w.format() for w in run_build(root).warnings] == first


def test_tags_differing_in_case_share_a_page_and_odd_tags_get_a_slug(make_site: SiteMaker
                                                                      ) -> None:
    root = make_site({
        "content/posts/2026-01-02-a.md": "---\ntitle: A\ntags: [Data, 日本語]\n---\nx\n",
        "content/posts/2026-01-01-b.md": "---\ntitle: B\ntags: [data]\n---\ny\n",
    })
    run_build(root)
    tag_page = read(root, "tags/data/index.html")
    assert "Posts tagged “Data”" in tag_page and ">A<" in tag_page and ">B<" in tag_page
    topics = read(root, "tags/index.html")
    assert 'Data <span class="count">2</span>' in topics
    odd = [p for p in (root / "site/public/tags").iterdir() if p.name.startswith("tag-")]
    assert len(odd) == 1 and (odd[0] / "index.html").is_file()


def test_every_page_has_parseable_json_ld(make_site: SiteMaker) -> None:
    root = make_site({**POSTS, "content/projects.yaml": "- title: Tool\n  summary: A tool.\n"})
    run_build(root)
    types = {}
    for page in sorted((root / "site/public").rglob("*.html")):
        found = re.findall(r'<script type="application/ld\+json">(.*?)</script>',
                           page.read_text(), re.S)
        assert len(found) == 1, page
        types[page.relative_to(root / "site/public").as_posix()] = json.loads(found[0])["@type"]
    assert types["index.html"] == types["cv/index.html"] == "Person"
    assert types["blog/first/index.html"] == "BlogPosting"
    assert types["blog/index.html"] == "Blog"
    assert types["projects/tool/index.html"] == "CreativeWork"


def test_static_file_replacing_a_generated_one_is_a_warning(make_site: SiteMaker) -> None:
    root = make_site({"content/static/robots.txt": "User-agent: *\nDisallow: /\n"})
    result = run_build(root)
    assert read(root, "robots.txt") == "User-agent: *\nDisallow: /\n"
    assert [w.format().split("\n")[0] for w in result.warnings] == [
        "content/static/robots.txt: warning: replaces the generated /robots.txt"]


def test_leak_scan_sees_every_escaped_form() -> None:
    from brandgen.privacy import find_leaks

    secret = "Salary & bonus <95k> at Acme"
    once = html.escape(secret)
    twice = html.escape(f"<p>{html.escape(secret, quote=False)}</p>", quote=False)
    files = {"a.html": once.encode(), "feed.xml": twice.encode(),
             "resume.json": json.dumps(secret).encode(), "ok.html": b"nothing here"}
    leaks = find_leaks(files, {secret: "content/private/goals.yaml"}, public_text="")
    assert [leak.output for leak in leaks] == ["a.html", "feed.xml", "resume.json"]
    assert find_leaks(files, {secret: "x"}, public_text=f"I publish {secret}") == []


def test_post_with_a_time_goes_live_at_that_moment(make_site: SiteMaker) -> None:
    root = make_site({
        "brandgen.yaml": "base_url: https://a.io/\ntimezone: Europe/Berlin\n",
        "content/posts/a.md": "---\ntitle: Evening\ndate: 2026-11-23 18:00:00\n---\nx\n",
        "content/posts/b.md": "---\ntitle: Zoned\ndate: 2026-11-24T00:30:00+14:00\n---\ny\n",
    })
    # 16:59 UTC is 17:59 in Berlin: the 18:00 post is not out yet.
    run_build(root, now=dt.datetime(2026, 11, 23, 16, 59, tzinfo=dt.UTC))
    assert not (root / "site/public/blog/a").exists()
    # b is 2026-11-23 10:30 UTC, so it is live; shown with its Berlin date.
    assert "23 November 2026" in read(root, "blog/b/index.html")
    run_build(root, now=dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC))
    assert (root / "site/public/blog/a/index.html").exists()


def test_favicons_shipped_by_the_site_are_linked(make_site: SiteMaker) -> None:
    root = make_site()
    run_build(root)
    assert 'href="/brand/assets/favicon.svg"' in read(root, "index.html")  # generated
    root = make_site({"content/static/favicon.svg": "<svg/>",
                      "content/static/apple-touch-icon.png": b"\x89PNG"})
    run_build(root)
    home = read(root, "index.html")
    assert '<link rel="icon" href="/brand/favicon.svg"' in home
    assert '<link rel="apple-touch-icon" href="/brand/apple-touch-icon.png">' in home


def test_social_images(make_site: SiteMaker) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (1200).to_bytes(4, "big") + \
        (630).to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    root = make_site({
        "content/profile.yaml": "name: A\nheadline: B\nvalue_proposition: C\navatar: me.svg\n",
        "content/static/me.svg": "<svg/>",
        "content/static/cover.png": png,
        "content/posts/2026-01-01-a.md": "---\ntitle: A\nimage: cover.png\n---\nx\n",
        "content/posts/2026-01-02-b.md": "---\ntitle: B\nimage: https://cdn.example.org/b.jpg\n"
                                         "---\ny\n",
    })
    run_build(root)
    home = read(root, "index.html")
    # an SVG is never og:image: the generated card stands in for the SVG avatar
    assert "me.svg" not in home.split("</head>")[0].split('"og:image"')[1][:80]
    assert '<meta property="og:image" content="https://ada.github.io/brand/social.png">' in home
    post = read(root, "blog/a/index.html")
    assert '<meta property="og:image" content="https://ada.github.io/brand/cover.png">' in post
    assert '<meta property="og:image:width" content="1200">' in post
    assert '<meta name="twitter:card" content="summary_large_image">' in post
    other = read(root, "blog/b/index.html")
    assert '<meta property="og:image" content="https://cdn.example.org/b.jpg">' in other
    assert '"image": "https://cdn.example.org/b.jpg"' in other
