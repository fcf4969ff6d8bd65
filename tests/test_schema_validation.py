"""Schema validation (rule-catalog §3.2): the validator's Kubernetes semantics, the notice when
the schemas extra is missing, --target-version, and compiling once per run."""

from __future__ import annotations

from typing import Any

import pytest

from kubelint_py.k8s import schemas
from tests.helpers import lint_text

IDS = ["schema-unknown-field", "schema-violation", "custom-resource-schema-violation", "schema-kind-unknown"]

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: trainer}
spec:
  containers:
    - name: train
      image: trainer:2.1
  resourceClaims:
    - name: gpu
      source: {resourceClaimTemplateName: gpu-template}
"""


def _found(text: str, **kwargs: Any) -> list[tuple[str, int, str]]:
    report = lint_text(text, select=IDS, **kwargs)
    return [(f.rule_id, f.span.start.line, f.message) for f in report.findings]


def test_pack_is_installed_in_the_test_environment() -> None:
    pack = schemas.schema_pack()
    assert pack is not None, "the dev extra installs kubernetes-validate"
    assert (1, 30) in pack.releases and (1, 31) in pack.releases


@pytest.mark.parametrize(
    ("name", "candidates", "expected"),
    [
        ("contianers", ["containers", "initContainers"], "containers"),
        ("prot", ["port", "path", "host"], "port"),
        ("Containers", ["containers"], "containers"),
        ("runAsNonroot", ["runAsNonRoot", "runAsUser"], "runAsNonRoot"),
        ("imagePullSecret", ["image", "imagePullPolicy"], None),
        ("ab", ["xy", "ac"], "ac"),
        ("ab", ["xyz"], None),
    ],
)
def test_did_you_mean(name: str, candidates: list[str], expected: str | None) -> None:
    assert schemas.did_you_mean(name, candidates) == expected


def test_edit_distance_counts_a_transposition_once() -> None:
    assert schemas.edit_distance("contianers", "containers") == 1
    assert schemas.edit_distance("prot", "port") == 1
    assert schemas.edit_distance("abc", "abcdef") == 3  # capped at limit + 1


def test_target_version_changes_the_outcome() -> None:
    newer = _found(POD, config={"targetVersion": "1.31"})
    older = _found(POD, config={"targetVersion": "1.30"})
    assert [(r, line) for r, line, _ in newer] == [("schema-unknown-field", 10)]
    assert "in Kubernetes v1.31" in newer[0][2]
    assert older == []


def test_message_is_plain_and_names_the_value() -> None:
    text = POD.replace("    - name: train\n", '    - name: train\n      stdin: "yes please"\n')
    found = _found(text, config={"targetVersion": "1.30"})
    assert found == [
        (
            "schema-violation",
            7,
            'Pod trainer: `spec.containers[0].stdin` must be a boolean (true or false), found the string "yes please"',
        )
    ]


def test_missing_extra_gives_one_info_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemas, "schema_pack", lambda: None)
    text = POD + "---\n" + POD.replace("trainer", "other") + "---\napiVersion: apps/v1\nkind: Deploymnet\n"
    report = lint_text(text, select=IDS)
    assert [(f.rule_id, f.severity.label, f.span.start.line) for f in report.findings] == [
        ("schema-kind-unknown", "info", 1)
    ]
    assert "pip install 'kubelint-py[schemas]'" in report.findings[0].message


def test_missing_extra_still_validates_custom_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemas, "schema_pack", lambda: None)
    text = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer}}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {size: big}
"""
    found = _found(text)
    assert ("custom-resource-schema-violation", 21) in [(r, line) for r, line, _ in found]
    assert [r for r, _, _ in found].count("schema-kind-unknown") == 1


def test_validators_are_compiled_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = schemas._BuiltinCompiler.ref

    def counting(self: Any, ref: str) -> schemas.Node:
        if ref.endswith(".Pod"):
            calls.append(ref)
        return original(self, ref)

    monkeypatch.setattr(schemas._BuiltinCompiler, "ref", counting)
    text = "\n---\n".join(POD.replace("trainer", f"p{i}") for i in range(20))
    lint_text(text, select=IDS, config={"targetVersion": "1.30"})
    assert len(calls) == 1


def test_secret_values_are_never_echoed() -> None:
    text = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: hunter2-plain!}\n"
    found = _found(text)
    assert len(found) == 1 and "hunter2" not in found[0][2]


def _crd_node(schema: dict[str, Any]) -> schemas.Node:
    return schemas.compile_crd_schema({"type": "object", "properties": {"spec": schema}})


def _messages(node: schemas.Node, spec: object) -> list[str]:
    return [i.text() for i in schemas.validate(node, {"apiVersion": "x/v1", "kind": "X", "spec": spec})]


def test_crd_structural_semantics() -> None:
    node = _crd_node(
        {
            "type": "object",
            "properties": {
                "port": {"x-kubernetes-int-or-string": True},
                "opt": {"type": "string", "nullable": True},
                "plain": {"type": "object"},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "map": {"type": "object", "additionalProperties": {"type": "integer"}},
                "choice": {"type": "string", "anyOf": [{"enum": ["a"]}, {"pattern": "^b"}]},
            },
        }
    )
    valid = {"port": "http", "opt": None, "free": {"x": {"y": 1}}, "map": {"a": 1}, "choice": "bb"}
    assert _messages(node, valid) == []
    assert _messages(node, {"port": 1, "choice": "a"}) == []
    problems = _messages(node, {"plain": {"x": 1}, "map": {"a": "one"}, "choice": "c", "port": [1]})
    assert problems == [
        "`spec.plain.x` is not a field",
        '`spec.map.a` must be an integer, found the string "one"',
        "`spec.choice` matches none of the allowed forms (anyOf)",
        "`spec.port` must be an integer or a string, found a list",
    ]


def test_wrong_types_are_not_descended_into() -> None:
    pack = schemas.schema_pack()
    assert pack is not None
    run = schemas.SchemaRun(pack, (1, 30))
    node = run.root("v1", "Pod")
    assert node is not None
    issues = schemas.validate(node, {"apiVersion": "v1", "kind": "Pod", "spec": [{"containers": "x"}]})
    assert [(i.path, i.unknown) for i in issues] == [(("spec",), False)]


def test_non_string_keys_do_not_break_findings() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {1.5: 2, true: 4}\n"
    report = lint_text(text, select=[*IDS, "internal-error"])
    assert [(f.rule_id, f.span.start.line) for f in report.findings] == [("schema-violation", 5)] * 2


def test_crd_null_is_pruned_unless_nullable() -> None:
    node = _crd_node(
        {
            "type": "object",
            "required": ["a", "b"],
            "properties": {"a": {"type": "string", "nullable": True}, "b": {"type": "string"}},
        }
    )
    assert _messages(node, {"a": None, "b": None}) == ["`spec` is missing the required field `b`"]
