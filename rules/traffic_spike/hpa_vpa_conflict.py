"""hpa-vpa-conflict (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import hpa_resource_metrics, hpas_by_target, is_vpa
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Severity, Violation, rule

_FAIL = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 30
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: {updateMode: Auto}
"""


@rule(
    id="hpa-vpa-conflict",
    title="HPA and VPA act on the same CPU/memory signal",
    document="traffic-spike",
    severity=Severity.ERROR,
    kinds=("VerticalPodAutoscaler",),
    category="reliability",
    cross_object=True,
    rationale="""
An HPA scaling on CPU or memory and a VPA that applies its recommendations to the same
workload fight each other: the VPA raises requests when usage is high, which lowers the
utilization the HPA sees, so the HPA scales in (or never scales out) while the VPA evicts
pods to resize them. During a spike this means fewer, restarting pods. A v1 HPA, and a v2
HPA without metrics, scale on CPU. A VPA in `Off` mode only recommends and is harmless.
""",
    remediation="Run the VPA with `updateMode: Off` (recommendations only), or scale the HPA on custom metrics.",
    examples=(_FAIL, _FAIL.replace("updateMode: Auto", 'updateMode: "Off"')),
    references=(
        "https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler#known-limitations",
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not is_vpa(doc):
        return
    mode = doc.value("spec", "updatePolicy", "updateMode")
    if mode == "Off":
        return
    kind, name = doc.value("spec", "targetRef", "kind"), doc.value("spec", "targetRef", "name")
    if not isinstance(kind, str) or not isinstance(name, str):
        return
    for hpa in hpas_by_target(ctx.lint, (ctx.namespace_of(doc) or "", kind, name)):
        resources = sorted({m.resource for m in hpa_resource_metrics(hpa) if m.resource in ("cpu", "memory")})
        if not resources:
            continue
        path: FieldPath = ("spec", "updatePolicy", "updateMode") if mode is not None else ("spec", "targetRef")
        shown = f"updateMode {mode}" if mode is not None else "updateMode unset (Auto)"
        yield Violation(
            f'VPA ({shown}) and HorizontalPodAutoscaler "{hpa.name}" both act on {kind} "{name}", '
            f"and the HPA scales on {' and '.join(resources)}",
            path,
            related=((hpa, ("spec", "scaleTargetRef"), "HPA scaling the same workload"),),
        )
        return
