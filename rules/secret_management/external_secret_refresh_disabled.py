"""external-secret-refresh-disabled (rule-catalog §6)."""

import re
from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

VERSIONS = frozenset(("external-secrets.io/v1beta1", "external-secrets.io/v1"))
_DURATION = re.compile(r"^(?:[0-9]*\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+$")


def is_zero_duration(value: object) -> bool:
    """Go's time.ParseDuration result is zero (`0`, `0s`, `0h0m`, `0.0s`)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value == 0
    if not isinstance(value, str):
        return False
    text = value.strip()
    if text in ("0", "+0", "-0"):
        return True
    if not _DURATION.match(text.lstrip("+-")):
        return False
    return all(float(n) == 0 for n in re.findall(r"[0-9]*\.?[0-9]+", text))


@rule("external-secret-refresh-disabled")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.api_version not in VERSIONS:
        return
    value = doc.value("spec", "refreshInterval")
    if is_zero_duration(value):
        yield Violation(
            f"spec.refreshInterval is {quote(value)}: the value is synced once and rotations never reach the cluster",
            ("spec", "refreshInterval"),
        )
