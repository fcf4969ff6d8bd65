"""secret-literal-in-env (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.credentials import NAME_OPTIONS_SCHEMA, name_matcher
from kubelint_py.k8s.examples import secret_consumer
from kubelint_py.k8s.literals import names_password, non_credential_reason, setting_name_reason
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Severity, Violation, containers, rule

_FAIL = secret_consumer(
    body="""\
env:
  - name: DB_PASSWORD
    value: "s3cr3t-Pa55"
"""
)
_PASS = secret_consumer(
    body="""\
env:
  - name: DB_PASSWORD_FILE
    value: /var/run/secrets/db/password
""",
    mode="0400",
)


@rule(
    id="secret-literal-in-env",
    title="Secret written as a literal environment variable",
    document="secret-management",
    sensitive=True,
    severity=Severity.ERROR,
    kind_groups=("workload",),
    rationale="""
A literal `value` on an environment variable whose name says it is a password, token or key puts
the secret in the manifest itself: it is in Git history, in `kubectl get -o yaml` output for
anyone who can read the workload (a much wider group than those who can read Secrets), in the
last-applied annotation, and at runtime in `/proc/<pid>/environ`, crash dumps and every child
process. Rotating it means editing and redeploying the workload.

The name alone does not make a leak: the value must be able to be a credential. Not reported
are values that cannot be one (empty or under three characters, booleans and switch words such
as `no` or `enabled`, durations and quantities, numbers of up to five digits unless the name
names a password or PIN, file paths, URLs without credentials, references resolved at run time:
`$(VAR)`, `${VAR}`, `secret://`, `vault:`, Google Secret Manager names, AWS Secrets Manager/SSM
ARNs, Vault KV paths; and templating placeholders: `<...>`, `{{ ... }}`, `__X__`, `REPLACE_ME`,
`INSERT_...`, `YOUR_..._HERE`), and names that describe a setting around a secret rather than
the secret (`MAX_TOTAL_TOKENS`, `TOKEN_TTL`, `ALLOW_EMPTY_PASSWORD`, `PASSWORD_MIN_LENGTH`,
`DB_SECRET_NAME`, `SECRET_ID` holding a resource name, `SECRET_VERSION`, `*_PASSWORD_FILE`,
`*_KEY_PATH`, `TOKEN_TYPE`) and etcd's `INITIAL_CLUSTER_TOKEN`, a nonce that makes cluster ids
unique (etcd peers authenticate with TLS, not with it). Plausible words are reported:
`changeme`, `password` or `admin` run as the real password when nobody overrides them.
""",
    remediation="Move the value into a Secret or an external secret store and mount it as a file.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod",
    ),
    options_schema={"type": "object", "additionalProperties": False, "properties": dict(NAME_OPTIONS_SCHEMA)},
)
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
