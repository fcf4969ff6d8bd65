"""The deprecated/removed API table (kubelint_py/data/deprecated_apis.json) against its schema
and, row by row, against rule-catalog.md §3.1; and the loader's handling of the data's quirks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kubelint_py.config.config import load_schema
from kubelint_py.k8s import apiversions
from kubelint_py.k8s.apiversions import build_table, load_raw, lookup, parse_release, target_release
from tests.helpers import ROOT, SHARED, lint_text

CATALOG = SHARED / "docs" / "rule-catalog.md"
_ROW_RE = re.compile(r"^\|\s*(\d+)\s*\|(.*)\|\s*$")


def _cell(text: str) -> str | None:
    text = text.strip()
    return None if text.startswith("—") else text.strip("`")


def catalog_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of the markdown table of §3.1, as the data file spells them."""
    section = path.read_text(encoding="utf-8").split("### 3.1", 1)[1].split("\n### ", 1)[0]
    rows: list[dict[str, Any]] = []
    for line in section.splitlines():
        match = _ROW_RE.match(line.strip())
        if match is None:
            continue
        api, kind, deprecated, removed, replacement, available = (c.strip() for c in match.group(2).split("|"))
        kind = re.sub(r"\s*\(.*\)$", "", kind)  # "Policy (duplicate row in pluto data)"
        rows.append(
            {
                "number": int(match.group(1)),
                "apiVersion": _cell(api),
                "kind": kind,
                "deprecatedIn": _cell(deprecated),
                "removedIn": _cell(removed),
                "replacementApiVersion": _cell(replacement),
                "replacementAvailableIn": _cell(available),
            }
        )
    return rows


def test_data_file_matches_schema() -> None:
    schema = load_schema("deprecated-apis.schema.json")
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(load_raw())]
    assert not errors, errors


def test_schema_rejects_wrong_shapes() -> None:
    validator = Draft202012Validator(load_schema("deprecated-apis.schema.json"))
    good = load_raw()
    bad_release = {**good, "apis": [{**good["apis"][0], "removedIn": "1.16"}]}
    assert not validator.is_valid(bad_release)
    unknown_key = {**good, "apis": [{**good["apis"][0], "removed": "v1.16.0"}]}
    assert not validator.is_valid(unknown_key)
    assert not validator.is_valid({k: v for k, v in good.items() if k != "schemaVersion"})


def test_data_file_is_shipped_as_package_data() -> None:
    assert (ROOT / "kubelint_py" / "data" / "deprecated_apis.json").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"data/*.json"' in pyproject


@pytest.mark.skipif(not CATALOG.is_file(), reason="the shared rule catalog is not checked out here")
def test_rows_match_catalog_table() -> None:
    expected = catalog_rows(CATALOG)
    got = load_raw()["apis"]
    assert len(expected) == 86, "the catalog's table has 86 rows"
    assert [r["number"] for r in expected] == list(range(1, 87))
    assert len(got) == len(expected)
    fields = ("apiVersion", "kind", "deprecatedIn", "removedIn", "replacementApiVersion", "replacementAvailableIn")
    for row, data in zip(expected, got, strict=True):
        assert {f: data[f] for f in fields} == {f: row[f] for f in fields}, f"row {row['number']}"


def test_quirk_rows_are_kept_in_the_data() -> None:
    rows = load_raw()["apis"]
    pairs = [(r["apiVersion"], r["kind"]) for r in rows]
    assert pairs.count(("audit.k8s.io/v1alpha1", "Policy")) == 2
    assert ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowControl") in pairs
    vac = next(r for r in rows if r["apiVersion"] == "storage.k8s.io/v1beta1" and r["kind"] == "VolumeAttributesClass")
    assert vac["removedIn"] is None and vac["deprecatedIn"] == "v1.34.0"
    svm = next(r for r in rows if r["kind"] == "StorageVersionMigration")
    assert svm["deprecatedIn"] == svm["removedIn"] == "v1.35.0"


