"""Schema locations: CRD-catalog JSON files and CRD manifests read offline, only for the
custom resources of the run that have no CRD in the input."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from kubelint_py.config.config import Config, ConfigError, config_from_data
from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.input.schema_locations import locate, missing_folders
from kubelint_py.k8s.crd_catalog import catalog_path
from kubelint_py.model import Document, Source
from kubelint_py.run.pipeline import LintRequest, run_lint

WIDGET_SCHEMA = {
    "type": "object",
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "properties": {"size": {"type": "integer"}, "port": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
            "additionalProperties": False,
        },
    },
}
WIDGET_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets}
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
"""


def _documents(text: str) -> list[Document]:
    result = LoadResult()
    load_text("input.yaml", text, True, LoadOptions(), result)
    return result.documents


def _catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    (folder / "example.com").mkdir(parents=True)
    (folder / "example.com" / "widget_v1.json").write_text(json.dumps(WIDGET_SCHEMA), encoding="utf-8")
    (folder / "crds").mkdir()
    (folder / "crds" / "gadget.yaml").write_text(WIDGET_CRD, encoding="utf-8")
    (folder / "crds" / "other.yaml").write_text(WIDGET_CRD.replace("Gadget", "Gizmo"), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("group", "kind", "version", "expected"),
    [
        ("monitoring.coreos.com", "ServiceMonitor", "v1", "monitoring.coreos.com/servicemonitor_v1.json"),
        ("cert-manager.io", "ClusterIssuer", "v1alpha2", "cert-manager.io/clusterissuer_v1alpha2.json"),
        ("..", "Widget", "v1", None),
        ("example.com", "../../etc/passwd", "v1", None),
        ("example.com", "Widget", "v1/../..", None),
        ("Example.COM", "Widget", "v1", None),
        ("", "Widget", "v1", None),
    ],
)
def test_catalog_path_accepts_api_names_only(group: str, kind: str, version: str, expected: str | None) -> None:
    assert catalog_path(group, kind, version) == expected


def test_catalog_schema_for_a_custom_resource_without_crd(tmp_path: Path) -> None:
    docs = _documents("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n")
    found = locate([_catalog(tmp_path)], docs, cwd=tmp_path, max_bytes=1 << 20)
    assert list(found.schemas) == [("example.com", "Widget", "v1")]
    assert found.schemas[("example.com", "Widget", "v1")].file == "catalog/example.com/widget_v1.json"
    assert found.sources == []


def test_crd_files_that_mention_the_kind_are_loaded(tmp_path: Path) -> None:
    docs = _documents("apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n")
    found = locate([_catalog(tmp_path)], docs, cwd=tmp_path, max_bytes=1 << 20)
    assert found.schemas == {}
    assert [(s.display, s.is_target) for s in found.sources] == [("catalog/crds/gadget.yaml", False)]


