"""JSON Schemas of custom rules from the scanned tree, checked at load and validated with bounds.

A custom rule's schema comes from the tree, which may be hostile (docs/security.md, point 2),
and jsonschema assumes a trusted schema: a `$ref` can name any URI, a self-reference recurses
until Python's stack runs out, `uniqueItems` compares every pair of items, `enum` compares the
value with every member, and every failing keyword quotes the whole value in its message.
Here:

- at load (`check_rule_schema`): the schema is nested at most MAX_SCHEMA_NESTING levels and
  valid; every `$ref` and `$dynamicRef` is a fragment (`#...`) that resolves inside the rule's
  own schema; `unevaluatedProperties` and `unevaluatedItems` (whose evaluation walks the schema
  outside any keyword, unbounded) are refused; regular expressions compile. Nothing is ever
  retrieved (an empty registry). `check_options_schema` refuses in `options-schema` what plain
  jsonschema cannot bound (references, regular expressions, `uniqueItems`);
- while validating one value (`BoundedValidator`): every keyword call is charged to a budget of
  MAX_STEPS units (one per call, plus what it loops over: the schema's list or mapping, the
  value's items or keys, the size of a value a failing keyword quotes), keywords nest at most
  MAX_DEPTH deep, `enum`, `const` and `uniqueItems` compare canonical forms in linear time, and
  regular expressions run through `regex` with a time limit, at most REGEX_SECONDS_PER_VALUE
  in all. Past a bound, validation stops with `OverBudget`, which the rule reports at the
  value it was checking; after MAX_VALUES_OVER_BUDGET such values the rule stops trying.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from time import perf_counter
from typing import Any

MAX_STEPS = 400_000
MAX_DEPTH = 128
MAX_SCHEMA_NESTING = 64
REGEX_SECONDS = 0.5  # one search
REGEX_SECONDS_PER_VALUE = 1.0  # all searches while validating one value
MAX_VALUES_OVER_BUDGET = 5  # per rule and process; later values are not tried
REFUSED_KEYWORDS = ("unevaluatedProperties", "unevaluatedItems")
REFERENCES = ("$ref", "$dynamicRef")
OPTIONS_REFUSED = (*REFERENCES, *REFUSED_KEYWORDS, "pattern", "patternProperties", "uniqueItems")
# keywords whose implementation loops over their list or mapping (entries are charged one by
# one; what they apply is charged when it runs) ...
_APPLICATORS = frozenset(("properties", "allOf", "anyOf", "oneOf", "prefixItems", "dependentSchemas"))
# ... over their value's items or keys
_INSTANCE_LOOPS = frozenset(
    ("items", "prefixItems", "contains", "additionalProperties", "patternProperties", "propertyNames")
)
# ... over the data they hold
_DATA_LOOPS = frozenset(("required", "dependentRequired", "type"))
_PRECOMPUTED = frozenset(("enum", "const"))  # compared by canonical form
_DESCENT = 10  # units per subschema applied: jsonschema builds a validator for each (~20 µs)


class SchemaProblem(Exception):
    """A schema that custom rules may not use; the message says why."""


class OverBudget(Exception):
    """Validation of one value went past a bound; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- at load --------------------------------------------------------------------------------


def _nesting(node: object) -> int:
    """How deeply lists and mappings nest in `node` (iterative: the schema is not trusted)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_SCHEMA_NESTING:
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _check_valid(schema: Any) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    if _nesting(schema) > MAX_SCHEMA_NESTING:
        raise SchemaProblem(f"the schema nests deeper than {MAX_SCHEMA_NESTING} levels")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise SchemaProblem(f"invalid schema: {_clip(exc.message)}") from None
    except RecursionError:
        raise SchemaProblem("the schema nests too deeply") from None


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[:limit]}..."


def _subschemas(schema: object) -> Iterator[tuple[Mapping[str, Any], Any]]:
    """Every schema object in `schema` (a valid schema) with the resolver its `$ref`s are
    resolved with (nested `$id`s change the base), as jsonschema walks them."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    root = DRAFT202012.create_resource(schema)
    pending = [(root, Registry().resolver_with_root(root))]  # type: ignore[var-annotated]
    while pending:
        resource, resolver = pending.pop()
        if isinstance(resource.contents, Mapping):
            yield resource.contents, resolver
        for sub in resource.subresources():
            pending.append((sub, resolver.in_subresource(sub)))


_UNBOUNDED = "{} is not supported in custom rules (its cost cannot be bounded); use additionalProperties or items"
_OPTIONS_UNBOUNDED = (
    "options-schema: {} is not supported in custom rules (options are validated without the bounds of rule schemas)"
)


