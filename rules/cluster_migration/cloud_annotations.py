"""cloud-specific-annotation (rule-catalog §3)."""

from collections.abc import Iterator, Mapping, Sequence

from kubelint_py.rule_api import Document, RuleContext, Violation, rule

DEFAULT_PREFIXES: Mapping[str, Sequence[str]] = {
    "aws": ("service.beta.kubernetes.io/aws-load-balancer-", "alb.ingress.kubernetes.io/", "eks.amazonaws.com/"),
    "azure": ("service.beta.kubernetes.io/azure-", "azure.workload.identity/"),
    "gcp": ("cloud.google.com/", "networking.gke.io/", "iam.gke.io/"),
}
_ALIASES = {"eks": "aws", "amazon": "aws", "aks": "azure", "gke": "gcp", "google": "gcp"}


def _provider(name: object) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    key = name.strip().lower()
    return _ALIASES.get(key, key)


@rule("cloud-specific-annotation")
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
