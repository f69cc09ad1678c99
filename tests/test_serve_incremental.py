"""The incremental rebuild never lies: after random edits, what the server would serve equals
what `brandgen build` renders from the same files, byte for byte. In-process, no sockets."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest

from brandgen.build import BuildResult
from brandgen.bundled import BUNDLED_THEMES
from brandgen.errors import BuildError, SourceError
from brandgen.serve.built import Built, Later
from brandgen.serve.deps import WHOLE, template_reads
from brandgen.serve.incremental import IncrementalSite
from brandgen.serve.lazy import LazyFiles, Withheld
from brandgen.serve.state import Builder, SiteState
from brandgen.serve.watch import Change, classify_change
from tests.conftest import NOW, SiteMaker, render

LOCAL = "http://127.0.0.1:8123"
TAGS = ("python", "go", "Platform", "data", "career")
WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa")
GOALS = """\
- id: speak
  title: Give two conference talks
  metric: talks
  start_value: 0
  target: 2
  deadline: 2027-06-30
  tags: [python]
  checkins:
    - date: 2026-10-01
      value: {n}
"""


def post_text(rng: random.Random, title: str, day: int) -> str:
    tags = rng.sample(TAGS, rng.randint(0, 3))
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
    link = "\n\nSee [the other](2026-01-01-first.md)." if rng.random() < 0.2 else ""
    return (f"---\ntitle: {title}\ndate: 2026-{1 + day // 28:02d}-{1 + day % 28:02d}\n"
            f"tags: [{', '.join(tags)}]\n---\n\n# {title}\n\n{body}{link}\n")


class Sources:
    """The project on disk and the changes the watcher would report."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.changes: list[Change] = []

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.touched(path)

    def delete(self, rel: str) -> None:
        (self.root / rel).unlink()
        self.touched(self.root / rel)

    def touched(self, path: Path) -> None:
        kind = classify_change(path, self.root)
        assert kind is not None, path
        self.changes.append((kind, path))

    def posts(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix()
                      for p in (self.root / "content/posts").glob("*.md"))


OPS = ("create", "delete", "rename", "body", "title", "tags", "date", "draft", "template",
       "css", "static", "config", "private", "profile", "newest", "avatar")


def png(shade: int) -> bytes:
    from io import BytesIO

    from PIL import Image
    out = BytesIO()
    Image.new("RGB", (16, 16), (shade % 256, 40, 90)).save(out, "PNG")
    return out.getvalue()


def edit(rng: random.Random, src: Sources, step: int, op: str) -> str:
    """One edit of a kind a writer makes; returns what it did."""
    posts = src.posts()
    if op == "create" or not posts:
        src.write(f"content/posts/2026-02-{step % 28 + 1:02d}-new-{step}.md",
                  post_text(rng, f"New {step}", rng.randrange(300)))
    elif op == "delete" and len(posts) > 1:
        src.delete(rng.choice(posts))
    elif op == "rename":
        old = rng.choice(posts)
        text = (src.root / old).read_text()
        src.delete(old)
        src.write(f"content/posts/renamed-{step}.md", text)
    elif op == "avatar":  # the same profile, another picture: every card is redrawn
        if "avatar:" not in (src.root / "content/profile.yaml").read_text():
            src.write("content/profile.yaml", "name: Ada Example\nheadline: Engineer\n"
                      "value_proposition: I help teams ship calmly.\navatar: avatar.png\n")
        (src.root / "content/static").mkdir(parents=True, exist_ok=True)
        (src.root / "content/static/avatar.png").write_bytes(png(step * 37))
        src.touched(src.root / "content/static/avatar.png")
    elif op == "newest":  # the post on the first list page and in most related lists
        rel = max(posts, key=lambda r: ((src.root / r).read_text().split("date: ")[1][:10], r))
        text = (src.root / rel).read_text()
        src.write(rel, text.replace("title: ", f"title: Newer {step} ", 1))
    elif op in ("body", "title", "tags", "date", "draft"):
        rel = rng.choice(posts)
        text = (src.root / rel).read_text()
        head, body = text.split("\n---\n", 1)
        if op == "body":
            body += f"\nOne more line, {rng.choice(WORDS)} {step}.\n"
        elif op == "title":
            head = "\n".join(f"title: Retitled {step}" if line.startswith("title:") else line
                             for line in head.splitlines())
        elif op == "tags":
            head = "\n".join(f"tags: [{rng.choice(TAGS)}]" if line.startswith("tags:") else line
                             for line in head.splitlines())
        elif op == "date":
            head = "\n".join(f"date: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
                             if line.startswith("date:") else line for line in head.splitlines())
        else:
            head = head.replace("\ndraft: true", "") if "draft: true" in head \
                else head + "\ndraft: true"
        src.write(rel, head + "\n---\n" + body)
    elif op == "template":
        base = (BUNDLED_THEMES / "default/templates/post.html").read_text()
        src.write("themes/default/templates/post.html",
                  base.replace("</article>", f"<p>edition {step}</p></article>", 1))
    elif op == "css":
        src.write("themes/default/static/theme.css", f"body{{margin:{step}px}}\n")
    elif op == "static":
        src.write(f"content/static/notes-{step % 2}.txt", f"notes {step}\n")
    elif op == "config":
        src.write("brandgen.yaml", f"base_url: https://ada.github.io/brand/\ntitle: Site {step}\n"
                                   f"posts_per_page: {rng.randint(1, 4)}\n")
    elif op == "private":
        src.write("content/private/goals.yaml", GOALS.format(n=step % 3))
    else:
        src.write("content/profile.yaml", "name: Ada Example\nheadline: Engineer "
                  f"{step}\nvalue_proposition: I help teams ship calmly.\n")
    return op


