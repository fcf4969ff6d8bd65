"""ingress-backend-unresolved (rule-catalog §2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import ingress, service, stream
from kubelint_py.k8s.ports import port_number
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Severity, Violation, quote, rule

_FAIL = stream(
    ingress(
        name="web",
        namespace="shop",
        paths="""\
- path: /
  pathType: Prefix
  backend:
    service: {name: web, port: {number: 8080}}
""",
    ),
    service(ports="[{name: http, port: 80, targetPort: 8080}]"),
)


def _backends(doc: Document) -> Iterator[tuple[FieldPath, Mapping[str, object]]]:
    """Every backend of the Ingress with its path: default backend (v1 `defaultBackend`,
    pre-v1 `backend`) and `rules[].http.paths[].backend`."""
    for key in ("defaultBackend", "backend"):
        backend = doc.value("spec", key)
        if isinstance(backend, Mapping):
            yield ("spec", key), backend
    for r, rule_item in enumerate(doc.sequence("spec", "rules")):
        if not isinstance(rule_item, Mapping):
            continue
        http = rule_item.get("http")
        paths = http.get("paths") if isinstance(http, Mapping) else None
        if not isinstance(paths, list):
            continue
        for p, path_item in enumerate(paths):
            backend = path_item.get("backend") if isinstance(path_item, Mapping) else None
            if isinstance(backend, Mapping):
                yield ("spec", "rules", r, "http", "paths", p, "backend"), backend


def _reference(path: FieldPath, backend: Mapping[str, object]) -> tuple[str, FieldPath, object, FieldPath] | None:
    """(service name, its path, port (number or name), port path), or None when the backend
    names no Service (a `resource` backend, or an unusable one)."""
    service = backend.get("service")
    if isinstance(service, Mapping):
        name = service.get("name")
        if not isinstance(name, str) or not name:
            return None
        port = service.get("port")
        if isinstance(port, Mapping):
            if "number" in port:
                return name, (*path, "service", "name"), port.get("number"), (*path, "service", "port", "number")
            if "name" in port:
                return name, (*path, "service", "name"), port.get("name"), (*path, "service", "port", "name")
        return name, (*path, "service", "name"), None, (*path, "service", "port")
    name = backend.get("serviceName")
    if isinstance(name, str) and name:
        return name, (*path, "serviceName"), backend.get("servicePort"), (*path, "servicePort")
    return None


def _port_resolves(service: Document, port: object) -> bool:
    ports = [p for p in service.sequence("spec", "ports") if isinstance(p, Mapping)]
    if service.value("spec", "type") == "ExternalName" and not ports:
        return True  # controllers use the Ingress port as is for an ExternalName Service
    number = port_number(port)
    if number is not None:
        return any(port_number(p.get("port")) == number for p in ports)
    if isinstance(port, str):
        return any(p.get("name") == port for p in ports)
    return True  # no usable port given: the API server rejects it, nothing to resolve


@rule(
    id="ingress-backend-unresolved",
    title="Ingress backend names a missing Service or Service port",
    document="network-connectivity",
    severity=Severity.ERROR,
    kinds=("Ingress",),
    category="networking",
    cross_object=True,
    rationale="""
An Ingress backend is resolved by the controller against a Service in the Ingress's own
namespace, and its port against the Service's `ports[].port` (by number) or
`ports[].name` (by name); the container `targetPort` is not a valid choice. When the
Service or the port does not exist, the controller has no upstream for that path and
answers 503 (ingress-nginx) or drops the route. Both the v1 form (`service.name`,
`service.port.number|name`) and the pre-v1 form (`serviceName`/`servicePort`) are checked;
`resource` backends are skipped. Only evaluated when the input holds at least one Service
(or `--assume-complete`). A missing Service is not reported when something may create it at
run time: a workload of the input allowed to create Services in the namespace (RBAC), or,
unless `--assume-complete`, an operator's custom resources in the namespace (operators create
the Services of what they run) or a file of the Ingress's directory that did not load.
""",
    remediation=(
        "Point the backend at an existing Service in the Ingress namespace and at one of its"
        " `ports[].port` numbers or port names."
    ),
    examples=(_FAIL, _FAIL.replace("port: {number: 8080}", "port: {number: 80}")),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#resource-backend",
        "https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressBackend",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.guard("Service"):
        return
    namespace = ctx.namespace_of(doc)
    for path, backend in _backends(doc):
        reference = _reference(path, backend)
        if reference is None:
            continue
        name, name_path, port, port_path = reference
        service = ctx.get("Service", namespace, name)
        if service is None:
            if ctx.lint.may_exist("Service", namespace, name, near=doc, assume_complete=ctx.assume_complete):
                continue
            yield Violation(f"backend Service {quote(name)} does not exist in namespace {namespace}", name_path)
            continue
        if _port_resolves(service, port):
            continue
        declared = [
            f"{p.get('port')}" + (f" ({p.get('name')})" if isinstance(p.get("name"), str) else "")
            for p in service.sequence("spec", "ports")
            if isinstance(p, Mapping)
        ]
        kind = "port" if port_number(port) is not None else "port name"
        yield Violation(
            f"backend {kind} {quote(port)} is not a port of Service {quote(name)}"
            f" (ports: {', '.join(declared) or 'none'})",
            port_path,
            ((service, ("spec", "ports"), "Service ports defined here"),),
        )
