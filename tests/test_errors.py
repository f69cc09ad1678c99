"""Every class of bad input: an exact, positioned message, all errors at once, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SiteMaker, errors_of, run_build

CASES: list[tuple[str, dict[str, str | bytes | None], str]] = [
    ("out of range",
     {"content/skills.yaml": "- name: Python\n  level: 7\n"},
     "content/skills.yaml:2:10: error: skills[0].level: must be 1-5, got 7"),
    ("unknown key with suggestion",
     {"content/skills.yaml": "- name: Python\n  level: 3\n  categroy: x\n"},
     "content/skills.yaml:3:3: error: skills[0].categroy: unknown key 'categroy'\n"
     "  hint: did you mean 'category'?"),
    ("missing required field",
     {"content/profile.yaml": "name: Ada\nheadline: Engineer\n"},
     "content/profile.yaml:1:1: error: value_proposition: required, expected text"),
    ("wrong type",
     {"content/skills.yaml": "- name: Python\n  level: high\n"},
     "content/skills.yaml:2:10: error: skills[0].level: expected a whole number, got 'high'"),
    ("invalid YAML",
     {"content/profile.yaml": "name: [Ada\n"},
     "content/profile.yaml:2:1: error: invalid YAML: did not find expected ',' or ']'"),
    ("duplicate key",
     {"content/profile.yaml": "name: Ada\nheadline: x\nvalue_proposition: y\nname: Bo\n"},
     "content/profile.yaml:4:1: error: duplicate key 'name'\n"
     "  hint: it is already set on line 1"),
    ("not a list",
     {"content/skills.yaml": "name: Python\n"},
     "content/skills.yaml:1:1: error: expected a list of skills, got a mapping"),
    ("bad ISO date",
     {"content/posts/a.md": "---\ntitle: A\ndate: 2026-02-30\n---\nText\n"},
     "content/posts/a.md:3:7: error: date: expected an ISO date like 2026-11-23, got "
     "'2026-02-30'"),
    ("bad month",
     {"content/experience.yaml": "- organization: A\n  role: B\n  start: 2020-13\n"},
     "content/experience.yaml:3:10: error: experience[0].start: expected an ISO date like "
     "2026-11-23 or a month like 2024-03, got '2020-13'"),
    ("end before start",
     {"content/experience.yaml": "- organization: A\n  role: B\n  start: 2021-01\n"
                                 "  end: 2020-05\n"},
     "content/experience.yaml:4:8: error: experience[0].end: ends (2020-05) before it starts"),
    ("unknown skill reference",
     {"content/experience.yaml": "- organization: A\n  role: B\n  start: 2021-01\n"
                                 "  skills: [Pyhton]\n"},
     "content/experience.yaml:4:12: error: experience[0].skills[0]: unknown skill 'Pyhton'\n"
     "  hint: add it to content/skills.yaml or fix the name; did you mean 'Python'?"),
    ("slug escaping the output",
     {"content/projects.yaml": "- title: X\n  summary: s\n  slug: ../../etc\n"},
     "content/projects.yaml:3:9: error: projects[0].slug: slug '../../etc' would escape the "
     "output folder"),
    ("duplicate project slug",
     {"content/projects.yaml": "- title: Tool\n  summary: s\n- title: tool\n  summary: t\n"},
     "content/projects.yaml:3:10: error: projects[1].title: duplicate project slug 'tool'"),
    ("duplicate post slug",
     {"content/posts/2026-01-01-a.md": "---\ntitle: A\n---\n",
      "content/posts/2026-02-01-a.md": "---\ntitle: B\n---\n"},
     "content/posts/2026-02-01-a.md:2:8: error: title: duplicate post slug 'a'"),
    ("reserved page slug",
     {"content/pages/blog.md": "---\ntitle: Blog\n---\nhi\n"},
     "content/pages/blog.md:1:1: error: page slug 'blog' clashes with a built-in URL"),
    ("no front matter",
     {"content/posts/a.md": "Just text\n"},
     "content/posts/a.md:1:1: error: no front matter\n  hint: start the file with a `---`"),
    ("unclosed front matter",
     {"content/posts/a.md": "---\ntitle: A\n"},
     "content/posts/a.md:1:1: error: front matter is not closed"),
    ("front matter position offset",
     {"content/posts/a.md": "---\ntitle: A\ndate: 2026-01-01\ntagz: [x]\n---\n"},
     "content/posts/a.md:4:1: error: tagz: unknown key 'tagz'\n  hint: did you mean 'tags'?"),
    ("broken content link",
     {"content/posts/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\n\nIntro.\n\nSee\n"
                            "[b](2026-01-01-b.md).\n"},
     "content/posts/a.md:9:1: error: link to content/posts/2026-01-01-b.md, which is not a "
     "page of this site"),
    ("not UTF-8",
     {"content/profile.yaml": b"name: Ada\nheadline: \xff\n"},
     "content/profile.yaml:2:11: error: not valid UTF-8 (byte 0xff)"),
    ("bad base_url",
     {"brandgen.yaml": "base_url: ada.github.io\n"},
     "brandgen.yaml:1:11: error: base_url: not an absolute URL: 'ada.github.io'"),
    ("unknown config key",
     {"brandgen.yaml": "base_url: https://a.io/\nthem: x\n"},
     "brandgen.yaml:2:1: error: them: unknown key 'them'\n  hint: did you mean 'theme'?"),
    ("unknown timezone",
     {"brandgen.yaml": "base_url: https://a.io/\ntimezone: Mars/Olympus\n"},
     "brandgen.yaml:2:11: error: timezone: unknown time zone 'Mars/Olympus'"),
    ("missing avatar file",
     {"content/profile.yaml": "name: A\nheadline: B\nvalue_proposition: C\navatar: me.png\n"},
     "content/profile.yaml:4:9: error: avatar: no file content/static/me.png"),
    ("write-up without project",
     {"content/projects/ghost.md": "# Ghost\n"},
     "content/projects/ghost.md:1:1: error: write-up for unknown project 'ghost'"),
    ("link that is not a URL",
     {"content/profile.yaml": "name: A\nheadline: B\nvalue_proposition: C\n"
                              "links: [{label: X, url: 'javascript:alert(1)'}]\n"},
     "content/profile.yaml:4:25: error: links[0].url: expected an absolute URL (https://...), "
     "got 'javascript:alert(1)'"),
    ("project image missing",
     {"content/projects.yaml": "- title: X\n  summary: s\n  image: shots/x.png\n"},
     "content/projects.yaml:3:10: error: projects[0].image: no file content/static/shots/x.png"),
    ("image path escaping static",
     {"content/projects.yaml": "- title: X\n  summary: s\n  image: ../private/goals.yaml\n",
      "content/private/goals.yaml": "[]\n"},
     "content/projects.yaml:3:10: error: projects[0].image: no file "
     "content/static/../private/goals.yaml"),
    ("alias bomb",
     {"content/skills.yaml": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                             + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, "
                                       f"*{p}, *{p}, *{p}]\n"
                                       for p, c in zip("abcdefg", "bcdefgh", strict=True))},
     "content/skills.yaml:1:1: error: YAML too large or too deeply nested"),
    ("empty profile",
     {"content/profile.yaml": "# nothing yet\n"},
     "content/profile.yaml:1:1: error: profile.yaml is empty"),
    ("impossible date in file name",
     {"content/posts/2026-02-31-x.md": "---\ntitle: X\ndate: 2026-01-01\n---\n"},
     "content/posts/2026-02-31-x.md: error: file name starts with an impossible date"),
    ("updated before date",
     {"content/posts/a.md": "---\ntitle: A\ndate: 2026-05-01\nupdated: 2026-04-01\n---\n"},
     "content/posts/a.md:4:10: error: updated: is before the post's date (2026-05-01)"),
    ("canonical_url not absolute",
     {"content/posts/a.md": "---\ntitle: A\ndate: 2026-05-01\ncanonical_url: example.org/a\n"
                            "---\n"},
     "content/posts/a.md:4:16: error: canonical_url: expected an absolute URL"),
    ("menu not a number",
     {"content/pages/a.md": "---\ntitle: A\nmenu: first\n---\n"},
     "content/pages/a.md:3:7: error: menu: expected a whole number, got 'first'"),
    ("unknown theme",
     {"brandgen.yaml": "base_url: https://a.io/\ntheme: fancy\n"},
     "brandgen.yaml:2:8: error: theme: unknown theme 'fancy'"),
    ("missing profile",
     {"content/profile.yaml": None},
     "content/profile.yaml: error: file is missing"),
    ("template syntax error",
     {"themes/default/templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n"
                                            "{{ doc.title }\n{% endblock %}\n",
      "content/pages/about.md": "---\ntitle: About\n---\nHi\n"},
     "themes/default/templates/page.html:3:1: error: template error: unexpected '}'"),
    ("template undefined variable",
     {"themes/default/templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n"
                                            "{{ doc.titel.upper() }}\n{% endblock %}\n",
      "content/pages/about.md": "---\ntitle: About\n---\nHi\n"},
     "themes/default/templates/page.html:3:1: error: template error: 'brandgen.public.views."
     "PageView object' has no attribute 'titel'"),
]


@pytest.mark.parametrize(("name", "files", "expected"), CASES, ids=[c[0] for c in CASES])
def test_error_message_and_position(make_site: SiteMaker, name: str,
                                    files: dict[str, str | bytes | None], expected: str) -> None:
    root = make_site(files)
    errors = errors_of(root)
    assert any(e.startswith(expected) for e in errors), "\n".join(errors)


def test_all_errors_reported_at_once_and_sorted(make_site: SiteMaker) -> None:
    root = make_site({
        "content/skills.yaml": "- name: Python\n  level: 9\n",
        "content/posts/a.md": "---\ntitle: A\ndate: nope\n---\n",
        "content/projects.yaml": "- title: X\n",
    })
    errors = errors_of(root)
    assert [e.split(":")[0] for e in errors] == [
        "content/posts/a.md", "content/projects.yaml", "content/skills.yaml"]


def test_unreadable_file(make_site: SiteMaker) -> None:
    root = make_site()
    skills = root / "content/skills.yaml"
    skills.unlink()
    skills.mkdir()  # a folder where a file should be: reading it fails on every platform
    errors = errors_of(root)
    assert any(e.startswith("content/skills.yaml: error: cannot read file") for e in errors)


def test_failed_build_leaves_previous_site_untouched(make_site: SiteMaker) -> None:
    root = make_site()
    run_build(root)
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    (root / "content/skills.yaml").write_text("- name: Python\n  level: 9\n")
    with pytest.raises(Exception):  # noqa: B017 - BuildError, checked elsewhere
        run_build(root)
    after = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in root.rglob(".*tmp-*")]


def test_cli_prints_errors_without_traceback(make_site: SiteMaker) -> None:
    root = make_site({"content/skills.yaml": "- name: Python\n  level: 9\n  extra: 1\n"})
    proc = subprocess.run([sys.executable, "-m", "brandgen", "build", "-C", str(root)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "content/skills.yaml:2:10: error: skills[0].level: must be 1-5, got 9" in proc.stderr
    assert "content/skills.yaml:3:3: error: skills[0].extra: unknown key 'extra'" in proc.stderr
    assert "2 errors; nothing was written" in proc.stderr
    assert not (root / "site").exists()


def test_cli_usage_error_exits_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "brandgen", "build", "--bogus"],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert proc.returncode == 2
    assert "unrecognized arguments: --bogus" in proc.stderr


def test_cli_outside_a_project(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "brandgen", "build"],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert proc.returncode == 1
    assert "brandgen.yaml: error: no brandgen.yaml here" in proc.stderr


def test_bad_base_url_option(make_site: SiteMaker) -> None:
    errors = errors_of(make_site(), base_url="not a url")
    assert errors[0].startswith("<command line>: error: --base-url: base_url must be an "
                                "absolute http(s) URL")


def test_unreadable_static_file(make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site({"content/static/x.txt": "hi"})
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "x.txt":  # tests run as root, so chmod cannot make it unreadable
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    errors = errors_of(root)
    assert "content/static/x.txt: error: cannot read file: Permission denied" in errors[0]


def test_one_bad_skill_does_not_flood_its_references(make_site: SiteMaker) -> None:
    root = make_site({
        "content/skills.yaml": "- name: Python\n  level: 7\n- name: Go\n  level: 3\n",
        "content/experience.yaml": "- organization: A\n  role: B\n  start: 2021-01\n"
                                   "  skills: [Python, Go]\n",
        "content/private/goals.yaml": "- id: g1\n  title: Ship more\n  skills: [Python]\n",
    })
    assert errors_of(root) == ["content/skills.yaml:2:10: error: skills[0].level: must be 1-5, "
                               "got 7"]


def test_empty_tag_is_an_error(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/a.md": "---\ntitle: A\ndate: 2026-01-01\ntags: [x, '']\n"
                                            "---\n"})
    assert errors_of(root)[0].startswith("content/posts/a.md:4:11: error: tags[1]: must not be "
                                         "empty")


def test_link_to_a_draft_says_so(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/2026-01-02-a.md": "---\ntitle: A\n---\n[d](2026-01-01-d.md)\n",
                      "content/posts/2026-01-01-d.md": "---\ntitle: D\ndraft: true\n---\nx\n"})
    assert errors_of(root) == [
        "content/posts/2026-01-02-a.md:4:1: error: link to content/posts/2026-01-01-d.md, a "
        "draft or future-dated post that is not published\n  hint: fix the path (it is "
        "relative to this file) or link a URL"]
    run_build(root, drafts=True)  # with --drafts the link is fine


@pytest.mark.parametrize(("goal", "expected"), [
    ("  target: .nan\n", "content/private/goals.yaml:3:11: error: goals[0].target: must be a "
                         "finite number"),
    ("  target: " + "9" * 400 + "\n", "content/private/goals.yaml:3:11: error: goals[0].target: "
                                      "must be a finite number"),
    ("  milestones: [{title: M, done: 2026-12-01}]\n",
     "content/private/goals.yaml:3:33: error: goals[0].milestones[0].done: is in the future"),
], ids=["nan", "huge", "future milestone"])
def test_private_numbers_and_dates(make_site: SiteMaker, goal: str, expected: str) -> None:
    root = make_site({"content/private/goals.yaml": "- id: g1\n  title: Ship it\n" + goal})
    errors = errors_of(root)
    assert any(e.startswith(expected) for e in errors), errors
