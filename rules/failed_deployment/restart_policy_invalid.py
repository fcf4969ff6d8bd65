"""restart-policy-invalid (rule-catalog §5).

The pod-level `restartPolicy` defaults to `Always` (SetDefaults_PodSpec) before validation, so
an absent value is `Always`: accepted by the long-running controllers, rejected in a Job.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.workloads import DEPLOYMENT_LIKE
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, pod_spec, pod_spec_path, rule

POLICIES = frozenset(("Always", "OnFailure", "Never"))
ALWAYS_KINDS = frozenset(("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController"))
JOB_SPEC: dict[str, FieldPath] = {"Job": ("spec",), "CronJob": ("spec", "jobTemplate", "spec")}


def _effective_policy(doc: Document) -> tuple[str, bool] | None:
    """The restartPolicy the API server validates and whether it is written; None when it is
    not a value of the enum (schema-violation's finding)."""
    raw = pod_spec(doc).get("restartPolicy")
    if raw is None or raw == "":
        return "Always", False
    if isinstance(raw, str) and raw in POLICIES:
        return raw, True
    return None


def _judged(doc: Document) -> bool:
    """The built-in controllers and the known Deployment-like kinds. Another custom resource
    with a pod template may run its pods to completion (OpenKruise's BroadcastJob): its own
    controller decides which policies it accepts."""
    return doc.kind in ALWAYS_KINDS or doc.kind in JOB_SPEC or DEPLOYMENT_LIKE.get(doc.kind) == doc.group


def _job_problem(doc: Document, policy: str, job_spec: FieldPath) -> str | None:
    if policy == "Always":
        return "a Job's pods must end: the API server accepts only OnFailure or Never"
    if policy == "OnFailure" and doc.value(*job_spec, "podFailurePolicy") is not None:
        return "with spec.podFailurePolicy set the API server accepts only Never"
    return None


@rule("restart-policy-invalid")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or not _judged(doc):
        return
    found = _effective_policy(doc)
    if found is None:
        return
    policy, written = found
    shown = f"restartPolicy {policy}" if written else "restartPolicy is not set (defaults to Always)"
    job_spec = JOB_SPEC.get(doc.kind)
    if job_spec is not None:
        problem = _job_problem(doc, policy, job_spec)
    elif policy != "Always":
        problem = f"a {doc.kind} keeps its pods running: the API server accepts only Always"
    else:
        problem = None
    if problem is not None:
        yield Violation(f"{shown}: {problem}", (*spec_path, "restartPolicy"))
