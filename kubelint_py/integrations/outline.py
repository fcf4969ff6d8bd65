"""An indentation outline of YAML (or Go-template YAML) text, and the search for the one line of a
source file (a template, a kustomize resource) that holds a key of the rendered output: the key
with the chain of keys (and named list items) above it, compared from the innermost outward.
Plain text processing, no YAML parser: templates are not YAML."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Catalog §0.6: kustomize generators append `-` and a 10-character hash to generated names.
HASH_SUFFIX_RE = re.compile(r"-[a-z0-9]{10}$")
_KEY_RE = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'\[\]{}|>&*!%@`,][^#]*?)\s*:(?=\s|$)""")


@dataclass(frozen=True, slots=True)
class Node:
    """A mapping key or a list item on one line. `column` is 1-based: the key's column, or for
    an item the column of its content after the dash."""

    line: int
    column: int
    key: str | None  # None: a list item
    value: str  # the text after `key:` (or after `- ` for an item), comment removed
    parent: int  # index of the parent node, -1 at the document root
    doc: int  # document number within the text (split at `---`)
    indent: int  # 0-based column where the token starts (the dash for items)


def unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _strip_comment(text: str) -> str:
    if text.startswith("#"):
        return ""
    cut = text.find(" #")
    return (text[:cut] if cut >= 0 else text).strip()


def outline(text: str) -> list[Node]:
    """Keys and list items of `text` with their parents, by indentation. Template action lines
    (`{{- if ... }}`), comments and block-scalar contents are skipped."""
    nodes: list[Node] = []
    stack: list[int] = []
    block_indent: int | None = None
    doc = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if line.startswith(("---", "...")) and (len(line) == 3 or line[3] in " \t"):
            doc += 1
            stack.clear()
            continue
        if not stripped or stripped.startswith(("#", "{{")):
            continue
        pos = indent
        while line.startswith("-", pos) and (pos + 1 == len(line) or line[pos + 1] in " \t"):
            item_col = pos
            pos += 1
            while pos < len(line) and line[pos] in " \t":
                pos += 1
            while stack and (
                nodes[stack[-1]].indent > item_col
                or (nodes[stack[-1]].indent == item_col and not _opens_collection(nodes[stack[-1]]))
            ):
                stack.pop()
            nodes.append(
                Node(
                    number,
                    pos + 1,
                    None,
                    unquote(_strip_comment(line[pos:])),
                    stack[-1] if stack else -1,
                    doc,
                    item_col,
                )
            )
            stack.append(len(nodes) - 1)
        match = _KEY_RE.match(line[pos:])
        if match is None:
            continue
        value = _strip_comment(line[pos + match.end() :].strip())
        while stack and nodes[stack[-1]].indent >= pos:
            stack.pop()
        key = unquote(match.group(1).strip())
        nodes.append(Node(number, pos + 1, key, value, stack[-1] if stack else -1, doc, pos))
        stack.append(len(nodes) - 1)
        if value[:1] in ("|", ">"):
            block_indent = pos
    return nodes


def _opens_collection(node: Node) -> bool:
    """A key whose value is on the following lines (`containers:` then `- name: ...`)."""
    return node.key is not None and node.value == ""


