"""Resource quantities from a hostile tree: huge, long or weird, each gives a clean verdict (a
value, or invalid / out of range) in bounded time, never an exception. Python refuses int/str
conversions past 4,300 digits, so a 5,000-digit quantity used to raise in the schema rules."""

from __future__ import annotations

import math
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.k8s.quantity import (
    BINARY_SUFFIXES,
    DECIMAL_SUFFIXES,
    QuantityError,
    format_quantity,
    parse_quantity,
    quantity_from_manifest,
)
from tests.hostile.support import lint_in_process, no_traceback

DIGITS_5000 = "9" * 5000
MAX = Fraction(10**100)
INT64 = 2**63 - 1


def verdict(text: str) -> Fraction | None:
    try:
        value = parse_quantity(text)
    except QuantityError:
        return None
    assert abs(value) < MAX
    assert (value * 10**9).denominator == 1  # a whole number of 1n
    return value


def exact(text: str) -> Fraction | None:
    """The API server's value for `[sign]digits[.digits]suffix`, computed the slow way (Decimal ->
    Fraction needs no int(str)); None when out of range here."""
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    for suffix, power in BINARY_SUFFIXES.items():
        if body.endswith(suffix):
            value = Fraction(Decimal(body[: -len(suffix)] or "0")) * 2**power
            return sign * min(Fraction(math.ceil(value * 10**9), 10**9), Fraction(INT64))
    number, _, exponent = body.partition("e")
    if exponent:
        power = int(exponent)
    else:
        suffix = number.lstrip("0123456789.")
        number, power = number[: len(number) - len(suffix)], DECIMAL_SUFFIXES[suffix]
    value = Fraction(Decimal(number or "0")) * Fraction(10) ** power
    if value >= MAX:
        return None
    return sign * Fraction(math.ceil(value * 10**9), 10**9)


HOSTILE = {
    "5,000 nines": (DIGITS_5000, None),
    "5,000 nines, millis": (DIGITS_5000 + "m", None),
    "5,000 nines, Mi (capped like the API server)": (DIGITS_5000 + "Mi", Fraction(INT64)),
    "negative 5,000 nines Ki": ("-" + DIGITS_5000 + "Ki", -Fraction(INT64)),
    "5,000 leading zeros": ("0" * 5000 + "1", Fraction(1)),
    "5,000 decimal zeros then 1": ("0." + "0" * 5000 + "1", Fraction(1, 10**9)),
    "5,000 decimal nines Ki": ("0." + DIGITS_5000 + "Ki", Fraction(1024)),
    "5,000 decimal digits k": ("1." + "1234567890" * 500 + "k", Fraction(1_123_456_789_013, 10**9)),
    "exponent of 5,000 digits": ("1e" + DIGITS_5000, None),
    "exponent with 5,000 leading zeros": ("1e" + "0" * 5000 + "3", Fraction(1000)),
    "int32-wrapped exponent": ("1e4294967299", Fraction(1000)),
    "int64-min exponent, 0 as int32 (as in Go)": ("1e-9223372036854775808", Fraction(1)),
    "huge negative exponent": ("1e-2147483648", Fraction(1, 10**9)),
    "just under the range": ("9" * 100 + "e-1", Fraction(int("9" * 99) * 10 + 9, 10)),
    "at the range": ("1e100", None),
    "fullwidth digits": ("１２", None),
    "arabic-indic digits": ("١٢", None),
    "sign only": ("-", Fraction(0)),
    "dot only": (".", Fraction(0)),
    "5,000 suffix letters": ("1" + "K" * 5000, None),
    "5,000 signs": ("+" * 5000, None),
    "whitespace inside": ("1 Gi", None),
    "NUL": ("1\x00", None),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_quantities_have_a_clean_verdict(name: str) -> None:
    text, expected = HOSTILE[name]
    assert verdict(text) == expected


def test_five_million_digits_in_well_under_a_second() -> None:
    for text in ("9" * 5_000_000, "0." + "9" * 5_000_000 + "Ei", "1." + "3" * 5_000_000 + "n", "1e" + "1" * 5_000_000):
        start = time.perf_counter()
        verdict(text)
        assert time.perf_counter() - start < 1.0, text[:20]


def test_manifest_values_beyond_the_range_are_invalid_not_errors() -> None:
    assert quantity_from_manifest(10**5000) is None
    assert quantity_from_manifest(-(10**100)) is None
    assert quantity_from_manifest(10**99) == 10**99
    assert quantity_from_manifest(1e300) is None
    assert quantity_from_manifest(" " + DIGITS_5000 + "Gi ") == INT64


def test_format_never_raises_on_any_sum() -> None:
    assert format_quantity(Fraction(10**5000)) == "1e+5000"
    assert format_quantity(Fraction(-3 * 10**400 + 1, 7)) == "-4.29e+399"
    assert format_quantity(Fraction(12)) == "12"
    assert format_quantity(Fraction(1, 2)) == "500m"


_number = st.text(alphabet="0123456789", min_size=1, max_size=6000)
_fraction = st.one_of(st.just(""), _number.map(lambda digits: "." + digits))
_suffix = st.sampled_from(sorted(DECIMAL_SUFFIXES) + sorted(BINARY_SUFFIXES) + ["e3", "e-7", "e40", "e-40", "e99"])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["", "-", "+"]), _number, _fraction, _suffix)
def test_long_quantities_are_exact(sign: str, number: str, fraction: str, suffix: str) -> None:
    text = sign + number + fraction + suffix
    assert verdict(text) == exact(text)