def assert_same(built: Built, reference: BuildResult) -> None:
    assert sorted(built.public) == sorted(reference.public)
    differ = [name for name in reference.public if reference.public[name] != built.public[name]]
    assert differ == []
    assert built.private == reference.private
    assert sorted(w.format() for w in built.warnings) == \
        sorted(w.format() for w in reference.warnings)


@pytest.mark.parametrize(("seed", "lazy"), [(7, False), (2026, False), (11, True),
                                            (404, True), (5, True)])
def test_random_edits_serve_what_build_writes(make_site: SiteMaker, seed: int, lazy: bool
                                              ) -> None:
    """`lazy`: as the server rebuilds, one page read (rendered on request) before finish()."""
    rng = random.Random(seed)
    root = make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                       "posts_per_page: 2\n",
                      "content/posts/2026-01-01-first.md": post_text(rng, "First", 0),
                      **{f"content/posts/2026-01-{d:02d}-p{d}.md": post_text(rng, f"P{d}", d)
                         for d in range(2, 7)}})
    site, src = IncrementalSite(root, LOCAL), Sources(root)
    built = site.rebuild([], NOW)
    assert_same(built, render(root, base_url=built.config.base_url))
    done = []
    failed = 0
    ops = rng.sample(OPS, len(OPS)) + rng.choices(OPS, k=12)  # each kind at least once
    for step, op in enumerate(ops):
        done.append(edit(rng, src, step, op))
        early: dict[str, bytes] = {}
        try:
            built = site.rebuild(src.changes, NOW, lazy=lazy)
            pages = sorted(name for name in built.public if name.endswith(".html"))
            for name in random.Random(step).sample(pages, 2):  # not rng: the same edits
                early[name] = built.public[name]
            built.finish()
        except BuildError as e:  # a link to a deleted post: the build must fail the same way
            with pytest.raises(BuildError) as reference:
                render(root, base_url=built.config.base_url)
            assert sorted(map(str, e.errors)) == sorted(map(str, reference.value.errors))
            failed += 1
            continue
        finally:
            src.changes = []
        reference_build = render(root, base_url=built.config.base_url)
        assert_same(built, reference_build)
        assert {name: reference_build.public[name] for name in early} == early
    assert set(OPS) - {"delete"} <= set(done)
    assert failed < len(ops) // 2


def plain_post(title: str, day: int) -> str:
    return f"---\ntitle: {title}\ndate: 2026-01-0{day}\ntags: [python]\n---\n\nText {day}.\n"


def test_a_lazy_rebuild_keeps_its_own_snapshot(make_site: SiteMaker) -> None:
    post = "content/posts/2026-01-02-p2.md"
    root = make_site({f"content/posts/2026-01-0{d}-p{d}.md": plain_post(f"P{d}", d)
                      for d in range(1, 6)})
    site, src = IncrementalSite(root, LOCAL), Sources(root)
    site.rebuild([], NOW)
    src.write(post, (root / post).read_text().replace("title: P2", "title: Edition one"))
    first = site.rebuild(src.changes, NOW, lazy=True)
    src.changes = []
    assert "blog/p2/index.html" in first.public and first.rendered > 0
    assert "blog/p2/index.html" in first.announced  # told to browsers before it is rendered
    reference = render(root, base_url=first.config.base_url)

    src.write(post, (root / post).read_text().replace("Edition one", "Edition two"))
    second = site.rebuild(src.changes, NOW, lazy=True)  # before anything of `first` was read
    # `first` still answers with its own sources' pages, never a mix with the second's.
    assert {name: first.public[name] for name in first.public} == reference.public
    assert b"Edition two" in second.public["blog/index.html"]
    assert b"Edition two" not in first.public["blog/index.html"]
    assert_same(second, render(root, base_url=second.config.base_url))


