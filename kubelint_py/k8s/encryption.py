"""EncryptionConfiguration (apiserver.config.k8s.io/v1) model for the §7.3 rules.

Pure functions over plain data. Key material is only ever decoded to measure its length;
nothing here returns or formats it.

Which entry encrypts a resource follows kube-apiserver
(k8s.io/apiserver/pkg/server/options/encryptionconfig): an exact `resource.group` entry wins
over a group wildcard `*.group`, which wins over `*.*`; among entries naming the same
resource the first one wins. Within an entry the first provider encrypts new writes.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import NamedTuple

from kubelint_py.model import FieldPath, mapping_items

KEY_PROVIDERS: Mapping[str, tuple[int, ...]] = {"aescbc": (16, 24, 32), "aesgcm": (16, 24, 32), "secretbox": (32,)}
PROVIDER_TYPES = frozenset(("identity", "aescbc", "aesgcm", "secretbox", "kms"))
_PLACEHOLDER = re.compile(r"^(<.*>|\$\{.*\}|\{\{.*\}\})$", re.DOTALL)


class Provider(NamedTuple):
    type: str  # identity, aescbc, aesgcm, secretbox, kms (or an unknown key as written)
    config: Mapping[str, object]
    path: FieldPath  # of the provider item (providers[n])


class ResourceEntry(NamedTuple):
    resources: tuple[str, ...]
    providers: tuple[Provider, ...]
    path: FieldPath  # of resources[n]

    @property
    def first(self) -> Provider | None:
        return self.providers[0] if self.providers else None


class Key(NamedTuple):
    name: str | None
    secret: object
    path: FieldPath  # of keys[n]


def parse(data: Mapping[str, object]) -> list[ResourceEntry]:
    entries: list[ResourceEntry] = []
    for number, entry in mapping_items(data, "resources"):
        path: FieldPath = ("resources", number)
        names = entry.get("resources")
        resources = tuple(r.strip() for r in names if isinstance(r, str)) if isinstance(names, list) else ()
        providers: list[Provider] = []
        for pnum, item in mapping_items(entry, "providers"):
            if not item:
                continue
            kind = next(iter(item))
            config = item.get(kind)
            providers.append(
                Provider(str(kind), config if isinstance(config, Mapping) else {}, (*path, "providers", pnum))
            )
        entries.append(ResourceEntry(resources, tuple(providers), path))
    return entries


def _names(entry: ResourceEntry) -> set[str]:
    """Resource names normalised to `resource.group` (core: `secrets.`, as ParseGroupResource reads it)."""
    found: set[str] = set()
    for name in entry.resources:
        found.add(name if "." in name else name + ".")
    return found


def effective_entry(entries: list[ResourceEntry], resource: str, group: str = "") -> ResourceEntry | None:
    """The entry whose providers encrypt `resource` in `group`, as kube-apiserver picks it."""
    for wanted in (f"{resource}.{group}", f"*.{group}", "*.*"):
        for entry in entries:
            if wanted in _names(entry):
                return entry
    return None


def covers_secrets(entry: ResourceEntry) -> bool:
    names = _names(entry)
    return bool(names & {"secrets.", "*.", "*.*"})


def keys(provider: Provider) -> list[Key]:
    return [
        Key(
            name if isinstance(name := item.get("name"), str) else None,
            item.get("secret"),
            (*provider.path, provider.type, "keys", number),
        )
        for number, item in mapping_items(provider.config, "keys")
    ]


def is_placeholder(secret: object) -> bool:
    """`<...>`, `${...}` or `{{ ... }}`: a template slot, not key material."""
    return isinstance(secret, str) and bool(_PLACEHOLDER.match(secret.strip()))


def decoded_length(secret: object) -> int | None:
    """Length in bytes of the standard-base64 `secret` (Go's StdEncoding: padding required,
    CR/LF ignored); None when it is not a string or not valid base64."""
    if not isinstance(secret, str):
        return None
    text = secret.replace("\r", "").replace("\n", "")
    if not text:
        return None
    try:
        return len(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        return None
