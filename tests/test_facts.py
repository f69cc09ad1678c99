"""Facts the public site states twice must agree: descriptions, excerpts and skill levels."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from brandgen.model import LEVEL_WORDS
from tests.conftest import SiteMaker, run_build

MARKED_UP = ("*What I am focused on* at the **moment**, see [my notes](https://example.org) "
             "and `brandgen serve` <span>here</span>.\n\nSecond paragraph.\n")


def _description(page: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert match, "no meta description"
    return html.unescape(match.group(1))


def test_descriptions_and_excerpts_are_rendered_text_not_markdown(make_site: SiteMaker) -> None:
    root = make_site({"content/pages/now.md": f"---\ntitle: Now\n---\n\n{MARKED_UP}",
                      "content/posts/2026-11-01-hello.md": f"---\ntitle: Hello\n---\n\n"
                                                           f"{MARKED_UP}"})
    run_build(root)
    public = root / "site/public"
    expected = ("What I am focused on at the moment, see my notes and brandgen serve here. "
                "Second paragraph.")
    assert _description((public / "now/index.html").read_text("utf-8")) == expected
    post = (public / "blog/hello/index.html").read_text("utf-8")
    assert _description(post) == expected
    listing = (public / "blog/index.html").read_text("utf-8")
    assert expected in html.unescape(listing)  # the excerpt in the post list
    for text in (post, listing, (public / "feed.xml").read_text("utf-8")):
        assert "*What I am" not in text and "](https" not in text


def test_skill_level_words_agree_between_cv_and_resume_json(make_site: SiteMaker) -> None:
    skills = "".join(f"- name: Skill{n}\n  level: {n}\n  category: All\n" for n in range(1, 6))
    root = make_site({"content/skills.yaml": skills})
    run_build(root)
    resume = json.loads((root / "site/public/resume.json").read_text("utf-8"))
    assert {s["name"]: s["level"] for s in resume["skills"]} == {
        f"Skill{n}": LEVEL_WORDS[n] for n in range(1, 6)}
    assert LEVEL_WORDS[4] == "Advanced"
    # One table: no other module in brandgen spells out its own level words.
    source = Path(__file__).resolve().parent.parent / "brandgen"
    owners = [p.name for p in source.rglob("*.py")
              if re.search(r'[1-5]: "(Beginner|Expert|Master)"', p.read_text("utf-8"))]
    assert owners == ["model.py"]
