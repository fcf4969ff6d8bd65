"""Declarative rules: YAML metadata plus a JSON Schema every target must satisfy."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint_py.k8s.workloads import ContainerScope, containers, pod_spec_path
from kubelint_py.model import DocType, Document, FieldPath, Severity, get_path
from kubelint_py.rule_api import Rule, RuleContext, Violation, rule


class RuleSpecError(Exception):
    pass


def rule_dict_from_meta(meta: Any) -> dict[str, Any]:
    """RuleMeta -> the dict shape of rule.schema.json (for validation of Python rules)."""
    out: dict[str, Any] = {
        "id": meta.id,
        "title": meta.title,
        "document": meta.document,
        "severity": meta.severity.label,
        "rationale": meta.rationale,
        "remediation": meta.remediation,
        "examples": {"fail": meta.examples.fail, "pass": meta.examples.pass_},
        "references": list(meta.references),
        "category": meta.category,
        "precision": meta.precision,
    }
    if meta.security_severity is not None:
        out["security-severity"] = meta.security_severity
    if meta.options_schema is not None:
        out["options-schema"] = dict(meta.options_schema)
    return out


def _targets(doc: Document, target: str) -> Iterator[tuple[FieldPath, object]]:
    if target == "object":
        yield (), doc.data
        return
    if target == "pod-spec":
        path = pod_spec_path(doc)
        if path is not None:
            yield path, get_path(doc.data, path)
        return
    if target == "containers":
        for container in containers(doc, ContainerScope.ALL):
            yield container.path, container.data
        return
    steps = [s for s in target.split("/") if s]
    yield from _walk_pointer(doc.data, steps, ())


def _walk_pointer(node: object, steps: list[str], prefix: FieldPath) -> Iterator[tuple[FieldPath, object]]:
    if not steps:
        yield prefix, node
        return
    head, rest = steps[0], steps[1:]
    if head == "*":
        if isinstance(node, list):
            for number, item in enumerate(node):
                yield from _walk_pointer(item, rest, (*prefix, number))
        elif isinstance(node, Mapping):
            for key, value in node.items():
                yield from _walk_pointer(value, rest, (*prefix, key))
        return
    if isinstance(node, Mapping) and head in node:
        yield from _walk_pointer(node[head], rest, (*prefix, head))
    elif isinstance(node, list) and head.isdigit() and int(head) < len(node):
        yield from _walk_pointer(node[int(head)], rest, (*prefix, int(head)))


def _remote_refs(node: object) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str) and not value.startswith("#"):
                yield value
            else:
                yield from _remote_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _remote_refs(item)


def _safe_pattern_validator(base: Any) -> Any:
    """`pattern` and `patternProperties` of a rule from the scanned repository run through
    the `regex` module with a time limit: Python's `re` cannot be interrupted, so a
    catastrophic pattern paired with matching data would hang the linter."""
    import regex
    from jsonschema import validators
    from jsonschema.exceptions import ValidationError

    def search(pattern: str, text: str) -> bool | None:
        try:
            return regex.search(pattern, text, timeout=REGEX_SECONDS) is not None
        except TimeoutError:
            return None

    def pattern_keyword(validator: Any, pattern: str, instance: object, schema: object) -> Iterator[Any]:
        if isinstance(instance, str):
            found = search(pattern, instance)
            if found is None:
                yield ValidationError(f"pattern {pattern!r} took longer than {REGEX_SECONDS} s; not matched")
            elif not found:
                yield ValidationError(f"does not match {pattern!r}")

    def pattern_properties(validator: Any, patterns: Mapping[str, Any], instance: object, schema: object) -> Any:
        if not isinstance(instance, Mapping):
            return
        for pattern, subschema in patterns.items():
            for key, value in instance.items():
                if isinstance(key, str) and search(pattern, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=pattern)

    return validators.extend(  # type: ignore[no-untyped-call]
        base, {"pattern": pattern_keyword, "patternProperties": pattern_properties}
    )


REGEX_SECONDS = 0.5


def build_declarative(spec: Mapping[str, Any], source: str, *, trusted: bool = True) -> Rule:
    """Turn a validated rule spec (rule.schema.json) into a Rule.

    Rules from the scanned repository (`trusted=False`) are data only: no remote `$ref` is
    ever fetched (the rule is refused), and their regular expressions run with a time limit.
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError, best_match
    from referencing import Registry

    remote = next(_remote_refs(spec["schema"]), None)
    if remote is not None:
        raise RuleSpecError(
            f"{source}: rule {spec.get('id')}: $ref {remote!r} points outside the rule; kubelint never fetches "
            "schemas (it runs offline): inline the schema or use a local #/$defs reference"
        )
    try:
        Draft202012Validator.check_schema(spec["schema"])
    except SchemaError as exc:
        raise RuleSpecError(f"{source}: rule {spec.get('id')}: invalid schema: {exc.message}") from None
    validator_class = Draft202012Validator if trusted else _safe_pattern_validator(Draft202012Validator)
    validator = validator_class(spec["schema"], registry=Registry())
    target = str(spec["target"])
    message = str(spec["message"])
    scope = spec.get("scope", {})

    def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        for path, value in _targets(doc, target):
            error = best_match(validator.iter_errors(value))
            if error is not None:
                yield Violation(message, (*path, *error.absolute_path))

    examples = spec["examples"]
    return rule(
        id=spec["id"],
        title=spec["title"],
        document=spec["document"],
        severity=Severity.parse(spec["severity"]),
        rationale=spec["rationale"],
        remediation=spec["remediation"],
        examples=(examples["fail"], examples["pass"]),
        kinds=scope.get("kinds", ()),
        kind_groups=scope.get("kind-groups", ()),
        doc_types=tuple(DocType(t) for t in scope.get("doc-types", ())),
        references=spec.get("references", ()),
        options_schema=spec.get("options-schema"),
        default_enabled=spec.get("default-enabled", True),
        category=spec.get("category", "security"),
        security_severity=spec.get("security-severity"),
        precision=spec.get("precision", "high"),
        cross_object=False,
    )(check)
