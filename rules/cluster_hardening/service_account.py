"""default-service-account-used (rule-catalog §9.1)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.rule_api import DocType, Document, RuleContext, Severity, Violation, pod_spec, pod_spec_path, rule

_FAIL = workload(namespace="prod", containers=pod_container(image="nginx:1.27"))

_PASS = _FAIL.replace("    spec:\n      containers:", "    spec:\n      serviceAccountName: web\n      containers:")

# Static control-plane pods cannot reference API objects, ServiceAccounts included.
_STATIC_POD_TYPES = frozenset((DocType.APISERVER_STATIC_POD, DocType.ETCD_STATIC_POD, DocType.CONTROL_PLANE_STATIC_POD))


@rule(
    id="default-service-account-used",
    title="Workload runs as the namespace's default ServiceAccount",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
Every pod that names no ServiceAccount runs as the namespace's `default` one, so all of them
share one identity: a permission granted to `default` for one workload is granted to every
workload of the namespace, audit logs cannot tell them apart, and a compromised pod's token
is worth whatever the most privileged of them needed. `serviceAccountName` wins over the
deprecated `serviceAccount`; an empty value means `default`. Static control-plane pods are
skipped (they cannot reference ServiceAccounts).
""",
    remediation="Create a dedicated ServiceAccount per workload and set `serviceAccountName`.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts",
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "CIS Kubernetes Benchmark 5.1.5",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or doc.doc_type in _STATIC_POD_TYPES:
        return
    spec = pod_spec(doc)
    for field in ("serviceAccountName", "serviceAccount"):
        value = spec.get(field)
        if isinstance(value, str) and value:
            if value == "default":
                yield Violation(
                    f'{field}: "default" runs the pods as the namespace\'s default ServiceAccount', (*spec_path, field)
                )
            return
    yield Violation("no serviceAccountName: the pods run as the namespace's default ServiceAccount", spec_path)
