"""custom-resource-without-crd (rule-catalog §3; cross-object, guard: ≥1 CRD in the input)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.crd_catalog import SETTING as CATALOG_SETTING
from kubelint_py.rule_api import Document, RuleContext, Violation, rule

BUILTIN_GROUPS = frozenset(("", "apps", "batch", "autoscaling", "policy", "extensions"))
# Groups under *.k8s.io that Kubernetes itself does not serve: their kinds come from CRDs that
# must be installed (Gateway API, CSI snapshots, the VerticalPodAutoscaler, AdminNetworkPolicy).
CRD_GROUPS_UNDER_K8S_IO = frozenset(
    ("gateway.networking.k8s.io", "snapshot.storage.k8s.io", "autoscaling.k8s.io", "policy.networking.k8s.io")
)


def is_builtin_group(group: str) -> bool:
    if group in CRD_GROUPS_UNDER_K8S_IO:
        return False
    return group in BUILTIN_GROUPS or group.endswith(".k8s.io") or group == "k8s.io"


@rule("custom-resource-without-crd")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    group = doc.group
    if is_builtin_group(group) or not doc.kind:
        return
    if not ctx.guard("CustomResourceDefinition") or _in_schema_location(doc, ctx):
        return
    same_group = []
    for crd in ctx.of_kind("CustomResourceDefinition"):
        if crd.value("spec", "group") != group:
            continue
        if crd.value("spec", "names", "kind") == doc.kind:
            return
        same_group.append(crd)
    related = tuple(
        (crd, ("spec", "names", "kind"), f"CRD {crd.name} declares another kind of {group}") for crd in same_group[:3]
    )
    yield Violation(
        f"kind {doc.kind} of API group {group} is defined by no CustomResourceDefinition in the input; "
        "the target cluster rejects it until the CRD is installed",
        ("kind",),
        related,
    )


def _in_schema_location(doc: Document, ctx: RuleContext) -> bool:
    """A CRD-catalog file of the resource's group, kind and version was found for the run."""
    located = ctx.settings.get(CATALOG_SETTING)
    version = doc.api_version.rpartition("/")[2]
    return isinstance(located, Mapping) and (doc.group, doc.kind, version) in located