def check_rule_schema(schema: object) -> None:
    """Refuse (SchemaProblem) a rule's schema that is invalid or does what a schema from the
    tree may not (see the module doc)."""
    _check_valid(schema)
    for contents, resolver in _subschemas(schema):
        _refuse(contents, REFUSED_KEYWORDS, _UNBOUNDED)
        for keyword in REFERENCES:
            if keyword in contents:
                _check_reference(keyword, contents[keyword], resolver)
        _check_patterns(contents)


def _check_reference(keyword: str, ref: object, resolver: Any) -> None:
    from referencing.exceptions import Unresolvable

    if not isinstance(ref, str) or not ref.startswith("#"):
        raise SchemaProblem(
            f"{keyword} {_clip(repr(ref))} points outside the rule; kubelint never fetches schemas "
            "(it runs offline): inline the schema or use a local #/$defs reference"
        )
    try:
        resolver.lookup(ref)
    except Unresolvable:
        raise SchemaProblem(f"{keyword} {_clip(repr(ref))} does not resolve inside the rule's schema") from None


def check_options_schema(schema: object) -> None:
    """A custom rule's `options-schema`: options are validated with plain jsonschema (and
    declarative rules never read them), so it may use none of OPTIONS_REFUSED."""
    _check_valid(schema)
    for contents, _resolver in _subschemas(schema):
        _refuse(contents, OPTIONS_REFUSED, _OPTIONS_UNBOUNDED)


def _refuse(contents: Mapping[str, Any], keywords: Iterable[str], message: str) -> None:
    """SchemaProblem(`message` naming the keyword) for the first of `keywords` in `contents`."""
    for keyword in keywords:
        if keyword in contents:
            raise SchemaProblem(message.format(keyword))


def _check_patterns(schema: Mapping[str, Any]) -> None:
    """`pattern` and `patternProperties` compile (with `regex`, as they run), so a typo is an
    error at load rather than an internal error on every value."""
    import regex

    found = schema.get("pattern")
    patterns = [found] if isinstance(found, str) else []
    properties = schema.get("patternProperties")
    if isinstance(properties, Mapping):
        patterns += [key for key in properties if isinstance(key, str)]
    for pattern in patterns:
        try:
            regex.compile(pattern)
        except (regex.error, ValueError, OverflowError):
            raise SchemaProblem(f"pattern {pattern[:80]!r} is not a valid regular expression") from None


# -- sizes and canonical forms, without recursion ------------------------------------------


_SCALARS = (str, int, float, bool, type(None))


def _values(node: object) -> Iterable[object] | None:
    """The values under a mapping or list, None for anything else (exact types first: this
    runs once per node of the value)."""
    kind = type(node)
    if kind is dict:
        return node.values()  # type: ignore[attr-defined,no-any-return]
    if kind is list:
        return node  # type: ignore[return-value]
    if kind in _SCALARS:
        return None
    if isinstance(node, Mapping):
        return node.values()
    if isinstance(node, (list, tuple)):
        return node
    return None


def _containers_children_first(node: object, done: Mapping[int, object]) -> list[object]:
    """The mappings and lists under `node` (itself included) not in `done`, each after
    everything under it. Iterative (values can nest 1,000 deep), and a cycle is cut."""
    out: list[object] = []
    entered: set[int] = set()
    stack: list[tuple[object, bool]] = [(node, False)]
    while stack:
        item, ready = stack.pop()
        if ready:
            out.append(item)
            continue
        key = id(item)
        if key in done or key in entered:
            continue
        entered.add(key)
        stack.append((item, True))
        for value in _values(item) or ():
            if type(value) not in _SCALARS:
                stack.append((value, False))
    return out


def _scalar_size(value: object) -> int:
    return 1 + len(value) // 16 if type(value) is str else 1  # type: ignore[arg-type]


def size_of(node: object, memo: dict[int, int]) -> int:
    """Units to charge for `node`: one per mapping, list, key and scalar, one more per 16
    characters of a string (what repr() of it costs, roughly). Memoised by id in `memo`,
    which must not outlive the objects."""
    if _values(node) is None:
        return _scalar_size(node)
    for item in _containers_children_first(node, memo):
        total = 1
        if isinstance(item, Mapping):
            total += sum(_scalar_size(key) for key in item)
        for value in _values(item) or ():
            total += _scalar_size(value) if type(value) in _SCALARS else memo.get(id(value), 1)
        memo[id(item)] = total
    return memo[id(node)]


_TRUE, _FALSE = ("bool", True), ("bool", False)


def _scalar_form(value: object) -> Hashable:
    """jsonschema's equality: booleans equal only booleans, 1 == 1.0, strings equal only strings."""
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, (int, float)) or value is None:
        return ("num", value)
    try:
        hash(value)
    except TypeError:
        return ("object", id(value))
    return ("other", value)


