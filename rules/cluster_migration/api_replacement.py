"""api-replacement-unavailable (rule-catalog §3, §3.1).

Data: kubelint_py/data/deprecated_apis.json via kubelint_py.k8s.apiversions. Target release:
`targetVersion` (CLI `--target-version`, config `targetVersion`), default the newest release in
the table, at which every recorded replacement is served: the rule only fires for older targets.
"""

from collections.abc import Iterator

from kubelint_py.k8s.apiversions import format_release, lookup, target_release
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("api-replacement-unavailable")
def check_unavailable(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    entry = lookup(doc.api_version, doc.kind)
    if entry is None or entry.replacement is None:  # (most documents: no target release to work out)
        return
    target = target_release(ctx.settings.get("targetVersion"))
    if not entry.replacement_unavailable_at(target):
        return
    assert entry.replacement_available_in is not None
    yield Violation(
        f"apiVersion {entry.api_version} for {entry.kind} is to be replaced by {entry.replacement}, which is only "
        f"served from Kubernetes {format_release(entry.replacement_available_in)} (target {format_release(target)})",
        ("apiVersion",),
    )
