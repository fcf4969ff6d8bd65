"""replicas-not-spread (rule-catalog §4)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.autoscaling import hpas_targeting
from kubelint_py.k8s.examples import workload
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Severity, Violation, pod_spec, rule

SPREAD_KEYS = frozenset(
    ("kubernetes.io/hostname", "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
)
_FAIL = workload(spec="replicas: 3\n")
_PASS = _FAIL.replace(
    "      containers:",
    """\
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway,
           labelSelector: {matchLabels: {app: web}}}
      containers:""",
)


def _has_anti_affinity(spec: Mapping[str, object]) -> bool:
    anti = spec.get("affinity")
    anti = anti.get("podAntiAffinity") if isinstance(anti, Mapping) else None
    if not isinstance(anti, Mapping):
        return False
    required = anti.get("requiredDuringSchedulingIgnoredDuringExecution")
    for term in required if isinstance(required, list) else ():
        if isinstance(term, Mapping) and term.get("topologyKey") in SPREAD_KEYS:
            return True
    preferred = anti.get("preferredDuringSchedulingIgnoredDuringExecution")
    for weighted in preferred if isinstance(preferred, list) else ():
        term = weighted.get("podAffinityTerm") if isinstance(weighted, Mapping) else None
        if isinstance(term, Mapping) and term.get("topologyKey") in SPREAD_KEYS:
            return True
    return False


@rule(
    id="replicas-not-spread",
    title="Replicas are not spread across nodes or zones",
    document="traffic-spike",
    severity=Severity.INFO,
    kind_groups=("scalable",),
    category="reliability",
    rationale="""
The scheduler's default scoring only mildly prefers spreading, and replicas added in a
burst by the HPA tend to land together on the freshly provisioned node. Without topology
spread constraints or pod anti-affinity over `kubernetes.io/hostname` or
`topology.kubernetes.io/zone`, one node or zone failure during the peak takes out most of
the capacity at the worst moment.
""",
    remediation="Add `topologySpreadConstraints` over hostname and zone (or a pod anti-affinity term on them).",
    examples=(_FAIL, _PASS),
    references=("https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    replicas = ctx.lint.effective_replicas(doc)
    if replicas < 2:
        return
    spec = pod_spec(doc)
    constraints = spec.get("topologySpreadConstraints")
    if (isinstance(constraints, list) and constraints) or _has_anti_affinity(spec):
        return
    from_hpa = bool(hpas_targeting(ctx.lint, doc))
    path: FieldPath = ("spec", "replicas") if doc.has("spec", "replicas") and not from_hpa else ("metadata", "name")
    yield Violation(
        f"{replicas} replicas with neither topologySpreadConstraints nor pod anti-affinity over hostname or zone",
        path,
    )
