"""Deprecated and removed Kubernetes API versions (rule-catalog §3.1).

The facts live in a versioned data file shipped in the wheel
(`kubelint_py/data/deprecated_apis.json`, schema `schemas/deprecated-apis.schema.json`) so that
they can be refreshed without touching code. The file is read once per process: it is
immutable package data. Rows are matched on the exact `(apiVersion, kind)` pair, so the odd
`FlowControl` row of the source data is inert; duplicate rows are de-duplicated (first wins).
"""

from __future__ import annotations

import json
import pkgutil
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

DATA_FILE = "deprecated_apis.json"
SCHEMA_VERSION = 1

Release = tuple[int, int]

_RELEASE_RE = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.\d+)?\s*$")
KUBERNETES_COMPONENTS = frozenset(("k8s", "kubernetes"))


class ApiEntry(NamedTuple):
    api_version: str
    kind: str
    deprecated_in: Release | None
    removed_in: Release | None
    replacement: str | None
    replacement_available_in: Release | None
    component: str = "k8s"

    def is_removed_at(self, target: Release) -> bool:
        return self.removed_in is not None and self.removed_in <= target

    def is_deprecated_at(self, target: Release) -> bool:
        """Deprecated at `target` and still served there (not yet removed)."""
        return self.deprecated_in is not None and self.deprecated_in <= target and not self.is_removed_at(target)

    def replacement_unavailable_at(self, target: Release) -> bool:
        return self.replacement_available_in is not None and self.replacement_available_in > target


class ApiTable(NamedTuple):
    schema_version: int
    component: str
    entries: Mapping[tuple[str, str], ApiEntry]
    newest: Release


def parse_release(text: object) -> Release | None:
    """`1.29`, `v1.29`, `1.29.3`, `v1.29.0` -> (1, 29); anything else -> None."""
    if not isinstance(text, str):
        return None
    match = _RELEASE_RE.match(text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


def format_release(release: Release) -> str:
    return f"v{release[0]}.{release[1]}"


def _entry(row: Mapping[str, Any], component: str) -> ApiEntry:
    return ApiEntry(
        api_version=str(row["apiVersion"]),
        kind=str(row["kind"]),
        deprecated_in=parse_release(row.get("deprecatedIn")),
        removed_in=parse_release(row.get("removedIn")),
        replacement=row.get("replacementApiVersion") if isinstance(row.get("replacementApiVersion"), str) else None,
        replacement_available_in=parse_release(row.get("replacementAvailableIn")),
        component=str(row.get("component", component)),
    )


def build_table(data: Mapping[str, Any]) -> ApiTable:
    """The lookup table of a data file's content (de-duplicated on `(apiVersion, kind)`)."""
    version = data.get("schemaVersion")
    if version != SCHEMA_VERSION:
        raise ValueError(f"{DATA_FILE}: unsupported schemaVersion {version!r} (expected {SCHEMA_VERSION})")
    component = str(data.get("component", "k8s"))
    entries: dict[tuple[str, str], ApiEntry] = {}
    releases: list[Release] = []
    for row in data.get("apis", ()):
        entry = _entry(row, component)
        entries.setdefault((entry.api_version, entry.kind), entry)
        releases += [r for r in (entry.deprecated_in, entry.removed_in, entry.replacement_available_in) if r]
    return ApiTable(int(version), component, entries, max(releases, default=(1, 0)))


def load_raw() -> dict[str, Any]:
    # pkgutil reads through the package's loader (zip-safe) like importlib.resources, whose
    # import costs ~8 ms of a pre-commit run (it pulls in tempfile, shutil, zipfile, lzma)
    data = pkgutil.get_data("kubelint_py", f"data/{DATA_FILE}")
    if data is None:
        raise FileNotFoundError(f"kubelint_py/data/{DATA_FILE}")
    loaded: dict[str, Any] = json.loads(data.decode("utf-8"))
    return loaded


@lru_cache(maxsize=1)
def api_table() -> ApiTable:
    """The shipped table, read once per process."""
    return build_table(load_raw())


def lookup(api_version: str, kind: str) -> ApiEntry | None:
    return api_table().entries.get((api_version, kind))


def newest_release() -> Release:
    return api_table().newest


def target_release(setting: object) -> Release:
    """The Kubernetes release of `targetVersion`: `1.29`, `v1.29.0`, or a component list such as
    `k8s=v1.29,cert-manager=v1.6.0` (only the Kubernetes entry counts here). Absent or not
    understood: the newest release in the table."""
    if isinstance(setting, str):
        for part in setting.split(","):
            component, sep, value = part.partition("=")
            if not sep:
                value, component = component, "k8s"
            if component.strip().lower() in KUBERNETES_COMPONENTS:
                parsed = parse_release(value)
                if parsed is not None:
                    return parsed
    return newest_release()
