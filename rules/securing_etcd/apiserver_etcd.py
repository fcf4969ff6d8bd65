"""kube-apiserver → etcd connection and encryption-at-rest flag (rule-catalog §7.2)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.flags import (
    apiserver_flags,
    container_mounts,
    find_referenced,
    mount_for,
    url_scheme_host,
)
from kubelint_py.rule_api import DocType, Document, FieldPath, RuleContext, Violation, quote, rule


@rule("apiserver-etcd-client-cert-missing")
def check_client_cert(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    missing = [name for name in ("etcd-certfile", "etcd-keyfile") if not flags.has_value(name)]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        names = " and ".join(f"--{name}" for name in missing)
        yield Violation(f"{names} {verb} not set: no client certificate for etcd", flags.path_of(missing[0]))


@rule("apiserver-etcd-cafile-missing")
def check_cafile(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is not None and not flags.has_value("etcd-cafile"):
        yield Violation("--etcd-cafile is not set: etcd's certificate is not verified", flags.path_of("etcd-cafile"))


@rule("apiserver-etcd-plaintext")
def check_plaintext(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    setting = flags.get("etcd-servers") if flags is not None else None
    if setting is None:
        return
    bad = [url for url in setting.items() if url_scheme_host(url)[0] == "http"]
    if bad:
        yield Violation(f"--etcd-servers has plain-HTTP endpoint {', '.join(bad)}", setting.path)


@rule("apiserver-encryption-config-missing")
def check_encryption_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is not None and not flags.has_value("encryption-provider-config"):
        yield Violation(
            "--encryption-provider-config is not set: Secrets are stored unencrypted in etcd",
            flags.path_of("encryption-provider-config"),
        )


@rule("apiserver-encryption-config-not-mounted")
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
