"""privileged-container (rule-catalog §9.2)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Severity,
    Violation,
    containers,
    effective_security,
    rule,
)

_FAIL = workload(
    namespace="prod",
    containers=pod_container(
        image="nginx:1.27",
        body="""\
securityContext:
  privileged: true
""",
    ),
)


@rule(
    id="privileged-container",
    title="Container runs privileged",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kind_groups=("workload",),
    security_severity="9.0",
    rationale="""
A privileged container has every capability and every host device, and the seccomp, AppArmor
and SELinux confinement are lifted: it is root on the node. One compromised process in it can
read every Secret mounted on the node, tamper with the kubelet and move to other workloads.
The Baseline and Restricted Pod Security Standards both forbid it.
""",
    remediation="Remove `privileged: true`; grant only the specific capability the workload needs.",
    examples=(_FAIL, _FAIL.replace("privileged: true", "privileged: false")),
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "CIS Kubernetes Benchmark 5.2.2",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.ALL):
        value, path = effective_security(doc, container, "privileged")
        if value is True and path is not None:
            yield Violation(f"{container.describe()} runs privileged (securityContext.privileged: true)", path)
