"""service-loadbalancer-unrestricted and service-nodeport-exposed (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.entrypoints import runs_entry_point
from kubelint_py.rule_api import Document, RuleContext, Violation, rule, selector_from_map

# annotation -> required value (None: any value other than "false", as the AWS in-tree provider reads it)
INTERNAL_ANNOTATIONS: Mapping[str, str | None] = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": None,
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "networking.gke.io/load-balancer-type": "Internal",
    "cloud.google.com/load-balancer-type": "Internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
}
SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


def _is_internal(annotations: Mapping[str, object], extra: Mapping[str, object]) -> bool:
    for key, wanted in {**INTERNAL_ANNOTATIONS, **extra}.items():
        value = annotations.get(key)
        if not isinstance(value, str) or not value:
            continue
        if wanted is None and value.lower() != "false":
            return True
        if isinstance(wanted, str) and value.lower() == wanted.lower():
            return True
    return False


def _has_source_ranges(doc: Document) -> bool:
    ranges = [r for r in doc.sequence("spec", "loadBalancerSourceRanges") if isinstance(r, str) and r.strip()]
    legacy = doc.annotations().get(SOURCE_RANGES_ANNOTATION)
    return bool(ranges) or (isinstance(legacy, str) and bool(legacy.strip()))


def fronts_entry_point(doc: Document, ctx: RuleContext) -> bool:
    """The Service selects only pods of ingress controllers or gateway proxies (and some)."""
    templates = ctx.pod_templates_matching(selector_from_map(doc.value("spec", "selector")), ctx.namespace_of(doc))
    return bool(templates) and all(runs_entry_point(template.doc) for template in templates)


@rule("service-loadbalancer-unrestricted")
def check_load_balancer(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "type") != "LoadBalancer" or fronts_entry_point(doc, ctx):
        return
    if _has_source_ranges(doc) or _is_internal(doc.annotations(), ctx.options.get("internalAnnotations", {})):
        return
    yield Violation(
        "is a LoadBalancer with no loadBalancerSourceRanges and no internal-load-balancer annotation: "
        "reachable from any address",
        ("spec", "type"),
    )


@rule("service-nodeport-exposed")
def check_node_port(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "type") == "NodePort" and not fronts_entry_point(doc, ctx):
        yield Violation("is a NodePort Service: the pods are reachable on a port of every node", ("spec", "type"))