@given(st.text(max_size=300))
def test_any_text_is_a_value_or_invalid(text: str) -> None:
    verdict(text)
    quantity_from_manifest(text)


@given(st.text(alphabet="0123456789.+-eEinumkKMGTP ", max_size=400))
def test_any_quantity_shaped_text_is_a_value_or_invalid(text: str) -> None:
    verdict(text)


def test_quantities_through_the_loader_stay_text() -> None:
    result = LoadResult()
    load_text("q.yaml", f"a: {DIGITS_5000}\nb: '{DIGITS_5000}'\nc: 1e{DIGITS_5000}\n", True, LoadOptions(), result)
    assert not result.problems


HUGE = f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: c
          image: nginx:1.25
          resources:
            requests: {{cpu: "{DIGITS_5000}", memory: "{DIGITS_5000}Mi"}}
            limits: {{cpu: "{DIGITS_5000}m", memory: "0.{DIGITS_5000}Gi"}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {{name: q, namespace: prod}}
spec:
  hard: {{requests.cpu: "{DIGITS_5000}", limits.memory: "1e{DIGITS_5000}", pods: "{DIGITS_5000}"}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: web, namespace: prod}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  minReplicas: 1
  maxReplicas: 3
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: AverageValue, averageValue: "{DIGITS_5000}"}}}}
"""


def test_cli_gives_findings_not_internal_errors(tmp_path: Path) -> None:
    (tmp_path / "huge.yaml").write_text(HUGE)
    start = time.perf_counter()
    run = lint_in_process(["huge.yaml", "--format", "json"], tmp_path)
    assert time.perf_counter() - start < 30
    assert no_traceback(run.out + run.err)
    findings = run.report()["findings"]
    errors = [f for f in findings if f["ruleId"] == "internal-error"]
    assert not errors, errors
    for finding in findings:
        assert DIGITS_5000 not in finding["message"]


HUGE_REPLICAS = f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: prod}}
spec:
  replicas: {"9" * 4000}
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxUnavailable: "25%", maxSurge: "50%"}}}}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: c
        image: nginx:1.25
        resources:
          requests: {{cpu: "1", memory: 1Gi}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {{name: q, namespace: prod}}
spec:
  hard: {{requests.cpu: "2", requests.memory: 2Gi, pods: "3"}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: web, namespace: prod}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  minReplicas: 2
  maxReplicas: {"9" * 4000}
"""


def test_replica_counts_of_thousands_of_digits_are_findings_not_errors(tmp_path: Path) -> None:
    # YAML ints have no size limit: percentages of them and quota sums must not overflow floats
    (tmp_path / "replicas.yaml").write_text(HUGE_REPLICAS)
    run = lint_in_process(["replicas.yaml", "--format", "json", "--fail-on", "never"], tmp_path)
    assert no_traceback(run.out + run.err)
    findings = run.report()["findings"]
    assert not [f for f in findings if f["ruleId"] == "internal-error"], findings
    assert any(f["ruleId"] == "quota-blocks-scale-out" for f in findings)