def canonical(node: object, memo: dict[int, Hashable]) -> Hashable:
    """A hashable form of `node` such that two values are equal by jsonschema's rules
    (`jsonschema._utils.equal`) exactly when their forms are equal. Memoised by id."""
    if _values(node) is None:
        return _scalar_form(node)

    def form(value: object) -> Hashable:
        if type(value) in _SCALARS:
            return _scalar_form(value)
        return memo.get(id(value)) or ("cycle", id(value))

    for item in _containers_children_first(node, memo):
        if isinstance(item, Mapping):
            memo[id(item)] = ("map", frozenset((key, form(value)) for key, value in item.items()))
        else:
            memo[id(item)] = ("list", tuple(form(value) for value in item))  # type: ignore[attr-defined]
    return memo[id(node)]


# -- validation ------------------------------------------------------------------------------


class _Budget:
    """The work of validating one value: reset before, caches dropped after."""

    __slots__ = (
        "depth",
        "instance_forms",
        "instance_sizes",
        "regex_seconds",
        "schema_forms",
        "schema_forms_sets",
        "schema_sizes",
        "steps",
    )

    def __init__(self) -> None:
        self.steps = 0
        self.depth = 0
        self.regex_seconds = 0.0
        self.instance_sizes: dict[int, int] = {}
        self.instance_forms: dict[int, Hashable] = {}
        self.schema_sizes: dict[int, int] = {}  # the schema lives as long as the validator
        self.schema_forms: dict[int, Hashable] = {}
        self.schema_forms_sets: dict[int, frozenset[Hashable]] = {}

    def reset(self) -> None:
        self.steps = 0
        self.depth = 0
        self.regex_seconds = 0.0

    def forget_instances(self) -> None:
        self.instance_sizes.clear()
        self.instance_forms.clear()

    def charge(self, units: int) -> None:
        self.steps += units
        if self.steps > MAX_STEPS:
            raise OverBudget(f"validating this value took more than {MAX_STEPS:,} steps")

    def instance_size(self, instance: object) -> int:
        if isinstance(instance, (Mapping, list, tuple, str)):
            return size_of(instance, self.instance_sizes)
        return 1

    def schema_size(self, value: object) -> int:
        if isinstance(value, (Mapping, list, tuple, str)):
            return size_of(value, self.schema_sizes)
        return 1

    def keyword_cost(self, keyword: str, value: object, instance: object) -> int:
        """Units for one call; calibrated so that MAX_STEPS take about a second at worst (a
        descent into a subschema costs some microseconds, a canonical form or a size about
        one per node)."""
        if keyword in REFERENCES:
            return _DESCENT
        cost = 1
        if keyword in _PRECOMPUTED:
            cost += 2 * self.instance_size(instance)  # its size, then its canonical form
        elif keyword in _APPLICATORS:
            cost += _DESCENT * len(value) if isinstance(value, (Mapping, list)) else 0
        elif keyword in _DATA_LOOPS:
            cost += self.schema_size(value)
        if keyword in _INSTANCE_LOOPS and isinstance(instance, (Mapping, list)):
            cost += _DESCENT * len(instance)
        return cost

    def search_seconds(self) -> float:
        left = REGEX_SECONDS_PER_VALUE - self.regex_seconds
        if left <= 0:
            raise OverBudget(f"its regular expressions took more than {REGEX_SECONDS_PER_VALUE} s on this value")
        return min(REGEX_SECONDS, left)


Keyword = Callable[[Any, Any, Any, Any], Any]


