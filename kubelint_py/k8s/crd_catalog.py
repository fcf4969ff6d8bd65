"""Schemas of custom resources kept on disk: the layout of the community CRD catalog.

kubeconform users keep the JSON schemas of their custom resources in folders laid out as
`<group>/<kind in lower case>_<version>.json` (the datreeio CRDs-catalog, kubeconform's
`{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`): each file is a CRD version's
`openAPIV3Schema`, converted by kubeconform's `openapi2jsonschema.py` (which adds
`additionalProperties: false` to objects with properties and turns `format: int-or-string`
into a `oneOf`). `--schema-location DIR` / `schemaLocations` name such folders. The pipeline
reads the files that the run's custom resources need (`kubelint_py.input.schema_locations`) and
hands them to the schema rules under `SETTING`; this module only says where a schema lives
and how a found one is passed on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any, NamedTuple


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """One of the name patterns below, compiled on first use (only a schema location's files
    are checked against them)."""
    return re.compile(pattern)


__all__ = ["SETTING", "LocatedSchema", "catalog_path"]

# the settings key under which the pipeline passes the run's located schemas to the rules:
# {(group, kind, version): LocatedSchema}
SETTING = "crdCatalogSchemas"

# Names as the API server accepts them: a group is a DNS subdomain, a kind a Go identifier, a
# version a DNS label. They come from the scanned manifests, so they must never be able to
# name a file outside the folder (`..`, `/`, a drive letter).
_GROUP_RE = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_KIND_RE = r"[A-Za-z][A-Za-z0-9]*"
_VERSION_RE = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"


class LocatedSchema(NamedTuple):
    """A custom resource's schema read from a schema location."""

    schema: Mapping[str, Any]
    file: str  # as shown in messages


def catalog_path(group: str, kind: str, version: str) -> str | None:
    """`<group>/<kind lower-case>_<version>.json`, or None when a name is not one the API
    server would accept (and so could name a file elsewhere)."""
    if len(group) > 253 or len(kind) > 253 or len(version) > 63:
        return None
    if not (
        _regex(_GROUP_RE).fullmatch(group)
        and _regex(_KIND_RE).fullmatch(kind)
        and _regex(_VERSION_RE).fullmatch(version)
    ):
        return None
    return f"{group}/{kind.lower()}_{version}.json"
