"""service-targetport-name-unresolved, service-targetport-number-undeclared and
service-port-protocol-mismatch (rule-catalog §2)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from kubelint_py.k8s.examples import pod_container, service, stream, workload
from kubelint_py.k8s.ports import (
    DeclaredPort,
    ServicePort,
    declared_ports,
    find_named_port,
    ports_named,
    ports_numbered,
    probe_ports,
    service_ports,
)
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    FieldPath,
    PodTemplate,
    RuleContext,
    Severity,
    Violation,
    containers,
    pod_spec,
    quote,
    rule,
    selector_from_map,
)

# kinds whose pods run to completion: sharing the app's labels, they are no backends to expect
_RUN_TO_COMPLETION = frozenset(("Job", "CronJob"))

_REFERENCES = (
    "https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports",
    "https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/#is-the-pod-working",
)


def _selected(doc: Document, ctx: RuleContext) -> tuple[PodTemplate, ...]:
    """Pod templates the Service selects (same namespace); none for ExternalName."""
    if doc.value("spec", "type") == "ExternalName":
        return ()
    selector = selector_from_map(doc.value("spec", "selector"))
    namespace = ctx.namespace_of(doc)
    if selector is None or namespace is None:
        return ()
    return ctx.pod_templates_matching(selector, namespace)


def _name(template: PodTemplate) -> str:
    return f"{template.doc.kind} {template.namespace}/{template.doc.name}"


_NAME_FAIL = stream(
    service(namespace=None, ports="[{name: http, port: 80, targetPort: http}]"),
    workload(
        namespace=None,
        containers=pod_container(name="web", image="nginx:1.27", body="ports: [{name: web, containerPort: 8080}]\n"),
    ),
)


@rule(
    id="service-targetport-name-unresolved",
    title="Service targetPort names a port the selected pods do not declare",
    document="network-connectivity",
    severity=Severity.ERROR,
    kinds=("Service",),
    category="networking",
    cross_object=True,
    rationale="""
