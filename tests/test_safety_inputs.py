"""Hostile inputs: links, special files, nested .git, huge files — positioned errors, no hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from brandgen.errors import BuildError
from tests.conftest import SiteMaker, run_build


def build_errors(root: Path) -> list[str]:
    with pytest.raises(BuildError) as info:
        run_build(root)
    return [e.format() for e in info.value.errors]


def test_static_symlink_out_of_the_folder_is_an_error(make_site: SiteMaker,
                                                      tmp_path: Path) -> None:
    root = make_site({"content/static/ok.txt": "ok"})
    (tmp_path / "passwd").write_text("root:x:0:0")
    (root / "content/static/passwd").symlink_to(tmp_path / "passwd")
    (root / "content/static/inside").symlink_to(root / "content/static/ok.txt")
    errors = build_errors(root)
    assert len(errors) == 1
    assert errors[0].startswith("content/static/passwd: error: symbolic link to ")
    assert "follow_symlinks: true" in errors[0]
    assert not (root / "site").exists()


def test_follow_symlinks_allows_links_but_never_into_private(make_site: SiteMaker,
                                                             tmp_path: Path) -> None:
    root = make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                       "follow_symlinks: true\n",
                      "content/private/goals.yaml": "- id: g\n  title: Grow\n"})
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/logo.txt").write_text("logo")
    (root / "content/static").mkdir()
    (root / "content/static/shared").symlink_to(tmp_path / "shared")
    run_build(root)
    assert (root / "site/public/shared/logo.txt").read_text() == "logo"
    (root / "content/static/goals.yaml").symlink_to(root / "content/private/goals.yaml")
    (root / "content/static/priv").symlink_to(root / "content/private")
    errors = build_errors(root)
    assert sorted(e.split(":")[0] for e in errors) == ["content/static/goals.yaml",
                                                       "content/static/priv"]
    assert all("symbolic link into content/private/" in e for e in errors)


def test_a_link_loop_in_static_does_not_hang(make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                       "follow_symlinks: true\n", "content/static/a/x.txt": "x"})
    (root / "content/static/a/loop").symlink_to(root / "content/static/a")
    run_build(root)
    assert (root / "site/public/a/x.txt").is_file()


def test_fifos_anywhere_in_the_sources_are_errors_not_hangs(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/ok.md": "---\ntitle: Ok\ndate: 2026-01-01\n---\nx\n"})
    (root / "content/static").mkdir()
    os.mkfifo(root / "content/static/pipe.txt")
    os.mkfifo(root / "content/posts/2026-01-02-pipe.md")
    (root / "content/projects.yaml").unlink(missing_ok=True)
    os.mkfifo(root / "content/projects.yaml")
    errors = build_errors(root)
    assert any(e.startswith("content/static/pipe.txt: error: a FIFO (named pipe)")
               for e in errors), errors
    assert any(e.startswith("content/posts/2026-01-02-pipe.md: error: a FIFO") for e in errors)
    assert any(e.startswith("content/projects.yaml: error: ") for e in errors), errors


def test_special_files_in_nested_folders_and_behind_links_are_errors(
        make_site: SiteMaker) -> None:
    root = make_site({"content/pages/deep/er/page.md": "---\ntitle: Deep\n---\nx\n"})
    os.mkfifo(root / "content/pages/deep/er/pipe.md")
    (root / "content/pages/deep/link.md").symlink_to(root / "content/pages/deep/er/pipe.md")
    (root / "content/pages/deep/loop").symlink_to(root / "content/pages")  # not entered
    errors = [e for e in build_errors(root) if "not a regular file" in e]
    assert [e.split(":")[0] for e in errors] == ["content/pages/deep/er/pipe.md",
                                                 "content/pages/deep/link.md"], errors


def test_a_device_as_a_source_is_refused(make_site: SiteMaker) -> None:
    root = make_site()
    (root / "content/education.yaml").symlink_to("/dev/zero")
    errors = build_errors(root)
    assert any(e.startswith("content/education.yaml: error: ") for e in errors), errors


def test_nested_git_in_static_is_an_error(make_site: SiteMaker) -> None:
    root = make_site({"content/static/vendor/.git/HEAD": "ref: refs/heads/main\n",
                      "content/static/vendor/x.js": "1"})
    errors = build_errors(root)
    assert errors[0].startswith("content/static/vendor/.git: error: a git repository")


def test_a_huge_yaml_file_is_refused_before_it_is_read(make_site: SiteMaker) -> None:
    root = make_site()
    with open(root / "content/projects.yaml", "wb") as f:
        f.truncate(6 * 1024 * 1024)  # sparse: nothing is really written
    errors = build_errors(root)
    assert errors == ["content/projects.yaml: error: file is too large (over 4 MB)\n"
                      "  hint: split it up, or check that it is the file you meant"]


def test_theme_static_links_out_of_the_theme_are_errors(make_site: SiteMaker) -> None:
    root = make_site({"content/private/goals.yaml": "- id: g\n  title: Grow my career\n",
                      "themes/default/static/x.css": "a{}"})
    (root / "themes/default/static/goals.css").symlink_to(root / "content/private/goals.yaml")
    errors = build_errors(root)
    assert any(e.startswith("themes/default/static/goals.css: error: symbolic link")
               for e in errors), errors


def test_a_fifo_as_a_template_is_an_error_not_a_hang(make_site: SiteMaker) -> None:
    root = make_site({"content/pages/a.md": "---\ntitle: A\n---\nx\n"})
    (root / "themes/default/templates").mkdir(parents=True)
    os.mkfifo(root / "themes/default/templates/page.html")
    errors = build_errors(root)
    assert errors[0].startswith("themes/default/templates/page.html:1:1: error: template "
                                "error: not a regular file"), errors
