"""hook-job-without-deadline (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, FieldPath, RuleContext, Severity, Violation, rule

HOOK_ANNOTATIONS = ("helm.sh/hook", "argocd.argoproj.io/hook")

_FAIL = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
  namespace: shop
  annotations:
    helm.sh/hook: pre-upgrade
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - {name: migrate, image: "shop/migrate:1.4.2"}
"""


def _hook(annotations: Mapping[str, object]) -> str | None:
    for key in HOOK_ANNOTATIONS:
        value = annotations.get(key)
        if value is not None and not (key.startswith("argocd") and value == "Skip"):
            return key
    return None


@rule(
    id="hook-job-without-deadline",
    title="Release hook Job has no deadline",
    document="failed-deployment",
    severity=Severity.WARNING,
    kinds=("Job", "CronJob"),
    category="reliability",
    rationale="""
Helm and Argo CD wait for hook Jobs (migrations, smoke tests) to finish before they go on.
A Job without `activeDeadlineSeconds` that hangs (a migration waiting on a lock, a test
waiting on a dead endpoint) blocks the release: `helm upgrade` sits until its own timeout
and leaves the release `pending-upgrade`, an Argo CD sync never completes, and neither a
fix nor a rollback can be applied until someone finds and kills the Job.
""",
    remediation="Set `spec.activeDeadlineSeconds` (and a small `backoffLimit`) on release hook Jobs.",
    examples=(_FAIL, _FAIL.replace("  backoffLimit: 2\n", "  backoffLimit: 2\n  activeDeadlineSeconds: 600\n")),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup",
        "https://helm.sh/docs/topics/charts_hooks/",
        "https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    job_spec: FieldPath = ("spec",) if doc.kind == "Job" else ("spec", "jobTemplate", "spec")
    annotations = dict(doc.annotations())
    if doc.kind == "CronJob":
        annotations.update(doc.mapping("spec", "jobTemplate", "metadata", "annotations"))
    hook = _hook(annotations)
    if hook is None:
        return
    deadline = doc.value(*job_spec, "activeDeadlineSeconds")
    if isinstance(deadline, int) and not isinstance(deadline, bool) and deadline > 0:
        return
    yield Violation(
        f"release hook Job ({hook}) has no activeDeadlineSeconds: if it hangs, the release is blocked indefinitely",
        (*job_spec, "activeDeadlineSeconds"),
    )
