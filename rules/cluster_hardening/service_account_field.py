"""deprecated-service-account-field (rule-catalog §9.1)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, pod_spec, pod_spec_path, quote, rule


def _name(value: object) -> str | None:
    """A non-empty account name (an empty string means unset, as the API server reads it)."""
    return value if isinstance(value, str) and value else None


@rule("deprecated-service-account-field")
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
