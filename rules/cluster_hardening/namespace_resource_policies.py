"""namespace-without-limitrange, namespace-without-resourcequota (rule-catalog §9.3)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from kubelint_py.rule_api import Document, RuleContext, Violation, rule

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


@rule("namespace-without-limitrange")
def check_limitrange(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _missing(doc, ctx, LIMIT_RANGE)


@rule("namespace-without-resourcequota")
def check_resourcequota(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _missing(doc, ctx, RESOURCE_QUOTA)
