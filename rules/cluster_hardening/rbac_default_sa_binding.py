"""rbac-default-service-account-binding (rule-catalog §9.1)."""

from collections.abc import Iterator

from kubelint_py.k8s.rbac import RoleRef, Subject, is_system_name, role_ref, subjects
from kubelint_py.rule_api import Document, RuleContext, Violation, rule

_SA_USER_PREFIX = "system:serviceaccount:"


def _default_account_namespace(subject: Subject, binding_namespace: str | None) -> tuple[bool, str | None]:
    """Whether the subject is a namespace's `default` ServiceAccount, and which namespace.

    A ServiceAccount subject without a namespace means the binding's namespace in a
    RoleBinding; the User form `system:serviceaccount:<ns>:default` is the same identity."""
    if subject.kind == "ServiceAccount" and subject.name == "default":
        return True, subject.namespace or binding_namespace
    if subject.kind == "User" and subject.name is not None and subject.name.startswith(_SA_USER_PREFIX):
        namespace, _, name = subject.name[len(_SA_USER_PREFIX) :].partition(":")
        if name == "default" and namespace:
            return True, namespace
    return False, None


def _granted(ref: RoleRef) -> str:
    if ref.name is None:
        return "its role"
    return f'{ref.kind or "role"} "{ref.name}"'


@rule("rbac-default-service-account-binding")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if is_system_name(doc.name):
        return
    binding_namespace = ctx.namespace_of(doc) if doc.kind == "RoleBinding" else None
    granted = _granted(role_ref(doc.data)) + (" cluster-wide" if doc.kind == "ClusterRoleBinding" else "")
    for subject in subjects(doc.data):
        is_default, namespace = _default_account_namespace(subject, binding_namespace)
        if not is_default:
            continue
        account = f'the default ServiceAccount of namespace "{namespace}"' if namespace else "a default ServiceAccount"
        where = f'namespace "{namespace}"' if namespace else "its namespace"
        yield Violation(
            f"grants {granted} to {account}: every pod of {where} that names no ServiceAccount inherits it",
            ("subjects", subject.position, "name"),
        )
