"""namespace-not-declared (rule-catalog §3; cross-object, guard: ≥1 Namespace in the input)."""

from collections.abc import Iterator

from kubelint_py.k8s.workloads import is_namespaced
from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

# Namespaces every cluster creates itself.
SYSTEM_NAMESPACES = frozenset(("default", "kube-system", "kube-public", "kube-node-lease"))


@rule("namespace-not-declared")
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
