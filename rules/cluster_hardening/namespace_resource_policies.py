"""namespace-without-limitrange, namespace-without-resourcequota (rule-catalog §9.3)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

SYSTEM_NAMESPACES = frozenset(("default", "kube-system", "kube-public", "kube-node-lease"))
KYVERNO_GROUP = "kyverno.io"
ALL_NAMESPACES = "*"


class Policy(NamedTuple):
    """One namespace-wide object kind (LimitRange, ResourceQuota) and the Rancher namespace
    annotation from which Rancher creates it."""

    kind: str
    rancher_annotation: str


LIMIT_RANGE = Policy("LimitRange", "field.cattle.io/containerDefaultResourceLimit")
RESOURCE_QUOTA = Policy("ResourceQuota", "field.cattle.io/resourceQuota")


def _generated_kinds(rule_body: object) -> Iterator[str]:
    """Kinds a Kyverno rule's `generate` writes (`kind`, or `cloneList.kinds` as `v1/Kind`)."""
    generate = rule_body.get("generate") if isinstance(rule_body, Mapping) else None
    if not isinstance(generate, Mapping):
        return
    kind = generate.get("kind")
    if isinstance(kind, str):
        yield kind
    clone_list = generate.get("cloneList")
    kinds = clone_list.get("kinds") if isinstance(clone_list, Mapping) else None
    for entry in kinds if isinstance(kinds, list) else ():
        if isinstance(entry, str):
            yield entry.rpartition("/")[2]


def _generators(ctx: RuleContext, kind: str) -> dict[str, Document]:
    """namespace (or `*` for every namespace) -> a Kyverno policy that generates `kind` there."""
    found: dict[str, Document] = {}
    for policy in ctx.of_kind("ClusterPolicy", "Policy"):
        if policy.group != KYVERNO_GROUP:
            continue
        if any(kind in _generated_kinds(body) for body in policy.sequence("spec", "rules")):
            where = ALL_NAMESPACES if policy.kind == "ClusterPolicy" else ctx.namespace_of(policy) or ""
            found.setdefault(where, policy)
    return found


def _covered(ctx: RuleContext, policy: Policy) -> tuple[frozenset[str], dict[str, Document]]:
    """(namespaces holding an object of the kind, Kyverno generators of it), once per run."""

    def build() -> tuple[frozenset[str], dict[str, Document]]:
        namespaces = frozenset(ctx.namespace_of(doc) or "" for doc in ctx.of_kind(policy.kind) if doc.group == "")
        return namespaces, _generators(ctx, policy.kind)

    return ctx.lint.cached(("namespace-resource-policies", policy.kind), build)


def _missing(doc: Document, ctx: RuleContext, policy: Policy) -> Iterator[Violation]:
    name = doc.name
    if not name or name in SYSTEM_NAMESPACES:
        return
    if doc.annotations().get(policy.rancher_annotation) is not None:
        return  # Rancher creates the object from the namespace's annotation
    namespaces, generators = _covered(ctx, policy)
    if name in namespaces or ALL_NAMESPACES in generators or name in generators:
        return
    yield Violation(f'namespace "{name}" has no {policy.kind} in the input', ("metadata", "name"))


_LIMITRANGE_FAIL = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
"""

_LIMITRANGE_PASS = (
    _LIMITRANGE_FAIL
    + """\
---
apiVersion: v1
kind: LimitRange
metadata: {name: container-defaults, namespace: shop}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m, memory: 128Mi}
      default: {memory: 512Mi}
"""
)

_QUOTA_PASS = (
    _LIMITRANGE_FAIL
    + """\
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: shop}
spec:
  hard: {requests.cpu: "20", requests.memory: 64Gi, pods: "200"}
"""
)

_SHARED_SCOPE = """
Every Namespace the input declares is checked, except `default`, `kube-system`,
`kube-public` and `kube-node-lease`; a {kind} anywhere in the input (context sources
included) with that namespace satisfies it, as does a Kyverno `ClusterPolicy` that
generates {kind}s (or a `Policy` of that namespace) and Rancher's
`{annotation}` annotation on the Namespace, from which Rancher creates one. Opt-in: many
platforms create these objects when a namespace is provisioned, outside any manifest.
"""


@rule(
    id="namespace-without-limitrange",
    title="Namespace has no LimitRange",
    document="cluster-hardening",
    severity=Severity.INFO,
    kinds=("v1/Namespace",),
    category="reliability",
    cross_object=True,
    default_enabled=False,
    rationale="""
A LimitRange gives every container created in its namespace default requests and limits
(and can bound them). Without one, a container that sets none runs BestEffort: the
scheduler reserves nothing for it, it may use all of a node's memory and CPU, and it is the
first evicted under pressure, so one forgotten `resources:` block or one `kubectl run`
affects every tenant of the node. A ResourceQuota on `requests.*` or `limits.*` also makes
the API server reject pods without those values unless a LimitRange fills them in.
"""
    + _SHARED_SCOPE.format(kind="LimitRange", annotation=LIMIT_RANGE.rancher_annotation),
    remediation="Ship a LimitRange with container `defaultRequest` and `default` next to each Namespace.",
    examples=(_LIMITRANGE_FAIL, _LIMITRANGE_PASS),
    references=(
        "https://kubernetes.io/docs/concepts/policy/limit-range/",
        "https://kubernetes.io/docs/tasks/administer-cluster/manage-resources/memory-default-namespace/",
    ),
)
def check_limitrange(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _missing(doc, ctx, LIMIT_RANGE)


@rule(
    id="namespace-without-resourcequota",
    title="Namespace has no ResourceQuota",
    document="cluster-hardening",
    severity=Severity.INFO,
    kinds=("v1/Namespace",),
    category="reliability",
    cross_object=True,
    default_enabled=False,
    rationale="""
A ResourceQuota caps what one namespace may request and create in total: CPU, memory,
storage, pods, Services, load balancers. Without one, a runaway autoscaler, a deployment
loop or a compromised account in that namespace can claim the whole cluster's capacity (or
its cloud budget in LoadBalancers and volumes), starving every other tenant exactly when
they need to scale.
"""
    + _SHARED_SCOPE.format(kind="ResourceQuota", annotation=RESOURCE_QUOTA.rancher_annotation),
    remediation="Ship a ResourceQuota (`requests.cpu`, `requests.memory`, `pods`) next to each Namespace.",
    examples=(_LIMITRANGE_FAIL, _QUOTA_PASS),
    references=(
        "https://kubernetes.io/docs/concepts/policy/resource-quotas/",
        "https://kubernetes.io/docs/tasks/administer-cluster/manage-resources/quota-memory-cpu-namespace/",
    ),
)
def check_resourcequota(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _missing(doc, ctx, RESOURCE_QUOTA)
