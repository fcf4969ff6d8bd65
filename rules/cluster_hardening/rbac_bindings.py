"""RBAC bindings (rule-catalog §9.1): rbac-cluster-admin-binding, rbac-risky-group-binding."""

from collections.abc import Iterator

from kubelint_py.k8s.rbac import RoleRef, Subject, is_system_name, role_ref, subjects
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Severity, Violation, rule

_CLUSTER_ADMIN_FAIL = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice@example.com}
"""

_CLUSTER_ADMIN_PASS = _CLUSTER_ADMIN_FAIL.replace("name: cluster-admin", "name: ops-readonly")


def _subject_path(subject: Subject) -> FieldPath:
    return ("subjects", subject.position, "name") if subject.name is not None else ("subjects", subject.position)


def _role(ref: RoleRef) -> str:
    if ref.name is None:
        return "its role (roleRef incomplete)"
    return f'{ref.kind or "role"} "{ref.name}"'


def _scope(doc: Document) -> str:
    return "cluster-wide" if doc.kind == "ClusterRoleBinding" else "in its namespace"


@rule(
    id="rbac-cluster-admin-binding",
    title="Binding grants cluster-admin to a user, group or service account",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kinds=("ClusterRoleBinding", "RoleBinding"),
    security_severity="9.0",
    rationale="""
`cluster-admin` allows every verb on every resource. Whoever holds it (a person, a CI job, a
workload's ServiceAccount) can read every Secret, create privileged pods on any node and grant
themselves anything else, so one stolen token or compromised pod becomes the whole cluster.
Through a RoleBinding it is still full control of the namespace, Secrets and RBAC included.
Subjects named `system:...` are Kubernetes' own components and are not reported.
""",
    remediation="Bind a purpose-built Role or ClusterRole that lists only the verbs and resources the subject needs.",
    examples=(_CLUSTER_ADMIN_FAIL, _CLUSTER_ADMIN_PASS),
    references=(
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles",
        "CIS Kubernetes Benchmark 5.1.1",
    ),
)
def check_cluster_admin_binding(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    ref = role_ref(doc.data)
    if ref.kind != "ClusterRole" or ref.name != "cluster-admin":
        return
    for subject in subjects(doc.data):
        if subject.name is None or is_system_name(subject.name):
            continue
        yield Violation(
            f'grants ClusterRole "cluster-admin" {_scope(doc)} to {subject.describe()}', _subject_path(subject)
        )


_RISKY_FAIL = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: public-read}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}
"""

_RISKY_PASS = _RISKY_FAIL.replace("system:unauthenticated", "support-team")

# Groups and users that must never appear in a binding.
_ANONYMOUS_GROUPS = {
    "system:anonymous": "anonymous requests",
    "system:unauthenticated": "every unauthenticated request",
}
_DISCOVERY_ROLES = frozenset(("system:basic-user", "system:discovery", "system:public-info-viewer"))


def _risk(subject: Subject, ref: RoleRef) -> str | None:
    if subject.kind == "Group" and subject.name in _ANONYMOUS_GROUPS:
        return f'grants {_role(ref)} to {_ANONYMOUS_GROUPS[subject.name]} (Group "{subject.name}")'
    if subject.kind == "User" and subject.name == "system:anonymous":
        return f'grants {_role(ref)} to anonymous requests (User "system:anonymous")'
    if subject.kind == "Group" and subject.name == "system:masters":
        return (
            'binds Group "system:masters", whose members bypass RBAC altogether; '
            "certificates issued into it cannot be revoked"
        )
    if subject.kind == "Group" and subject.name == "system:authenticated":
        if ref.kind == "ClusterRole" and ref.name in _DISCOVERY_ROLES:
            return None
        return (
            f'grants {_role(ref)} to every authenticated identity (Group "system:authenticated"), '
            f"every ServiceAccount of every namespace included"
        )
    return None


@rule(
    id="rbac-risky-group-binding",
    title="Binding grants access to anonymous, all authenticated or system:masters subjects",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kinds=("ClusterRoleBinding", "RoleBinding"),
    security_severity="8.0",
    rationale="""
`system:anonymous` and `system:unauthenticated` are whoever can reach the API server without
credentials; `system:authenticated` is every user and every ServiceAccount token of every
namespace, so anything bound to it is granted to each compromised pod. Members of
`system:masters` bypass authorization entirely and the group cannot be revoked short of
rotating the cluster CA. Only the built-in discovery roles (`system:basic-user`,
`system:discovery`, `system:public-info-viewer`) are meant for `system:authenticated`.
""",
    remediation="Remove the subject from the binding and bind the specific users, groups or ServiceAccounts instead.",
    examples=(_RISKY_FAIL, _RISKY_PASS),
    references=(
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles",
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "CIS Kubernetes Benchmark 5.1.7",
    ),
)
def check_risky_group_binding(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    ref = role_ref(doc.data)
    for subject in subjects(doc.data):
        message = _risk(subject, ref)
        if message is not None:
            yield Violation(message, _subject_path(subject))
