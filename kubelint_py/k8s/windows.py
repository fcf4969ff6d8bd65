"""Windows workload helpers (rule-catalog §0.6 and §1). Pure functions, no I/O.

* Windows-looking images and the Windows Server build an image tag encodes (§0.6).
* The `node.kubernetes.io/windows-build` pins of a pod spec.
* Per-field `windowsOptions` resolution (container field, else pod field), as the kubelet
  merges them (`securitycontext.DetermineEffectiveSecurityContext`).
* Taints and tolerations with the scheduler's `ToleratesTaint` semantics.
* Mixed-cluster mode: `settings.cluster.windowsNodes`, else automatic detection over the
  whole input. The detection result is kept in the run's cache (`LintContext.cached`, never
  in module state), so a run pays for it once.

OS targeting itself (Windows-targeted / Linux-pinned) lives in `kubelint_py.k8s.ostarget`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple, Protocol

from kubelint_py.k8s.ostarget import is_linux_pinned, is_windows_targeted
from kubelint_py.k8s.workloads import ContainerRef, ContainerScope, containers, pod_spec, pod_spec_path
from kubelint_py.model import Cache, Document, FieldPath, get_path

WINDOWS_BUILD_LABEL = "node.kubernetes.io/windows-build"
DEFAULT_WINDOWS_TAINT = "os=windows:NoSchedule"
CONTAINER_ADMINISTRATOR = "ContainerAdministrator"

_WINDOWS_REPO_PREFIXES = ("mcr.microsoft.com/windows", "mcr.microsoft.com/dotnet/framework/")
_WINDOWS_TAG_MARKERS = ("servercore", "nanoserver", "windowsservercore", "ltsc2019", "ltsc2022", "ltsc2025")

BUILD_LTSC2019 = "10.0.17763"
BUILD_LTSC2022 = "10.0.20348"
BUILD_LTSC2025 = "10.0.26100"
# (pattern over the lower-cased tag, build). `1809` must stand alone as a number so that
# versions such as 11809 or dates such as 20181809 do not count.
_BUILD_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"ltsc2019"), BUILD_LTSC2019),
    (re.compile(r"(?<![0-9])1809(?![0-9])"), BUILD_LTSC2019),
    (re.compile(r"ltsc2022"), BUILD_LTSC2022),
    (re.compile(r"ltsc2025"), BUILD_LTSC2025),
)
BUILD_NAMES: Mapping[str, str] = {
    BUILD_LTSC2019: "Windows Server 2019 / 1809",
    BUILD_LTSC2022: "Windows Server 2022",
    BUILD_LTSC2025: "Windows Server 2025",
}


# -- images -----------------------------------------------------------------------------
class ImageRef(NamedTuple):
    repository: str  # registry and path, without tag or digest
    tag: str  # "" when the reference has no tag


def split_image(image: str) -> ImageRef:
    """Split `[registry[:port]/]path[:tag][@digest]` into repository and tag."""
    text = image.strip()
    text = text.split("@", 1)[0]
    slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > slash:
        return ImageRef(text[:colon], text[colon + 1 :])
    return ImageRef(text, "")


def is_windows_image(image: object) -> bool:
    """rule-catalog §0.6 "Windows-looking image"."""
    # asked of every container by the mixed-cluster detection and half a dozen rules (12,400
    # times for 2,900 images on the 10,000-document corpus): verdicts are kept by exact text,
    # bounded, as they live as long as the process
    if type(image) is str:
        verdict = _WINDOWS_IMAGES.get(image)
        if verdict is None:
            if len(_WINDOWS_IMAGES) >= _MAX_IMAGES:
                _WINDOWS_IMAGES.clear()
            verdict = _WINDOWS_IMAGES[image] = _looks_windows(image)
        return verdict
    return _looks_windows(image)


_WINDOWS_IMAGES: dict[str, bool] = {}
_MAX_IMAGES = 8192


def _looks_windows(image: object) -> bool:
    """`is_windows_image` worked out."""
    if not isinstance(image, str) or not image.strip():
        return False
    ref = split_image(image)
    repository = ref.repository.lower()
    if "/windows/" in repository or repository.startswith(_WINDOWS_REPO_PREFIXES):
        return True
    tag = ref.tag.lower()
    return any(marker in tag for marker in _WINDOWS_TAG_MARKERS)


def image_build(image: object) -> str | None:
    """The Windows build (`10.0.NNNNN`) the image tag encodes (§0.6), or None when it encodes
    none or several different ones."""
    if not isinstance(image, str):
        return None
    tag = split_image(image).tag.lower()
    if not tag:
        return None
    builds = {build for pattern, build in _BUILD_PATTERNS if pattern.search(tag)}
    return next(iter(builds)) if len(builds) == 1 else None


def normalise_build(value: str) -> str:
    """`10.0.17763.5329` -> `10.0.17763` (the node label carries major.minor.build)."""
    return ".".join(value.strip().split(".")[:3])


def describe_build(build: str) -> str:
    name = BUILD_NAMES.get(build)
    return f"{build} ({name})" if name else build


def windows_targeted(doc: Document) -> bool:
    """`is_windows_targeted` of the document's pod spec, worked out once per document: about
    a dozen rules ask it of every workload (43,000 times on the 10,000-document corpus: the
    memo is read first, without a closure)."""
    found = doc.memo.get("windows-targeted")
    if found is None:
        found = doc.memo["windows-targeted"] = is_windows_targeted(pod_spec(doc))
    return found  # type: ignore[return-value]


def linux_pinned(doc: Document) -> bool:
    """`is_linux_pinned` of the document's pod spec, worked out once per document."""
    found = doc.memo.get("linux-pinned")
    if found is None:
        found = doc.memo["linux-pinned"] = is_linux_pinned(pod_spec(doc))
    return found  # type: ignore[return-value]


