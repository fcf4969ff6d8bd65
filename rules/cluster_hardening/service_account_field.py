"""deprecated-service-account-field (rule-catalog §9.1)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, pod_spec, pod_spec_path, quote, rule

_FAIL = workload(namespace="prod", pod="serviceAccount: web\n", containers=pod_container(image="nginx:1.27"))

_PASS = _FAIL.replace("serviceAccount: web", "serviceAccountName: web")


def _name(value: object) -> str | None:
    """A non-empty account name (an empty string means unset, as the API server reads it)."""
    return value if isinstance(value, str) and value else None


@rule(
    id="deprecated-service-account-field",
    title="Pod spec uses the deprecated serviceAccount field",
    document="cluster-hardening",
    severity=Severity.INFO,
    kind_groups=("workload",),
    default_enabled=False,
    rationale="""
`serviceAccount` is a deprecated alias of `serviceAccountName`. When only the alias is set, the
API server copies it into `serviceAccountName` and it still works, but tools and reviewers that
read `serviceAccountName` (policies, audits, this linter's own `default-service-account-used`
reads both) may see no account at all. When both are set to different names,
`serviceAccountName` wins and the `serviceAccount` value is silently ignored: the pods run with
an identity, and its permissions, other than the one the manifest seems to name. Both set to the
same value, as `kubectl get -o yaml` exports them, passes; an empty value counts as unset.
""",
    remediation="Set `serviceAccountName` only and remove `serviceAccount`.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    spec = pod_spec(doc)
    alias = _name(spec.get("serviceAccount"))
    if alias is None:
        return
    name = _name(spec.get("serviceAccountName"))
    if name is None:
        yield Violation(
            f"sets the deprecated serviceAccount: {quote(alias)} without serviceAccountName (it works only "
            "through the alias)",
            (*spec_path, "serviceAccount"),
        )
    elif name != alias:
        yield Violation(
            f"serviceAccount: {quote(alias)} is ignored: serviceAccountName: {quote(name)} wins and the pods run "
            f"as {quote(name)}",
            (*spec_path, "serviceAccount"),
        )
