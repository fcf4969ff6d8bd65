"""ingress-backend-unresolved (rule-catalog §2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.ports import port_number
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, quote, rule


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


@rule("ingress-backend-unresolved")
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
