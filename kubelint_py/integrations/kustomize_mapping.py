"""Kustomize: a resource's `config.kubernetes.io/origin` annotation names the file it came from
(or the generator that made it); an overlay's strategic-merge patch is the file to edit when it
sets the rendered key; and a stream without origins is told apart from plain manifests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from kubelint_py.integrations.charts import KUSTOMIZATION_FILES
from kubelint_py.integrations.mapping import APPROXIMATE, MapperBase, Target, line_one
from kubelint_py.integrations.outline import HASH_SUFFIX_RE, Node, Outline, find_line, unquote
from kubelint_py.integrations.rendered import ORIGIN_ANNOTATION
from kubelint_py.model import Document, Pos, Span

# The suffix as kustomize writes it (hex digits with 0, 1, 3, a, e swapped for g, h, k, m, t):
# narrower, for telling kustomize output from other manifests.
_KUSTOMIZE_HASH_RE = re.compile(r"-[2456789bcdfghkmt]{10}$")
HASH_IN_ITEM_RE = re.compile(r"(\[name=[^\]]*?)-[a-z0-9]{10}\]")
_GENERATOR_KEYS = {"ConfigMapGenerator": "configMapGenerator", "SecretGenerator": "secretGenerator"}
_DATA_KEYS = frozenset(("data", "stringData", "binaryData"))


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
                fields[key] = unquote(value)
        elif section:
            fields[f"{section}.{key}"] = unquote(value)
    return fields


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


def _same_object(declared: str | None, rendered: str) -> bool:
    """Whether a patch's `metadata.name` names the rendered object (kustomize adds prefixes
    and suffixes joined with `-`)."""
    if not declared or "{{" in declared:
        return False
    declared = unquote(declared)
    return rendered == declared or f"-{rendered}-".find(f"-{declared}-") >= 0


class KustomizeMapping(MapperBase):
    """Findings of `kustomize build` output moved to the resources, patches and generators."""

    def origin_of(self, doc: Document | None) -> dict[str, str] | None:
        if doc is None:
            return None
        text = doc.annotations().get(ORIGIN_ANNOTATION)
        return parse_origin(text) if isinstance(text, str) else None

    def kustomize_target(self, origin: Mapping[str, str], rendered: Outline | None, span: Span) -> Target | None:
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

    def from_patches(self, base: Path, rendered: Outline | None, span: Span) -> Target | None:
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
        hits: list[Target] = []
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
                hits.append(Target(path, where, False, differs=match.differs))
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
            kustomization = next(filter(None, (self.inside(directory, n) for n in KUSTOMIZATION_FILES)), None)
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
    ) -> Target:
        source = self.source_outline(path)
        approximate = Target(path, line_one(), True, f"{APPROXIMATE}: generator entry not found in {path.name}")
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
            return Target(path, entry_span, False)
        if data_key is None:
            if keys and keys[0] in _DATA_KEYS:
                return Target(path, entry_span, True, f"{APPROXIMATE}: the generator in {path.name}")
            return Target(path, entry_span, False)
        found = self._generator_key_line(path, name_node, data_key)
        if found is not None:
            return Target(path, found, False)
        env_hit = self._env_file_line(path, source, chosen[0][0], data_key)
        if env_hit is not None:
            return env_hit
        note = f"{APPROXIMATE}: key {data_key} comes from a file or env source of this generator"
        return Target(path, entry_span, True, note)

    def _env_file_line(self, path: Path, source: Outline, name_index: int, key: str) -> Target | None:
        """`KEY=value` in one of the generator's `envs:` files."""
        item = source.nodes[name_index].parent
        hits: list[Target] = []
        for child in source.children.get(item, ()):
            if source.nodes[child].key not in ("envs", "env"):
                continue
            values = [source.nodes[c].value for c in source.children.get(child, ())]
            inline = source.nodes[child].value
            if inline and not inline.startswith("["):
                values.append(inline)
            for value in values:
                env_file = self.inside(path.parent, unquote(value))
                text = self.read(env_file) if env_file is not None else None
                if env_file is None or text is None:
                    continue
                lines = text.split("\n")
                for number, line in enumerate(lines, start=1):
                    stripped = line.lstrip()
                    if stripped.startswith(f"{key}="):
                        column = len(line) - len(stripped) + 1
                        hits.append(Target(env_file, Span(Pos(number, column), Pos(number, column + len(key))), False))
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
                    for name in KUSTOMIZATION_FILES
                )
                or any(d.kind in ("ConfigMap", "Secret") and _KUSTOMIZE_HASH_RE.search(d.name or "") for d in docs)
                or (file in self.piped and _keys_sorted(docs) and bool(self.found_kustomizations()))
            )
            self._kustomized[file] = known
        return known
