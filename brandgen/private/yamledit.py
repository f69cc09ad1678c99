"""Round-trip YAML edits by text insertion: everything not edited stays byte-identical.

A YAML library's round-trip dump re-indents and re-quotes a hand-written file, so edits are
made on the text instead: positions come from PyYAML's node marks, the new lines copy the
style of their neighbours (indentation, `- ` offset, flow or block, quoting), and the result
is parsed again and compared with the old data plus exactly the intended change.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

Key = str | int
STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
NULL_TAG = "tag:yaml.org,2002:null"


class EditError(Exception):
    """The edit cannot be made safely (a bug, or a file shape the editor does not handle)."""


@dataclass(frozen=True)
class Append:
    """Add `item` to the list under `key` of the mapping at `at` (created when missing)."""

    at: tuple[Key, ...]
    key: str
    item: dict[str, Any]
    index: int | None = None  # position in the list; None = at the end


@dataclass(frozen=True)
class Assign:
    """Set `key` of the mapping at `at` to a scalar (added at the end when missing)."""

    at: tuple[Key, ...]
    key: str
    value: Any


Edit = Append | Assign


@dataclass
class _Patch:
    start: int
    end: int
    text: str
    order: int = 0


@dataclass
class _Editor:
    text: str
    root: yaml.Node
    nl: str = "\n"
    patches: list[_Patch] = field(default_factory=list)

    # -- reading the tree -------------------------------------------------------------
    def find(self, path: Sequence[Key]) -> yaml.Node:
        node = self.root
        for step in path:
            if isinstance(step, int) and isinstance(node, yaml.SequenceNode):
                node = node.value[step]
                continue
            value = self.entry(node, str(step)) if isinstance(node, yaml.MappingNode) else None
            if value is None:
                raise EditError(f"no {step!r} in the file")
            node = value[1]
        return node

    @staticmethod
    def entry(node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        return next(((k, v) for k, v in node.value
                     if isinstance(k, yaml.ScalarNode) and k.value == key), None)

    def end(self, node: yaml.Node) -> int:
        """Where the node's own text ends (block scalars' trailing line breaks excluded)."""
        if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
            key, value = node.value[-1]
            return max(self.end(key), self.end(value))
        if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            return self.end(node.value[-1])
        end = node.end_mark.index
        while end > node.start_mark.index and self.text[end - 1] in " \t\r\n":
            end -= 1
        return end

    def line_after(self, index: int) -> tuple[int, str]:
        """The start of the line after `index`, and a prefix when the file lacks a final
        line break there."""
        nxt = self.text.find("\n", index)
        return (len(self.text), self.nl) if nxt == -1 else (nxt + 1, "")

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def sample(self, key: str, parent: yaml.Node
               ) -> tuple[yaml.MappingNode, yaml.SequenceNode] | None:
        """The style to copy for a new list: another mapping's list under `key`, else a list
        of mappings beside it in `parent`, else anywhere."""
        found: list[tuple[int, yaml.MappingNode, yaml.SequenceNode]] = []
        stack: list[yaml.Node] = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(v, yaml.SequenceNode) and v.value and \
                            isinstance(v.value[0], yaml.MappingNode):
                        rank = 0 if k.value == key else 1 if node is parent else 2
                        found.append((rank * 10**9 + v.start_mark.index, node, v))
                    stack.append(v)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        if not found:
            return None
        _, parent, seq = min(found, key=lambda f: f[0])
        return parent, seq

    def styles(self, neighbour: yaml.Node | None, keys: Sequence[str]) -> dict[str, str | None]:
        """Per key, the quote style of the same key's value in the neighbour item (or
        anywhere in the file)."""
        out: dict[str, str | None] = {}
        for key in keys:
            where = [neighbour] if isinstance(neighbour, yaml.MappingNode) else []
            for node in where + self.all_mappings():
                hit = self.entry(node, key)
                if hit and isinstance(hit[1], yaml.ScalarNode):
                    out[key] = hit[1].style if hit[1].style in ("'", '"') else None
                    break
        return out

    def all_mappings(self) -> list[yaml.MappingNode]:
        out: list[yaml.MappingNode] = []
        stack: list[yaml.Node] = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                out.append(node)
                stack.extend(v for _, v in reversed(node.value))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(reversed(node.value))
        return out

    # -- writing ----------------------------------------------------------------------
    def mapping_text(self, item: dict[str, Any], neighbour: yaml.Node | None, flow: bool,
                     dash: int = 0, content: int = 2) -> str:
        order = key_order(list(item), [k.value for k, _ in neighbour.value]
                          if isinstance(neighbour, yaml.MappingNode) else [])
        styles = self.styles(neighbour, order)
        pairs = [(k, scalar_text(item[k], styles.get(k), flow)) for k in order]
        if flow:
            return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        lines = [" " * dash + "-" + " " * (content - dash - 1) + f"{pairs[0][0]}: {pairs[0][1]}"]
        lines += [" " * content + f"{k}: {v}" for k, v in pairs[1:]]
        return "".join(line + self.nl for line in lines)

    def block_item(self, seq: yaml.SequenceNode, item: dict[str, Any],
                   neighbour: yaml.Node | None, dash: int) -> str:
        if isinstance(neighbour, yaml.MappingNode) and neighbour.flow_style:
            return " " * dash + "- " + self.mapping_text(item, neighbour, True) + self.nl
        content = neighbour.start_mark.column if isinstance(neighbour, yaml.MappingNode) \
            else dash + 2
        return self.mapping_text(item, neighbour, False, dash, max(content, dash + 2))

    def append(self, edit: Append, order: int) -> None:
        parent = self.find(edit.at)
        if not isinstance(parent, yaml.MappingNode):
            raise EditError(f"expected a mapping at {edit.at}")
        hit = self.entry(parent, edit.key)
        if hit is None or (isinstance(hit[1], yaml.ScalarNode) and hit[1].tag == NULL_TAG):
            self.new_list(parent, hit, edit, order)
            return
        seq = hit[1]
        if not isinstance(seq, yaml.SequenceNode):
            raise EditError(f"'{edit.key}' is not a list")
        items = seq.value
        index = len(items) if edit.index is None else edit.index
        neighbour = items[index - 1] if index > 0 else (items[0] if items else None)
        if seq.flow_style:
            text = self.mapping_text(edit.item, neighbour, True)
            if not items:
                self.patches.append(_Patch(seq.start_mark.index + 1, seq.start_mark.index + 1,
                                           text, order))
            elif index < len(items):
                at = items[index].start_mark.index
                self.patches.append(_Patch(at, at, text + ", ", order))
            else:
                at = self.end(items[-1])
                self.patches.append(_Patch(at, at, ", " + text, order))
            return
        dash = seq.start_mark.column
        text = self.block_item(seq, edit.item, neighbour, dash)
        if index == 0:
            at = self.line_start(items[0].start_mark.index)
            while at > 0:  # comments directly above an item belong to it
                prev = self.line_start(at - 1)
                line = self.text[prev:at]
                if not (line.lstrip().startswith("#") and
                        len(line) - len(line.lstrip()) == dash):
                    break
                at = prev
            self.patches.append(_Patch(at, at, text, order))
        else:  # right after the previous item, before any blank line or comment
            at, prefix = self.line_after(self.end(items[index - 1]))
            self.patches.append(_Patch(at, at, prefix + text.removesuffix(self.nl)
                                       if prefix else text, order))

    def new_list(self, parent: yaml.MappingNode, hit: tuple[yaml.Node, yaml.Node] | None,
                 edit: Append, order: int) -> None:
        sample = self.sample(edit.key, parent)
        neighbour = sample[1].value[0] if sample else None
        flow = parent.flow_style or bool(sample and sample[1].flow_style)
        if flow:
            value = "[" + self.mapping_text(edit.item, neighbour, True) + "]"
            if hit is not None:  # `key: null` or `key: ~`
                self.replace_scalar(hit[1], value, order)
            else:
                self.add_key(parent, edit.key, value, order)
            return
        key_col = hit[0].start_mark.column if hit else self.key_column(parent)
        offset = 2
        if sample and not sample[1].flow_style:
            offset = sample[1].start_mark.column - self.key_column(sample[0])
        dash = key_col + max(0, offset)
        body = self.block_item(yaml.SequenceNode("", []), edit.item, neighbour, dash)
        if hit is not None:
            if hit[1].start_mark.index != hit[1].end_mark.index:  # an explicit `~` / `null`
                self.patches.append(_Patch(hit[0].end_mark.index, self.end(hit[1]), ":",
                                           order))
            at, prefix = self.line_after(self.end(hit[0]))
            self.patches.append(_Patch(at, at, (prefix + body.removesuffix(self.nl))
                                       if prefix else body, order))
            return
        self.add_key(parent, edit.key, self.nl + body.removesuffix(self.nl), order)

    @staticmethod
    def key_column(mapping: yaml.MappingNode) -> int:
        return mapping.value[0][0].start_mark.column if mapping.value else \
            mapping.start_mark.column

    def add_key(self, parent: yaml.MappingNode, key: str, value: str, order: int) -> None:
        """`key: value` as the mapping's last entry (`value` may start with a line break)."""
        sep = "" if value.startswith(self.nl) else " "
        if parent.flow_style:
            if parent.value:
                at = self.end(parent.value[-1][1])
                self.patches.append(_Patch(at, at, f", {key}:{sep}{value}", order))
            else:
                at = parent.start_mark.index + 1
                self.patches.append(_Patch(at, at, f"{key}:{sep}{value}", order))
            return
        if not parent.value:
            raise EditError("cannot add a key to an empty block mapping")
        at, prefix = self.line_after(self.end(parent))
        line = " " * self.key_column(parent) + f"{key}:{sep}{value}"
        self.patches.append(_Patch(at, at, prefix + line + ("" if prefix else self.nl),
                                   order))

    def replace_scalar(self, node: yaml.Node, text: str, order: int) -> None:
        start, end = node.start_mark.index, self.end(node)
        if start == end:  # an empty value right after `key:`
            if self.text[start - 1:start] != ":":
                raise EditError("cannot locate the empty value")
            text = " " + text if text else text
        self.patches.append(_Patch(start, end, text, order))

    def assign(self, edit: Assign, order: int) -> None:
        parent = self.find(edit.at)
        if not isinstance(parent, yaml.MappingNode):
            raise EditError(f"expected a mapping at {edit.at}")
        hit = self.entry(parent, edit.key)
        if hit is None:
            style = self.styles(None, [edit.key]).get(edit.key)
            self.add_key(parent, edit.key, scalar_text(edit.value, style,
                                                       bool(parent.flow_style)), order)
            return
        node = hit[1]
        if not isinstance(node, yaml.ScalarNode):
            raise EditError(f"'{edit.key}' is not a single value")
        style = node.style if node.style in ("'", '"') else None
        self.replace_scalar(node, scalar_text(edit.value, style, bool(parent.flow_style)),
                            order)

    def result(self) -> str:
        text = self.text
        for patch in sorted(self.patches, key=lambda p: (p.start, p.order), reverse=True):
            text = text[:patch.start] + patch.text + text[patch.end:]
        return text


