"""kube-apiserver authentication, authorization and admission flags (rule-catalog §9.4)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.examples import static_pod
from kubelint_py.k8s.flags import apiserver_flags
from kubelint_py.rule_api import DocType, Document, RuleContext, Severity, Violation, quote, rule

FLAGS_REF = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/"

_HARDENED = static_pod(
    "kube-apiserver",
    flags="""\
--anonymous-auth=false
--authorization-mode=Node,RBAC
--enable-admission-plugins=NodeRestriction
--client-ca-file=/etc/kubernetes/pki/ca.crt
--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt
--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
""",
)


@rule(
    id="apiserver-anonymous-auth-enabled",
    title="kube-apiserver accepts anonymous requests",
    document="cluster-hardening",
    severity=Severity.WARNING,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    rationale="""
`--anonymous-auth` defaults to true: requests without credentials are served as
`system:anonymous` in group `system:unauthenticated`. Any RBAC binding to those subjects
(a common copy-paste mistake, and the default discovery bindings) is then open to the whole
network that can reach port 6443, and the API server becomes a target for unauthenticated
probing of its endpoints. A bare `--anonymous-auth` or `--anonymous-auth false` (pflag
does not take a separate value for boolean flags) also leaves it enabled. When
`--authentication-config` is used, anonymous access is configured in that file and the
rule is skipped.
""",
    remediation="Set `--anonymous-auth=false` (or restrict anonymous access to health endpoints via "
    "`--authentication-config`).",
    examples=(_HARDENED.replace("--anonymous-auth=false", "--anonymous-auth=true"), _HARDENED),
    references=(
        FLAGS_REF,
        "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
        "CIS Kubernetes Benchmark 1.2.1",
    ),
)
def check_anonymous(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None or flags.has_value("authentication-config"):
        return
    found = flags.get("anonymous-auth")
    if found is None:
        yield Violation("--anonymous-auth is not set (the default is true)", flags.anchor)
    elif found.as_bool() is not False:
        yield Violation(f"--anonymous-auth is {quote(found.text())}, not false", found.path)


@rule(
    id="apiserver-authorization-insecure",
    title="kube-apiserver authorization allows everything or lacks Node/RBAC",
    document="cluster-hardening",
    severity=Severity.ERROR,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    security_severity="9.0",
    rationale="""
With `AlwaysAllow` in `--authorization-mode` (its default when the flag is absent) every
authenticated request is allowed: any service-account token or kubelet certificate is
cluster-admin. Without `RBAC` no Role or binding has effect; without `Node` the Node
authorizer no longer limits each kubelet to the Secrets and Pods of its own node, so one
compromised node reads every Secret. The rule is skipped when `--authorization-config`
(structured authorization configuration) is used.
""",
    remediation="Use `--authorization-mode=Node,RBAC`.",
    examples=(_HARDENED.replace("--authorization-mode=Node,RBAC", "--authorization-mode=AlwaysAllow"), _HARDENED),
    references=(
        FLAGS_REF,
        "https://kubernetes.io/docs/reference/access-authn-authz/node/",
        "CIS Kubernetes Benchmark 1.2.6-1.2.8",
    ),
)
def check_authorization(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None or flags.has_value("authorization-config"):
        return
    found = flags.get("authorization-mode")
    if found is None or found.is_empty():
        yield Violation(
            "--authorization-mode is not set (the default is AlwaysAllow)", flags.path_of("authorization-mode")
        )
        return
    modes = found.items()
    problems: list[str] = []
    if "AlwaysAllow" in modes:
        problems.append("contains AlwaysAllow")
    missing = [mode for mode in ("Node", "RBAC") if mode not in modes]
    if missing:
        problems.append("lacks " + " and ".join(missing))
    if problems:
        yield Violation(f"--authorization-mode {quote(found.text())} " + " and ".join(problems), found.path)


@rule(
    id="apiserver-admission-weak",
    title="kube-apiserver admission chain is weakened",
    document="cluster-hardening",
    severity=Severity.WARNING,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    rationale="""
