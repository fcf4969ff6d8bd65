"""Declarative rules: YAML metadata plus a JSON Schema every target must satisfy."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from kubelint_py.guidance import BY_SLUG
from kubelint_py.k8s.workloads import ContainerScope, containers, pod_spec_path
from kubelint_py.model import DocType, Document, FieldPath, Severity, get_path
from kubelint_py.registry.bounded_schema import (
    BoundedValidator,
    OverBudget,
    SchemaProblem,
    check_options_schema,
    check_rule_schema,
)
from kubelint_py.rule_api import Rule, RuleContext, Violation, rule


class RuleSpecError(Exception):
    pass


NOT_CHECKED = "custom rule could not check this value"
BOUNDS_HELP = "custom rules from the repository are bounded (docs/rule-authoring.md, Limits)"


def _plain_validation(schema: Mapping[str, Any] | bool) -> Callable[[object], Any]:
    """The most relevant error of a value, for built-in (trusted) rules: no bounds."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match
    from referencing import Registry

    validator = Draft202012Validator(schema, registry=Registry())
    return lambda value: best_match(validator.iter_errors(value))


def rule_dict_from_meta(meta: Any) -> dict[str, Any]:
    """RuleMeta -> the dict shape of rule.schema.json without target, message and schema (for
    validation of Python rules and plugins)."""
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
        "scope": {
            key: value
            for key, value in (
                ("kinds", sorted(meta.scope.kinds)),
                ("kind-groups", sorted(meta.scope.kind_groups)),
                ("doc-types", sorted(d.value for d in meta.scope.doc_types)),
            )
            if value
        },
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


def build_declarative(spec: Mapping[str, Any], source: str, *, trusted: bool = True) -> Rule:
    """Turn a validated rule spec (rule.schema.json) into a Rule.

    Rules from the scanned repository (`trusted=False`) are data only, and bounded
    (kubelint_py/registry/bounded_schema.py): `$ref` only inside the rule, never fetched; no keyword
    whose cost cannot be bounded; validating one value has a step, depth and regex-time
    budget, past which the rule reports that it could not check the value.
    """
    where = f"{source}: rule {spec.get('id')}"
    schema = spec["schema"]
    options_schema = spec.get("options-schema")
    try:
        check_rule_schema(schema)
        if options_schema is not None and not trusted:
            check_options_schema(options_schema)
    except SchemaProblem as exc:
        raise RuleSpecError(f"{where}: {exc}") from None
    first_error = _plain_validation(schema) if trusted else BoundedValidator(schema).best_error
    target = str(spec["target"])
    message = str(spec["message"])
    scope = spec["scope"]  # required by the schema, as target, message and schema are

    def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        for path, value in _targets(doc, target):
            try:
                error = first_error(value)
            except OverBudget as exc:
                yield Violation(f"{NOT_CHECKED}: {exc.reason}; {BOUNDS_HELP}", path)
                continue
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
        options_schema=options_schema,
        default_enabled=spec.get("default-enabled", True),
        category=spec.get("category", "security"),
        security_severity=spec.get("security-severity"),
        precision=spec.get("precision", "high"),
        cross_object=False,
    )(check)


# what only a declarative rule has: a Python rule's check takes their place
DECLARATIVE_KEYS = ("target", "message", "schema")


def rule_validator(declarative: bool = True) -> Any:
    """schemas/rule.schema.json: a declarative rule file's format, or (`declarative=False`) the
    metadata and scope every rule has, for Python rules and plugins."""
    from jsonschema import Draft202012Validator

    from kubelint_py.config.config import load_schema

    schema = dict(load_schema("rule.schema.json"))
    if not declarative:
        schema["required"] = [key for key in schema["required"] if key not in DECLARATIVE_KEYS]
    return Draft202012Validator(schema)


def validate_rule_spec(spec: Mapping[str, Any], source: str, validator: Any | None = None) -> None:
    """Every way `spec` departs from the rule schema, in one RuleSpecError (one line each)."""
    errors = sorted(
        (validator or rule_validator()).iter_errors(spec), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    if errors:
        lines = []
        for error in errors:
            where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
            lines.append(f"{source}: rule {spec.get('id', '?')}: {where}: {error.message}")
        raise RuleSpecError("\n".join(dict.fromkeys(lines)))


def validate_rule(rule: Rule, source: str, validator: Any | None = None) -> None:
    validate_rule_spec(rule_dict_from_meta(rule.meta), source, validator or rule_validator(declarative=False))
    if rule.meta.document not in BY_SLUG and "/" not in rule.id:
        raise RuleSpecError(f'{source}: rule {rule.id}: unknown guidance document "{rule.meta.document}"')


def load_yaml_rules(text: str, source: str, *, trusted: bool = True) -> list[Rule]:
    from kubelint_py.input.streams import split_documents
    from kubelint_py.input.yamlio import LimitExceeded, YamlSyntaxError, parse_document

    found: list[Rule] = []
    validator = rule_validator()
    for chunk in split_documents(text):
        try:
            parsed = parse_document(chunk.text, line_offset=chunk.first_line - 1)
        except (YamlSyntaxError, LimitExceeded) as exc:
            raise RuleSpecError(f"{source}:{exc.pos.line}: {exc.message}") from None
        if parsed is None:
            continue
        if not isinstance(parsed.data, Mapping):
            raise RuleSpecError(f"{source}:{chunk.first_line}: a rule must be a mapping")
        validate_rule_spec(parsed.data, source, validator)
        found.append(build_declarative(parsed.data, source, trusted=trusted))
    return found
