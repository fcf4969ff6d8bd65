"""workload-replicas-with-hpa (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import scalers_targeting
from kubelint_py.k8s.examples import autoscaler, stream, workload
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = stream(workload(spec="replicas: 3\n"), autoscaler())


@rule(
    id="workload-replicas-with-hpa",
    title="Workload sets spec.replicas although an HPA owns it",
    document="traffic-spike",
    severity=Severity.WARNING,
    kind_groups=("serving",),
    category="reliability",
    cross_object=True,
    rationale="""
Once an HPA scales a Deployment or StatefulSet, `spec.replicas` belongs to the autoscaler.
A manifest that still sets it resets the scaled-out count on every `kubectl apply`, Helm
upgrade or GitOps sync: in the middle of a spike the workload drops from 30 pods back to 3
and the HPA needs minutes to climb again. A KEDA ScaledObject manages an HPA for its
target, so it counts as one here.
""",
    remediation="Remove `spec.replicas` from the manifest (or the chart value) once an HPA owns the replica count.",
    examples=(_FAIL, _FAIL.replace("  replicas: 3\n", "")),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "replicas") is None:
        return
    scalers = scalers_targeting(ctx.lint, doc)
    if not scalers:
        return
    yield Violation(
        f'spec.replicas is set although {scalers[0].kind} "{scalers[0].name}" scales this workload; '
        "every apply resets the scaled-out replica count",
        ("spec", "replicas"),
        related=tuple((s, ("spec", "scaleTargetRef"), f"{s.kind} targeting the workload") for s in scalers[:3]),
    )
