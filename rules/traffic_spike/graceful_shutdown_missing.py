"""graceful-shutdown-missing (rule-catalog §4)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.scaling import request_services
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Violation,
    containers,
    pod_spec_path,
    rule,
)


@rule("graceful-shutdown-missing")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    regular = list(containers(doc, ContainerScope.C))
    if not regular:
        return
    for container in regular:
        lifecycle = container.data.get("lifecycle")
        if isinstance(lifecycle, Mapping) and lifecycle.get("preStop") is not None:
            return
    services = request_services(doc, ctx.lint)
    if not services:
        return
    yield Violation(
        f'no container defines lifecycle.preStop, but Service "{services[0].name}" sends traffic to it: '
        "scale-in and rollouts drop in-flight requests",
        (*spec_path, "containers"),
        related=tuple((svc, ("spec", "selector"), "Service selecting the workload") for svc in services[:3]),
    )
