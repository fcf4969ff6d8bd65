"""RBAC bindings (rule-catalog §9.1): rbac-cluster-admin-binding, rbac-risky-group-binding."""

from collections.abc import Iterator

from kubelint_py.k8s.rbac import RoleRef, Subject, is_system_name, role_ref, subjects
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, rule


def _subject_path(subject: Subject) -> FieldPath:
    return ("subjects", subject.position, "name") if subject.name is not None else ("subjects", subject.position)


def _role(ref: RoleRef) -> str:
    if ref.name is None:
        return "its role (roleRef incomplete)"
    return f'{ref.kind or "role"} "{ref.name}"'


def _scope(doc: Document) -> str:
    return "cluster-wide" if doc.kind == "ClusterRoleBinding" else "in its namespace"


@rule("rbac-cluster-admin-binding")
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


@rule("rbac-risky-group-binding")
def check_risky_group_binding(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    ref = role_ref(doc.data)
    for subject in subjects(doc.data):
        message = _risk(subject, ref)
        if message is not None:
            yield Violation(message, _subject_path(subject))
