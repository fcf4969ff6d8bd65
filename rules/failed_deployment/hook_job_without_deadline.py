"""hook-job-without-deadline (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, rule

HOOK_ANNOTATIONS = ("helm.sh/hook", "argocd.argoproj.io/hook")


def _hook(annotations: Mapping[str, object]) -> str | None:
    for key in HOOK_ANNOTATIONS:
        value = annotations.get(key)
        if value is not None and not (key.startswith("argocd") and value == "Skip"):
            return key
    return None


@rule("hook-job-without-deadline")
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
