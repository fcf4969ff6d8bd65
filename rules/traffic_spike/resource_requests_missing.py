"""resource-requests-missing (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import has_request
from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.images import is_injected_container
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Severity, Violation, containers, rule

_FAIL = workload(
    containers=pod_container(
        body="""\
resources:
  requests: {cpu: 250m}
"""
    )
)


@rule(
    id="resource-requests-missing",
    title="Container has no CPU or memory request",
    document="traffic-spike",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="reliability",
    rationale="""
Requests are what the scheduler reserves, what the cluster autoscaler adds nodes for, what
quotas count and what HPA utilization is measured against. A container without them is
BestEffort (or Burstable with no floor): new replicas land on nodes that are already full,
the cluster autoscaler does not see the demand, and under spike pressure these pods are the
first to be throttled or evicted. Kubernetes defaults a missing request to the container's
limit, so a limit counts as a request here. Native sidecars and init containers are
checked too, since they are part of the pod's reservation. Istio's `image: auto` container is
skipped: the injector's template writes the proxy's requests and limits.
""",
    remediation="Set `resources.requests.cpu` and `resources.requests.memory` from observed usage on every container.",
    examples=(_FAIL, _FAIL.replace("{cpu: 250m}", "{cpu: 250m, memory: 256Mi}")),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_I):
        missing = [r for r in ("cpu", "memory") if not has_request(container.data, r)]
        if missing and not is_injected_container(doc, container):
            yield Violation(
                f"{container.describe()} has no resources.requests.{' or requests.'.join(missing)}",
                (*container.path, "resources", "requests"),
            )
