"""readiness-probe-missing, liveness-equals-readiness, liveness-probe-too-aggressive (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.images import is_injected_container
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, rule


@rule("readiness-probe-missing")
def check_readiness(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_SIDECARS):
        probe = container.data.get("readinessProbe")
        if not (
            probe is not None and (type(probe) is dict or isinstance(probe, Mapping))
        ) and not is_injected_container(doc, container):
            yield Violation(f"{container.describe()} has no readinessProbe", (*container.path, "readinessProbe"))


@rule("liveness-equals-readiness")
def check_equal(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_SIDECARS):
        liveness, readiness = container.data.get("livenessProbe"), container.data.get("readinessProbe")
        if (
            liveness is not None
            and (type(liveness) is dict or isinstance(liveness, Mapping))
            and readiness is not None
            and (type(readiness) is dict or isinstance(readiness, Mapping))
            and liveness == readiness
        ):
            yield Violation(
                f"{container.describe()} livenessProbe is identical to its readinessProbe",
                (*container.path, "livenessProbe"),
            )


def _int(probe: Mapping[str, object], key: str, default: int) -> int:
    value = probe.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


@rule("liveness-probe-too-aggressive")
def check_aggressive(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    budget = int(ctx.options.get("minStartBudgetSeconds", 20))
    for container in containers(doc, ContainerScope.C_SIDECARS):
        probe = container.data.get("livenessProbe")
        if probe is None or container.data.get("startupProbe") is not None:  # (no ABC check for most)
            continue
        if not (type(probe) is dict or isinstance(probe, Mapping)):
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
