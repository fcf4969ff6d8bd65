"""KubeletConfiguration hardening (rule-catalog §9.4).

Defaults are those of kubelet.config.k8s.io/v1beta1 (pkg/kubelet/apis/config/v1beta1/defaults.go),
which differ from the kubelet's command-line flag defaults: in a configuration file anonymous
authentication defaults to false, webhook authentication to true and authorization to Webhook,
and a zero `streamingConnectionIdleTimeout` is replaced by 4h.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

_WEAK_SUITE_MARKERS = ("_CBC_", "RC4", "3DES")


def weak_cipher_suite(name: str) -> bool:
    upper = name.strip().upper()
    return any(marker in upper for marker in _WEAK_SUITE_MARKERS) or upper.startswith("TLS_RSA_")


@rule("kubelet-anonymous-auth-enabled")
def check_anonymous(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("authentication", "anonymous", "enabled") is True:
        yield Violation("authentication.anonymous.enabled is true", ("authentication", "anonymous", "enabled"))


@rule("kubelet-authorization-always-allow")
def check_authorization(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("authorization", "mode") == "AlwaysAllow":
        yield Violation("authorization.mode is AlwaysAllow", ("authorization", "mode"))
    if doc.value("authentication", "webhook", "enabled") is False:
        yield Violation(
            "authentication.webhook.enabled is false: bearer tokens are not verified",
            ("authentication", "webhook", "enabled"),
        )


@rule("kubelet-read-only-port-enabled")
def check_read_only_port(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value("readOnlyPort")
    if isinstance(value, int) and not isinstance(value, bool) and value != 0:
        yield Violation(f"readOnlyPort is {value}: unauthenticated read API enabled", ("readOnlyPort",))
    elif isinstance(value, str) and value.strip() not in ("", "0"):
        yield Violation(f"readOnlyPort is {quote(value)}: unauthenticated read API enabled", ("readOnlyPort",))


@rule("kubelet-weak-setting")
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