def test_nothing_is_read_without_custom_resources(tmp_path: Path) -> None:
    docs = _documents("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    assert locate([_catalog(tmp_path)], docs, cwd=tmp_path, max_bytes=1 << 20) == ({}, [])


def test_a_crd_in_the_input_wins(tmp_path: Path) -> None:
    text = (
        WIDGET_CRD.replace("Gadget", "Widget") + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
    )
    assert locate([_catalog(tmp_path)], _documents(text), cwd=tmp_path, max_bytes=1 << 20) == ({}, [])


def test_built_in_kinds_are_not_looked_up(tmp_path: Path) -> None:
    folder = _catalog(tmp_path)
    (folder / "apps").mkdir()
    (folder / "apps" / "deployment_v1.json").write_text("{}", encoding="utf-8")
    docs = _documents("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n")
    assert locate([folder], docs, cwd=tmp_path, max_bytes=1 << 20) == ({}, [])


def test_oversized_and_broken_files_are_skipped(tmp_path: Path) -> None:
    folder = _catalog(tmp_path)
    (folder / "example.com" / "widget_v1.json").write_text("{not json", encoding="utf-8")
    docs = _documents("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
    assert locate([folder], docs, cwd=tmp_path, max_bytes=1 << 20).schemas == {}
    docs = _documents("apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n")
    assert locate([folder], docs, cwd=tmp_path, max_bytes=100).sources == []


def test_first_folder_wins(tmp_path: Path) -> None:
    first = _catalog(tmp_path)
    second = tmp_path / "second"
    (second / "example.com").mkdir(parents=True)
    (second / "example.com" / "widget_v1.json").write_text('{"type": "object"}', encoding="utf-8")
    docs = _documents("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
    found = locate([second, first], docs, cwd=tmp_path, max_bytes=1 << 20)
    assert found.schemas[("example.com", "Widget", "v1")].file == "second/example.com/widget_v1.json"


def test_missing_folders(tmp_path: Path) -> None:
    assert missing_folders([tmp_path, tmp_path / "nope"]) == [str(tmp_path / "nope")]


# -- through the pipeline ------------------------------------------------------------------

WIDGET = (
    "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labels: {app: w}}\nspec: {size: big, port: [1]}\n"
)


def _lint(tmp_path: Path, text: str, *, locations: Sequence[str] = (), config: Config | None = None) -> list[str]:
    request = LintRequest(
        sources=[Source("input.yaml", text.encode())],
        select=["custom-resource-schema-violation", "custom-resource-without-crd"],
        schema_locations=locations,
        plugins=False,
        raise_errors=True,
        cwd=tmp_path,
    )
    report = run_lint(request, config or Config())
    return [f"{f.rule_id} {f.span.start.line}: {f.message}" for f in report.findings]


def test_schema_location_on_the_command_line(tmp_path: Path) -> None:
    _catalog(tmp_path)
    assert _lint(tmp_path, WIDGET, locations=["catalog"]) == [
        'custom-resource-schema-violation 4: Widget w: `spec.size` must be an integer, found the string "big"',
        "custom-resource-schema-violation 4: Widget w: `spec.port` must be an integer or a string, found a list",
    ]
    assert _lint(tmp_path, WIDGET) == []  # without it: no schema, no finding


def test_schema_location_in_the_configuration(tmp_path: Path) -> None:
    _catalog(tmp_path)
    config = config_from_data({"schemaLocations": ["catalog"]}, str(tmp_path / ".kubelint.yaml"), str(tmp_path))
    assert len(_lint(tmp_path, WIDGET, config=config)) == 2


def test_crd_manifest_in_a_schema_location(tmp_path: Path) -> None:
    _catalog(tmp_path)
    gadget = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {size: big}\n"
    assert _lint(tmp_path, gadget, locations=["catalog"]) == [
        'custom-resource-schema-violation 4: Gadget g: `spec.size` must be an integer, found the string "big"'
    ]


def test_a_missing_schema_location_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"schema location .*nope: not a directory"):
        _lint(tmp_path, WIDGET, locations=["nope"])


def test_a_configuration_in_the_tree_cannot_name_a_folder_outside_it(tmp_path: Path) -> None:
    inside = tmp_path / "repo"
    inside.mkdir()
    _catalog(tmp_path)
    config = config_from_data({"schemaLocations": ["../catalog"]}, str(inside / ".kubelint.yaml"), str(inside))
    with pytest.raises(ConfigError, match=r'schemaLocations: "\.\./catalog" is outside the scanned tree'):
        _lint(inside, WIDGET, config=config)


def test_links_out_of_the_tree_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _catalog(outside)
    repo = tmp_path / "repo"
    (repo / "schemas").mkdir(parents=True)
    (repo / "schemas" / "example.com").symlink_to(outside / "catalog" / "example.com")
    config = config_from_data({"schemaLocations": ["schemas"]}, str(repo / ".kubelint.yaml"), str(repo))
    assert _lint(repo, WIDGET, config=config) == []


def test_a_catalog_schema_silences_custom_resource_without_crd(tmp_path: Path) -> None:
    _catalog(tmp_path)
    crd = WIDGET_CRD.replace("Gadget", "Other").replace("gadgets", "others")
    text = crd + "---\n" + WIDGET.replace("size: big, port: [1]", "size: 1")
    assert _lint(tmp_path, text) == [
        "custom-resource-without-crd 19: Widget w: kind Widget of API group example.com is defined by no "
        "CustomResourceDefinition in the input; the target cluster rejects it until the CRD is installed"
    ]
    assert _lint(tmp_path, text, locations=["catalog"]) == []
