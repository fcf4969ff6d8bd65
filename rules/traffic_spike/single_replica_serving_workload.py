"""single-replica-serving-workload (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import scalers_targeting, serving_services
from kubelint_py.k8s.examples import service, stream, workload
from kubelint_py.k8s.scaling import carries_requests, exclusive_claim, singleton_image
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = stream(workload(spec="replicas: 1\n"), service())


@rule(
    id="single-replica-serving-workload",
    title="Serving workload runs a single replica",
    document="traffic-spike",
    severity=Severity.WARNING,
    kind_groups=("serving",),
    category="reliability",
    cross_object=True,
    rationale="""
A Deployment or StatefulSet behind a Service with one replica and no autoscaler has no
spare capacity and no redundancy: a spike saturates the only pod, and a node drain, a
rollout or an OOM kill takes the whole service down until a replacement is scheduled and
ready. Not reported where a second replica is impossible or wrong: a Deployment with the
Recreate strategy or a ReadWriteOnce claim (two pods cannot run at once), software that runs as
one instance by design (a database or cache used as one server, Prometheus, Pushgateway,
kube-state-metrics, an operator without leader election: a second copy is a second, diverging
instance), and workloads whose Services carry no request traffic (APIService and webhook
backends, metrics- or webhook-only ports). Leader-elected controllers are still reported: a
standby replica is exactly their redundancy.
""",
    remediation="Run at least 2 replicas, or add an HPA with `minReplicas` ≥ 2.",
    examples=(_FAIL, _FAIL.replace("replicas: 1", "replicas: 3")),
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/deployment/",),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if ctx.lint.effective_replicas(doc) != 1:
        return
    services = [svc for svc in serving_services(ctx.lint, doc) if carries_requests(svc, ctx.lint)]
    if not services or scalers_targeting(ctx.lint, doc) or _single_by_design(doc, ctx):
        return
    shown = "spec.replicas is 1" if doc.value("spec", "replicas") is not None else "spec.replicas is unset (1)"
    yield Violation(
        f'{shown} and no autoscaler, but Service "{services[0].name}" sends traffic to it',
        ("spec", "replicas"),
        related=tuple((svc, ("spec", "selector"), "Service selecting the workload") for svc in services[:3]),
    )


def _single_by_design(doc: Document, ctx: RuleContext) -> bool:
    """A second replica cannot run next to the first, or would be a second diverging instance."""
    if doc.kind != "StatefulSet" and doc.value("spec", "strategy", "type") == "Recreate":
        return True
    return exclusive_claim(doc, ctx.lint) is not None or singleton_image(doc) is not None
