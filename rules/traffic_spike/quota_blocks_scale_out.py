"""quota-blocks-scale-out (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import NamedTuple

from kubelint_py.k8s.autoscaling import hpas_targeting, pod_requests
from kubelint_py.k8s.quantity import format_quantity, quantity_from_manifest
from kubelint_py.k8s.workloads import REPLICATED_KINDS, is_deployment_like, replicas
from kubelint_py.rule_api import Document, LintContext, RuleContext, Violation, rule

# quota key -> what it limits
_KEYS = {"requests.cpu": "cpu", "cpu": "cpu", "requests.memory": "memory", "memory": "memory", "pods": "pods"}


class _Demand(NamedTuple):
    totals: dict[str, Fraction]
    contributors: list[tuple[Fraction, Document, int]]  # (cpu share, workload, max replicas)


def _max_replicas(lint: LintContext, doc: Document) -> int:
    found = [
        value
        for hpa in hpas_targeting(lint, doc)
        if isinstance(value := hpa.value("spec", "maxReplicas"), int) and not isinstance(value, bool)
    ]
    return max(found) if found else replicas(doc)


def _demand(lint: LintContext, namespace: str) -> _Demand:
    """Σ over the namespace's replicated workloads of per-pod requests × max replicas (once per namespace)."""
    return lint.cached(("quota-blocks-scale-out", namespace), lambda: _compute(lint, namespace))


def _compute(lint: LintContext, namespace: str) -> _Demand:
    totals = {"cpu": Fraction(0), "memory": Fraction(0), "pods": Fraction(0)}
    contributors: list[tuple[Fraction, Document, int]] = []
    for template in lint.pod_templates(namespace):
        doc = template.doc
        if doc.kind not in REPLICATED_KINDS and not is_deployment_like(doc):
            continue
        count = _max_replicas(lint, doc)
        if count <= 0:
            continue
        cpu = pod_requests(doc, "cpu") * count
        totals["cpu"] += cpu
        totals["memory"] += pod_requests(doc, "memory") * count
        totals["pods"] += count
        contributors.append((cpu, doc, count))
    contributors.sort(key=lambda item: item[0], reverse=True)
    return _Demand(totals, contributors)


def _show(resource: str, value: Fraction) -> str:
    if resource == "memory" and value.denominator == 1:
        for unit, size in (("Gi", 2**30), ("Mi", 2**20)):
            if value >= size and value % size == 0:
                return f"{value // size}{unit}"
    if resource == "cpu" and abs(value) < 10**15:  # beyond, float() overflows: the quantity form
        return f"{float(value):g}"
    return format_quantity(value)


@rule("quota-blocks-scale-out")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "scopes") or doc.value("spec", "scopeSelector"):
        return
    hard = doc.mapping("spec", "hard")
    if not hard:
        return
    demand = _demand(ctx.lint, ctx.namespace_of(doc) or "default")
    for key, raw in hard.items():
        resource = _KEYS.get(str(key))
        if resource is None:
            continue
        limit = quantity_from_manifest(raw)
        needed = demand.totals[resource]
        if limit is None or needed <= limit:
            continue
        top = ", ".join(f'{d.kind} "{d.name}" ×{n}' for _, d, n in demand.contributors[:3])
        yield Violation(
            f"{key}: the namespace's workloads need {_show(resource, needed)} at max replicas ({top}), "
            f"but the quota allows {_show(resource, limit)}; scale-out will fail with `exceeded quota`",
            ("spec", "hard", str(key)),
            related=tuple(
                (d, ("metadata", "name"), "workload counted at max replicas") for _, d, _ in demand.contributors[:3]
            ),
        )