def test_a_lazy_rebuild_that_fails_its_checks_is_undone(make_site: SiteMaker,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    post = "content/posts/2026-01-02-p2.md"
    root = make_site({f"content/posts/2026-01-0{d}-p{d}.md": plain_post(f"P{d}", d)
                      for d in range(1, 4)})
    state = SiteState()
    builder = Builder(root, state, port=8123, today=NOW.date(), out=io.StringIO(),
                      err=io.StringIO())
    good = builder.rebuild()
    (root / post).write_text(plain_post("Leaky", 2))
    monkeypatch.setattr(Later, "checked", lambda self, name, make: leaky(name))
    bad = builder.rebuild([("content", root / post)])
    assert bad.errors and bad.errors[0].message == "private text"
    assert bad.public is good.public  # the pages of the failed rebuild are gone again
    assert builder.site is not None and builder.site._pending  # and it is redone next time
    monkeypatch.undo()
    (root / post).write_text(plain_post("Fine", 2))
    fixed = builder.rebuild([("content", root / post)])
    assert not fixed.errors and b"Fine" in fixed.public["blog/p2/index.html"]
    assert builder.site is not None and builder.site._last is not None
    assert_same(builder.site._last, render(root, base_url=builder.site._last.config.base_url))


def leaky(name: str) -> Callable[[], bytes]:
    def make() -> bytes:
        raise BuildError([SourceError("private text", f"site/public/{name}")])
    return make


def test_lazy_files_make_each_file_once_and_withhold_failures() -> None:
    made: list[str] = []

    def maker(name: str) -> Callable[[], bytes]:
        def make() -> bytes:
            made.append(name)
            if name == "bad.html":
                raise Withheld(name)
            return name.encode()
        return make

    files = LazyFiles({"a.html": b"a"}, {n: maker(n) for n in ("b.html", "bad.html", "c.xml")})
    assert list(files) == ["a.html", "b.html", "bad.html", "c.xml"] and len(files) == 4
    assert "bad.html" in files and "nope" not in files
    assert files["b.html"] == b"b.html" and files["b.html"] == b"b.html"
    with pytest.raises(KeyError):
        files["bad.html"]
    with pytest.raises(KeyError):
        files["bad.html"]  # not made again
    assert files.pending == {"c.xml"}
    assert files.complete() == ({"a.html": b"a", "b.html": b"b.html", "c.xml": b"c.xml"},
                                {"bad.html"})
    assert made == ["b.html", "bad.html", "c.xml"]


def test_a_failed_rebuild_is_redone_with_the_next_change(make_site: SiteMaker) -> None:
    rng = random.Random(1)
    root = make_site({"content/posts/2026-01-01-first.md": post_text(rng, "First", 0),
                      "content/posts/2026-01-02-second.md": post_text(rng, "Second", 1)})
    site, src = IncrementalSite(root, LOCAL), Sources(root)
    site.rebuild([], NOW)
    src.write("content/posts/2026-01-02-second.md", "---\ntitle: [broken\n---\n")
    with pytest.raises(BuildError) as info:
        site.rebuild(src.changes, NOW)
    assert info.value.errors[0].path == "content/posts/2026-01-02-second.md"
    src.changes = []
    src.write("content/profile.yaml", "name: Ada\nheadline: H\nvalue_proposition: V\n")
    with pytest.raises(BuildError):  # the post is still broken: its change was kept
        site.rebuild(src.changes, NOW)
    src.changes = []
    src.write("content/posts/2026-01-02-second.md", post_text(rng, "Second again", 1))
    built = site.rebuild(src.changes, NOW)
    assert b"Second again" in built.public["blog/second/index.html"]
    assert_same(built, render(root, base_url=built.config.base_url))


def test_what_each_kind_of_edit_renders(make_site: SiteMaker) -> None:
    rng = random.Random(3)
    root = make_site({f"content/posts/2026-01-{d:02d}-p{d}.md": post_text(rng, f"P{d}", d)
                      for d in range(1, 13)})
    site, src = IncrementalSite(root, LOCAL), Sources(root)
    first = site.rebuild([], NOW)
    pages = sum(1 for name in first.public if name.endswith(".html"))
    assert first.rendered == pages

    src.write("content/posts/2026-01-01-p1.md", (root / "content/posts/2026-01-01-p1.md")
              .read_text() + "\nA new last line.\n")
    body = site.rebuild(src.changes, NOW)
    src.changes = []
    assert "blog/p1/index.html" in body.changed
    assert body.rendered < 6  # its page and the lists that show it, not the site

    # An editor's second write of the same text (or a touch): nothing changed, so an open
    # page that reloaded after the first write must not reload again.
    src.write("content/posts/2026-01-01-p1.md", (root / "content/posts/2026-01-01-p1.md")
              .read_text())
    same = site.rebuild(src.changes, NOW)
    src.changes = []
    assert same.rendered == 0 and same.changed == frozenset()
    assert same.announced == frozenset()

    src.write("content/private/goals.yaml", GOALS.format(n=1))
    private = site.rebuild(src.changes, NOW)
    src.changes = []
    assert private.rendered == 0 and private.changed == frozenset()
    assert private.private_changed == {"index.html", "career.ics"}

    src.write("themes/default/static/theme.css", "body{margin:0}\n")
    css = site.rebuild(src.changes, NOW)
    src.changes = []
    assert css.rendered == 0 and css.changed == {"assets/theme.css"}

    base = (BUNDLED_THEMES / "default/templates/post.html").read_text()
    src.write("themes/default/templates/post.html", base.replace("</article>", "<hr></article>"))
    template = site.rebuild(src.changes, NOW)
    assert template.rendered == pages
    assert template.changed == {f"blog/p{d}/index.html" for d in range(1, 13)}


def test_template_reads_follow_site_attributes() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "a.html": "{{ site.title }}{% for r in site.content.roles %}{{ r }}{% endfor %}",
        "b.html": "{{ site.content.skills | length }}{{ profile.name }}"}))
    assert template_reads(env) == {("title",), ("content", "roles"), ("content", "skills")}
    env.loader = jinja2.DictLoader({"c.html": "{% set s = site %}{{ s.posts }}"})
    assert WHOLE in template_reads(env)
    env.loader = jinja2.DictLoader({"d.html": "{{ site['posts'] }}{% broken"})
    assert WHOLE in template_reads(env)


