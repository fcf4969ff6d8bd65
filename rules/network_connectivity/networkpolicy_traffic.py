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
    Severity,
    Violation,
    run_rule,
    selector_from_label_selector,
)

_REFERENCES = (
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
    "https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/",
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


_DNS_FAIL = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: postgres}}}]
      ports: [{port: 5432, protocol: TCP}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "registry.example.com/api:2.3"}]
"""

_DNS_PASS = _DNS_FAIL.replace(
    "      ports: [{port: 5432, protocol: TCP}]\n",
    "      ports: [{port: 5432, protocol: TCP}]\n"
    "    - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n"
    "      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n",
)


@run_rule(
    id="networkpolicy-egress-blocks-dns",
    title="Egress NetworkPolicy blocks DNS for the pods it selects",
    document="network-connectivity",
    severity=Severity.ERROR,
    kinds=("NetworkPolicy",),
    kind_groups=("workload",),
    category="networking",
    cross_object=True,
    rationale="""
Once any NetworkPolicy with `Egress` in its policy types selects a pod, that pod may only
send traffic the union of those policies' egress rules allows. If none of the rules allows
port 53, every name lookup (including cluster Service names through CoreDNS/kube-dns)
times out, and the application reports "connection timeout" or "unknown host" for every
dependency: the classic symptom of a default-deny egress policy that forgot DNS. A rule
allows DNS when it has no `ports` (all ports), or a port entry that covers 53 (`port: 53`,
a range with `endPort` that includes 53, or no `port` at all) or is named `dns`/`dns-tcp`,
with protocol UDP, TCP or absent; destinations are not evaluated. Following the API
server's defaulting, a policy without `policyTypes` is an egress policy only when its
`egress` list is non-empty (the catalog says "has an `egress` key"; an empty `egress: []`
without `policyTypes` defaults to Ingress only and restricts no egress). The finding is
reported on each selected workload, with the restricting policies as related locations.
""",
    remediation=(
        "Add an egress rule allowing UDP and TCP port 53 to kube-dns/CoreDNS (namespaceSelector for"
        " kube-system, podSelector `k8s-app: kube-dns`)."
    ),
    examples=(_DNS_FAIL, _DNS_PASS),
    references=(
        *_REFERENCES,
        "https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/",
    ),
)
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


_INGRESS_FAIL = """\
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:2.3
          ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
      ports: [{port: 9090}]
"""


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


@run_rule(
    id="networkpolicy-ingress-omits-service-port",
    title="Ingress NetworkPolicy does not allow the Service's target port",
    document="network-connectivity",
    severity=Severity.WARNING,
    kinds=("NetworkPolicy",),
    kind_groups=("workload",),
    category="networking",
    cross_object=True,
    rationale="""
A Service delivers traffic to its pods on the `targetPort`. When a serving workload is
selected by ingress NetworkPolicies whose rules all list `ports` and none of those ports
is a target port of the Services in front of it, every client connection through the
Service is dropped and times out, although the Service, its endpoints and the pods all
look healthy; often the policy allows the Service `port` (80) instead of the container's
`targetPort` (8080), since policies see the pod port after kube-proxy's translation.
Named ports on either side are resolved against the pod's container ports, and protocols
(default TCP) must match. Workloads whose policies have no ingress rules at all (deny all)
or a rule without `ports` (all ports) are not reported.
""",
    remediation="Add the Service's `targetPort` (container port number or name) to the policy's ingress `ports`.",
    examples=(_INGRESS_FAIL, _INGRESS_FAIL.replace("ports: [{port: 9090}]", "ports: [{port: 9090}, {port: http}]")),
    references=(*_REFERENCES, "https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports"),
)
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
