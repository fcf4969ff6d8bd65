"""How YAML scalars are read, as Kubernetes reads them (go-yaml v2, YAML 1.1 style): `yes`/`on`
are booleans, `0644` is octal, and no tag ever constructs an object. The resolver hands out
shared `Tag` objects, one per kind, so composing costs no allocation per node."""

from __future__ import annotations

import re
from functools import lru_cache

from ruamel.yaml.tag import Tag

from kubelint_py.input.yaml_nodes import MappingNode, ScalarNode

TAG_PREFIX = "tag:yaml.org,2002:"
STR = TAG_PREFIX + "str"
INT = TAG_PREFIX + "int"
FLOAT = TAG_PREFIX + "float"
BOOL = TAG_PREFIX + "bool"
NULL = TAG_PREFIX + "null"
MAP = TAG_PREFIX + "map"
SEQ = TAG_PREFIX + "seq"
MERGE = TAG_PREFIX + "merge"
VALUE = TAG_PREFIX + "value"

BOOL_TRUE = frozenset(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"])
BOOL_FALSE = frozenset(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"])
_NULLS = frozenset(("~", "null", "Null", "NULL", ""))
_INT_RE = re.compile(
    r"""[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|0|[1-9][0-9_]*)\Z
      |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+\Z""",
    re.X,
)
_FLOAT_RE = re.compile(
    r"""[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?\Z
      |[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z""",
    re.X,
)
_MAYBE_SPECIAL = frozenset("0123456789+-.~nNyYtTfFoO<=")


_NUMBER_START = frozenset("0123456789+-.")


def resolve_plain(value: str) -> str:
    """The YAML 1.1 tag of a plain (unquoted, untagged) scalar."""
    if not value:
        return NULL
    first = value[0]
    if first not in _MAYBE_SPECIAL:
        return STR
    if value in BOOL_TRUE or value in BOOL_FALSE:
        return BOOL
    if value in _NULLS:
        return NULL
    if value == "<<":
        return MERGE
    # shortcuts for most of what gets here (184,000 scalars of the benchmark corpus: words
    # such as `name` or `TCP`, and decimal numbers), each equal to `resolved_by_pattern`
    if first not in _NUMBER_START:  # a number starts with a digit, a sign or a dot
        return STR
    if first != "0" and value.isdigit() and value.isascii():
        return INT
    return resolved_by_pattern(value)


def resolved_by_pattern(value: str) -> str:
    """`resolve_plain` of a value that is not empty, a boolean, a null or `<<`: by YAML 1.1's
    patterns of integers and floats."""
    if _INT_RE.match(value):
        return INT
    if _FLOAT_RE.match(value) and (
        any(ch.isdigit() for ch in value) or "inf" in value.lower() or "nan" in value.lower()
    ):
        return FLOAT
    return STR


def to_int(text: str) -> int:
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return int(text)  # most integers (ports, replicas): what the general reading below gives
    body = text.replace("_", "")
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    if ":" in body:
        total = 0
        for part in body.split(":"):
            total = total * 60 + int(part)
        return sign * total
    if body.startswith("0b"):
        return sign * int(body[2:], 2)
    if body.startswith("0x"):
        return sign * int(body[2:], 16)
    if body.startswith("0o"):
        return sign * int(body[2:], 8)
    if len(body) > 1 and body.startswith("0"):
        return sign * int(body, 8)
    return sign * int(body)


def to_float(text: str) -> float:
    low = text.lower().replace("_", "")
    if low.endswith(".inf"):
        return float("-inf") if low.startswith("-") else float("inf")
    if low == ".nan":
        return float("nan")
    return float(low)


# Shared Tag objects: ruamel builds (and lazily decodes) a Tag per node from a string, which
# was half the parse time; nodes resolved by us share these (yaml_nodes.tag_name reads a tag).
TAG_OBJECTS = {name: Tag(suffix=name) for name in (STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, MERGE)}
STR_TAG = TAG_OBJECTS[STR]
MAP_TAG = TAG_OBJECTS[MAP]
SEQ_TAG = TAG_OBJECTS[SEQ]


@lru_cache(maxsize=4096)
def _plain_tag(value: str) -> Tag:
    """`resolve_plain`'s Tag, remembered: the same plain scalars (names, numbers, booleans) come
    back in document after document (1,924 distinct among the 184,000 the 10,000-document
    corpus brings here; compose 0.67 -> 0.64 s of CPU)."""
    return TAG_OBJECTS[resolve_plain(value)]


def resolve(kind: type, value: str | None, implicit: tuple[bool, bool] | bool) -> Tag:
    """The tag of an untagged node (`implicit[0]`: a plain scalar)."""
    if kind is ScalarNode:
        assert value is not None
        if value and value[0] not in _MAYBE_SPECIAL:  # most values: plain text, resolved inline
            return STR_TAG
        # a scalar's `implicit` is (plain, quoted): no isinstance test (203,000 calls of the
        # benchmark corpus's compose come here)
        return _plain_tag(value) if implicit[0] else STR_TAG  # type: ignore[index]
    return MAP_TAG if kind is MappingNode else SEQ_TAG


_KNOWN_TAG_NAMES = frozenset(
    (
        "str",
        "int",
        "float",
        "bool",
        "null",
        "map",
        "seq",
        "merge",
        "value",
        "timestamp",
        "binary",
        "omap",
        "pairs",
        "set",
    )
)
KNOWN_FULL_TAGS = frozenset(TAG_PREFIX + name for name in _KNOWN_TAG_NAMES)
MERGE_TAG = TAG_OBJECTS[MERGE]
