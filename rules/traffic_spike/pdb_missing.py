"""pdb-missing (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import hpas_targeting, pdbs_covering
from kubelint_py.k8s.examples import workload
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Severity, Violation, rule

_FAIL = workload(spec="replicas: 3\n")
_PASS = (
    _FAIL
    + """\
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
"""
)


@rule(
    id="pdb-missing",
    title="Replicated workload has no PodDisruptionBudget",
    document="traffic-spike",
    severity=Severity.WARNING,
    kind_groups=("serving",),
    category="reliability",
    cross_object=True,
    rationale="""
Without a PodDisruptionBudget, a node drain, a cluster-autoscaler scale-down or a node-pool
upgrade may evict every replica of a workload at once. During a traffic peak, when the
cluster is also being reshaped by the autoscaler, that is a full outage of a workload that
was sized to survive it. A PDB whose selector matches the pod template (in the workload's
namespace) makes voluntary evictions wait for healthy replicas. An empty selector selects
every pod in policy/v1 but none in policy/v1beta1.
""",
    remediation="Add a PodDisruptionBudget selecting the pod template labels (e.g. `maxUnavailable: 1`).",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
    ),
)
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