def windows_image_containers(doc: Document, scope: ContainerScope = ContainerScope.C_I) -> Iterator[ContainerRef]:
    for container in containers(doc, scope):
        if is_windows_image(container.data.get("image")):
            yield container


def has_windows_image(doc: Document, scope: ContainerScope = ContainerScope.C_I) -> bool:
    return next(windows_image_containers(doc, scope), None) is not None


# -- windows-build pins -----------------------------------------------------------------
_AFFINITY_TERMS = ("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")


class BuildPin(NamedTuple):
    build: str  # as written
    path: FieldPath  # relative to the pod spec


def _term_build_pin(term: object, number: int) -> BuildPin | None:
    if not isinstance(term, Mapping):
        return None
    expressions = term.get("matchExpressions")
    if not isinstance(expressions, list):
        return None
    for index, expr in enumerate(expressions):
        if not isinstance(expr, Mapping) or expr.get("key") != WINDOWS_BUILD_LABEL or expr.get("operator") != "In":
            continue
        values = expr.get("values")
        if isinstance(values, list) and len(set(map(str, values))) == 1 and isinstance(values[0], str):
            return BuildPin(values[0], (*_AFFINITY_TERMS, number, "matchExpressions", index, "values", 0))
    return None


def build_pins(spec: Mapping[str, object]) -> list[BuildPin]:
    """Where the pod spec pins `node.kubernetes.io/windows-build` to one build: the
    nodeSelector value, and required node affinity when every term has an `In` expression
    with a single value (all terms the same build)."""
    pins: list[BuildPin] = []
    selector = spec.get("nodeSelector")
    if isinstance(selector, Mapping):
        value = selector.get(WINDOWS_BUILD_LABEL)
        if isinstance(value, str) and value.strip():
            pins.append(BuildPin(value, ("nodeSelector", WINDOWS_BUILD_LABEL)))
    terms = get_path(spec, _AFFINITY_TERMS)
    if isinstance(terms, list) and terms:
        term_pins = [_term_build_pin(term, number) for number, term in enumerate(terms)]
        if all(pin is not None for pin in term_pins):
            builds = {normalise_build(pin.build) for pin in term_pins if pin is not None}
            first = term_pins[0]
            if len(builds) == 1 and first is not None:
                pins.append(first)
    return pins


