"""The privacy boundary is visible in the imports: public code never imports private code."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "brandgen"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def wrong_way_imports(folder: Path, forbidden: str) -> list[str]:
    return [f"{path.relative_to(folder)} imports {name}"
            for path in sorted(folder.rglob("*.py"))
            for name in sorted(imported_modules(path))
            if name == forbidden or name.startswith(forbidden + ".")]


def test_public_package_never_imports_private() -> None:
    assert (PACKAGE / "public").is_dir()
    assert wrong_way_imports(PACKAGE / "public", "brandgen.private") == []


def test_only_the_orchestrator_sees_both_sides() -> None:
    users = {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
             if path.parent != PACKAGE / "private"
             and any(n.startswith("brandgen.private") or n == "brandgen.private"
                     for n in imported_modules(path))}
    assert users <= {"build.py", "cli.py"}, users


def test_the_check_catches_a_wrong_way_import(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("from brandgen.private.goals import x\n")
    assert wrong_way_imports(tmp_path, "brandgen.private") != []


def test_shared_modules_import_neither_side() -> None:
    """Modules both sides build on (fields, markdown, themes ...) stay below both packages."""
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name in {"build.py", "cli.py", "__main__.py"}:
            continue
        offenders += [f"{path.name} imports {name}" for name in sorted(imported_modules(path))
                      if name.startswith(("brandgen.public", "brandgen.private",
                                          "brandgen.serve"))]
    assert offenders == []
