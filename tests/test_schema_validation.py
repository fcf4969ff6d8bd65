"""Schema validation (rule-catalog §3.2): the validator's Kubernetes semantics, the bundled
schemas (no extra, no notice), --target-version, custom resources' metadata as ObjectMeta, and
compiling once per run."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from kubelint_py.k8s import schema_compile, schemas
from kubelint_py.k8s.schema_bundle import schema_bundle
from tests.helpers import ROOT, lint_text

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


def test_validation_needs_no_extra() -> None:
    """kubernetes-validate is a development dependency only: a run never imports it."""
    script = (
        "import sys; sys.modules['kubernetes_validate'] = None\n"
        "from tests.helpers import lint_text\n"
        "text = 'apiVersion: v1\\nkind: Pod\\nmetadata: {name: p}\\nspec: {containers: [{name: a, imag: x}]}\\n'\n"
        "print(*[f.rule_id for f in lint_text(text, select=['schema-unknown-field']).findings])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["schema-unknown-field"]


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


def test_valid_objects_give_no_notice() -> None:
    """No "schema validation is off" finding: a clean input gives no finding at all."""
    assert _found(POD, config={"targetVersion": "1.30"}) == []
    assert _found(POD.replace("  resourceClaims:\n", "  resourceClaimz:\n"), config={"targetVersion": "1.30"})


@pytest.mark.parametrize(("target", "used"), [("1.22", "v1.25"), ("1.99", None)])
def test_target_outside_the_bundle_uses_the_nearest_release(target: str, used: str | None) -> None:
    newest = schema_bundle().releases[-1]
    used = used or f"v{newest[0]}.{newest[1]}"
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: apps/v1\nkind: Deploymnet\n"
    found = _found(text, config={"targetVersion": target})
    assert [(r, line) for r, line, _ in found] == [("schema-kind-unknown", 6)]
    assert f"in Kubernetes {used} (the bundled release nearest the target v{target})" in found[0][2]


WIDGET_CRD = """\
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


def test_custom_resources_are_validated() -> None:
    found = _found(WIDGET_CRD)
    assert [(r, line) for r, line, _ in found] == [("custom-resource-schema-violation", 21)]


def test_custom_resource_metadata_is_object_meta() -> None:
    """CRDs declare `metadata: {type: object}`; the API server validates ObjectMeta regardless."""
    valid = """\
metadata:
  name: w
  namespace: prod
  labels: {app: w}
  annotations: {note: x}
  finalizers: [example.com/cleanup]
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: c, uid: "1"}]
spec: {size: 1}
"""
    crd = WIDGET_CRD.replace("spec: {type: object,", "metadata: {type: object}\n            spec: {type: object,")
    assert _found(crd.replace("metadata: {name: w}\nspec: {size: big}\n", valid)) == []
    wrong = "metadata: {name: w, labels: [app], colour: red}\nspec: {size: 1}\n"
    found = _found(crd.replace("metadata: {name: w}\nspec: {size: big}\n", wrong))
    assert [m.split(": ", 1)[1] for _, _, m in found] == [
        "`metadata.labels` must be a map, found a list",
        "`metadata.colour` is not a field of ObjectMeta in the Widget v1 schema of CRD widgets.example.com",
    ]


def test_crd_constraints_on_the_name_are_kept() -> None:
    meta = "metadata: {type: object, properties: {name: {type: string, maxLength: 3}}}"
    crd = WIDGET_CRD.replace("spec: {type: object,", meta + "\n            spec: {type: object,")
    found = _found(crd.replace("metadata: {name: w}\nspec: {size: big}\n", "metadata: {name: wide}\n"))
    assert [m.split(": ", 1)[1] for _, _, m in found] == [
        '`metadata.name` must be at most 3 characters long, found the string "wide"'
    ]


def test_embedded_resource_metadata_is_object_meta() -> None:
    embedded = "template: {type: object, x-kubernetes-embedded-resource: true, properties: {spec: {type: object}}}"
    crd = WIDGET_CRD.replace("size: {type: integer}", embedded)
    body = "spec:\n  template:\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: c, labelz: {}}\n"
    found = _found(crd.replace("spec: {size: big}\n", body))
    assert [(line, m.split(": ", 1)[1]) for _, line, m in found] == [
        (
            25,
            "`spec.template.metadata.labelz` is not a field of ObjectMeta in the Widget v1 schema of CRD "
            "widgets.example.com (did you mean `labels`?)",
        )
    ]


def test_validators_are_compiled_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = schema_compile.BuiltinCompiler.ref

    def counting(self: Any, ref: str) -> schemas.Node:
        if ref.endswith(".Pod"):
            calls.append(ref)
        return original(self, ref)

    monkeypatch.setattr(schema_compile.BuiltinCompiler, "ref", counting)
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
    run = schemas.SchemaRun(schema_bundle(), (1, 30))
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
