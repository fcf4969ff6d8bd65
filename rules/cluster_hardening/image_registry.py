"""image-registry-not-allowed (rule-catalog §9.3), opt-in."""

from collections.abc import Iterable, Iterator

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.images import ImageRef, checked_image, normalized_registry, split_host_port
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Severity, Violation, containers, quote, rule

_FAIL = workload(namespace="prod", containers=pod_container(image="nginx:1.27"))

# With no registry configured nothing is allowed, so the passing example leaves the image to
# kustomize's `images:` transformer; configure `allowedRegistries` to allow yours.
_PASS = """\
# kustomization.yaml sets the image: images: [{name: web, newName: registry.example.com/web}]
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
"""

_OPTION = "rules.options.image-registry-not-allowed.allowedRegistries"


class _Allowed:
    """One `allowedRegistries` entry: `host[:port]`, `host[:port]/path/prefix` or `*.domain`."""

    def __init__(self, entry: str) -> None:
        text = entry.strip()
        if "://" in text:
            text = text.split("://", 1)[1]
        text = text.strip("/")
        self.text = text
        registry, _, prefix = text.partition("/")
        self.wildcard = registry.startswith("*.")
        self.registry = normalized_registry(registry[1:] if self.wildcard else registry)
        self.prefix = prefix

    def allows(self, ref: ImageRef) -> bool:
        registry = normalized_registry(ref.registry)
        if self.wildcard:
            host, _ = split_host_port(registry)
            if not host.endswith(self.registry):
                return False
        elif registry != self.registry:
            return False
        if not self.prefix:
            return True
        repository = ref.canonical_repository
        return repository == self.prefix or repository.startswith(self.prefix + "/")


def _entries(options: object) -> list[_Allowed]:
    values = options if isinstance(options, Iterable) and not isinstance(options, str) else ()
    return [_Allowed(v) for v in values if isinstance(v, str) and v.strip()]


@rule(
    id="image-registry-not-allowed",
    title="Image comes from a registry that is not allowed",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="security",
    default_enabled=False,
    rationale="""
Images pulled from arbitrary registries bypass the scanning, signing and retention an
organisation applies to its own mirror, and a public repository can change or disappear under
a tag at any time. Listing the approved registries makes every other source visible in review.
The registry of a reference is its first path segment when that contains `.` or `:` or is
`localhost`, otherwise Docker Hub (`docker.io`; `index.docker.io` is the same registry). Entries
of `allowedRegistries` are a registry (`registry.example.com`, `localhost:5000`), a registry with
a repository prefix (`ghcr.io/acme`, `docker.io/library`), or a domain wildcard
(`*.dkr.ecr.eu-west-1.amazonaws.com`); names compare case-insensitively. With the rule enabled
and no entry configured, no registry is allowed and every image is reported. All containers are
checked, init, sidecar and ephemeral ones included; placeholders (`<image_url>`, `${IMAGE}`,
`IMAGE`) and Istio's injected `image: auto` name no registry and are not reported.
""",
    remediation="Mirror the image into an approved registry and reference it from there.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        "CIS Kubernetes Benchmark 5.5.1",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "allowedRegistries": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": [],
                "description": "Approved registries: host[:port], host[:port]/repository-prefix, or *.domain.",
            }
        },
    },
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    allowed = _entries(ctx.options.get("allowedRegistries", ()))
    listing = ", ".join(a.text for a in allowed)
    for container in containers(doc, ContainerScope.ALL):
        image = container.data.get("image")
        ref = checked_image(doc, container)
        if ref is None or any(a.allows(ref) for a in allowed):
            continue
        implied = (
            ""
            if isinstance(image, str) and "/" in image and image.split("/", 1)[0] == ref.registry
            else " (Docker Hub, implied)"
        )
        why = f"not allowed (allowed: {listing})" if allowed else f"not allowed: no registry is allowed yet ({_OPTION})"
        yield Violation(
            f'{container.describe()} uses image {quote(image)} from registry "{ref.registry}"{implied}, {why}',
            (*container.path, "image"),
        )
