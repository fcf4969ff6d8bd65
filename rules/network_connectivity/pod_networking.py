"""hostnetwork-dns-policy, probe-port-unresolved and container-port-duplicate (rule-catalog §2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubelint_py.k8s.ports import DeclaredPort, ports_of, probe_ports
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Violation,
    containers,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)

# `api.shop.svc`, `api.shop.svc.cluster.local`: names only cluster DNS answers
_CLUSTER_NAME_RE = re.compile(r"[a-z0-9][a-z0-9.-]*\.(?:svc(?:\.cluster\.local)?|cluster\.local)\b")
# a host written as a URL authority (`http://api:8080`, `user@api`) or `host:port`
_HOST_RE = re.compile(r"(?://|@)([a-z0-9][a-z0-9.-]*)|\b([a-z0-9][a-z0-9.-]*):\d{1,5}\b")


def _strings(doc: Document) -> Iterator[str]:
    """What the containers are told to connect to: command, args and literal env values."""
    for container in containers(doc, ContainerScope.ALL):
        for key in ("command", "args"):
            argv = container.data.get(key)
            if isinstance(argv, list):
                yield from (arg for arg in argv if isinstance(arg, str))
        env = container.data.get("env")
        for entry in env if isinstance(env, list) else ():
            value = entry.get("value") if isinstance(entry, dict) else None
            if isinstance(value, str):
                yield value


def _service_names(ctx: RuleContext) -> frozenset[tuple[str, str | None]]:
    """(name, namespace) and (name.namespace, None) of every Service of the input."""
    names: set[tuple[str, str | None]] = set()
    for service in ctx.of_kind("Service"):
        namespace = ctx.namespace_of(service)
        names.add((service.name, namespace))
        names.add((f"{service.name}.{namespace}", None))
    return frozenset(names)


def _uses_cluster_dns(doc: Document, ctx: RuleContext) -> str | None:
    """The first host name in the pod's command, args or env that only cluster DNS resolves: a
    `.svc` name, or a Service of the input addressed by name (same namespace) or name.namespace."""
    services: frozenset[tuple[str, str | None]] | None = None
    namespace = ctx.namespace_of(doc)
    for text in _strings(doc):
        found = _CLUSTER_NAME_RE.search(text)
        if found:
            return found.group()
        for match in _HOST_RE.finditer(text):
            host = (match.group(1) or match.group(2)).rstrip(".")
            if services is None:
                services = ctx.lint.cached("hostnetwork-dns-policy/services", lambda: _service_names(ctx))
            if (host, namespace) in services or (host, None) in services:
                return host
    return None


@rule("hostnetwork-dns-policy")
def check_hostnetwork_dns(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = pod_spec(doc)
    spec_path = pod_spec_path(doc)
    if spec.get("hostNetwork") is not True or spec_path is None:
        return
    policy = spec.get("dnsPolicy")
    if policy not in (None, "ClusterFirst"):
        return
    used = _uses_cluster_dns(doc, ctx)
    if used is None:
        return
    name = quote(used)
    if policy is None:
        yield Violation(
            f"hostNetwork: true without dnsPolicy, so the default ClusterFirst falls back to the node's resolver, "
            f"which cannot resolve {name}",
            (*spec_path, "hostNetwork"),
        )
    else:
        yield Violation(
            f"hostNetwork: true with dnsPolicy: ClusterFirst, which the kubelet turns into the node's resolver, "
            f"which cannot resolve {name}",
            (*spec_path, "dnsPolicy"),
        )


@rule("probe-port-unresolved")
def check_probe_port(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_SIDECARS):
        names = {port.name for port in ports_of(doc, container) if port.name is not None}
        for probe in probe_ports(container):
            value = probe.value
            if not isinstance(value, str):
                continue
            field = f"{container.describe()} {probe.probe} {probe.handler}.port {quote(value)}"
            if probe.handler == "grpc":
                message = f"{field} is a name, but grpc.port takes a number only (the API server rejects a name)"
            elif value in names:
                continue
            elif value.isdigit():
                message = f"{field} is a quoted number, which is a port name to the API server (it is rejected)"
            else:
                declared = ", ".join(sorted(names)) or "none"
                message = f"{field} is not a port name of this container (declared names: {declared})"
            yield Violation(message, probe.path)


def _port_label(port: DeclaredPort) -> str:
    return f"{port.number if port.number is not None else '?'}/{port.protocol}"


@rule("container-port-duplicate")
def check_duplicate_ports(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    names: dict[str, DeclaredPort] = {}
    for container in containers(doc, ContainerScope.C_I):
        numbers: dict[tuple[int, str], DeclaredPort] = {}
        for port in ports_of(doc, container):
            if port.number is not None:
                first = numbers.setdefault((port.number, port.protocol), port)
                if first is not port:
                    yield Violation(
                        f"{container.describe()} declares containerPort {_port_label(port)} twice"
                        f" (ports #{first.position + 1} and #{port.position + 1})",
                        (*port.path, "containerPort"),
                    )
            if port.name is not None:
                first_named = names.setdefault(port.name, port)
                if first_named is not port:
                    where = (
                        "the same container"
                        if first_named.container.path == container.path
                        else first_named.container.describe()
                    )
                    yield Violation(
                        f"port name {quote(port.name)} of {container.describe()} ({_port_label(port)}) is already"
                        f" used by {where} ({_port_label(first_named)}); named-port lookups take the first",
                        (*port.path, "name"),
                    )
