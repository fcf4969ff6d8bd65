"""service-without-endpoints-source (rule-catalog §2)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, run_rule, selector_from_map

_SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def _written_at_run_time(ctx: RuleContext, service: Document, namespace: str | None) -> bool:
    """A controller of the input may maintain the endpoints (prometheus-operator writes the
    kubelet Service's, Patroni its leader's): RBAC create on endpoints or endpointslices there,
    or, unless --assume-complete, an operator's custom resources in the namespace."""
    return any(
        ctx.lint.may_exist(kind, namespace, service.name, near=service, assume_complete=ctx.assume_complete)
        for kind in ("Endpoints", "EndpointSlice")
    )


@run_rule("service-without-endpoints-source")
def check(ctx: RuleContext) -> Iterator[tuple[Document, Violation]]:
    sliced: set[tuple[str | None, str]] = set()
    for endpoint_slice in ctx.of_kind("EndpointSlice"):
        service = endpoint_slice.labels().get(_SERVICE_NAME_LABEL)
        if isinstance(service, str):
            sliced.add((ctx.namespace_of(endpoint_slice), service))
    for doc in ctx.of_kind("Service"):
        if not doc.is_target or not doc.name:
            continue
        service_type = doc.value("spec", "type")
        if service_type not in (None, "ClusterIP", "NodePort", "LoadBalancer"):
            continue
        if selector_from_map(doc.value("spec", "selector")) is not None:
            continue
        namespace = ctx.namespace_of(doc)
        if namespace == "default" and doc.name == "kubernetes":
            continue
        if ctx.get("Endpoints", namespace, doc.name) is not None or (namespace, doc.name) in sliced:
            continue
        if _written_at_run_time(ctx, doc, namespace):
            continue
        path = ("spec", "selector") if doc.has("spec", "selector") else ("spec",)
        which = "an empty" if doc.has("spec", "selector") else "no"
        yield (
            doc,
            Violation(
                f"has {which} selector and no Endpoints named {doc.name!r} or EndpointSlice labelled"
                f" {_SERVICE_NAME_LABEL}={doc.name} in namespace {namespace}, so it has no endpoints",
                path,
            ),
        )
