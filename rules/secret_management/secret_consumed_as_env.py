"""secret-consumed-as-env (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, quote, rule


@rule("secret-consumed-as-env")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.ALL):
        env = container.get("env")
        for i, entry in enumerate(env if isinstance(env, list) else ()):
            # exact type checks first: the loader's plain dicts, and the usual absent None,
            # without an ABC isinstance check (ten times dearer) for every env entry
            if not (type(entry) is dict or isinstance(entry, Mapping)):
                continue
            value_from = entry.get("valueFrom")
            if value_from is None or not (type(value_from) is dict or isinstance(value_from, Mapping)):
                continue
            ref = value_from.get("secretKeyRef")
            if ref is not None and (type(ref) is dict or isinstance(ref, Mapping)):
                yield Violation(
                    f"{container.describe()} reads Secret {quote(ref.get('name'))} key {quote(ref.get('key'))} "
                    f"into the environment variable {quote(entry.get('name'))}",
                    (*container.path, "env", i, "valueFrom", "secretKeyRef"),
                )
        env_from = container.get("envFrom")
        for i, entry in enumerate(env_from if isinstance(env_from, list) else ()):
            ref = entry.get("secretRef") if type(entry) is dict or isinstance(entry, Mapping) else None
            if ref is not None and (type(ref) is dict or isinstance(ref, Mapping)):
                yield Violation(
                    f"{container.describe()} loads every key of Secret {quote(ref.get('name'))} "
                    "as environment variables (envFrom)",
                    (*container.path, "envFrom", i, "secretRef"),
                )
