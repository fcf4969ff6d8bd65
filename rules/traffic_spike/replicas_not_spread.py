"""replicas-not-spread (rule-catalog §4)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.autoscaling import hpas_targeting
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, pod_spec, rule

SPREAD_KEYS = frozenset(
    ("kubernetes.io/hostname", "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
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


@rule("replicas-not-spread")
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
