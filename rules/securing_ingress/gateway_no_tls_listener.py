"""gateway-no-tls-listener (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

VERSIONS = frozenset(("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"))

_FAIL = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: gateway}
spec:
  gatewayClassName: eg
  listeners:
    - {name: http, protocol: HTTP, port: 80}
"""
_PASS = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: gateway}
spec:
  gatewayClassName: eg
  listeners:
    - {name: http, protocol: HTTP, port: 80}
    - name: https
      protocol: HTTPS
      port: 443
      tls:
        mode: Terminate
        certificateRefs: [{name: public-tls}]
"""


@rule(
    id="gateway-no-tls-listener",
    title="Gateway serves HTTP only",
    document="securing-ingress",
    severity=Severity.WARNING,
    kinds=("Gateway",),
    rationale="""
A Gateway whose only web listeners are `protocol: HTTP` serves every attached route in clear
text: there is no HTTPS listener to redirect to, so credentials and cookies cross the network
readable by anyone on the path. A Gateway with at least one `HTTPS` or `TLS` listener is not
reported (the HTTP listener can then redirect).
""",
    remediation="Add an HTTPS listener with `certificateRefs` and redirect HTTP to it (RequestRedirect filter).",
    examples=(_FAIL, _PASS),
    references=(
        "https://gateway-api.sigs.k8s.io/guides/tls/",
        "https://gateway-api.sigs.k8s.io/guides/http-redirect-rewrite/",
    ),
)
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
