"""The edits of `kubelint fix` as text splices: the only user of ruamel.yaml's round-trip node
tree (`compose`), whose positions place each splice, so everything outside it stays
byte-identical: comments, key order, quoting, indentation, flow or block style. `apply_edit`
checks the edited document, loaded with the round-trip loader, against the original with
exactly the intended change (the first of the two checks of kubelint_py/integrations/autofix.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint_py.fixes import SAME_SCHEMA_REPLACEMENTS, Edit, Op

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*")
# YAML 1.1 and 1.2 words that a plain scalar would turn into booleans, nulls or numbers
_RESERVED = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf"))
Path_ = tuple[str | int, ...]


class FixError(Exception):
    """This fix cannot be applied safely here; the message says why."""


# -- rendering values -------------------------------------------------------------------
def _scalar(value: object, style: str | None = None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if style == "json":  # a .json manifest: every string double-quoted
        return json.dumps(text, ensure_ascii=False)
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return json.dumps(text, ensure_ascii=False)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: object, style: str | None = None) -> str:
    if isinstance(value, Mapping):
        key_style = "json" if style == "json" else None
        return "{" + ", ".join(f"{_scalar(k, key_style)}: {_flow(v, style)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v, style) for v in value) + "]"
    return _scalar(value, style)


def _block(key: str, value: object, indent: int, step: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, Mapping) and value:
        lines = [f"{pad}{_scalar(key)}:"]
        for sub_key, sub_value in value.items():
            lines += _block(str(sub_key), sub_value, indent + step, step)
        return lines
    return [f"{pad}{_scalar(key)}: {_flow(value)}"]


def _nest(steps: Sequence[str], value: object) -> object:
    for step in reversed(steps):
        value = {step: value}
    return value


# -- the node tree ----------------------------------------------------------------------
@lru_cache(maxsize=64)
def _compose(text: str) -> Node:
    """The round-trip node tree (cached: an edit's result is the next edit's input)."""
    node = YAML(typ="rt").compose(text)
    if not isinstance(node, Node):
        raise FixError("the document is empty")
    return node


def _data(node: Node, depth: int = 0) -> Any:
    """Plain data of a node tree, scalars resolved by their tags: enough to compare two trees."""
    if depth > 500:
        raise FixError("the document nests too deeply")
    if isinstance(node, MappingNode):
        return {str(_data(k, depth + 1)): _data(v, depth + 1) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [_data(item, depth + 1) for item in node.value]
    tag, value = str(node.tag), node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return str(value).lower() == "true"
    if tag.endswith((":int", ":float")):
        try:
            return int(str(value).replace("_", ""), 0) if tag.endswith(":int") else float(value)
        except ValueError:
            return value
    return value


def _load(text: str) -> Any:
    return _data(_compose(text))


def _walk(root: Node, path: Path_) -> list[Node]:
    """Nodes along `path` from the root, as far as they exist."""
    chain = [root]
    for step in path:
        node = chain[-1]
        if getattr(node, "anchor", None):
            raise FixError("the field is inside an anchored node that aliases share")
        if isinstance(node, MappingNode) and isinstance(step, str):
            keys = [k.value if isinstance(k, ScalarNode) else None for k, _ in node.value]
            if "<<" in keys:
                raise FixError("the mapping uses a merge key (<<)")
            matches = [v for k, v in node.value if isinstance(k, ScalarNode) and k.value == step]
            if len(matches) > 1:
                raise FixError(f"key {step!r} is defined twice")
            if not matches:
                break
            chain.append(matches[0])
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            chain.append(node.value[step])
        else:
            break
    return chain


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and str(node.tag).endswith(":null")


def _content_end(node: Node) -> Any:
    """The mark where the node's content ends (block collections end at their last child)."""
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        key, value = node.value[-1]
        ends = [_content_end(key), _content_end(value)]
        return max(ends, key=lambda mark: mark.index)
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1])
    return node.end_mark


