"""readiness-probe-missing, liveness-equals-readiness, liveness-probe-too-aggressive (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.images import is_injected_container
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Severity, Violation, containers, rule

_DEPLOYMENT = workload(containers=pod_container())
_READINESS = """\
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
"""
_LIVENESS_SAME = """\
          livenessProbe:
            httpGet: {path: /ready, port: 8080}
"""
_LIVENESS_OWN = """\
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 10
            failureThreshold: 6
"""
_LIVENESS_FAST = """\
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 5
            failureThreshold: 2
"""


@rule(
    id="readiness-probe-missing",
    title="Container has no readiness probe",
    document="failed-deployment",
    severity=Severity.WARNING,
    kind_groups=("long-running",),
    category="reliability",
    rationale="""
Rolling updates only wait for new pods to become Ready. Without a readiness probe a pod is
Ready as soon as its containers start, so a broken version (crashing after start-up, unable
to reach its database, serving 500s) is counted as available, receives traffic, and the
rollout replaces every healthy pod with it instead of stalling on the first one. Istio's
`image: auto` container is skipped: the injector's template gives the proxy its readiness probe.
""",
    remediation="Add a `readinessProbe` that reflects the container's ability to serve.",
    examples=(_DEPLOYMENT, _DEPLOYMENT + _READINESS),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ),
)
def check_readiness(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_SIDECARS):
        if not isinstance(container.data.get("readinessProbe"), Mapping) and not is_injected_container(doc, container):
            yield Violation(f"{container.describe()} has no readinessProbe", (*container.path, "readinessProbe"))


@rule(
    id="liveness-equals-readiness",
    title="Liveness probe is identical to the readiness probe",
    document="failed-deployment",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="reliability",
    rationale="""
Readiness answers "can I take traffic now" and usually checks dependencies; liveness
answers "is this process wedged beyond repair". When both probes are the same check, an
outage of a dependency (database, downstream API) or a slow start of a new version makes
the kubelet restart every pod, turning a partial degradation into CrashLoopBackOff across
the fleet instead of only removing pods from endpoints.
""",
    remediation="Make the liveness probe check process health only; keep dependency checks in readiness.",
    examples=(_DEPLOYMENT + _READINESS + _LIVENESS_SAME, _DEPLOYMENT + _READINESS + _LIVENESS_OWN),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ),
)
def check_equal(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_SIDECARS):
        liveness, readiness = container.data.get("livenessProbe"), container.data.get("readinessProbe")
        if isinstance(liveness, Mapping) and isinstance(readiness, Mapping) and liveness == readiness:
            yield Violation(
                f"{container.describe()} livenessProbe is identical to its readinessProbe",
                (*container.path, "livenessProbe"),
            )


def _int(probe: Mapping[str, object], key: str, default: int) -> int:
    value = probe.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


@rule(
    id="liveness-probe-too-aggressive",
    title="Liveness probe kills slow-starting containers",
    document="failed-deployment",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    category="reliability",
    rationale="""
Without a `startupProbe`, the liveness probe runs from the start: the kubelet restarts the
container after `initialDelaySeconds + failureThreshold × periodSeconds` (defaults 0 + 3 ×
10 s). A new version that starts a little slower (cache warm-up, migrations, a cold JVM)
is killed before it ever becomes ready and ends in CrashLoopBackOff, which turns a harmless
slowdown into a failed rollout. The start budget (default 20 s) is configurable.
""",
    remediation=(
        "Add a `startupProbe` (failureThreshold × periodSeconds covering the slowest start) "
        "or relax the liveness timings."
    ),
    examples=(_DEPLOYMENT + _READINESS + _LIVENESS_FAST, _DEPLOYMENT + _READINESS + _LIVENESS_OWN),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-startup-probes",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {"minStartBudgetSeconds": {"type": "integer", "minimum": 1, "default": 20}},
    },
)
def check_aggressive(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    budget = int(ctx.options.get("minStartBudgetSeconds", 20))
    for container in containers(doc, ContainerScope.C_SIDECARS):
        probe = container.data.get("livenessProbe")
        if not isinstance(probe, Mapping) or container.data.get("startupProbe") is not None:
            continue
        delay = _int(probe, "initialDelaySeconds", 0)
        failures = _int(probe, "failureThreshold", 3)
        period = _int(probe, "periodSeconds", 10)
        total = delay + failures * period
        if total < budget:
            yield Violation(
                f"{container.describe()} has no startupProbe and its livenessProbe restarts it after "
                f"{delay} + {failures} × {period} = {total} s, less than {budget} s",
                (*container.path, "livenessProbe"),
            )
