"""The privacy boundary is visible in the imports: public code never imports private code."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "brandgen"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """brandgen/public/seo.py -> 'brandgen.public.seo' (a package is its __init__)."""
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    """The absolute module of `from ..x import y` inside module `here`."""
    if node.level == 0:
        return node.module or ""
    base = here.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(path: Path, here: str = "brandgen.x") -> set[str]:
    """Every module name `path` imports, relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, here, path.name == "__init__.py")
            if module:
                names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def relative_imports(folder: Path) -> list[str]:
    return [f"{path.relative_to(folder)}:{node.lineno}"
            for path in sorted(folder.rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.level > 0]


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the brandgen modules it imports (at any level, TYPE_CHECKING included)."""
    modules = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {n for n in imported_modules(path, name) if n in modules}
        graph[name] = {t for t in targets if t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as [a, b, ..., a], or [] when the graph has none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def wrong_way_imports(folder: Path, forbidden: str, package: Path = PACKAGE) -> list[str]:
    return [f"{path.relative_to(folder)} imports {name}"
            for path in sorted(folder.rglob("*.py"))
            for name in sorted(imported_modules(path, module_name(path, package)))
            if name == forbidden or name.startswith(forbidden + ".")]


def test_public_package_never_imports_private() -> None:
    assert (PACKAGE / "public").is_dir()
    assert wrong_way_imports(PACKAGE / "public", "brandgen.private") == []


def test_only_the_orchestrator_sees_both_sides() -> None:
    users = {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
             if path.parent != PACKAGE / "private"
             and any(n.startswith("brandgen.private") or n == "brandgen.private"
                     for n in imported_modules(path))}
    # The orchestrators (the build, and the dev server's incremental build) and the command
    # layer (cli_edit runs the private editing commands).
    assert users <= {"build.py", "serve/incremental.py", "cli.py", "cli_edit.py"}, users


def test_the_check_catches_a_wrong_way_import(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("from brandgen.private.goals import x\n")
    assert wrong_way_imports(tmp_path, "brandgen.private", tmp_path) != []


def test_the_check_catches_a_relative_wrong_way_import(tmp_path: Path) -> None:
    package = tmp_path / "brandgen"
    (package / "public").mkdir(parents=True)
    (package / "public" / "sneaky.py").write_text("from ..private import goals\n")
    (package / "public" / "sneakier.py").write_text("from ..private.goals import x\n")
    assert wrong_way_imports(package / "public", "brandgen.private", package) == [
        "sneakier.py imports brandgen.private.goals",
        "sneakier.py imports brandgen.private.goals.x",
        "sneaky.py imports brandgen.private",
        "sneaky.py imports brandgen.private.goals"]
    assert relative_imports(package) == ["public/sneakier.py:1", "public/sneaky.py:1"]


def test_no_relative_imports() -> None:
    assert relative_imports(PACKAGE) == []


def test_no_import_cycles() -> None:
    assert find_cycle(import_graph()) == []


def test_the_cycle_check_finds_a_type_checking_cycle(tmp_path: Path) -> None:
    package = tmp_path / "brandgen"
    package.mkdir()
    (package / "a.py").write_text("from brandgen.b import B\n")
    (package / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                  "    from brandgen.a import A\n")
    (package / "c.py").write_text("import brandgen.a\n")
    assert find_cycle(import_graph(package)) == ["brandgen.a", "brandgen.b", "brandgen.a"]


def test_shared_modules_import_neither_side() -> None:
    """Modules both sides build on (fields, markdown, themes ...) stay below both packages."""
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name in {"build.py", "cli.py", "cli_edit.py", "__main__.py"}:
            continue
        offenders += [f"{path.name} imports {name}" for name in sorted(imported_modules(path))
                      if name.startswith(("brandgen.public", "brandgen.private",
                                          "brandgen.serve"))]
    assert offenders == []
