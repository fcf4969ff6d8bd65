"""secret-consumed-as-env (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import secret_consumer
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Severity, Violation, containers, quote, rule

_FAIL = secret_consumer(
    body="""\
env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef: {name: api-db, key: password}
"""
)
_PASS = secret_consumer(
    body="""\
env:
  - {name: DB_PASSWORD_FILE, value: /var/run/secrets/db/password}
""",
    mode="0400",
)


@rule(
    id="secret-consumed-as-env",
    title="Secret delivered through an environment variable",
    document="secret-management",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
A Secret exposed as an environment variable is readable from `/proc/<pid>/environ` by anything
running as the same user, is inherited by every child process, lands in crash dumps and
debug endpoints that print the environment, and never changes while the container runs: a
rotated Secret only reaches the process after a restart. A Secret mounted as a volume is
updated in place by the kubelet (unless `subPath` is used) and can be given tight file modes.
""",
    remediation="Mount the Secret as a volume and have the application read the file.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod",
    ),
)
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
