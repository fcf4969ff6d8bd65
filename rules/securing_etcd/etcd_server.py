"""etcd server TLS and listener rules (rule-catalog §7.1).

Each setting is read from the etcd config file (keys nested under `client-transport-security`
/ `peer-transport-security`) or, for a static pod, from the flag, else the `ETCD_*` variable,
else etcd's default. A pod started with `--config-file` is judged through its config file.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.examples import static_pod
from kubelint_py.k8s.flags import (
    ENV,
    EtcdSettings,
    config_file_of,
    env_name,
    etcd_config_key,
    etcd_settings_of,
    find_referenced,
    is_loopback_host,
    normalize_path,
    pod_flags,
    referrers,
    url_scheme_host,
)
from kubelint_py.rule_api import DocType, Document, FieldPath, RuleContext, Severity, Violation, quote, rule

ETCD_TLS_REF = "https://etcd.io/docs/v3.5/op-guide/security/"
ETCD_CONF_REF = "https://etcd.io/docs/v3.5/op-guide/configuration/"
K8S_ETCD_REF = "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters"
SCOPE = (DocType.ETCD_STATIC_POD, DocType.ETCD_CONFIG)

_POD = static_pod(
    "etcd",
    flags="""\
--advertise-client-urls=https://10.0.0.10:2379
--cert-file=/etc/kubernetes/pki/etcd/server.crt
--client-cert-auth=true
--data-dir=/var/lib/etcd
--initial-advertise-peer-urls=https://10.0.0.10:2380
--key-file=/etc/kubernetes/pki/etcd/server.key
--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379
--listen-metrics-urls=http://127.0.0.1:2381
--listen-peer-urls=https://10.0.0.10:2380
--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
--peer-client-cert-auth=true
--peer-key-file=/etc/kubernetes/pki/etcd/peer.key
--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
""",
    image="registry.k8s.io/etcd:3.5.15-0",
    labels=True,
)

_CONFIG = """\
name: etcd-1
data-dir: /var/lib/etcd
listen-client-urls: https://10.0.0.10:2379
advertise-client-urls: https://10.0.0.10:2379
listen-peer-urls: https://10.0.0.10:2380
initial-advertise-peer-urls: https://10.0.0.10:2380
client-transport-security:
  cert-file: /etc/etcd/pki/server.crt
  key-file: /etc/etcd/pki/server.key
  client-cert-auth: true
  trusted-ca-file: /etc/etcd/pki/ca.crt
peer-transport-security:
  cert-file: /etc/etcd/pki/peer.crt
  key-file: /etc/etcd/pki/peer.key
  client-cert-auth: true
  trusted-ca-file: /etc/etcd/pki/ca.crt
"""


def _settings(doc: Document) -> EtcdSettings | None:
    return etcd_settings_of(doc)


def _related(doc: Document, ctx: RuleContext) -> tuple[tuple[Document, FieldPath, str], ...]:
    if doc.doc_type is not DocType.ETCD_CONFIG:
        return ()
    return tuple(
        (pod, path, "etcd started with --config-file naming this file")
        for pod, path in referrers(doc, ctx.lint.documents, "etcd", "config-file")
    )


def _where(settings: EtcdSettings, flag: str) -> str:
    """How to name a setting in a message: `--flag` or the config key path."""
    if settings.from_config_file:
        return ".".join(str(p) for p in etcd_config_key(flag))
    found = settings.get(flag)
    if found is not None and found.source == ENV:
        return env_name(flag)
    return f"--{flag}"


def _not_set(settings: EtcdSettings, flags: list[str]) -> str:
    names = " and ".join(_where(settings, f) for f in flags)
    return f"{names} {'is' if len(flags) == 1 else 'are'} not set"


def _missing(settings: EtcdSettings, *flags: str) -> list[str]:
    return [flag for flag in flags if not settings.is_set(flag)]


def _peer_exempt(settings: EtcdSettings) -> bool:
    """Single-member etcd: listen-peer-urls set explicitly and every peer URL host loopback."""
    listen = settings.items("listen-peer-urls")
    if not listen:
        return False
    urls = list(listen) + list(settings.items("initial-advertise-peer-urls"))
    return all(is_loopback_host(url_scheme_host(url)[1]) for url in urls)


@rule(
    id="etcd-client-tls-missing",
    title="etcd serves clients without TLS",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    security_severity="9.0",
    cross_object=True,
    rationale="""
