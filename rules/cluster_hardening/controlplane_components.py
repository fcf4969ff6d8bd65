"""kube-controller-manager and kube-scheduler flags, and profiling on all three control-plane
components (rule-catalog §9.4)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.examples import static_pod
from kubelint_py.k8s.flags import Flags, component_containers, container_flags, is_loopback_host
from kubelint_py.rule_api import DocType, Document, RuleContext, Severity, Violation, quote, rule

KCM_REF = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/"
SCHEDULER_REF = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/"
APISERVER_REF = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/"

KCM = "kube-controller-manager"
SCHEDULER = "kube-scheduler"
APISERVER = "kube-apiserver"
SECURE_PORTS = {KCM: "10257", SCHEDULER: "10259"}

_KCM_POD = static_pod(
    "kube-controller-manager",
    flags="""\
--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf
--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf
--bind-address=127.0.0.1
--kubeconfig=/etc/kubernetes/controller-manager.conf
--leader-elect=true
--profiling=false
--root-ca-file=/etc/kubernetes/pki/ca.crt
--service-account-private-key-file=/etc/kubernetes/pki/sa.key
--use-service-account-credentials=true
""",
)

_SCHEDULER_POD = static_pod(
    "kube-scheduler",
    flags="""\
--authentication-kubeconfig=/etc/kubernetes/scheduler.conf
--authorization-kubeconfig=/etc/kubernetes/scheduler.conf
--bind-address=127.0.0.1
--kubeconfig=/etc/kubernetes/scheduler.conf
--leader-elect=true
--profiling=false
""",
)


def _components(doc: Document, programs: tuple[str, ...]) -> Iterator[Flags]:
    """Flags of every container of `doc` running one of `programs`."""
    for program in programs:
        for path, container in component_containers(doc, program):
            yield container_flags(program, path, container)


@rule(
    id="controller-manager-shared-credentials",
    title="Controllers share the controller manager's credentials",
    document="cluster-hardening",
    severity=Severity.WARNING,
    doc_types=(DocType.CONTROL_PLANE_STATIC_POD,),
    category="security",
    rationale="""
Without `--use-service-account-credentials=true` (the flag defaults to false) all controllers
of kube-controller-manager call the API server with the controller manager's own identity,
`system:kube-controller-manager`, which must then hold the union of every controller's
permissions. The per-controller ServiceAccounts in `kube-system` and their narrow
`system:controller:*` roles go unused, the audit log cannot tell which controller did what,
and a flaw in any one controller acts with the rights of all of them. kubeadm sets the flag;
hand-written and older manifests often do not. A bare flag counts as true.
""",
    remediation="Set `--use-service-account-credentials=true`.",
    examples=(
        _KCM_POD.replace("        - --use-service-account-credentials=true\n", ""),
        _KCM_POD,
    ),
    references=(
        KCM_REF,
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#controller-roles",
        "CIS Kubernetes Benchmark 1.3.3",
    ),
)
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


@rule(
    id="control-plane-profiling-enabled",
    title="Control-plane component serves profiling data",
    document="cluster-hardening",
    severity=Severity.INFO,
    doc_types=(DocType.APISERVER_STATIC_POD, DocType.CONTROL_PLANE_STATIC_POD, DocType.COMPONENT_CONFIG),
    category="security",
    default_enabled=False,
    rationale="""
kube-apiserver, kube-controller-manager and kube-scheduler serve Go's `/debug/pprof`
endpoints unless `--profiling=false` (the default is true). Anyone authorised for the
non-resource URL `/debug/*` (and, on the controller manager and scheduler, whoever their
`--authorization-always-allow-paths` admits) can pull heap dumps, goroutine stacks and
CPU profiles: they reveal internal state and can be requested repeatedly to load the
component. Keep profiling off unless you are debugging a performance problem.

kube-scheduler ignores `--profiling` when it is started with `--config`: its
KubeSchedulerConfiguration's `enableProfiling` (default true) decides. Such a pod is not
judged by its flag; a KubeSchedulerConfiguration in the input is judged by its field.
""",
    remediation="Set `--profiling=false` (kube-scheduler with `--config`: `enableProfiling: false` in its "
    "KubeSchedulerConfiguration).",
    examples=(_SCHEDULER_POD.replace("--profiling=false", "--profiling=true"), _SCHEDULER_POD),
    references=(
        APISERVER_REF,
        KCM_REF,
        SCHEDULER_REF,
        "https://kubernetes.io/docs/reference/config-api/kube-scheduler-config.v1/",
        "CIS Kubernetes Benchmark 1.2.15, 1.3.2, 1.4.1",
    ),
)
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


@rule(
    id="control-plane-bind-address-exposed",
    title="Controller manager or scheduler listens beyond localhost",
    document="cluster-hardening",
    severity=Severity.INFO,
    doc_types=(DocType.CONTROL_PLANE_STATIC_POD,),
    category="security",
    default_enabled=False,
    rationale="""
kube-controller-manager (port 10257) and kube-scheduler (port 10259) serve health, metrics
and, unless disabled, profiling endpoints on their secure port. `--bind-address` defaults to
`0.0.0.0`, so with host networking the port is open on every interface of the
control-plane node: anything that can reach the node can probe the endpoints, and
`/healthz` and the paths of `--authorization-always-allow-paths` need no credentials.
Neither component needs inbound connections from other machines; kubeadm binds both to
127.0.0.1. Metrics can be scraped through a local proxy instead. A pod with
`--secure-port=0` serves nothing and is skipped.
""",
    remediation="Set `--bind-address=127.0.0.1` and scrape metrics through a local proxy.",
    examples=(_KCM_POD.replace("--bind-address=127.0.0.1", "--bind-address=0.0.0.0"), _KCM_POD),
    references=(KCM_REF, SCHEDULER_REF, "CIS Kubernetes Benchmark 1.3.7, 1.4.2"),
)
def check_bind_address(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for flags in _components(doc, (KCM, SCHEDULER)):
        problem = _bind_problem(flags)
        if problem is not None:
            yield problem
