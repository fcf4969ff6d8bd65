"""mutable-image-tag and image-not-pinned-by-digest (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.k8s.images import checked_image
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, rule


@rule("mutable-image-tag")
def check_mutable(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.ALL):
        image = container.data.get("image")
        ref = checked_image(doc, container)
        if ref is None or ref.digest:
            continue
        if not ref.tag:
            yield Violation(
                f'{container.describe()} image "{image}" has neither tag nor digest (it means :latest)',
                (*container.path, "image"),
            )
        elif ref.tag == "latest":
            yield Violation(
                f'{container.describe()} image "{image}" uses the mutable tag :latest', (*container.path, "image")
            )


@rule("image-not-pinned-by-digest")
def check_digest(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.ALL):
        image = container.data.get("image")
        ref = checked_image(doc, container)
        if ref is not None and ref.tag and not ref.digest:
            yield Violation(
                f'{container.describe()} image "{image}" is pinned by tag only, not by @sha256: digest',
                (*container.path, "image"),
            )
