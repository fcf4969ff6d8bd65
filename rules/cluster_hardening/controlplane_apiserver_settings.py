"""kube-apiserver token lookup, serving TLS and externalIPs admission flags (rule-catalog §9.4)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.examples import static_pod
from kubelint_py.k8s.flags import Setting, apiserver_flags
from kubelint_py.k8s.tls import (
    SECURE_CIPHER_SUITES,
    TLS_VERSIONS,
    WEAK_CIPHER_SUITES,
    WEAK_TLS_VERSIONS,
    cipher_weakness,
    is_placeholder,
)
from kubelint_py.rule_api import DocType, Document, RuleContext, Severity, Violation, quote, rule

FLAGS_REF = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/"

_POD = static_pod(
    "kube-apiserver",
    flags="""\
--authorization-mode=Node,RBAC
--client-ca-file=/etc/kubernetes/pki/ca.crt
--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs
--service-account-issuer=https://kubernetes.default.svc.cluster.local
--service-account-key-file=/etc/kubernetes/pki/sa.pub
--service-account-signing-key-file=/etc/kubernetes/pki/sa.key
--tls-cert-file=/etc/kubernetes/pki/apiserver.crt
--tls-private-key-file=/etc/kubernetes/pki/apiserver.key
--tls-min-version=VersionTLS12
--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
""",
)


# -- apiserver-weak-setting -------------------------------------------------------------

_REQUIRED_FILES = ("service-account-key-file", "tls-cert-file", "tls-private-key-file", "client-ca-file")


@rule(
    id="apiserver-weak-setting",
    title="kube-apiserver hardening setting is weakened",
    document="cluster-hardening",
    severity=Severity.WARNING,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    category="security",
    rationale="""
With `--service-account-lookup=false` the API server accepts a ServiceAccount token on its
signature alone, without checking that the ServiceAccount (and, for bound tokens, the pod or
Secret it was bound to) still exists. Deleting a compromised ServiceAccount then does not
revoke its tokens: a stolen legacy token stays valid for ever, a bound token until it
expires. The default (`true`) passes, as does an absent or bare flag.

