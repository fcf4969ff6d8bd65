"""kube-apiserver → etcd connection and encryption-at-rest flag (rule-catalog §7.2)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.examples import static_pod
from kubelint_py.k8s.flags import (
    apiserver_flags,
    container_mounts,
    find_referenced,
    mount_for,
    url_scheme_host,
)
from kubelint_py.rule_api import DocType, Document, FieldPath, RuleContext, Severity, Violation, quote, rule

FLAGS_REF = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/"
ENC_REF = "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"
K8S_ETCD_REF = "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters"
SCOPE = (DocType.APISERVER_STATIC_POD,)

_POD = static_pod(
    "kube-apiserver",
    flags="""\
--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
--etcd-servers=https://127.0.0.1:2379
--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml
""",
    rest="""\
      volumeMounts:
        - {name: k8s-certs, mountPath: /etc/kubernetes/pki, readOnly: true}
        - {name: enc, mountPath: /etc/kubernetes/enc, readOnly: true}
  volumes:
    - name: k8s-certs
      hostPath: {path: /etc/kubernetes/pki, type: DirectoryOrCreate}
    - name: enc
      hostPath: {path: /etc/kubernetes/enc, type: DirectoryOrCreate}
""",
)


@rule(
    id="apiserver-etcd-client-cert-missing",
    title="kube-apiserver connects to etcd without a client certificate",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    rationale="""
Without `--etcd-certfile` and `--etcd-keyfile` the API server presents no client certificate
to etcd. Either etcd does not require client certificates (and then anything that reaches
port 2379 owns the datastore), or the API server cannot connect at all.
""",
    remediation="Set both `--etcd-certfile` and `--etcd-keyfile` to the apiserver-etcd-client certificate and key.",
    examples=(_POD.replace("        - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key\n", ""), _POD),
    references=(FLAGS_REF, K8S_ETCD_REF, "CIS Kubernetes Benchmark 1.2.22"),
)
def check_client_cert(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    missing = [name for name in ("etcd-certfile", "etcd-keyfile") if not flags.has_value(name)]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        names = " and ".join(f"--{name}" for name in missing)
        yield Violation(f"{names} {verb} not set: no client certificate for etcd", flags.path_of(missing[0]))


@rule(
    id="apiserver-etcd-cafile-missing",
    title="kube-apiserver does not verify etcd's certificate",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    rationale="""
Without `--etcd-cafile` the API server does not verify etcd's serving certificate against
the etcd CA, so a host that can intercept or redirect the connection can pose as etcd,
receive every write (every Secret) and answer reads with forged objects.
""",
    remediation="Set `--etcd-cafile` to the etcd CA.",
    examples=(_POD.replace("        - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt\n", ""), _POD),
    references=(FLAGS_REF, "CIS Kubernetes Benchmark 1.2.29"),
)
def check_cafile(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is not None and not flags.has_value("etcd-cafile"):
        yield Violation("--etcd-cafile is not set: etcd's certificate is not verified", flags.path_of("etcd-cafile"))


@rule(
    id="apiserver-etcd-plaintext",
    title="kube-apiserver talks to etcd over plain HTTP",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    security_severity="9.0",
    rationale="""
An `http://` entry in `--etcd-servers` sends every object the API server stores, including
every Secret, unencrypted and unauthenticated to etcd. Loopback is not exempt: any process
on the control-plane node with host networking can then read and write the datastore.
""",
    remediation="Use `https://` etcd endpoints.",
    examples=(_POD.replace("--etcd-servers=https://127.0.0.1:2379", "--etcd-servers=http://127.0.0.1:2379"), _POD),
    references=(FLAGS_REF, K8S_ETCD_REF),
)
def check_plaintext(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    setting = flags.get("etcd-servers") if flags is not None else None
    if setting is None:
        return
    bad = [url for url in setting.items() if url_scheme_host(url)[0] == "http"]
    if bad:
        yield Violation(f"--etcd-servers has plain-HTTP endpoint {', '.join(bad)}", setting.path)


@rule(
    id="apiserver-encryption-config-missing",
    title="Secrets are not encrypted at rest (no --encryption-provider-config)",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    rationale="""
Without `--encryption-provider-config` the API server writes every Secret to etcd in plain
base64. Anyone with access to the etcd data directory, an etcd snapshot or a backup of a
control-plane node reads all of them, including service-account signing material stored
as Secrets and every application credential.
""",
    remediation="Create an EncryptionConfiguration (KMS v2 or secretbox first) and pass its path.",
    examples=(
        _POD.replace("        - --encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml\n", ""),
        _POD,
    ),
    references=(ENC_REF, "CIS Kubernetes Benchmark 1.2.27"),
)
def check_encryption_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is not None and not flags.has_value("encryption-provider-config"):
        yield Violation(
            "--encryption-provider-config is not set: Secrets are stored unencrypted in etcd",
            flags.path_of("encryption-provider-config"),
        )


@rule(
    id="apiserver-encryption-config-not-mounted",
    title="Encryption config file is not mounted into kube-apiserver",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    category="correctness",
    cross_object=True,
    rationale="""
A static pod's container sees only the host paths mounted into it. When
`--encryption-provider-config` names a path outside every `volumeMounts[].mountPath`, the
file is invisible to kube-apiserver and it exits at startup: enabling encryption this way
takes the API server down on its next restart.
""",
    remediation="Mount the directory holding the EncryptionConfiguration (hostPath, read-only).",
    examples=(_POD.replace("mountPath: /etc/kubernetes/enc,", "mountPath: /etc/kubernetes/encryption,"), _POD),
    references=(ENC_REF,),
)
def check_encryption_mounted(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    setting = flags.get("encryption-provider-config") if flags is not None else None
    if flags is None or setting is None or setting.is_empty():
        return
    path = setting.text().strip()
    if mount_for(path, container_mounts(doc, flags.container_path)) is not None:
        return
    configs = [d for d in ctx.lint.documents if d.doc_type is DocType.ENCRYPTION_CONFIG]
    target = find_referenced(path, configs)
    related: tuple[tuple[Document, FieldPath, str], ...] = (
        ((target, (), "EncryptionConfiguration named by the flag"),) if target is not None else ()
    )
    yield Violation(
        f"--encryption-provider-config {quote(path)} is not under any volumeMounts[].mountPath: "
        "kube-apiserver cannot read it",
        setting.path,
        related,
    )
