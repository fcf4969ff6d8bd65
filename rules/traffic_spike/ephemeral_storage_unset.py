"""ephemeral-storage-unset (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.images import is_injected_container
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    rule,
)

RESOURCE = "ephemeral-storage"
_SECTIONS = ("requests", "limits")


def _missing(container: ContainerRef) -> list[str] | None:
    """The sections (requests, limits) without an ephemeral-storage entry; None when the
    resources are of the wrong type (schema-violation's finding)."""
    resources = container.data.get("resources")
    if resources is None:
        return list(_SECTIONS)
    if not (type(resources) is dict or isinstance(resources, Mapping)):  # (exact types first: no ABC isinstance)
        return None
    missing = []
    for section in _SECTIONS:
        entries = resources.get(section)
        if entries is not None and not (type(entries) is dict or isinstance(entries, Mapping)):
            return None
        if entries is None or entries.get(RESOURCE) is None:
            missing.append(section)
    return missing


def _finding(container: ContainerRef, missing: list[str]) -> Violation:
    base: FieldPath = (*container.path, "resources")
    if len(missing) == 2:
        return Violation(
            f"{container.describe()} has no {RESOURCE} request or limit: it can fill the node's disk"
            " until the kubelet evicts pods under disk pressure",
            base,
        )
    if missing == ["limits"]:
        return Violation(
            f"{container.describe()} has no limits.{RESOURCE}: nothing stops it filling the node's disk",
            (*base, "limits"),
        )
    return Violation(
        f"{container.describe()} has limits.{RESOURCE} but no requests.{RESOURCE}"
        " (the API defaults it to the limit; write the request the scheduler should reserve)",
        (*base, "requests"),
    )


@rule("ephemeral-storage-unset")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_I):
        missing = _missing(container)
        if missing and not is_injected_container(doc, container):
            yield _finding(container, missing)
