"""single-replica-serving-workload (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import scalers_targeting, serving_services
from kubelint_py.k8s.workloads import is_deployment_like
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: app, image: "shop/web:1.4.2"}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""


@rule(
    id="single-replica-serving-workload",
    title="Serving workload runs a single replica",
    document="traffic-spike",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="reliability",
    cross_object=True,
    rationale="""
A Deployment or StatefulSet behind a Service with one replica and no autoscaler has no
spare capacity and no redundancy: a spike saturates the only pod, and a node drain, a
rollout or an OOM kill takes the whole service down until a replacement is scheduled and
ready.
""",
    remediation="Run at least 2 replicas, or add an HPA with `minReplicas` ≥ 2.",
    examples=(_FAIL, _FAIL.replace("replicas: 1", "replicas: 3")),
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/deployment/",),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind != "StatefulSet" and not is_deployment_like(doc):
        return
    if ctx.lint.effective_replicas(doc) != 1:
        return
    services = serving_services(ctx.lint, doc)
    if not services or scalers_targeting(ctx.lint, doc):
        return
    shown = "spec.replicas is 1" if doc.value("spec", "replicas") is not None else "spec.replicas is unset (1)"
    yield Violation(
        f'{shown} and no autoscaler, but Service "{services[0].name}" sends traffic to it',
        ("spec", "replicas"),
        related=tuple((svc, ("spec", "selector"), "Service selecting the workload") for svc in services[:3]),
    )
