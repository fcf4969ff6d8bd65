"""ssh-port-exposed (rule-catalog §9.3)."""

from collections.abc import Iterator

from kubelint_py.k8s.ports import DEFAULT_PROTOCOL, ports_of, service_ports
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, rule

SSH_PORT = 22


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
        for port in ports_of(doc, container):
            if port.number == SSH_PORT and port.protocol == DEFAULT_PROTOCOL:
                yield Violation(f"{container.describe()} declares the SSH port 22/TCP", (*port.path, "containerPort"))


@rule("ssh-port-exposed")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "Service" and doc.api_version == "v1":
        yield from _service_findings(doc)
    else:
        yield from _container_findings(doc)