`NodeRestriction` stops a kubelet from modifying other nodes' Node objects and pods bound
elsewhere, or setting labels that steer workloads to it; without it one compromised node
can attract sensitive pods. `AlwaysAdmit` disables admission control entirely. Disabling
`PodSecurity` removes Pod Security Admission (privileged pods are then admitted in every
namespace), `ServiceAccount` removes service-account defaulting and token checks, and
`NamespaceLifecycle` lets objects be created in terminating or non-existent namespaces.
""",
    remediation="Add NodeRestriction to `--enable-admission-plugins`; keep PodSecurity, ServiceAccount and "
    "NamespaceLifecycle enabled.",
    examples=(
        _HARDENED.replace("--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins=AlwaysAdmit"),
        _HARDENED,
    ),
    references=(
        FLAGS_REF,
        "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/",
        "CIS Kubernetes Benchmark 1.2.9-1.2.16",
    ),
)
def check_admission(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    enabled = flags.get("enable-admission-plugins")
    plugins = enabled.items() if enabled is not None else ()
    problems: list[str] = []
    if "AlwaysAdmit" in plugins:
        problems.append("contains AlwaysAdmit")
    if "NodeRestriction" not in plugins:
        problems.append("lacks NodeRestriction")
    if problems:
        if enabled is None:
            yield Violation("--enable-admission-plugins is not set, so NodeRestriction is not enabled", flags.anchor)
        else:
            yield Violation(
                f"--enable-admission-plugins {quote(enabled.text())} " + " and ".join(problems), enabled.path
            )
    disabled = flags.get("disable-admission-plugins")
    if disabled is not None:
        bad = [p for p in ("PodSecurity", "ServiceAccount", "NamespaceLifecycle") if p in disabled.items()]
        if bad:
            yield Violation(f"--disable-admission-plugins turns off {', '.join(bad)}", disabled.path)


@rule(
    id="apiserver-static-credentials",
    title="kube-apiserver accepts static token or password files",
    document="cluster-hardening",
    severity=Severity.ERROR,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    rationale="""
`--token-auth-file` (and the removed `--basic-auth-file`) authenticate requests against a
plain-text file of long-lived bearer tokens or passwords on the control-plane node. They
cannot be revoked without restarting the API server, never expire, are not rotated and
appear in backups of the node: one leaked line is permanent cluster access.
""",
    remediation="Remove the flag; use client certificates, OIDC or webhook token authentication.",
    examples=(_HARDENED + "        - --token-auth-file=/etc/kubernetes/tokens.csv\n", _HARDENED),
    references=(
        FLAGS_REF,
        "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file",
        "CIS Kubernetes Benchmark 1.2.2",
    ),
)
def check_static_credentials(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    for name in ("token-auth-file", "basic-auth-file"):
        found = flags.get(name)
        if found is not None and not found.is_empty():
            yield Violation(f"--{name} is set: static long-lived credentials authenticate requests", found.path)


@rule(
    id="apiserver-kubelet-tls-unverified",
    title="kube-apiserver does not verify kubelets or present a client certificate to them",
    document="cluster-hardening",
    severity=Severity.WARNING,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    rationale="""
`kubectl exec`, `logs` and `port-forward` go through the API server to the kubelet. Without
`--kubelet-certificate-authority` the API server does not verify the kubelet's serving
certificate, so anyone able to intercept node traffic can impersonate a kubelet and capture
exec sessions and logs. Without `--kubelet-client-certificate`/`--kubelet-client-key` the
API server cannot authenticate to kubelets that (correctly) reject anonymous requests.
kubeadm does not set the CA flag by default because kubelet serving certificates are
self-signed unless serverTLSBootstrap is enabled.
""",
    remediation="Set `--kubelet-certificate-authority` and both `--kubelet-client-certificate` and "
    "`--kubelet-client-key`.",
    examples=(
        _HARDENED.replace("        - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt\n", ""),
        _HARDENED,
    ),
    references=(
        FLAGS_REF,
        "https://kubernetes.io/docs/concepts/architecture/control-plane-node-communication/",
        "CIS Kubernetes Benchmark 1.2.4-1.2.5",
    ),
)
def check_kubelet_tls(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    missing = [
        f"--{name}"
        for name in ("kubelet-certificate-authority", "kubelet-client-certificate", "kubelet-client-key")
        if not flags.has_value(name)
    ]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        yield Violation(f"{', '.join(missing)} {verb} not set", flags.anchor)
