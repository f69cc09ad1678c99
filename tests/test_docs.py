"""The Markdown stage on its own: fixture cases, link placeholders, cache keys, the pool."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

import pytest

from brandgen import docs as docs_module
from brandgen import markdown as markdown_module
from brandgen.cache import Cache
from brandgen.docs import (
    DocInput,
    LinkTargets,
    doc_key,
    render_docs,
    resolve_doc,
    settings_fingerprint,
)
from brandgen.fastmd import fast_tokens
from brandgen.markdown import make_markdown, render_doc
from brandgen.rendered import DocLink, RenderedDoc
from brandgen.typography import markdown_settings
from brandgen.urls import Urls

CASES = Path(__file__).parent / "data/markdown"
SOURCE = "content/posts/case.md"
TARGETS = LinkTargets(Urls("https://ada.github.io/brand/"),
                      {"content/posts/other.md": "blog/other/"},
                      frozenset({"content/posts/draft.md"}))


def render_case(text: str) -> str:
    html, errors = resolve_doc(render_doc(text), SOURCE, 1, TARGETS)
    assert errors == []
    return html


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.md")))
def test_markdown_cases(name: str, request: pytest.FixtureRequest) -> None:
    """tests/data/markdown/NAME.md renders to NAME.html (--update-golden rewrites them)."""
    html = render_case((CASES / f"{name}.md").read_text(encoding="utf-8"))
    expected = CASES / f"{name}.html"
    if request.config.getoption("--update-golden"):
        expected.write_text(html, encoding="utf-8")
    assert html == expected.read_text(encoding="utf-8")


def test_local_links_are_placeholders_until_resolved() -> None:
    doc = render_doc("See [b](b.md) and ![i](../static/i.png).\n\n[c](c.md)\n")
    assert "b.md" not in doc.html and "\x00" in doc.html
    assert doc.links == (DocLink("b.md", 0), DocLink("../static/i.png", 0, "src"),
                         DocLink("c.md", 2))
    targets = LinkTargets(Urls("https://x.org/"), {"content/posts/b.md": "blog/b/"})
    html, errors = resolve_doc(doc, "content/posts/a.md", 5, targets)
    assert 'href="/blog/b/"' in html and 'src="/i.png"' in html
    assert [(e.path, e.line, e.message) for e in errors] == [
        ("content/posts/a.md", 7, "link to content/posts/c.md, which is not a page of this site")]
    assert 'href="c.md"' in html  # a broken link keeps what the author wrote


def test_link_to_unpublished_post_is_an_error_naming_it() -> None:
    _, errors = resolve_doc(render_doc("[d](draft.md)"), SOURCE, 3, TARGETS)
    assert [e.message for e in errors] == [
        "link to content/posts/draft.md, a draft or future-dated post that is not published"]
    assert errors[0].line == 3


def test_result_is_a_plain_value_that_pickles() -> None:
    doc = render_doc("## Head\n\nText [x](other.md).\n")
    assert pickle.loads(pickle.dumps(doc)) == doc
    assert doc.headings == ("head",) and doc.words == 3 and doc.text.startswith("Head Text")


def test_yaml_fields_escape_raw_html() -> None:
    assert "<b>" not in render_doc("<b>x</b>", allow_html=False).html


def test_cache_key_is_the_text_and_settings_only() -> None:
    fp = settings_fingerprint()
    a = doc_key(DocInput("content/posts/a.md", "Hello", 4), fp)
    assert a == doc_key(DocInput("content/pages/b.md", "Hello", 9), fp)  # path, line: no
    assert a != doc_key(DocInput("content/posts/a.md", "Hello!", 4), fp)
    assert a != doc_key(DocInput("content/posts/a.md", "Hello", 4, allow_html=False), fp)
    assert a != doc_key(DocInput("content/posts/a.md", "Hello", 4), fp + "x")


def test_fingerprint_names_brandgen_and_library_versions(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    fp = settings_fingerprint()
    for name in ("brandgen=", "markdown-it-py=", "mdit-py-plugins=", "pygments="):
        assert name in fp
    monkeypatch.setattr(docs_module, "__version__", "99.0")
    assert settings_fingerprint() != fp


def test_render_docs_uses_the_cache_and_rerenders_damaged_entries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [DocInput(f"content/posts/{i}.md", f"Post *{i}*\n") for i in range(3)]
    cache = Cache(tmp_path / "cache")
    first = render_docs(inputs, cache)
    calls: list[int] = []
    real = docs_module.render_batch
    monkeypatch.setattr(docs_module, "render_batch",
                        lambda batch, *a: calls.append(len(batch)) or real(batch, *a))
    assert render_docs(inputs, cache) == first and calls == []
    key = doc_key(inputs[1], settings_fingerprint())
    cache.put_many("docs", {key: b"not a pickle"})
    assert render_docs(inputs, cache) == first and calls == [1]
    cache.close()


def test_a_pool_renders_the_same_as_one_process() -> None:
    inputs = [DocInput(f"content/posts/{i}.md", f"## H {i}\n\n```python\nx = {i}\n```\n"
                       f"[l](p{i}.md)\n") for i in range(docs_module.POOL_THRESHOLD + 5)]
    assert render_docs(inputs, jobs=2) == render_docs(inputs, jobs=1)


def test_pool_workers_store_their_documents_and_code_blocks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers store what they render through connections of their own: a later render
    finds every document (and highlighted block) without rendering one."""
    import sqlite3

    inputs = [DocInput(f"content/posts/{i}.md", f"## H {i}\n\n```python\nx = {i}\n```\n")
              for i in range(docs_module.POOL_THRESHOLD + 5)]
    stores: list[int] = []
    real_put = Cache.put_tables
    monkeypatch.setattr(Cache, "put_tables", lambda self, tables: stores.append(
        sum(map(len, tables.values()))) or real_put(self, tables))
    cache = Cache(tmp_path / "cache")
    pooled = render_docs(inputs, cache, jobs=2)
    assert pooled == render_docs(inputs, jobs=1)
    with sqlite3.connect(tmp_path / "cache/cache.sqlite") as db:
        counts = [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("docs", "code")]
    db.close()
    assert counts == [len(inputs), len(inputs)]
    assert stores == [], "the build process stored nothing itself"  # workers' puts: other processes
    calls: list[int] = []
    real = docs_module.render_batch
    monkeypatch.setattr(docs_module, "render_batch",
                        lambda batch, *a, **k: calls.append(len(batch)) or real(batch, *a, **k))
    assert render_docs(inputs, cache, jobs=2) == pooled and calls == []
    cache.close()


