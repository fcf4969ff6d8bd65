"""etcd server TLS and listener rules (rule-catalog §7.1).

Each setting is read from the etcd config file (keys nested under `client-transport-security`
/ `peer-transport-security`) or, for a static pod, from the flag, else the `ETCD_*` variable,
else etcd's default. A pod started with `--config-file` is judged through its config file.
"""

from __future__ import annotations

from collections.abc import Iterator

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
from kubelint_py.rule_api import DocType, Document, FieldPath, RuleContext, Violation, quote, rule

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


@rule("etcd-client-tls-missing")
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


@rule("etcd-client-cert-auth-disabled")
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


@rule("etcd-trusted-ca-missing")
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


@rule("etcd-auto-tls-enabled")
def check_auto_tls(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is not None and settings.as_bool("auto-tls") is True:
        yield Violation(
            f"{_where(settings, 'auto-tls')} is true: self-signed client certificates",
            settings.path_of("auto-tls"),
            _related(doc, ctx),
        )


@rule("etcd-peer-tls-missing")
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


@rule("etcd-peer-client-cert-auth-disabled")
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


@rule("etcd-peer-auto-tls-enabled")
def check_peer_auto_tls(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    settings = _settings(doc)
    if settings is not None and settings.as_bool("peer-auto-tls") is True:
        yield Violation(
            f"{_where(settings, 'peer-auto-tls')} is true: self-signed peer certificates",
            settings.path_of("peer-auto-tls"),
            _related(doc, ctx),
        )


@rule("etcd-plaintext-listener")
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


@rule("etcd-shared-ca-with-apiserver-clients")
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


@rule("etcd-config-file-not-provided")
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


@rule("etcd-weak-tls")
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
