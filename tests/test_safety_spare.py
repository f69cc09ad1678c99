"""The spare tree: the tree before the live one, kept beside it and brought up to date by the
next build instead of staging every file anew. What is swapped in must be exactly what a
build from nothing writes, whatever the spare held."""

from __future__ import annotations

import json
import os
from pathlib import Path

from brandgen import swap
from tests.conftest import SiteMaker, run_build, write_files

POST = "---\ntitle: {title}\ndate: 2026-01-0{day}\ntags: [{tag}]\n---\n\n{body}\n"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


def fresh(root: Path, tmp_path: Path, name: str) -> Path:
    """The same project built from nothing: no cache, no earlier output."""
    run_build(root, out=tmp_path / name, cache=False)
    return tmp_path / name / "public"


def built_twice(make_site: SiteMaker) -> Path:
    """A one-post project built twice: the second build kept the first tree as its spare."""
    root = make_site({"content/posts/a.md": POST.format(title="A", day=1, tag="go", body="A.")})
    run_build(root)
    run_build(root)
    return root


def state(root: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((root / "site/.brandgen-state.json").read_text())
    return data


def test_every_build_from_a_spare_equals_a_build_from_nothing(make_site: SiteMaker,
                                                              tmp_path: Path) -> None:
    root = make_site({"content/posts/a.md": POST.format(title="A", day=1, tag="go", body="A."),
                      "content/static/x": "a file where a folder comes later\n"})
    edits: list[dict[str, str | bytes | None]] = [
        {},  # the first spare
        {"content/posts/a.md": POST.format(title="A", day=1, tag="go", body="Edited.")},
        {"content/posts/b.md": POST.format(title="B", day=2, tag="rust", body="New.")},
        {"content/posts/a.md": None},  # a post goes: its page, tag and folder too
        {"content/static/x": None, "content/static/x/y.txt": "now a folder\n"},
        {"content/static/x/y.txt": None, "content/static/x": "a file again\n"},
        {"content/posts/b.md": POST.format(title="B", day=2, tag="go", body="Moved tag.")},
    ]
    for i, edit in enumerate(edits):
        for rel, text in edit.items():
            if text is None:
                (root / rel).unlink()
                if not any((root / rel).parent.iterdir()):
                    (root / rel).parent.rmdir()
            else:
                write_files(root, {rel: text})
        run_build(root)
        expected = fresh(root, tmp_path, f"fresh{i}")
        public = root / "site/public"
        assert tree(public) == tree(expected), i
        assert folders(public) == folders(expected), i
        if i:  # from the second build on, a spare is kept beside the live tree
            spares = state(root)["spares"]
            assert isinstance(spares, dict) and set(spares) == {"public", "private"}
            assert (root / "site/.public.spare").is_dir()


def test_a_rebuild_keeps_unchanged_files_and_touches_the_spare_only(
        make_site: SiteMaker) -> None:
    root = make_site({"content/posts/a.md": POST.format(title="A", day=1, tag="go", body="A."),
                      "content/posts/b.md": POST.format(title="B", day=2, tag="go", body="B.")})
    for _ in range(2):
        run_build(root)
    spare = root / "site/.public.spare"
    before = swap.identity(spare)
    cv = os.stat(root / "site/public/cv/index.html").st_ino
    write_files(root, {"content/posts/a.md": POST.format(title="A", day=1, tag="go",
                                                         body="Edited.")})
    run_build(root)
    # The old spare became the live tree; the old live tree is the new spare.
    assert swap.identity(root / "site/public") == before
    assert os.stat(root / "site/public/cv/index.html").st_ino == cv, "not rewritten"
    assert "Edited." in (root / "site/public/blog/a/index.html").read_text()
    assert "Edited." not in (spare / "blog/a/index.html").read_text()


def test_a_spare_the_state_does_not_describe_is_never_used(make_site: SiteMaker,
                                                           tmp_path: Path) -> None:
    root = built_twice(make_site)
    spare = root / "site/.public.spare"
    (spare / "stray.html").write_text("never published")
    (spare / "index.html").write_text("changed where the build cannot see")
    data = state(root)
    data["spares"] = {}  # as after a build killed while it kept the spare
    (root / "site/.brandgen-state.json").write_text(json.dumps(data))
    run_build(root)
    assert tree(root / "site/public") == tree(fresh(root, tmp_path, "fresh"))
    assert not (spare / "stray.html").exists()


def test_a_spare_file_changed_after_it_was_written_is_replaced(make_site: SiteMaker,
                                                               tmp_path: Path) -> None:
    root = built_twice(make_site)
    spare = root / "site/.public.spare"
    (spare / "blog/a/index.html").write_text("edited by hand")  # a new mtime
    os.unlink(spare / "cv/index.html")
    run_build(root)
    assert tree(root / "site/public") == tree(fresh(root, tmp_path, "fresh1"))


def test_a_damaged_spare_record_stages_anew(make_site: SiteMaker, tmp_path: Path) -> None:
    root = built_twice(make_site)
    (root / "site/.public.spare/stray.html").write_text("never published")
    data = state(root)
    spares = data["spares"]
    assert isinstance(spares, dict)
    spares["public"]["delta"] = "not a mapping"
    (root / "site/.brandgen-state.json").write_text(json.dumps(data))
    run_build(root)
    assert tree(root / "site/public") == tree(fresh(root, tmp_path, "fresh1"))
    assert not (root / "site/.public.spare/stray.html").exists()
    assert set(state(root)["spares"]) == {"public", "private"}  # kept again


def test_a_folder_gone_from_the_spare_is_made_again(make_site: SiteMaker,
                                                    tmp_path: Path) -> None:
    """The spare's folders are taken to be there (no mkdir per page): one removed by hand
    since is made again when a page is written into it."""
    import shutil

    root = built_twice(make_site)
    shutil.rmtree(root / "site/.public.spare/cv")
    write_files(root, {"content/profile.yaml": (root / "content/profile.yaml").read_text()
                       .replace("name:", "name: Dr.", 1)})  # every page changes
    run_build(root)
    assert tree(root / "site/public") == tree(fresh(root, tmp_path, "fresh1"))
    assert (root / "site/public/cv/index.html").is_file()