class Outline:
    """An outline plus the lookups the matcher needs."""

    def __init__(self, text: str) -> None:
        self.nodes = outline(text)
        self.by_line: dict[int, list[int]] = {}
        self.children: dict[int, list[int]] = {}
        for index, node in enumerate(self.nodes):
            self.by_line.setdefault(node.line, []).append(index)
            self.children.setdefault(node.parent, []).append(index)

    def node_at(self, line: int, column: int) -> int | None:
        """The node a rendered span starts at: the key or item at `column` on `line`."""
        here = self.by_line.get(line)
        if not here:
            return None
        exact = [i for i in here if self.nodes[i].column == column]
        if exact:
            keyed = [i for i in exact if self.nodes[i].key is not None]
            return (keyed or exact)[0]
        before = [i for i in here if self.nodes[i].column <= column and self.nodes[i].key is not None]
        return before[-1] if before else here[0]

    def anchor(self, index: int) -> int:
        """A span on a list item's first key stands for the whole item: use its `name:` key,
        the line people know the item by (kustomize sorts `image:` before `name:`)."""
        node = self.nodes[index]
        parent = self.nodes[node.parent] if node.parent >= 0 else None
        if parent is None or parent.key is not None or parent.line != node.line:
            return index
        for child in self.children.get(node.parent, ()):
            if self.nodes[child].key == "name":
                return child
        return index

    def item_name(self, index: int) -> str | None:
        """The literal `name:` of a list item, None when absent or templated."""
        for child in self.children.get(index, ()):
            node = self.nodes[child]
            if node.key == "name":
                return None if "{{" in node.value or not node.value else node.value
        return None

    def chain(self, index: int) -> list[tuple[str | None, str | None]]:
        """Ancestors, nearest first: (key, None) for keys, (None, item name) for list items."""
        steps: list[tuple[str | None, str | None]] = []
        parent = self.nodes[index].parent
        while parent >= 0:
            node = self.nodes[parent]
            steps.append((node.key, None) if node.key is not None else (None, self.item_name(parent)))
            parent = node.parent
        return steps

    def root_value(self, doc: int, key: str) -> str | None:
        for index in self.children.get(-1, ()):
            node = self.nodes[index]
            if node.doc == doc and node.key == key:
                return node.value
        return None

    def metadata_name(self, doc: int) -> str | None:
        for index in self.children.get(-1, ()):
            node = self.nodes[index]
            if node.doc == doc and node.key == "metadata":
                for child in self.children.get(index, ()):
                    if self.nodes[child].key == "name":
                        return self.nodes[child].value
        return None

    def docs(self) -> list[int]:
        return sorted({node.doc for node in self.nodes})


def _norm_value(value: str) -> str:
    return unquote(value.strip()).lower()


def _score(
    rendered_chain: Sequence[tuple[str | None, str | None]], source_chain: Sequence[tuple[str | None, str | None]]
) -> int | None:
    """How well two ancestor chains agree from the innermost outward; None = different place."""
    score = 0
    keyed = False
    for (r_key, r_name), (s_key, s_name) in zip(rendered_chain, source_chain, strict=False):
        if r_key is not None or s_key is not None:
            if r_key != s_key:
                if not keyed:
                    return None  # the nearest enclosing key differs: another place in the object
                break
            keyed = True
            score += 2
            continue
        if r_name is not None and s_name is not None:
            if HASH_SUFFIX_RE.sub("", r_name) != s_name and r_name != s_name:
                return None  # another named list item (another container): not this one
            score += 3
    else:
        if len(rendered_chain) == len(source_chain):
            score += 1
    return score


@dataclass(frozen=True, slots=True)
class Match:
    line: int
    column: int
    end_column: int
    differs: bool = False  # the source line holds another literal value than the rendered one


def find_line(rendered: Outline, target: int, source: Outline, docs: Iterable[int] | None = None) -> Match | None:
    """The single source line that corresponds to rendered node `target`, or None."""
    node = rendered.nodes[target]
    chain = rendered.chain(target)
    allowed = set(docs) if docs is not None else None
    best: list[tuple[int, int]] = []
    for index, candidate in enumerate(source.nodes):
        if allowed is not None and candidate.doc not in allowed:
            continue
        if node.key is not None:
            if candidate.key != node.key:
                continue
        elif (
            candidate.key is not None
            or "{{" in candidate.value
            or _norm_value(candidate.value) != _norm_value(node.value)
        ):
            continue
        source_chain = source.chain(index)
        score = _score(chain, source_chain)
        if score is None:
            continue
        if chain and score < 2:
            continue  # the innermost parent (or the list item and its key) must agree
        if not chain and source_chain:
            continue
        if (
            node.key is not None
            and candidate.value
            and "{{" not in candidate.value
            and _norm_value(candidate.value) == _norm_value(node.value)
        ):
            score += 1
        best.append((score, index))
    if not best:
        return None
    top = max(score for score, _ in best)
    winners = [index for score, index in best if score == top]
    if len(winners) != 1:
        return None
    found = source.nodes[winners[0]]
    width = len(found.key) if found.key is not None else max(len(found.value), 1)
    differs = bool(found.value) and "{{" not in found.value and _norm_value(found.value) != _norm_value(node.value)
    return Match(found.line, found.column, found.column + width, differs)
