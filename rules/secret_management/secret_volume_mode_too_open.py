"""secret-volume-mode-too-open (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.workloads import pod_volumes
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, pod_spec_path, rule


def _mode_problem(mode: object) -> str | None:
    if isinstance(mode, bool) or not isinstance(mode, int):
        return None
    problems = []
    if mode & 0o007:
        problems.append("readable by every user (world bits)")
    if mode & 0o020:
        problems.append("writable by the group")
    if not problems:
        return None
    return f"0{mode & 0o7777:o} (decimal {mode}): the files are " + " and ".join(problems)


@rule("secret-volume-mode-too-open")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    for i, volume in enumerate(pod_volumes(doc)):
        if not (type(volume) is dict or isinstance(volume, Mapping)):  # (exact type first: no ABC isinstance)
            continue
        secret, projected = volume.get("secret"), volume.get("projected")
        if secret is None and projected is None:
            continue  # (most volumes: no words or path to make for them)
        name = volume.get("name")
        label = f'volume "{name}"' if isinstance(name, str) else f"volume #{i}"
        base: FieldPath = (*spec_path, "volumes", i)
        if isinstance(secret, Mapping):
            yield from _modes(f"Secret {label}", secret, (*base, "secret"), defaults=True)
        if not isinstance(projected, Mapping):
            continue
        sources = projected.get("sources")
        secret_sources = [
            (j, s["secret"])
            for j, s in enumerate(sources if isinstance(sources, list) else ())
            if isinstance(s, Mapping) and isinstance(s.get("secret"), Mapping)
        ]
        if not secret_sources:
            continue
        problem = _mode_problem(projected.get("defaultMode"))
        if problem is not None:
            yield Violation(
                f"projected {label} (with a Secret source) sets defaultMode {problem}",
                (*base, "projected", "defaultMode"),
            )
        for j, source in secret_sources:
            yield from _modes(
                f"projected {label}", source, (*base, "projected", "sources", j, "secret"), defaults=False
            )


def _modes(label: str, source: Mapping[str, object], path: FieldPath, *, defaults: bool) -> Iterator[Violation]:
    if defaults:
        problem = _mode_problem(source.get("defaultMode"))
        if problem is not None:
            yield Violation(f"{label} sets defaultMode {problem}", (*path, "defaultMode"))
    items = source.get("items")
    for k, item in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(item, Mapping):
            continue
        problem = _mode_problem(item.get("mode"))
        if problem is not None:
            key = item.get("key")
            yield Violation(f'{label} item "{key}" sets mode {problem}', (*path, "items", k, "mode"))
