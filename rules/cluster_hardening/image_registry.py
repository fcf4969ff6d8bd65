"""image-registry-not-allowed (rule-catalog §9.3), opt-in."""

from collections.abc import Iterable, Iterator

from kubelint_py.k8s.images import ImageRef, checked_image, normalized_registry, split_host_port
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, quote, rule

# With no registry configured nothing is allowed, so the passing example leaves the image to
# kustomize's `images:` transformer; configure `allowedRegistries` to allow yours.

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


@rule("image-registry-not-allowed")
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
