"""ephemeral-storage-unset (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.images import is_injected_container
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Severity,
    Violation,
    containers,
    rule,
)

RESOURCE = "ephemeral-storage"
_SECTIONS = ("requests", "limits")

_FAIL = workload(
    containers=pod_container(
        body="""\
resources:
  requests: {cpu: 250m, memory: 256Mi}
  limits: {memory: 256Mi}
"""
    )
)

_PASS = _FAIL.replace("{cpu: 250m, memory: 256Mi}", "{cpu: 250m, memory: 256Mi, ephemeral-storage: 1Gi}").replace(
    "limits: {memory: 256Mi}", "limits: {memory: 256Mi, ephemeral-storage: 2Gi}"
)


def _missing(container: ContainerRef) -> list[str] | None:
    """The sections (requests, limits) without an ephemeral-storage entry; None when the
    resources are of the wrong type (schema-violation's finding)."""
    resources = container.data.get("resources")
    if resources is None:
        return list(_SECTIONS)
    if not isinstance(resources, Mapping):
        return None
    missing = []
    for section in _SECTIONS:
        entries = resources.get(section)
        if entries is not None and not isinstance(entries, Mapping):
            return None
        if entries is None or entries.get(RESOURCE) is None:
            missing.append(section)
    return missing


def _finding(container: ContainerRef, missing: list[str]) -> Violation:
    base: FieldPath = (*container.path, "resources")
    if len(missing) == 2:
        return Violation(
            f"{container.describe()} has no {RESOURCE} request or limit: it can fill the node's disk"
            " until the kubelet evicts pods under disk pressure",
            base,
        )
    if missing == ["limits"]:
        return Violation(
            f"{container.describe()} has no limits.{RESOURCE}: nothing stops it filling the node's disk",
            (*base, "limits"),
        )
    return Violation(
        f"{container.describe()} has limits.{RESOURCE} but no requests.{RESOURCE}"
        " (the API defaults it to the limit; write the request the scheduler should reserve)",
        (*base, "requests"),
    )


@rule(
    id="ephemeral-storage-unset",
    title="Container has no ephemeral-storage request or limit",
    document="traffic-spike",
    severity=Severity.INFO,
    kind_groups=("workload",),
    category="reliability",
    default_enabled=False,
    rationale="""
Container logs, the writable layer and `emptyDir` volumes all live on the node's disk. A
container without a `limits.ephemeral-storage` can fill it (a log storm or a spilling cache
during a spike): the node reports DiskPressure, and the kubelet evicts pods, starting with
those that use more than they requested, which without requests is every one of them. With
a limit the kubelet evicts only the pod that exceeds it; with a request the scheduler keeps
nodes from being packed beyond their disk, and a namespace quota on ephemeral storage can be
enforced. Both are asked for explicitly, as `resource-requests-missing` does for CPU and
memory (a limit alone makes the API default the request to it, but the written request
states what the scheduler must reserve). Init containers and native sidecars are checked
too; Istio's injected `image: auto` proxy is skipped (its template owns the resources).
Opt-in: many clusters keep container disk usage small and bounded by other means.
""",
    remediation=(
        "Set `resources.requests.ephemeral-storage` and `resources.limits.ephemeral-storage` on every container"
        " (and `sizeLimit` on `emptyDir` volumes)."
    ),
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/storage/ephemeral-storage/",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_I):
        missing = _missing(container)
        if missing and not is_injected_container(doc, container):
            yield _finding(container, missing)