def _counted(keyword: str, function: Keyword, budget: _Budget, *, quotes: bool) -> Keyword:
    """`function` charged to `budget`, nesting counted; `quotes`: its error messages quote the
    value and the keyword's argument (jsonschema's do; ours do not)."""

    def counted(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
        budget.charge(budget.keyword_cost(keyword, value, instance))
        budget.depth += 1
        try:
            if budget.depth > MAX_DEPTH:
                raise OverBudget(f"its schema nested more than {MAX_DEPTH} levels deep on this value")
            for error in function(validator, value, instance, schema) or ():
                if quotes and not isinstance(error.validator, str):  # made here, not by a subschema
                    budget.charge(budget.instance_size(instance) + budget.schema_size(value))
                yield error
        finally:
            budget.depth -= 1

    return counted


def _keywords(budget: _Budget) -> dict[str, Keyword]:
    """Replacements for the keywords whose jsonschema implementation is not linear or runs
    Python's `re` (which cannot be interrupted)."""
    import regex
    from jsonschema.exceptions import ValidationError

    def search(pattern: str, text: str) -> bool:
        seconds = budget.search_seconds()
        started = perf_counter()
        try:
            return regex.search(pattern, text, timeout=seconds) is not None
        except TimeoutError:
            raise OverBudget(f"regular expression {pattern[:40]!r} took longer than {seconds:.2g} s") from None
        finally:
            budget.regex_seconds += perf_counter() - started

    def pattern_keyword(validator: Any, pattern: str, instance: object, schema: object) -> Iterator[Any]:
        if isinstance(instance, str):
            budget.charge(1 + len(instance) // 16)
            if not search(pattern, instance):
                yield ValidationError("does not match the pattern")

    def matched_by_patterns(key: object, patterns: Mapping[str, Any]) -> Iterator[Any]:
        if isinstance(key, str):
            for pattern, subschema in patterns.items():
                budget.charge(1 + len(key) // 16)
                if search(pattern, key):
                    yield subschema

    def pattern_properties(validator: Any, patterns: Mapping[str, Any], instance: object, schema: object) -> Any:
        if isinstance(instance, Mapping):
            for pattern, subschema in patterns.items():
                for key, value in instance.items():
                    if isinstance(key, str):
                        budget.charge(1 + len(key) // 16)
                        if search(pattern, key):
                            yield from validator.descend(value, subschema, path=key, schema_path=pattern)

    def additional_properties(validator: Any, extra: Any, instance: object, schema: Mapping[str, Any]) -> Any:
        if not isinstance(instance, Mapping):
            return
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        extras = [
            key for key in instance if key not in properties and next(matched_by_patterns(key, patterns), None) is None
        ]
        if isinstance(extra, Mapping):
            for key in extras:
                yield from validator.descend(instance[key], extra, path=key)
        elif extra is False and extras:
            yield ValidationError(f"{len(extras)} additional properties are not allowed")

    def form(instance: object) -> Hashable:
        return canonical(instance, budget.instance_forms)

    def enum(validator: Any, members: Any, instance: object, schema: object) -> Iterator[Any]:
        allowed = budget.schema_forms_sets.get(id(members))
        if allowed is None:
            allowed = frozenset(canonical(member, budget.schema_forms) for member in members)
            budget.schema_forms_sets[id(members)] = allowed
        if form(instance) not in allowed:
            yield ValidationError("is not one of the allowed values")

    def const(validator: Any, expected: object, instance: object, schema: object) -> Iterator[Any]:
        if form(instance) != canonical(expected, budget.schema_forms):
            yield ValidationError("is not the expected value")

    def unique_items(validator: Any, unique: object, instance: object, schema: object) -> Iterator[Any]:
        if unique and isinstance(instance, list):
            budget.charge(2 * budget.instance_size(instance))
            if len({form(item) for item in instance}) < len(instance):
                yield ValidationError("has non-unique elements")

    return {
        "pattern": pattern_keyword,
        "patternProperties": pattern_properties,
        "additionalProperties": additional_properties,
        "enum": enum,
        "const": const,
        "uniqueItems": unique_items,
    }


class BoundedValidator:
    """A Draft 2020-12 validator for one schema from the tree (check it with
    `check_rule_schema` first). `best_error(value)` raises OverBudget past a bound, and
    without trying once MAX_VALUES_OVER_BUDGET values have gone over: a rule that blows its
    budget on every object would otherwise cost that much for each object of the run."""

    def __init__(self, schema: object) -> None:
        from jsonschema import Draft202012Validator, validators
        from referencing import Registry

        self._budget = budget = _Budget()
        ours = _keywords(budget)
        replaced = {**Draft202012Validator.VALIDATORS, **ours}
        counted = {
            keyword: _counted(keyword, function, budget, quotes=keyword not in ours)
            for keyword, function in replaced.items()
        }
        cls = validators.extend(Draft202012Validator, counted)  # type: ignore[no-untyped-call]
        self._validator = cls(schema, registry=Registry())
        self.over_budget = 0  # values that went past a bound so far

    @property
    def steps(self) -> int:
        """The units charged while validating the last value."""
        return self._budget.steps

    def best_error(self, instance: object) -> Any:
        """The most relevant ValidationError of `instance`, or None."""
        from jsonschema.exceptions import best_match

        if self.over_budget >= MAX_VALUES_OVER_BUDGET:
            raise OverBudget(f"not run on more values after going over its budget on {self.over_budget}")
        budget = self._budget
        budget.reset()
        try:
            return best_match(self._validator.iter_errors(instance))
        except OverBudget:
            self.over_budget += 1
            raise
        except RecursionError:
            self.over_budget += 1
            raise OverBudget("its schema nested too deeply on this value") from None
        finally:
            budget.forget_instances()
