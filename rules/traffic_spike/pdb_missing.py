"""pdb-missing (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import hpas_targeting, pdbs_covering
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, rule


@rule("pdb-missing")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    replicas = ctx.lint.effective_replicas(doc)
    if replicas < 2 or pdbs_covering(ctx.lint, doc):
        return
    from_hpa = bool(hpas_targeting(ctx.lint, doc))
    path: FieldPath = ("spec", "replicas") if doc.has("spec", "replicas") and not from_hpa else ("metadata", "name")
    origin = " (HPA minReplicas)" if from_hpa else ""
    yield Violation(
        f"{replicas} replicas{origin} and no PodDisruptionBudget in the namespace selects the pod template labels",
        path,
    )
