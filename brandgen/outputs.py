"""Where outputs may go: inside the project (or a folder given with --out), never onto sources.

A build replaces its output folders wholesale, so a wrong folder is data loss. These rules
run before anything is rendered or written.
"""

from __future__ import annotations

import os
from pathlib import Path

from brandgen.errors import SourceError

# Folders of the project that a build must never be, contain or sit inside.
GUARDED = (".git", ".github", "content", "themes")
HINT = "use the default site/ (or `--out DIR` with a new or brandgen-built folder)"


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _within(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


def placement_errors(root: Path, public: Path, private: Path, config_output: bool
                     ) -> list[SourceError]:
    """Why these output folders are unsafe; [] when they are fine.

    `config_output` says the private folder comes from brandgen.yaml's `private.output`,
    which must then lie inside the project."""
    errors: list[SourceError] = []
    project = _real(root)
    where = "brandgen.yaml" if config_output else "<command line>"
    for name, path in (("public", public), ("private", private)):
        real = _real(path)
        shown = real.relative_to(project).as_posix() if project in real.parents else str(path)
        label = f"the {name} output {shown}"
        if _within(project, real):
            errors.append(SourceError(f"{label} would replace the project itself", where,
                                      hint=HINT))
            continue
        if name == "private" and config_output and project not in real.parents:
            errors.append(SourceError(f"{label} (private.output) is outside the project",
                                      where, hint="give private.output as a folder inside "
                                      "the project, such as site/private"))
            continue
        if ".git" in real.parts:
            errors.append(SourceError(f"{label} is inside a .git folder", where, hint=HINT))
            continue
        for guarded in GUARDED:
            g = project / guarded
            if _within(real, g) or _within(g, real):
                relation = "is" if real == g else ("is inside" if _within(real, g)
                                                   else "contains")
                errors.append(SourceError(f"{label} {relation} {guarded}/", where,
                                          hint="choose an output folder outside content/, "
                                          "themes/, .git/ and .github/"))
        if path.is_symlink():
            errors.append(SourceError(f"{label} is a symbolic link", where,
                                      hint="brandgen replaces the folder itself; remove the "
                                      "link or point --out at the real folder"))
        elif path.exists() and not path.is_dir():
            errors.append(SourceError(f"{label} is a file, not a folder", where, hint=HINT))
    if _within(_real(private), _real(public)) or _within(_real(public), _real(private)):
        errors.append(SourceError("site/private must not be inside site/public (or the "
                                  "reverse)", where, hint="set private.output to a folder "
                                  "beside the public site"))
    return errors


def looks_like_old_output(path: Path, name: str) -> bool:
    """An output of a brandgen from before the output marker existed (so upgrades build).

    Public: `.nojekyll` plus brandgen's `assets/syntax.css`; private: only the dashboard
    and its calendar."""
    if name == "public":
        return (path / ".nojekyll").is_file() and (path / "assets/syntax.css").is_file()
    entries = {p.name for p in path.iterdir()}
    return bool(entries) and entries <= {"index.html", "career.ics"}


def is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())
