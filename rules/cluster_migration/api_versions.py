"""removed-api-version and deprecated-api-version (rule-catalog §3, §3.1).

The table of deprecated and removed API versions is data (kubelint_py/data/deprecated_apis.json),
queried through kubelint_py.k8s.apiversions. The target release is `targetVersion` (CLI
`--target-version`, config `targetVersion`); absent, it is the newest release in the table.
"""

from collections.abc import Iterator

from kubelint_py.k8s.apiversions import ApiEntry, Release, format_release, lookup, target_release
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_DOCUMENT = "cluster-migration"
_REFS = (
    "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
    "https://kubernetes.io/docs/reference/using-api/deprecation-policy/",
    "https://github.com/FairwindsOps/pluto",
)


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


_REMOVED_FAIL = """\
# fixture-config: {"targetVersion": "1.25"}
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web, namespace: prod}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
"""


@rule(
    id="removed-api-version",
    title="Object uses an API version the target release no longer serves",
    document=_DOCUMENT,
    severity=Severity.ERROR,
    category="portability",
    rationale="""
The API server of the target release does not serve this apiVersion any more: `kubectl apply`
fails with "no matches for kind ... in version ...", a Helm upgrade aborts half-way and GitOps
controllers stop syncing the whole application. Objects already stored are converted by the
API server, but the manifest in the repository can no longer be applied, so the next deploy or
disaster-recovery restore into the new cluster breaks. The release that removed it comes from
the versioned table kubelint_py/data/deprecated_apis.json (Pluto's data), compared with
`--target-version` (default: the newest release in that table).
""",
    remediation="Change `apiVersion` to the replacement and convert the fields whose schema changed with it.",
    examples=(_REMOVED_FAIL, _REMOVED_FAIL.replace("policy/v1beta1", "policy/v1")),
    references=_REFS,
)
def check_removed(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    entry = _entry(doc)
    target = _target(ctx)
    if entry is None or not entry.is_removed_at(target):
        return
    assert entry.removed_in is not None
    yield Violation(
        f"apiVersion {entry.api_version} for {entry.kind} was removed in Kubernetes {format_release(entry.removed_in)} "
        f"(target {format_release(target)}); {_replacement(entry)}",
        ("apiVersion",),
    )


_DEPRECATED_FAIL = """\
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttributesClass
metadata: {name: gold}
driverName: pd.csi.storage.gke.io
parameters: {iops: "3000"}
"""


@rule(
    id="deprecated-api-version",
    title="Object uses an API version deprecated in the target release",
    document=_DOCUMENT,
    severity=Severity.WARNING,
    category="portability",
    rationale="""
The target release still serves this apiVersion but has deprecated it: the API server answers
every request with a deprecation warning and a later release removes it, at which point
applying the manifest fails. Moving to the replacement now, while both versions are served,
lets you migrate without downtime; after the removal you are forced to do it during an
upgrade. An entry deprecated and removed in the same release is reported as removed, not
deprecated.
""",
    remediation="Move to the replacement apiVersion before the release that removes this one.",
    examples=(_DEPRECATED_FAIL, _DEPRECATED_FAIL.replace("storage.k8s.io/v1beta1", "storage.k8s.io/v1")),
    references=_REFS,
)
def check_deprecated(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    entry = _entry(doc)
    target = _target(ctx)
    if entry is None or not entry.is_deprecated_at(target):
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
