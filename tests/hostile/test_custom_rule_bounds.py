"""Custom rules from the tree are bounded (docs/security.md, point 2): `$ref` only inside the
rule file, never fetched; no keyword whose cost cannot be bounded; validating one value has a
step, depth and regex-time budget (kubelint_py/registry/bounded_schema.py). A value past the budget is
a finding of the rule at that value ("could not check"), and the run goes on."""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from kubelint_py.registry.bounded_schema import (
    MAX_DEPTH,
    MAX_STEPS,
    MAX_VALUES_OVER_BUDGET,
    BoundedValidator,
    OverBudget,
    canonical,
    check_rule_schema,
)
from kubelint_py.registry.declarative import NOT_CHECKED, RuleSpecError, load_yaml_rules
from tests.hostile.support import Run, lint_in_process, lint_subprocess, no_traceback, pod

RULE = "acme/tree-shape"


def rule_yaml(schema: Any, *, options: Any = None, rule_id: str = RULE) -> str:
    text = textwrap.dedent(
        f"""\
        id: {rule_id}
        title: Trees have the shape the team expects
        document: cluster-hardening
        severity: warning
        rationale: Trees of another shape break the controller that reads them in production.
        remediation: Fix the tree so that it has the shape of the team's schema.
        examples:
          fail: "apiVersion: example.com/v1\\nkind: Tree\\nmetadata: {{name: a}}\\n"
          pass: "apiVersion: example.com/v1\\nkind: Tree\\nmetadata: {{name: a}}\\n"
        target: object
        message: tree has the wrong shape
        scope: {{kinds: [Tree]}}
        schema: {json.dumps(schema)}
        """
    )
    if options is not None:
        text += f"options-schema: {json.dumps(options)}\n"
    return text


def tree(name: str, spec: Any) -> str:
    return json.dumps({"apiVersion": "example.com/v1", "kind": "Tree", "metadata": {"name": name}, "spec": spec})


def project(root: Path, schema: Any, trees: dict[str, Any], *, options: Any = None) -> None:
    (root / "policy").mkdir()
    (root / "policy" / "rules.yaml").write_text(rule_yaml(schema, options=options))
    (root / ".kubelint.yaml").write_text("customRules: [policy]\n")
    for name, spec in trees.items():
        (root / f"{name}.json").write_text(tree(name, spec))
    (root / "pod.yaml").write_text(pod("neighbour"))


def lint(root: Path) -> Run:
    run = lint_in_process([".", "--format", "json", "--select", f"{RULE},privileged-container"], root)
    assert no_traceback(run.err), run.err
    assert run.code in (0, 1), (run.code, run.err)
    return run


def findings(run: Run) -> dict[str, list[str]]:
    """file -> messages of the custom rule; also checks the neighbour's built-in finding."""
    report = run.report()
    assert not report["errors"], report["errors"]
    assert not [f for f in report["findings"] if f["ruleId"] == "internal-error"], report["findings"]
    assert any(f["ruleId"] == "privileged-container" for f in report["findings"])  # other rules ran
    found: dict[str, list[str]] = {}
    for finding in report["findings"]:
        if finding["ruleId"] == RULE:
            found.setdefault(finding["file"], []).append(finding["message"])
    return found


def refused(schema: Any, *, options: Any = None) -> str:
    with pytest.raises(RuleSpecError) as caught:
        load_yaml_rules(rule_yaml(schema, options=options), "policy/rules.yaml", trusted=False)
    message = str(caught.value)
    assert message.startswith(f"policy/rules.yaml: rule {RULE}: "), message
    return message


# -- at load -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "https://attacker.example/exfiltrate",
        "other-rules.yaml#/$defs/x",
        "file:///etc/passwd",
        "../../secrets.json",
        "urn:example:x",
    ],
)
def test_a_ref_outside_the_rule_file_is_refused_at_load(ref: str) -> None:
    assert "points outside the rule" in refused({"properties": {"spec": {"$ref": ref}}})
    assert "points outside the rule" in refused({"$defs": {"a": {"$dynamicRef": ref}}})


def test_a_local_ref_must_resolve_inside_the_rule() -> None:
    assert "does not resolve" in refused({"$ref": "#/$defs/missing"})
    assert "does not resolve" in refused({"$ref": "#nowhere"})
    assert load_yaml_rules(rule_yaml(RECURSIVE), "policy/rules.yaml", trusted=False)


def test_refs_in_data_are_data() -> None:
    """`enum` and `const` hold values, not schemas: a `$ref` key there is not a reference."""
    schema = {"properties": {"spec": {"not": {"enum": [{"$ref": "https://example.com/x"}]}}}}
    assert load_yaml_rules(rule_yaml(schema), "policy/rules.yaml", trusted=False)


