"""Validation of a manifest against a compiled schema (kubelint_py/k8s/schema_compile.py), with
Kubernetes' own semantics (kubelint_py/k8s/schemas.py lists them): one walk over the schema tree
and the value together, one issue at the deepest node at fault, messages that name the field,
the value (or only its type at a sensitive place) and what was expected; and did-you-mean
suggestions for unknown fields."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from kubelint_py.k8s.quantity import quantity_from_manifest
from kubelint_py.k8s.schema_compile import Node
from kubelint_py.k8s.sensitive import is_sensitive_path

Path_ = tuple[str | int, ...]

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_ROOT_IDENTITY = (("apiVersion",), ("kind",))
_TYPE_WORDS = {
    "object": "a map",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
}


class Issue(NamedTuple):
    """One problem: `unknown` fields are schema-unknown-field, the rest schema-violation."""

    unknown: bool
    path: Path_
    message: str
    hint: str = ""  # for unknown fields: the did-you-mean suggestion, said after the context
    # the message naming the value's type instead of quoting it, when it quotes the value
    redacted: str | None = None

    def without_value(self) -> Issue:
        """This issue as said of a sensitive place: the value's type, never the value."""
        return self if self.redacted is None else self._replace(message=self.redacted, redacted=None)

    def text(self, context: str = "") -> str:
        """The message, with `context` (e.g. " in Kubernetes v1.31") before the suggestion."""
        return f"{self.message}{context}{self.hint}" if self.unknown else self.message


def validate(node: Node, data: object, kind: str = "") -> list[Issue]:
    """Every problem of `data` (an object of `kind`, by default its own) against `node`. The
    root's `apiVersion` and `kind` are not checked against the schema's enums (the caller chose
    the schema from them). Issues at sensitive places (a Secret's data, a password's value: see
    `kubelint_py.k8s.sensitive`) name the value's type, never the value."""
    out: list[Issue] = []
    _walk(node, data, (), out)
    if not out:
        return out
    if not kind and isinstance(data, Mapping) and isinstance(data.get("kind"), str):
        kind = data["kind"]
    return [
        issue.without_value() if issue.redacted is not None and is_sensitive_path(data, issue.path, kind) else issue
        for issue in out
    ]


_FAST_TYPES: Mapping[type, str] = MappingProxyType(
    {str: "string", int: "integer", bool: "boolean", dict: "object", list: "array"}
)


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if math.isfinite(value) and value == int(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return "unknown"


def _type_ok(types: frozenset[str], value: object, actual: str) -> bool:
    if actual in types:
        return True
    return actual == "integer" and "number" in types


def _value_issue(path: Path_, problem: str, value: object, tail: str = "", redacted_tail: str | None = None) -> Issue:
    """An issue whose message describes `value` (`` `path` problem the string "x"tail``); its
    `redacted` twin names the value's type only, for sensitive places (see `validate`)."""
    shown = f"`{format_path(path)}` {problem} "
    redacted = shown + describe_type(value) + (tail if redacted_tail is None else redacted_tail)
    return Issue(False, path, shown + describe(value) + tail, redacted=redacted)


def describe_type(value: object) -> str:
    """A manifest value by its type only (`a string`, `a number`): what a message says of a
    value that may be secret."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else f"a {type(value).__name__}"


def describe(value: object) -> str:
    """A manifest value in words: `the string "three"`, `the number 3`, `a map`."""
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"the number {_number_text(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return "the string " + json.dumps(shown, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else f"a {type(value).__name__}"


def _number_text(value: float) -> str:
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def _expected(types: frozenset[str]) -> str:
    words = [_TYPE_WORDS.get(t, t) for t in sorted(types)]
    return " or ".join(words)


def format_path(path: Path_) -> str:
    """`spec.template.spec.containers[0].image` (list items by index, as kubectl reports)."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            text = str(step)
            if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$-]*", text):
                parts.append(("." if parts else "") + text)
            else:
                parts.append("[" + json.dumps(text) + "]")
    return "".join(parts) or "(root)"