def test_identical_texts_render_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = docs_module.render_batch
    monkeypatch.setattr(docs_module, "render_batch",
                        lambda batch, *a: calls.append(len(batch)) or real(batch, *a))
    out = render_docs([DocInput("a.md", "same"), DocInput("b.md", "same")])
    assert calls == [1] and out[0] == out[1] and isinstance(out[0], RenderedDoc)


def test_a_pool_started_beside_other_threads_uses_a_forkserver() -> None:
    """The dev server renders from a thread: never fork a process that runs threads."""
    inputs = [DocInput(f"{i}.md", f"```python\nx = {i}\n```\n")
              for i in range(docs_module.POOL_THRESHOLD)]
    found: dict[str, object] = {}

    def work() -> None:
        found["method"] = docs_module.pool_context().get_start_method()
        found["same"] = render_docs(inputs, jobs=2) == render_docs(inputs, jobs=1)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert found == {"method": "forkserver", "same": True}


# Where the markdown-it.rs fast path (brandgen/fastmd.py) and markdown-it-py meet: each text
# with the path it must take; both paths must give the very same RenderedDoc.
FAST_PATH_CASES = [
    ("fast", "## Heading with *em*, `code` and [a link](b.md)\n\nText.\n"),
    ("fast", "\"Quotes\" -- it's 'nested'... 10 +- 2\n"),
    ("fast", "setup.py, example.com and www.example.com stay text\n"),
    ("fast", "- tight\n- with [a link](b.md)\n  on two lines [c](c.md)\n  - nested\n"),
    ("fast", "3. loose\n\n   second paragraph\n4. [d](/d/ \"Title\")\n"),
    ("fast", "> quote  \n> hard break\n\nSetext\n===\n\n    code\n\n```py\nx = 1\n```\n"),
    ("fast", "[ref][r] and [Ref]\n\n[r]: https://example.org/r\n[ref]: /x\n"),
    ("fast", "Déjà *vu* and ünïcode **strong** _em_\n"),
    ("markdown-it-py", "see https://example.org/x or <https://example.org/y>\n"),
    ("markdown-it-py", "mail ada@example.org\n"),
    ("markdown-it-py", "text[^1]\n\n[^1]: a footnote\n"),
    ("markdown-it-py", "- [ ] open task\n- [x] done\n"),
    ("markdown-it-py", "<b>raw</b> html\n"),
    ("markdown-it-py", "an &amp; entity and an \\*escape\\*\n"),
    ("markdown-it-py", "| a | b |\n|---|---|\n| 1 | 2 |\n"),
    ("markdown-it-py", "~~strike~~\n"),
    ("markdown-it-py", "![image](i.png)\n"),
    ("markdown-it-py", "*€*symbol beside emphasis\n"),
    ("markdown-it-py", "[snowman](//☃.net/) and [pct](/a%20b)\n"),
    ("fast", "[script](javascript:alert(1)) is no link on either path\n"),
    ("markdown-it-py", ">" * 25 + " deep\n"),
    ("markdown-it-py", "an inline^[note] footnote\n"),
    ("markdown-it-py", "- [X] done, upper case\n"),
    ("markdown-it-py", "a\ttab\n"),
    ("markdown-it-py", "a CR\r\nline\n"),
    ("fast", "[brackets] and [a link](b.md), no task\n"),
]