def mentions_build_label(spec: Mapping[str, object]) -> bool:
    """True when the nodeSelector or any required node affinity expression uses the
    `node.kubernetes.io/windows-build` label (whatever the operator)."""
    selector = spec.get("nodeSelector")
    if isinstance(selector, Mapping) and WINDOWS_BUILD_LABEL in selector:
        return True
    terms = get_path(spec, _AFFINITY_TERMS)
    for term in terms if isinstance(terms, list) else ():
        expressions = term.get("matchExpressions") if isinstance(term, Mapping) else None
        for expr in expressions if isinstance(expressions, list) else ():
            if isinstance(expr, Mapping) and expr.get("key") == WINDOWS_BUILD_LABEL:
                return True
    return False


# -- windowsOptions ---------------------------------------------------------------------
def pod_windows_options_path(doc: Document) -> FieldPath | None:
    spec_path = pod_spec_path(doc)
    return None if spec_path is None else (*spec_path, "securityContext", "windowsOptions")


def effective_windows_option(doc: Document, container: ContainerRef, field: str) -> tuple[object, FieldPath | None]:
    """`windowsOptions.<field>` of the container if set (not null), else the pod's; with the
    path it came from. The kubelet merges windowsOptions field by field, so a container that
    sets only `gmsaCredentialSpecName` still inherits the pod's `runAsUserName`."""
    value = get_path(container.data, ("securityContext", "windowsOptions", field))
    if value is not None:
        return value, (*container.path, "securityContext", "windowsOptions", field)
    pod_path = pod_windows_options_path(doc)
    if pod_path is not None:
        value = get_path(doc.data, (*pod_path, field))
        if value is not None:
            return value, (*pod_path, field)
    return None, None


def has_windows_options(doc: Document) -> bool:
    """Whether the pod's securityContext or a container's (scope ALL) sets `windowsOptions` (not
    null), worked out once per document: where none does (every Linux workload), the rules that
    read windowsOptions (HostProcess, a Linux pod's Windows options) have nothing to find, and
    three of them asked each of the 2,385 workloads of the 10,000-document corpus."""
    found = doc.memo.get("windows-options")
    if found is None:
        found = doc.memo["windows-options"] = _sets_windows_options(doc)
    return found  # type: ignore[return-value]


def _sets_windows_options(doc: Document) -> bool:
    pod_context = pod_spec(doc).get("securityContext")
    if get_path(pod_context, ("windowsOptions",)) is not None:
        return True
    return any(
        get_path(container.data, ("securityContext", "windowsOptions")) is not None
        for container in containers(doc, ContainerScope.ALL)
    )


def windows_option_sites(doc: Document, field: str) -> Iterator[tuple[object, FieldPath]]:
    """Every place `windowsOptions.<field>` is written (pod level, then each container of
    scope ALL), with its value; null values are skipped."""
    pod_path = pod_windows_options_path(doc)
    if pod_path is not None:
        value = get_path(doc.data, (*pod_path, field))
        if value is not None:
            yield value, (*pod_path, field)
    for container in containers(doc, ContainerScope.ALL):
        value = get_path(container.data, ("securityContext", "windowsOptions", field))
        if value is not None:
            yield value, (*container.path, "securityContext", "windowsOptions", field)


# -- taints and tolerations -------------------------------------------------------------
class Taint(NamedTuple):
    key: str
    value: str
    effect: str

    def describe(self) -> str:
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"


