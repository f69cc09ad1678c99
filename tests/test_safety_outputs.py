"""Nothing lost: outputs go only where outputs belong, and init never replaces a project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from brandgen.errors import BuildError
from tests.conftest import SiteMaker, run_build


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_errors(root: Path, **kwargs: object) -> list[str]:
    with pytest.raises(BuildError) as info:
        run_build(root, **kwargs)
    return [e.format() for e in info.value.errors]


@pytest.mark.parametrize("output, expected", [
    (".git", "inside a .git folder"), (".github", "is .github/"), ("content", "is content/"),
    ("themes/x", "is inside themes/"), (".", "would replace the project itself"),
    ("..", "would replace the project itself"), ("/tmp/elsewhere-brandgen", "outside the project"),
    ("content/..", "would replace the project itself"), ("sub/.git/x", "inside a .git"),
])
def test_private_output_onto_sources_is_refused(make_site: SiteMaker, output: str,
                                                expected: str) -> None:
    root = make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                       f"private:\n  output: '{output}'\n",
                      ".git/HEAD": "ref: refs/heads/main\n", ".github/keep.yml": "x: 1\n"})
    before = snapshot(root)
    errors = build_errors(root)
    assert any(expected in e for e in errors), errors
    assert snapshot(root) == before


def test_out_onto_the_project_or_its_sources_is_refused(make_site: SiteMaker,
                                                        tmp_path: Path) -> None:
    root = make_site({".git/HEAD": "ref: refs/heads/main\n"})
    before = snapshot(root)
    for out, expected in ((root / "content/x", "is inside content/"),
                          (root / ".github", "is inside .github/"),
                          (root / ".git", "inside a .git folder")):
        assert any(expected in e for e in build_errors(root, out=out)), out
    assert snapshot(root) == before


def test_out_folder_brandgen_did_not_write_is_never_deleted(make_site: SiteMaker,
                                                            tmp_path: Path) -> None:
    root = make_site()
    mine = tmp_path / "mine"
    (mine / "public").mkdir(parents=True)
    (mine / "public/thesis.tex").write_text("years of work")
    errors = build_errors(root, out=mine)
    assert any("public is not empty and was not written by brandgen" in e for e in errors)
    assert (mine / "public/thesis.tex").read_text() == "years of work"


def test_brandgen_rebuilds_its_own_output_and_old_builds(make_site: SiteMaker,
                                                         tmp_path: Path) -> None:
    root = make_site()
    run_build(root, out=tmp_path / "o")
    run_build(root, out=tmp_path / "o")  # its own earlier build
    assert (tmp_path / "o/public/index.html").is_file()
    # an output written before the state file existed (an older brandgen) is accepted
    (tmp_path / "o/.brandgen-state.json").unlink()
    run_build(root, out=tmp_path / "o")
    # an empty folder is fine too
    (tmp_path / "empty/public").mkdir(parents=True)
    run_build(root, out=tmp_path / "empty")


def test_output_that_is_a_symlink_is_refused(make_site: SiteMaker, tmp_path: Path) -> None:
    root = make_site()
    (tmp_path / "target").mkdir()
    (root / "site").mkdir()
    (root / "site/public").symlink_to(tmp_path / "target")
    assert any("is a symbolic link" in e for e in build_errors(root))


def brandgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "brandgen", *args], capture_output=True,
                          text=True, check=False)


def test_init_into_a_folder_with_unrelated_files_keeps_them(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine")
    proc = brandgen("init", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "README.md").read_text() == "mine"
    assert (tmp_path / "brandgen.yaml").is_file()


def test_init_lists_files_it_would_replace_and_needs_force(tmp_path: Path) -> None:
    (tmp_path / "brandgen.yaml").write_text("base_url: https://me.example/\n")
    (tmp_path / ".gitignore").write_text("node_modules/\n")
    proc = brandgen("init", str(tmp_path))
    assert proc.returncode == 1
    assert f"{tmp_path}/brandgen.yaml: error: already exists with other content" in proc.stderr
    assert f"{tmp_path}/.gitignore: error: already exists" in proc.stderr
    assert "--force" in proc.stderr
    assert (tmp_path / "brandgen.yaml").read_text() == "base_url: https://me.example/\n"
    assert not (tmp_path / "content").exists()  # nothing was written at all
    proc = brandgen("init", str(tmp_path), "--force")
    assert proc.returncode == 0, proc.stderr
    assert f"Replaced {tmp_path}/brandgen.yaml" in proc.stdout
    assert "base_url: https://me.example/" not in (tmp_path / "brandgen.yaml").read_text()


def test_init_never_touches_a_project_with_private_data(tmp_path: Path) -> None:
    (tmp_path / "content/private").mkdir(parents=True)
    (tmp_path / "content/private/goals.yaml").write_text("- id: mine\n  title: My goal\n")
    (tmp_path / "content/profile.yaml").write_text("name: Me\n")
    before = snapshot(tmp_path)
    proc = brandgen("init", str(tmp_path), "--force")
    assert proc.returncode == 1
    assert "private career data" in proc.stderr
    assert snapshot(tmp_path) == before


def test_init_never_writes_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "site"
    target.mkdir()
    (target / "content").symlink_to(outside)
    proc = brandgen("init", str(target), "--force")
    assert proc.returncode == 1 and "symbolic link" in proc.stderr
    assert not any(outside.iterdir())
