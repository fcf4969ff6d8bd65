"""custom-resource-without-crd (rule-catalog §3; cross-object, guard: ≥1 CRD in the input)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.crd_catalog import SETTING as CATALOG_SETTING
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

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


_FAIL = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: issuers.cert-manager.io}
spec:
  group: cert-manager.io
  names: {kind: Issuer, plural: issuers}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true}]
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web-tls, namespace: prod}
spec:
  secretName: web-tls
  issuerRef: {name: letsencrypt}
"""


@rule(
    id="custom-resource-without-crd",
    title="Custom resource has no CustomResourceDefinition in the bundle",
    document="cluster-migration",
    severity=Severity.INFO,
    category="portability",
    cross_object=True,
    rationale="""
A custom resource can only be created once its CustomResourceDefinition is installed: on a
target cluster without the operator, applying it fails with `no matches for kind "X" in version
"group/version"` (`ensure CRDs are installed first`), and everything applied in the same pass
after it may be skipped. Built-in groups are the core group and those ending in `.k8s.io`, plus
`apps`, `batch`, `autoscaling`, `policy` and `extensions`; unlike the catalog's rule of thumb,
`gateway.networking.k8s.io`, `snapshot.storage.k8s.io`, `autoscaling.k8s.io` (the
VerticalPodAutoscaler) and `policy.networking.k8s.io` are treated as custom, because Kubernetes
serves them only from CRDs. The rule is evaluated when the input contains at least one CRD (or
with `--assume-complete`). A kind whose schema a schema location holds (`--schema-location`,
`schemaLocations`: a CRD-catalog file of its group, kind and version, or its CRD manifest) is
known to the user's clusters and not reported.
""",
    remediation="Install the CRD (or its operator) in the target cluster first, or add the CRD to the bundle.",
    examples=(_FAIL, _FAIL.replace("kind: Certificate", "kind: Issuer")),
    references=(
        "https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/custom-resources/",
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/",
    ),
)
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
