"""hpa-utilization-without-requests (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import has_request, hpa_resource_metrics
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Violation,
    containers,
    is_workload,
    rule,
)


@rule("hpa-utilization-without-requests")
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
