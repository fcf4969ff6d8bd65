"""ingress-no-tls (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.nginx import host_covered
from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule


@rule("ingress-no-tls")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    rules = [(i, r) for i, r in enumerate(doc.sequence("spec", "rules")) if isinstance(r, Mapping)]
    if not rules:
        return
    tls = [t for t in doc.sequence("spec", "tls") if isinstance(t, Mapping)]
    if not tls:
        yield Violation(
            "has routing rules but no spec.tls: every host is served over plain HTTP",
            ("spec", "tls") if doc.has("spec", "tls") else ("spec", "rules"),
        )
        return
    tls_hosts: list[str] = []
    for entry in tls:
        hosts = entry.get("hosts")
        tls_hosts += [h for h in hosts if isinstance(h, str)] if isinstance(hosts, list) else []
    for i, entry in rules:
        host = entry.get("host")
        if isinstance(host, str) and host and not host_covered(host, tls_hosts):
            yield Violation(
                f"host {quote(host)} is not listed in any spec.tls[].hosts entry, so it is served "
                "without its certificate",
                ("spec", "rules", i, "host"),
            )
