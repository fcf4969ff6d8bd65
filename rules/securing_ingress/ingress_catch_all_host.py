"""ingress-catch-all-host (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule


@rule("ingress-catch-all-host")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for key in ("defaultBackend", "backend"):
        if isinstance(doc.value("spec", key), Mapping):
            yield Violation(f"spec.{key} answers for every host name and IP that reaches the controller", ("spec", key))
    for i, entry in enumerate(doc.sequence("spec", "rules")):
        if not isinstance(entry, Mapping):
            continue
        host = entry.get("host")
        if not isinstance(host, str) or not host:
            yield Violation(f"rule #{i} has no host: it answers for any host name", ("spec", "rules", i))
        elif host.startswith("*"):
            yield Violation(f"rule #{i} uses the wildcard host {quote(host)}", ("spec", "rules", i, "host"))
