"""statefulset-headless-service-missing (rule-catalog §2)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

_FAIL = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres, namespace: db}
spec:
  serviceName: postgres-headless
  selector: {matchLabels: {app: postgres}}
  template:
    metadata: {labels: {app: postgres}}
    spec:
      containers: [{name: postgres, image: "postgres:16.4", ports: [{name: pg, containerPort: 5432}]}]
---
apiVersion: v1
kind: Service
metadata: {name: postgres-headless, namespace: db}
spec:
  selector: {app: postgres}
  ports: [{name: pg, port: 5432}]
"""


@rule(
    id="statefulset-headless-service-missing",
    title="StatefulSet governing Service is missing or not headless",
    document="network-connectivity",
    severity=Severity.ERROR,
    kinds=("StatefulSet",),
    category="networking",
    cross_object=True,
    rationale="""
A StatefulSet's stable network identities (`<pod>.<serviceName>.<namespace>.svc`) exist
only when `spec.serviceName` names a headless Service (`clusterIP: None`) in the same
namespace. Without it, or with a normal ClusterIP Service of that name, the per-pod DNS
records are never created: database replicas, Kafka brokers or etcd members that find
their peers by those names fail to form a cluster. Only evaluated when the input holds at
least one Service (or `--assume-complete`).
""",
    remediation="Create a Service named like `spec.serviceName` with `clusterIP: None` selecting the pods.",
    examples=(
        _FAIL,
        _FAIL.replace("  selector: {app: postgres}\n", "  clusterIP: None\n  selector: {app: postgres}\n"),
    ),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id",
        "https://kubernetes.io/docs/concepts/services-networking/service/#headless-services",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    name = doc.value("spec", "serviceName")
    if not isinstance(name, str) or not name or not ctx.guard("Service"):
        return
    namespace = ctx.namespace_of(doc)
    service = ctx.get("Service", namespace, name)
    if service is None:
        yield Violation(f"serviceName {quote(name)} names no Service in namespace {namespace}", ("spec", "serviceName"))
        return
    cluster_ip = service.value("spec", "clusterIP")
    if cluster_ip != "None":
        shown = "absent, so a cluster IP is allocated" if cluster_ip is None else quote(cluster_ip)
        where = ("spec", "clusterIP") if service.has("spec", "clusterIP") else ("spec",)
        yield Violation(
            f"Service {quote(name)} named by serviceName is not headless (clusterIP {shown}; it must be None)",
            ("spec", "serviceName"),
            ((service, where, "governing Service defined here"),),
        )
