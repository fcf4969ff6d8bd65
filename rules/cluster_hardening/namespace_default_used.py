"""namespace-default-used (rule-catalog §9.3)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.rbac import role_ref, subjects
from kubelint_py.rule_api import Document, RuleContext, Violation, is_workload, rule

DEFAULT_NAMESPACE = "default"
RBAC_GROUP = "rbac.authorization.k8s.io"
# kind -> the API groups in which the catalog's kinds live (workloads are recognised apart)
_KIND_GROUPS: dict[str, frozenset[str]] = {
    "Service": frozenset(("",)),
    "ConfigMap": frozenset(("",)),
    "Secret": frozenset(("",)),
    "ServiceAccount": frozenset(("",)),
    "PersistentVolumeClaim": frozenset(("",)),
    "Role": frozenset(("rbac.authorization.k8s.io",)),
    "RoleBinding": frozenset(("rbac.authorization.k8s.io",)),
    "Ingress": frozenset(("networking.k8s.io", "extensions")),
    "NetworkPolicy": frozenset(("networking.k8s.io", "extensions")),
    "PodDisruptionBudget": frozenset(("policy",)),
    "HorizontalPodAutoscaler": frozenset(("autoscaling",)),
}
# objects Kubernetes itself keeps in the default namespace
_BUILT_IN = frozenset(
    (
        ("ServiceAccount", "default"),
        ("Service", "kubernetes"),
        ("ConfigMap", "kube-root-ca.crt"),
    )
)


def _grants_to_others(binding: Document, namespace: str) -> bool:
    """A RoleBinding that opens `namespace` to subjects deployed elsewhere (ServiceAccounts
    of other namespaces, users, groups): it has to live where the access is granted."""
    found = subjects(binding.data)
    return bool(found) and not any(
        s.kind == "ServiceAccount" and (s.namespace or namespace) == namespace for s in found
    )


def _roles_granted_to_others(ctx: RuleContext) -> frozenset[tuple[str, str]]:
    """(namespace, Role name) of the Roles a cross-namespace RoleBinding binds, once per run."""

    def build() -> frozenset[tuple[str, str]]:
        found = set()
        for binding in ctx.of_kind("RoleBinding"):
            namespace = ctx.namespace_of(binding) or ""
            ref = role_ref(binding.data)
            if (
                binding.group == RBAC_GROUP
                and ref.kind == "Role"
                and ref.name
                and _grants_to_others(binding, namespace)
            ):
                found.add((namespace, ref.name))
        return frozenset(found)

    return ctx.lint.cached(("namespace-default-used", "cross-namespace roles"), build)


def _cross_namespace_grant(doc: Document, ctx: RuleContext, namespace: str) -> bool:
    """A Role or RoleBinding that grants access to this namespace for what runs elsewhere
    (kube-prometheus' Role for Prometheus to discover the `kubernetes` Service's endpoints)."""
    if doc.group != RBAC_GROUP:
        return False
    if doc.kind == "RoleBinding":
        return _grants_to_others(doc, namespace)
    return (namespace, doc.name) in _roles_granted_to_others(ctx)


def _in_scope(doc: Document) -> bool:
    groups = _KIND_GROUPS.get(doc.kind)
    return (groups is not None and doc.group in groups) or is_workload(doc)


@rule("namespace-default-used")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not _in_scope(doc) or (doc.kind, doc.name) in _BUILT_IN:
        return
    if ctx.namespace_of(doc) != DEFAULT_NAMESPACE:
        return
    if doc.kind in ("Role", "RoleBinding") and _cross_namespace_grant(doc, ctx, DEFAULT_NAMESPACE):
        return
    if doc.namespace == DEFAULT_NAMESPACE:
        yield Violation('metadata.namespace is "default"', ("metadata", "namespace"))
    else:
        yield Violation(
            'no metadata.namespace and the run names no other (--namespace): it lands in "default"',
            ("metadata", "namespace"),
        )