def _prepare(node: Node) -> frozenset[type]:
    """Fill in the walk shortcuts of `node` and return its `leaf` set.

    `leaf`: the exact Python types of values that can produce no issue under `node` and
    have nothing beneath it to walk (a string under a plain string field, any scalar under
    an open field, null everywhere), so the walker skips them without a call. The loader
    makes plain dict/list/str/int/float/bool/None only; anything else takes the full path.
    `ok_strings`: strings that pass a node with an enum (its values and "", which means unset);
    `int_bounds`: the range that integers pass in an int32/int64 field.
    `direct_object` / `direct_array`: a map (list) value needs no check of its own under
    `node`, only its entries (items) walked.
    """
    types = node.types
    leaf: set[type] = {type(None)}  # null is "not set": `_walk` returns at once

    def allows(*names: str) -> bool:
        return types is None or any(name in types for name in names)

    ranged = node.fmt in _INT_RANGES
    no_combinators = not (node.all_of or node.any_of or node.one_of) and node.not_ is None
    plain = node.special is None and node.enum is None and not node.limits and node.pattern is None and no_combinators
    if node.special == "int-or-string":  # (a special node checks nothing else)
        leaf.update((int, str))
    elif node.special == "quantity":
        leaf.add(int)  # every integer is a quantity (checked as the JSON number it is)
    elif plain:
        if allows("string") and node.fmt != "byte":
            leaf.add(str)
        if allows("boolean"):
            leaf.add(bool)
        if allows("integer", "number") and not ranged:
            leaf.add(int)
        if allows("number") and not ranged:  # a float is an integer or a number
            leaf.add(float)
        if allows("object") and not node.props and node.additional is True and not node.required:
            leaf.add(dict)
        if allows("array") and node.items is None:
            leaf.add(list)
    node.ok_strings = None
    if (
        node.enum is not None
        and node.special is None
        and node.fmt != "byte"
        and not node.limits
        and node.pattern is None
        and no_combinators
        and allows("string")
    ):
        node.ok_strings = frozenset((*(v for v in node.enum if type(v) is str), ""))
    node.int_bounds = (
        _INT_RANGES[node.fmt] if node.fmt is not None and plain and ranged and allows("integer", "number") else None
    )
    node.direct_object = plain and allows("object")
    node.direct_array = plain and allows("array") and node.items is not None
    node.leaf = frozenset(leaf)
    return node.leaf


def _walk(node: Node, value: object, path: Path_, out: list[Issue]) -> None:
    if value is None:
        return
    special = node.special
    if special is not None:
        _check_special(special, value, path, out)
        return
    actual = _FAST_TYPES.get(type(value)) or _json_type(value)
    types = node.types
    if types is not None and actual not in types and not _type_ok(types, value, actual):
        hint = ""
        if "string" in types and actual in ("integer", "number", "boolean"):
            hint = "; quote it"
        out.append(_value_issue(path, f"must be {_expected(types)}, found", value, hint))
        return
    if node.enum is not None and value not in node.enum and value != "" and path not in _ROOT_IDENTITY:
        allowed = ", ".join(str(v) for v in node.enum[:12]) + (", ..." if len(node.enum) > 12 else "")
        suggestion = ""
        if isinstance(value, str):
            close = did_you_mean(value, [v for v in node.enum if isinstance(v, str)])
            suggestion = f" (did you mean {close}?)" if close else ""
        # (the suggestion says what the value is close to: not said of a sensitive one)
        out.append(_value_issue(path, f"must be one of {allowed}; found", value, suggestion, redacted_tail=""))
        return
    if node.fmt is not None and not _check_format(node.fmt, value, path, out):
        return
    if (node.limits or node.pattern is not None) and not _check_limits(node, value, path, out):
        return
    if actual == "object":
        _walk_object(node, value, path, out)  # type: ignore[arg-type]
    elif actual == "array" and node.items is not None:
        _walk_items(node.items, value, path, out)  # type: ignore[arg-type]
    if node.all_of or node.any_of or node.one_of or node.not_ is not None:
        _check_combinators(node, value, path, out)


# `_walk_object` and `_walk_items` run for every map and list of every document: a value that
# its node's `leaf` set accepts is skipped without a call, and a map (list) whose node checks
# nothing of its own goes straight to its entries (items), `_descend`'s test made inline for
# the maps and lists of the loops (190,000 calls fewer on the 10,000-document corpus). Both
# give exactly `_walk`'s issues.


def _descend(node: Node, value: object, kind: type, path: Path_, out: list[Issue]) -> None:
    """Check a value the fast tests in the loops below could not pass, at `path`."""
    if kind is dict and node.direct_object:
        _walk_object(node, value, path, out)  # type: ignore[arg-type]
    elif kind is list and node.direct_array:
        _walk_items(node.items, value, path, out)  # type: ignore[arg-type]
    else:
        _walk(node, value, path, out)


def _walk_items(items: Node, sequence: list[object], path: Path_, out: list[Issue]) -> None:
    """The items of a list at `path` (from `_walk` and `_descend`): `_walk_items_at`."""
    _walk_items_at(items, sequence, _at(path), out)


def _walk_object(node: Node, value: Mapping[Any, object], path: Path_, out: list[Issue]) -> None:
    """The entries of a map at `path` (from `_walk` and `_descend`): `_walk_object_at`."""
    _walk_object_at(node, value, _at(path), out)


