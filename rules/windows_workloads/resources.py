"""Memory and Windows Server build matching (rule-catalog §1).

windows-memory-resources-missing, windows-build-mismatch, windows-build-selector-missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.windows import (
    WINDOWS_BUILD_LABEL,
    build_pins,
    describe_build,
    image_build,
    mentions_build_label,
    normalise_build,
    windows_targeted,
)
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)


def _mem(container_data: Mapping[str, object], section: str) -> object:
    resources = container_data.get("resources")
    block = resources.get(section) if isinstance(resources, Mapping) else None
    return block.get("memory") if isinstance(block, Mapping) else None


@rule("windows-memory-resources-missing")
def check_memory(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not windows_targeted(doc):
        return
    for container in containers(doc, ContainerScope.C_I):
        if _mem(container.data, "limits") is not None:
            continue
        has_request = _mem(container.data, "requests") is not None
        what = "a memory request but no memory limit" if has_request else "no memory request and no memory limit"
        yield Violation(f"{container.describe()} sets {what}", (*container.path, "resources", "limits", "memory"))


# -- windows-build-mismatch -------------------------------------------------------------------
@rule("windows-build-mismatch")
def check_build_mismatch(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not windows_targeted(doc):
        return
    spec = pod_spec(doc)
    pins = build_pins(spec)
    if not pins:
        return
    for container in containers(doc, ContainerScope.ALL):
        image = container.data.get("image")
        build = image_build(image)
        if build is None:
            continue
        for pin in pins:
            if normalise_build(pin.build) != build:
                yield Violation(
                    f"{container.describe()} image {quote(image)} is built for Windows {describe_build(build)} but "
                    f"the pod pins {WINDOWS_BUILD_LABEL} to {quote(pin.build)}",
                    (*container.path, "image"),
                )
                break


# -- windows-build-selector-missing -------------------------------------------------------------


def _has_runtime_class(doc: Document, spec_path: FieldPath) -> bool:
    value = doc.value(*spec_path, "runtimeClassName")
    return isinstance(value, str) and bool(value.strip())


@rule("windows-build-selector-missing")
def check_build_selector_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = pod_spec(doc)
    spec_path = pod_spec_path(doc)
    if spec_path is None or not windows_targeted(doc):
        return
    if mentions_build_label(spec) or _has_runtime_class(doc, spec_path):
        return
    for container in containers(doc, ContainerScope.ALL):
        image = container.data.get("image")
        build = image_build(image)
        if build is not None:
            yield Violation(
                f"{container.describe()} image {quote(image)} is built for Windows {describe_build(build)} but the "
                f"pod has no {WINDOWS_BUILD_LABEL} selector and no runtimeClassName",
                (*container.path, "image"),
            )
