"""hpa-utilization-without-requests (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import has_request, hpa_resource_metrics
from kubelint_py.k8s.examples import autoscaler, pod_container, stream, workload
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Severity,
    Violation,
    containers,
    is_workload,
    rule,
)

_FAIL = stream(
    workload(
        containers=pod_container(
            body="""\
resources:
  requests: {memory: 256Mi}
"""
        )
    ),
    autoscaler(
        spec="""\
minReplicas: 3
maxReplicas: 30
metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 70}
"""
    ),
)


@rule(
    id="hpa-utilization-without-requests",
    title="HPA Utilization target on containers without requests",
    document="traffic-spike",
    severity=Severity.ERROR,
    kind_groups=("hpa",),
    category="reliability",
    cross_object=True,
    rationale="""
A Utilization target is a percentage of the pods' resource *requests*. When a container of
the target has no request for that resource, the HPA controller cannot compute utilization:
it reports `FailedGetResourceMetric` ("missing request for cpu") and never scales, so the
workload meets the spike at its minimum size. Kubernetes defaults a missing request to the
container's limit, so a limit counts as a request here. An autoscaling/v1 HPA without
`targetCPUUtilizationPercentage`, and a v2 HPA without `metrics`, default to 80 % CPU
utilization and are checked as such.
""",
    remediation="Set CPU/memory requests on every container of the target (or use an `AverageValue` target).",
    examples=(_FAIL, _FAIL.replace("requests: {memory: 256Mi}", "requests: {cpu: 250m, memory: 256Mi}")),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-resource-metrics",
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    target = ctx.lint.workload_for(doc.value("spec", "scaleTargetRef"), ctx.namespace_of(doc))
    if target is None or not is_workload(target):
        return
    pod_containers = list(containers(target, ContainerScope.C_SIDECARS))
    for metric in hpa_resource_metrics(doc):
        if not metric.utilization:
            continue
        checked = [c for c in pod_containers if metric.container is None or c.name == metric.container]
        missing = [c for c in checked if not has_request(c.data, metric.resource)]
        if not missing:
            continue
        names = ", ".join(c.describe() for c in missing)
        origin = " (the default when no metric is set: 80 % CPU)" if metric.implicit else ""
        yield Violation(
            f"Utilization target on {metric.resource}{origin}, but {names} of {target.kind} "
            f'"{target.name}" has no resources.requests.{metric.resource}: the HPA cannot compute '
            "utilization and never scales",
            metric.path,
            related=tuple((target, (*c.path, "resources"), "container without the request") for c in missing[:3]),
        )
