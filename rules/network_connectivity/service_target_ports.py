"""service-targetport-name-unresolved, service-targetport-number-undeclared and
service-port-protocol-mismatch (rule-catalog §2)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

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
    Violation,
    containers,
    pod_spec,
    quote,
    rule,
    selector_from_map,
)

# kinds whose pods run to completion: sharing the app's labels, they are no backends to expect
_RUN_TO_COMPLETION = frozenset(("Job", "CronJob"))


def _selected(doc: Document, ctx: RuleContext) -> tuple[PodTemplate, ...]:
    """`_select`, once per Service for the three rules (shared: read-only): each made the
    selector and asked for its templates again (1,485 Services on the 10,000-document corpus)."""
    return doc.cached(("service-target-ports", "selected"), lambda: _select(doc, ctx))


def _select(doc: Document, ctx: RuleContext) -> tuple[PodTemplate, ...]:
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


@rule("service-targetport-name-unresolved")
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


@rule("service-targetport-number-undeclared")
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
    # (1,079 readings of 870 pod templates on the 10,000-document corpus, most of which find
    # nothing: an env entry's text value is searched as it is, and its valueFrom read only when
    # it has one, without the general helpers' calls; the same tests in the same order)
    pattern = _number_pattern(number)
    search = pattern.search
    config_maps: set[str] = set()
    for container in containers(template.doc, ContainerScope.ALL):
        if any(_probe_number(p.value) == number for p in probe_ports(container)):
            return True
        data = container.data
        if _strings_mention(pattern, data.get("command"), data.get("args")):
            return True
        env = data.get("env")
        for item in env if isinstance(env, list) else ():
            if not (type(item) is dict or isinstance(item, Mapping)):
                continue
            value = item.get("value")
            if value is not None and (search(value) if type(value) is str else _strings_mention(pattern, value)):
                return True
            value_from = item.get("valueFrom")
            if value_from is not None:
                config_maps.update(_config_map_names(value_from, "configMapKeyRef"))
        for item in _mappings(data.get("envFrom")):
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


# (exact tests first, for the loader's dicts and the usual absent None: an ABC isinstance runs
# in Python, and these read every env entry and volume of 870 pod templates, 40,000 tests)
def _mappings(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if type(item) is dict or isinstance(item, Mapping)]


def _config_map_names(holder: object, key: str) -> list[str]:
    ref = holder.get(key) if type(holder) is dict or isinstance(holder, Mapping) else None
    name = ref.get("name") if ref is not None and (type(ref) is dict or isinstance(ref, Mapping)) else None
    return [name] if isinstance(name, str) and name else []


def _strings_mention(pattern: re.Pattern[str], *values: object) -> bool:
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, (str, int)) and not isinstance(item, bool) and pattern.search(str(item)):
                return True
    return False


def _protocol_path(service_port: ServicePort, doc: Document) -> FieldPath:
    path = (*service_port.path, "protocol")
    return path if doc.has(*path) else service_port.target_path


@rule("service-port-protocol-mismatch")
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