@pytest.mark.parametrize("keyword", ["unevaluatedProperties", "unevaluatedItems"])
def test_keywords_whose_cost_cannot_be_bounded_are_refused(keyword: str) -> None:
    assert "not supported in custom rules" in refused({"properties": {"spec": {keyword: False}}})


def test_schemas_nested_too_deeply_are_refused_without_recursion_error() -> None:
    schema: dict[str, Any] = {"type": "object"}
    for _ in range(97):  # 196 levels: under the YAML limit, over jsonschema's stack
        schema = {"properties": {"a": schema}}
    assert "nests deeper" in refused(schema)


def test_an_invalid_pattern_is_refused_at_load() -> None:
    message = refused({"properties": {"spec": {"patternProperties": {"(unclosed": {}}}}})
    assert "regular expression" in message or "regex" in message


@pytest.mark.parametrize(
    "options",
    [
        {"properties": {"x": {"$ref": "https://attacker.example/o"}}},
        {"$defs": {"o": {"type": "string"}}, "properties": {"x": {"$ref": "#/$defs/o"}}},
        {"properties": {"x": {"pattern": "^(a+)+$"}}},
        {"properties": {"x": {"uniqueItems": True}}},
    ],
)
def test_options_schemas_may_not_use_what_plain_jsonschema_cannot_bound(options: Any) -> None:
    assert "options-schema" in refused({"type": "object"}, options=options)


def test_a_hostile_rule_is_refused_through_the_real_cli(tmp_path: Path) -> None:
    project(tmp_path, {"properties": {"spec": {"$ref": "https://attacker.example/x?token=1"}}}, {"t": {}})
    run = lint_subprocess(["."], tmp_path, timeout=60)
    assert run.code == 2 and "policy/rules.yaml" in run.err and "points outside the rule" in run.err, run.err
    assert no_traceback(run.err)


# -- while validating ------------------------------------------------------------------------------

RECURSIVE = {
    "$defs": {
        "node": {
            "type": ["object", "array", "string", "number", "boolean", "null"],
            "additionalProperties": {"$ref": "#/$defs/node"},
            "items": {"$ref": "#/$defs/node"},
            "not": {"required": ["forbidden"]},
        }
    },
    "$ref": "#/$defs/node",
}


def nested(depth: int, leaf: Any = "leaf") -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def test_a_self_referencing_schema_on_a_deep_document_stops_at_the_depth_bound(tmp_path: Path) -> None:
    """Before: RecursionError, an internal-error finding."""
    project(tmp_path, RECURSIVE, {"deep": nested(150), "shallow": nested(3, {"forbidden": 1})})
    found = findings(lint(tmp_path))
    assert found["shallow.json"] == ["Tree shallow: tree has the wrong shape"]
    (message,) = found["deep.json"]
    assert NOT_CHECKED in message and f"more than {MAX_DEPTH} levels" in message, message


def test_a_schema_that_only_refers_to_itself_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    project(tmp_path, {"$ref": "#"}, {"t": {}})
    (message,) = findings(lint(tmp_path))["t.json"]
    assert NOT_CHECKED in message


@pytest.mark.slow
def test_unique_items_over_twenty_thousand_maps(tmp_path: Path) -> None:
    """Before: jsonschema compared every pair of maps (2 * 10^8 comparisons, minutes)."""
    items = [{"name": f"item-{i}", "port": i, "labels": {"tier": "web"}} for i in range(20_000)]
    schema = {"properties": {"spec": {"properties": {"items": {"uniqueItems": True}}}}}
    project(tmp_path, schema, {"unique": {"items": items}, "twice": {"items": [*items, dict(items[7])]}})
    started = time.monotonic()
    found = findings(lint(tmp_path))
    assert time.monotonic() - started < 60  # a guard: the work is counted below
    assert "unique.json" not in found
    assert found["twice.json"] == ["Tree twice: tree has the wrong shape"]


@pytest.mark.slow
def test_exponential_in_place_branching_stops_at_the_step_budget() -> None:
    defs: dict[str, Any] = {f"d{i}": {"anyOf": [{"$ref": f"#/$defs/d{i + 1}"}] * 2} for i in range(60)}
    defs["d60"] = {"type": "string"}
    schema = {"$defs": defs, "$ref": "#/$defs/d0"}
    check_rule_schema(schema)
    validator = BoundedValidator(schema)
    with pytest.raises(OverBudget, match="steps"):
        validator.best_error(5)
    assert MAX_STEPS < validator.steps < MAX_STEPS + 100


@pytest.mark.slow
def test_a_huge_enum_is_compared_by_hash() -> None:
    schema = {"additionalProperties": {"enum": [f"value-{i}" for i in range(200_000)]}}
    validator = BoundedValidator(schema)
    assert validator.best_error({f"k{i}": f"value-{i * 3}" for i in range(10_000)}) is None
    assert validator.best_error({"k": "value-x"}) is not None
    assert validator.steps < 100


