"""memory-request-not-limit (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.quantity import quantity_from_manifest
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Severity,
    Violation,
    containers,
    pod_spec_path,
    quote,
    rule,
)

_FAIL = workload(
    containers=pod_container(
        body="""\
resources:
  requests: {cpu: 250m, memory: 256Mi}
  limits: {memory: 1Gi}
"""
    )
)

_PASS = _FAIL.replace("memory: 256Mi", "memory: 1024Mi")


def _memory(resources: object, section: str) -> tuple[object, Fraction | None]:
    entries = resources.get(section) if isinstance(resources, Mapping) else None
    raw = entries.get("memory") if isinstance(entries, Mapping) else None
    return raw, quantity_from_manifest(raw) if raw is not None else None


def _mismatch(resources: object, path: FieldPath, who: str) -> Violation | None:
    """A finding when both the memory request and limit are valid quantities that differ;
    a missing one is another rule's (or the API default's) business, an invalid one
    schema-violation's."""
    raw_request, request = _memory(resources, "requests")
    raw_limit, limit = _memory(resources, "limits")
    if request is None or limit is None or request == limit:
        return None
    shown = f"requests.memory {quote(raw_request)} and limits.memory {quote(raw_limit)}"
    if request > limit:
        detail = "the API server rejects a request above the limit"
    else:
        detail = (
            "the memory above the request is overcommitted, so these pods are evicted or OOM-killed"
            " first when the node runs short of memory"
        )
    return Violation(f"{who} sets {shown}: {detail}", (*path, "requests", "memory"))


@rule(
    id="memory-request-not-limit",
    title="Memory request differs from the memory limit",
    document="traffic-spike",
    severity=Severity.INFO,
    kind_groups=("workload",),
    category="reliability",
    default_enabled=False,
    rationale="""
The scheduler places pods by their memory requests; the memory between the request and the
limit is overcommitted, promised to several pods of the node at once. Under a spike those
pods grow into it together, the node runs short, and the kubelet evicts first the pods whose
usage exceeds their request, while the kernel's OOM killer prefers the same pods (Burstable,
by how little they requested): the pods under the most load die at peak. With the request
equal to the limit, a pod's memory is reserved and it is only killed for exceeding its own
limit (and with equal CPU values it is Guaranteed). Requests and limits are compared as
quantities (`1Gi` equals `1024Mi`), on init containers and native sidecars too, and on the
pod-level `spec.resources` where it sets both. A missing limit is `memory-limit-missing`'s
finding, and a missing request defaults to the limit, so both pass here. On Windows nodes,
which page rather than OOM-kill, overcommitted memory is paged to disk instead. Opt-in:
overcommitting memory is a deliberate trade for batch and development workloads.
""",
    remediation="Set `resources.requests.memory` equal to `resources.limits.memory`.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is not None:
        pod_level = _mismatch(doc.value(*spec_path, "resources"), (*spec_path, "resources"), "the pod")
        if pod_level is not None:
            yield pod_level
    for container in containers(doc, ContainerScope.C_I):
        found = _mismatch(container.data.get("resources"), (*container.path, "resources"), container.describe())
        if found is not None:
            yield found