def test_duplicates_are_merged_on_api_version_and_kind() -> None:
    table = apiversions.api_table()
    assert len(table.entries) == 85
    entry = lookup("audit.k8s.io/v1alpha1", "Policy")
    assert entry is not None and entry.removed_in == (1, 24)


def test_flowcontrol_row_does_not_apply_to_real_kinds() -> None:
    schema = lookup("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema")
    assert schema is not None and schema.removed_in == (1, 29)
    assert schema.replacement == "flowcontrol.apiserver.k8s.io/v1beta3"
    odd = lookup("flowcontrol.apiserver.k8s.io/v1beta1", "FlowControl")
    assert odd is not None and odd.removed_in == (1, 26)


def test_release_semantics_of_quirk_rows() -> None:
    vac = lookup("storage.k8s.io/v1beta1", "VolumeAttributesClass")
    assert vac is not None
    assert vac.is_deprecated_at((1, 36)) and not vac.is_removed_at((1, 99))
    assert not vac.is_deprecated_at((1, 33))
    svm = lookup("storagemigration.k8s.io/v1alpha1", "StorageVersionMigration")
    assert svm is not None
    assert svm.is_removed_at((1, 35)) and not svm.is_deprecated_at((1, 35))
    assert not svm.is_removed_at((1, 34)) and not svm.is_deprecated_at((1, 34))
    rs = lookup("apps/v1beta1", "ReplicaSet")
    assert rs is not None and rs.deprecated_in is None and not rs.is_deprecated_at((1, 15))
    priority = lookup("scheduling.k8s.io/v1alpha1", "PriorityClass")
    assert priority is not None and not priority.replacement_unavailable_at((1, 0))
    psp = lookup("policy/v1beta1", "PodSecurityPolicy")
    assert psp is not None and psp.replacement is None


def test_newest_release_is_the_default_target() -> None:
    assert apiversions.newest_release() == (1, 36)
    assert target_release(None) == (1, 36)
    assert target_release("not a version") == (1, 36)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.29", (1, 29)), ("v1.29", (1, 29)), ("1.29.3", (1, 29)), ("v1.9.0", (1, 9)), ("1", None), (129, None)],
)
def test_parse_release(text: object, expected: tuple[int, int] | None) -> None:
    assert parse_release(text) == expected


def test_component_target_versions() -> None:
    assert target_release("k8s=v1.25.0,cert-manager=v1.6.0") == (1, 25)
    assert target_release("cert-manager=v1.6.0") == (1, 36)


def test_releases_compare_numerically() -> None:
    entry = lookup("apps/v1beta1", "Deployment")
    assert entry is not None
    assert entry.is_removed_at((1, 100)) and not entry.is_removed_at((1, 9))


def test_build_table_refuses_unknown_schema_version() -> None:
    with pytest.raises(ValueError, match="schemaVersion"):
        build_table({"schemaVersion": 99, "apis": []})


def test_every_rule_example_honours_its_fixture_config() -> None:
    """The registry's example runner has no configuration; these examples need a target version."""
    from tests.helpers import registry

    for rule_id in ("removed-api-version", "deprecated-api-version", "api-replacement-unavailable"):
        meta = registry().rules.get(rule_id)
        if meta is None:
            continue
        for text, should_fire in ((meta.meta.examples.fail, True), (meta.meta.examples.pass_, False)):
            config = _config_of(text)
            report = lint_text(text, select=[rule_id], config=config)
            fired = any(f.rule_id == rule_id for f in report.findings)
            assert fired is should_fire, f"{rule_id}: example ({'fail' if should_fire else 'pass'})"


def _config_of(text: str) -> dict[str, Any]:
    first = text.splitlines()[0] if text else ""
    match = re.match(r"^#\s*fixture-config:\s*(\{.*\})\s*$", first)
    return json.loads(match.group(1)) if match else {}
