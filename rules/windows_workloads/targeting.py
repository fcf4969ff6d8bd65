"""OS targeting in mixed Linux/Windows clusters (rule-catalog §1).

windows-image-missing-os-selector, linux-daemonset-missing-os-selector,
linux-workload-missing-os-selector, windows-os-selector-conflict, windows-os-field-missing,
windows-toleration-missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.ostarget import (
    NODE_AFFINITY_TERMS_PATH,
    OS_LABELS,
    WINDOWS,
    affinity_os,
    affinity_oses,
    is_linux_pinned,
    is_windows_targeted,
    node_selector_os,
    node_selector_oses,
    os_name,
)
from kubelint_py.k8s.windows import (
    has_windows_image,
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
    Severity,
    Violation,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)

DOC = "windows-workloads"
WINDOWS_DOCS = "https://kubernetes.io/docs/concepts/windows/user-guide/"
SCHEDULING_DOCS = "https://kubernetes.io/docs/concepts/windows/user-guide/#ensuring-os-specific-workloads-land-on-the-appropriate-container-host"
OS_FIELD_DOCS = "https://kubernetes.io/docs/concepts/workloads/pods/#pod-os"

_IIS_UNPINNED = workload(
    name="iis",
    namespace="web",
    containers=pod_container(name="iis", image="mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"),
)
_IIS_PINNED = workload(
    name="iis",
    namespace="web",
    pod="""\
os: {name: windows}
nodeSelector:
  kubernetes.io/os: windows
""",
    containers=pod_container(name="iis", image="mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"),
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
@rule(
    id="windows-image-missing-os-selector",
    title="Windows container image without Windows node targeting",
    document=DOC,
    severity=Severity.ERROR,
    kind_groups=("workload",),
    category="reliability",
    rationale="""
A Windows container image can only run on a Windows node. Without `nodeSelector
kubernetes.io/os: windows` (or `spec.os.name: windows` or a required node affinity on the OS
label) the scheduler is free to place the pod on a Linux node, where the image pull fails
with "no matching manifest for linux/amd64" or the container cannot start: the pod sits in
ErrImagePull / CrashLoopBackOff and the rollout never completes. In a cluster without
Windows nodes the workload can never run at all.
""",
    remediation="Add `nodeSelector: {kubernetes.io/os: windows}` and `spec.os.name: windows` to the pod spec.",
    examples=(_IIS_UNPINNED, _IIS_PINNED),
    references=(SCHEDULING_DOCS, OS_FIELD_DOCS),
)
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
    spec = pod_spec(doc)
    if is_linux_pinned(spec) or is_windows_targeted(spec):
        return False
    if has_windows_image(doc, ContainerScope.ALL):
        return False
    return mixed_cluster_mode(ctx.settings, ctx.lint)


_MIXED_WINDOWS_DOC = """\
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: iis, namespace: web}
spec:
  template:
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      containers:
        - name: iis
          image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
"""
_DS_FAIL = (
    workload(
        kind="DaemonSet",
        name="log-agent",
        namespace="logging",
        containers=pod_container(name="agent", image="fluent/fluent-bit:3.0"),
    )
    + _MIXED_WINDOWS_DOC
)
_DS_PASS = _DS_FAIL.replace(
    "    spec:\n      containers:\n        - name: agent",
    "    spec:\n      nodeSelector: {kubernetes.io/os: linux}\n      containers:\n        - name: agent",
)


@rule(
    id="linux-daemonset-missing-os-selector",
    title="DaemonSet not pinned to Linux in a mixed cluster",
    document=DOC,
    severity=Severity.ERROR,
    kinds=("DaemonSet",),
    category="reliability",
    rationale="""
A DaemonSet places one pod on every eligible node. In a cluster with Windows nodes, a Linux
DaemonSet without a Linux node selector also gets a pod on each Windows node, where the Linux
image cannot be pulled or started: those pods crash-loop forever, keep the DaemonSet rollout
from completing (numberUnavailable never reaches 0) and page whoever watches DaemonSet health.
Mixed-cluster mode is on when `settings.cluster.windowsNodes` is true, or when the input
itself holds a Windows workload; `windowsNodes: false` turns it off.
""",
    remediation="Add `nodeSelector: {kubernetes.io/os: linux}` so the DaemonSet does not land on Windows nodes.",
    examples=(_DS_FAIL, _DS_PASS),
    references=(SCHEDULING_DOCS, "https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
)
def check_linux_daemonset(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if _is_static_pod(doc) or not _unpinned_in_mixed_cluster(doc, ctx):
        return
    yield Violation(
        "the DaemonSet pod spec is not pinned to Linux (no kubernetes.io/os: linux node selector or affinity), "
        "so it also schedules pods onto the cluster's Windows nodes",
        (*workload_spec_path(doc), "nodeSelector"),
    )


_WORKLOAD_FAIL = workload(containers=pod_container(name="web", image="nginx:1.27")) + _MIXED_WINDOWS_DOC
_WORKLOAD_PASS = _WORKLOAD_FAIL.replace(
    "    spec:\n      containers:\n        - name: web",
    "    spec:\n      nodeSelector: {kubernetes.io/os: linux}\n      containers:\n        - name: web",
)
# DaemonSets have their own error-level rule; PodTemplate objects are never scheduled.
_NOT_WORKLOAD_RULE = frozenset(("DaemonSet", "PodTemplate"))


@rule(
    id="linux-workload-missing-os-selector",
    title="Linux workload not pinned to Linux in a mixed cluster",
    document=DOC,
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="reliability",
    rationale="""
