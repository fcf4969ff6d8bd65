"""service-external-ips (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

_SHOWN = 3  # addresses named in the message


def _addresses(items: list[object]) -> str:
    shown = ", ".join(quote(item) for item in items[:_SHOWN])
    more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    return f"{shown}{more}"


def _not_proxied(doc: Document) -> bool:
    """kube-proxy skips headless and ExternalName Services (proxy/util.ShouldSkipService)."""
    return doc.value("spec", "type") == "ExternalName" or doc.value("spec", "clusterIP") == "None"


@rule("service-external-ips")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if _not_proxied(doc):
        return
    items = list(doc.sequence("spec", "externalIPs"))
    if items:
        yield Violation(
            f"routes traffic addressed to {_addresses(items)} to its pods (spec.externalIPs): any address "
            "can be claimed this way unless admission forbids it",
            ("spec", "externalIPs"),
        )