def test_enum_const_and_unique_items_keep_jsonschema_equality() -> None:

    def form(value: object) -> object:
        return canonical(value, {})  # a memo is by id: only while the value lives

    assert form(1) == form(1.0) != form(True)
    assert form([0]) != form([False]) and form([[True]]) == form([[True]])
    assert form({"a": [1, {"b": None}]}) == form({"a": [1.0, {"b": None}]})
    assert form({"a": 1}) != form({"a": "1"}) != form(["a"]) and form({"a": 1}) != form({"a": 1, "b": 2})
    validator = BoundedValidator({"uniqueItems": True})
    assert validator.best_error([1, True, "1", [1], {"1": 1}]) is None
    assert validator.best_error([{"a": [1]}, {"a": [1.0]}]) is not None
    assert BoundedValidator({"const": {"a": [True]}}).best_error({"a": [1]}) is not None
    assert BoundedValidator({"enum": [[0], None]}).best_error([False]) is not None


def test_a_failing_keyword_pays_for_quoting_a_big_value() -> None:
    """jsonschema's messages quote the value (`'...' is not of type 'string'`)."""
    validator = BoundedValidator({"items": {"not": {"type": "array"}}})
    big = [[f"{i}-{j}" for j in range(200)] for i in range(3000)]
    with pytest.raises(OverBudget):
        validator.best_error(big)


@pytest.mark.slow
def test_catastrophic_pattern_properties_with_additional_properties(tmp_path: Path) -> None:
    """Before: additionalProperties matched patternProperties with Python's `re`, which a
    backtracking pattern hangs whatever the time limit on the `regex` module."""
    schema = {
        "properties": {"spec": {"patternProperties": {"^(a|aa)+$": {"type": "string"}}, "additionalProperties": False}}
    }
    keys = {"a" * 60 + f"!{i}": "x" for i in range(20)}
    project(tmp_path, schema, {"keys": keys, "fine": {"aaaa": "x"}})
    run = lint_subprocess([".", "--format", "json", "--select", RULE], tmp_path, timeout=60)
    assert run.code in (0, 1) and no_traceback(run.err), run.err
    messages = [f["message"] for f in run.report()["findings"] if f["file"] == "keys.json"]
    assert len(messages) == 1 and ("tree has the wrong shape" in messages[0] or NOT_CHECKED in messages[0])
    assert not [f for f in run.report()["findings"] if f["file"] == "fine.json"]


@pytest.mark.slow
def test_a_rule_over_budget_on_every_object_stops_trying(tmp_path: Path) -> None:
    defs: dict[str, Any] = {f"d{i}": {"anyOf": [{"$ref": f"#/$defs/d{i + 1}"}] * 2} for i in range(60)}
    defs["d60"] = {"type": "string"}
    trees: dict[str, Any] = {f"t{i:02}": {} for i in range(3 * MAX_VALUES_OVER_BUDGET)}
    project(tmp_path, {"$defs": defs, "$ref": "#/$defs/d0"}, trees)
    started = time.process_time()
    found = findings(lint(tmp_path))
    assert len(found) == len(trees) and all(NOT_CHECKED in m for ms in found.values() for m in ms)
    assert sum("not run on more values" in m for ms in found.values() for m in ms) == 2 * MAX_VALUES_OVER_BUDGET
    assert time.process_time() - started < 60  # a guard: 5 values' budgets, not 15


@pytest.mark.slow
def test_uniqueitems_through_the_real_cli(tmp_path: Path) -> None:
    """End to end, in a real process: before, minutes of pairwise comparisons."""
    items = [{"name": f"item-{i}", "port": i} for i in range(20_000)]
    schema = {"properties": {"spec": {"properties": {"items": {"uniqueItems": True}}}}}
    project(tmp_path, schema, {"twice": {"items": [*items, dict(items[-1])]}})
    run = lint_subprocess([".", "--format", "json", "--select", RULE], tmp_path, timeout=90)
    assert run.code == 1 and no_traceback(run.err), run.err
    assert [(f["file"], f["ruleId"]) for f in run.report()["findings"]] == [("twice.json", RULE)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_rules_file_is_refused_without_blocking(tmp_path: Path) -> None:
    """Before: the run waited forever for a writer."""
    (tmp_path / "pod.yaml").write_text(pod("p"))
    os.mkfifo(tmp_path / "rules.yaml")
    (tmp_path / ".kubelint.yaml").write_text("customRules: [rules.yaml]\n")
    run = lint_subprocess(["."], tmp_path, timeout=60)
    assert run.code == 2 and "rules.yaml" in run.err and "regular file" in run.err, run.err
    assert no_traceback(run.err)
