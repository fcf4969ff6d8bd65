"""namespace-not-declared (rule-catalog §3; cross-object, guard: ≥1 Namespace in the input)."""

from collections.abc import Iterator

from kubelint_py.k8s.workloads import is_namespaced
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

# Namespaces every cluster creates itself.
SYSTEM_NAMESPACES = frozenset(("default", "kube-system", "kube-public", "kube-node-lease"))

_FAIL = """\
apiVersion: v1
kind: Namespace
metadata: {name: payments}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: billing}
data: {LOG_LEVEL: info}
"""


@rule(
    id="namespace-not-declared",
    title="Object's namespace is not declared in the bundle",
    document="cluster-migration",
    severity=Severity.INFO,
    category="portability",
    cross_object=True,
    rationale="""
A namespaced object can only be created in a namespace that already exists: applied to a fresh
target cluster, it fails with `namespaces "<name>" not found`, and tools that apply in one pass
(kubectl apply -f dir/, Argo CD, Flux) leave the application half-deployed. The namespace
existed in the source cluster but is not part of the bundle. The rule is only evaluated when the
input declares at least one Namespace (or with `--assume-complete`): otherwise namespaces are
evidently managed elsewhere. The namespaces every cluster creates (`default`, `kube-system`,
`kube-public`, `kube-node-lease`) are never reported, and neither is a namespace that only the
`--namespace` option supplies.
""",
    remediation="Add the Namespace object to the bundle, applied before the objects in it.",
    examples=(_FAIL, _FAIL.replace("namespace: billing", "namespace: payments")),
    references=(
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/",
        "https://kubernetes.io/docs/tasks/administer-cluster/namespaces/#creating-a-new-namespace",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "Namespace" or not is_namespaced(doc.kind):
        return
    namespace = doc.string("metadata", "namespace")
    if not namespace or namespace in SYSTEM_NAMESPACES:
        return
    if not ctx.guard("Namespace"):
        return
    if ctx.get("Namespace", None, namespace) is not None:
        return
    yield Violation(
        f"metadata.namespace {quote(namespace)} is not declared by a Namespace object in the input; "
        "a fresh target cluster rejects the object until the namespace exists",
        ("metadata", "namespace"),
    )
