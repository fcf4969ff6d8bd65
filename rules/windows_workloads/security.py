"""Security context on Windows pods (rule-catalog §1).

windows-linux-only-field, linux-pod-windows-options, windows-hostprocess-container,
windows-hostprocess-inconsistent, windows-run-as-container-administrator,
windows-gmsa-spec-missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, windows_workload, workload
from kubelint_py.k8s.ostarget import is_linux_pinned, is_windows_targeted, os_name
from kubelint_py.k8s.windows import (
    CONTAINER_ADMINISTRATOR,
    effective_windows_option,
    pod_windows_options_path,
    windows_option_sites,
    windows_targeted,
)
from kubelint_py.k8s.workloads import workload_spec_path
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Severity,
    Violation,
    containers,
    pod_spec,
    quote,
    rule,
)

DOC = "windows-workloads"
SECURITY_DOCS = "https://kubernetes.io/docs/concepts/windows/intro/#compatibility-v1-pod"
HOSTPROCESS_DOCS = "https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/"
RUN_AS_DOCS = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-runasusername/"
GMSA_DOCS = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-gmsa/"

# Pod-level fields (relative to the pod spec). hostPID/hostIPC only matter when true (they
# are plain booleans in the API); the others are rejected whenever they are set.
_POD_TRUE_FIELDS: tuple[FieldPath, ...] = (("hostPID",), ("hostIPC",))
_POD_SET_FIELDS: tuple[FieldPath, ...] = (
    ("shareProcessNamespace",),
    *(
        ("securityContext", name)
        for name in (
            "seLinuxOptions",
            "seccompProfile",
            "appArmorProfile",
            "fsGroup",
            "fsGroupChangePolicy",
            "runAsUser",
            "runAsGroup",
            "supplementalGroups",
            "supplementalGroupsPolicy",
        )
    ),
)
_POD_NONEMPTY_FIELDS: tuple[FieldPath, ...] = (("securityContext", "sysctls"),)
_CONTAINER_FIELDS = (
    "seLinuxOptions",
    "seccompProfile",
    "appArmorProfile",
    "capabilities",
    "readOnlyRootFilesystem",
    "privileged",
    "allowPrivilegeEscalation",
    "procMount",
    "runAsUser",
    "runAsGroup",
)


def _dotted(path: FieldPath) -> str:
    return ".".join(str(step) for step in path)


# -- windows-linux-only-field -------------------------------------------------------------
_LINUX_ONLY_FAIL = windows_workload(
    pod="""\
securityContext:
  runAsUser: 1000
""",
    body="""\
securityContext:
  readOnlyRootFilesystem: true
""",
)
_LINUX_ONLY_PASS = windows_workload(
    pod="""\
securityContext:
  windowsOptions: {runAsUserName: ContainerUser}
"""
)


@rule(
    id="windows-linux-only-field",
    title="Linux-only security field on a Windows pod",
    document=DOC,
    severity=Severity.ERROR,
    kind_groups=("workload",),
    category="correctness",
    rationale="""
