"""cloud-specific-annotation (rule-catalog §3)."""

from collections.abc import Iterator, Mapping, Sequence

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

DEFAULT_PREFIXES: Mapping[str, Sequence[str]] = {
    "aws": ("service.beta.kubernetes.io/aws-load-balancer-", "alb.ingress.kubernetes.io/", "eks.amazonaws.com/"),
    "azure": ("service.beta.kubernetes.io/azure-", "azure.workload.identity/"),
    "gcp": ("cloud.google.com/", "networking.gke.io/", "iam.gke.io/"),
}
_ALIASES = {"eks": "aws", "amazon": "aws", "aks": "azure", "gke": "gcp", "google": "gcp"}

_FAIL = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: uploader
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/uploader
"""
_PASS = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: uploader
  namespace: prod
  annotations:
    example.com/owner: team-storage
"""


def _provider(name: object) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    key = name.strip().lower()
    return _ALIASES.get(key, key)


@rule(
    id="cloud-specific-annotation",
    title="Annotation only works on one cloud provider",
    document="cluster-migration",
    severity=Severity.INFO,
    category="portability",
    kinds=("Service", "Ingress", "ServiceAccount", "PersistentVolumeClaim", "StorageClass"),
    rationale="""
Load-balancer, ingress-controller and workload-identity annotations are read only by one
provider's controllers. On another provider they are silently ignored: the load balancer comes
up internet-facing instead of internal, with the wrong health checks or TLS settings, and pods
lose their cloud IAM identity, so their calls to storage or secrets APIs fail with "access
denied". The prefixes are configurable per provider (`prefixes`); with `targetProvider` (or
`--target-provider`) set, only the other providers' annotations are reported.
""",
    remediation="Translate the annotation (load balancer, workload identity) to the target provider's equivalent.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/reference/labels-annotations-taints/",
        "https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html",
        "https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity",
        "https://azure.github.io/azure-workload-identity/docs/",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "prefixes": {
                "type": "object",
                "description": "Annotation key prefixes by provider (replaces the built-in list).",
                "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "default": {k: list(v) for k, v in DEFAULT_PREFIXES.items()},
            },
            "targetProvider": {
                "type": ["string", "null"],
                "description": "Provider the workloads move to (aws, azure, gcp or a key of prefixes); "
                "its own prefixes are not reported.",
                "default": None,
            },
        },
    },
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    prefixes = ctx.options.get("prefixes")
    if not isinstance(prefixes, Mapping):
        prefixes = DEFAULT_PREFIXES
    target = _provider(ctx.options.get("targetProvider")) or _provider(ctx.settings.get("targetProvider"))
    for key in doc.annotations():
        if not isinstance(key, str):
            continue
        for provider, provider_prefixes in prefixes.items():
            if _provider(provider) == target:
                continue
            prefix = next((p for p in provider_prefixes if isinstance(p, str) and key.startswith(p)), None)
            if prefix is not None:
                where = f" (target provider: {target})" if target else ""
                yield Violation(
                    f"annotation {key} is read only by {provider} controllers{where}; translate it for the target",
                    ("metadata", "annotations", key),
                )
                break
