"""networkpolicy-egress-blocks-dns and networkpolicy-ingress-omits-service-port (rule-catalog §2)."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from itertools import islice
from operator import itemgetter

from kubelint_py.k8s.netpol import (
    PolicyPort,
    PolicyRule,
    allows_dns,
    policy_rules,
    policy_types,
    policy_types_path,
    rule_ports,
)
from kubelint_py.k8s.ports import declared_ports, find_named_port, service_ports
from kubelint_py.rule_api import (
    Document,
    FieldPath,
    LabelSelector,
    PodTemplate,
    RuleContext,
    Violation,
    run_rule,
    selector_from_label_selector,
)


class _Group:
    """The NetworkPolicies of one namespace with the same pod selector (and so the same pods),
    in input order, with what the rules ask of them, worked out once for the group."""

    __slots__ = ("_dns", "_ingress", "policies")

    def __init__(self) -> None:
        self.policies: list[tuple[int, Document]] = []  # (position among all policies, policy)
        self._dns: bool | None = None
        self._ingress: tuple[list[tuple[int, Document, PolicyRule]], bool, list[PolicyPort]] | None = None

    def allows_dns(self) -> bool:
        """Some egress rule of some policy of the group allows DNS."""
        if self._dns is None:
            self._dns = any(allows_dns(r.data) for _, policy in self.policies for r in policy_rules(policy, "egress"))
        return self._dns

    def ingress(self) -> tuple[list[tuple[int, Document, PolicyRule]], bool, list[PolicyPort]]:
        """(the ingress rules with their policies, some rule allows every port, the ports the
        others list)."""
        if self._ingress is None:
            rules = [(at, policy, r) for at, policy in self.policies for r in policy_rules(policy, "ingress")]
            listed = [rule_ports(r.data) for _, _, r in rules]
            self._ingress = (
                rules,
                any(ports is None for ports in listed),
                [port for ports in listed if ports is not None for port in ports],
            )
        return self._ingress


class _Selecting:
    """The policies selecting one pod template: groups of policies, merged in input order only
    for the few a message names."""

    __slots__ = ("groups",)

    def __init__(self) -> None:
        self.groups: list[_Group] = []

    def __len__(self) -> int:
        return sum(len(group.policies) for group in self.groups)

    def first(self, count: int) -> list[Document]:
        merged = heapq.merge(*(group.policies for group in self.groups), key=itemgetter(0))
        return [policy for _, policy in islice(merged, count)]


def _policies_by_template(ctx: RuleContext, policy_type: str) -> list[tuple[PodTemplate, _Selecting]]:
    """Pod templates selected by at least one NetworkPolicy of `policy_type` (after API
    defaulting of policyTypes), with those policies. One indexed query per distinct selector of
    a namespace, and each template paired with the groups of policies sharing a selector, not
    with every policy: a namespace's default-deny policies (`podSelector: {}`) each select
    every pod of the namespace, which made these rules quadratic (policies x templates). Helm
    hook and test pods count here: they are no Service backends, but they run and are policed."""
    groups: dict[tuple[str, LabelSelector], _Group] = {}
    for position, policy in enumerate(ctx.of_kind("NetworkPolicy")):
        if policy_type not in policy_types(policy):
            continue
        namespace = ctx.namespace_of(policy)
        if namespace is None:
            continue
        # podSelector is required; an absent one is the empty selector (every pod), as in Go.
        selector = selector_from_label_selector(policy.value("spec", "podSelector")) or LabelSelector()
        group = groups.get((namespace, selector))
        if group is None:
            group = groups[(namespace, selector)] = _Group()
        group.policies.append((position, policy))
    found: dict[int, tuple[PodTemplate, _Selecting]] = {}
    # groups in the order of their first policy: templates come in the order of the first policy
    # selecting them, as when every policy was queried
    for (namespace, selector), group in groups.items():
        matched = (
            *ctx.pod_templates_matching(selector, namespace),
            *ctx.lint.hook_templates_matching(selector, namespace),
        )
        for template in matched:
            if template.doc.is_target:
                entry = found.get(id(template.doc))
                if entry is None:
                    entry = found[id(template.doc)] = (template, _Selecting())
                entry[1].groups.append(group)
    return list(found.values())


def _policies(policies: _Selecting) -> str:
    return f"NetworkPolic{'y' if len(policies) == 1 else 'ies'} {_names(policies)}"


def _names(policies: _Selecting, limit: int = 3) -> str:
    names = [p.name or "?" for p in policies.first(limit)]
    total = len(policies)
    return ", ".join(names) + (f" and {total - limit} more" if total > limit else "")


@run_rule("networkpolicy-egress-blocks-dns")
def check_egress_dns(ctx: RuleContext) -> Iterator[tuple[Document, Violation]]:
    for template, policies in _policies_by_template(ctx, "Egress"):
        if any(group.allows_dns() for group in policies.groups):
            continue
        related = tuple(
            (p, policy_types_path(p) if p.has("spec", "policyTypes") else ("spec", "egress"), "egress restricted here")
            for p in policies.first(5)
        )
        yield (
            template.doc,
            Violation(
                f"egress of these pods is restricted by {_policies(policies)} and no egress rule allows DNS"
                " (port 53 UDP/TCP), so every name lookup times out",
                template.labels_path,
                related,
            ),
        )


def _target_keys(template: PodTemplate, ctx: RuleContext) -> list[tuple[int | None, str | None, str, str]]:
    """(port number, port name, protocol, description) of every targetPort of the Services
    selecting the template, resolved against the template's container ports."""
    ports = declared_ports(template.doc)
    keys: list[tuple[int | None, str | None, str, str]] = []
    for service in ctx.lint.services_selecting(template):
        for service_port in service_ports(service):
            target = service_port.target
            if isinstance(target, str):
                found = find_named_port(ports, target, service_port.protocol)
                number = found.number if found is not None else None
                shown = f"{target} ({number})" if number is not None else target
                keys.append((number, target, service_port.protocol, f"{shown}/{service_port.protocol}"))
            elif isinstance(target, int):
                named = [p.name for p in ports if p.number == target and p.protocol == service_port.protocol]
                name = next((n for n in named if n), None)
                keys.append((target, name, service_port.protocol, f"{target}/{service_port.protocol}"))
    return keys


