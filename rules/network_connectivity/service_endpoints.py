"""service-without-endpoints-source (rule-catalog §2)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, run_rule, selector_from_map

_SERVICE_NAME_LABEL = "kubernetes.io/service-name"

_FAIL = """\
apiVersion: v1
kind: Service
metadata: {name: legacy-db, namespace: shop}
spec:
  ports: [{port: 5432}]
"""

_PASS = (
    _FAIL
    + """\
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: legacy-db-1
  namespace: shop
  labels: {kubernetes.io/service-name: legacy-db}
addressType: IPv4
ports: [{port: 5432}]
endpoints: [{addresses: [10.20.0.15]}]
"""
)


def _written_at_run_time(ctx: RuleContext, service: Document, namespace: str | None) -> bool:
    """A controller of the input may maintain the endpoints (prometheus-operator writes the
    kubelet Service's, Patroni its leader's): RBAC create on endpoints or endpointslices there,
    or, unless --assume-complete, an operator's custom resources in the namespace."""
    return any(
        ctx.lint.may_exist(kind, namespace, service.name, near=service, assume_complete=ctx.assume_complete)
        for kind in ("Endpoints", "EndpointSlice")
    )


@run_rule(
    id="service-without-endpoints-source",
    title="Selector-less Service has no Endpoints or EndpointSlice",
    document="network-connectivity",
    severity=Severity.WARNING,
    kinds=("Service",),
    category="networking",
    cross_object=True,
    rationale="""
The EndpointSlice controller fills endpoints only for Services with a selector. A
ClusterIP, NodePort or LoadBalancer Service with no (or an empty) selector gets endpoints
only from an `Endpoints` object of the same name or an `EndpointSlice` labelled
`kubernetes.io/service-name: <service>` in its namespace; without one, the Service has a
ClusterIP and a DNS name but every connection is refused. This is the usual state of a
Service copied from another cluster without its hand-written Endpoints, or whose selector
was dropped by mistake. ExternalName Services need no endpoints and are skipped, as is the
API server's own `default/kubernetes` Service, whose endpoints the API server maintains, and
a Service whose endpoints a controller of the input may write at run time: a workload whose
ServiceAccount a Role/ClusterRole lets create `endpoints` or `endpointslices` there
(prometheus-operator maintains the kubelet Service's endpoints, Patroni its leader's), or,
unless `--assume-complete`, an operator's custom resources in the namespace or a file of the
directory that did not load.
""",
    remediation=(
        "Add a `spec.selector` matching the backing pods, ship the Endpoints/EndpointSlice with the"
        " Service, or use `type: ExternalName` for an external DNS name."
    ),
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors",
        "https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#ownership",
    ),
)
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