# The loops below pass where they are as a chain, `(parent, key)` from the root `()`, made into
# a path (`_path`) only for an issue or a value the loops cannot pass (1,323 on the
# 10,000-document corpus), not as a copy of the parent's path plus a key for each of the
# 196,000 maps and lists walked into: validate() over the corpus 0.142 -> 0.131 s.
_At = tuple[()] | tuple["_At", str | int]


def _at(path: Path_) -> _At:
    at: _At = ()
    for step in path:
        at = (at, step)
    return at


def _path(at: _At) -> Path_:
    steps: list[str | int] = []
    while at:
        at, step = at
        steps.append(step)
    steps.reverse()
    return tuple(steps)


def _walk_items_at(items: Node, sequence: list[object], at: _At, out: list[Issue]) -> None:
    leaf = items.leaf
    if leaf is None:
        leaf = _prepare(items)
    for index, item in enumerate(sequence):
        kind = type(item)
        if kind in leaf:
            continue
        if kind is str:
            if items.ok_strings is not None and item in items.ok_strings:
                continue
        elif kind is dict:
            if items.direct_object:
                _walk_object_at(items, item, (at, index), out)  # type: ignore[arg-type]
                continue
        elif kind is int:
            bounds = items.int_bounds
            if bounds is not None and bounds[0] <= item <= bounds[1]:  # type: ignore[operator]
                continue
        _descend(items, item, kind, (*_path(at), index), out)


def _walk_object_at(node: Node, value: Mapping[Any, object], at: _At, out: list[Issue]) -> None:
    props = node.props
    additional = node.additional
    suggested: set[str] | None = None
    for key, child in value.items():
        # the key itself looked up first: no property's name equals a key of another type (the
        # loader's keys are text, numbers, booleans and null, all hashable), so the type of
        # the key is asked only of the keys that name no property (406,000 entries on the
        # 10,000-document corpus: its validation 0.152 -> 0.143 s)
        sub = props.get(key)
        if sub is None and not isinstance(key, str):
            # YAML allows any scalar key; paths keep ints (positions know them), the rest as text
            name = _key_text(key)
            key = key if isinstance(key, int) else name
            sub = props.get(name)
        if sub is None:
            if additional is True:
                continue
            if additional is False:
                name = key if isinstance(key, str) else _key_text(key)
                where = f" of {node.title}" if node.title else ""
                close = did_you_mean(name, props)
                suggestion = ""
                if close:
                    suggested = {close} if suggested is None else suggested | {close}
                    suggestion = f" (did you mean `{close}`?)"
                path = (*_path(at), key)
                out.append(Issue(True, path, f"`{format_path(path)}` is not a field{where}", suggestion))
                continue
            sub = additional
        leaf = sub.leaf
        if leaf is None:
            leaf = _prepare(sub)
        kind = type(child)
        if kind in leaf:
            continue
        if kind is str:
            if sub.ok_strings is not None and child in sub.ok_strings:
                continue
            if sub.special == "quantity" and _is_quantity(child):
                continue  # (`_check_special`'s verdict: 12,600 resource quantities of the corpus)
        elif kind is dict:
            if sub.direct_object:
                _walk_object_at(sub, child, (at, key), out)  # type: ignore[arg-type]
                continue
        elif kind is list:
            if sub.direct_array:
                _walk_items_at(sub.items, child, (at, key), out)  # type: ignore[arg-type]
                continue
        elif kind is int:
            bounds = sub.int_bounds
            if bounds is not None and bounds[0] <= child <= bounds[1]:  # type: ignore[operator]
                continue
        _descend(sub, child, kind, (*_path(at), key), out)
    for required in node.required:
        # a misspelt required field is one problem, reported once as the unknown field
        if value.get(required) is None and (suggested is None or required not in suggested):
            declared = props.get(required)
            if declared is not None and declared.nullable and required in value:
                continue
            path = _path(at)
            out.append(
                Issue(False, (*path, required), f"`{format_path(path)}` is missing the required field `{required}`")
            )


