"""Schema locations (`--schema-location DIR`, configuration `schemaLocations`): the schemas of
custom resources whose CRD is not in the input, read offline from folders the user keeps.

A folder may hold JSON schemas in the layout of the community CRD catalog that kubeconform
users keep (`<group>/<kind in lower case>_<version>.json`, see `kubelint_py.k8s.crd_catalog`)
and CRD manifests (`*.yaml`, `*.yml`, anywhere below it). Only what the run's custom resources
need is read, so a run without custom resources costs nothing: for each (group, kind,
version) of a target custom resource whose CRD is not in the input, the first folder holding
its catalog file gives the schema; for the kinds still without one, the CRD files of the
folders that mention the kind and its group (a byte search, before any parsing) are loaded
as context, so the schema rules find them as they find CRDs of the input. Files are read as
every file the tree names is (`confine.read_regular`: regular files within the size limit),
and a link that leads out of the tree (docs/security.md) is not followed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from json import JSONDecodeError, loads
from pathlib import Path
from typing import NamedTuple

from kubelint_py.input.confine import Tree, read_regular
from kubelint_py.k8s.crd_catalog import SETTING as CATALOG_SETTING
from kubelint_py.k8s.crd_catalog import LocatedSchema, catalog_path
from kubelint_py.k8s.schema_bundle import schema_bundle
from kubelint_py.model import DocType, Document, Source

__all__ = ["CATALOG_SETTING", "Located", "locate", "missing_folders"]

_CRD_SUFFIXES = (".yaml", ".yml")

Wanted = tuple[str, str, str]  # group, kind, version


class Located(NamedTuple):
    schemas: dict[Wanted, LocatedSchema]
    sources: list[Source]  # CRD files to load as context


def missing_folders(folders: Iterable[Path]) -> list[str]:
    """The folders that are not directories (the caller reports them)."""
    return [str(folder) for folder in folders if not folder.is_dir()]


class _Reader:
    """Bounded reads of files inside the tree; `display` as the run shows paths."""

    def __init__(self, cwd: Path, max_bytes: int, tree: Tree | None) -> None:
        self.cwd = cwd
        self.max_bytes = max_bytes
        self.tree = tree

    def read(self, path: Path) -> bytes | None:
        """A regular file's bytes, or None (missing, out of the tree, not regular, too large)."""
        if self.tree is not None and not self.tree.contains(path):
            return None
        try:
            return read_regular(path, self.max_bytes)
        except (OSError, ValueError):
            return None

    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.cwd.resolve()).as_posix()
        except (OSError, ValueError):
            return path.as_posix()


def locate(
    folders: Sequence[Path], documents: Sequence[Document], *, cwd: Path, max_bytes: int, tree: Tree | None = None
) -> Located:
    """The catalog schemas and CRD files that the custom resources of `documents` need. `tree`:
    where files may be read from (a link out of it is not followed)."""
    wanted = _wanted(documents)
    if not folders or not wanted:
        return Located({}, [])
    reader = _Reader(cwd, max_bytes, tree)
    schemas: dict[Wanted, LocatedSchema] = {}
    for key in sorted(wanted):
        found = _catalog_schema(folders, key, reader)
        if found is not None:
            schemas[key] = found
    kinds = {(group, kind) for group, kind, _version in wanted} - {(g, k) for g, k, _v in schemas}
    sources = list(_crd_sources(folders, kinds, reader)) if kinds else []
    return Located(schemas, sources)


def _wanted(documents: Sequence[Document]) -> set[Wanted]:
    """(group, kind, version) of the target custom resources whose CRD is not among `documents`."""
    builtin = schema_bundle().groups() | {"extensions"}
    defined: set[tuple[object, object]] = set()
    wanted: set[Wanted] = set()
    for doc in documents:
        if doc.kind == "CustomResourceDefinition" and doc.group == "apiextensions.k8s.io":
            defined.add((doc.value("spec", "group"), doc.value("spec", "names", "kind")))
        elif doc.is_target and doc.doc_type is DocType.K8S_OBJECT and doc.kind and "/" in doc.api_version:
            group, _, version = doc.api_version.rpartition("/")
            if group not in builtin:
                wanted.add((group, doc.kind, version))
    return {key for key in wanted if (key[0], key[1]) not in defined}


def _catalog_schema(folders: Sequence[Path], key: Wanted, reader: _Reader) -> LocatedSchema | None:
    relative = catalog_path(*key)
    if relative is None:
        return None
    for folder in folders:
        path = folder / relative
        raw = reader.read(path) if path.is_file() else None
        if raw is None:
            continue
        try:
            schema = loads(raw)
        except (JSONDecodeError, UnicodeDecodeError, RecursionError):
            continue
        if isinstance(schema, Mapping):
            return LocatedSchema(schema, reader.display(path))
    return None


def _crd_sources(folders: Sequence[Path], kinds: set[tuple[str, str]], reader: _Reader) -> Iterator[Source]:
    needles = [(group.encode(), kind.encode()) for group, kind in sorted(kinds)]
    seen: set[Path] = set()
    for folder in folders:
        for path in _yaml_files(folder):
            if path in seen:
                continue
            seen.add(path)
            raw = reader.read(path)
            if raw is None or b"CustomResourceDefinition" not in raw:
                continue
            if any(group in raw and kind in raw for group, kind in needles):
                yield Source(reader.display(path), raw, is_target=False)


def _yaml_files(folder: Path) -> Iterator[Path]:
    """YAML files below `folder` in a stable order; hidden folders and links to folders are skipped."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(_CRD_SUFFIXES) and not name.startswith("."):
                yield Path(root) / name
