"""Templates from the cache: a fresh build loads Jinja's compiled code and each template's
dependencies instead of compiling and parsing every template again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from brandgen.bundled import BUNDLED_THEMES
from brandgen.cache import FOLDER
from brandgen.themes import ThemeSandbox
from tests.conftest import SiteMaker, write_files
from tests.test_engine import POSTS, built

TEMPLATES = BUNDLED_THEMES / "default/templates"


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates Jinja compiled from source, and (as 'parse:name') parsed for keys."""
    calls: list[str] = []
    real_compile, real_parse = ThemeSandbox.compile, ThemeSandbox.parse

    def compile_(self: ThemeSandbox, source: str, name: str | None = None,
                 filename: str | None = None, *args: object, **kwargs: object) -> object:
        calls.append(str(name))
        return real_compile(self, source, name, filename, *args, **kwargs)  # type: ignore[arg-type]

    def parse(self: ThemeSandbox, source: str, *args: object, **kwargs: object) -> object:
        calls.append("parse")
        return real_parse(self, source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ThemeSandbox, "compile", compile_)
    monkeypatch.setattr(ThemeSandbox, "parse", parse)
    return calls


def test_templates_are_compiled_and_parsed_once_then_loaded_from_the_cache(
        make_site: SiteMaker, tmp_path: Path, compiled: list[str]) -> None:
    """A fresh build loads Jinja's compiled code and each template's dependencies from the
    cache; an edited template alone is compiled again, and the pages are the same bytes."""
    root = make_site(POSTS)
    first = built(root, tmp_path / "o")
    assert "post.html" in compiled and "parse" in compiled
    compiled.clear()
    edit = {"content/posts/2026-01-02-b.md": POSTS["content/posts/2026-01-02-b.md"]
            .replace("Body of B.", "Body of B, edited.")}
    write_files(root, edit)  # a post's page renders again: with templates from the cache
    assert built(root, tmp_path / "o") != first
    assert compiled == []
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    write_files(root, {"themes/default/templates/base.html": base + "<!-- mine -->\n"})
    warm = built(root, tmp_path / "o")
    assert b"<!-- mine -->" in warm["index.html"]
    assert sorted(compiled) == ["base.html", "parse"]
    assert built(root, tmp_path / "cold", cache=False) == warm
    compiled.clear()
    with sqlite3.connect(root / FOLDER / "cache.sqlite") as db:  # damage every slot
        db.execute("UPDATE templates SET value = CAST(value AS BLOB) || x'00'")
    db.close()
    assert built(root, tmp_path / "o") == warm
    assert "post.html" in compiled and "parse" in compiled  # a miss each, never a crash
    compiled.clear()
    assert built(root, tmp_path / "o") == warm
    assert compiled == []  # the damaged slots were replaced
