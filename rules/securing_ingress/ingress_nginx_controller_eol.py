"""ingress-nginx-controller-eol (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.workloads import is_deployment_like
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, quote, rule

EOL_REPOSITORIES = frozenset(
    (
        "registry.k8s.io/ingress-nginx/controller",
        "registry.k8s.io/ingress-nginx/controller-chroot",
        "k8s.gcr.io/ingress-nginx/controller",
        "k8s.gcr.io/ingress-nginx/controller-chroot",
    )
)


def repository(image: str) -> str:
    """The image reference without tag or digest."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


@rule("ingress-nginx-controller-eol")
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
