"""liveness-probe-missing (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.images import is_injected_container
from kubelint_py.k8s.workloads import DEPLOYMENT_LIKE, WORKLOAD_KINDS, is_helm_hook, pod_spec
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Severity, Violation, containers, rule

# the built-in controllers whose pods run until replaced
_LONG_RUNNING = frozenset(("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"))

_FAIL = workload(
    containers=pod_container(
        body="""\
readinessProbe:
  httpGet: {path: /ready, port: 8080}
"""
    )
)

_PASS = (
    _FAIL
    + """\
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 10
            failureThreshold: 6
"""
)


def _long_running(doc: Document) -> bool:
    """Controllers whose pods are meant to run until replaced. A custom kind with a pod
    template counts unless its template restarts only on failure or never (it then runs its
    pods to completion, as OpenKruise's BroadcastJob does)."""
    kind = doc.kind
    if kind in _LONG_RUNNING or DEPLOYMENT_LIKE.get(kind) == doc.group:
        return True
    if kind in WORKLOAD_KINDS:
        return False  # Pod, Job, CronJob, PodTemplate
    return pod_spec(doc).get("restartPolicy") not in ("OnFailure", "Never")


@rule(
    id="liveness-probe-missing",
    title="Long-running container has no liveness probe",
    document="failed-deployment",
    severity=Severity.INFO,
    kind_groups=("workload",),
    category="reliability",
    default_enabled=False,
    rationale="""
A container whose process hangs without exiting (a deadlock, an exhausted thread pool, a
wedged event loop) stays Running: the kubelet only restarts containers that exit or fail
their liveness probe. With a readiness probe the pod is taken out of the Service and the
workload quietly loses capacity; without one it keeps receiving requests that time out. A
liveness probe that checks only the process itself lets the kubelet restart it. Checked on
the regular containers of Deployments (and DeploymentConfig, Argo Rollout and other kinds
that run a pod template until replaced), StatefulSets, DaemonSets, ReplicaSets and
ReplicationControllers; native sidecars and init containers, Pods, Jobs and CronJobs
(which run to completion), Helm hooks and Istio's injected `image: auto` proxy are not.
Opt-in and info: a liveness probe only helps a process that can hang, and a badly tuned one
restarts healthy pods under load (see `liveness-probe-too-aggressive`).
""",
    remediation=(
        "Add a `livenessProbe` that checks process health only (no dependencies), with a "
        "`startupProbe` or timings that cover the slowest start."
    ),
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not _long_running(doc) or is_helm_hook(doc):
        return
    for container in containers(doc, ContainerScope.C):
        probe = container.data.get("livenessProbe")
        if probe is not None and not isinstance(probe, Mapping):
            continue  # a probe that is not a mapping is schema-violation's finding
        if probe is None and not is_injected_container(doc, container):
            yield Violation(f"{container.describe()} has no livenessProbe", (*container.path, "livenessProbe"))
