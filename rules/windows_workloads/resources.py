"""Memory and Windows Server build matching (rule-catalog §1).

windows-memory-resources-missing, windows-build-mismatch, windows-build-selector-missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.ostarget import is_windows_targeted
from kubelint_py.k8s.windows import (
    WINDOWS_BUILD_LABEL,
    build_pins,
    describe_build,
    image_build,
    mentions_build_label,
    normalise_build,
    windows_targeted,
)
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Severity,
    Violation,
    containers,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)

DOC = "windows-workloads"
VERSION_DOCS = "https://kubernetes.io/docs/concepts/windows/user-guide/#windows-os-version-support"
RESOURCE_DOCS = "https://kubernetes.io/docs/concepts/configuration/windows-resource-management/"
COMPAT_DOCS = (
    "https://learn.microsoft.com/en-us/virtualization/windowscontainers/deploy-containers/version-compatibility"
)

_WINDOWS_DEPLOYMENT = workload(
    name="iis",
    namespace="web",
    pod="""\
os: {name: windows}
nodeSelector:
  kubernetes.io/os: windows
  node.kubernetes.io/windows-build: "10.0.20348"
""",
    containers=pod_container(
        name="iis",
        image="mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
        body="""\
resources:
  requests: {cpu: 500m, memory: 1Gi}
  limits: {memory: 1Gi}
""",
    ),
)


def _mem(container_data: Mapping[str, object], section: str) -> object:
    resources = container_data.get("resources")
    block = resources.get(section) if isinstance(resources, Mapping) else None
    return block.get("memory") if isinstance(block, Mapping) else None


@rule(
    id="windows-memory-resources-missing",
    title="Windows container without memory limit",
    document=DOC,
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="reliability",
    rationale="""
Windows nodes do not overcommit memory the way Linux does and have no OOM killer that picks a
victim: a container without a memory limit can page the whole node into unresponsiveness,
and pods without requests are packed onto nodes that cannot hold them. Every Windows container
needs a memory request and a limit. When only the limit is written the API server defaults the
request to it, so such a container is not reported; a container with no limit is.
""",
    remediation="Set memory requests and limits on every Windows container.",
    examples=(_WINDOWS_DEPLOYMENT.replace("            limits: {memory: 1Gi}\n", ""), _WINDOWS_DEPLOYMENT),
    references=(RESOURCE_DOCS, "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"),
)
def check_memory(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not windows_targeted(doc):
        return
    for container in containers(doc, ContainerScope.C_I):
        if _mem(container.data, "limits") is not None:
            continue
        has_request = _mem(container.data, "requests") is not None
        what = "a memory request but no memory limit" if has_request else "no memory request and no memory limit"
        yield Violation(f"{container.describe()} sets {what}", (*container.path, "resources", "limits", "memory"))


# -- windows-build-mismatch -------------------------------------------------------------------
@rule(
    id="windows-build-mismatch",
    title="Windows image build differs from the pinned node build",
    document=DOC,
    severity=Severity.ERROR,
    kind_groups=("workload",),
    category="reliability",
    rationale="""
With process isolation (the default with containerd on Windows) a Windows container image must
have been built for the same Windows Server build as the host. The pod pins
`node.kubernetes.io/windows-build` to one build but the image tag names another (for example
`ltsc2019` on a Windows Server 2022 node): the container fails to start with "The container
operating system does not match the host operating system" and the pod crash-loops. Builds
are read from the tag as §0.6 describes (ltsc2019/1809, ltsc2022, ltsc2025).
""",
    remediation="Use the image variant matching the node build, or change the selector.",
    examples=(
        _WINDOWS_DEPLOYMENT.replace("windowsservercore-ltsc2022", "windowsservercore-ltsc2019"),
        _WINDOWS_DEPLOYMENT,
    ),
    references=(VERSION_DOCS, COMPAT_DOCS),
)
def check_build_mismatch(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = pod_spec(doc)
    if not is_windows_targeted(spec):
        return
    pins = build_pins(spec)
    if not pins:
        return
    for container in containers(doc, ContainerScope.ALL):
        image = container.data.get("image")
        build = image_build(image)
        if build is None:
            continue
        for pin in pins:
            if normalise_build(pin.build) != build:
                yield Violation(
                    f"{container.describe()} image {quote(image)} is built for Windows {describe_build(build)} but "
                    f"the pod pins {WINDOWS_BUILD_LABEL} to {quote(pin.build)}",
                    (*container.path, "image"),
                )
                break


# -- windows-build-selector-missing -------------------------------------------------------------
_SELECTOR_MISSING = _WINDOWS_DEPLOYMENT.replace('        node.kubernetes.io/windows-build: "10.0.20348"\n', "")


def _has_runtime_class(doc: Document, spec_path: FieldPath) -> bool:
    value = doc.value(*spec_path, "runtimeClassName")
    return isinstance(value, str) and bool(value.strip())


@rule(
    id="windows-build-selector-missing",
    title="Windows image build without a node build selector",
    document=DOC,
    severity=Severity.INFO,
    kind_groups=("workload",),
    category="reliability",
    rationale="""
The image tag names a Windows Server build, but nothing steers the pod to nodes of that build:
no `node.kubernetes.io/windows-build` node selector or required affinity, and no
`runtimeClassName` (whose scheduling section can carry the build). In a cluster running more
than one Windows Server version, or during a node pool upgrade, the pod lands on a host of a
different build and fails to start under process isolation.
""",
    remediation=(
        "Add a `node.kubernetes.io/windows-build` node selector or a RuntimeClass whose scheduling pins the build."
    ),
    examples=(_SELECTOR_MISSING, _WINDOWS_DEPLOYMENT),
    references=(VERSION_DOCS, "https://kubernetes.io/docs/concepts/containers/runtime-class/#scheduling"),
)
def check_build_selector_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = pod_spec(doc)
    spec_path = pod_spec_path(doc)
    if spec_path is None or not is_windows_targeted(spec):
        return
    if mentions_build_label(spec) or _has_runtime_class(doc, spec_path):
        return
    for container in containers(doc, ContainerScope.ALL):
        image = container.data.get("image")
        build = image_build(image)
        if build is not None:
            yield Violation(
                f"{container.describe()} image {quote(image)} is built for Windows {describe_build(build)} but the "
                f"pod has no {WINDOWS_BUILD_LABEL} selector and no runtimeClassName",
                (*container.path, "image"),
            )
