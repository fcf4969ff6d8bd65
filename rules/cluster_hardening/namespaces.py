"""Namespace hardening (rule-catalog §9.2, §9.3): namespace-pod-security-not-enforced,
namespace-without-default-deny."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import (
    Document,
    FieldPath,
    RuleContext,
    Violation,
    is_workload,
    quote,
    rule,
    run_rule,
)

# -- namespace-pod-security-not-enforced ----------------------------------------------

_ENFORCE = "pod-security.kubernetes.io/enforce"
_SYSTEM_NAMESPACES = frozenset(("kube-system", "kube-public", "kube-node-lease"))


@rule("namespace-pod-security-not-enforced")
def check_pod_security_label(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.name in _SYSTEM_NAMESPACES:
        return
    labels = doc.value("metadata", "labels")
    if not isinstance(labels, Mapping) or labels.get(_ENFORCE) is None:
        where: FieldPath = ("metadata", "labels") if isinstance(labels, Mapping) else ("metadata",)
        yield Violation(f"no {_ENFORCE} label: Pod Security Admission does not reject any pod here", where)
        return
    value = labels[_ENFORCE]
    path = ("metadata", "labels", _ENFORCE)
    if value == "privileged":
        yield Violation(f'{_ENFORCE}: "privileged" enforces nothing', path)
    elif not isinstance(value, str):
        yield Violation(f"{_ENFORCE} is {quote(value)}, not a level name (restricted, baseline)", path)


# -- namespace-without-default-deny ---------------------------------------------------

_NP_GROUP = "networking.k8s.io"


def is_default_deny_ingress(policy: Document) -> bool:
    """Empty podSelector, effective policyTypes containing Ingress, and no ingress rules.

    An absent `policyTypes` means `[Ingress]` (plus `Egress` when egress rules exist), as the
    API server defaults it; an absent `podSelector` is the empty selector.
    """
    spec = policy.value("spec")
    if not isinstance(spec, Mapping):
        return False
    selector = spec.get("podSelector")
    if selector is not None:
        if not isinstance(selector, Mapping):
            return False
        if any(selector.get(key) for key in ("matchLabels", "matchExpressions")):
            return False
    types = spec.get("policyTypes")
    if types is None:
        has_ingress = True
    elif isinstance(types, list):
        has_ingress = "Ingress" in types
    else:
        return False
    ingress = spec.get("ingress")
    return has_ingress and (ingress is None or ingress == [])


def _network_policies(ctx: RuleContext) -> list[Document]:
    return [doc for doc in ctx.of_kind("NetworkPolicy") if doc.group == _NP_GROUP]


@run_rule("namespace-without-default-deny")
def check_default_deny(ctx: RuleContext) -> Iterator[tuple[Document, Violation]]:
    policies = _network_policies(ctx)
    if not policies and not ctx.assume_complete:
        return
    protected: set[str] = set()
    by_namespace: dict[str, list[Document]] = {}
    for policy in policies:
        namespace = ctx.namespace_of(policy) or ""
        by_namespace.setdefault(namespace, []).append(policy)
        if is_default_deny_ingress(policy):
            protected.add(namespace)
    # Where to report: a Namespace object reported on (target) first, else the first target workload.
    declared: dict[str, Document] = {}
    workloads: dict[str, Document] = {}
    order: list[str] = []
    for doc in ctx.lint.documents:
        if doc.kind == "Namespace" and doc.group == "" and doc.name:
            namespace, table = doc.name, declared
        elif doc.kind != "PodTemplate" and is_workload(doc):
            namespace, table = ctx.namespace_of(doc) or "", workloads
        else:
            continue
        if namespace not in declared and namespace not in workloads:
            order.append(namespace)
        if namespace not in table or (doc.is_target and not table[namespace].is_target):
            table[namespace] = doc
    for namespace in order:
        if namespace in protected:
            continue
        others = by_namespace.get(namespace, [])
        if len(others) == 1:
            detail = "its only NetworkPolicy does not select every pod with policyTypes [Ingress] and no ingress rules"
        elif others:
            detail = (
                f"none of its {len(others)} NetworkPolicies selects every pod with policyTypes [Ingress] "
                f"and no ingress rules"
            )
        else:
            detail = "it has no NetworkPolicy at all"
        related = tuple(
            (p, ("spec", "podSelector"), "NetworkPolicy of this namespace, not a default-deny") for p in others[:5]
        )
        target = declared.get(namespace)
        if target is not None and (target.is_target or namespace not in workloads):
            yield (
                target,
                Violation(
                    f'namespace "{namespace}" has no default-deny ingress NetworkPolicy ({detail})',
                    ("metadata", "name"),
                    related=related,
                ),
            )
            continue
        if not ctx.assume_complete:
            # a namespace the input only deploys into belongs to whoever created it: a chart or
            # an app bundle cannot own its default policy (a `podSelector: {}` deny it shipped
            # would cut off every other tenant of the namespace)
            continue
        workload = workloads[namespace]
        path: FieldPath = ("metadata", "namespace") if workload.namespace else ("metadata",)
        yield (
            workload,
            Violation(
                f'namespace "{namespace}" of this workload has no default-deny ingress NetworkPolicy ({detail})',
                path,
                related=related,
            ),
        )