def test_the_bundled_theme_never_reads_the_list_of_posts(make_site: SiteMaker) -> None:
    site = IncrementalSite(make_site(), LOCAL)
    site.rebuild([], NOW)
    assert site._env is not None
    reads = template_reads(site._env)
    assert WHOLE not in reads and ("posts",) not in reads
    assert ("content", "posts") not in reads and ("content", "roles") in reads


def test_a_new_avatar_picture_redraws_the_cards(make_site: SiteMaker) -> None:
    rng = random.Random(5)
    root = make_site({"content/profile.yaml": "name: Ada Example\nheadline: Engineer\n"
                      "value_proposition: I help teams ship calmly.\navatar: avatar.png\n",
                      "content/posts/2026-01-01-first.md": post_text(rng, "First", 0)})
    (root / "content/static").mkdir(parents=True, exist_ok=True)
    (root / "content/static/avatar.png").write_bytes(png(10))
    site, src = IncrementalSite(root, LOCAL), Sources(root)
    site.rebuild([], NOW)
    (root / "content/static/avatar.png").write_bytes(png(200))  # the profile stays the same
    src.touched(root / "content/static/avatar.png")
    built = site.rebuild(src.changes, NOW)
    assert "blog/first/social.png" in built.changed
    assert_same(built, render(root, base_url=built.config.base_url))


def test_a_retitled_post_keeps_the_cards_of_pages_that_list_it(make_site: SiteMaker) -> None:
    rng = random.Random(8)
    root = make_site({f"content/posts/2026-01-{d:02d}-p{d}.md":
                      post_text(rng, f"P{d}", d).replace("tags: [", "tags: [python, ", 1)
                      .replace("See [the other](2026-01-01-first.md).", "")
                      for d in range(1, 9)})
    site, src = IncrementalSite(root, LOCAL), Sources(root)
    site.rebuild([], NOW)
    rel = "content/posts/2026-01-08-p8.md"
    src.write(rel, (root / rel).read_text().replace("title: P8", "title: Renamed", 1))
    built = site.rebuild(src.changes, NOW)
    # The pages whose related posts show the new title change; their cards do not.
    assert {"blog/p8/social.png"} == {n for n in built.changed if n.endswith(".png")}
    assert sum(1 for n in built.changed if n.startswith("blog/p")) > 2
    assert_same(built, render(root, base_url=built.config.base_url))


def test_a_site_in_another_language_is_served_with_its_quotes(make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\nlanguage: de\n",
                      "content/posts/2026-01-01-first.md":
                          '---\ntitle: Erster\ndate: 2026-01-01\n---\nEr sagte "Hallo".\n'})
    site, src = IncrementalSite(root, LOCAL), Sources(root)
    built = site.rebuild([], NOW)
    assert "„Hallo“" in built.public["blog/first/index.html"].decode()
    assert_same(built, render(root, base_url=built.config.base_url))
    src.write("content/posts/2026-01-01-first.md",
              '---\ntitle: Erster\ndate: 2026-01-01\n---\nSie sagte "Tschüss".\n')
    built = site.rebuild(src.changes, NOW)
    assert "„Tschüss“" in built.public["blog/first/index.html"].decode()
    assert_same(built, render(root, base_url=built.config.base_url))