def _indent_step(root: Node) -> int:
    """Indentation the document uses for a nested block mapping (2 when it shows none)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(value, MappingNode) and not value.flow_style and value.value and not node.flow_style:
                    step = value.value[0][0].start_mark.column - key.start_mark.column
                    if step > 0:
                        return int(step)
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return 2


class _Splice:
    """Text edits of one document (offsets relative to the document's text)."""

    def __init__(self, text: str, json_style: bool = False) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.style = "json" if json_style else None  # how new keys and strings are written

    def replace(self, start: int, end: int, new: str) -> str:
        if start == end and start > 0 and self.text[start - 1] == ":":
            new = " " + new
        return self.text[:start] + new + self.text[end:]

    def insert_lines(self, after: Any, lines: list[str]) -> str:
        """Insert whole lines after the line on which mark `after` ends the content."""
        block = "".join(line + self.newline for line in lines)
        if after.column == 0 and after.index > 0:
            at = after.index
        else:
            newline_at = self.text.find("\n", after.index)
            if newline_at == -1:
                return self.text + self.newline + block.removesuffix(self.newline)
            at = newline_at + 1
        return self.text[:at] + block + self.text[at:]


def _flow_separator(splice: _Splice, collection: Node, last: Node) -> str:
    """`, ` in a one-line flow collection; a new line lined up with the last entry otherwise."""
    if last.start_mark.line == collection.start_mark.line:
        return ", "
    column: int = last.start_mark.column
    return "," + splice.newline + " " * column


def _set_missing(splice: _Splice, root: Node, parent: Node, tail: Path_, value: object) -> str:
    if not all(isinstance(step, str) for step in tail):
        raise FixError("a list item on the way to the field does not exist")
    key, rest = str(tail[0]), [str(s) for s in tail[1:]]
    nested = _nest(rest, value)
    if not isinstance(parent, MappingNode):
        what = "empty" if _is_null(parent) else "not a mapping"
        raise FixError(f"the field's parent is {what}")
    if parent.flow_style:
        text = f"{_scalar(key, splice.style)}: {_flow(nested, splice.style)}"
        if parent.value:
            last_key = parent.value[-1][0]
            at = _content_end(parent.value[-1][1]).index
            return splice.text[:at] + _flow_separator(splice, parent, last_key) + text + splice.text[at:]
        at = parent.end_mark.index - 1
        if splice.text[at : at + 1] != "}":
            raise FixError("cannot place the key in this flow mapping")
        return splice.text[:at] + text + splice.text[at:]
    if not parent.value:
        raise FixError("the field's parent is an empty block mapping")
    indent = parent.value[0][0].start_mark.column
    return splice.insert_lines(_content_end(parent), _block(key, nested, indent, _indent_step(root)))


def _append(splice: _Splice, seq: SequenceNode, item: object) -> str:
    scalars = [n for n in seq.value if isinstance(n, ScalarNode)]
    if any(str(n.value).upper() == str(item).upper() for n in scalars):
        raise FixError(f"the list already holds {item}")
    style = scalars[0].style if scalars and scalars[0].style in ("'", '"') else splice.style
    rendered = _scalar(item, style)
    if seq.flow_style:
        if seq.value:
            at = _content_end(seq.value[-1]).index
            return splice.text[:at] + _flow_separator(splice, seq, seq.value[-1]) + rendered + splice.text[at:]
        at = seq.end_mark.index - 1
        if splice.text[at : at + 1] != "]":
            raise FixError("cannot place the item in this flow list")
        return splice.text[:at] + rendered + splice.text[at:]
    first = seq.value[0].start_mark
    line_start = splice.text.rfind("\n", 0, first.index) + 1
    before = splice.text[line_start : first.index].rstrip()
    if not before.endswith("-"):
        raise FixError("cannot find the list's dash")
    dash = len(before) - 1
    return splice.insert_lines(_content_end(seq), [" " * dash + "- " + rendered])


def _expected(data: Any, path: Path_, op: Op, value: object) -> Any:
    """The document's data with the intended change, for the structural check."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict) and isinstance(head, str):
        out = dict(data)
        if rest or op is not Op.APPEND:
            out[head] = _expected(data.get(head), rest, op, value) if head in data else _nest_any(rest, op, value)
        else:
            current = data.get(head)
            out[head] = [*current, value] if isinstance(current, list) else [value]
        return out
    if isinstance(data, list) and isinstance(head, int):
        out_list = list(data)
        out_list[head] = _expected(data[head], rest, op, value)
        return out_list
    return _nest_any(path, op, value)


def _nest_any(path: Path_, op: Op, value: object) -> object:
    leaf = [value] if op is Op.APPEND else value
    return _nest([str(s) for s in path], leaf)


def apply_edit(text: str, path: Path_, edit: Edit, kind: str, *, json_style: bool = False) -> str:
    """`text` (one YAML document) with `edit` applied at `path`; FixError when not safe.
    `json_style`: the document is JSON, so what is added is written as JSON."""
    try:
        root = _compose(text)
        before = _load(text)
    except YAMLError as exc:
        raise FixError(f"the round-trip parser rejects the document ({type(exc).__name__})") from None
    splice = _Splice(text, json_style)
    chain = _walk(root, path)
    found = len(chain) - 1 == len(path)
    node = chain[-1]
    op, value = edit.op, edit.value
    if edit.unless_sibling and len(chain) >= 2 and found and isinstance(chain[-2], MappingNode):
        siblings = {k.value for k, _ in chain[-2].value if isinstance(k, ScalarNode)}
        present = sorted(siblings & set(edit.unless_sibling))
        if present:
            raise FixError(f"{present[0]} is set next to it")
    if op is Op.API_VERSION:
        if not found or not isinstance(node, ScalarNode):
            raise FixError("apiVersion is not a plain value")
        replacement = SAME_SCHEMA_REPLACEMENTS.get((str(node.value), kind))
        if replacement is None:
            raise FixError(f"{node.value} {kind} has no same-schema replacement; convert it by hand")
        value, op = replacement, Op.SET
        new = splice.replace(node.start_mark.index, node.end_mark.index, _scalar(value, node.style or splice.style))
    elif op is Op.SET:
        if found and not _is_null(node):
            if edit.only_missing:
                raise FixError("the field is set to a value this fix does not replace; fix it by hand")
            if not isinstance(node, ScalarNode):
                raise FixError("the field holds a mapping or list; it is not overwritten")
            style = node.style if isinstance(value, str) and node.style else splice.style
            new = splice.replace(node.start_mark.index, node.end_mark.index, _flow(value, style))
        elif found:  # present but null
            new = splice.replace(node.start_mark.index, node.end_mark.index, _flow(value, splice.style))
        else:
            new = _set_missing(splice, root, node, path[len(chain) - 1 :], value)
    else:  # APPEND
        if found and isinstance(node, SequenceNode):
            new = _append(splice, node, value)
        elif found and _is_null(node):
            new = splice.replace(node.start_mark.index, node.end_mark.index, _flow([value], splice.style))
        elif found:
            raise FixError("the field is not a list")
        else:
            new = _set_missing(splice, root, node, path[len(chain) - 1 :], [value])
    try:
        after = _load(new)
    except YAMLError:
        raise FixError("the edit would not parse; left unchanged") from None
    if after != _expected(before, path, op, value):
        raise FixError("the edit would change more than the field; left unchanged")
    return new
