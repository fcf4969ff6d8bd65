"""secret-literal-in-env (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.credentials import name_matcher
from kubelint_py.k8s.literals import names_password, non_credential_reason, setting_name_reason
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, rule


@rule("secret-literal-in-env")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    matcher = name_matcher(ctx.options)
    for container in containers(doc, ContainerScope.ALL):
        env = container.get("env")
        if not isinstance(env, list):
            continue
        for i, entry in enumerate(env):
            if not (type(entry) is dict or isinstance(entry, Mapping)) or not matcher.matches(entry.get("name")):
                continue
            if not _could_leak(entry["name"], entry.get("value")):
                continue
            yield Violation(
                f'{container.describe()} sets the sensitive variable "{entry["name"]}" to a literal value',
                (*container.path, "env", i, "value"),
            )


def _could_leak(name: object, value: object) -> bool:
    """The literal `value` of the sensitive variable `name` could be a credential."""
    if value is None or setting_name_reason(name, value) is not None:
        return False
    return non_credential_reason(value, password_name=names_password(name)) is None