_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def parse_taint(text: object) -> Taint | None:
    """`key=value:Effect` or `key:Effect` (kubectl taint syntax); None when malformed."""
    if not isinstance(text, str):
        return None
    body, sep, effect = text.strip().rpartition(":")
    if not sep or effect not in _EFFECTS:
        return None
    key, _, value = body.partition("=")
    key = key.strip()
    if not key:
        return None
    return Taint(key, value.strip(), effect)


def cluster_settings(settings: Mapping[str, object]) -> Mapping[str, object]:
    cluster = settings.get("cluster")
    return cluster if cluster is not None and isinstance(cluster, Mapping) else {}  # (usually absent: no ABC check)


def windows_taint(settings: Mapping[str, object]) -> Taint | None:
    """The Windows node-pool taint: `settings.cluster.windowsTaint`, default
    `os=windows:NoSchedule`; an empty string declares that Windows pools are not tainted."""
    configured = cluster_settings(settings).get("windowsTaint", DEFAULT_WINDOWS_TAINT)
    if isinstance(configured, str) and not configured.strip():
        return None
    return parse_taint(configured)


def tolerates(toleration: object, taint: Taint) -> bool:
    """The scheduler's `Toleration.ToleratesTaint`: effect empty or equal; key empty (only
    with `Exists`, which then tolerates everything) or equal; `Exists` ignores the value,
    `Equal` (the default operator) needs the same value."""
    if not isinstance(toleration, Mapping):
        return False
    effect = toleration.get("effect") or ""
    if effect and effect != taint.effect:
        return False
    key = toleration.get("key") or ""
    operator = toleration.get("operator") or "Equal"
    if key and key != taint.key:
        return False
    if operator == "Exists":
        return True
    if operator != "Equal" or not key:
        return False
    value = toleration.get("value")
    return (value if isinstance(value, str) else "" if value is None else str(value)) == taint.value


# -- mixed-cluster mode -----------------------------------------------------------------
class HasDocuments(Cache, Protocol):
    @property
    def documents(self) -> tuple[Document, ...]: ...


def input_has_windows_workload(documents: Iterable[Document]) -> bool:
    """True when some pod spec of the input is Windows-targeted or has a Windows-looking image."""
    for doc in documents:
        if pod_spec_path(doc) is None:
            continue
        if windows_targeted(doc) or has_windows_image(doc, ContainerScope.ALL):
            return True
    return False


def _input_has_windows(lint: HasDocuments) -> bool:
    return lint.cached("windows: input has a Windows workload", lambda: input_has_windows_workload(lint.documents))


def mixed_cluster_mode(settings: Mapping[str, object], lint: HasDocuments) -> bool:
    """rule-catalog §1 "mixed-cluster mode": `settings.cluster.windowsNodes: true`, or
    automatically when the input holds a Windows-targeted pod spec or a Windows-looking image.
    An explicit `windowsNodes: false` turns it off (the user declared a Linux-only cluster)."""
    configured = cluster_settings(settings).get("windowsNodes")
    if isinstance(configured, bool):
        return configured
    return _input_has_windows(lint)


__all__ = [
    "BUILD_LTSC2019",
    "BUILD_LTSC2022",
    "BUILD_LTSC2025",
    "CONTAINER_ADMINISTRATOR",
    "DEFAULT_WINDOWS_TAINT",
    "WINDOWS_BUILD_LABEL",
    "BuildPin",
    "HasDocuments",
    "ImageRef",
    "Taint",
    "build_pins",
    "cluster_settings",
    "describe_build",
    "effective_windows_option",
    "has_windows_image",
    "has_windows_options",
    "image_build",
    "input_has_windows_workload",
    "is_windows_image",
    "mentions_build_label",
    "mixed_cluster_mode",
    "normalise_build",
    "parse_taint",
    "pod_windows_options_path",
    "split_image",
    "tolerates",
    "windows_image_containers",
    "windows_option_sites",
    "windows_taint",
]
