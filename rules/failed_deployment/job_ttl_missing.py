"""job-ttl-missing (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.workloads import HELM_HOOK_ANNOTATION
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

# annotations under which a release tool deletes the Job itself
_DELETE_POLICIES = ("helm.sh/hook-delete-policy", "argocd.argoproj.io/hook-delete-policy")

_FAIL = """\
apiVersion: batch/v1
kind: Job
metadata: {name: reindex, namespace: shop}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - {name: reindex, image: "shop/reindex:1.4.2"}
"""


def _owned_by_cronjob(doc: Document) -> bool:
    refs = doc.value("metadata", "ownerReferences")
    return isinstance(refs, list) and any(isinstance(r, Mapping) and r.get("kind") == "CronJob" for r in refs)


def _deleted_by_release_tool(doc: Document) -> str | None:
    """The annotation under which Helm or Argo CD deletes the Job, if any. A Helm hook
    without a delete policy gets Helm's default, before-hook-creation."""
    annotations = doc.annotations()
    for key in (*_DELETE_POLICIES, HELM_HOOK_ANNOTATION):
        if annotations.get(key) is not None:
            return key
    return None


@rule(
    id="job-ttl-missing",
    title="Finished Job is never cleaned up",
    document="failed-deployment",
    severity=Severity.INFO,
    kinds=("batch/Job",),
    category="operations",
    default_enabled=False,
    rationale="""
Without `spec.ttlSecondsAfterFinished` a finished Job and its pods stay in the cluster until
someone deletes them: completed and failed pods pile up in `kubectl get pods`, keep their
logs and node-side state, count against the namespace's object quota, and hide the run that
matters when a release is being diagnosed. With a TTL the TTL-after-finished controller
deletes the Job and its pods (cascading) that many seconds after it completes or fails.
Jobs that a CronJob creates (`ownerReferences` kind CronJob) are skipped, as CronJob
templates are: the CronJob's history limits clean them up. Helm hooks and Argo CD hooks with
a `hook-delete-policy` are skipped too: the release tool deletes them (a Helm hook without
the annotation gets Helm's default, `before-hook-creation`). Opt-in: a Job applied by a
GitOps tool as an ordinary resource is re-created (and re-run) once the TTL deletes it; make
such Jobs hooks instead.
""",
    remediation="Set `spec.ttlSecondsAfterFinished` (e.g. 86400 to keep a day for inspection).",
    examples=(_FAIL, _FAIL.replace("  backoffLimit: 2\n", "  backoffLimit: 2\n  ttlSecondsAfterFinished: 86400\n")),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/",
        "https://kubernetes.io/docs/concepts/workloads/controllers/job/#clean-up-finished-jobs-automatically",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if _owned_by_cronjob(doc) or _deleted_by_release_tool(doc):
        return
    spec = doc.value("spec")
    if spec is not None and not isinstance(spec, Mapping):
        return  # a spec that is not a mapping is schema-violation's finding
    if doc.value("spec", "ttlSecondsAfterFinished") is None:  # a value of the wrong type is schema-violation's
        yield Violation(
            "no spec.ttlSecondsAfterFinished: the finished Job and its pods stay until someone deletes them",
            ("spec", "ttlSecondsAfterFinished"),
        )
