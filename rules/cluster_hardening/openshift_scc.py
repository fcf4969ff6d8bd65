"""openshift-scc-privileged (rule-catalog §9.2): OpenShift SecurityContextConstraints."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

SCC_GROUP = "security.openshift.io"

_FAIL = """\
apiVersion: security.openshift.io/v1
kind: SecurityContextConstraints
metadata: {name: agent-scc}
allowPrivilegedContainer: true
runAsUser: {type: RunAsAny}
seLinuxContext: {type: RunAsAny}
users: ["system:serviceaccount:monitoring:agent"]
"""


@rule(
    id="openshift-scc-privileged",
    title="OpenShift SCC allows privileged containers",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kinds=(f"{SCC_GROUP}/SecurityContextConstraints",),
    security_severity="9.0",
    rationale="""
On OpenShift, SecurityContextConstraints decide which pod settings a user or ServiceAccount may
request. An SCC with `allowPrivilegedContainer: true` admits `privileged: true` containers,
which have every capability and host device and run without seccomp or SELinux confinement:
root on the node for every user, group and ServiceAccount the SCC is granted to (its `users` and
`groups`, or RBAC `use` on it). Only the node agents that really need it should be able to use
such an SCC, and OpenShift's own `privileged` SCC already exists for them.
""",
    remediation="Use a restricted SCC (`restricted-v2`); grant privileged access only to node agents, "
    "through OpenShift's `privileged` SCC.",
    examples=(_FAIL, _FAIL.replace("allowPrivilegedContainer: true", "allowPrivilegedContainer: false")),
    references=(
        "https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ),
    default_enabled=False,
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value("allowPrivilegedContainer")
    if value is True:
        yield Violation(
            "allowPrivilegedContainer: true lets every user, group and ServiceAccount granted this SCC run "
            "privileged containers",
            ("allowPrivilegedContainer",),
        )
