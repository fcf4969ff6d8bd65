"""networkpolicy-selects-nothing and networkpolicy-peer-selects-nothing (rule-catalog §2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import (
    Document,
    LabelSelector,
    RuleContext,
    Severity,
    Violation,
    rule,
    selector_from_label_selector,
)

_REFERENCES = (
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource",
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors",
)

_FAIL = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api-server}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
      ports: [{port: 8080}]
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
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""


def _may_select(doc: Document, ctx: RuleContext, selector: LabelSelector, namespace: str) -> bool:
    """The selector matches a pod template of the namespace (controller-added labels count) or
    a Helm hook/test pod, or the namespace may run pods the input does not show."""
    return bool(
        ctx.pod_templates_matching(selector, namespace)
        or ctx.lint.hook_templates_matching(selector, namespace)
        or ctx.lint.unseen_pods(namespace, near=doc, assume_complete=ctx.assume_complete)
    )


@rule(
    id="networkpolicy-selects-nothing",
    title="NetworkPolicy podSelector matches no pod template",
    document="network-connectivity",
    severity=Severity.WARNING,
    kinds=("NetworkPolicy",),
    category="networking",
    cross_object=True,
    rationale="""
A NetworkPolicy applies only to pods in its own namespace whose labels match
`spec.podSelector`. A non-empty selector that matches no workload there protects
nothing: the pods it was written for stay open (or, if other policies select them, are
restricted by rules that were never meant for them), while the stale policy suggests they
are isolated. Only evaluated when the policy namespace holds at least one workload in the
input (or `--assume-complete`); an empty `podSelector: {}` selects every pod and is never
reported. Labels controllers add to pods (`pod-template-hash`,
`statefulset.kubernetes.io/pod-name`, the Job labels...) count as present, Helm hook and test
pods count as selected, and a namespace holding custom resources an operator creates pods for
(prometheus-operator's `Prometheus`...), or a directory with a file that did not load, is not
judged unless `--assume-complete`.
""",
    remediation="Fix `spec.podSelector` to match the pod template labels of the workload, or delete the stale policy.",
    examples=(_FAIL, _FAIL.replace("app: api-server", "app: api")),
    references=_REFERENCES,
)
def check_selects_nothing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    namespace = ctx.namespace_of(doc)
    if namespace is None or not ctx.guard_workloads(namespace):
        return
    selector = selector_from_label_selector(doc.value("spec", "podSelector"))
    if selector is None or selector.is_empty:
        return
    if _may_select(doc, ctx, selector, namespace):
        return
    yield Violation(
        f"podSelector {selector.describe() if not selector.nothing else '(malformed)'} matches no pod template"
        f" in namespace {namespace}",
        ("spec", "podSelector"),
    )


_PEER_FAIL = _FAIL.replace("app: api-server", "app: api").replace(
    "podSelector: {matchLabels: {app: web}}", "podSelector: {matchLabels: {app: frontend}}"
)


@rule(
    id="networkpolicy-peer-selects-nothing",
    title="NetworkPolicy peer podSelector matches no pod template",
    document="network-connectivity",
    severity=Severity.INFO,
    kinds=("NetworkPolicy",),
    category="networking",
    cross_object=True,
    rationale="""
A `from`/`to` peer with a `podSelector` and no `namespaceSelector` means "pods in the
policy's own namespace with these labels". When no workload in that namespace carries
them, the rule allows nothing: the client it was meant for is blocked (timeouts that look
like a network fault), typically because of a typo, renamed labels, or a client that lives
in another namespace and needs a `namespaceSelector`. Peers with a `namespaceSelector` or
an `ipBlock` are not judged. The catalog names no guard for this cross-object rule; like
`networkpolicy-selects-nothing` it is evaluated only when the policy namespace holds at
least one workload in the input (or `--assume-complete`), counts controller-added pod labels
and Helm hook pods, and skips namespaces with operator custom resources (their pods are not
in the input) or a directory with a file that did not load, unless `--assume-complete`.
""",
    remediation="Fix the peer `podSelector`, or add a `namespaceSelector` when the peer pods live elsewhere.",
    examples=(_PEER_FAIL, _FAIL.replace("app: api-server", "app: api")),
    references=_REFERENCES,
)
def check_peer(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    namespace = ctx.namespace_of(doc)
    if namespace is None or not ctx.guard_workloads(namespace):
        return
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for r, rule_item in enumerate(doc.sequence("spec", direction)):
            peers = rule_item.get(peers_key) if isinstance(rule_item, Mapping) else None
            if not isinstance(peers, list):
                continue
            for p, peer in enumerate(peers):
                if (
                    not isinstance(peer, Mapping)
                    or "podSelector" not in peer
                    or peer.get("namespaceSelector") is not None
                ):
                    continue
                selector = selector_from_label_selector(peer.get("podSelector"))
                if selector is None or _may_select(doc, ctx, selector, namespace):
                    continue
                yield Violation(
                    f"{direction} rule #{r + 1} {peers_key} peer podSelector"
                    f" {selector.describe() if not selector.nothing else '(malformed)'} matches no pod template"
                    f" in namespace {namespace}",
                    ("spec", direction, r, peers_key, p, "podSelector"),
                )
