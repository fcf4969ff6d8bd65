"""graceful-shutdown-missing (rule-catalog §4)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.autoscaling import serving_services
from kubelint_py.k8s.examples import pod_container, service, stream, workload
from kubelint_py.k8s.scaling import carries_requests
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Severity,
    Violation,
    containers,
    pod_spec_path,
    rule,
)

_FAIL = stream(workload(containers=pod_container()), service())
_PASS = _FAIL.replace(
    '          image: "shop/web:1.4.2"\n',
    '          image: "shop/web:1.4.2"\n          lifecycle:\n            preStop: {sleep: {seconds: 5}}\n',
)


@rule(
    id="graceful-shutdown-missing",
    title="Serving workload has no preStop hook",
    document="traffic-spike",
    severity=Severity.INFO,
    kind_groups=("workload",),
    category="reliability",
    cross_object=True,
    rationale="""
When a pod is deleted (scale-in after the peak, a rollout, a drain), the kubelet sends
SIGTERM at the same time as the endpoint controllers, kube-proxy and ingress controllers
start removing the pod from load balancing. An application that exits on SIGTERM
immediately still receives requests for a few seconds and they fail with connection
resets or 502s. A short `preStop` hook (a sleep) lets the endpoint removal propagate
first. Checked on serving workloads only: selected by a Service that carries request
traffic (not an APIService or webhook backend, not only metrics or webhook ports). Opt-in:
many servers drain on SIGTERM themselves (stop accepting, finish in-flight requests) and
ingress controllers retry, which the manifests do not show (on the real-world corpus this rule
flagged 58 % of the workloads of well-kept projects).
""",
    remediation="Add a short `lifecycle.preStop` sleep and keep `terminationGracePeriodSeconds` above it.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
    ),
    default_enabled=False,
)
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
    services = [svc for svc in serving_services(ctx.lint, doc) if carries_requests(svc, ctx.lint)]
    if not services:
        return
    yield Violation(
        f'no container defines lifecycle.preStop, but Service "{services[0].name}" sends traffic to it: '
        "scale-in and rollouts drop in-flight requests",
        (*spec_path, "containers"),
        related=tuple((svc, ("spec", "selector"), "Service selecting the workload") for svc in services[:3]),
    )
