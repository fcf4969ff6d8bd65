"""ingress-nginx-controller-eol (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.workloads import is_deployment_like
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Severity, Violation, containers, quote, rule

EOL_REPOSITORIES = frozenset(
    (
        "registry.k8s.io/ingress-nginx/controller",
        "registry.k8s.io/ingress-nginx/controller-chroot",
        "k8s.gcr.io/ingress-nginx/controller",
        "k8s.gcr.io/ingress-nginx/controller-chroot",
    )
)

_FAIL = workload(
    name="ingress-nginx-controller",
    namespace="ingress-nginx",
    app="ingress-nginx",
    containers=pod_container(name="controller", image="registry.k8s.io/ingress-nginx/controller:v1.12.1"),
)
_PASS = workload(
    name="envoy-gateway",
    namespace="envoy-gateway-system",
    containers=pod_container(name="envoy-gateway", image="docker.io/envoyproxy/gateway:v1.3.0"),
)


def repository(image: str) -> str:
    """The image reference without tag or digest."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


@rule(
    id="ingress-nginx-controller-eol",
    title="Community ingress-nginx controller is end of maintenance",
    document="securing-ingress",
    severity=Severity.INFO,
    kind_groups=("workload",),
    rationale="""
The community ingress-nginx project (`registry.k8s.io/ingress-nginx/controller`, formerly on
`k8s.gcr.io`, including the `-chroot` variant) reached end of maintenance in March 2026: no
further releases, bug fixes or security patches, while the controller keeps reading every
Secret of the cluster and faces the internet. The next vulnerability of the 2025
annotation-injection kind will not be fixed.
""",
    remediation="Plan a move to a maintained controller or to a Gateway API implementation.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/",
        "https://gateway-api.sigs.k8s.io/implementations/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind != "DaemonSet" and not is_deployment_like(doc):
        return
    for container in containers(doc, ContainerScope.ALL):
        image = container.get("image")
        if isinstance(image, str) and repository(image.strip()).lower() in EOL_REPOSITORIES:
            yield Violation(
                f"{container.describe()} runs the end-of-maintenance ingress-nginx controller image {quote(image)}",
                (*container.path, "image"),
            )
