"""Schema locations (`--schema-location DIR`, configuration `schemaLocations`): the schemas of
custom resources whose CRD is not in the input, read offline from folders the user keeps.

A folder may hold JSON schemas in the layout of the community CRD catalog that kubeconform
users keep (`<group>/<kind in lower case>_<version>.json`, see `kubelint_py.k8s.crd_catalog`)
and CRD manifests (`*.yaml`, `*.yml`, anywhere below it). Only what the run's custom resources
need is read, so a run without custom resources costs nothing: for each (group, kind,
version) of a target custom resource whose CRD is not in the input, the first folder holding
its catalog file gives the schema; for the kinds still without one, the CRD files of the
folders that mention the kind and its group (a byte search, before any parsing) are loaded
as context, so the schema rules find them as they find CRDs of the input.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from json import JSONDecodeError, loads
from pathlib import Path
from typing import NamedTuple

from kubelint_py.k8s.crd_catalog import LocatedSchema, catalog_path
from kubelint_py.k8s.schema_bundle import schema_bundle
from kubelint_py.model import DocType, Document, Source

__all__ = ["Located", "locate", "missing_folders"]

_CRD_SUFFIXES = (".yaml", ".yml")

Wanted = tuple[str, str, str]  # group, kind, version


class Located(NamedTuple):
    schemas: dict[Wanted, LocatedSchema]
    sources: list[Source]  # CRD files to load as context


def missing_folders(folders: Iterable[Path]) -> list[str]:
    """The folders that are not directories (the caller reports them)."""
    return [str(folder) for folder in folders if not folder.is_dir()]


def locate(folders: Sequence[Path], documents: Sequence[Document], *, cwd: Path, max_bytes: int) -> Located:
    """The catalog schemas and CRD files that the custom resources of `documents` need."""
    wanted = _wanted(documents)
    if not folders or not wanted:
        return Located({}, [])
    schemas: dict[Wanted, LocatedSchema] = {}
    for key in sorted(wanted):
        found = _catalog_schema(folders, key, cwd, max_bytes)
        if found is not None:
            schemas[key] = found
    kinds = {(group, kind) for group, kind, _version in wanted} - {(g, k) for g, k, _v in schemas}
    sources = list(_crd_sources(folders, kinds, cwd, max_bytes)) if kinds else []
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


def _catalog_schema(folders: Sequence[Path], key: Wanted, cwd: Path, max_bytes: int) -> LocatedSchema | None:
    relative = catalog_path(*key)
    if relative is None:
        return None
    for folder in folders:
        path = folder / relative
        raw = _read(path, max_bytes)
        if raw is None:
            continue
        try:
            schema = loads(raw)
        except (JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(schema, Mapping):
            return LocatedSchema(schema, _display(path, cwd))
    return None


def _crd_sources(folders: Sequence[Path], kinds: set[tuple[str, str]], cwd: Path, max_bytes: int) -> Iterator[Source]:
    needles = [(group.encode(), kind.encode()) for group, kind in sorted(kinds)]
    seen: set[Path] = set()
    for folder in folders:
        for path in _yaml_files(folder):
            if path in seen:
                continue
            seen.add(path)
            raw = _read(path, max_bytes)
            if raw is None or b"CustomResourceDefinition" not in raw:
                continue
            if any(group in raw and kind in raw for group, kind in needles):
                yield Source(_display(path, cwd), raw, is_target=False)


def _yaml_files(folder: Path) -> Iterator[Path]:
    """YAML files below `folder` in a stable order; hidden folders and links to folders are skipped."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(_CRD_SUFFIXES) and not name.startswith("."):
                yield Path(root) / name


def _read(path: Path, max_bytes: int) -> bytes | None:
    """A regular file's bytes, or None (missing, not a regular file, over the size limit)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except (OSError, ValueError):
        return None
    return data if len(data) <= max_bytes else None


def _display(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
