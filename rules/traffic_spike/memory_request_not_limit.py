"""memory-request-not-limit (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from kubelint_py.k8s.quantity import quantity_from_manifest
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    pod_spec_path,
    quote,
    rule,
)


def _quantity(raw: object) -> Fraction | None:
    return quantity_from_manifest(raw) if raw is not None else None


def _mismatch(
    raw_request: object, raw_limit: object, path: FieldPath, container: ContainerRef | None
) -> Violation | None:
    """A finding when both the memory request and limit are valid quantities that differ;
    a missing one is another rule's (or the API default's) business, an invalid one
    schema-violation's. `path`: the resources'; `container`: whose resources they are (None: the
    pod's), named only in a finding (most containers have none)."""
    request, limit = _quantity(raw_request), _quantity(raw_limit)
    if request is None or limit is None or request == limit:
        return None
    shown = f"requests.memory {quote(raw_request)} and limits.memory {quote(raw_limit)}"
    if request > limit:
        detail = "the API server rejects a request above the limit"
    else:
        detail = (
            "the memory above the request is overcommitted, so these pods are evicted or OOM-killed"
            " first when the node runs short of memory"
        )
    who = "the pod" if container is None else container.describe()
    return Violation(f"{who} sets {shown}: {detail}", (*path, "requests", "memory"))


@rule("memory-request-not-limit")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is not None:
        resources = (*spec_path, "resources")
        pod_level = _mismatch(
            doc.value(*resources, "requests", "memory"), doc.value(*resources, "limits", "memory"), resources, None
        )
        if pod_level is not None:
            yield pod_level
    for container in containers(doc, ContainerScope.C_I):
        found = _mismatch(
            container.get("resources", "requests", "memory"),
            container.get("resources", "limits", "memory"),
            (*container.path, "resources"),
            container,
        )
        if found is not None:
            yield found
