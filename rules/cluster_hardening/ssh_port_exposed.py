"""ssh-port-exposed (rule-catalog §9.3)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.ports import DEFAULT_PROTOCOL, container_ports, service_ports
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Severity, Violation, containers, rule

SSH_PORT = 22

_FAIL = workload(
    name="toolbox",
    namespace="ops",
    containers=pod_container(
        name="toolbox",
        image="registry.example.com/toolbox:3.2",
        body="""\
ports:
  - {name: ssh, containerPort: 22}
""",
    ),
)

_PASS = _FAIL.replace("{name: ssh, containerPort: 22}", "{name: http, containerPort: 8080}")


def _service_findings(doc: Document) -> Iterator[Violation]:
    if doc.value("spec", "type") == "ExternalName":
        return
    for port in service_ports(doc):
        if port.protocol != DEFAULT_PROTOCOL:
            continue
        if port.port == SSH_PORT:
            yield Violation(f"{port.describe()} publishes the SSH port", (*port.path, "port"))
        elif port.target == SSH_PORT:
            yield Violation(f"{port.describe()} forwards to the SSH port 22 of its pods", port.target_path)


def _container_findings(doc: Document) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_I):
        for port in container_ports(container):
            if port.number == SSH_PORT and port.protocol == DEFAULT_PROTOCOL:
                yield Violation(f"{container.describe()} declares the SSH port 22/TCP", (*port.path, "containerPort"))


@rule(
    id="ssh-port-exposed",
    title="SSH port exposed by a container or Service",
    document="cluster-hardening",
    severity=Severity.INFO,
    kinds=("Service",),
    kind_groups=("workload",),
    default_enabled=False,
    rationale="""
A container port 22/TCP (init and sidecar containers included) or a Service port 22/TCP, or one
whose numeric `targetPort` is 22, usually means an SSH server runs in the pod: one more
long-lived credential to manage, a login that bypasses the API server's authentication, RBAC
and audit log, and a shell for whoever obtains the key. `kubectl exec` and ephemeral debug
containers give the same access under RBAC and audit. ExternalName Services (no proxying) and
UDP or SCTP ports are not reported. Opt-in: some workloads (Git servers, SFTP gateways) serve
SSH as their product.
""",
    remediation="Remove the SSH server from the image; use `kubectl exec` or `kubectl debug` for access.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container",
        "https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "Service" and doc.api_version == "v1":
        yield from _service_findings(doc)
    else:
        yield from _container_findings(doc)
