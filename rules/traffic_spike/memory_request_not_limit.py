"""memory-request-not-limit (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


def _memory(resources: object, section: str) -> tuple[object, Fraction | None]:
    # (exact tests first: no ABC isinstance)
    entries = (
        resources.get(section)
        if resources is not None and (type(resources) is dict or isinstance(resources, Mapping))
        else None
    )
    raw = (
        entries.get("memory")
        if entries is not None and (type(entries) is dict or isinstance(entries, Mapping))
        else None
    )
    return raw, quantity_from_manifest(raw) if raw is not None else None


def _mismatch(resources: object, path: FieldPath, container: ContainerRef | None) -> Violation | None:
    """A finding when both the memory request and limit are valid quantities that differ;
    a missing one is another rule's (or the API default's) business, an invalid one
    schema-violation's. `container`: whose resources they are (None: the pod's), named only
    in a finding (most containers have none)."""
    raw_request, request = _memory(resources, "requests")
    raw_limit, limit = _memory(resources, "limits")
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
        pod_level = _mismatch(doc.value(*spec_path, "resources"), (*spec_path, "resources"), None)
        if pod_level is not None:
            yield pod_level
    for container in containers(doc, ContainerScope.C_I):
        found = _mismatch(container.data.get("resources"), (*container.path, "resources"), container)
        if found is not None:
            yield found
