"""env-var-duplicate (rule-catalog §5).

The API server accepts a repeated `env` name and answers with a warning ("hides previous
definition of X, which may be dropped when using apply", pkg/api/pod/warnings.go); the kubelet
builds the environment in order, so the last entry wins. Like that warning, a later entry whose
literal value extends the earlier one (`PATH=$(PATH):/opt/bin`) is not reported: it reads the
earlier value rather than hiding it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    RuleContext,
    Violation,
    containers,
    quote,
    rule,
)


def _extends_previous(entry: Mapping[str, object], name: str) -> bool:
    """`X=$(X)...`: a literal value that reads the earlier definition (not just `$(X)`)."""
    value = entry.get("value")
    reference = f"$({name})"
    return entry.get("valueFrom") is None and isinstance(value, str) and reference in value and value != reference


def _duplicates(container: ContainerRef) -> Iterator[Violation]:
    """One finding per repeated name (findings on the same list item by name are one anyway)."""
    env = container.data.get("env")
    if not isinstance(env, list) or len(env) < 2:
        return
    positions: dict[str, list[int]] = {}
    hiding: dict[str, list[int]] = {}
    for index, entry in enumerate(env):
        if not (type(entry) is dict or isinstance(entry, Mapping)):  # exact type first: no ABC check
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            continue
        if name in positions and not _extends_previous(entry, name):
            hiding.setdefault(name, []).append(index)
        positions.setdefault(name, []).append(index)
    for name, later in hiding.items():
        numbers = ", ".join(f"#{index + 1}" for index in positions[name])
        yield Violation(
            f"{container.describe()} sets env {quote(name)} {len(positions[name])} times (env {numbers}):"
            " the last entry wins and the earlier values are silently ignored; kubectl apply may drop one of them",
            (*container.path, "env", later[0], "name"),
        )


@rule("env-var-duplicate")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.ALL):
        yield from _duplicates(container)
