"""exported-live-metadata (rule-catalog §3)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Violation, rule

_LIVE_METADATA = ("uid", "resourceVersion", "creationTimestamp", "selfLink", "generation", "managedFields")
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _is_set(value: object) -> bool:
    """`kubectl create --dry-run -o yaml` writes `creationTimestamp: null` and `status: {}`:
    empty values carry nothing of the source cluster."""
    if value is None:
        return False
    return not (isinstance(value, (Mapping, list, str)) and not value)


@rule("exported-live-metadata")
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
