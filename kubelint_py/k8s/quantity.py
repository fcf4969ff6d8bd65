"""Kubernetes `resource.Quantity` parsing with the API server's exact rules.

The grammar and its quirks follow k8s.io/apimachinery/pkg/api/resource (ParseQuantity):

    <quantity>     ::= <sign>? <number> <suffix>
    <number>       ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
    <suffix>       ::= "" | n | u | m | k | M | G | T | P | E          (decimal SI)
                     | Ki | Mi | Gi | Ti | Pi | Ei                     (binary SI)
                     | e<sign>?<digits> | E<sign>?<digits>             (decimal exponent)

Quirks kept on purpose because the API server has them: `.`, `-`, `+` and `1.G` are
accepted (as 0, 0, 0 and 1G); `K` is not a suffix (only `k`); `e` alone is not a suffix
but `E` alone is exa; no whitespace inside the string. Non-zero values are rounded up (away
from zero) to a multiple of 1n, as the API server does, and binary-SI values are capped
at 2^63-1 in magnitude. The exponent of the decimal-exponent form is truncated to int32,
as in Go.

Values arriving from a manifest (`quantity_from_manifest`) go through the API server's JSON
decoding first: strings are trimmed of surrounding whitespace, YAML integers and floats
are accepted as the number they print as.

Parsing is total and linear in the text's length: any string gives a value or QuantityError,
never another exception (a 5,000-digit quantity passes Python's int/str conversion limit). The
API server computes even absurd values exactly; here a magnitude of 10^100 or more is out of
range (QuantityError), so every value, and every message about it, stays small.
"""

from __future__ import annotations

import math
from decimal import MAX_EMAX, MIN_EMIN, ROUND_CEILING, Context, Decimal
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "BINARY_SUFFIXES",
    "DECIMAL_SUFFIXES",
    "NANO",
    "QuantityError",
    "format_quantity",
    "parse_quantity",
    "quantity_from_manifest",
]

NANO = Fraction(1, 10**9)
DECIMAL_SUFFIXES: dict[str, int] = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
BINARY_SUFFIXES: dict[str, int] = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DIGITS = "0123456789"
_SUFFIX_CHARS = "eEinumkKMGTP"
_MAX_INT64 = 2**63 - 1
# Magnitudes from 10^_MAX_DIGITS up are out of range (the API server would compute them exactly).
_MAX_DIGITS = 100
_NANO_UNITS = 10**9
# Go's strings.TrimSpace (Unicode White_Space); used by Quantity.UnmarshalJSON.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"
)


class QuantityError(ValueError):
    """The text is not a quantity the API server accepts."""


def _split(text: str) -> tuple[bool, str, str, str]:
    """(positive, numerator digits, denominator digits, suffix) as parseQuantityString does,
    with C-speed scans only."""
    positive = True
    body = text
    if body[:1] in ("+", "-"):
        positive = body[0] == "+"
        body = body[1:]
    body = body.lstrip("0")
    if not body:
        return positive, "0", "", ""
    after = body.lstrip(_DIGITS)
    num = body[: len(body) - len(after)] or "0"
    denom = ""
    if after[:1] == ".":
        fraction = after[1:]
        after = fraction.lstrip(_DIGITS)
        denom = fraction[: len(fraction) - len(after)]
    rest = after.lstrip(_SUFFIX_CHARS)
    if rest[:1] in ("+", "-"):
        rest = rest[1:]
    if rest.lstrip(_DIGITS):
        raise QuantityError(f"quantity {_shown(text)} has an invalid format")
    return positive, num, denom, after


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:37] + "...")


def _go_parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64): optional sign, ASCII digits, int64 range."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not (body.isascii() and body.isdigit()):
        return None
    body = body.lstrip("0")
    if len(body) > 19:  # beyond int64; and int() never sees a huge string
        return None
    value = int(body or "0") * (-1 if text[0] == "-" else 1)
    return value if -(2**63) <= value <= _MAX_INT64 else None


