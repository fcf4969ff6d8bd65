"""rbac-secrets-list-watch (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: config-reader, namespace: prod}
rules:
  - apiGroups: [""]
    resources: [configmaps, secrets]
    verbs: [get, list, watch]
"""
_PASS = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: config-reader, namespace: prod}
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [secrets]
    resourceNames: [app-config]
    verbs: [get]
"""

BROAD_VERBS = ("list", "watch", "*")


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@rule(
    id="rbac-secrets-list-watch",
    title="Role can list or watch Secrets",
    document="secret-management",
    severity=Severity.WARNING,
    kind_groups=("rbac-role",),
    rationale="""
`list` and `watch` on Secrets return the full objects, values included, not just names: a
subject with either verb reads every Secret of the namespace (every namespace for a
ClusterRole bound cluster-wide), including service-account tokens and TLS keys. `get` on named
Secrets is enough for applications. Rules restricted with `resourceNames` are not reported:
the API server then only allows list/watch requests that select those names with a
`metadata.name` field selector. Built-in `system:*` roles and aggregated ClusterRoles (whose
rules are computed from other roles) are skipped.
""",
    remediation="Grant `get` on the specific Secrets (`resourceNames`) only.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources",
        "CIS Kubernetes Benchmark 5.1.2",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.name.startswith("system:"):
        return
    if doc.kind == "ClusterRole" and doc.value("aggregationRule") is not None:
        return
    for i, entry in enumerate(doc.sequence("rules")):
        if not isinstance(entry, Mapping):
            continue
        groups = _strings(entry.get("apiGroups"))
        resources = [r.lower() for r in _strings(entry.get("resources"))]
        if not ("" in groups or "*" in groups) or not ("secrets" in resources or "*" in resources):
            continue
        if _strings(entry.get("resourceNames")):
            continue
        verbs = _strings(entry.get("verbs"))
        broad = [v for v in verbs if v.lower() in BROAD_VERBS]
        if broad:
            what = "every resource, Secrets included" if "secrets" not in resources else "secrets"
            shown = ", ".join(f'"{v}"' for v in broad)
            yield Violation(
                f"rule #{i} grants {shown} on {what}: every Secret value is readable", ("rules", i, "verbs")
            )
