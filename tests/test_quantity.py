"""kubelint_py.k8s.quantity: Kubernetes resource.Quantity parsing (API server rules)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.k8s.quantity import (
    BINARY_SUFFIXES,
    DECIMAL_SUFFIXES,
    QuantityError,
    format_quantity,
    parse_quantity,
    quantity_from_manifest,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", Fraction(0)),
        ("1", Fraction(1)),
        ("0.5", Fraction(1, 2)),
        (".5", Fraction(1, 2)),
        ("5.", Fraction(5)),
        ("+2", Fraction(2)),
        ("-2", Fraction(-2)),
        ("100m", Fraction(1, 10)),
        ("1000m", Fraction(1)),
        ("250u", Fraction(1, 4000)),
        ("3n", Fraction(3, 10**9)),
        ("1k", Fraction(1000)),
        ("1M", Fraction(10**6)),
        ("1G", Fraction(10**9)),
        ("1T", Fraction(10**12)),
        ("1P", Fraction(10**15)),
        ("1E", Fraction(10**18)),
        ("1Ki", Fraction(1024)),
        ("1Mi", Fraction(2**20)),
        ("1.5Gi", Fraction(3 * 2**29)),
        ("1Ti", Fraction(2**40)),
        ("1Pi", Fraction(2**50)),
        ("1Ei", Fraction(2**60)),
        ("1e3", Fraction(1000)),
        ("1E3", Fraction(1000)),
        ("1e+3", Fraction(1000)),
        ("1E-2", Fraction(1, 100)),
        ("12e-1", Fraction(6, 5)),
        ("007", Fraction(7)),
        ("-0", Fraction(0)),
        ("1.G", Fraction(10**9)),  # accepted by the API server (a known TODO there)
        (".", Fraction(0)),  # likewise: ParseQuantity returns 0
        ("0.1n", Fraction(1, 10**9)),  # non-zero values round up to 1n
        ("-0.1n", Fraction(-1, 10**9)),
        ("1e-20", Fraction(1, 10**9)),
        ("16Ei", Fraction(2**63 - 1)),  # binary SI is capped at int64
        ("100E", Fraction(10**20)),  # decimal SI is not
    ],
)
def test_valid(text: str, expected: Fraction) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " 1",
        "1 ",
        "1K",
        "1KB",
        "1kb",
        "1mi",
        "0.1mi",
        "0.1am",
        "aoeu",
        ".5i",
        "1i",
        "-3.01i",
        "-3.01e-",
        "1e",
        "1e+",
        "1.1.M",
        "1+1.0M",
        "1e3.5",
        "1ee3",
        "1Ki5",
        "--1",
        "1_000",
        "١",
        "0x10",
        "1,5",
        "inf",
        "NaN",
    ],
)
def test_invalid(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


def test_manifest_values() -> None:
    assert quantity_from_manifest(2) == 2
    assert quantity_from_manifest(0.5) == Fraction(1, 2)
    assert quantity_from_manifest(1e20) == 10**20
    assert quantity_from_manifest(" 500m\n") == Fraction(1, 2)  # UnmarshalJSON trims
    bad: object
    for bad in (True, None, [], {}, "1K", float("nan"), float("inf")):
        assert quantity_from_manifest(bad) is None


def test_format() -> None:
    assert format_quantity(Fraction(3)) == "3"
    assert format_quantity(Fraction(1, 2)) == "500m"
    assert format_quantity(Fraction(1, 10**9)) == "1e-09"


# -- properties --------------------------------------------------------------------------

_decimal = st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False)
_SI_ORDER = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"]


@given(_decimal)
def test_plain_numbers_round_trip(value: object) -> None:
    text = format(value, "f")
    assert parse_quantity(text) == Fraction(text)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(sorted(DECIMAL_SUFFIXES)))
def test_decimal_suffix_equals_exponent(number: int, suffix: str) -> None:
    exponent = DECIMAL_SUFFIXES[suffix]
    assert (
        parse_quantity(f"{number}{suffix}")
        == parse_quantity(f"{number}e{exponent}")
        == number * Fraction(10) ** exponent
    )


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(_SI_ORDER[1:]))
def test_next_smaller_si_suffix_is_thousand_times(number: int, suffix: str) -> None:
    smaller = _SI_ORDER[_SI_ORDER.index(suffix) - 1]
    assert parse_quantity(f"{number}{suffix}") == parse_quantity(f"{number * 1000}{smaller}")


@given(st.integers(min_value=0, max_value=2**20), st.sampled_from(sorted(BINARY_SUFFIXES)[:-1]))
def test_binary_suffixes_scale_by_1024(number: int, suffix: str) -> None:
    order = sorted(BINARY_SUFFIXES, key=BINARY_SUFFIXES.__getitem__)
    bigger = order[order.index(suffix) + 1] if suffix != order[-1] else None
    if bigger is not None:
        assert parse_quantity(f"{number}{bigger}") == parse_quantity(f"{number * 1024}{suffix}")
    assert parse_quantity(f"{number}{suffix}") == min(number * 2 ** BINARY_SUFFIXES[suffix], 2**63 - 1)


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=0, max_value=6))
def test_leading_zeros_sign_and_point_do_not_change_value(number: int, zeros: int) -> None:
    sign = "-" if number < 0 else ""
    plain = parse_quantity(str(number))
    assert parse_quantity(f"{sign}{'0' * zeros}{abs(number)}") == plain
    assert parse_quantity(f"{sign}{abs(number)}.") == plain
    assert parse_quantity(f"{sign}{abs(number)}.{'0' * zeros}") == plain
    if number >= 0:
        assert parse_quantity(f"+{number}") == plain


@given(_decimal, _decimal)
def test_order_is_numeric_order(a: object, b: object) -> None:
    qa, qb = parse_quantity(f"{a}"), parse_quantity(f"{b}")
    assert (qa < qb) == (Fraction(str(a)) < Fraction(str(b)))


@given(st.fractions(min_value=-(10**6), max_value=10**6))
def test_values_are_multiples_of_a_nano_rounded_away_from_zero(value: Fraction) -> None:
    text = f"{value.numerator / value.denominator:.12f}"
    parsed = parse_quantity(text)
    assert (parsed * 10**9).denominator == 1
    exact = Fraction(text)
    assert abs(parsed) >= abs(exact)
    assert abs(parsed - exact) < Fraction(1, 10**9)


@pytest.mark.slow
@given(st.text(alphabet="0123456789.+-eEikKmMGTPnu x", max_size=8))
def test_never_crashes(text: str) -> None:
    try:
        result = parse_quantity(text)
    except QuantityError:
        return
    assert isinstance(result, Fraction)


def test_equivalent_forms() -> None:
    assert parse_quantity("1Gi") == parse_quantity("1024Mi") == parse_quantity("1048576Ki")
    assert parse_quantity("1000m") == parse_quantity("1") == parse_quantity("1e0") == parse_quantity("0.001k")
    assert parse_quantity("1G") == parse_quantity("1e9") == parse_quantity("1000M")
    assert parse_quantity("1Gi") > parse_quantity("1G")
