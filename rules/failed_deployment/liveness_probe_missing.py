"""liveness-probe-missing (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.images import is_injected_container
from kubelint_py.k8s.workloads import DEPLOYMENT_LIKE, WORKLOAD_KINDS, is_helm_hook, pod_spec
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, rule

# the built-in controllers whose pods run until replaced
_LONG_RUNNING = frozenset(("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"))


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


@rule("liveness-probe-missing")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not _long_running(doc) or is_helm_hook(doc):
        return
    for container in containers(doc, ContainerScope.C):
        probe = container.data.get("livenessProbe")
        if probe is not None and not isinstance(probe, Mapping):
            continue  # a probe that is not a mapping is schema-violation's finding
        if probe is None and not is_injected_container(doc, container):
            yield Violation(f"{container.describe()} has no livenessProbe", (*container.path, "livenessProbe"))
