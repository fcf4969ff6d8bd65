"""rollout-strategy-recreate (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import serving_services
from kubelint_py.k8s.examples import service, stream, workload
from kubelint_py.k8s.scaling import carries_requests, exclusive_claim
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = stream(workload(spec="strategy: {type: Recreate}\n"), service())


@rule(
    id="rollout-strategy-recreate",
    title="Serving Deployment uses the Recreate strategy",
    document="failed-deployment",
    severity=Severity.WARNING,
    kinds=("Deployment", "apps.openshift.io/DeploymentConfig"),
    category="reliability",
    cross_object=True,
    rationale="""
`strategy.type: Recreate` deletes every old pod before creating any new one. For a
workload behind a Service that is a full outage on every rollout, and on every rollback
too: when the new version is broken there is no old pod left serving while you recover,
and rolling back is another outage. (OpenShift DeploymentConfigs use the same field.)

Recreate is required, and not reported, when the pods mount a claim only one node can mount
(ReadWriteOnce or ReadWriteOncePod, or a claim the input does not define): a RollingUpdate
would start the new pod before the old one releases the volume, and on another node it waits
for the attachment forever while the old pod keeps running, so the rollout deadlocks. Nor is it
reported when no Service sends request traffic: Services whose ports are all named for metrics
or webhooks, and APIService or webhook backends (a singleton controller's metrics endpoint
being down for a restart is no outage).
""",
    remediation=(
        "Use `strategy.type: RollingUpdate` "
        "(keep Recreate only for workloads that cannot run two versions, and say so)."
    ),
    examples=(_FAIL, _FAIL.replace("{type: Recreate}", "{type: RollingUpdate}")),
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy",),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "strategy", "type") != "Recreate":
        return
    services = [svc for svc in serving_services(ctx.lint, doc) if carries_requests(svc, ctx.lint)]
    if services and exclusive_claim(doc, ctx.lint) is None:
        yield Violation(
            f'strategy.type is Recreate while Service "{services[0].name}" sends traffic to it: every rollout '
            "and rollback is a full outage",
            ("spec", "strategy", "type"),
            related=tuple((svc, ("spec", "selector"), "Service selecting the workload") for svc in services[:3]),
        )
