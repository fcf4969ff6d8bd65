"""hpa-target-missing (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import autoscaler, stream, workload
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_PASS = stream(workload(), autoscaler())


@rule(
    id="hpa-target-missing",
    title="HPA scales an object that does not exist",
    document="traffic-spike",
    severity=Severity.ERROR,
    kind_groups=("hpa",),
    category="reliability",
    cross_object=True,
    rationale="""
An HPA whose `scaleTargetRef` names no object (a renamed Deployment, a typo, the wrong
kind) reports `FailedGetScale` and never scales anything: the workload you think is
protected against a spike stays at its fixed replica count. Evaluated only when the input
holds at least one object of the referenced kind, so a partial bundle is not flagged.
""",
    remediation="Fix `scaleTargetRef` (kind and name) so it names the workload in the HPA's namespace.",
    examples=(_PASS.replace("name: web}\n  minReplicas", "name: wbe}\n  minReplicas"), _PASS),
    references=("https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    kind, name = doc.value("spec", "scaleTargetRef", "kind"), doc.value("spec", "scaleTargetRef", "name")
    if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
        return
    if not ctx.guard(kind):
        return
    if ctx.get(kind, ctx.namespace_of(doc), name) is None:
        namespace = ctx.namespace_of(doc)
        yield Violation(
            f'scaleTargetRef names {kind} "{name}", which does not exist in namespace "{namespace}"',
            ("spec", "scaleTargetRef", "name"),
        )
