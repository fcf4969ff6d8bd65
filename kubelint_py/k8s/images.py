"""Container image references: registry, repository, tag and digest (rule-catalog §0.6, §9.3).

`parse_image("ghcr.io/acme/api:1.2@sha256:...")` ->
`ImageRef(registry="ghcr.io", repository="acme/api", tag="1.2", digest="sha256:...")`.

The registry is the first path segment when it contains `.` or `:` or equals `localhost`,
otherwise `docker.io` (the catalog's rule, which is the container runtimes' rule). The tag
is what follows the last `:` after the last `/` (so `localhost:5000/app` has no tag); the
digest is what follows `@`. Parts are returned as written: no lower-casing and no
`library/` prefix, which `normalized_registry()` and `ImageRef.canonical_repository`
provide for comparisons.

Pure functions, no I/O.
"""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_REGISTRY = "docker.io"
# Host names that all mean Docker Hub.
DOCKER_HUB_ALIASES = frozenset(("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"))


class ImageRef(NamedTuple):
    registry: str  # "docker.io" when the reference names none
    repository: str  # path inside the registry, as written ("nginx", "acme/api")
    tag: str | None  # None when absent
    digest: str | None  # "sha256:..." or None

    @property
    def name(self) -> str:
        """`registry/repository`, the registry always spelled out."""
        return f"{self.registry}/{self.repository}"

    @property
    def canonical_repository(self) -> str:
        """The repository as Docker Hub resolves it: one-segment names get `library/`."""
        if normalized_registry(self.registry) == DEFAULT_REGISTRY and "/" not in self.repository:
            return f"library/{self.repository}"
        return self.repository

    @property
    def is_digest_pinned(self) -> bool:
        return bool(self.digest)

    def __str__(self) -> str:
        text = self.name
        if self.tag is not None:
            text += f":{self.tag}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text


def is_registry_segment(segment: str) -> bool:
    """True when the first path segment of a reference names a registry host."""
    return "." in segment or ":" in segment or segment == "localhost"


def parse_image(ref: object) -> ImageRef | None:
    """Split an image reference; None when `ref` is not a usable reference (not a string,
    empty, containing whitespace, or with an empty repository)."""
    if not isinstance(ref, str) or not ref or any(ch.isspace() for ch in ref):
        return None
    name, at, digest = ref.partition("@")
    if at and not digest:
        return None
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag: str | None = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    first, sep, rest = name.partition("/")
    if sep and is_registry_segment(first):
        registry, repository = first, rest
    else:
        registry, repository = DEFAULT_REGISTRY, name
    if not repository or not registry or repository.startswith("/") or repository.endswith("/") or "//" in repository:
        return None
    return ImageRef(registry, repository, tag, digest if at else None)


def normalized_registry(registry: str) -> str:
    """Lower-cased, with Docker Hub's aliases folded into `docker.io` (for comparisons)."""
    lowered = registry.lower()
    return DEFAULT_REGISTRY if lowered in DOCKER_HUB_ALIASES else lowered


def split_host_port(registry: str) -> tuple[str, str | None]:
    """`host:5000` -> ("host", "5000"); `[::1]:5000` -> ("[::1]", "5000")."""
    if registry.startswith("["):
        end = registry.find("]")
        if end != -1:
            rest = registry[end + 1 :]
            return registry[: end + 1], rest[1:] if rest.startswith(":") else None
        return registry, None
    host, sep, port = registry.rpartition(":")
    return (host, port) if sep else (registry, None)


__all__ = [
    "DEFAULT_REGISTRY",
    "DOCKER_HUB_ALIASES",
    "ImageRef",
    "is_registry_segment",
    "normalized_registry",
    "parse_image",
    "split_host_port",
]