def _nano_units(num: str, denom: str, exponent: int, binary: bool, text: str) -> int:
    """|value| in units of 1n, rounded up as the API server rounds; Decimal arithmetic is exact
    here and linear in the number of digits (no int of more than ~110 digits is made)."""
    mantissa = Decimal(f"{num}.{denom or '0'}")  # the constructor is exact, whatever the length
    if mantissa.is_zero():
        return 0
    context = Context(prec=len(num) + len(denom) + 40, Emax=MAX_EMAX, Emin=MIN_EMIN)
    if binary:
        if mantissa.adjusted() >= 19:  # at least 10^19 > 2^63: capped whatever the suffix
            return _MAX_INT64 * _NANO_UNITS
        units = context.multiply(mantissa, Decimal(2**exponent * _NANO_UNITS))
    else:
        magnitude = mantissa.adjusted() + exponent  # 10^magnitude <= |value| < 10^(magnitude+1)
        if magnitude >= _MAX_DIGITS:
            raise QuantityError(f"quantity {_shown(text)} is out of range (10^{_MAX_DIGITS} or more)")
        if magnitude < -9:
            return 1  # a non-zero value below 1n rounds up to 1n
        units = mantissa.scaleb(exponent + 9, context=context)
    return int(units.to_integral_value(rounding=ROUND_CEILING))


def parse_quantity(text: str) -> Fraction:
    """The exact value of a quantity string, as the API server stores it.

    Raises QuantityError for every string ParseQuantity rejects.
    """
    if not isinstance(text, str):
        raise QuantityError(f"quantity must be a string, not {type(text).__name__}")
    if not text:
        raise QuantityError("quantity is empty")
    positive, num, denom, suffix = _split(text)
    binary = False
    if suffix in DECIMAL_SUFFIXES:
        exponent = DECIMAL_SUFFIXES[suffix]
    elif suffix in BINARY_SUFFIXES:
        exponent, binary = BINARY_SUFFIXES[suffix], True
    elif len(suffix) > 1 and suffix[0] in "eE":
        parsed = _go_parse_int64(suffix[1:])
        if parsed is None:
            raise QuantityError(f"quantity {_shown(text)} has an invalid exponent")
        exponent = (parsed + 2**31) % 2**32 - 2**31  # Go's int32(parsed)
    else:
        raise QuantityError(f"quantity {_shown(text)} has an unknown suffix {_shown(suffix)}")
    units = _nano_units(num, denom, exponent, binary, text)
    if binary and units > _MAX_INT64 * _NANO_UNITS:
        units = _MAX_INT64 * _NANO_UNITS
    magnitude = Fraction(units, _NANO_UNITS)
    return magnitude if positive else -magnitude


def quantity_from_manifest(value: object) -> Fraction | None:
    """A manifest field's quantity as the API server decodes it, or None when invalid.

    Strings are trimmed (Quantity.UnmarshalJSON trims spaces), integers and finite floats
    are taken as the JSON number they serialise to; booleans, null and other types are
    invalid.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Fraction(value) if abs(value) < 10**_MAX_DIGITS else None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip(_GO_SPACE)
    else:
        return None
    if len(text) <= _SHORT:
        return _short_quantity(text)
    return _quantity_or_none(text)


def _quantity_or_none(text: str) -> Fraction | None:
    try:
        return parse_quantity(text)
    except QuantityError:
        return None


# The same few quantities (`128Mi`, `500m`) fill every resources block of a run: a short text
# is parsed once (Decimal and Fraction arithmetic, ~15 us each; a Fraction is immutable).
_SHORT = 32
_short_quantity = lru_cache(maxsize=4096)(_quantity_or_none)


def format_quantity(value: Fraction) -> str:
    """A short human form for messages: integers plain, otherwise millis or a decimal; a sum
    beyond any quantity (10^100 and more) as a power of ten."""
    if abs(value) >= 10**_MAX_DIGITS:
        return _power_of_ten(value)
    if value.denominator == 1:
        return str(value.numerator)
    millis = value * 1000
    if millis.denominator == 1:
        return f"{millis.numerator}m"
    return f"{float(value):g}"


def _power_of_ten(value: Fraction) -> str:
    """`1.5e+4000` without a float or a decimal string of the value (both fail that large)."""
    whole = abs(value.numerator) // value.denominator
    shift = max(whole.bit_length() - 64, 0)
    log10 = math.log10(whole >> shift) + shift * math.log10(2)
    exponent = math.floor(log10)
    sign = "-" if value < 0 else ""
    return f"{sign}{10 ** (log10 - exponent):.3g}e+{exponent}"
