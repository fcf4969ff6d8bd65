"""service-account-token-automount (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.rule_api import (
    DocType,
    Document,
    FieldPath,
    RuleContext,
    Severity,
    Violation,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)

_FAIL = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: registry.example.com/web:3.2
"""
_PASS = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: prod}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: registry.example.com/web:3.2
"""


@rule(
    id="service-account-token-automount",
    title="Service-account token mounted into a pod that may not need it",
    document="secret-management",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    cross_object=True,
    rationale="""
Unless `automountServiceAccountToken: false` is set, every container gets an API token at
`/var/run/secrets/kubernetes.io/serviceaccount/token`. Most applications never call the
Kubernetes API, but anyone who gets code execution in the pod can use the token with whatever
RBAC the service account has (often more than intended, or the namespace's `default` account
that other workloads share). The pod's field overrides the ServiceAccount's; when the
ServiceAccount is not in the input its setting is unknown and the pod is reported. Static
control-plane pods are skipped: the kubelet never mounts tokens into static pods.
""",
    remediation="Set `automountServiceAccountToken: false` on the pod or its ServiceAccount unless the pod calls "
    "the API; mount a projected token where it does.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"
        "#opt-out-of-api-credential-automounting",
        "CIS Kubernetes Benchmark 5.1.6",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or doc.doc_type is not DocType.K8S_OBJECT or doc.kind == "PodTemplate":
        return
    spec = pod_spec(doc)
    path: FieldPath = (*spec_path, "automountServiceAccountToken")
    pod_value = spec.get("automountServiceAccountToken")
    if pod_value is False:
        return
    account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    if not isinstance(account, str):
        return
    if pod_value is True:
        yield Violation(
            f"sets automountServiceAccountToken: true, so service account {quote(account)}'s token "
            "is mounted into every container",
            path,
        )
        return
    sa = ctx.get("ServiceAccount", ctx.namespace_of(doc), account)
    if sa is None:
        yield Violation(
            f"does not set automountServiceAccountToken: false and its service account "
            f"{quote(account)} is not in the input, so the API token is mounted",
            path,
        )
    elif sa.value("automountServiceAccountToken") is not False:
        yield Violation(
            f"mounts the API token of service account {quote(account)}: neither the pod nor the ServiceAccount "
            "sets automountServiceAccountToken: false",
            path,
            related=((sa, ("automountServiceAccountToken",), "ServiceAccount does not disable automounting"),),
        )
