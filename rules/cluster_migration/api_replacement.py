"""api-replacement-unavailable (rule-catalog §3, §3.1).

Data: kubelint_py/data/deprecated_apis.json via kubelint_py.k8s.apiversions. Target release:
`targetVersion` (CLI `--target-version`, config `targetVersion`), default the newest release in
the table, at which every recorded replacement is served: the rule only fires for older targets.
"""

from collections.abc import Iterator

from kubelint_py.k8s.apiversions import format_release, lookup, target_release
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_UNAVAILABLE_FAIL = """\
# fixture-config: {"targetVersion": "1.18"}
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web, namespace: prod}
spec:
  backend: {serviceName: web, servicePort: 80}
"""


@rule(
    id="api-replacement-unavailable",
    title="Replacement API version is not served yet by the target release",
    document="cluster-migration",
    severity=Severity.INFO,
    category="portability",
    rationale="""
The object uses a deprecated or removed apiVersion whose replacement the target release does
not serve yet: rewriting the manifest to the replacement would make it fail on the target
cluster ("no matches for kind"), so the object cannot be migrated in place. Clusters can only
be upgraded one minor release at a time, so plan the upgrade in steps: first to the release
that serves the replacement, convert the manifests there, then continue. Rows of the table
without a recorded "replacement available in" release never trigger this rule.
""",
    remediation="Upgrade in steps: first to the release that serves the replacement, then convert the manifest.",
    examples=(_UNAVAILABLE_FAIL, _UNAVAILABLE_FAIL.replace('"1.18"', '"1.19"')),
    references=(
        "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
        "https://kubernetes.io/releases/version-skew-policy/",
    ),
)
def check_unavailable(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    entry = lookup(doc.api_version, doc.kind)
    target = target_release(ctx.settings.get("targetVersion"))
    if entry is None or entry.replacement is None or not entry.replacement_unavailable_at(target):
        return
    assert entry.replacement_available_in is not None
    yield Violation(
        f"apiVersion {entry.api_version} for {entry.kind} is to be replaced by {entry.replacement}, which is only "
        f"served from Kubernetes {format_release(entry.replacement_available_in)} (target {format_release(target)})",
        ("apiVersion",),
    )
