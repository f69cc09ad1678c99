"""The leak scan normalizes: encoded, split, re-cased and renamed private text is caught."""

from __future__ import annotations

import pytest

from brandgen.errors import BuildError
from brandgen.privacy import PrivacyScan, canonical, find_leaks
from tests.conftest import SiteMaker, run_build

SECRET = "Become VP at Initech by 2028"
PRIVATE = {SECRET: "content/private/goals.yaml"}


@pytest.mark.parametrize("body", [
    "&#66;ecome VP at Initech by 2028",  # numeric entity
    "&#x42;ecome VP at &#73;nitech by 2028",  # hex entities
    "Become VP at Initech by 2028".replace(" ", "&nbsp;"),  # named entities
    "Become VP at <em>Initech</em> by 2028",  # split by a tag
    "Become VP at\n    Initech by 2028",  # split by a line break
    "BECOME vp AT initech BY 2028",  # another case
    "Ｂｅｃｏｍｅ VP at Initech by 2028",  # full-width letters (NFKC)
    '<a href="/search?q=Become%20VP%20at%20Initech%20by%202028">x</a>',  # URL-encoded
    "<meta content='Become VP at Initech by 2028'>",  # an attribute value
    "&lt;p&gt;Become VP at &lt;b&gt;Initech&lt;/b&gt; by 2028&lt;/p&gt;",  # feed's escaped HTML
    '{"x": "Become VP at \\u0049nitech by 2028"}',  # JSON escapes
])
def test_encoded_and_split_private_text_is_found(body: str) -> None:
    leaks = find_leaks({"page.html": body.encode()}, PRIVATE, public_text="")
    assert [(leak.output, leak.text) for leak in leaks] == [("page.html", SECRET)]


def test_apostrophes_as_jinja_escapes_them() -> None:
    secret = "Ada's plan to leave Initech"
    leaks = find_leaks({"a.html": b"Ada&#39;s plan to leave Initech"},
                       {secret: "content/private/swot.yaml"}, public_text="")
    assert len(leaks) == 1


def test_one_sentence_of_a_multi_line_note_is_found() -> None:
    note = "Call went well.\nShe hinted the team lead role opens in March. Keep quiet."
    leaks = find_leaks({"a.html": b"<p>she hinted the team lead role opens in march</p>"},
                       {note: "content/private/network.yaml"}, public_text="")
    assert [leak.text for leak in leaks] == ["She hinted the team lead role opens in March."]


def test_file_names_are_scanned() -> None:
    leaks = find_leaks({"become-vp-at-initech-by-2028/index.html": b"hello",
                        "img/become_vp_at_initech_by_2028.png": b"\x89PNG"},
                       PRIVATE, public_text="")
    assert sorted(leak.output for leak in leaks) == [
        "become-vp-at-initech-by-2028/index.html", "img/become_vp_at_initech_by_2028.png"]


def test_text_that_is_published_anyway_is_no_leak() -> None:
    scan = PrivacyScan(PRIVATE, ["I will *become VP at Initech* by 2028, I said."])
    assert scan.scan({"a.html": b"Become VP at Initech by 2028"}) == []


def test_canonical_form() -> None:
    assert canonical("<b>Ada</b>&#39;s  Plan") == "adasplan\x00badabsplan"
    assert canonical("Ｓｔｒａßｅ") == "strasse"


LEAKY_PAGE = {
    "content/private/goals.yaml": f"- id: g1\n  title: {SECRET}\n",
    "content/pages/about.md": "---\ntitle: About\n---\nHello.\n",
    "themes/default/templates/page.html":
        '{% extends "default/page.html" %}{% block main %}' + SECRET + "{% endblock %}",
}


@pytest.mark.parametrize("where", [
    {"content/posts/2026-01-01-d.md": f"---\ntitle: D\ndraft: true\n---\n{SECRET}\n"},
    {"content/skills.yaml": f"# {SECRET}\n- name: Python\n  level: 5\n"},
    {"content/notes.txt": SECRET, "content/posts/notes.md.bak": SECRET},
    {"content/posts/2099-01-01-later.md": f"---\ntitle: Later\n---\n{SECRET}\n"},
])
def test_already_public_means_actually_published(make_site: SiteMaker,
                                                 where: dict[str, str]) -> None:
    """Drafts, future posts, YAML comments and stray files publish nothing, so they exempt
    nothing."""
    root = make_site({**LEAKY_PAGE, **where})
    with pytest.raises(BuildError) as info:
        run_build(root)
    assert any(f"private text {SECRET!r}" in e.format() for e in info.value.errors)


def test_a_static_file_with_encoded_private_text_stops_the_build(make_site: SiteMaker
                                                                 ) -> None:
    root = make_site({"content/private/goals.yaml": f"- id: g1\n  title: {SECRET}\n",
                      "content/static/notes.html": "&#66;ecome VP at <i>Initech</i>\nby 2028"})
    with pytest.raises(BuildError) as info:
        run_build(root)
    assert info.value.errors[0].format().startswith("site/public/notes.html: error: private")
    assert not (root / "site").exists()


def test_private_text_published_in_a_post_builds(make_site: SiteMaker) -> None:
    root = make_site({"content/private/goals.yaml": f"- id: g1\n  title: {SECRET}\n",
                      "content/posts/2026-01-01-plan.md":
                          f"---\ntitle: My plan\n---\nMy goal: **{SECRET}**.\n"})
    run_build(root)
    assert "Initech" in (root / "site/public/blog/plan/index.html").read_text()
