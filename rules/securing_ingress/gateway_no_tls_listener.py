"""gateway-no-tls-listener (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

VERSIONS = frozenset(("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"))


@rule("gateway-no-tls-listener")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.api_version not in VERSIONS:
        return
    listeners = [(i, entry) for i, entry in enumerate(doc.sequence("spec", "listeners")) if isinstance(entry, Mapping)]
    if any(entry.get("protocol") in ("HTTPS", "TLS") for _, entry in listeners):
        return
    for i, entry in listeners:
        if entry.get("protocol") == "HTTP":
            yield Violation(
                f"listener {quote(entry.get('name'))} serves plain HTTP and the Gateway has no HTTPS or TLS listener",
                ("spec", "listeners", i, "protocol"),
            )
