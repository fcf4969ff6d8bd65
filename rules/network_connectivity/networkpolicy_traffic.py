"""networkpolicy-egress-blocks-dns and networkpolicy-ingress-omits-service-port (rule-catalog §2)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.netpol import PolicyPort, allows_dns, policy_rules, policy_types, policy_types_path, rule_ports
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


def _policies_by_template(ctx: RuleContext, policy_type: str) -> list[tuple[PodTemplate, list[Document]]]:
    """Pod templates selected by at least one NetworkPolicy of `policy_type` (after API
    defaulting of policyTypes), with those policies. One indexed query per policy. Helm hook
    and test pods count here: they are no Service backends, but they run and are policed."""
    found: dict[int, tuple[PodTemplate, list[Document]]] = {}
    for policy in ctx.of_kind("NetworkPolicy"):
        if policy_type not in policy_types(policy):
            continue
        namespace = ctx.namespace_of(policy)
        if namespace is None:
            continue
        # podSelector is required; an absent one is the empty selector (every pod), as in Go.
        selector = selector_from_label_selector(policy.value("spec", "podSelector")) or LabelSelector()
        matched = (
            *ctx.pod_templates_matching(selector, namespace),
            *ctx.lint.hook_templates_matching(selector, namespace),
        )
        for template in matched:
            if template.doc.is_target:
                found.setdefault(id(template.doc), (template, []))[1].append(policy)
    return list(found.values())


def _policies(policies: list[Document]) -> str:
    return f"NetworkPolic{'y' if len(policies) == 1 else 'ies'} {_names(policies)}"


def _names(policies: list[Document], limit: int = 3) -> str:
    names = [p.name or "?" for p in policies[:limit]]
    return ", ".join(names) + (f" and {len(policies) - limit} more" if len(policies) > limit else "")


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
        if any(allows_dns(r.data) for policy in policies for r in policy_rules(policy, "egress")):
            continue
        related = tuple(
            (p, policy_types_path(p) if p.has("spec", "policyTypes") else ("spec", "egress"), "egress restricted here")
            for p in policies[:5]
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
        rules = [(policy, r) for policy in policies for r in policy_rules(policy, "ingress")]
        if not rules:
            continue
        allowed: list[PolicyPort] = []
        for _policy, r in rules:
            ports = rule_ports(r.data)
            if ports is None:
                break
            allowed.extend(ports)
        else:
            if not ctx.lint.is_serving(template):
                continue
            keys = _target_keys(template, ctx)
            if not keys or any(_allowed(port, key) for port in allowed for key in keys):
                continue
            related: list[tuple[Document, FieldPath, str]] = [
                (policy, (*r.path, "ports"), "ingress ports listed here") for policy, r in rules[:5]
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