In a cluster with Windows nodes, a Linux pod without a Linux node selector can be scheduled
onto a Windows node whenever that node has room (for example after a Linux pool scale-down
or during a traffic spike); the Linux image then fails to pull or start and the replica is
lost until someone deletes it. Tainting the Windows pools protects against this only as long
as nobody adds a broad toleration. Mixed-cluster mode is on when
`settings.cluster.windowsNodes` is true, or when the input itself holds a Windows workload;
`windowsNodes: false` turns it off. Static control-plane pods are not scheduled and are
ignored.
""",
    remediation="Add `nodeSelector: {kubernetes.io/os: linux}` (or taint the Windows pools and rely on it explicitly).",
    examples=(_WORKLOAD_FAIL, _WORKLOAD_PASS),
    references=(SCHEDULING_DOCS,),
)
def check_linux_workload(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind in _NOT_WORKLOAD_RULE or _is_static_pod(doc) or not _unpinned_in_mixed_cluster(doc, ctx):
        return
    yield Violation(
        "the pod spec is not pinned to Linux (no kubernetes.io/os: linux node selector or affinity) "
        "although the cluster has Windows nodes",
        (*workload_spec_path(doc), "nodeSelector"),
    )


# -- windows-os-selector-conflict ----------------------------------------------------------
_CONFLICT_FAIL = _IIS_PINNED.replace("os: {name: windows}", "os: {name: linux}")


@rule(
    id="windows-os-selector-conflict",
    title="Contradictory OS targeting in a pod spec",
    document=DOC,
    severity=Severity.ERROR,
    kind_groups=("workload",),
    category="correctness",
    rationale="""
`spec.os.name`, the `kubernetes.io/os` node selector and required node affinity are all
ANDed by the scheduler and the API server. When they name different operating systems (or
the pod is pinned to Linux while it runs a Windows image) no node can satisfy the pod: it
stays Pending with "node(s) didn't match Pod's node affinity/selector", or lands on the wrong
OS and fails to start. The API server also validates the pod's security context against
`spec.os.name`, so a wrong value rejects fields the containers actually need. Besides the
catalog's three comparisons, `spec.os.name` is also compared with the required node
affinity, which the scheduler ANDs in the same way.
""",
    remediation="Make `spec.os.name`, the nodeSelector and node affinity agree with the image OS.",
    examples=(_CONFLICT_FAIL, _IIS_PINNED),
    references=(OS_FIELD_DOCS, SCHEDULING_DOCS),
)
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
    if is_linux_pinned(spec):
        for container in windows_image_containers(doc, ContainerScope.C_I):
            yield Violation(
                f"the pod spec is pinned to Linux but {container.describe()} uses Windows image "
                f"{quote(container.data.get('image'))}",
                (*container.path, "image"),
            )


# -- windows-os-field-missing ----------------------------------------------------------------
_OS_MISSING_FAIL = _IIS_PINNED.replace("      os: {name: windows}\n", "")


@rule(
    id="windows-os-field-missing",
    title="Windows pod spec without spec.os.name",
    document=DOC,
    severity=Severity.INFO,
    kind_groups=("workload",),
    category="correctness",
    rationale="""
The pod is steered to Windows nodes by a node selector or affinity, but `spec.os.name` is not
set. The API server only rejects Linux-only security fields (runAsUser, seccomp, capabilities,
...) when `spec.os.name: windows` is declared; without it they are accepted and silently
ignored on the node. Pod Security Admission also relaxes its Linux-only controls for a pod
only when `spec.os.name` is `windows`, so the pod may be refused under Restricted for fields
it cannot use.
""",
    remediation="Set `spec.os.name: windows`.",
    examples=(_OS_MISSING_FAIL, _IIS_PINNED),
    references=(
        OS_FIELD_DOCS,
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#os-specific-policy-controls",
    ),
)
def check_os_field_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = pod_spec(doc)
    if os_name(spec) is not None or not is_windows_targeted(spec):
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
_TOLERATION_PASS = _IIS_PINNED.replace(
    "      containers:\n",
    "      tolerations:\n        - {key: os, operator: Equal, value: windows, effect: NoSchedule}\n      containers:\n",
)


@rule(
    id="windows-toleration-missing",
    title="Windows pod does not tolerate the Windows node-pool taint",
    document=DOC,
    severity=Severity.INFO,
    kind_groups=("workload",),
    category="reliability",
    default_enabled=False,
    rationale="""
Clusters often taint Windows node pools (default assumed here: `os=windows:NoSchedule`, set
`settings.cluster.windowsTaint` to yours, or to an empty string for untainted pools) so that
Linux pods stay off them. A Windows pod without a matching toleration cannot be scheduled
anywhere: it stays Pending with "node(s) had untolerated taint". Toleration matching follows
the scheduler: the effect must be empty or equal; `operator: Exists` ignores the value, and
with an empty key tolerates every taint; `Equal` (the default) needs key and value equal.
Opt-in, because whether Windows pools are tainted is a property of the cluster.
""",
    remediation="Add a toleration for the Windows node-pool taint.",
    examples=(_IIS_PINNED, _TOLERATION_PASS),
    references=(
        "https://kubernetes.io/docs/concepts/windows/user-guide/#taints-and-tolerations",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/",
    ),
)
def check_toleration_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = pod_spec(doc)
    if not is_windows_targeted(spec):
        return
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