def key_order(keys: list[str], seen: list[str]) -> list[str]:
    """`keys` (in their natural order) arranged as the neighbour `seen` orders them; a key
    the neighbour lacks goes right after the key that naturally precedes it."""
    out = [k for k in seen if k in keys]
    for i, key in enumerate(keys):
        if key not in out:
            earlier = [out.index(k) for k in keys[:i] if k in out]
            out.insert(max(earlier) + 1 if earlier else 0, key)
    return out


def scalar_text(value: Any, style: str | None, flow: bool) -> str:
    """One scalar as YAML text on one line, written by PyYAML's emitter (never by hand)."""
    for attempt in (style, '"'):
        if attempt and isinstance(value, dt.date):  # a neighbour quotes its dates
            value = value.isoformat()
        node = yaml.SafeDumper(io.StringIO()).represent_data(value)
        if attempt and isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG:
            node.style = attempt
        wrapper = yaml.MappingNode(MAP_TAG, [(yaml.ScalarNode(STR_TAG, "k"), node)],
                                   flow_style=flow)
        out = yaml.serialize(wrapper, Dumper=yaml.SafeDumper, width=2**30, allow_unicode=True)
        out = out.removeprefix("{k: " if flow else "k: ").rstrip("\n")
        out = out.removesuffix("}") if flow else out
        if "\n" not in out:
            return out
    raise EditError(f"cannot write {value!r} on one line")


