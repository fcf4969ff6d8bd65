"""job-ttl-missing (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.workloads import HELM_HOOK_ANNOTATION
from kubelint_py.rule_api import Document, RuleContext, Violation, rule

# annotations under which a release tool deletes the Job itself
_DELETE_POLICIES = ("helm.sh/hook-delete-policy", "argocd.argoproj.io/hook-delete-policy")


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


@rule("job-ttl-missing")
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