def _key_text(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _check_special(special: str, value: object, path: Path_, out: list[Issue]) -> None:
    if special == "int-or-string":
        actual = _json_type(value)
        if actual not in ("integer", "string"):
            out.append(_value_issue(path, "must be an integer or a string, found", value))
        return
    kind = type(value)
    valid = _is_quantity(value) if kind is str or kind is float else quantity_from_manifest(value) is not None
    if not valid:
        out.append(_value_issue(path, "must be a quantity such as 500m, 2, 128Mi or 1G, found", value))


@lru_cache(maxsize=4096, typed=True)
def _is_quantity(value: str | float) -> bool:
    """Whether a string or float is a valid quantity: the same few values (`100m`, `128Mi`)
    fill every resources block of a run, so each is parsed once."""
    return quantity_from_manifest(value) is not None


def _check_format(fmt: str, value: object, path: Path_, out: list[Issue]) -> bool:
    if fmt in _INT_RANGES and isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = _INT_RANGES[fmt]
        if not low <= value <= high:
            out.append(_value_issue(path, f"must fit in an {fmt}, found", value))
            return False
    elif fmt == "byte" and isinstance(value, str):
        try:
            # Go's decoder skips line breaks (block scalars), nothing else
            base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
        except (binascii.Error, ValueError):
            # never echo the value: this is typically Secret data
            hint = "; a Secret takes plain text under `stringData`" if len(path) == 2 and path[0] == "data" else ""
            message = f"`{format_path(path)}` is not valid base64 (it holds base64-encoded bytes{hint})"
            out.append(Issue(False, path, message))
            return False
    return True


def _check_limits(node: Node, value: object, path: Path_, out: list[Issue]) -> bool:
    limits = node.limits
    shown = format_path(path)
    problem: str | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in limits and value < limits["minimum"]:
            problem = f"must be at least {_number_text(limits['minimum'])}"
        elif "exclusiveMinimum" in limits and value <= limits["exclusiveMinimum"]:
            problem = f"must be greater than {_number_text(limits['exclusiveMinimum'])}"
        elif "maximum" in limits and value > limits["maximum"]:
            problem = f"must be at most {_number_text(limits['maximum'])}"
        elif "exclusiveMaximum" in limits and value >= limits["exclusiveMaximum"]:
            problem = f"must be less than {_number_text(limits['exclusiveMaximum'])}"
    elif isinstance(value, str):
        if "minLength" in limits and len(value) < limits["minLength"]:
            problem = f"must be at least {_number_text(limits['minLength'])} characters long"
        elif "maxLength" in limits and len(value) > limits["maxLength"]:
            problem = f"must be at most {_number_text(limits['maxLength'])} characters long"
        elif node.pattern is not None and node.pattern.search(value) is False:
            problem = f"must match the pattern {node.pattern.pattern}"
    elif isinstance(value, list):
        if "minItems" in limits and len(value) < limits["minItems"]:
            problem = f"must have at least {_number_text(limits['minItems'])} items"
        elif "maxItems" in limits and len(value) > limits["maxItems"]:
            problem = f"must have at most {_number_text(limits['maxItems'])} items"
    elif isinstance(value, Mapping):
        if "minProperties" in limits and len(value) < limits["minProperties"]:
            problem = f"must have at least {_number_text(limits['minProperties'])} entries"
        elif "maxProperties" in limits and len(value) > limits["maxProperties"]:
            problem = f"must have at most {_number_text(limits['maxProperties'])} entries"
    if problem is None:
        return True
    if isinstance(value, (list, Mapping)):
        out.append(Issue(False, path, f"`{shown}` {problem}, found {len(value)}"))
    else:
        out.append(_value_issue(path, f"{problem}, found", value))
    return False


def _passes(node: Node, value: object) -> bool:
    scratch: list[Issue] = []
    _walk(node, value, (), scratch)
    return not scratch


def _check_combinators(node: Node, value: object, path: Path_, out: list[Issue]) -> None:
    shown = format_path(path)
    for sub in node.all_of:
        if not _passes(sub, value):
            out.append(Issue(False, path, f"`{shown}` does not satisfy every constraint of the schema (allOf)"))
            return
    if node.any_of and not any(_passes(sub, value) for sub in node.any_of):
        out.append(Issue(False, path, f"`{shown}` matches none of the allowed forms (anyOf)"))
        return
    if node.one_of and sum(1 for sub in node.one_of if _passes(sub, value)) != 1:
        out.append(Issue(False, path, f"`{shown}` must match exactly one of the allowed forms (oneOf)"))
        return
    if node.not_ is not None and _passes(node.not_, value):
        out.append(Issue(False, path, f"`{shown}` matches a form the schema forbids (not)"))


# -- suggestions ---------------------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (a transposition costs 1); `limit + 1` when larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


def did_you_mean(name: str, candidates: Sequence[str] | Mapping[str, object] | Iterator[str]) -> str | None:
    """The candidate within edit distance 2 of `name` (case-insensitive match first, then the
    closest; ties go to the alphabetically first). Names of 1–2 characters need distance 1."""
    options = sorted(str(c) for c in candidates)
    lowered = name.lower()
    for option in options:
        if option.lower() == lowered and option != name:
            return option
    limit = 1 if len(name) <= 3 else 2
    best: tuple[int, str] | None = None
    for option in options:
        if option == name:
            continue
        distance = edit_distance(name, option, limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, option)
    return best[1] if best else None
