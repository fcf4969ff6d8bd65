"""What mapping a finding of rendered output back to a source file needs, whatever rendered
it: the run's documents and rendered streams, bounded reads of files in the tree, and the
structural search for the line of a source file that holds the rendered key
(kubelint_py/integrations/outline.py). Helm (helm_mapping.py) and Kustomize
(kustomize_mapping.py) build on it; rendered.py puts them together."""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kubelint_py.input.confine import Tree, read_text
from kubelint_py.integrations.charts import search
from kubelint_py.integrations.outline import HASH_SUFFIX_RE, Outline, find_line, unquote
from kubelint_py.model import Document, Finding, ObjectRef, Pos, Span

APPROXIMATE = "approximate location"


@dataclass(frozen=True, slots=True)
class Target:
    path: Path  # absolute source file
    span: Span
    approximate: bool
    note: str = ""
    differs: bool = False


def display(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        rel = os.path.relpath(path, cwd)
        return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def line_one() -> Span:
    return Span(Pos(1, 1), Pos(1, 2))


def describe(rendered: Outline, target: int) -> str:
    """`privileged`, or `the list item named log-shipper` when the span is an item's first key."""
    node = rendered.nodes[target]
    parent = rendered.nodes[node.parent] if node.parent >= 0 else None
    if parent is not None and parent.key is None and (parent.line == node.line or node.key == "name"):
        name = rendered.item_name(node.parent)
        if name is not None:
            return f"the list item named `{name}`"
    return f"`{node.key}`" if node.key is not None else f"list item `{node.value}`"


def compatible(source_kind: str | None, rendered_kind: str | None) -> bool:
    if source_kind is None or rendered_kind is None or "{{" in source_kind:
        return True
    return unquote(source_kind) == rendered_kind


class MapperBase:
    """The state of one mapping run, shared by the Helm and Kustomize mappings."""

    def __init__(
        self,
        documents: Sequence[Document],
        texts: Mapping[str, bytes | str],
        chart_root: Path | None,
        cwd: Path,
        tree: Tree,
        max_bytes: int,
        piped: Collection[str] = (),
    ) -> None:
        self.cwd = cwd.absolute()
        self.piped = frozenset(piped)
        self.tree = tree
        self.max_bytes = max_bytes
        self.chart_root = (self.cwd / chart_root) if chart_root is not None else None
        self.texts = texts
        self.by_file: dict[str, list[Document]] = {}
        self.by_index: dict[tuple[str, int], list[Document]] = {}
        for doc in documents:
            self.by_file.setdefault(doc.file, []).append(doc)
            self.by_index.setdefault((doc.file, doc.index), []).append(doc)
        self.starts: dict[str, tuple[list[int], list[Document]]] = {}
        for file, docs in self.by_file.items():
            ordered = sorted(docs, key=lambda d: d.span.start.line)
            self.starts[file] = ([d.span.start.line for d in ordered], ordered)
        self._shown: dict[Path, str] = {}
        self._outlines: dict[str, Outline | None] = {}
        self._sources: dict[Path, Outline | None] = {}
        self._charts: dict[str, Path | None] = {}
        self._found_charts: list[Path] | None = None
        self._found_kustomizations: list[Path] = []
        self._ambiguous: dict[str, list[Path]] = {}  # chart name -> the charts that could be it
        self._why: dict[tuple[str, str], set[str]] = {}  # (cause, detail) -> streams it left unmapped
        self._kustomized: dict[str, bool] = {}
        self._origins: list[str] = []  # origin paths that did not resolve
        self._patches: dict[Path, list[Path]] = {}
        self._chart_names: dict[Path, str | None] = {}
        self._inert: dict[str, bool] = {}
        self._explained: set[tuple[str, int, str | None, ObjectRef]] = set()  # causes noted per object

    # -- inputs
    def rendered_outline(self, file: str) -> Outline | None:
        if file not in self._outlines:
            raw = self.texts.get(file)
            if raw is None:
                self._outlines[file] = None
            else:
                text = raw.decode("utf-8-sig", "replace") if isinstance(raw, bytes) else raw
                self._outlines[file] = Outline(text)
        return self._outlines[file]

    def source_outline(self, path: Path) -> Outline | None:
        if path not in self._sources:
            self._sources[path] = Outline(text) if (text := self.read(path)) is not None else None
        return self._sources[path]

    def read(self, path: Path) -> str | None:
        """A file the mapping points at: in the tree, regular, within the size limit."""
        if not self.tree.contains(path):
            return None
        try:
            return read_text(path, self.max_bytes)
        except OSError:
            return None

    def inside(self, base: Path, relative: str) -> Path | None:
        """`base / relative` (resolved) when it stays in the tree and is a file; else None."""
        found = self.tree.resolve(base, relative)
        return found if found is not None and found.is_file() else None

    def document_for(self, file: str, line: int, finding: Finding | None = None) -> Document | None:
        if finding is not None and finding.object is not None:
            for doc in self.by_index.get((file, finding.doc_index), ()):
                if doc.ref == finding.object:
                    return doc
        starts, ordered = self.starts.get(file, ([], []))
        position = bisect_right(starts, line) - 1
        for doc in ordered[max(position - 1, 0) : position + 1][::-1]:
            if doc.span.start.line <= line <= max(doc.span.end.line, doc.span.start.line):
                return doc
        return None

    def shown(self, path: Path) -> str:
        if path not in self._shown:
            self._shown[path] = display(path, self.cwd)
        return self._shown[path]

    def found_charts(self) -> list[Path]:
        """Directories holding a Chart.yaml under the cwd, shallowest first (one bounded walk,
        which also notes the directories holding a kustomization)."""
        if self._found_charts is None:
            self._found_charts, self._found_kustomizations = search(self.cwd)
        return self._found_charts

    def found_kustomizations(self) -> list[Path]:
        self.found_charts()
        return self._found_kustomizations

    # -- structure search in one source file
    def structural(self, path: Path, rendered: Outline | None, span: Span, *, name_filter: bool) -> Target | None:
        """The line of `path` that holds the rendered key; None when `path` cannot be read (not a
        regular file, over the size limit): the finding stays on the rendered stream."""
        rel = self.shown(path)
        source = self.source_outline(path)
        if source is None:
            return None
        if rendered is None:
            return Target(path, line_one(), True, f"{APPROXIMATE}: no matching line found in {rel}")
        target = rendered.node_at(span.start.line, span.start.column)
        if target is None:
            return Target(path, line_one(), True, f"{APPROXIMATE}: no matching line found in {rel}")
        target = rendered.anchor(target)
        doc = rendered.nodes[target].doc
        docs = self._candidate_docs(rendered, doc, source, name_filter)
        match = find_line(rendered, target, source, docs)
        if match is None:
            what = describe(rendered, target)
            note = f"{APPROXIMATE}: {what} not found unambiguously in {rel}"
            enclosing = self._enclosing(rendered, target, source, docs)
            if enclosing is not None:
                note += f"; it is rendered inside `{enclosing[0]}` at line {enclosing[1]}"
            return Target(path, line_one(), True, note)
        span = Span(Pos(match.line, match.column), Pos(match.line, match.end_column))
        return Target(path, span, False, differs=match.differs)

    def _enclosing(
        self, rendered: Outline, target: int, source: Outline, docs: list[int] | None
    ) -> tuple[str, int] | None:
        """The nearest ancestor key of `target` that the source file has unambiguously (a hint
        such as `securityContext: {{ toYaml .Values.securityContext }}`), never the location."""
        parent = rendered.nodes[target].parent
        while parent >= 0:
            node = rendered.nodes[parent]
            if node.key is not None:
                match = find_line(rendered, parent, source, docs)
                if match is not None:
                    return node.key, match.line
            parent = node.parent
        return None

    def _candidate_docs(self, rendered: Outline, doc: int, source: Outline, name_filter: bool) -> list[int] | None:
        """Documents of a multi-document source file that can have produced rendered document `doc`."""
        docs = source.docs()
        if len(docs) <= 1:
            return None
        kind = rendered.root_value(doc, "kind")
        chosen = [d for d in docs if compatible(source.root_value(d, "kind"), kind)]
        if name_filter and len(chosen) > 1:
            name = HASH_SUFFIX_RE.sub("", rendered.metadata_name(doc) or "")
            named = [d for d in chosen if (source.metadata_name(d) or "\0") in name]
            chosen = named or chosen
        return chosen
