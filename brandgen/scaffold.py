"""`brandgen init`: copy the starter project without ever losing a file that is already there."""

from __future__ import annotations

import os
from pathlib import Path

from brandgen.bundled import STARTER
from brandgen.errors import BuildError, SourceError

# Files that cannot ship under their real names inside a Python package.
RENAMES = {"gitignore": ".gitignore", "github": ".github"}


def starter_files(requirements: str) -> dict[str, bytes]:
    """Every file of a new project, by its path in the project."""
    files: dict[str, bytes] = {}
    for src in sorted(STARTER.rglob("*")):
        if src.is_dir() or "__pycache__" in src.parts:
            continue
        parts = [RENAMES.get(part, part) for part in src.relative_to(STARTER).parts]
        files["/".join(parts)] = src.read_bytes()
    files["requirements.txt"] = requirements.encode()
    return files


def init_project(target: Path, requirements: str, force: bool) -> list[str]:
    """Write the starter into `target`; returns the files that --force replaced.

    Files that already exist with other content are listed and need --force; a project
    with private career data (content/private/) is never written into."""
    if target.exists() and not target.is_dir():
        raise _error("is a file, not a folder", str(target), "choose a new folder")
    if (target / "content/private").exists():
        raise _error("already holds a site project with private career data "
                     "(content/private/); init never writes into it", str(target),
                     "choose a new folder; your existing files were not changed")
    files = starter_files(requirements)
    real = Path(os.path.realpath(target))
    clashes: list[str] = []
    for rel, data in files.items():
        dest = target / rel
        parent = Path(os.path.realpath(dest.parent))
        if parent != real and real not in parent.parents:
            raise _error(f"{rel} would be written outside {target} (through a symbolic "
                         "link)", str(target), "remove the link or choose a new folder")
        if dest.is_symlink() or (dest.exists() and (not dest.is_file()
                                                    or dest.read_bytes() != data)):
            clashes.append(rel)
    if clashes and not force:
        raise BuildError([SourceError("already exists with other content", str(target / rel),
                                      hint="pass --force to replace these files with the "
                                      "starter's, or choose a new folder") for rel in clashes])
    for rel, data in files.items():
        dest = target / rel
        if dest.is_symlink() or (dest.exists() and not dest.is_file()):
            if dest.is_dir() and not dest.is_symlink():
                raise _error("is a folder where the starter has a file", str(dest),
                             "move it away, or choose a new folder")
            dest.unlink()  # replace the link itself, never write through it
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists() or dest.read_bytes() != data:
            dest.write_bytes(data)
    return clashes


def _error(message: str, path: str, hint: str) -> BuildError:
    return BuildError([SourceError(message, path, hint=hint)])
