"""The repository's own example persona, built and compared with stored output.

Regenerate after an intended change with `pytest tests/test_golden.py --update-golden`
and review the diff like any other change.
"""

from __future__ import annotations

import difflib
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from brandgen.build import BuildOptions, build
from tests.conftest import NOW, REPO

GOLDEN = Path(__file__).parent / "golden"


IMAGES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


def _stored(path: Path, describe: bool) -> bytes:
    """Raster images are stored as their format and size: their bytes depend on the zlib,
    libwebp and text shaper of the machine, which the golden output should not."""
    data = path.read_bytes()
    if not describe or path.suffix.lower() not in IMAGES:
        return data
    with Image.open(io.BytesIO(data)) as image:
        return f"{image.format} {image.width}x{image.height} {image.mode}\n".encode()


def tree(folder: Path, describe: bool = True) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): _stored(p, describe)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_example_site_matches_golden(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    result = build(BuildOptions(root=REPO, now=NOW, out=tmp_path))
    assert not result.warnings, [w.format() for w in result.warnings]
    built = {f"public/{k}": v for k, v in tree(tmp_path / "public").items()}
    built.update({f"private/{k}": v for k, v in tree(tmp_path / "private").items()})
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in built.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
        pytest.skip("golden output rewritten")
    expected = tree(GOLDEN, describe=False)
    assert sorted(built) == sorted(expected)
    for name in sorted(expected):
        if built[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].decode("utf-8", "replace").splitlines(),
                built[name].decode("utf-8", "replace").splitlines(),
                f"golden/{name}", f"built/{name}", lineterm="", n=2)
            pytest.fail("\n".join(list(diff)[:60]))


def test_build_is_deterministic(tmp_path: Path) -> None:
    build(BuildOptions(root=REPO, now=NOW, out=tmp_path / "a"))
    build(BuildOptions(root=REPO, now=NOW, out=tmp_path / "b"))
    for side in ("public", "private"):  # beside them: the build's state (times, inodes)
        assert tree(tmp_path / "a" / side, describe=False) == \
            tree(tmp_path / "b" / side, describe=False)


def test_example_persona_is_complete() -> None:
    """The issue's checklist for the example: enough of everything to exercise the theme."""
    posts = sorted((REPO / "content/posts").glob("*.md"))
    texts = [p.read_text() for p in posts]
    assert len(posts) >= 6
    assert any("draft: true" in t for t in texts)
    assert any(p.name > "2027" for p in posts)  # a future-dated post
    assert len(list((REPO / "content/pages").glob("*.md"))) >= 2
    assert len(list((REPO / "content/projects").glob("*.md"))) >= 2
    assert (REPO / "content/static").is_dir() and (REPO / "content/private").is_dir()
