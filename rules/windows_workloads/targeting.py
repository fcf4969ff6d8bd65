"""OS targeting in mixed Linux/Windows clusters (rule-catalog §1).

windows-image-missing-os-selector, linux-daemonset-missing-os-selector,
linux-workload-missing-os-selector, windows-os-selector-conflict, windows-os-field-missing,
windows-toleration-missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.ostarget import (
    NODE_AFFINITY_TERMS_PATH,
    OS_LABELS,
    WINDOWS,
    affinity_os,
    affinity_oses,
    node_selector_os,
    node_selector_oses,
    os_name,
)
from kubelint_py.k8s.windows import (
    has_windows_image,
    linux_pinned,
    mixed_cluster_mode,
    tolerates,
    windows_image_containers,
    windows_taint,
    windows_targeted,
)
from kubelint_py.k8s.workloads import workload_spec_path
from kubelint_py.rule_api import (
    ContainerScope,
    DocType,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)


def _os_selector_path(doc: Document) -> FieldPath:
    """The nodeSelector OS label entry when present, else the nodeSelector (or the pod spec)."""
    spec_path = workload_spec_path(doc)
    selector = doc.mapping(*spec_path, "nodeSelector")
    for key in OS_LABELS:
        if isinstance(selector.get(key), str):
            return (*spec_path, "nodeSelector", key)
    return (*spec_path, "nodeSelector")


def _is_static_pod(doc: Document) -> bool:
    return doc.doc_type is not DocType.K8S_OBJECT


# -- windows-image-missing-os-selector ----------------------------------------------------
@rule("windows-image-missing-os-selector")
def check_image_missing_selector(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc):
        return
    for container in windows_image_containers(doc, ContainerScope.C_I):
        image = container.data.get("image")
        yield Violation(
            f"{container.describe()} uses Windows image {quote(image)} but the pod spec is not steered to "
            "Windows nodes (no kubernetes.io/os: windows selector, affinity or spec.os.name)",
            (*container.path, "image"),
        )
        return


# -- linux-daemonset-missing-os-selector / linux-workload-missing-os-selector -------------
def _unpinned_in_mixed_cluster(doc: Document, ctx: RuleContext) -> bool:
    if pod_spec_path(doc) is None:
        return False
    if linux_pinned(doc) or windows_targeted(doc):
        return False
    if has_windows_image(doc, ContainerScope.ALL):
        return False
    return mixed_cluster_mode(ctx.settings, ctx.lint)


@rule("linux-daemonset-missing-os-selector")
def check_linux_daemonset(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if _is_static_pod(doc) or not _unpinned_in_mixed_cluster(doc, ctx):
        return
    yield Violation(
        "the DaemonSet pod spec is not pinned to Linux (no kubernetes.io/os: linux node selector or affinity), "
        "so it also schedules pods onto the cluster's Windows nodes",
        (*workload_spec_path(doc), "nodeSelector"),
    )


# DaemonSets have their own error-level rule; PodTemplate objects are never scheduled.
_NOT_WORKLOAD_RULE = frozenset(("DaemonSet", "PodTemplate"))


@rule("linux-workload-missing-os-selector")
def check_linux_workload(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind in _NOT_WORKLOAD_RULE or _is_static_pod(doc) or not _unpinned_in_mixed_cluster(doc, ctx):
        return
    yield Violation(
        "the pod spec is not pinned to Linux (no kubernetes.io/os: linux node selector or affinity) "
        "although the cluster has Windows nodes",
        (*workload_spec_path(doc), "nodeSelector"),
    )


# -- windows-os-selector-conflict ----------------------------------------------------------


@rule("windows-os-selector-conflict")
def check_os_conflict(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = pod_spec(doc)
    spec_path = workload_spec_path(doc)
    name = os_name(spec)
    selector_oses = node_selector_oses(spec)
    selector_os = node_selector_os(spec)
    if len(selector_oses) > 1:
        yield Violation(
            f"nodeSelector names two operating systems ({', '.join(sorted(selector_oses))}) under "
            "kubernetes.io/os and beta.kubernetes.io/os",
            (*spec_path, "nodeSelector"),
        )
    elif name is not None and selector_os is not None and name != selector_os:
        yield Violation(
            f"spec.os.name is {quote(name)} but nodeSelector kubernetes.io/os is {quote(selector_os)}",
            _os_selector_path(doc),
        )
    affinity_named = affinity_oses(spec)
    if selector_os is not None and affinity_named - {selector_os}:
        other = ", ".join(sorted(affinity_named - {selector_os}))
        yield Violation(
            f"nodeSelector kubernetes.io/os is {quote(selector_os)} but required node affinity names {other}",
            (*spec_path, *NODE_AFFINITY_TERMS_PATH),
        )
    else:
        pinned = affinity_os(spec)
        if selector_os is None and name is not None and pinned is not None and pinned != name:
            yield Violation(
                f"spec.os.name is {quote(name)} but required node affinity pins the pod to {quote(pinned)}",
                (*spec_path, *NODE_AFFINITY_TERMS_PATH),
            )
    if linux_pinned(doc):
        for container in windows_image_containers(doc, ContainerScope.C_I):
            yield Violation(
                f"the pod spec is pinned to Linux but {container.describe()} uses Windows image "
                f"{quote(container.data.get('image'))}",
                (*container.path, "image"),
            )


# -- windows-os-field-missing ----------------------------------------------------------------


@rule("windows-os-field-missing")
def check_os_field_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = pod_spec(doc)
    if os_name(spec) is not None or not windows_targeted(doc):
        return
    spec_path = workload_spec_path(doc)
    if WINDOWS in node_selector_oses(spec):
        path = _os_selector_path(doc)
        how = "nodeSelector"
    else:
        path = (*spec_path, *NODE_AFFINITY_TERMS_PATH)
        how = "required node affinity"
    yield Violation(f"the pod spec targets Windows through its {how} but does not set spec.os.name: windows", path)


# -- windows-toleration-missing ----------------------------------------------------------------


@rule("windows-toleration-missing")
def check_toleration_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not windows_targeted(doc):
        return
    spec = pod_spec(doc)
    taint = windows_taint(ctx.settings)
    if taint is None:
        return
    tolerations = spec.get("tolerations")
    if isinstance(tolerations, list) and any(tolerates(t, taint) for t in tolerations):
        return
    yield Violation(
        f"the Windows pod spec has no toleration for the Windows node-pool taint {taint.describe()}",
        (*workload_spec_path(doc), "tolerations"),
    )
