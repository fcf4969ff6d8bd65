"""projected-token-long-expiry (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, pod_spec_path, rule

_FAIL = """\
apiVersion: v1
kind: Pod
metadata: {name: vault-agent, namespace: prod}
spec:
  serviceAccountName: vault-agent
  containers:
    - name: agent
      image: hashicorp/vault:1.15
      volumeMounts:
        - {name: token, mountPath: /var/run/secrets/tokens, readOnly: true}
  volumes:
    - name: token
      projected:
        sources:
          - serviceAccountToken: {path: token, audience: vault, expirationSeconds: 31536000}
"""


@rule(
    id="projected-token-long-expiry",
    title="Projected service-account token lives too long",
    document="secret-management",
    severity=Severity.INFO,
    kind_groups=("workload",),
    rationale="""
A projected service-account token is valid until `expirationSeconds` after issue. The kubelet
refreshes it when 80% of its life has passed, so a short lifetime costs nothing, while a long
one means a token copied out of the pod stays usable for days or a year. The API server may cap
the value (`--service-account-max-token-expiration`), but the manifest should not rely on it.
""",
    remediation="Use short-lived tokens (one hour, `expirationSeconds: 3600`) and rely on kubelet rotation.",
    examples=(_FAIL, _FAIL.replace("expirationSeconds: 31536000", "expirationSeconds: 3600")),
    references=(
        "https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"
        "#launch-a-pod-using-service-account-token-projection",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "maxExpirationSeconds": {
                "type": "integer",
                "minimum": 600,
                "default": 86400,
                "description": "Longest accepted expirationSeconds.",
            }
        },
    },
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    limit = int(ctx.options.get("maxExpirationSeconds", 86400))
    for i, volume in enumerate(doc.sequence(*spec_path, "volumes")):
        projected = volume.get("projected") if isinstance(volume, Mapping) else None
        sources = projected.get("sources") if isinstance(projected, Mapping) else None
        for j, source in enumerate(sources if isinstance(sources, list) else ()):
            token = source.get("serviceAccountToken") if isinstance(source, Mapping) else None
            seconds = token.get("expirationSeconds") if isinstance(token, Mapping) else None
            if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= limit:
                continue
            name = volume.get("name") if isinstance(volume, Mapping) else None
            yield Violation(
                f'projected volume "{name}" requests a service-account token valid for {seconds} seconds '
                f"({seconds / 3600:g} h), more than {limit}",
                (*spec_path, "volumes", i, "projected", "sources", j, "serviceAccountToken", "expirationSeconds"),
            )