@pytest.mark.parametrize(("path", "text"), FAST_PATH_CASES)
@pytest.mark.parametrize("allow_html", [True, False])
def test_fast_path_renders_what_markdown_it_py_renders(
        path: str, text: str, allow_html: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = markdown_settings("de")  # other quotes: typography runs after the fast path
    md = make_markdown(allow_html, settings)
    assert (fast_tokens(md, text, {}) is not None) == (path == "fast")
    fast = render_doc(text, allow_html, settings)
    monkeypatch.setattr(markdown_module, "fast_tokens", lambda *_: None)
    assert fast == render_doc(text, allow_html, settings)


def test_fast_path_keeps_link_lines_in_tight_lists() -> None:
    doc = render_doc("Intro\n\n- a\n- b [x](x.md)\n  c [y](y.md)\n")
    assert doc.links == (DocLink("x.md", 3), DocLink("y.md", 4))


def test_the_fast_path_fixture_takes_the_fast_path() -> None:
    """tests/data/markdown/fast-path.html was made by markdown-it-py alone (before the fast
    path existed): the fixture test above compares the fast path with it."""
    text = (CASES / "fast-path.md").read_text(encoding="utf-8")
    assert fast_tokens(make_markdown(), text, {}) is not None


def test_an_excerpt_collapses_whitespace_and_is_cut_at_a_word() -> None:
    from brandgen.rendered import excerpt

    assert excerpt("  short\n\ttext  ") == "short text"
    fits = " ".join(["a"] * 80)  # 159 characters: kept whole
    assert excerpt(fits + "\n\n") == fits
    cut = excerpt(fits + " b, " + "long " * 500)
    assert cut == " ".join(["a"] * 79) + "…" and len(cut) <= 160
    assert excerpt("one, two; three. " * 40, 20) == "one, two; three…"


def test_a_cached_code_block_makes_no_lexer(tmp_path: Path) -> None:
    """A Pygments lexer compiles its regular expressions when first made (~10 ms for
    Python): a document whose code block is in the cache, with new text around it, never
    makes one; an unknown language still falls back to a plain block."""
    block = "```python\nprint('kept')\n```\n"
    cache = Cache(tmp_path / "cache")
    first = render_docs([DocInput("a.md", "Before.\n\n" + block)], cache, jobs=1)
    markdown_module._lexer.cache_clear()
    second = render_docs([DocInput("a.md", "After.\n\n" + block)], cache, jobs=1)
    assert markdown_module._lexer.cache_info().currsize == 0
    assert 'class="highlight"' in second[0].html and "After." in second[0].html
    assert first[0].html.replace("Before.", "After.") == second[0].html
    plain = render_doc("```nosuchlanguage\nx\n```\n").html
    assert plain == '<pre tabindex="0"><code class="language-nosuchlanguage">x\n</code></pre>\n'
    cache.close()
