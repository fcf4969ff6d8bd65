"""The Kubernetes API schemas shipped in the wheel (`kubelint_py/data/k8s-schemas.jsonl.zlib`).

`scripts/build_schema_bundle.py` writes the file from the strict JSON schemas of every release
from 1.25 on (the `kubernetes-validate` distribution, a development dependency only): the
definitions stripped to what validation reads, each distinct one stored once, and per release
a map from definition names to them; its docstring describes the format.

Reading is lazy, because a one-file pre-commit run needs a hundred-odd definitions of one
release: the file is decompressed and its header parsed once per process (about 4 ms), a
release's name index is built when the release is first asked for, and a definition is parsed
from its line when the compiler first reaches it. Everything here is immutable package data;
the caches are `functools.lru_cache` and memo dicts of values that never change.
"""

from __future__ import annotations

import json
import pkgutil
import zlib
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

__all__ = ["DATA_FILE", "SchemaBundle", "schema_bundle"]

DATA_FILE = "k8s-schemas.jsonl.zlib"
FORMAT = 1

Release = tuple[int, int]


class _Definitions(Mapping[str, Mapping[str, Any]]):
    """One release's definitions by name, each parsed from its line on first access."""

    __slots__ = ("_bundle", "_ids")

    def __init__(self, bundle: SchemaBundle, ids: Mapping[str, int]) -> None:
        self._bundle = bundle
        self._ids = ids

    def __getitem__(self, name: str) -> Mapping[str, Any]:
        return self._bundle.definition(self._ids[name])

    def __contains__(self, name: object) -> bool:
        return name in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class SchemaBundle:
    """The releases the bundle covers, their definitions and the kinds they serve."""

    def __init__(self, data: bytes) -> None:
        head, _, rest = zlib.decompress(data).partition(b"\n")
        header = json.loads(head)
        if header.get("format") != FORMAT:
            raise ValueError(f"{DATA_FILE}: format {header.get('format')!r}, expected {FORMAT}")
        self._lines = rest.split(b"\n")
        self._runs: Mapping[str, list[int]] = header["definitions"]
        self._served: Mapping[str, list[list[str]]] = header["kinds"]
        self._parsed: dict[int, Mapping[str, Any]] = {}
        self._names: dict[Release, dict[str, int]] = {}
        self._kinds: dict[Release, Mapping[tuple[str, str], str]] = {}
        self._groups: frozenset[str] | None = None
        self.source = f"{header['source']['distribution']} {header['source']['version']}"
        self.releases: tuple[Release, ...] = tuple(_release(text) for text in header["releases"])

    def span(self) -> str:
        (first_major, first_minor), (last_major, last_minor) = self.releases[0], self.releases[-1]
        return f"v{first_major}.{first_minor}–v{last_major}.{last_minor}"

    def nearest(self, release: Release) -> Release:
        """`release` when covered, else the closest covered one (the oldest for older
        releases, the newest for newer ones, the next older within the span)."""
        if release in self.releases:
            return release
        older = [r for r in self.releases if r < release]
        return older[-1] if older else self.releases[0]

    def definition(self, content_id: int) -> Mapping[str, Any]:
        """One stored definition (read-only by contract: it is shared)."""
        found = self._parsed.get(content_id)
        if found is None:
            found = json.loads(self._lines[content_id])
            self._parsed[content_id] = found
        return found

    def definitions(self, release: Release) -> Mapping[str, Mapping[str, Any]]:
        """Definition name -> schema, for a covered release."""
        return _Definitions(self, self._ids(release))

    def kinds(self, release: Release) -> Mapping[tuple[str, str], str]:
        """`(apiVersion, kind)` -> definition name, for every kind the release serves."""
        found = self._kinds.get(release)
        if found is None:
            index: dict[tuple[str, str], str] = {}
            for name, content_id in self._ids(release).items():
                for api_version, kind in self._served.get(str(content_id), ()):
                    index.setdefault((api_version, kind), name)
            found = self._kinds[release] = index
        return found

    def groups(self) -> frozenset[str]:
        """The API groups that any covered release serves ("" is the core group)."""
        if self._groups is None:
            groups = {""}
            for pairs in self._served.values():
                groups.update(api_version.rpartition("/")[0] for api_version, _kind in pairs)
            self._groups = frozenset(groups)
        return self._groups

    def _ids(self, release: Release) -> dict[str, int]:
        found = self._names.get(release)
        if found is None:
            position = self.releases.index(release)
            found = self._names[release] = {
                name: content_id for name, runs in self._runs.items() if (content_id := _at(runs, position)) >= 0
            }
        return found


def _at(runs: list[int], position: int) -> int:
    """The id that flat runs `[release index, id, ...]` give at a release index (-1: absent)."""
    found = -1
    for index in range(0, len(runs), 2):
        if runs[index] > position:
            break
        found = runs[index + 1]
    return found


def _release(text: str) -> Release:
    major, _, minor = text.partition(".")
    return int(major), int(minor)


@lru_cache(maxsize=1)
def schema_bundle() -> SchemaBundle:
    """The bundle of this installation, read once per process."""
    data = pkgutil.get_data("kubelint_py", f"data/{DATA_FILE}")
    if data is None:  # pragma: no cover - a loader without get_data
        raise FileNotFoundError(f"kubelint_py/data/{DATA_FILE}")
    return SchemaBundle(data)
