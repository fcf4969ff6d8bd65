"""removed-api-version and deprecated-api-version (rule-catalog §3, §3.1).

The table of deprecated and removed API versions is data (kubelint_py/data/deprecated_apis.json),
queried through kubelint_py.k8s.apiversions. The target release is `targetVersion` (CLI
`--target-version`, config `targetVersion`); absent, it is the newest release in the table.
"""

from collections.abc import Iterator

from kubelint_py.k8s.apiversions import ApiEntry, Release, format_release, lookup, target_release
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


def _entry(doc: Document) -> ApiEntry | None:
    return lookup(doc.api_version, doc.kind)


def _target(ctx: RuleContext) -> Release:
    return target_release(ctx.settings.get("targetVersion"))


def _replacement(entry: ApiEntry) -> str:
    if entry.replacement is None:
        return "there is no replacement API version"
    available = entry.replacement_available_in
    since = f" (served since {format_release(available)})" if available else ""
    return f"use {entry.replacement}{since}"


@rule("removed-api-version")
def check_removed(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    entry = _entry(doc)
    if entry is None:  # (most documents: no target release to work out)
        return
    target = _target(ctx)
    if not entry.is_removed_at(target):
        return
    assert entry.removed_in is not None
    yield Violation(
        f"apiVersion {entry.api_version} for {entry.kind} was removed in Kubernetes {format_release(entry.removed_in)} "
        f"(target {format_release(target)}); {_replacement(entry)}",
        ("apiVersion",),
    )


@rule("deprecated-api-version")
def check_deprecated(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    entry = _entry(doc)
    if entry is None:  # (most documents: no target release to work out)
        return
    target = _target(ctx)
    if not entry.is_deprecated_at(target):
        return
    assert entry.deprecated_in is not None
    removed = entry.removed_in
    removal = f"is removed in {format_release(removed)}" if removed is not None else "has no removal release yet"
    yield Violation(
        f"apiVersion {entry.api_version} for {entry.kind} is deprecated since Kubernetes "
        f"{format_release(entry.deprecated_in)} and {removal} (target {format_release(target)}); "
        f"{_replacement(entry)}",
        ("apiVersion",),
    )
