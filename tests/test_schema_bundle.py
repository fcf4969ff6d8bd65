"""The schema bundle shipped in the wheel: regenerated from its source it is unchanged, it
covers every release from 1.25 on, and reading it parses only what is asked for."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zlib
from importlib import resources

import pytest

from kubelint_py.k8s import schema_bundle as sb
from tests.helpers import ROOT


def test_bundle_is_package_data() -> None:
    assert (resources.files("kubelint_py") / "data" / sb.DATA_FILE).is_file()


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("kubernetes_validate") is None, reason="needs the dev extra")
def test_bundle_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_schema_bundle.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_covers_every_release_from_1_25() -> None:
    bundle = sb.schema_bundle()
    first, last = bundle.releases[0], bundle.releases[-1]
    assert first == (1, 25) and last >= (1, 36)
    assert bundle.releases == tuple((1, minor) for minor in range(25, last[1] + 1))


def test_kinds_and_definitions_of_a_release() -> None:
    bundle = sb.schema_bundle()
    kinds = bundle.kinds((1, 30))
    assert kinds[("apps/v1", "Deployment")] == "io.k8s.api.apps.v1.Deployment"
    assert ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema") not in kinds  # removed in 1.29
    assert ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema") in bundle.kinds((1, 28))
    spec = bundle.definitions((1, 30))["io.k8s.api.core.v1.PodSpec"]
    assert spec["properties"]["containers"]["items"] == {"$ref": "io.k8s.api.core.v1.Container"}
    assert "description" not in spec["properties"]["containers"]


def test_a_field_added_later_is_absent_from_earlier_releases() -> None:
    bundle = sb.schema_bundle()
    before = bundle.definitions((1, 25))["io.k8s.api.core.v1.PodSpec"]["properties"]
    after = bundle.definitions((1, 26))["io.k8s.api.core.v1.PodSpec"]["properties"]
    assert "schedulingGates" not in before and "schedulingGates" in after


def test_definitions_are_parsed_on_first_use() -> None:
    bundle = sb.SchemaBundle((resources.files("kubelint_py") / "data" / sb.DATA_FILE).read_bytes())
    defs = bundle.definitions((1, 36))
    assert len(defs) > 700 and bundle._parsed == {}
    assert defs["io.k8s.api.core.v1.Container"]["properties"]["image"] == {"type": "string"}
    assert len(bundle._parsed) == 1
    assert "io.k8s.api.core.v1.NoSuchThing" not in defs


def test_identical_definitions_are_stored_once() -> None:
    bundle = sb.schema_bundle()
    ids = {bundle._ids(release)["io.k8s.api.core.v1.ConfigMap"] for release in bundle.releases}
    assert len(ids) == 1


@pytest.mark.parametrize(
    ("release", "expected"), [((1, 20), (1, 25)), ((1, 30), (1, 30)), ((1, 99), None), ((2, 0), None)]
)
def test_nearest_release(release: tuple[int, int], expected: tuple[int, int] | None) -> None:
    bundle = sb.schema_bundle()
    assert bundle.nearest(release) == (expected or bundle.releases[-1])


def test_groups_of_every_release() -> None:
    groups = sb.schema_bundle().groups()
    assert {"", "apps", "batch", "networking.k8s.io", "resource.k8s.io"} <= groups
    assert "monitoring.coreos.com" not in groups


def test_unknown_format_is_refused() -> None:
    data = zlib.compress(b'{"format": 99}\n')
    with pytest.raises(ValueError, match="format 99"):
        sb.SchemaBundle(data)


def test_bundle_ships_in_the_wheel() -> None:
    """The data file's pattern is in the package data, and nothing at run time needs the source."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]["kubelint_py"]
    assert f"data/*{sb.DATA_FILE[sb.DATA_FILE.rindex('.') :]}" in package_data
    dependencies = " ".join(config["project"]["dependencies"])
    assert "kubernetes-validate" not in dependencies
    assert "schemas" not in config["project"]["optional-dependencies"]
