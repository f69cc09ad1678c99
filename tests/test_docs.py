"""The Markdown stage on its own: fixture cases, link placeholders, cache keys, the pool."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

import pytest

from brandgen import docs as docs_module
from brandgen.cache import Cache
from brandgen.docs import (
    DocInput,
    LinkTargets,
    doc_key,
    render_docs,
    resolve_doc,
    settings_fingerprint,
)
from brandgen.markdown import DocLink, RenderedDoc, render_doc
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
    real = docs_module._render_batch
    monkeypatch.setattr(docs_module, "_render_batch",
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


def test_identical_texts_render_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = docs_module._render_batch
    monkeypatch.setattr(docs_module, "_render_batch",
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
