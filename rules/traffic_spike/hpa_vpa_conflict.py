"""hpa-vpa-conflict (rule-catalog §4)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.autoscaling import hpa_resource_metrics, hpas_by_target, is_vpa
from kubelint_py.rule_api import ContainerScope, Document, FieldPath, RuleContext, Violation, containers, rule

_BOTH = frozenset(("cpu", "memory"))
_UNLISTED = "\0unlisted"


def _vpa_policies(vpa: Document) -> dict[str, Mapping[str, object]]:
    policies: dict[str, Mapping[str, object]] = {}
    for policy in vpa.sequence("spec", "resourcePolicy", "containerPolicies"):
        if isinstance(policy, Mapping) and isinstance(policy.get("containerName"), str):
            policies[str(policy["containerName"])] = policy
    return policies


def _controlled(policies: Mapping[str, Mapping[str, object]], container: str) -> frozenset[str]:
    """Resources the VPA resizes in one container: its named policy, else the `*` policy,
    else cpu and memory; a policy with mode Off resizes nothing."""
    policy = policies.get(container) or policies.get("*")
    if policy is None:
        return _BOTH
    if policy.get("mode") == "Off":
        return frozenset()
    listed = policy.get("controlledResources")
    return frozenset(str(r) for r in listed) & _BOTH if isinstance(listed, list) else _BOTH


@rule("hpa-vpa-conflict")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not is_vpa(doc):
        return
    mode = doc.value("spec", "updatePolicy", "updateMode")
    if mode == "Off":
        return
    kind, name = doc.value("spec", "targetRef", "kind"), doc.value("spec", "targetRef", "name")
    if not isinstance(kind, str) or not isinstance(name, str):
        return
    hpas = hpas_by_target(ctx.lint, (ctx.namespace_of(doc) or "", kind, name))
    if not hpas:
        return
    target = ctx.get(kind, ctx.namespace_of(doc), name)
    policies = _vpa_policies(doc)
    names = [c.name for c in containers(target, ContainerScope.C)] if target is not None else []
    if not names:  # target not in the input: the named policies plus any other container
        names = [n for n in policies if n != "*"] + [_UNLISTED]
    for hpa in hpas:
        resources = sorted(
            {
                m.resource
                for m in hpa_resource_metrics(hpa)
                for container in ([m.container] if m.container is not None else names)
                if m.resource in _controlled(policies, container)
            }
        )
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