def _allowed(port: PolicyPort, key: tuple[int | None, str | None, str, str]) -> bool:
    number, name, protocol, _ = key
    return port.matches(number, name, protocol)


@run_rule("networkpolicy-ingress-omits-service-port")
def check_ingress_ports(ctx: RuleContext) -> Iterator[tuple[Document, Violation]]:
    for template, policies in _policies_by_template(ctx, "Ingress"):
        ingress = [group.ingress() for group in policies.groups]
        if not any(rules for rules, _, _ in ingress) or any(every for _, every, _ in ingress):
            continue  # deny all, or some rule allows every port
        if not ctx.lint.is_serving(template):
            continue
        keys = _target_keys(template, ctx)
        allowed = [port for _, _, ports in ingress for port in ports]
        if not keys or any(_allowed(port, key) for port in allowed for key in keys):
            continue
        rules = heapq.merge(*(rules for rules, _, _ in ingress), key=itemgetter(0))  # in input order
        related: list[tuple[Document, FieldPath, str]] = [
            (policy, (*r.path, "ports"), "ingress ports listed here") for _, policy, r in islice(rules, 5)
        ]
        targets = ", ".join(sorted({key[3] for key in keys}))
        listed = ", ".join(sorted({port.describe() for port in allowed})) or "none"
        yield (
            template.doc,
            Violation(
                f"ingress to these pods is restricted by {_policies(policies)}, allowing only ports"
                f" {listed}, not the Service target port(s) {targets}, so traffic through the Service is dropped",
                template.labels_path,
                tuple(related),
            ),
        )
