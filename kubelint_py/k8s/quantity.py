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
"""

from __future__ import annotations

import math
from fractions import Fraction

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
_DIGITS = frozenset("0123456789")
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_MAX_INT64 = 2**63 - 1
# Decimal exponents beyond this are not computed exactly (they would need gigantic integers).
_MAX_EXPONENT = 100_000
# Go's strings.TrimSpace (Unicode White_Space); used by Quantity.UnmarshalJSON.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"
)


class QuantityError(ValueError):
    """The text is not a quantity the API server accepts."""


def _split(text: str) -> tuple[bool, str, str, str]:
    """(positive, numerator digits, denominator digits, suffix) as parseQuantityString does."""
    pos, end, positive = 0, len(text), True
    if end and text[0] in "+-":
        positive = text[0] == "+"
        pos = 1
    while pos < end and text[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "", ""
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    num = text[start:pos] or "0"
    denom = ""
    if pos < end and text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[start:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise QuantityError(f"quantity {text!r} has an invalid format")
    return positive, num, denom, text[suffix_start:]


def _go_parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64): optional sign, ASCII digits, int64 range."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or any(ch not in _DIGITS for ch in body):
        return None
    value = int(text)
    return value if -(2**63) <= value <= _MAX_INT64 else None


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
            raise QuantityError(f"quantity {text!r} has an invalid exponent")
        exponent = (parsed + 2**31) % 2**32 - 2**31  # Go's int32(parsed)
    else:
        raise QuantityError(f"quantity {text!r} has an unknown suffix {suffix!r}")
    mantissa = Fraction(int(num + denom), 10 ** len(denom))
    if mantissa == 0:
        return Fraction(0)
    if binary:
        magnitude = mantissa * 2**exponent
    elif exponent > _MAX_EXPONENT:
        raise QuantityError(f"quantity {text!r} is too large to evaluate")
    elif exponent < -_MAX_EXPONENT:
        magnitude = NANO  # any non-zero value this small rounds up to 1n
    else:
        magnitude = mantissa * Fraction(10) ** exponent
    magnitude = Fraction(math.ceil(magnitude / NANO)) * NANO
    if binary and magnitude > _MAX_INT64:
        magnitude = Fraction(_MAX_INT64)
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
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip(_GO_SPACE)
    else:
        return None
    try:
        return parse_quantity(text)
    except QuantityError:
        return None


def format_quantity(value: Fraction) -> str:
    """A short human form for messages: integers plain, otherwise millis or a decimal."""
    if value.denominator == 1:
        return str(value.numerator)
    millis = value * 1000
    if millis.denominator == 1:
        return f"{millis.numerator}m"
    return f"{float(value):g}"
