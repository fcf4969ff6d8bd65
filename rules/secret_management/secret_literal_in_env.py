"""secret-literal-in-env (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.credentials import NAME_OPTIONS_SCHEMA, is_placeholder, name_matcher
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Severity, Violation, containers, rule

_FAIL = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: prod}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: app
          image: registry.example.com/api:2.4.1
          env:
            - name: DB_PASSWORD
              value: "s3cr3t-Pa55"
"""
_PASS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: prod}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: app
          image: registry.example.com/api:2.4.1
          env:
            - name: DB_PASSWORD_FILE
              value: /var/run/secrets/db/password
          volumeMounts:
            - {name: db, mountPath: /var/run/secrets/db, readOnly: true}
      volumes:
        - name: db
          secret: {secretName: api-db, defaultMode: 0400}
"""


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
            value = entry.get("value")
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) or is_placeholder(value):
                continue
            yield Violation(
                f'{container.describe()} sets the sensitive variable "{entry["name"]}" to a literal value',
                (*container.path, "env", i, "value"),
            )
