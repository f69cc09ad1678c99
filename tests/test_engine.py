"""The build engine: a change touches exactly the affected outputs, the cache never changes
what is built, and the output is the same with 1 or N processes and any hash seed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.gen_corpus import write_site
from brandgen import docs as docs_module
from brandgen.bundled import BUNDLED_THEMES
from brandgen.cache import FOLDER
from brandgen.errors import BuildError
from brandgen.typography import MarkdownSettings
from tests.conftest import REPO, SiteMaker, run_build, write_files

POSTS = {
    "content/posts/2026-01-01-a.md": "---\ntitle: A\nsummary: About A.\ntags: [x]\n---\n"
                                     "Links to [B](2026-01-02-b.md).\n",
    "content/posts/2026-01-02-b.md": "---\ntitle: B\nsummary: About B.\ntags: [y]\n---\n"
                                     "Body of B.\n",
    "content/posts/2026-01-03-c.md": "---\ntitle: C\nsummary: About C.\ntags: [x]\n---\n"
                                     "Body of C.\n",
}


def tree(folder: Path) -> dict[str, bytes]:
    """The built files; the write manifest beside them records times and inodes, not output."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()
            and p.name != ".brandgen-state.json"}


def built(root: Path, out: Path, **kwargs: object) -> dict[str, bytes]:
    run_build(root, out=out, **kwargs)
    return tree(out / "public")


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many documents the Markdown stage renders (cache misses), per build."""
    counts: list[int] = []
    real = docs_module._render_misses

    def counting(todo: list[tuple[str, str, bool]], jobs: int, settings: MarkdownSettings,
                 folder: str | None = None) -> tuple[list[bytes], bool]:
        counts.append(len(todo))
        return real(todo, jobs, settings, folder)

    monkeypatch.setattr(docs_module, "_render_misses", counting)
    return counts


def test_editing_a_post_changes_its_page_and_the_feed_only(
        make_site: SiteMaker, tmp_path: Path, renders: list[int]) -> None:
    root = make_site(POSTS)
    before = built(root, tmp_path / "o")
    write_files(root, {"content/posts/2026-01-02-b.md": POSTS["content/posts/2026-01-02-b.md"]
                       .replace("Body of B.", "Body of B, edited.")})
    after = built(root, tmp_path / "o")
    assert changed(before, after) == {"blog/b/index.html", "feed.xml"}
    assert b"Body of B, edited." in after["blog/b/index.html"]
    assert renders[-1] == 1  # only the edited post was rendered again


def test_editing_a_template_renders_no_markdown(make_site: SiteMaker, tmp_path: Path,
                                                renders: list[int]) -> None:
    root = make_site(POSTS)
    before = built(root, tmp_path / "o")
    post = (BUNDLED_THEMES / "default/templates/post.html").read_text(encoding="utf-8")
    write_files(root, {"themes/default/templates/post.html":
                       post.replace("{% block main %}", "{% block main %}<!-- edited -->")})
    after = built(root, tmp_path / "o")
    assert changed(before, after) == {f"blog/{s}/index.html" for s in "abc"}
    assert renders[-1] == 0


def test_editing_the_config_renders_no_markdown(make_site: SiteMaker, tmp_path: Path,
                                                renders: list[int]) -> None:
    root = make_site(POSTS)
    before = built(root, tmp_path / "o")
    write_files(root, {"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                        "title: New title\n"})
    after = built(root, tmp_path / "o")
    assert "blog/a/index.html" in changed(before, after)
    assert b"New title" in after["blog/a/index.html"]
    assert renders[-1] == 0


def test_a_new_brandgen_or_markdown_version_renders_everything_again(
        make_site: SiteMaker, tmp_path: Path, renders: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(POSTS)
    before = built(root, tmp_path / "o")
    monkeypatch.setattr(docs_module, "__version__", "99.0.0")
    assert built(root, tmp_path / "o") == before
    monkeypatch.setattr(docs_module, "ENGINE", "docs-next")
    assert built(root, tmp_path / "o") == before
    assert renders == [3, 3, 3]


def test_adding_a_post_renders_only_that_post(make_site: SiteMaker, tmp_path: Path,
                                              renders: list[int]) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    write_files(root, {"content/posts/2026-01-04-d.md": "---\ntitle: D\n---\nNew.\n"})
    assert "blog/d/index.html" in built(root, tmp_path / "o")
    assert renders == [3, 1]


def test_deleting_a_post_removes_it_everywhere(make_site: SiteMaker, tmp_path: Path) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    (root / "content/posts/2026-01-03-c.md").unlink()
    after = built(root, tmp_path / "o")
    assert "blog/c/index.html" not in after
    for name in ("blog/index.html", "tags/x/index.html", "feed.xml", "sitemap.xml",
                 "index.html"):
        assert b"/blog/c/" not in after[name], name


def test_renaming_a_post_rechecks_the_links_to_it(make_site: SiteMaker, tmp_path: Path,
                                                  renders: list[int]) -> None:
    root = make_site(POSTS)
    built(root, tmp_path / "o")
    b = root / "content/posts/2026-01-02-b.md"
    b.write_text(b.read_text(encoding="utf-8").replace("title: B", "title: B\nslug: bee"),
                 encoding="utf-8")
    after = built(root, tmp_path / "o")
    assert "blog/b/index.html" not in after and "blog/bee/index.html" in after
    # a.md was a cache hit; its link still follows B to the new URL
    assert b'href="/brand/blog/bee/"' in after["blog/a/index.html"]
    assert renders == [3, 0]  # front matter changed, the bodies did not
    b.rename(root / "content/posts/2026-01-02-gone.md")
    (root / "content/posts/2026-01-02-gone.md").unlink()
    with pytest.raises(BuildError) as info:
        run_build(root, out=tmp_path / "o")
    assert [e.format() for e in info.value.errors] == [
        "content/posts/2026-01-01-a.md:6:1: error: link to content/posts/2026-01-02-b.md, "
        "which is not a page of this site\n  hint: fix the path (it is relative to this file)"
        " or link a URL"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign schema"])
def test_a_damaged_cache_is_ignored_and_rebuilt(make_site: SiteMaker, tmp_path: Path,
                                                damage: str, renders: list[int]) -> None:
    root = make_site(POSTS)
    before = built(root, tmp_path / "o", cache=False)
    built(root, tmp_path / "o")
    db = root / FOLDER / "cache.sqlite"
    for extra in (db.with_name("cache.sqlite-wal"), db.with_name("cache.sqlite-shm")):
        extra.unlink(missing_ok=True)
    data = db.read_bytes()
    if damage == "garbage":
        db.write_bytes(b"\x00not sqlite at all" * 100)
    elif damage == "truncated":
        db.write_bytes(data[: len(data) // 3])
    elif damage == "empty":
        db.write_bytes(b"")
    else:
        import sqlite3

        with sqlite3.connect(db) as con:
            con.execute("PRAGMA user_version=999")
        con.close()
    assert built(root, tmp_path / "o") == before
    assert built(root, tmp_path / "o") == before
    assert renders[-1] == 0, "the cache works again after the rebuild"


def test_no_cache_writes_no_cache_and_builds_the_same(make_site: SiteMaker,
                                                      tmp_path: Path) -> None:
    root = make_site(POSTS)
    plain = built(root, tmp_path / "a", cache=False)
    assert not (root / FOLDER).exists()
    assert built(root, tmp_path / "b") == plain  # cold cache
    assert built(root, tmp_path / "c") == plain  # warm cache
    assert (root / FOLDER / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def cli(*args: str, seed: str = "0", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-m", "brandgen", *args], capture_output=True,
                          text=True, env=env, cwd=cwd or REPO, timeout=600)


def assert_same_builds(root: Path, out: Path) -> list[str]:
    """1 vs 2 jobs, no cache vs cold vs warm cache, each in its own process and hash seed:
    the same files and the same warnings (returned)."""
    runs = [("a", ["-j", "1", "--no-cache"], "1"), ("b", ["-j", "2"], "2"),
            ("c", ["-j", "2"], "3"), ("d", ["-j", "1"], "4")]
    trees, warnings = [], []
    for name, flags, seed in runs:
        proc = cli("build", "-C", str(root), "--out", str(out / name), "--today", "2026-11-23",
                   *flags, seed=seed)
        assert proc.returncode == 0, proc.stderr
        trees.append(tree(out / name))
        warnings.append([line.replace(f"out/{name}/", "out/") for line
                         in proc.stderr.splitlines() if ": warning: " in line])
    assert all(t == trees[0] for t in trees[1:])
    assert all(w == warnings[0] for w in warnings[1:]), warnings
    return warnings[0]


def test_example_is_byte_identical_across_jobs_cache_and_hash_seeds(tmp_path: Path) -> None:
    root = tmp_path / "example"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copyfile(REPO / "brandgen.yaml", root / "brandgen.yaml")
    assert_same_builds(root, tmp_path / "out")


@pytest.mark.slow
def test_generated_site_is_byte_identical_across_jobs_cache_and_hash_seeds(
        tmp_path: Path) -> None:
    root = tmp_path / "gen"
    write_site(1000, root)
    # The engine at scale; cards (~3.5 s of each cold build here) are held to the same
    # bytes across jobs, cache and hash seeds by the example's test and tests/test_social.
    with (root / "brandgen.yaml").open("a", encoding="utf-8") as config:
        config.write("social_images: false\n")
    # Links of pages rendered in a worker are found there: a broken one is still reported.
    write_files(root, {"content/posts/2026-11-01-broken.md": "---\ntitle: Broken\n---\n"
                       'See <a href="/brand/nowhere/">this</a>.\n'})
    warnings = assert_same_builds(root, tmp_path / "out")
    assert [w for w in warnings if "broken link '/brand/nowhere/'" in w] == [
        "site/public/blog/broken/index.html: warning: broken link '/brand/nowhere/': no such "
        "file in the site"], warnings
    assert len(list((tmp_path / "out/a/public/blog").iterdir())) > 1000


def _png(width: int, height: int, colour: tuple[int, int, int] = (20, 90, 160)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def image_site(posts: int) -> dict[str, str | bytes | None]:
    """Posts with responsive images (and a social card each), enough for both pools."""
    files: dict[str, str | bytes | None] = {
        f"content/static/img/p{i % 5}.png": _png(500 + 300 * (i % 5), 400) for i in range(5)}
    files["content/static/icon.png"] = _png(64, 64)
    for i in range(posts):
        files[f"content/posts/2026-01-{1 + i % 28:02d}-p{i}.md"] = (
            f"---\ntitle: Post {i}\nsummary: About {i}.\ntags: [t{i % 3}]\n---\n"
            f"![First {i}](../static/img/p{i % 5}.png \"T{i}\")\n\nText.\n\n"
            f"![Icon](/icon.png) and ![Second](/img/p{(i + 1) % 5}.png)\n")
    return files


def test_a_site_with_images_is_byte_identical_across_jobs_and_cache(
        make_site: SiteMaker, tmp_path: Path) -> None:
    """> POOL_THRESHOLD documents and > PARALLEL_CARDS cards: both run in worker pools."""
    from brandgen.public.social import PARALLEL_CARDS

    assert max(docs_module.POOL_THRESHOLD, PARALLEL_CARDS) < 70
    root = make_site(image_site(70))
    assert_same_builds(root, tmp_path / "out")
    page = (tmp_path / "out/b/public/blog/p3/index.html").read_text(encoding="utf-8")
    assert '<picture><source type="image/webp"' in page and 'width="1400"' in page
    assert (tmp_path / "out/b/public/blog/p3/social.png").is_file()


def test_a_replaced_image_changes_its_markup_under_a_markdown_cache_hit(
        make_site: SiteMaker, tmp_path: Path, renders: list[int]) -> None:
    """Image markup is resolved after the cache, from today's static files."""
    root = make_site(image_site(3))
    built(root, tmp_path / "a")
    (root / "content/static/img/p0.png").write_bytes(_png(1300, 700))
    warm = built(root, tmp_path / "b")
    assert renders[-1] == 0, "no document is rendered again"
    page = warm["blog/p0/index.html"].decode()
    assert 'width="1300" height="700"' in page and 'width="500"' not in page
    assert warm == built(root, tmp_path / "c", cache=False)


