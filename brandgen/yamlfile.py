"""YAML with positions: parse into a small node tree that remembers line and column.

Validators walk these nodes, so every error can point at the exact key or value. Positions
come from PyYAML's own marks (plus a line offset for front matter), never from a re-parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from brandgen.errors import SourceError

try:  # libyaml is several times faster when present
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass
class YNode:
    """A YAML node: `value` is plain data for scalars; `line`/`column` are 1-based."""

    line: int
    column: int
    value: Any = None
    items: list[YNode] | None = None  # sequence items
    entries: dict[str, tuple[YNode, YNode]] | None = None  # mapping: key -> (key node, value)
    tag: str = ""

    @property
    def kind(self) -> str:
        if self.entries is not None:
            return "mapping"
        if self.items is not None:
            return "list"
        return "null" if self.value is None else type(self.value).__name__

    def plain(self) -> Any:
        """The node as plain Python data (dicts, lists, scalars)."""
        if self.entries is not None:
            return {k: v.plain() for k, (_, v) in self.entries.items()}
        if self.items is not None:
            return [i.plain() for i in self.items]
        return self.value


@dataclass
class YamlDoc:
    path: str
    root: YNode | None
    errors: list[SourceError] = field(default_factory=list)


_scalar_constructor = yaml.SafeLoader("")


_STR = "tag:yaml.org,2002:str"


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.tag == _STR:  # what SafeConstructor.construct_yaml_str returns, without the
        return node.value  # dispatch (most scalars are text: titles, tags, summaries)
    try:
        return _scalar_constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError):
        # e.g. a date-looking scalar that is not a real date ("2026-02-30"): keep the text
        return node.value


MAX_NODES = 200_000  # far beyond any real career file; stops alias bombs ("billion laughs")
MAX_DEPTH = 60


class _TooBig(Exception):
    pass


def _convert(node: yaml.Node, offset: int, path: str, errors: list[SourceError],
             budget: list[int], depth: int = 0) -> YNode:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise _TooBig
    line, col = node.start_mark.line + 1 + offset, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        entries: dict[str, tuple[YNode, YNode]] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, offset, path, errors, budget, depth + 1)
            if key.entries is not None or key.items is not None:
                errors.append(SourceError("a mapping key must be plain text", path,
                                          key.line, key.column))
                continue
            name = str(key.value)
            if name in entries:
                first = entries[name][0]
                errors.append(SourceError(
                    f"duplicate key '{name}'", path, key.line, key.column,
                    f"it is already set on line {first.line}; keep one of them"))
            entries[name] = (key, _convert(value_node, offset, path, errors, budget, depth + 1))
        return YNode(line, col, entries=entries, tag=node.tag)
    if isinstance(node, yaml.SequenceNode):
        items = [_convert(n, offset, path, errors, budget, depth + 1) for n in node.value]
        return YNode(line, col, items=items, tag=node.tag)
    assert isinstance(node, yaml.ScalarNode)
    return YNode(line, col, value=_scalar(node), tag=node.tag)


def parse_yaml(text: str, path: str, line_offset: int = 0) -> YamlDoc:
    """Parse one YAML document; syntax errors become positioned SourceErrors."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 + line_offset if mark else 0
        col = mark.column + 1 if mark else 0
        problem = e.problem or "invalid YAML"
        hint = "check the indentation and quote values that contain ': ' or start with a symbol"
        if e.context:
            problem = f"{problem} ({e.context})"
        return YamlDoc(path, None, [SourceError(f"invalid YAML: {problem}", path, line, col, hint)])
    except yaml.YAMLError as e:
        return YamlDoc(path, None, [SourceError(f"invalid YAML: {e}", path, 1, 1)])
    if node is None:
        return YamlDoc(path, None)
    errors: list[SourceError] = []
    try:
        root = _convert(node, line_offset, path, errors, [MAX_NODES])
    except _TooBig:
        return YamlDoc(path, None, [SourceError(
            "YAML too large or too deeply nested (aliases expand to over "
            f"{MAX_NODES} values, or nesting deeper than {MAX_DEPTH})", path, 1, 1,
            "remove the repeated `*alias` references")])
    return YamlDoc(path, root, errors)
