"""Point findings in rendered output (`helm template`, `kustomize build`) at the files people edit.

A pure post-processing step over the engine's findings (integration.md (a), "Helm `# Source:`
mapping"). For a document that came from a Helm stream (`# Source: <chart>/templates/x.yaml`)
or carries kustomize's `config.kubernetes.io/origin` annotation, the finding's primary location
becomes the source file and the exact rendered position moves to `Finding.rendered`.

Rendered line numbers do not exist in a template, so the line is found by structure: the key
at the rendered position, together with the chain of keys (and named list items) above it, is
looked up in the source file's indentation outline. Only a single best candidate whose
innermost parent matches counts as an honest match; otherwise the finding points at line 1,
is marked `approximate` and says "approximate location" in its message. The fingerprint is
recomputed with the source path, so it survives value changes and re-rendering.

Nothing is guessed: when two charts of the stream's name could both have rendered it, or the
chart or the kustomize origins cannot be found, findings stay on the rendered stream, and one
note per cause (`map_rendered(notes=...)`, shown on stderr) says why and what to pass.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kubelint_py.input.confine import DEFAULT_MAX_BYTES, Tree, read_text
from kubelint_py.model import Document, Finding, Location, Pos, Span
from kubelint_py.run.engine import finalize, fingerprint

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
# Catalog §0.6: kustomize generators append `-` and a 10-character hash to generated names.
HASH_SUFFIX_RE = re.compile(r"-[a-z0-9]{10}$")
# The suffix as kustomize writes it (hex digits with 0, 1, 3, a, e swapped for g, h, k, m, t):
# narrower, for telling kustomize output from other manifests.
_KUSTOMIZE_HASH_RE = re.compile(r"-[2456789bcdfghkmt]{10}$")
_HASH_IN_ITEM_RE = re.compile(r"(\[name=[^\]]*?)-[a-z0-9]{10}\]")
_CHART_NAME_RE = re.compile(r"""^name:\s*["']?([^"'#\s]+)["']?\s*(?:#.*)?$""", re.MULTILINE)
_KEY_RE = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'\[\]{}|>&*!%@`,][^#]*?)\s*:(?=\s|$)""")
_GENERATOR_KEYS = {"ConfigMapGenerator": "configMapGenerator", "SecretGenerator": "secretGenerator"}
_DATA_KEYS = frozenset(("data", "stringData", "binaryData"))
_KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_SKIP_DIRS = frozenset((".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox"))
_SEARCH_DEPTH = 3  # charts/web, deploy/helm/web, k8s/charts/web
_SEARCH_DIRS = 2000
_TEMPLATES_CHECKED = 200  # per candidate chart, when several have the stream's chart name
APPROXIMATE = "approximate location"


# -- an indentation outline of YAML (or Go-template YAML) text ------------------------------
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


def _unquote(text: str) -> str:
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
                    _unquote(_strip_comment(line[pos:])),
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
        key = _unquote(match.group(1).strip())
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
    return _unquote(value.strip()).lower()


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


# -- the mapper ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Target:
    path: Path  # absolute source file
    span: Span
    approximate: bool
    note: str = ""
    differs: bool = False


def _display(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        rel = os.path.relpath(path, cwd)
        return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def _line_one() -> Span:
    return Span(Pos(1, 1), Pos(1, 2))


def chart_name(chart_dir: Path, tree: Tree | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """`name:` of `chart_dir/Chart.yaml` (read with a regex: it is a flat top-level key); None
    when it is not a regular file, or not in `tree`."""
    path = chart_dir / "Chart.yaml"
    if tree is not None and not tree.contains(path):
        return None
    try:
        text = read_text(path, max_bytes)
    except OSError:
        return None
    match = _CHART_NAME_RE.search(text)
    return match.group(1) if match else None


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def parse_origin(text: str) -> dict[str, str]:
    """The flat fields of a `config.kubernetes.io/origin` annotation (a small YAML mapping)."""
    fields: dict[str, str] = {}
    section = ""
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.match(r"^(\s*)([A-Za-z]+):\s*(.*?)\s*$", line)
        if match is None:
            continue
        indent, key, value = match.groups()
        if not indent:
            section = key if not value else ""
            if value:
                fields[key] = _unquote(value)
        elif section:
            fields[f"{section}.{key}"] = _unquote(value)
    return fields


class _Mapper:
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
            self._shown[path] = _display(path, self.cwd)
        return self._shown[path]

    # -- Helm
    def chart_dir(self, name: str) -> Path | None:
        if name not in self._charts:
            self._charts[name] = self._find_chart(name)
        return self._charts[name]

    def _find_chart(self, name: str) -> Path | None:
        """`--chart-root`, else the working directory, else the one chart of that name below
        it. Two or more charts of the name that could all have rendered the stream (each has
        every own template the stream names) are ambiguous: None, and they are remembered for
        the warning; the findings stay on the stream rather than land in the wrong chart."""
        root = self.chart_root
        if root is not None:
            declared = self._chart_name(root)
            if declared is None or declared == name:
                return root
        if self._chart_name(self.cwd) == name:
            return self.cwd
        matches = [candidate for candidate in self._all_charts() if self._chart_name(candidate) == name]
        if len(matches) > 1:
            named = sorted(self._own_templates(name))[:_TEMPLATES_CHECKED]
            fitting = [chart for chart in matches if all(self.inside(chart, rest) is not None for rest in named)]
            if len(fitting) == 1:
                return fitting[0]
            self._ambiguous[name] = fitting or matches
            return None
        return matches[0] if matches else None

    def _own_templates(self, name: str) -> set[str]:
        """The chart's own files the stream's `# Source:` headers name (not its subcharts', which
        may be packaged): `templates/deployment.yaml`, `crds/x.yaml`."""
        named: set[str] = set()
        for docs in self.by_file.values():
            for doc in docs:
                chart, _, rest = (doc.helm_source or "").partition("/")
                if chart == name and rest and not rest.startswith("charts/") and ".." not in Path(rest).parts:
                    named.add(rest)
        return named

    def _chart_name(self, directory: Path) -> str | None:
        """`chart_name`, read once per directory and run (every chart name looked up asks)."""
        if directory not in self._chart_names:
            self._chart_names[directory] = chart_name(directory, self.tree, self.max_bytes)
        return self._chart_names[directory]

    def _all_charts(self) -> list[Path]:
        """Directories holding a Chart.yaml under the cwd, shallowest first (bounded walk); the
        walk also notes the directories holding a kustomization (`_kustomizations`)."""
        if self._found_charts is not None:
            return self._found_charts
        found: list[tuple[int, str, Path]] = []
        kustomizations: list[Path] = []
        queue: list[tuple[Path, int]] = [(self.cwd, 0)]
        visited = 0
        while queue and visited < _SEARCH_DIRS:
            directory, depth = queue.pop(0)
            visited += 1
            try:
                # by name: the order of the paths (one parent); DirEntry answers is_dir without a stat
                with os.scandir(directory) as listing:
                    entries = sorted(listing, key=_entry_name)
            except OSError:
                continue
            for entry in entries:
                if entry.name == "Chart.yaml" and directory != self.cwd:
                    found.append((depth, directory.as_posix(), directory))
                elif entry.name in _KUSTOMIZATION_FILES:
                    kustomizations.append(directory)
                elif depth < _SEARCH_DEPTH and entry.name not in _SKIP_DIRS and not entry.name.startswith("."):
                    try:
                        if entry.is_dir(follow_symlinks=False):  # a directory, not a link to one
                            queue.append((directory / entry.name, depth + 1))
                    except OSError:
                        continue
        self._found_charts = [path for _, _, path in sorted(found)]
        self._found_kustomizations = kustomizations
        return self._found_charts

    def _kustomizations(self) -> list[Path]:
        self._all_charts()
        return self._found_kustomizations

    def helm_target(self, helm_source: str, rendered: Outline | None, span: Span) -> _Target | None:
        chart, _, rest = helm_source.partition("/")
        parts = Path(rest).parts
        if not chart or not rest or ".." in parts or Path(rest).is_absolute():
            return None
        chart_dir = self.chart_dir(chart)
        if chart_dir is None:
            return None
        if self.tree.resolve(chart_dir, rest) is None:
            return None  # a link out of the tree: the finding stays on the rendered stream
        template = chart_dir / rest
        if not template.is_file():
            if self.inside(chart_dir, "Chart.yaml") is None:
                return None
            note = f"{APPROXIMATE}: template {helm_source} is not on disk (a packaged dependency?)"
            return _Target(chart_dir / "Chart.yaml", _line_one(), True, note)
        return self.structural(template, rendered, span, name_filter=False)

    # -- kustomize
    def origin_of(self, doc: Document | None) -> dict[str, str] | None:
        if doc is None:
            return None
        text = doc.annotations().get(ORIGIN_ANNOTATION)
        return parse_origin(text) if isinstance(text, str) else None

    def kustomize_target(self, origin: Mapping[str, str], rendered: Outline | None, span: Span) -> _Target | None:
        if origin.get("repo"):
            return None  # a remote base: nothing on disk to point at
        base = self.chart_root if self.chart_root is not None else self.cwd
        if origin.get("path"):
            source = self.inside(base, origin["path"])
            if source is None:
                return None
            found = self.structural(source, rendered, span, name_filter=True)
            if found is None:
                return None
            if found.approximate or found.differs:
                # A sidecar added or a value changed by an overlay patch: the patch is the file to edit.
                patched = self.from_patches(base, rendered, span)
                if patched is not None and (found.approximate or not patched.differs):
                    return patched
            return found
        configured_in = origin.get("configuredIn")
        generator = _GENERATOR_KEYS.get(origin.get("configuredBy.kind", ""))
        if not configured_in or generator is None:
            return None
        kustomization = self.inside(base, configured_in)
        if kustomization is None:
            return None
        return self.generator_target(kustomization, generator, origin.get("configuredBy.name"), rendered, span)

    def from_patches(self, base: Path, rendered: Outline | None, span: Span) -> _Target | None:
        """The one strategic-merge patch of the build that has the rendered key for this object."""
        if rendered is None:
            return None
        target = rendered.node_at(span.start.line, span.start.column)
        if target is None:
            return None
        target = rendered.anchor(target)
        doc = rendered.nodes[target].doc
        kind = rendered.root_value(doc, "kind")
        name = HASH_SUFFIX_RE.sub("", rendered.metadata_name(doc) or "")
        hits: list[_Target] = []
        for path in self.patch_files(base):
            source = self.source_outline(path)
            if source is None:
                continue
            docs = [
                d
                for d in source.docs()
                if kind is not None
                and source.root_value(d, "kind") == kind
                and _same_object(source.metadata_name(d), name)
            ]
            match = find_line(rendered, target, source, docs) if docs else None
            if match is not None:
                where = Span(Pos(match.line, match.column), Pos(match.line, match.end_column))
                hits.append(_Target(path, where, False, differs=match.differs))
        if len(hits) > 1:
            hits = [hit for hit in hits if not hit.differs]
        return hits[0] if len(hits) == 1 else None

    def patch_files(self, base: Path) -> list[Path]:
        """Patch files named by the kustomization in `base` and the local bases it builds on."""
        if base in self._patches:
            return self._patches[base]
        found: list[Path] = []
        seen: set[Path] = set()
        pending = [found_base] if (found_base := self.tree.resolve(base, ".")) is not None else []
        while pending and len(seen) < 50:
            directory = pending.pop(0)
            if directory in seen:
                continue
            seen.add(directory)
            kustomization = next(filter(None, (self.inside(directory, n) for n in _KUSTOMIZATION_FILES)), None)
            if kustomization is None:
                continue
            outline_ = self.source_outline(kustomization)
            if outline_ is None:
                continue
            for index, node in enumerate(outline_.nodes):
                if node.key is not None or node.parent < 0:
                    continue
                section = outline_.nodes[node.parent].key
                if section in ("resources", "bases", "components") and node.value and ":" not in node.value:
                    pending += filter(None, [self.tree.resolve(directory, node.value)])
                elif section == "patchesStrategicMerge" and node.value and ":" not in node.value:
                    found += filter(None, [self.inside(directory, node.value)])
                elif section == "patches":
                    for child in outline_.children.get(index, ()):
                        if outline_.nodes[child].key == "path" and outline_.nodes[child].value:
                            found += filter(None, [self.inside(directory, outline_.nodes[child].value)])
        self._patches[base] = found
        return self._patches[base]

    def generator_target(
        self, path: Path, generator: str, name: str | None, rendered: Outline | None, span: Span
    ) -> _Target:
        source = self.source_outline(path)
        approximate = _Target(path, _line_one(), True, f"{APPROXIMATE}: generator entry not found in {path.name}")
        if source is None or rendered is None:
            return approximate
        target = rendered.node_at(span.start.line, span.start.column)
        if target is None:
            return approximate
        doc = rendered.nodes[target].doc
        generated = HASH_SUFFIX_RE.sub("", rendered.metadata_name(doc) or "")
        entries: list[tuple[int, str]] = []  # (index of the item's `name:` node, name)
        for index, node in enumerate(source.nodes):
            if node.key != "name" or node.parent < 0:
                continue
            item = source.nodes[node.parent]
            if item.key is not None or item.parent < 0 or source.nodes[item.parent].key != generator:
                continue
            entries.append((index, node.value))
        if name:
            chosen = [e for e in entries if e[1] == name]
        else:
            chosen = [e for e in entries if e[1] == generated] or [e for e in entries if e[1] and e[1] in generated]
            if len(chosen) > 1:
                longest = max(len(e[1]) for e in chosen)
                chosen = [e for e in chosen if len(e[1]) == longest]
        if len(chosen) != 1:
            return approximate
        name_node = source.nodes[chosen[0][0]]
        entry_span = Span(Pos(name_node.line, name_node.column), Pos(name_node.line, name_node.column + 4))
        chain = rendered.chain(target)
        keys = [key for key, _ in reversed(chain) if key is not None]
        node = rendered.nodes[target]
        data_key = None
        if keys and keys[0] in _DATA_KEYS and node.key is not None:
            data_key = node.key if len(keys) == 1 else None
        elif node.key in _DATA_KEYS:
            return _Target(path, entry_span, False)
        if data_key is None:
            if keys and keys[0] in _DATA_KEYS:
                return _Target(path, entry_span, True, f"{APPROXIMATE}: the generator in {path.name}")
            return _Target(path, entry_span, False)
        found = self._generator_key_line(path, name_node, data_key)
        if found is not None:
            return _Target(path, found, False)
        env_hit = self._env_file_line(path, source, chosen[0][0], data_key)
        if env_hit is not None:
            return env_hit
        note = f"{APPROXIMATE}: key {data_key} comes from a file or env source of this generator"
        return _Target(path, entry_span, True, note)

    def _env_file_line(self, path: Path, source: Outline, name_index: int, key: str) -> _Target | None:
        """`KEY=value` in one of the generator's `envs:` files."""
        item = source.nodes[name_index].parent
        hits: list[_Target] = []
        for child in source.children.get(item, ()):
            if source.nodes[child].key not in ("envs", "env"):
                continue
            values = [source.nodes[c].value for c in source.children.get(child, ())]
            inline = source.nodes[child].value
            if inline and not inline.startswith("["):
                values.append(inline)
            for value in values:
                env_file = self.inside(path.parent, _unquote(value))
                text = self.read(env_file) if env_file is not None else None
                if env_file is None or text is None:
                    continue
                lines = text.split("\n")
                for number, line in enumerate(lines, start=1):
                    stripped = line.lstrip()
                    if stripped.startswith(f"{key}="):
                        column = len(line) - len(stripped) + 1
                        hits.append(_Target(env_file, Span(Pos(number, column), Pos(number, column + len(key))), False))
        return hits[0] if len(hits) == 1 else None

    def _generator_key_line(self, path: Path, name_node: Node, key: str) -> Span | None:
        """The line inside the generator entry that defines `key` (`KEY=value` literal or a file)."""
        text = self.read(path)
        if text is None:
            return None
        lines = text.split("\n")
        item_indent = name_node.column - 3
        pattern = re.compile(rf"(?<![\w.-]){re.escape(key)}(?==|\s*$|\s*[,\]])")
        hits: list[Span] = []
        for number in range(name_node.line, len(lines) + 1):
            line = lines[number - 1]
            stripped = line.strip()
            indent = len(line) - len(line.lstrip(" "))
            if number > name_node.line and stripped and indent <= item_indent:
                break
            for match in pattern.finditer(line):
                hits.append(Span(Pos(number, match.start() + 1), Pos(number, match.end() + 1)))
        return hits[0] if len(hits) == 1 else None

    # -- structure search in one source file
    def structural(self, path: Path, rendered: Outline | None, span: Span, *, name_filter: bool) -> _Target | None:
        """The line of `path` that holds the rendered key; None when `path` cannot be read (not a
        regular file, over the size limit): the finding stays on the rendered stream."""
        rel = self.shown(path)
        source = self.source_outline(path)
        if source is None:
            return None
        if rendered is None:
            return _Target(path, _line_one(), True, f"{APPROXIMATE}: no matching line found in {rel}")
        target = rendered.node_at(span.start.line, span.start.column)
        if target is None:
            return _Target(path, _line_one(), True, f"{APPROXIMATE}: no matching line found in {rel}")
        target = rendered.anchor(target)
        doc = rendered.nodes[target].doc
        docs = self._candidate_docs(rendered, doc, source, name_filter)
        match = find_line(rendered, target, source, docs)
        if match is None:
            what = _describe(rendered, target)
            note = f"{APPROXIMATE}: {what} not found unambiguously in {rel}"
            enclosing = self._enclosing(rendered, target, source, docs)
            if enclosing is not None:
                note += f"; it is rendered inside `{enclosing[0]}` at line {enclosing[1]}"
            return _Target(path, _line_one(), True, note)
        span = Span(Pos(match.line, match.column), Pos(match.line, match.end_column))
        return _Target(path, span, False, differs=match.differs)

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
        chosen = [d for d in docs if _compatible(source.root_value(d, "kind"), kind)]
        if name_filter and len(chosen) > 1:
            name = HASH_SUFFIX_RE.sub("", rendered.metadata_name(doc) or "")
            named = [d for d in chosen if (source.metadata_name(d) or "\0") in name]
            chosen = named or chosen
        return chosen

    # -- one finding
    def locate(self, file: str, span: Span, doc: Document | None, helm_source: str | None) -> _Target | None:
        # The rendered stream's outline is built only when there is somewhere to map to: a
        # `helm template` stream whose chart is not on disk stays where it is, at no cost.
        source = helm_source or (doc.helm_source if doc is not None else None)
        if source:
            if self.chart_dir(source.partition("/")[0]) is None:
                return None
            return self.helm_target(source, self.rendered_outline(file), span)
        origin = self.origin_of(doc)
        if origin:
            return self.kustomize_target(origin, self.rendered_outline(file), span)
        return None

    def map(self, finding: Finding) -> Finding:
        """`finding` moved to its source file; unchanged when that cannot be done safely."""
        try:
            if self._stays(finding):
                mapped = finding  # what `_map` returns for it, without locating anything
            else:
                mapped = self._map(finding)
            if mapped.rendered is None:
                self.explain(finding)
            return mapped
        except (OSError, ValueError, RecursionError):  # odd paths (NUL bytes, other drives), unreadable files
            return finding

    def _map(self, finding: Finding) -> Finding:
        doc = self.document_for(finding.file, finding.span.start.line, finding)
        target = self.locate(finding.file, finding.span, doc, finding.helm_source)
        related = tuple(self.map_related(loc) for loc in finding.related)
        if target is None:
            return replace(finding, related=related) if related != finding.related else finding
        new_file = self.shown(target.path)
        message = finding.message
        if target.note:
            message = f"{message} ({target.note})"
        obj = finding.object
        kustomized = doc is not None and finding.helm_source is None and doc.helm_source is None
        if obj is not None:
            name = obj.name or f"#{finding.doc_index}"
            if kustomized:
                name = HASH_SUFFIX_RE.sub("", name)
            logical = _HASH_IN_ITEM_RE.sub(r"\1]", finding.logical_path) if kustomized else finding.logical_path
            print_ = fingerprint(finding.rule_id, new_file, obj.group, obj.kind, obj.namespace or "", name, logical)
        else:
            identity = re.sub(r"\d+", "#", finding.message)
            print_ = fingerprint(finding.rule_id, new_file, "", "", "", identity, finding.logical_path)
        return replace(
            finding,
            file=new_file,
            span=target.span,
            message=message,
            related=related,
            rendered=Location(finding.file, finding.span, "rendered output"),
            approximate=target.approximate,
            fingerprint=print_,
        )

    def _stays(self, finding: Finding) -> bool:
        """Whether `locate` finds no target for the finding and for each of its related
        locations: nothing in their files can be mapped (most input is not rendered output,
        and a stream's chart may not be on disk), so the finding is returned as it is."""
        source = finding.helm_source
        if source and self.chart_dir(source.partition("/")[0]) is not None:
            return False
        if not self._is_inert(finding.file):
            return False
        return all(self._is_inert(loc.file) for loc in finding.related)

    def _is_inert(self, file: str) -> bool:
        """No document of `file` leads `locate` anywhere: each is from a Helm stream whose chart
        is not found, or from no stream and without a kustomize origin."""
        inert = self._inert.get(file)
        if inert is None:  # once per file
            inert = all(
                self.chart_dir(doc.helm_source.partition("/")[0]) is None
                if doc.helm_source
                else not self.origin_of(doc)
                for doc in self.by_file.get(file, ())
            )
            self._inert[file] = inert
        return inert

    def map_related(self, loc: Location) -> Location:
        """Evidence in the same rendered stream moves to its source line when that is exact."""
        if loc.file not in self.by_file:
            return loc
        doc = self.document_for(loc.file, loc.span.start.line)
        target = self.locate(loc.file, loc.span, doc, None)
        if target is None or target.approximate:
            return loc
        return Location(self.shown(target.path), target.span, loc.label)

    # -- why findings stay on the rendered stream (said once per cause, on stderr)
    def explain(self, finding: Finding) -> None:
        """Note the cause when `finding` stayed on its stream for a reason the user can fix: the
        stream's chart is ambiguous or not found, its kustomize origins do not resolve from the
        base, or it looks like kustomize output built without origin annotations."""
        doc = self.document_for(finding.file, finding.span.start.line, finding)
        source = finding.helm_source or (doc.helm_source if doc is not None else None)
        if source:
            name = source.partition("/")[0]
            if name in self._ambiguous:
                self.note("ambiguous", name, finding.file)
            elif name and self.chart_dir(name) is None:
                self.note("missing", name, finding.file)
            return
        origin = self.origin_of(doc)
        if origin:
            path = origin.get("path") or origin.get("configuredIn")
            base = self.chart_root if self.chart_root is not None else self.cwd
            if not origin.get("repo") and path and self.inside(base, path) is None:
                self.note("origin", path, finding.file)
            return
        if self.looks_kustomized(finding.file):
            self.note("no-origin", "", finding.file)

    def note(self, cause: str, detail: str, file: str) -> None:
        if cause == "origin":  # one note for all origin paths; a few kept to suggest a directory
            if len(self._origins) < 20 and detail not in self._origins:
                self._origins.append(detail)
            detail = ""
        self._why.setdefault((cause, detail), set()).add(file)

    def _built_from(self) -> list[Path]:
        """Kustomization directories under the working directory from which every unresolved
        origin path noted is a file: where the stream was probably built."""
        return [
            directory
            for directory in self._kustomizations()
            if all(self.inside(directory, path) is not None for path in self._origins)
        ]

    def looks_kustomized(self, file: str) -> bool:
        """Whether `file`, a stream without `# Source:` headers or origin annotations, is likely
        `kustomize build` output: piped in (or given with --chart-root), and a kustomization is
        the --chart-root or the working directory, or the stream has a generated ConfigMap or
        Secret (kustomize's hash suffix), or a kustomization is below the working directory and
        the stream's keys are sorted at every level, as kustomize writes them (people write
        `name:` first, so plain manifests piped in are not taken for it)."""
        if file not in self.piped and self.chart_root is None:
            return False
        known = self._kustomized.get(file)
        if known is None:
            docs = self.by_file.get(file, ())
            known = (
                any(
                    directory is not None and (directory / name).is_file()
                    for directory in (self.chart_root, self.cwd)
                    for name in _KUSTOMIZATION_FILES
                )
                or any(d.kind in ("ConfigMap", "Secret") and _KUSTOMIZE_HASH_RE.search(d.name or "") for d in docs)
                or (file in self.piped and _keys_sorted(docs) and bool(self._kustomizations()))
            )
            self._kustomized[file] = known
        return known

    def notes(self) -> list[str]:
        """One line per cause: why findings stay on the rendered stream, and what to do."""
        out: list[str] = []
        for (cause, detail), files in self._why.items():
            shown = sorted(files)
            streams = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
            stay = f"findings in {streams} stay on the rendered output"
            if cause == "ambiguous":
                candidates = [self.shown(path) for path in self._ambiguous[detail]]
                out.append(
                    f"{stay}: its `# Source:` headers name chart `{detail}`, and {len(candidates)} charts here "
                    f"have that name ({', '.join(candidates)}); pass --chart-root with the one that was rendered, "
                    f"e.g. --chart-root {candidates[0]}"
                )
            elif cause == "missing":
                declared = self._chart_name(self.chart_root) if self.chart_root is not None else None
                if self.chart_root is not None and declared is not None and declared != detail:
                    out.append(
                        f"{stay}: its `# Source:` headers name chart `{detail}`, but --chart-root "
                        f"{self.shown(self.chart_root)} holds chart `{declared}`"
                    )
                else:
                    out.append(
                        f"{stay}: its `# Source:` headers name chart `{detail}`, which is not in the current "
                        f"directory or {_SEARCH_DEPTH} levels below it; pass --chart-root CHART_DIR, or let "
                        "kubelint render the chart: kubelint helm CHART_DIR"
                    )
            elif cause == "origin":
                base = self.shown(self.chart_root) if self.chart_root is not None else "the current directory"
                example = next((p for p in self._origins if "/" in p), self._origins[0])
                built = [self.shown(path) for path in self._built_from()]
                hint = f" (here: {', '.join(built[:3])})" if built else ""
                out.append(
                    f"{stay}: its kustomize origin paths (such as {example}) are not files relative to {base}; "
                    f"pass --chart-root with the kustomization directory that was built{hint}, or run "
                    "kubelint kustomize DIR"
                )
            else:
                out.append(
                    f"{stay}: it has no `config.kubernetes.io/origin` annotations, so kustomize output cannot be "
                    "traced to its files; run kubelint kustomize DIR instead, or add "
                    "`buildMetadata: [originAnnotations]` to the kustomization and pass --chart-root DIR"
                )
        return out


def _keys_sorted(docs: Iterable[Document], budget: int = 2000) -> bool:
    """Whether every mapping of `docs` (up to `budget` of them) has its keys in sorted order, and
    at least three have two keys or more: how kustomize writes its output."""
    seen = 0
    pending: list[object] = [doc.data for doc in docs]
    while pending and budget > 0:
        value = pending.pop()
        if isinstance(value, Mapping):
            budget -= 1
            keys = [str(key) for key in value]
            if keys != sorted(keys):
                return False
            seen += len(keys) > 1
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return seen >= 3


def _describe(rendered: Outline, target: int) -> str:
    """`privileged`, or `the list item named log-shipper` when the span is an item's first key."""
    node = rendered.nodes[target]
    parent = rendered.nodes[node.parent] if node.parent >= 0 else None
    if parent is not None and parent.key is None and (parent.line == node.line or node.key == "name"):
        name = rendered.item_name(node.parent)
        if name is not None:
            return f"the list item named `{name}`"
    return f"`{node.key}`" if node.key is not None else f"list item `{node.value}`"


def _same_object(declared: str | None, rendered: str) -> bool:
    """Whether a patch's `metadata.name` names the rendered object (kustomize adds prefixes
    and suffixes joined with `-`)."""
    if not declared or "{{" in declared:
        return False
    declared = _unquote(declared)
    return rendered == declared or f"-{rendered}-".find(f"-{declared}-") >= 0


def _compatible(source_kind: str | None, rendered_kind: str | None) -> bool:
    if source_kind is None or rendered_kind is None or "{{" in source_kind:
        return True
    return _unquote(source_kind) == rendered_kind


def needs_mapping(findings: Sequence[Finding], documents: Sequence[Document]) -> bool:
    if any(f.helm_source for f in findings):
        return True
    return any(isinstance(d.annotations().get(ORIGIN_ANNOTATION), str) for d in documents if d.is_target)


def map_rendered(
    findings: Sequence[Finding],
    documents: Sequence[Document],
    texts: Mapping[str, bytes | str] | None = None,
    *,
    chart_root: Path | None = None,
    cwd: Path,
    tree: Tree | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    piped: Collection[str] = (),
    notes: list[str] | None = None,
) -> list[Finding]:
    """Findings with Helm/kustomize documents moved to their source files (see module doc).

    `texts` holds the rendered streams by file name (the loader's `Source.display`); without a
    stream's text its findings still move to the right file, at line 1 marked approximate.
    `chart_root` is the chart directory (`--chart-root`) or, for kustomize output, the
    kustomization directory the origin paths are relative to; both default to detection from `cwd`.
    Only files in `tree` are read (docs/security.md) [default: `cwd`, its repository and
    `chart_root`], at most `max_bytes` of each: a path that leaves it keeps the finding where
    it was found.

    `piped` names the streams read from stdin. When findings stay on a rendered stream for a
    reason the user can fix (an ambiguous or missing chart, kustomize output without usable
    origins), one line per cause saying why and what to do is appended to `notes`.
    """
    if not findings:
        return list(findings)
    if not needs_mapping(findings, documents):
        if notes is not None and (piped or chart_root is not None):
            if tree is None:
                tree = Tree.for_run(cwd, [chart_root])
            idle = _Mapper(documents, texts or {}, chart_root, cwd, tree, max_bytes, piped)
            for file in dict.fromkeys(f.file for f in findings):
                if idle.looks_kustomized(file):
                    idle.note("no-origin", "", file)
            notes.extend(idle.notes())
        return list(findings)
    if tree is None:
        tree = Tree.for_run(cwd, [chart_root])
    mapper = _Mapper(documents, texts or {}, chart_root, cwd, tree, max_bytes, piped)
    mapped = [mapper.map(finding) for finding in findings]
    if notes is not None:
        notes.extend(mapper.notes())
    if all(after is before for after, before in zip(mapped, findings, strict=True)):
        return mapped  # nothing moved: as given, as when nothing needs mapping (no re-sort)
    return finalize(mapped)