def test_two_builds_at_once_share_the_cache_safely(make_site: SiteMaker, tmp_path: Path) -> None:
    root = make_site(POSTS)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    procs = [subprocess.Popen([sys.executable, "-m", "brandgen", "build", "-C", str(root),
                               "--out", str(tmp_path / name), "--today", "2026-11-23"],
                              env=env, cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    proc = cli("build", "-C", str(root), "--out", str(tmp_path / "c"), "--today", "2026-11-23",
               "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert tree(tmp_path / "c") == tree(tmp_path / "a")


def test_clean_removes_the_cache(make_site: SiteMaker) -> None:
    root = make_site(POSTS)
    run_build(root)
    assert (root / FOLDER).is_dir()
    proc = cli("clean", "-C", str(root))
    assert proc.returncode == 0 and "Removed .brandgen-cache/" in proc.stdout
    assert not (root / FOLDER).exists() and (root / "site/public/index.html").is_file()
    proc = cli("clean", "-C", str(root))
    assert proc.returncode == 0 and "nothing to remove" in proc.stdout


def test_jobs_must_be_a_positive_number(make_site: SiteMaker) -> None:
    proc = cli("build", "-C", str(make_site()), "--jobs", "0")
    assert proc.returncode == 2 and "expected a whole number of processes" in proc.stderr


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_no_pipeline(flag: str) -> None:
    code = (f"import sys\nfrom brandgen.cli import main\ntry:\n    main([{flag!r}])\n"
            "except SystemExit:\n    pass\n"
            "heavy = ('jinja2', 'markdown_it', 'pygments', 'yaml', 'brandgen.build', "
            "'brandgen.public', 'brandgen.private', 'sqlite3', 'multiprocessing')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or "
            "m.startswith(heavy)), file=sys.stderr)\n")
    assert _stderr_of(code) == "[]"


def _stderr_of(code: str) -> str:
    """What Python code run in a fresh interpreter prints to stderr."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    return proc.stderr.strip()


def test_library_versions_are_read_without_the_installed_metadata() -> None:
    """A build reads each library's own __version__ (the same as its installed metadata
    says): importing importlib.metadata and reading the metadata cost ~15 ms a build.
    MarkupSafe has none: the digest of its files stands for it; Typst is known by its
    files' stat, without importing it."""
    from importlib.metadata import version

    from brandgen.libversions import BY_NAME, MODULES, library_version

    for name in [*MODULES, *BY_NAME]:
        assert library_version(name) == version(name), name
    assert library_version("markupsafe").startswith("files:")
    code = ("import sys\nimport brandgen.build\nfrom brandgen.docs import settings_fingerprint"
            "\nfrom brandgen.public.fingerprint import code_fingerprint\n"
            "from brandgen.libversions import library_version\n"
            "settings_fingerprint(), code_fingerprint(), library_version('typst')\n"
            "print('importlib.metadata' in sys.modules, 'typst' in sys.modules,"
            " 'markdown_it' in sys.modules, file=sys.stderr)\n")
    assert _stderr_of(code) == "False False False"


def test_a_library_is_known_by_its_dist_info_folder_or_else_by_all_its_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The version in the wheel's `.dist-info` name; without exactly one such folder, a
    digest of every file of the package, subpackages included (an upgrade that changes
    only a subpackage is a new version too)."""
    from brandgen import libversions

    site = tmp_path / "site"
    write_files(site, {"fake_lib/__init__.py": "", "fake_lib/rules/block.py": "A = 1\n",
                       "Fake.Lib-2.0.1.dist-info/METADATA": "Name: fake.lib\n",
                       "fake_lib_extra-9.dist-info/METADATA": "Name: fake-lib-extra\n"})
    monkeypatch.syspath_prepend(str(site))
    assert libversions._installed_version("fake-lib", "fake_lib") == "2.0.1"
    shutil.rmtree(site / "Fake.Lib-2.0.1.dist-info")
    assert libversions._installed_version("fake-lib", "fake_lib") is None
    before = libversions._files_digest("fake_lib", recursive=True)
    (site / "fake_lib/rules/block.py").write_text("A = 2\n")
    assert libversions._files_digest("fake_lib", recursive=True) != before
    monkeypatch.setitem(libversions.BY_NAME, "fake-lib", "fake_lib")
    libversions.library_version.cache_clear()
    try:
        assert libversions.library_version("fake-lib").startswith("files:")
    finally:
        libversions.library_version.cache_clear()


def test_a_build_whose_documents_are_all_cached_loads_no_markdown_engine(
        make_site: SiteMaker, tmp_path: Path) -> None:
    """A template edit renders pages, not documents: the Markdown engine (markdown-it, its
    plugins, Pygments' lexers: ~30 ms of imports) is not loaded; a post edit loads it, in
    the build's process with one job, else in the process that renders it ahead."""
    root = make_site({**POSTS, "content/posts/2026-01-05-code.md":
                      "---\ntitle: Code\n---\n```python\nprint('hi')\n```\n"})
    built(root, tmp_path / "o")
    write_files(root, {"themes/default/templates/base.html":
                       (BUNDLED_THEMES / "default/templates/base.html").read_text()
                       + "<!-- edited -->\n"})

    def code(jobs: int) -> str:
        return ("import sys\nfrom brandgen.cli import main\n"
                f"main(['build', '-C', {str(root)!r}, '--out', {str(tmp_path / 'o')!r},"
                f" '--jobs', '{jobs}'])\n"
                "engine = ('markdown_it', 'mdit_py_plugins', 'linkify_it', 'markdown_it_pyrs',"
                " 'pygments.lexers', 'brandgen.markdown')\n"
                "print(sorted(m for m in engine if m in sys.modules), file=sys.stderr)\n")
    assert _stderr_of(code(2)) == "[]"
    for n, jobs in enumerate((2, 1)):
        write_files(root, {"content/posts/2026-01-05-code.md":
                           f"---\ntitle: Code\n---\n```python\nprint({n})\n```\n"})
        loaded = _stderr_of(code(jobs))
        # (rendered ahead by a forked process on Linux only)
        assert ("'markdown_it'" in loaded) == (jobs == 1 or sys.platform != "linux"), loaded


def test_unchanged_posts_are_not_parsed_again_and_cross_file_checks_still_run(
        make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from brandgen import documents

    parsed: list[str] = []
    real = documents._post
    monkeypatch.setattr(documents, "_post", lambda path, *a: parsed.append(path.name)
                        or real(path, *a))
    root = make_site({**POSTS, "content/static/x.png": b"\x89PNG\r\n\x1a\n",
                      "content/posts/2026-01-05-e.md": "---\ntitle: E\nimage: x.png\n---\nE\n"})
    plain = built(root, tmp_path / "a", cache=False)
    assert built(root, tmp_path / "b") == plain and len(parsed) == 8
    assert built(root, tmp_path / "b") == plain and len(parsed) == 8  # all from the cache
    write_files(root, {"content/posts/2026-01-06-a.md": "---\ntitle: A again\n---\nx\n"})
    with pytest.raises(BuildError) as info:
        run_build(root, out=tmp_path / "c")
    assert [e.path for e in info.value.errors] == ["content/posts/2026-01-06-a.md"]
    assert "duplicate post slug 'a'" in info.value.errors[0].message
    (root / "content/posts/2026-01-06-a.md").unlink()
    (root / "content/static/x.png").unlink()  # the cached post E names it
    with pytest.raises(BuildError) as info:
        run_build(root, out=tmp_path / "c")
    assert [e.path for e in info.value.errors] == ["content/posts/2026-01-05-e.md"]


def test_a_cache_busy_past_the_timeout_is_a_miss_not_damage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from brandgen import cache as cache_module

    monkeypatch.setattr(cache_module, "TIMEOUT", 0.05)
    cache = cache_module.Cache(tmp_path)
    assert cache.put_many("docs", {"a": b"1"}) is True
    other = sqlite3.connect(tmp_path / "cache.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another build holds the write lock
    assert cache.put_many("docs", {"b": b"2"}) is False
    other.execute("ROLLBACK")
    other.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "broken" in p.name) == []
    assert cache.put_many("docs", {"b": b"2"}) is True
    assert cache.get_many("docs", ["a", "b"]) == {"a": b"1", "b": b"2"}
    cache.close()


def test_a_cache_of_an_earlier_version_loses_its_page_table(tmp_path: Path) -> None:
    """Pages were stored in the cache before (40 MB at 4000 posts); now their bytes are the
    output's files, so the old table is dropped when found and the rest kept."""
    import sqlite3

    from brandgen.cache import SCHEMA, Cache

    db = sqlite3.connect(tmp_path / "cache.sqlite", isolation_level=None)
    for table in ("docs", "pages"):
        db.execute(f"CREATE TABLE {table} (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    db.execute("INSERT INTO docs VALUES ('a', x'31')")
    db.execute("INSERT INTO pages VALUES ('p', x'32')")
    db.execute(f"PRAGMA user_version={SCHEMA}")
    db.close()
    cache = Cache(tmp_path)
    assert cache.get_many("docs", ["a"]) == {"a": b"1"}
    cache.close()
    db = sqlite3.connect(tmp_path / "cache.sqlite")
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert "pages" not in tables and {"docs", "page_digests"} <= tables
