"""KubeletConfiguration hardening (rule-catalog §9.4).

Defaults are those of kubelet.config.k8s.io/v1beta1 (pkg/kubelet/apis/config/v1beta1/defaults.go),
which differ from the kubelet's command-line flag defaults: in a configuration file anonymous
authentication defaults to false, webhook authentication to true and authorization to Webhook,
and a zero `streamingConnectionIdleTimeout` is replaced by 4h.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.rule_api import DocType, Document, RuleContext, Severity, Violation, quote, rule

CONFIG_REF = "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/"
AUTH_REF = "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/"

_KUBEADM = """\
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: systemd
rotateCertificates: true
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
"""

_WEAK_SUITE_MARKERS = ("_CBC_", "RC4", "3DES")


def weak_cipher_suite(name: str) -> bool:
    upper = name.strip().upper()
    return any(marker in upper for marker in _WEAK_SUITE_MARKERS) or upper.startswith("TLS_RSA_")


@rule(
    id="kubelet-anonymous-auth-enabled",
    title="Kubelet serves anonymous requests",
    document="cluster-hardening",
    severity=Severity.ERROR,
    doc_types=(DocType.KUBELET_CONFIG,),
    security_severity="8.5",
    rationale="""
With `authentication.anonymous.enabled: true` the kubelet API on port 10250 accepts
requests without credentials as `system:anonymous`. Combined with a permissive
authorization mode this lets anyone on the node network list pods, read logs and run
commands in containers (`/exec`, `/run`). In a KubeletConfiguration file an absent field
defaults to false (unlike the `--anonymous-auth` flag, whose default is true), so only an
explicit `true` is reported.
""",
    remediation="Set `authentication.anonymous.enabled: false`.",
    examples=(_KUBEADM.replace("    enabled: false", "    enabled: true"), _KUBEADM),
    references=(CONFIG_REF, AUTH_REF, "CIS Kubernetes Benchmark 4.2.1"),
)
def check_anonymous(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("authentication", "anonymous", "enabled") is True:
        yield Violation("authentication.anonymous.enabled is true", ("authentication", "anonymous", "enabled"))


@rule(
    id="kubelet-authorization-always-allow",
    title="Kubelet authorizes every request",
    document="cluster-hardening",
    severity=Severity.ERROR,
    security_severity="8.5",
    doc_types=(DocType.KUBELET_CONFIG,),
    rationale="""
`authorization.mode: AlwaysAllow` lets every client that reaches the kubelet API (port 10250)
exec into any container of the node, read its logs and secrets-bearing environment. With
`authentication.webhook.enabled: false` the kubelet does not verify API bearer tokens
through the API server, so service-account tokens are not authenticated and the Webhook
authorizer cannot make decisions for them.
""",
    remediation="Use `authorization.mode: Webhook` with `authentication.webhook.enabled: true`.",
    examples=(_KUBEADM.replace("mode: Webhook", "mode: AlwaysAllow"), _KUBEADM),
    references=(CONFIG_REF, AUTH_REF, "CIS Kubernetes Benchmark 4.2.2"),
)
def check_authorization(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("authorization", "mode") == "AlwaysAllow":
        yield Violation("authorization.mode is AlwaysAllow", ("authorization", "mode"))
    if doc.value("authentication", "webhook", "enabled") is False:
        yield Violation(
            "authentication.webhook.enabled is false: bearer tokens are not verified",
            ("authentication", "webhook", "enabled"),
        )


@rule(
    id="kubelet-read-only-port-enabled",
    title="Kubelet read-only port is open",
    document="cluster-hardening",
    severity=Severity.WARNING,
    doc_types=(DocType.KUBELET_CONFIG,),
    rationale="""
A non-zero `readOnlyPort` (traditionally 10255) serves the kubelet's pod list, specs and
metrics without any authentication or authorization: pod specs leak environment
variables, image names and mounted-secret names to anyone on the node network.
""",
    remediation="Set `readOnlyPort: 0`.",
    examples=(_KUBEADM + "readOnlyPort: 10255\n", _KUBEADM + "readOnlyPort: 0\n"),
    references=(CONFIG_REF, "CIS Kubernetes Benchmark 4.2.4"),
)
def check_read_only_port(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value("readOnlyPort")
    if isinstance(value, int) and not isinstance(value, bool) and value != 0:
        yield Violation(f"readOnlyPort is {value}: unauthenticated read API enabled", ("readOnlyPort",))
    elif isinstance(value, str) and value.strip() not in ("", "0"):
        yield Violation(f"readOnlyPort is {quote(value)}: unauthenticated read API enabled", ("readOnlyPort",))


@rule(
    id="kubelet-weak-setting",
    title="Kubelet hardening setting is weakened",
    document="cluster-hardening",
    severity=Severity.WARNING,
    doc_types=(DocType.KUBELET_CONFIG,),
    rationale="""
