"""kube-apiserver token lookup, serving TLS and externalIPs admission flags (rule-catalog §9.4)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.flags import Setting, apiserver_flags
from kubelint_py.k8s.tls import (
    SECURE_CIPHER_SUITES,
    TLS_VERSIONS,
    WEAK_CIPHER_SUITES,
    WEAK_TLS_VERSIONS,
    cipher_weakness,
    is_placeholder,
)
from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

# -- apiserver-weak-setting -------------------------------------------------------------

_REQUIRED_FILES = ("service-account-key-file", "tls-cert-file", "tls-private-key-file", "client-ca-file")


@rule("apiserver-weak-setting")
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


@rule("apiserver-weak-tls")
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


@rule("apiserver-deny-external-ips-missing")
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