With the option `requireFiles: true` the rule also names the key and certificate flags the
CIS benchmark expects explicitly: without `--service-account-key-file` the API server verifies
tokens with the key of `--tls-private-key-file`, which is not the key that
`--service-account-signing-key-file` signs with; without `--tls-cert-file` and
`--tls-private-key-file` it serves a self-signed certificate it generates at start-up, so
clients either fail or are configured to skip verification; without `--client-ca-file` X.509
client certificates (kubelets, controller manager, administrators' kubeconfigs) do not
authenticate at all.
""",
    remediation="Keep `--service-account-lookup` at its default `true` (remove `=false`); set "
    "`--service-account-key-file`, `--tls-cert-file`, `--tls-private-key-file` and `--client-ca-file`.",
    examples=(_POD + "        - --service-account-lookup=false\n", _POD + "        - --service-account-lookup=true\n"),
    references=(
        FLAGS_REF,
        "https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/",
        "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#service-account-tokens",
        "CIS Kubernetes Benchmark 1.2.24-1.2.29",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "requireFiles": {
                "type": "boolean",
                "default": False,
                "description": "Also require --service-account-key-file, --tls-cert-file, --tls-private-key-file "
                "and --client-ca-file.",
            }
        },
    },
)
def check_weak_setting(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    lookup = flags.get("service-account-lookup")
    if lookup is not None and lookup.as_bool() is False:
        yield Violation(
            f"--service-account-lookup is {quote(lookup.text())}: tokens of deleted ServiceAccounts stay valid",
            lookup.path,
        )
    if ctx.options.get("requireFiles") is True:
        missing = [f"--{name}" for name in _REQUIRED_FILES if not flags.has_value(name)]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            yield Violation(f"{', '.join(missing)} {verb} not set", flags.anchor)


# -- apiserver-weak-tls -----------------------------------------------------------------


def _suite_problems(setting: Setting) -> list[str]:
    weak: list[str] = []
    unknown: list[str] = []
    for name in setting.items():
        if name in SECURE_CIPHER_SUITES or is_placeholder(name):
            continue
        if name in WEAK_CIPHER_SUITES:
            weak.append(f"{name} ({cipher_weakness(name)})")
        else:
            unknown.append(name)
    problems: list[str] = []
    if weak:
        problems.append("allows weak suites " + ", ".join(weak))
    if unknown:
        problems.append(
            "names " + ", ".join(quote(n) for n in unknown) + ", which kube-apiserver does not know "
            "(it refuses to start)"
        )
    return problems


def _version_problem(setting: Setting) -> str | None:
    text = setting.text().strip()
    if not text or is_placeholder(text):
        return None
    if text in WEAK_TLS_VERSIONS:
        return f"--tls-min-version is {text}: clients may negotiate TLS {TLS_VERSIONS[text]}"
    if text not in TLS_VERSIONS:
        return (
            f"--tls-min-version is {quote(text)}, not one of {', '.join(TLS_VERSIONS)} "
            "(kube-apiserver refuses to start)"
        )
    return None


@rule(
    id="apiserver-weak-tls",
    title="kube-apiserver allows TLS below 1.2 or weak cipher suites",
    document="cluster-hardening",
    severity=Severity.WARNING,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    category="security",
    rationale="""
Every credential of the cluster crosses port 6443: bearer tokens, client certificates'
handshakes, Secret values in responses. `--tls-min-version=VersionTLS10` or `VersionTLS11`
lets a client (or an attacker in the path who forces a downgrade) negotiate protocol versions
that have no AEAD suites at all, only CBC or RC4 record protection and MD5/SHA-1 in the
handshake (BEAST, Lucky13). In `--tls-cipher-suites`, suites with static RSA key exchange
(`TLS_RSA_*`) give no forward secrecy (whoever later obtains the serving key decrypts every
recorded session), CBC suites are exposed to padding-oracle and timing attacks, and RC4 and
3DES are broken. Only the ECDHE suites with AES-GCM or CHACHA20-POLY1305 (and the TLS 1.3
suites) avoid all of these. A name kube-apiserver does not know (a typo, OpenSSL-style names,
wrong case) stops it from starting. Only explicit flags are judged: without them the API
server uses Go's defaults.
""",
    remediation="Set `--tls-min-version=VersionTLS12` (or 13) and list only ECDHE suites with AES-GCM or "
    "CHACHA20-POLY1305 in `--tls-cipher-suites`.",
    examples=(
        _POD.replace("--tls-min-version=VersionTLS12", "--tls-min-version=VersionTLS10"),
        _POD,
    ),
    references=(
        FLAGS_REF,
        "CIS Kubernetes Benchmark 1.2.30",
    ),
)
def check_weak_tls(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    suites = flags.get("tls-cipher-suites")
    if suites is not None:
        problems = _suite_problems(suites)
        if problems:
            yield Violation("--tls-cipher-suites " + " and ".join(problems), suites.path)
    version = flags.get("tls-min-version")
    if version is not None:
        problem = _version_problem(version)
        if problem is not None:
            yield Violation(problem, version.path)


# -- apiserver-deny-external-ips-missing --------------------------------------------------

_PLUGIN = "DenyServiceExternalIPs"


@rule(
    id="apiserver-deny-external-ips-missing",
    title="kube-apiserver lets any Service set externalIPs",
    document="cluster-hardening",
    severity=Severity.INFO,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    category="security",
    default_enabled=False,
    rationale="""
`spec.externalIPs` makes kube-proxy on every node capture traffic to the listed addresses
and send it to the Service's pods. Anyone allowed to create or update a Service in any
namespace can therefore claim an IP address used elsewhere (another team's Service, an
external database, a DNS server) and intercept the cluster's traffic to it
(CVE-2020-8554). The `DenyServiceExternalIPs` admission plugin, off by default, rejects
new uses of the field. Enable it unless the cluster relies on externalIPs; then restrict
them with a validating policy instead.
""",
    remediation="Add `DenyServiceExternalIPs` to `--enable-admission-plugins` (and keep it out of "
    "`--disable-admission-plugins`).",
    examples=(
        _POD.replace(
            "--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs",
            "--enable-admission-plugins=NodeRestriction",
        ),
        _POD,
    ),
    references=(
        FLAGS_REF,
        "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#denyserviceexternalips",
        "https://kubernetes.io/docs/concepts/services-networking/service/#external-ips",
    ),
)
def check_deny_external_ips(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    disabled = flags.get("disable-admission-plugins")
    if disabled is not None and _PLUGIN in disabled.items():
        yield Violation(f"--disable-admission-plugins turns off {_PLUGIN}", disabled.path)
        return
    enabled = flags.get("enable-admission-plugins")
    if enabled is None:
        yield Violation(f"--enable-admission-plugins is not set, so {_PLUGIN} is off", flags.anchor)
    elif _PLUGIN not in enabled.items():
        yield Violation(f"--enable-admission-plugins {quote(enabled.text())} lacks {_PLUGIN}", enabled.path)