Each of these settings removes one layer of node protection: `makeIPTablesUtilChains: false`
leaves the kubelet's iptables drop rules unmanaged; `rotateCertificates: false` lets the
kubelet client certificate expire or stay valid forever after a compromise; TLS below 1.2
and non-ECDHE-AEAD cipher suites (CBC, RC4, 3DES, static RSA key exchange) expose the kubelet
API to downgrade and padding-oracle attacks; a negative `podPidsLimit` lets one pod fork-bomb
the node; `seccompDefault: false` runs every container without the RuntimeDefault seccomp
profile. `streamingConnectionIdleTimeout: 0` is not reported: in a KubeletConfiguration file
the kubelet replaces a zero value by its 4h default (kubeadm writes `0s` for that reason).

With the option `protectKernelDefaults: true` (off by default) the rule also requires
`protectKernelDefaults: true` (absent = false). Without it the kubelet silently rewrites
kernel tunables it depends on (`vm.overcommit_memory`, `vm.panic_on_oom`, `kernel.panic`,
`kernel.panic_on_oops`, `kernel.keys.*`) whenever they differ from its expectations, so a
node's hardened sysctl baseline is overridden without notice; with it the kubelet refuses
to start instead, and the node image must set those values first (which is why the check is
an option, not the default).
""",
    remediation="Apply the CIS kubelet settings: TLS 1.2+, ECDHE-AEAD suites, certificate rotation, a pod PID limit, "
    "seccompDefault.",
    examples=(_KUBEADM + "tlsMinVersion: VersionTLS10\n", _KUBEADM + "tlsMinVersion: VersionTLS12\n"),
    references=(
        CONFIG_REF,
        "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
        "CIS Kubernetes Benchmark 4.2.6-4.2.13",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "protectKernelDefaults": {
                "type": "boolean",
                "default": False,
                "description": "Also require protectKernelDefaults: true (the nodes must set the kubelet's "
                "expected kernel tunables first).",
            }
        },
    },
)
def check_weak(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("makeIPTablesUtilChains") is False:
        yield Violation("makeIPTablesUtilChains is false", ("makeIPTablesUtilChains",))
    if doc.value("rotateCertificates") is False:
        yield Violation("rotateCertificates is false: the client certificate is never rotated", ("rotateCertificates",))
    tls_min = doc.value("tlsMinVersion")
    if tls_min in ("VersionTLS10", "VersionTLS11"):
        yield Violation(f"tlsMinVersion is {tls_min}: TLS below 1.2 accepted", ("tlsMinVersion",))
    for number, suite in enumerate(doc.sequence("tlsCipherSuites")):
        if isinstance(suite, str) and weak_cipher_suite(suite):
            yield Violation(f"tlsCipherSuites contains {suite}, not an ECDHE AEAD suite", ("tlsCipherSuites", number))
    pids = doc.value("podPidsLimit")
    if isinstance(pids, int) and not isinstance(pids, bool) and pids < 0:
        yield Violation(f"podPidsLimit is {pids}: pods may create unlimited processes", ("podPidsLimit",))
    if doc.value("seccompDefault") is False:
        yield Violation("seccompDefault is false: containers run unconfined by default", ("seccompDefault",))
    if ctx.options.get("protectKernelDefaults") is True:
        yield from _kernel_defaults(doc)


def _kernel_defaults(doc: Document) -> Iterator[Violation]:
    value = doc.value("protectKernelDefaults")
    if value is True:
        return
    if value is None:
        state = "is not set (the default is false)"
    elif value is False:
        state = "is false"
    else:
        state = f"is {quote(str(value))}, not the boolean true"
    yield Violation(
        f"protectKernelDefaults {state}: the kubelet rewrites kernel tunables that differ from its defaults",
        ("protectKernelDefaults",),
    )
