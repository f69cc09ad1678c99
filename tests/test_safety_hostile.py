"""Hostile inputs exit 1 with a position, never an internal error or a malformed file."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from brandgen.errors import BuildError
from tests.conftest import SiteMaker, run_build


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "brandgen", *args], capture_output=True,
                          text=True, check=False, cwd=cwd)


def build_errors(root: Path) -> list[str]:
    with pytest.raises(BuildError) as info:
        run_build(root)
    return [e.format() for e in info.value.errors]


def test_dates_near_year_1_or_9999_are_positioned_errors(make_site: SiteMaker) -> None:
    root = make_site({
        "content/private/goals.yaml": "- id: g\n  title: Grow\n  deadline: 9999-12-31\n",
        "content/private/network.yaml":
            "- name: Bo\n  last_contact: 0001-01-01\n  cadence_days: 1000000\n",
        "content/posts/0001-01-01-old.md": "---\ntitle: Old\n---\nx\n",
    })
    errors = build_errors(root)
    assert any(e.startswith("content/private/goals.yaml:3:13: error: ") and "out of range"
               in e for e in errors), errors
    assert any(e.startswith("content/private/network.yaml:2:17: error: ") for e in errors)
    assert any(e.startswith("content/posts/0001-01-01-old.md: error: ") for e in errors)
    proc = cli("build", "-C", str(root), "--today", "0001-01-01")
    assert proc.returncode == 2 and "use a year from 1900 to 2999" in proc.stderr


def test_the_far_edges_of_the_date_range_build(make_site: SiteMaker) -> None:
    root = make_site({
        "content/private/goals.yaml":
            "- id: g\n  title: Grow\n  metric: talks\n  start_value: 0\n  target: 5\n"
            "  deadline: 2999-12-31\n"
            "  checkins: [{date: 1900-01-01, value: 1}]\n",
        "content/private/network.yaml":
            "- name: Bo\n  last_contact: 1900-01-01\n  next_followup: 2999-12-31\n"
            "  cadence_days: 1000000\n",
    })
    for today in ("1900-01-01", "2999-12-31"):
        proc = cli("build", "-C", str(root), "--today", today)
        assert proc.returncode == 0, proc.stderr
        assert "internal error" not in proc.stderr


def test_a_very_long_title_gives_a_short_file_name(make_site: SiteMaker) -> None:
    root = make_site({"content/projects.yaml": f"- title: {'long ' * 80}\n  summary: s\n"})
    run_build(root)
    (project,) = (p for p in (root / "site/public/projects").iterdir() if p.is_dir())
    assert project.name.startswith("long-long") and len(project.name) <= 80
    proc = cli("new", "post", "word " * 80, "-C", str(root), "--today", "2026-11-23")
    assert proc.returncode == 0, proc.stderr
    (post,) = (root / "content/posts").iterdir()
    assert len(post.name) <= 80 and post.name.startswith("2026-11-23-word-word")


def test_feed_and_sitemap_parse_with_control_characters(make_site: SiteMaker) -> None:
    root = make_site({
        "brandgen.yaml": 'base_url: https://ada.github.io/brand/\ntitle: "Site\\x01"\n',
        "content/posts/2026-01-01-a.md":
            '---\ntitle: "Bad \\x01 title \\x0b"\nsummary: "Sum \\x1f"\ntags: ["t\\x02"]\n---\n'
            "Body \x01\x02 and \x0c.\n"})
    run_build(root)
    for name in ("feed.xml", "sitemap.xml"):
        ET.parse(root / "site/public" / name)
    assert "Bad  title" in (root / "site/public/feed.xml").read_text()


@pytest.mark.parametrize("files, where", [
    ({"content/posts/2026-01-01-a.md": "---\ntitle: A\nslug: index.html\n---\nx\n"},
     "content/posts/2026-01-01-a.md:3:7: error: "),
    ({"content/projects.yaml": "- title: Feed\n  slug: feed.xml\n  summary: s\n"},
     "content/projects.yaml:2:9: error: "),
    ({"content/projects.yaml": f"- title: T\n  slug: {'a' * 250}\n  summary: s\n"},
     "content/projects.yaml:2:9: error: "),
])
def test_slugs_that_collide_with_generated_files_are_errors(make_site: SiteMaker, files:
                                                            dict[str, str], where: str) -> None:
    errors = build_errors(make_site(files))
    assert any(e.startswith(where) for e in errors), errors


def test_slugs_that_differ_only_by_case_are_an_error(make_site: SiteMaker) -> None:
    root = make_site({"content/pages/a.md": "---\ntitle: A\nslug: About\n---\nx\n",
                      "content/pages/b.md": "---\ntitle: B\nslug: about\n---\ny\n"})
    errors = build_errors(root)
    assert any("differ only in case" in e for e in errors), errors


def test_a_post_date_with_a_time_as_the_readme_shows(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/a.md": "---\ntitle: A\ndate: 2026-11-23 10:00\n---\nx\n"})
    run_build(root)
    assert (root / "site/public/blog/a/index.html").is_file()


def test_a_broken_skills_file_adds_no_follow_on_errors(make_site: SiteMaker) -> None:
    root = make_site({
        "content/skills.yaml": "- name: Python\n  level: [5\n",
        "content/experience.yaml": "- organization: X\n  role: Y\n  start: 2020-01\n"
                                   "  skills: [Python, Go, Rust]\n",
        "content/private/goals.yaml": "- id: g\n  title: Grow\n  skills: [Python, Go]\n",
        "content/private/development.yaml": "targets: {Python: 5}\n"})
    errors = build_errors(root)
    assert len(errors) == 1 and errors[0].startswith("content/skills.yaml:"), errors


def test_hints_never_repeat_a_huge_value(make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": f"base_url: {'x' * 100_000}\n"})
    errors = build_errors(root)
    assert all(len(e) < 900 for e in errors), [len(e) for e in errors]


def test_a_missing_include_names_the_including_template(make_site: SiteMaker) -> None:
    root = make_site({"content/pages/a.md": "---\ntitle: A\n---\nx\n",
                      "themes/default/templates/page.html":
                          '{% extends "default/page.html" %}\n{% block main %}\n'
                          '{% include "nope.html" %}{% endblock %}'})
    errors = build_errors(root)
    assert errors[0].startswith("themes/default/templates/page.html:3:1: error: template "
                                "not found: nope.html"), errors


def test_invalid_utf8_in_an_override_names_that_file(make_site: SiteMaker) -> None:
    root = make_site({"content/pages/a.md": "---\ntitle: A\n---\nx\n",
                      "themes/default/templates/page.html": b"{# ok #}\n\xff\xfe bad\n"})
    errors = build_errors(root)
    assert errors[0].startswith("themes/default/templates/page.html:2:1: error: "), errors
    assert "UTF-8" in errors[0]


def test_dev_server_backlog_takes_a_burst_of_clients() -> None:
    """50 clients connecting at once all get in, with nothing accepting yet (the old backlog
    of 5 dropped their SYNs, which cost each a 1 s retry)."""
    import socket

    from brandgen.serve.server import DevHTTPServer
    from brandgen.serve.state import SiteState

    server = DevHTTPServer(0, SiteState())
    clients = []
    try:
        for _ in range(50):
            client = socket.socket()
            clients.append(client)
            client.settimeout(3)
            client.connect(("127.0.0.1", server.port))
    finally:
        for client in clients:
            client.close()
        server.server_close()
    assert len(clients) == 50
