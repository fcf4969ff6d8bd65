"""port-name-invalid (rule-catalog §5).

The API server's port-name syntax (pkg/apis/core/validation):

* IANA_SVC_NAME (`IsValidPortName`) for a container `ports[].name`, a string `port` of an
  `httpGet` or `tcpSocket` handler (probes and lifecycle hooks) and a string Service
  `targetPort`: 1-15 characters of `[a-z0-9-]`, at least one letter, no `--`, no `-` at
  either end.
* DNS-1123 label for a Service `ports[].name`; a Service with more than one port must name
  every port, and names are unique.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.identifiers import dns1123_label_problems, is_templated, port_name_problems
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    quote,
    rule,
)

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
LIFECYCLE_HOOKS = ("postStart", "preStop")
PORT_HANDLERS = ("httpGet", "tcpSocket")


def _iana(value: str, field: str, path: FieldPath) -> Violation | None:
    problems = port_name_problems(value)
    if not problems or is_templated(value):
        return None
    hint = " (a quoted number is a name to the API server: write the number unquoted)" if value.isdigit() else ""
    return Violation(f"{field} {quote(value)} is not a valid port name: {'; '.join(problems)}{hint}", path)


def _handlers(container: ContainerRef) -> Iterator[tuple[str, Mapping[str, object], FieldPath]]:
    """Every probe and lifecycle handler of a container: (label, handler, path of the handler)."""
    # (exact tests first: most handlers are absent, and an ABC isinstance costs ten times more)
    for probe in PROBES:
        spec = container.data.get(probe)
        if spec is not None and (type(spec) is dict or isinstance(spec, Mapping)):
            yield probe, spec, (*container.path, probe)
    lifecycle = container.data.get("lifecycle")
    if lifecycle is not None and (type(lifecycle) is dict or isinstance(lifecycle, Mapping)):
        for hook in LIFECYCLE_HOOKS:
            spec = lifecycle.get(hook)
            if spec is not None and (type(spec) is dict or isinstance(spec, Mapping)):
                yield f"lifecycle.{hook}", spec, (*container.path, "lifecycle", hook)


def _container_violations(container: ContainerRef) -> Iterator[Violation]:
    ports = container.data.get("ports")
    for index, entry in enumerate(ports if isinstance(ports, list) else ()):
        name = entry.get("name") if type(entry) is dict or isinstance(entry, Mapping) else None
        # (most names are valid, and their verdicts kept: the field's text only for the others)
        if isinstance(name, str) and name and port_name_problems(name):
            found = _iana(name, f"{container.describe()} port name", (*container.path, "ports", index, "name"))
            if found is not None:
                yield found
    for label, handler_spec, path in _handlers(container):
        for handler in PORT_HANDLERS:
            action = handler_spec.get(handler)
            port = action.get("port") if action is not None and isinstance(action, Mapping) else None
            if isinstance(port, str) and port_name_problems(port):
                field = f"{container.describe()} {label} {handler}.port"
                found = _iana(port, field, (*path, handler, "port"))
                if found is not None:
                    yield found


def _service_port_violations(
    entry: Mapping[str, object], path: FieldPath, names: set[str], several: bool
) -> Iterator[Violation]:
    name = entry.get("name")
    if name is None or name == "":
        if several:
            number = entry.get("port")
            label = (
                f"Service port {number}" if isinstance(number, int) and not isinstance(number, bool) else "Service port"
            )
            yield Violation(
                f"{label} has no name: a Service with more than one port must name every port", (*path, "name")
            )
    elif isinstance(name, str) and not is_templated(name):
        problems = dns1123_label_problems(name)
        if problems:
            yield Violation(
                f"Service port name {quote(name)} is not a valid DNS-1123 label: {'; '.join(problems)}", (*path, "name")
            )
        elif name in names:
            yield Violation(
                f"Service port name {quote(name)} is used twice: port names must be unique", (*path, "name")
            )
        names.add(name)
    target = entry.get("targetPort")
    if isinstance(target, str) and target:
        found = _iana(target, "Service targetPort", (*path, "targetPort"))
        if found is not None:
            yield found


def _service_violations(doc: Document) -> Iterator[Violation]:
    ports = doc.sequence("spec", "ports")
    several = len(ports) > 1
    names: set[str] = set()
    for index, entry in enumerate(ports):
        if isinstance(entry, Mapping):
            yield from _service_port_violations(entry, ("spec", "ports", index), names, several)


@rule("port-name-invalid")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "Service" and doc.group == "":
        yield from _service_violations(doc)
        return
    for container in containers(doc, ContainerScope.C_I):
        yield from _container_violations(container)
