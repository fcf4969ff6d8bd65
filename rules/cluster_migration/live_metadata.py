"""exported-live-metadata (rule-catalog §3)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_LIVE_METADATA = ("uid", "resourceVersion", "creationTimestamp", "selfLink", "generation", "managedFields")
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

_FAIL = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: prod
  uid: 5f1c1f62-2a8e-4c39-9d57-3d1c0e0b6a11
  resourceVersion: "482913"
data:
  LOG_LEVEL: info
"""
_PASS = _FAIL.replace('  uid: 5f1c1f62-2a8e-4c39-9d57-3d1c0e0b6a11\n  resourceVersion: "482913"\n', "")


def _is_set(value: object) -> bool:
    """`kubectl create --dry-run -o yaml` writes `creationTimestamp: null` and `status: {}`:
    empty values carry nothing of the source cluster."""
    if value is None:
        return False
    return not (isinstance(value, (Mapping, list, str)) and not value)


@rule(
    id="exported-live-metadata",
    title="Manifest carries server-populated fields of a live cluster",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="portability",
    rationale="""
Fields such as `metadata.uid`, `resourceVersion`, `creationTimestamp`, `managedFields`, a
`status` block or the `last-applied-configuration` annotation are written by the API server of
the source cluster; they appear when manifests are exported with `kubectl get -o yaml`. Applied
to the target cluster, a stale `resourceVersion` makes updates fail with a conflict ("the object
has been modified"), a foreign `uid` in a PersistentVolume's `claimRef` prevents the volume from
binding to the new claim, and the copied last-applied annotation makes the next
`kubectl apply` compute a wrong three-way diff and delete fields. Empty values (`creationTimestamp:
null`, `status: {}`, as written by `kubectl create --dry-run -o yaml`) come from the client, not
from a live cluster, and are not reported.
""",
    remediation="Strip server-populated fields; keep manifests in GitOps sources instead of exporting live objects.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions",
        "https://kubernetes.io/docs/reference/using-api/server-side-apply/",
        "https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    metadata = doc.mapping("metadata")
    for field in _LIVE_METADATA:
        if field in metadata and _is_set(metadata[field]):
            yield Violation(
                f"metadata.{field} was set by the source cluster's API server; remove it", ("metadata", field)
            )
    annotations = doc.annotations()
    if _LAST_APPLIED in annotations:
        yield Violation(
            f"annotation {_LAST_APPLIED} was written by kubectl apply on the source cluster; remove it",
            ("metadata", "annotations", _LAST_APPLIED),
        )
    if "status" in doc.data and _is_set(doc.data["status"]):
        yield Violation("top-level status was written by the source cluster's controllers; remove it", ("status",))
    if doc.kind == "PersistentVolume":
        claim_ref = doc.mapping("spec", "claimRef")
        for field in ("uid", "resourceVersion"):
            if field in claim_ref and _is_set(claim_ref[field]):
                yield Violation(
                    f"spec.claimRef.{field} identifies a claim of the source cluster; the volume will not bind "
                    "to the new claim until it is removed",
                    ("spec", "claimRef", field),
                )