etcd stores every Kubernetes object, including all Secrets. Without `cert-file` and
`key-file` the client port speaks plain HTTP: anyone on the network path between the API
server and etcd reads every Secret in transit and can write arbitrary objects (for example
a ClusterRoleBinding) straight into the datastore, bypassing authentication, RBAC and
admission.
""",
    remediation="Set `--cert-file` and `--key-file` (or `client-transport-security.cert-file`/`key-file`).",
    examples=(_POD.replace("        - --cert-file=/etc/kubernetes/pki/etcd/server.crt\n", ""), _POD),
    references=(ETCD_TLS_REF, K8S_ETCD_REF, "CIS Kubernetes Benchmark 2.1"),
)
def check_client_tls(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is None:
        return
    missing = _missing(settings, "cert-file", "key-file")
    if missing:
        yield Violation(
            f"{_not_set(settings, missing)}: the client port has no TLS",
            settings.path_of(missing[0]),
            _related(doc, ctx),
        )


@rule(
    id="etcd-client-cert-auth-disabled",
    title="etcd does not require client certificates",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    security_severity="9.0",
    cross_object=True,
    rationale="""
Without `client-cert-auth: true`, etcd accepts any TLS client on port 2379: whoever can
reach the port (a pod on the host network, a compromised node) can read every Secret and
rewrite cluster state directly, with no Kubernetes authentication, authorization or audit.
etcd's default is false.
""",
    remediation="Set `--client-cert-auth=true` (or `client-transport-security.client-cert-auth: true`).",
    examples=(_POD.replace("--client-cert-auth=true", "--client-cert-auth=false"), _POD),
    references=(ETCD_TLS_REF, K8S_ETCD_REF, "CIS Kubernetes Benchmark 2.2"),
)
def check_client_cert_auth(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is None:
        return
    found = settings.get("client-cert-auth")
    if found is None:
        yield Violation(
            f"{_where(settings, 'client-cert-auth')} is not set (etcd's default is false)",
            settings.path_of("client-cert-auth"),
            _related(doc, ctx),
        )
    elif found.as_bool() is not True:
        yield Violation(
            f"{_where(settings, 'client-cert-auth')} is {quote(found.text())}, not true", found.path, _related(doc, ctx)
        )


@rule(
    id="etcd-trusted-ca-missing",
    title="etcd requires client certificates but trusts no CA",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
`client-cert-auth`/`peer-client-cert-auth` without `trusted-ca-file`/`peer-trusted-ca-file`
leaves etcd verifying client certificates against the host's system roots (or failing every
handshake): either any certificate from a public CA opens the datastore, or the API server
and the other members are locked out. The CA file should be a dedicated etcd CA.
""",
    remediation="Point `--trusted-ca-file`/`--peer-trusted-ca-file` at the etcd CA.",
    examples=(_POD.replace("        - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt\n", ""), _POD),
    references=(ETCD_TLS_REF, ETCD_CONF_REF),
)
def check_trusted_ca(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is None:
        return
    for auth, ca in (("client-cert-auth", "trusted-ca-file"), ("peer-client-cert-auth", "peer-trusted-ca-file")):
        if settings.as_bool(auth) is True and not settings.is_set(ca):
            yield Violation(
                f"{_where(settings, auth)} is true but {_where(settings, ca)} is not set",
                settings.path_of(auth),
                _related(doc, ctx),
            )


@rule(
    id="etcd-auto-tls-enabled",
    title="etcd client port uses self-signed auto-TLS",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
`auto-tls` makes etcd generate a self-signed certificate for the client port. Clients cannot
verify it, so the API server's connection can be intercepted by anyone who can redirect
traffic, and the certificate changes on every restart.
""",
    remediation="Remove `--auto-tls`; use certificates issued by the etcd CA.",
    examples=(_POD + "        - --auto-tls\n", _POD),
    references=(ETCD_TLS_REF, "CIS Kubernetes Benchmark 2.3"),
)
def check_auto_tls(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is not None and settings.as_bool("auto-tls") is True:
        yield Violation(
            f"{_where(settings, 'auto-tls')} is true: self-signed client certificates",
            settings.path_of("auto-tls"),
            _related(doc, ctx),
        )


@rule(
    id="etcd-peer-tls-missing",
    title="etcd peer traffic is not encrypted",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
etcd members replicate every write, including every Secret, over the peer port. Without
`peer-cert-file` and `peer-key-file` that replication is plain HTTP between control-plane
nodes. A single-member etcd whose `listen-peer-urls` (set explicitly) and
`initial-advertise-peer-urls` are all loopback is exempt; absent URLs do not earn the
exemption.
""",
    remediation="Set `--peer-cert-file` and `--peer-key-file` (or `peer-transport-security.cert-file`/`key-file`).",
    examples=(_POD.replace("        - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key\n", ""), _POD),
    references=(ETCD_TLS_REF, "CIS Kubernetes Benchmark 2.4"),
)
def check_peer_tls(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is None or _peer_exempt(settings):
        return
    missing = _missing(settings, "peer-cert-file", "peer-key-file")
    if missing:
        yield Violation(
            f"{_not_set(settings, missing)}: peer replication has no TLS",
            settings.path_of(missing[0]),
            _related(doc, ctx),
        )


@rule(
    id="etcd-peer-client-cert-auth-disabled",
    title="etcd does not authenticate its peers",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
Without `peer-client-cert-auth: true` any host that reaches the peer port (2380) can join
the raft conversation as a member and receive a full copy of the datastore. Exempt: a
single-member etcd whose explicitly set peer URLs are all loopback.
""",
    remediation="Set `--peer-client-cert-auth=true` (or `peer-transport-security.client-cert-auth: true`).",
    examples=(_POD.replace("--peer-client-cert-auth=true", "--peer-client-cert-auth=false"), _POD),
    references=(ETCD_TLS_REF, "CIS Kubernetes Benchmark 2.5"),
)
def check_peer_cert_auth(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is None or _peer_exempt(settings):
        return
    found = settings.get("peer-client-cert-auth")
    where = _where(settings, "peer-client-cert-auth")
    if found is None:
        yield Violation(
            f"{where} is not set (etcd's default is false)",
            settings.path_of("peer-client-cert-auth"),
            _related(doc, ctx),
        )
    elif found.as_bool() is not True:
        yield Violation(f"{where} is {quote(found.text())}, not true", found.path, _related(doc, ctx))


@rule(
    id="etcd-peer-auto-tls-enabled",
    title="etcd peer port uses self-signed auto-TLS",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
`peer-auto-tls` makes every member present a self-signed certificate to its peers: members
cannot verify each other, so a host on the control-plane network can impersonate a member
and receive the replicated datastore.
""",
    remediation="Remove `--peer-auto-tls`; use peer certificates issued by the etcd CA.",
    examples=(_POD + "        - --peer-auto-tls=true\n", _POD),
    references=(ETCD_TLS_REF, "CIS Kubernetes Benchmark 2.6"),
)
def check_peer_auto_tls(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is not None and settings.as_bool("peer-auto-tls") is True:
        yield Violation(
            f"{_where(settings, 'peer-auto-tls')} is true: self-signed peer certificates",
            settings.path_of("peer-auto-tls"),
            _related(doc, ctx),
        )


@rule(
    id="etcd-plaintext-listener",
    title="etcd listens or advertises over plain HTTP off loopback",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
An `http://` URL in `listen-client-urls`, `advertise-client-urls`, `listen-peer-urls` or
`initial-advertise-peer-urls` on a non-loopback address opens (or advertises) a plaintext
endpoint: even with certificates configured for the TLS listeners, this one serves every
Secret unencrypted and, for client URLs, without client-certificate checks.
`listen-metrics-urls` is out of scope (plain-HTTP metrics on loopback is the kubeadm
default).
""",
    remediation="Use `https://` for every non-loopback URL.",
    examples=(
        _POD.replace("https://127.0.0.1:2379,https://10.0.0.10:2379", "https://127.0.0.1:2379,http://10.0.0.10:2379"),
        _POD,
    ),
    references=(ETCD_CONF_REF, ETCD_TLS_REF),
)
def check_plaintext(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is None:
        return
    for flag in ("listen-client-urls", "advertise-client-urls", "listen-peer-urls", "initial-advertise-peer-urls"):
        bad = [
            url
            for url in settings.items(flag)
            if url_scheme_host(url)[0] == "http" and not is_loopback_host(url_scheme_host(url)[1])
        ]
        if bad:
            yield Violation(
                f"{_where(settings, flag)} has plain-HTTP non-loopback URL {', '.join(bad)}",
                settings.path_of(flag),
                _related(doc, ctx),
            )


def _apiserver_client_cas(ctx: RuleContext) -> list[tuple[Document, FieldPath, str]]:
    found: list[tuple[Document, FieldPath, str]] = []
    for doc in ctx.lint.documents:
        if doc.doc_type is not DocType.APISERVER_STATIC_POD:
            continue
        flags = pod_flags(doc, "kube-apiserver")
        setting = flags.get("client-ca-file") if flags is not None else None
        if setting is not None and not setting.is_empty():
            found.append((doc, setting.path, normalize_path(setting.text().strip())))
    return found


@rule(
    id="etcd-shared-ca-with-apiserver-clients",
    title="etcd trusts the cluster CA that signs API clients",
    document="securing-etcd",
    severity=Severity.WARNING,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
When etcd's `trusted-ca-file` is the kube-apiserver `--client-ca-file`, every client
certificate the cluster CA issues (kubelets, controller-manager, admin kubeconfigs, CSRs
approved through the certificates API) is also accepted by etcd, which does no
authorization of its own: any of them reads every Secret and rewrites cluster state
directly. Guard: evaluated only when the input holds a kube-apiserver static pod (always
with --assume-complete, which changes nothing when there is none).
""",
    remediation="Issue etcd server, peer and apiserver-etcd-client certificates from a dedicated etcd CA.",
    examples=(
        _POD.replace(
            "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt", "--trusted-ca-file=/etc/kubernetes/pki/ca.crt"
        )
        + """---
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.31.1
      command: [kube-apiserver, --client-ca-file=/etc/kubernetes/pki/ca.crt]
""",
        _POD,
    ),
    references=(K8S_ETCD_REF, "CIS Kubernetes Benchmark 2.7"),
)
def check_shared_ca(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is None or not settings.is_set("trusted-ca-file"):
        return
    trusted = normalize_path((settings.text("trusted-ca-file") or "").strip())
    for pod, path, client_ca in _apiserver_client_cas(ctx):
        if client_ca == trusted:
            yield Violation(
                f"{_where(settings, 'trusted-ca-file')} {quote(trusted)} is also kube-apiserver's --client-ca-file: "
                "every cluster-issued client certificate can talk to etcd",
                settings.path_of("trusted-ca-file"),
                ((pod, path, "kube-apiserver --client-ca-file"),),
            )
            return


@rule(
    id="etcd-config-file-not-provided",
    title="etcd configuration file is not part of the input",
    document="securing-etcd",
    severity=Severity.INFO,
    doc_types=(DocType.ETCD_STATIC_POD,),
    category="operations",
    cross_object=True,
    rationale="""
When etcd is started with `--config-file` (or `ETCD_CONFIG_FILE`) it ignores every other flag
and `ETCD_*` variable and reads only that file, so the flags in this manifest say nothing about
TLS or client authentication. The file is not among the linted inputs, so the etcd TLS rules
were skipped for this pod.
""",
    remediation="Lint the etcd config file together with the static pod "
    "(e.g. `kubelint lint /etc/kubernetes /etc/etcd`).",
    examples=(
        _POD.replace(
            "        - --advertise-client-urls=https://10.0.0.10:2379\n",
            "        - --config-file=/etc/etcd/etcd.conf.yml\n",
        ),
        _POD,
    ),
    references=(ETCD_CONF_REF,),
)
def check_config_file(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = pod_flags(doc, "etcd")
    config = config_file_of(flags) if flags is not None else None
    if config is None:
        return
    candidates = [d for d in ctx.lint.documents if d.doc_type is DocType.ETCD_CONFIG]
    if find_referenced(config.text(), candidates) is None:
        yield Violation(
            f"etcd reads only {quote(config.text())} (--config-file); that file is not in the input, "
            "so the etcd TLS rules were not checked",
            config.path,
        )


_WEAK_MARKERS = ("_CBC_", "RC4", "3DES")


@rule(
    id="etcd-weak-tls",
    title="etcd accepts weak TLS versions or cipher suites",
    document="securing-etcd",
    severity=Severity.WARNING,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
`cipher-suites` entries with CBC modes, RC4, 3DES or static RSA key exchange (`TLS_RSA_*`, no
forward secrecy) and a `tls-min-version` of TLS1.0/TLS1.1 (etcd 3.5+) let an attacker on the
network downgrade the connection that carries every Secret and decrypt recorded traffic if
the server key ever leaks.
""",
    remediation="Restrict to TLS 1.2+ with ECDHE-GCM/CHACHA20 suites.",
    examples=(_POD + "        - --tls-min-version=TLS1.1\n", _POD + "        - --tls-min-version=TLS1.2\n"),
    references=(ETCD_CONF_REF, "CIS Kubernetes Benchmark 2 (etcd) / 1.2.30"),
)
def check_weak_tls(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is None:
        return
    weak = [
        s
        for s in settings.items("cipher-suites")
        if any(m in s.upper() for m in _WEAK_MARKERS) or s.upper().startswith("TLS_RSA_")
    ]
    if weak:
        yield Violation(
            f"{_where(settings, 'cipher-suites')} contains non-ECDHE-AEAD suites {', '.join(weak)}",
            settings.path_of("cipher-suites"),
            _related(doc, ctx),
        )
    version = settings.text("tls-min-version")
    if version is not None and version.strip().upper() in ("TLS1.0", "TLS1.1"):
        yield Violation(
            f"{_where(settings, 'tls-min-version')} is {quote(version)}: TLS below 1.2 accepted",
            settings.path_of("tls-min-version"),
            _related(doc, ctx),
        )
