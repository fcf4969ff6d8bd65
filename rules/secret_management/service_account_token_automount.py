"""service-account-token-automount (rule-catalog §6)."""

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from kubelint_py.rule_api import (
    DocType,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)


@rule("service-account-token-automount")
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
    namespace = ctx.namespace_of(doc) or "default"
    if _bound_accounts(ctx).covers(namespace, account):
        return  # granted API access in the input: the pod calls the API and needs its token
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


_SA_GROUP = "system:serviceaccounts"


class _Bound(NamedTuple):
    """Service accounts that RoleBindings and ClusterRoleBindings of the input name as subjects."""

    accounts: frozenset[tuple[str, str]]  # (namespace, name)
    namespaces: frozenset[str]  # every account of these namespaces (group system:serviceaccounts:<ns>)
    everyone: bool  # group system:serviceaccounts

    def covers(self, namespace: str, name: str) -> bool:
        return self.everyone or namespace in self.namespaces or (namespace, name) in self.accounts


def _bound_accounts(ctx: RuleContext) -> _Bound:
    return ctx.lint.cached(("service-account-token-automount", "bound"), lambda: _collect_bound(ctx))


def _collect_bound(ctx: RuleContext) -> _Bound:
    accounts: set[tuple[str, str]] = set()
    namespaces: set[str] = set()
    everyone = False
    for binding in ctx.of_kind("RoleBinding", "ClusterRoleBinding"):
        home = ctx.namespace_of(binding) if binding.kind == "RoleBinding" else None
        for subject in binding.sequence("subjects"):
            if not isinstance(subject, Mapping):
                continue
            kind, name, namespace = subject.get("kind"), subject.get("name"), subject.get("namespace")
            namespace = namespace if isinstance(namespace, str) and namespace else home
            if kind == "ServiceAccount" and isinstance(name, str) and namespace:
                accounts.add((namespace, name))
            elif kind == "Group" and name == _SA_GROUP:
                everyone = True
            elif kind == "Group" and isinstance(name, str) and name.startswith(_SA_GROUP + ":"):
                namespaces.add(name[len(_SA_GROUP) + 1 :])
    return _Bound(frozenset(accounts), frozenset(namespaces), everyone)
