"""kubelint_py.k8s.ports: container/Service ports and named-port resolution as the
EndpointSlice controller (FindPort) and the kubelet (probes) do it."""

from __future__ import annotations

import pytest

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.k8s.ports import (
    declared_ports,
    effective_target_port,
    find_named_port,
    port_number,
    probe_ports,
    protocol_of,
    resolve_probe_port,
    resolve_target_port,
    service_ports,
)
from kubelint_py.k8s.workloads import ContainerScope, containers
from kubelint_py.model import Document, Source


def load(text: str) -> list[Document]:
    result = LoadResult()
    load_source(Source("t.yaml", text.encode()), LoadOptions(), result)
    assert not result.problems, result.problems
    return result.documents


POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - name: setup
      image: busybox
      ports: [{name: init-only, containerPort: 7000}]
    - name: mesh
      image: envoy
      restartPolicy: Always
      ports: [{name: proxy, containerPort: 15001}, {name: dns, containerPort: 53, protocol: UDP}]
  containers:
    - name: app
      image: app
      ports:
        - {name: http, containerPort: 8080}
        - {name: dns, containerPort: 5353, protocol: TCP}
        - {containerPort: 9090, protocol: udp}
        - "junk"
        - {name: metrics, containerPort: "9100"}
      readinessProbe: {httpGet: {path: /, port: http}}
      livenessProbe: {tcpSocket: {port: 8080}}
      startupProbe: {grpc: {port: other}}
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  selector: {app: a}
  ports:
    - {name: web, port: 80, targetPort: http}
    - {name: plain, port: 8080}
    - {name: zero, port: 81, targetPort: 0}
    - {name: dns, port: 53, targetPort: dns, protocol: UDP}
    - {name: dnstcp, port: 54, targetPort: dns}
    - {name: proxy, port: 15001, targetPort: proxy}
    - {name: init, port: 7000, targetPort: init-only}
    - {name: num, port: 9090, targetPort: 9090, protocol: UDP}
    - not-a-port
"""


def test_port_number_and_protocol() -> None:
    assert port_number(8080) == 8080
    assert port_number(True) is None
    assert port_number("8080") is None
    assert protocol_of({}) == "TCP"
    assert protocol_of({"protocol": "udp"}) == "UDP"
    assert protocol_of({"protocol": 7}) == "TCP"


def test_declared_ports_order_and_scope() -> None:
    (pod,) = load(POD)
    ports = declared_ports(pod)
    # containers first, then native sidecars; plain init containers are not endpoints' ports
    assert [(p.container.name, p.name, p.number, p.protocol) for p in ports] == [
        ("app", "http", 8080, "TCP"),
        ("app", "dns", 5353, "TCP"),
        ("app", None, 9090, "UDP"),
        ("app", "metrics", None, "TCP"),
        ("mesh", "proxy", 15001, "TCP"),
        ("mesh", "dns", 53, "UDP"),
    ]
    assert ports[0].path == ("spec", "containers", 0, "ports", 0)
    assert ports[3].path == ("spec", "containers", 0, "ports", 4)
    all_ports = declared_ports(pod, ContainerScope.C_I)
    assert any(p.name == "init-only" for p in all_ports)


def test_effective_target_port_defaults() -> None:
    assert effective_target_port({"port": 80}) == (80, False)
    assert effective_target_port({"port": 80, "targetPort": 0}) == (80, False)
    assert effective_target_port({"port": 80, "targetPort": ""}) == (80, False)
    assert effective_target_port({"port": 80, "targetPort": "http"}) == ("http", True)
    assert effective_target_port({"port": 80, "targetPort": 8080}) == (8080, True)
    assert effective_target_port({"targetPort": True}) == (None, False)


def test_service_ports() -> None:
    (svc,) = load(SERVICE)
    ports = service_ports(svc)
    assert len(ports) == 8
    assert ports[0].target == "http" and ports[0].target_path == ("spec", "ports", 0, "targetPort")
    assert ports[1].target == 8080 and ports[1].target_path == ("spec", "ports", 1, "port")
    assert ports[2].target == 81 and ports[2].target_path == ("spec", "ports", 2, "port")
    assert ports[3].protocol == "UDP"


@pytest.mark.parametrize(
    ("index", "expected_number", "expected_container"),
    [
        (0, 8080, "app"),  # by name
        (1, 8080, "app"),  # numeric, declared
        (2, 81, None),  # numeric, not declared: still used as is
        (3, 53, "mesh"),  # name "dns" + UDP: the sidecar's port, the TCP one of "app" does not match
        (4, 5353, "app"),  # name "dns" + TCP (default): the app container's, first match wins
        (5, 15001, "mesh"),  # native sidecar ports resolve
        (6, None, None),  # plain init container ports never resolve
        (7, 9090, "app"),  # numeric with matching protocol
    ],
)
def test_resolve_target_port(index: int, expected_number: int | None, expected_container: str | None) -> None:
    pod, svc = load(POD + "---\n" + SERVICE)
    number, port = resolve_target_port(declared_ports(pod), service_ports(svc)[index])
    assert number == expected_number
    assert (port.container.name if port else None) == expected_container


def test_named_port_requires_same_protocol() -> None:
    (pod,) = load(POD)
    ports = declared_ports(pod)
    assert find_named_port(ports, "http", "UDP") is None
    found = find_named_port(ports, "http", "TCP")
    assert found is not None and found.number == 8080


def test_probe_ports_and_resolution() -> None:
    (pod,) = load(POD)
    app = next(c for c in containers(pod, ContainerScope.C) if c.name == "app")
    probes = list(probe_ports(app))
    assert [(p.probe, p.handler, p.value) for p in probes] == [
        ("livenessProbe", "tcpSocket", 8080),
        ("readinessProbe", "httpGet", "http"),
        ("startupProbe", "grpc", "other"),
    ]
    assert probes[1].path == ("spec", "containers", 0, "readinessProbe", "httpGet", "port")
    assert resolve_probe_port(app, "http") == 8080
    assert resolve_probe_port(app, 1234) == 1234
    assert resolve_probe_port(app, "proxy") is None  # another container's name does not count
    assert resolve_probe_port(app, "8081") == 8081  # the kubelet's last-resort Atoi
    assert resolve_probe_port(app, None) is None
