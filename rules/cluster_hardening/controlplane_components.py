"""kube-controller-manager and kube-scheduler flags, and profiling on all three control-plane
components (rule-catalog §9.4)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.flags import Flags, component_containers, container_flags, is_loopback_host
from kubelint_py.rule_api import DocType, Document, RuleContext, Violation, quote, rule

KCM = "kube-controller-manager"
SCHEDULER = "kube-scheduler"
APISERVER = "kube-apiserver"
SECURE_PORTS = {KCM: "10257", SCHEDULER: "10259"}


def _components(doc: Document, programs: tuple[str, ...]) -> Iterator[Flags]:
    """Flags of every container of `doc` running one of `programs`."""
    for program in programs:
        for path, container in component_containers(doc, program):
            yield container_flags(program, path, container)


@rule("controller-manager-shared-credentials")
def check_shared_credentials(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for flags in _components(doc, (KCM,)):
        found = flags.get("use-service-account-credentials")
        if found is None:
            yield Violation(
                "--use-service-account-credentials is not set (the default is false): controllers act with the "
                "controller manager's own credentials",
                flags.anchor,
            )
        elif found.as_bool() is not True:
            yield Violation(f"--use-service-account-credentials is {quote(found.text())}, not true", found.path)


# -- control-plane-profiling-enabled ----------------------------------------------------------


def _profiling_flag(flags: Flags) -> Iterator[Violation]:
    found = flags.get("profiling")
    if found is None:
        yield Violation(
            f"{flags.program} --profiling is not set (the default is true): /debug/pprof is served", flags.anchor
        )
    elif found.as_bool() is not False:
        yield Violation(f"{flags.program} --profiling is {quote(found.text())}, not false", found.path)


def _scheduler_configuration(doc: Document) -> Iterator[Violation]:
    """A KubeSchedulerConfiguration file: `enableProfiling` defaults to true."""
    value = doc.value("enableProfiling")
    if value is None:
        yield Violation(
            "enableProfiling is not set (the default is true): /debug/pprof is served", ("enableProfiling",)
        )
    elif value is not False:
        shown = "true" if value is True else quote(str(value))
        yield Violation(f"enableProfiling is {shown}, not false", ("enableProfiling",))


@rule("control-plane-profiling-enabled")
def check_profiling(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.doc_type is DocType.COMPONENT_CONFIG:
        if doc.kind == "KubeSchedulerConfiguration" and doc.group == "kubescheduler.config.k8s.io":
            yield from _scheduler_configuration(doc)
        return
    for flags in _components(doc, (APISERVER, KCM, SCHEDULER)):
        if flags.program == SCHEDULER and flags.get("config") is not None:
            continue  # --profiling is ignored; the configuration file decides
        yield from _profiling_flag(flags)


# -- control-plane-bind-address-exposed -------------------------------------------------------


def _bind_problem(flags: Flags) -> Violation | None:
    port = flags.text("secure-port")
    if port is not None and port.strip() == "0":
        return None  # secure serving is off: nothing listens
    shown_port = port.strip() if port and port.strip() else SECURE_PORTS[flags.program]
    found = flags.get("bind-address")
    if found is None:
        return Violation(
            f"{flags.program} --bind-address is not set: the secure port {shown_port} listens on every interface "
            "(default 0.0.0.0)",
            flags.anchor,
        )
    address = found.text().strip()
    if address in ("", "0.0.0.0", "::", "[::]"):
        return Violation(
            f"{flags.program} --bind-address is {quote(address)}: the secure port {shown_port} listens on every "
            "interface",
            found.path,
        )
    if not is_loopback_host(address):
        return Violation(
            f"{flags.program} --bind-address is {quote(address)}, not a loopback address: the secure port "
            f"{shown_port} is reachable from the network",
            found.path,
        )
    return None


@rule("control-plane-bind-address-exposed")
def check_bind_address(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for flags in _components(doc, (KCM, SCHEDULER)):
        problem = _bind_problem(flags)
        if problem is not None:
            yield problem
