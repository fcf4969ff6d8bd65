"""ingress-no-tls (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import ingress
from kubelint_py.k8s.nginx import host_covered
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

_FAIL = ingress()
_PASS = ingress(
    spec="""\
ingressClassName: nginx
tls:
  - hosts: [shop.example.com]
    secretName: shop-tls
"""
)


@rule(
    id="ingress-no-tls",
    title="Ingress serves a host without TLS",
    document="securing-ingress",
    severity=Severity.WARNING,
    kind_groups=("ingress",),
    rationale="""
Without a `tls` entry covering a host, the controller serves that host over plain HTTP (or with
its default, usually self-signed, certificate): credentials, session cookies and personal data
cross the network readable and modifiable by anyone on the path. A wildcard TLS host
`*.example.com` covers exactly one extra left-most label (`a.example.com`, not `example.com`
nor `a.b.example.com`), as in certificate matching. A warning, not an error: TLS is often
terminated in front of the controller (a cloud load balancer with its own certificate), which
the Ingress cannot show.
""",
    remediation="Add a `tls` entry (with a certificate Secret or a cert-manager issuer) for every host.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
        "https://kubernetes.github.io/ingress-nginx/user-guide/tls/",
    ),
)
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