Windows containers have no Linux user ids, capabilities, seccomp, SELinux, AppArmor, sysctls,
read-only root filesystem or shared host PID/IPC namespaces. With `spec.os.name: windows` the
API server rejects the pod (and so the Deployment's ReplicaSet cannot create any pod);
without it the fields are accepted and silently ignored, so the hardening they appear to
provide does not exist on the node. `hostPID`/`hostIPC` are reported only when true (false is
the default and accepted); `shareProcessNamespace` and the security-context fields are
reported whenever set, as the API server does; an empty `sysctls` list is not reported.
""",
    remediation="Remove the Linux-only field; use `windowsOptions` (runAsUserName, hostProcess, gMSA) instead.",
    examples=(_LINUX_ONLY_FAIL, _LINUX_ONLY_PASS),
    references=(SECURITY_DOCS, "https://kubernetes.io/docs/concepts/workloads/pods/#pod-os"),
)
def check_linux_only_field(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = pod_spec(doc)
    if not is_windows_targeted(spec):
        return
    spec_path = workload_spec_path(doc)
    effect = (
        "the API server rejects it for a pod with spec.os.name: windows"
        if os_name(spec) == "windows"
        else "Windows nodes silently ignore it"
    )
    for rel in _POD_TRUE_FIELDS:
        if doc.value(*spec_path, *rel) is True:
            yield Violation(f"pod spec sets {_dotted(rel)}: true, which is Linux-only; {effect}", (*spec_path, *rel))
    for rel in _POD_SET_FIELDS:
        value = doc.value(*spec_path, *rel)
        if value is not None:
            yield Violation(f"pod spec sets {_dotted(rel)}, which is Linux-only; {effect}", (*spec_path, *rel))
    for rel in _POD_NONEMPTY_FIELDS:
        value = doc.value(*spec_path, *rel)
        if value is not None and value != [] and value != {}:
            yield Violation(f"pod spec sets {_dotted(rel)}, which is Linux-only; {effect}", (*spec_path, *rel))
    for container in containers(doc, ContainerScope.ALL):
        context = container.data.get("securityContext")
        if not isinstance(context, Mapping):
            continue
        for name in _CONTAINER_FIELDS:
            if context.get(name) is not None:
                yield Violation(
                    f"{container.describe()} sets securityContext.{name}, which is Linux-only; {effect}",
                    (*container.path, "securityContext", name),
                )


# -- linux-pod-windows-options -----------------------------------------------------------
_LINUX_WINOPTS_FAIL = workload(
    pod="nodeSelector: {kubernetes.io/os: linux}\n",
    containers=pod_container(
        name="web",
        image="nginx:1.27",
        body="""\
securityContext:
  windowsOptions: {runAsUserName: ContainerUser}
""",
    ),
)


@rule(
    id="linux-pod-windows-options",
    title="windowsOptions on a Linux pod",
    document=DOC,
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="correctness",
    rationale="""
`securityContext.windowsOptions` only means something on Windows nodes. On a pod pinned to
Linux it is either rejected by the API server (with `spec.os.name: linux`) or silently ignored,
and it usually means the manifest was copied from a Windows workload or the OS targeting is
wrong: the identity or HostProcess setting the author expected is not in effect.
""",
    remediation="Remove `windowsOptions` or fix the OS targeting.",
    examples=(
        _LINUX_WINOPTS_FAIL,
        _LINUX_WINOPTS_FAIL.replace(
            "          securityContext:\n            windowsOptions: {runAsUserName: ContainerUser}\n",
            "          securityContext:\n            runAsNonRoot: true\n",
        ),
    ),
    references=(SECURITY_DOCS,),
)
def check_linux_windows_options(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not is_linux_pinned(pod_spec(doc)):
        return
    pod_path = pod_windows_options_path(doc)
    if pod_path is not None and doc.value(*pod_path) is not None:
        yield Violation("the pod is pinned to Linux but sets pod-level securityContext.windowsOptions", pod_path)
    for container in containers(doc, ContainerScope.ALL):
        if container.get("securityContext", "windowsOptions") is not None:
            yield Violation(
                f"the pod is pinned to Linux but {container.describe()} sets securityContext.windowsOptions",
                (*container.path, "securityContext", "windowsOptions"),
            )


# -- windows-hostprocess-container / windows-hostprocess-inconsistent ---------------------
_HOSTPROCESS_POD = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: csi-proxy, namespace: kube-system}
spec:
  selector: {matchLabels: {app: csi-proxy}}
  template:
    metadata: {labels: {app: csi-proxy}}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      hostNetwork: true
      securityContext:
        windowsOptions:
          hostProcess: true
          runAsUserName: "NT AUTHORITY\\\\SYSTEM"
      containers:
        - name: csi-proxy
          image: ghcr.io/kubernetes-sigs/sig-windows/csi-proxy:v1.1.3
"""
_NORMAL_WINDOWS_POD = windows_workload(
    kind="DaemonSet",
    name="csi-proxy",
    namespace="kube-system",
    pod="""\
securityContext:
  windowsOptions:
    runAsUserName: ContainerUser
""",
    containers=pod_container(name="csi-proxy", image="ghcr.io/kubernetes-sigs/sig-windows/csi-proxy:v1.1.3"),
)


@rule(
    id="windows-hostprocess-container",
    title="Windows HostProcess container",
    document=DOC,
    severity=Severity.WARNING,
    kind_groups=("workload",),
    security_severity="8.0",
    rationale="""
A HostProcess container runs directly on the Windows host as a host process, in the host's
network namespace and with access to the host filesystem and, typically, SYSTEM privileges:
it is the Windows equivalent of a privileged container and a compromise of it is a compromise
of the node and of every pod on it. The Baseline Pod Security Standard forbids it.
""",
    remediation="Use a HostProcess container only for node agents in a dedicated, restricted namespace.",
    examples=(_HOSTPROCESS_POD, _NORMAL_WINDOWS_POD),
    references=(HOSTPROCESS_DOCS, "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"),
)
def check_hostprocess(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    pod_path = pod_windows_options_path(doc)
    if pod_path is not None and doc.value(*pod_path, "hostProcess") is True:
        yield Violation(
            "the pod sets windowsOptions.hostProcess: true, so its containers run as HostProcess "
            "containers with full access to the Windows host",
            (*pod_path, "hostProcess"),
        )
    for container in containers(doc, ContainerScope.ALL):
        if container.get("securityContext", "windowsOptions", "hostProcess") is True:
            yield Violation(
                f"{container.describe()} is a HostProcess container (windowsOptions.hostProcess: true) "
                "with full access to the Windows host",
                (*container.path, "securityContext", "windowsOptions", "hostProcess"),
            )


def _hostprocess_requested(doc: Document) -> bool:
    return any(value is True for value, _ in windows_option_sites(doc, "hostProcess"))


@rule(
    id="windows-hostprocess-inconsistent",
    title="HostProcess pod is not consistently HostProcess",
    document=DOC,
    severity=Severity.ERROR,
    kind_groups=("workload",),
    category="correctness",
    rationale="""
The API server rejects a pod that requests HostProcess unless `hostNetwork: true` is set and
every container of the pod is a HostProcess container (explicitly or inherited from the pod
level); a container that sets `hostProcess: false` under a pod-level `true` is rejected too.
The controller then cannot create any pod and the rollout stalls with FailedCreate events.
Like the API server, this rule checks ephemeral containers as well as containers and init
containers.
""",
    remediation="Set `hostNetwork: true` and `hostProcess: true` at pod level for all containers.",
    examples=(_HOSTPROCESS_POD.replace("      hostNetwork: true\n", ""), _HOSTPROCESS_POD),
    references=(HOSTPROCESS_DOCS,),
)
def check_hostprocess_inconsistent(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not _hostprocess_requested(doc):
        return
    spec_path = workload_spec_path(doc)
    host_network = doc.value(*spec_path, "hostNetwork")
    if host_network is not True:
        shown = "not set" if host_network is None else f"{quote(host_network)}"
        yield Violation(
            f"the pod requests HostProcess containers but hostNetwork is {shown} (must be true)",
            (*spec_path, "hostNetwork"),
        )
    for container in containers(doc, ContainerScope.ALL):
        value, path = effective_windows_option(doc, container, "hostProcess")
        if value is True:
            continue
        yield Violation(
            f"{container.describe()} is not a HostProcess container (effective hostProcess "
            f"{'not set' if value is None else quote(value)}) but the pod requests HostProcess; "
            "all containers of a HostProcess pod must be HostProcess",
            path if path is not None else _container_anchor(container),
        )


def _container_anchor(container: ContainerRef) -> FieldPath:
    return (*container.path, "securityContext", "windowsOptions", "hostProcess")


# -- windows-run-as-container-administrator ---------------------------------------------
_ADMIN_FAIL = _NORMAL_WINDOWS_POD.replace("runAsUserName: ContainerUser", "runAsUserName: ContainerAdministrator")


@rule(
    id="windows-run-as-container-administrator",
    title="Windows container runs as ContainerAdministrator",
    document=DOC,
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
`ContainerAdministrator` is the administrator account inside a Windows container: a process
running as it can change anything in the container, install services and, combined with a
host mount or a kernel bug, reach the host. `ContainerUser` is the unprivileged account and is
enough for most applications (IIS, .NET). The value is resolved per field as the kubelet does
(container `windowsOptions.runAsUserName`, else the pod's) and compared case-insensitively.
""",
    remediation="Run as `ContainerUser` or a dedicated account.",
    examples=(_ADMIN_FAIL, _NORMAL_WINDOWS_POD),
    references=(RUN_AS_DOCS,),
)
def check_container_administrator(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not windows_targeted(doc):
        return
    by_path: dict[FieldPath, tuple[object, list[str]]] = {}
    for container in containers(doc, ContainerScope.ALL):
        value, path = effective_windows_option(doc, container, "runAsUserName")
        if path is None or not isinstance(value, str) or value.strip().lower() != CONTAINER_ADMINISTRATOR.lower():
            continue
        by_path.setdefault(path, (value, []))[1].append(container.describe())
    for path, (value, names) in by_path.items():
        yield Violation(
            f"{', '.join(names)} run{'s' if len(names) == 1 else ''} as {quote(value)} "
            "(windowsOptions.runAsUserName), the container's administrator account",
            path,
        )


# -- windows-gmsa-spec-missing ------------------------------------------------------------
_GMSA_SPEC = """\
---
apiVersion: windows.k8s.io/v1
kind: GMSACredentialSpec
metadata: {name: webapp1-credspec}
credspec:
  ActiveDirectoryConfig:
    GroupManagedServiceAccounts:
      - {Name: WebApp1, Scope: CONTOSO}
"""
_GMSA_POD = windows_workload(
    name="webapp1",
    pod="""\
securityContext:
  windowsOptions:
    gmsaCredentialSpecName: webapp1-credspec
""",
)


@rule(
    id="windows-gmsa-spec-missing",
    title="gMSA credential spec not found",
    document=DOC,
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="correctness",
    cross_object=True,
    rationale="""
`windowsOptions.gmsaCredentialSpecName` names a cluster-scoped GMSACredentialSpec that the
gMSA admission webhook inlines into the pod. When it does not exist the webhook rejects the
pod, so the controller cannot create replicas, or the container starts without its Active
Directory identity and every Kerberos-authenticated call (SQL Server, file shares) fails.
Evaluated only when the input contains at least one GMSACredentialSpec (or with
--assume-complete), so partial inputs do not produce noise.
""",
    remediation="Create the GMSACredentialSpec (and RBAC `use` permission) or fix the name.",
    examples=(
        _GMSA_POD.replace("gmsaCredentialSpecName: webapp1-credspec", "gmsaCredentialSpecName: webapp2-credspec")
        + _GMSA_SPEC,
        _GMSA_POD + _GMSA_SPEC,
    ),
    references=(GMSA_DOCS,),
)
def check_gmsa_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.guard("GMSACredentialSpec"):
        return
    for value, path in windows_option_sites(doc, "gmsaCredentialSpecName"):
        if not isinstance(value, str) or not value:
            continue
        found = [spec for spec in ctx.lint.named("GMSACredentialSpec", None, value) if spec.group == "windows.k8s.io"]
        if not found:
            yield Violation(f"gmsaCredentialSpecName {quote(value)} names no GMSACredentialSpec in the input", path)
