"""kube-apiserver authentication, authorization and admission flags (rule-catalog §9.4)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.flags import apiserver_flags
from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule


@rule("apiserver-anonymous-auth-enabled")
def check_anonymous(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None or flags.has_value("authentication-config"):
        return
    found = flags.get("anonymous-auth")
    if found is None:
        yield Violation("--anonymous-auth is not set (the default is true)", flags.anchor)
    elif found.as_bool() is not False:
        yield Violation(f"--anonymous-auth is {quote(found.text())}, not false", found.path)


@rule("apiserver-authorization-insecure")
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


@rule("apiserver-admission-weak")
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


@rule("apiserver-static-credentials")
def check_static_credentials(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    for name in ("token-auth-file", "basic-auth-file"):
        found = flags.get(name)
        if found is not None and not found.is_empty():
            yield Violation(f"--{name} is set: static long-lived credentials authenticate requests", found.path)


@rule("apiserver-kubelet-tls-unverified")
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
