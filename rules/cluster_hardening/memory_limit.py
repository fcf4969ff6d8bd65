"""memory-limit-missing (rule-catalog §9.2)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.images import is_injected_container
from kubelint_py.k8s.windows import windows_targeted
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Severity,
    Violation,
    containers,
    quote,
    rule,
)

_FAIL = workload(
    namespace="prod",
    containers=pod_container(
        image="nginx:1.27",
        body="""\
resources:
  requests: {cpu: 100m, memory: 128Mi}
""",
    ),
)

_PASS = _FAIL.replace(
    "requests: {cpu: 100m, memory: 128Mi}", "requests: {cpu: 100m, memory: 128Mi}\n            limits: {memory: 256Mi}"
)


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return quote(value)


@rule(
    id="memory-limit-missing",
    title="Container has no memory limit",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="reliability",
    rationale="""
Without `resources.limits.memory` a container may use all of its node's memory: one leak or
one oversized request pushes the node into memory pressure, and the kubelet then evicts or the
kernel OOM-kills its neighbours, often the best-behaved pods rather than the culprit. A memory
limit confines the damage to the container that exceeds it. Init containers and native sidecars
are checked too; ephemeral debug containers cannot set resources. CPU limits are deliberately
not required (they throttle workloads under a traffic spike). Windows-targeted pods are reported
by `windows-memory-resources-missing` instead. Istio's `image: auto` container without a memory
limit is skipped: the injector's template writes the proxy's resources.
""",
    remediation="Set `resources.limits.memory` on every container, from the observed peak usage plus headroom.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc):
        return
    for container in containers(doc, ContainerScope.C_I):
        path = (*container.path, "resources", "limits", "memory")
        resources = container.data.get("resources")
        limits = resources.get("limits") if isinstance(resources, Mapping) else None
        memory = limits.get("memory") if isinstance(limits, Mapping) else None
        if isinstance(memory, (str, int, float)) and not isinstance(memory, bool) and memory != "":
            continue
        if memory is None and is_injected_container(doc, container):
            continue  # Istio's injector template sets the proxy's resources
        if memory is not None:
            detail = f"limits.memory is {_shown(memory)}, not a quantity"
        elif limits is not None and not isinstance(limits, Mapping):
            detail = f"resources.limits is {_shown(limits)}, not a mapping"
        elif resources is not None and not isinstance(resources, Mapping):
            detail = f"resources is {_shown(resources)}, not a mapping"
        else:
            detail = "no resources.limits.memory"
        yield Violation(f"{container.describe()} has no memory limit ({detail})", path)