def _read_back(value: Any) -> Any:
    """A new value as YAML reads it back from what the emitter writes."""
    return value if isinstance(value, str) else yaml.safe_load(
        "k: " + scalar_text(value, None, False))["k"]


def _expected(old: Any, edits: Sequence[Edit]) -> Any:
    """The old data with exactly the intended change."""
    data = copy.deepcopy(old)
    for edit in edits:
        target = data
        for step in edit.at:
            target = target[step]
        if isinstance(edit, Assign):
            target[edit.key] = _read_back(edit.value)
            continue
        if not isinstance(target.get(edit.key), list):
            target[edit.key] = []
        seq = target[edit.key]
        seq.insert(len(seq) if edit.index is None else edit.index,
                   {k: _read_back(v) for k, v in edit.item.items()})
    return data


def _normal(data: Any) -> Any:
    """Quoted dates read back as text; compare them as dates."""
    if isinstance(data, dict):
        return {k: _normal(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_normal(v) for v in data]
    if isinstance(data, str) and len(data) == 10:
        try:
            return dt.date.fromisoformat(data)
        except ValueError:
            return data
    return data


def edit_yaml(text: str, edits: Sequence[Edit]) -> str:
    """`text` with the edits made; raises EditError unless re-parsing shows exactly them."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        old = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        raise EditError(f"the file is not valid YAML: {e}") from e
    if root is None:
        raise EditError("the file is empty")
    first = text.find("\n")
    nl = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    editor = _Editor(text, root, nl)
    for i, edit in enumerate(edits):
        try:
            (editor.assign if isinstance(edit, Assign) else editor.append)(edit, i)  # type: ignore[arg-type]
        except (IndexError, KeyError) as e:
            raise EditError(f"cannot find {edit.at} in the file") from e
    new = editor.result()
    try:
        got = yaml.load(new, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        raise EditError(f"the edit would make the file invalid YAML: {e}") from e
    if _normal(got) != _normal(_expected(old, edits)):
        raise EditError("the edited file does not read back as the intended change")
    return new