A named `targetPort` is resolved per pod by the EndpointSlice controller: it looks for a
port with that `name` in `containers[]` and native sidecars, and only a port of the same
protocol as the Service port counts. A pod where the name does not resolve is left out of
the endpoints for that Service port, so traffic to it is refused even though the pods run
and are Ready. Reported when no selected pod template declares the name (the Service port
has no endpoint at all), and when some do but a long-running workload of the Service's own
directory does not (its pods never get traffic on that port, typically a port renamed in one
version of two). Templates elsewhere in the input that only share the labels (another example
or an alternative install linted together, a Job carrying the app's labels) are not held to
the Service's port names, and Helm hook and test pods are not backends. Departure from the
catalog text: because the controller compares the protocol too, a container port with the
right name but another protocol (for example `dns` declared only as UDP behind a TCP Service
port) is reported here, as the name does not resolve, rather than by
`service-port-protocol-mismatch`.
""",
    remediation="Name the container port exactly as the `targetPort` (same protocol), or use the port number.",
    examples=(_NAME_FAIL, _NAME_FAIL.replace("name: web, containerPort", "name: http, containerPort")),
    references=_REFERENCES,
)
def check_name(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    templates = _selected(doc, ctx)
    if not templates:
        return
    ports_by_template = [(t, declared_ports(t.doc)) for t in templates]
    for service_port in service_ports(doc):
        name = service_port.target
        if not isinstance(name, str):
            continue
        lacking = [
            (template, ports_named(ports, name))
            for template, ports in ports_by_template
            if find_named_port(ports, name, service_port.protocol) is None
        ]
        partial = len(lacking) < len(ports_by_template)
        if partial:  # others resolve it: only the Service's own long-running workloads are held to it
            lacking = [(t, named) for t, named in lacking if _beside(t, doc) and t.doc.kind not in _RUN_TO_COMPLETION]
        if lacking:
            yield _name_violation(service_port, name, lacking, partial)


def _beside(template: PodTemplate, service: Document) -> bool:
    """The template comes from the Service's own directory (the same application)."""
    return posixpath.dirname(template.doc.file) == posixpath.dirname(service.file)


def _name_violation(
    service_port: ServicePort, name: str, lacking: list[tuple[PodTemplate, list[DeclaredPort]]], partial: bool
) -> Violation:
    template, same_name = lacking[0]
    others = f" and {len(lacking) - 1} other selected workload(s)" if len(lacking) > 1 else ""
    if partial:
        message = (
            f"targetPort {quote(name)} ({service_port.protocol}) is not a container port name in {_name(template)}"
            f"{others}, whose pods get no endpoint for this port (other selected pods declare it)"
        )
    else:
        message = (
            f"targetPort {quote(name)} ({service_port.protocol}) is not a container port name in {_name(template)}"
            f"{others}: no selected pod declares it, so this Service port has no endpoint"
        )
    if same_name:
        message += (
            f"; its port {quote(name)} is {same_name[0].protocol}, and a named targetPort only matches"
            " a port of the Service port's protocol"
        )
    elif name.isdigit():
        message += "; a quoted number is a port name to Kubernetes (write it unquoted)"
    related: list[tuple[Document, FieldPath, str]] = []
    for other, named in lacking[:5]:
        path = named[0].path if named else other.spec_path
        related.append((other.doc, path, "selected pod template without that port name"))
    return Violation(message, service_port.target_path, tuple(related))


_NUMBER_FAIL = stream(
    service(name="api", namespace=None, ports="[{port: 80, targetPort: 8000}]"),
    workload(
        name="api",
        namespace=None,
        containers=pod_container(
            name="api", image="registry.example.com/api:2.3", body="ports: [{containerPort: 8080}]\n"
        ),
    ),
)


@rule(
    id="service-targetport-number-undeclared",
    title="Service targetPort number is not declared by the selected pods",
    document="network-connectivity",
    severity=Severity.WARNING,
    kinds=("Service",),
    category="networking",
    cross_object=True,
    rationale="""
A numeric `targetPort` (or, when absent, the Service `port` itself) is used as is:
kube-proxy forwards to that number whether or not a container declares it, so the
declaration is not required. But when every selected pod template lists its container
ports and none of them is the target number, the Service probably points at a port nothing
listens on (often the Service `port` 80 defaulted as target for an app listening on 8080),
and clients get connection refused. Declared ports are not the whole truth, though: apps
listen on ports set in their arguments or configuration. So a template that declares no
ports at all is not judged, and neither is one where the number appears in a container's
`command`, `args`, `env` values, a probe, or a ConfigMap of the input the pod reads
(`envFrom`, `env`, volumes).
""",
    remediation="Set `targetPort` to the port the application listens on, or declare that port in the container.",
    examples=(_NUMBER_FAIL, _NUMBER_FAIL.replace("targetPort: 8000", "targetPort: 8080")),
    references=_REFERENCES,
)
def check_number(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    templates = _selected(doc, ctx)
    if not templates:
        return
    ports_by_template = [(t, declared_ports(t.doc)) for t in templates]
    if not all(ports for _, ports in ports_by_template):
        return
    for service_port in service_ports(doc):
        number = service_port.target
        if not isinstance(number, int):
            continue
        if any(ports_numbered(ports, number) for _, ports in ports_by_template):
            continue
        if any(_mentions_port(t, number, ctx) for t, _ in ports_by_template):
            continue
        template, ports = ports_by_template[0]
        declared = ", ".join(sorted({str(p.number) for p in ports if p.number is not None})) or "none"
        defaulted = (
            "" if service_port.target_path[-1] == "targetPort" else " (targetPort unset, so it defaults to port)"
        )
        message = (
            f"targetPort {number}{defaulted} is not declared by {_name(template)}"
            f"{f' or {len(templates) - 1} other selected workload(s)' if len(templates) > 1 else ''}"
            f" (declared: {declared})"
        )
        related = tuple((t.doc, ps[0].path, "declared container ports") for t, ps in ports_by_template[:5])
        yield Violation(message, service_port.target_path, related)


def _mentions_port(template: PodTemplate, number: int, ctx: RuleContext) -> bool:
    """The pod's own configuration names the port: a container's command, args or env values,
    a probe, or a ConfigMap of the input it reads. Then the app may well listen there."""
    pattern = _number_pattern(number)
    config_maps: set[str] = set()
    for container in containers(template.doc, ContainerScope.ALL):
        if any(_probe_number(p.value) == number for p in probe_ports(container)):
            return True
        if _strings_mention(pattern, container.get("command"), container.get("args")):
            return True
        for item in _mappings(container.get("env")):
            if _strings_mention(pattern, item.get("value")):
                return True
            config_maps.update(_config_map_names(item.get("valueFrom"), "configMapKeyRef"))
        for item in _mappings(container.get("envFrom")):
            config_maps.update(_config_map_names(item, "configMapRef"))
    for volume in _mappings(pod_spec(template.doc).get("volumes")):
        config_maps.update(_config_map_names(volume, "configMap"))
    namespace = template.namespace
    for name in config_maps:
        found = ctx.get("ConfigMap", namespace, name)
        if found is not None and _strings_mention(pattern, *found.mapping("data").values()):
            return True
    return False


@lru_cache(maxsize=256)
def _number_pattern(number: int) -> re.Pattern[str]:
    """The port number as a whole number in text (`:9102`, `PORT=9102`, not `19102`)."""
    return re.compile(rf"(?<![0-9]){number}(?![0-9])")


def _probe_number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _mappings(value: object) -> list[Mapping[str, object]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _config_map_names(holder: object, key: str) -> list[str]:
    ref = holder.get(key) if isinstance(holder, Mapping) else None
    name = ref.get("name") if isinstance(ref, Mapping) else None
    return [name] if isinstance(name, str) and name else []


def _strings_mention(pattern: re.Pattern[str], *values: object) -> bool:
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, (str, int)) and not isinstance(item, bool) and pattern.search(str(item)):
                return True
    return False


_PROTOCOL_FAIL = stream(
    service(name="dns", namespace="infra", ports="[{name: dns, port: 53, targetPort: 5353}]"),
    workload(
        name="dns",
        namespace="infra",
        containers=pod_container(
            name="dns", image="coredns/coredns:1.11.1", body="ports: [{containerPort: 5353, protocol: UDP}]\n"
        ),
    ),
)


def _protocol_path(service_port: ServicePort, doc: Document) -> FieldPath:
    path = (*service_port.path, "protocol")
    return path if doc.has(*path) else service_port.target_path


@rule(
    id="service-port-protocol-mismatch",
    title="Service port protocol differs from the container port's",
    document="network-connectivity",
    severity=Severity.WARNING,
    kinds=("Service",),
    category="networking",
    cross_object=True,
    rationale="""
kube-proxy programs forwarding for the Service port's protocol only (TCP when
`protocol` is absent). When the container port the Service resolves to is declared with
another protocol, for example a DNS server declaring only UDP behind a Service port that
defaulted to TCP, the traffic reaches a port nothing listens on for that protocol and
times out or is refused. Numeric targetPorts are compared with the container ports of
that number; a named targetPort never resolves across protocols (the EndpointSlice
controller requires the same protocol), so that case is reported by
`service-targetport-name-unresolved` instead.
""",
    remediation=(
        "Set the same `protocol` on the Service port and the container port (add a second port entry"
        " for the other protocol if both are served)."
    ),
    examples=(_PROTOCOL_FAIL, _PROTOCOL_FAIL.replace("targetPort: 5353}", "targetPort: 5353, protocol: UDP}")),
    references=(*_REFERENCES, "https://kubernetes.io/docs/reference/networking/service-protocols/"),
)
def check_protocol(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    templates = _selected(doc, ctx)
    if not templates:
        return
    ports_by_template = [(t, declared_ports(t.doc)) for t in templates]
    for service_port in service_ports(doc):
        number = service_port.target
        if not isinstance(number, int):
            continue
        for template, ports in ports_by_template:
            same_number = ports_numbered(ports, number)
            if not same_number or any(p.protocol == service_port.protocol for p in same_number):
                continue
            other = same_number[0]
            yield Violation(
                f"{service_port.describe()} targets {number}/{service_port.protocol}, but {other.container.describe()}"
                f" of {_name(template)} declares {number} only as {other.protocol}",
                _protocol_path(service_port, doc),
                ((template.doc, other.path, f"container port declared as {other.protocol}"),),
            )
            break
