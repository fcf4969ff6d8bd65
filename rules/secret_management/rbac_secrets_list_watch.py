"""rbac-secrets-list-watch (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Violation, rule

BROAD_VERBS = ("list", "watch", "*")


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@rule("rbac-secrets-list-watch")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.name.startswith("system:"):
        return
    if doc.kind == "ClusterRole" and doc.value("aggregationRule") is not None:
        return
    for i, entry in enumerate(doc.sequence("rules")):
        if not isinstance(entry, Mapping):
            continue
        groups = _strings(entry.get("apiGroups"))
        resources = [r.lower() for r in _strings(entry.get("resources"))]
        if not ("" in groups or "*" in groups) or not ("secrets" in resources or "*" in resources):
            continue
        if _strings(entry.get("resourceNames")):
            continue
        verbs = _strings(entry.get("verbs"))
        broad = [v for v in verbs if v.lower() in BROAD_VERBS]
        if broad:
            what = "every resource, Secrets included" if "secrets" not in resources else "secrets"
            shown = ", ".join(f'"{v}"' for v in broad)
            yield Violation(
                f"rule #{i} grants {shown} on {what}: every Secret value is readable", ("rules", i, "verbs")
            )
