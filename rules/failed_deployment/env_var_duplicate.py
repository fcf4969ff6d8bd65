"""env-var-duplicate (rule-catalog §5).

The API server accepts a repeated `env` name and answers with a warning ("hides previous
definition of X, which may be dropped when using apply", pkg/api/pod/warnings.go); the kubelet
builds the environment in order, so the last entry wins. Like that warning, a later entry whose
literal value extends the earlier one (`PATH=$(PATH):/opt/bin`) is not reported: it reads the
earlier value rather than hiding it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    RuleContext,
    Severity,
    Violation,
    containers,
    quote,
    rule,
)

_FAIL = workload(
    containers=pod_container(
        body="""\
env:
  - {name: LOG_LEVEL, value: info}
  - {name: DB_HOST, value: db.shop.svc}
  - {name: LOG_LEVEL, value: debug}
"""
    )
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
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if not isinstance(entry, Mapping) or not isinstance(name, str) or not name:
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


@rule(
    id="env-var-duplicate",
    title="Environment variable defined twice in one container",
    document="failed-deployment",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="correctness",
    rationale="""
The API server accepts two `env` entries with the same name in one container and only warns:
the kubelet applies them in order, so the last one wins and the earlier value is silently
ignored. The duplicate usually comes from a chart that hard-codes a variable which a values
file sets again, and the value someone edits during an incident may be the one that never
takes effect. `env` is a list merged on `name`, so `kubectl apply` mis-merges the pair
(client-side) or refuses it (server-side), and a later edit can drop one of them. A later
entry that builds on the earlier one (`PATH=$(PATH):/opt/bin`) is not reported, nor is a
name that also comes from `envFrom` (`env` wins by design). All containers are checked,
init, sidecar and ephemeral containers included.
""",
    remediation="Keep one entry per variable name (remove the earlier or the later one, or merge them).",
    examples=(_FAIL, _FAIL.replace("            - {name: LOG_LEVEL, value: debug}\n", "")),
    references=(
        "https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/",
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#environment-variables",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.ALL):
        yield from _duplicates(container)
