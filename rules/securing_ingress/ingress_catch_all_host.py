"""ingress-catch-all-host (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import ingress
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

_FAIL = ingress(host=None)
_PASS = ingress()


@rule(
    id="ingress-catch-all-host",
    title="Ingress answers for any host name",
    document="securing-ingress",
    severity=Severity.INFO,
    kind_groups=("ingress",),
    rationale="""
A rule without `host`, a wildcard host or a `defaultBackend` makes the backend answer for any
name (or bare IP) that reaches the controller: scanners hitting the load balancer's IP, DNS
names pointed at it by others, and Host-header attacks all land on the application, which may
build links, password-reset mails or cache keys from an attacker-chosen Host.
""",
    remediation="Use explicit host names; keep the controller's default backend a static 404.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards",
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#default-backend",
    ),
)
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
