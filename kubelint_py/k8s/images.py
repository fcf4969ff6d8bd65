"""Container image references: registry, repository, tag and digest (rule-catalog §0.6, §9.3).

`parse_image("ghcr.io/acme/api:1.2@sha256:...")` ->
`ImageRef(registry="ghcr.io", repository="acme/api", tag="1.2", digest="sha256:...")`.

The registry is the first path segment when it contains `.` or `:` or equals `localhost`,
otherwise `docker.io` (the catalog's rule, which is the container runtimes' rule). The tag
is what follows the last `:` after the last `/` (so `localhost:5000/app` has no tag); the
digest is what follows `@`. Parts are returned as written: no lower-casing and no
`library/` prefix, which `normalized_registry()` and `ImageRef.canonical_repository`
provide for comparisons.

Not every `image:` names an image to pull. `placeholder_image_reason()` recognises
documentation and templating placeholders (`<image_url>`, `<YOUR-CONTAINER>`, `${IMAGE}`,
`{{ .Values.image }}`, `REPLACE_ME`, `IMAGE`): anything with templating syntax or that the
reference grammar rejects (repository paths are lower case, so an all-caps word is a
placeholder). `is_injected_container()` recognises Istio's `image: auto`, the container of a
gateway-injection template whose image (and security context, resources and probes) the
injector writes at pod creation. `checked_image()` is the one question image rules ask.

Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple, cast

from kubelint_py.k8s.workloads import ContainerRef, pod_spec_path
from kubelint_py.model import Document, get_path

DEFAULT_REGISTRY = "docker.io"
# Host names that all mean Docker Hub.
DOCKER_HUB_ALIASES = frozenset(("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"))


_WHITESPACE = re.compile(r"\s")


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
    if not isinstance(ref, str) or not ref or _WHITESPACE.search(ref) is not None:
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


# -- placeholders and injected images ---------------------------------------------------------

# Templating syntax anywhere in the reference: <...>, {{ }}, ${ }, $( ), $VAR, %VAR%, __VAR__.
_TEMPLATING_RE = re.compile(r"[<>]|\{\{|\}\}|\$[({A-Za-z_]|%[A-Za-z_]\w*%|__[A-Za-z0-9_]+__")
# The distribution reference grammar (github.com/distribution/reference): path components are
# lower case; tags are word characters, `.` and `-`, at most 128.
_PATH_COMPONENT_RE = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG_RE = re.compile(r"\w[\w.-]{0,127}")
_DIGEST_RE = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}")

ISTIO_AUTO_IMAGE = "auto"
ISTIO_PROXY_CONTAINER = "istio-proxy"
# Pod template labels/annotations that ask Istio's injector for a template (sidecar or gateway).
ISTIO_INJECT = "sidecar.istio.io/inject"
ISTIO_TEMPLATE_MARKERS = ("inject.istio.io/templates", "istio.io/rev")


def placeholder_image_reason(image: object) -> str | None:
    """Why `image` is a placeholder rather than an image to pull ("templating syntax", "not a
    valid image reference"), or None. An absent or empty image is not a placeholder: the API
    leaves it to the tool that fills it (kustomize `images:`), and rules skip it anyway."""
    if not isinstance(image, str) or not image.strip():
        return None
    text = image.strip()
    if _TEMPLATING_RE.search(text):
        return "templating syntax"
    if not _valid_reference(text):
        return "not a valid image reference"
    return None


def _valid_reference(text: str) -> bool:
    ref = parse_image(text)
    if ref is None:
        return False
    if ref.tag is not None and not _TAG_RE.fullmatch(ref.tag):
        return False
    if ref.digest is not None and not _DIGEST_RE.fullmatch(ref.digest):
        return False
    return all(_PATH_COMPONENT_RE.fullmatch(part) for part in ref.repository.split("/"))


def _template_metadata(doc: Document, field: str) -> Mapping[str, object]:
    spec = pod_spec_path(doc)
    if spec is None:
        return {}
    path = ("metadata", field) if doc.kind == "Pod" else (*spec[:-1], "metadata", field)
    found = get_path(doc.data, path)
    return found if isinstance(found, Mapping) else {}


def is_injected_container(doc: Document, container: ContainerRef) -> bool:
    """Istio's `image: auto`: a container the injector completes when the pod is created.

    Istio's gateway deployments (its `gateway` Helm chart, the documented manual install) carry
    a container `istio-proxy` with `image: auto` and the pod template asks for injection
    (`sidecar.istio.io/inject: "true"`, `inject.istio.io/templates`, `istio.io/rev`). The
    injector renders its template (image, `securityContext` with `runAsNonRoot`, `drop: [ALL]`,
    `readOnlyRootFilesystem`, `allowPrivilegeEscalation: false`, resources, readiness probe)
    and merges the written container over it, so what is written still wins; `auto` itself is
    no image (Docker Hub has no `library/auto`). `sidecar.istio.io/inject: "false"` turns
    injection off, and then `auto` is just a broken image."""
    if container.data.get("image") != ISTIO_AUTO_IMAGE:
        return False
    labels = _template_metadata(doc, "labels")
    annotations = _template_metadata(doc, "annotations")
    inject = labels.get(ISTIO_INJECT, annotations.get(ISTIO_INJECT))
    if inject is not None and str(inject).strip().lower() in ("false", "no", "0", "disabled"):
        return False
    if container.name == ISTIO_PROXY_CONTAINER or inject is not None:
        return True
    return any(key in labels or key in annotations for key in ISTIO_TEMPLATE_MARKERS)


def checked_image(doc: Document, container: ContainerRef) -> ImageRef | None:
    """The image a rule about images should judge: the parsed reference, or None when the
    container has no usable image, a placeholder, or an image an injector writes in."""
    image = container.data.get("image")
    if not isinstance(image, str) or is_injected_container(doc, container):
        return None
    verdict = _CHECKED.get(image, _UNSEEN)
    if verdict is _UNSEEN:
        verdict = None if placeholder_image_reason(image) is not None else parse_image(image)
        if len(_CHECKED) >= _MAX_CHECKED:
            _CHECKED.clear()
        _CHECKED[image] = verdict
    return cast("ImageRef | None", verdict)


# Verdicts by reference: the same few images recur in every workload of a run (bounded, as
# the cache lives as long as the process).
_CHECKED: dict[str, object] = {}
_UNSEEN = object()
_MAX_CHECKED = 4096


__all__ = [
    "DEFAULT_REGISTRY",
    "DOCKER_HUB_ALIASES",
    "ISTIO_AUTO_IMAGE",
    "ImageRef",
    "checked_image",
    "is_injected_container",
    "is_registry_segment",
    "normalized_registry",
    "parse_image",
    "placeholder_image_reason",
    "split_host_port",
]
