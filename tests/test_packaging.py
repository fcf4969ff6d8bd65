"""Every rules/ folder ships in the wheel; schemas ship too."""

from __future__ import annotations

import sys

from tests.helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


def test_every_rule_folder_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    packages = set(setuptools["packages"])
    package_dir = setuptools["package-dir"]
    for folder in sorted(p for p in (ROOT / "rules").iterdir() if p.is_dir() and not p.name.startswith("_")):
        name = f"kubelint_py.builtin_rules.{folder.name}"
        assert name in packages, f"{name} missing from [tool.setuptools] packages"
        assert package_dir.get(name) == f"rules/{folder.name}", f"{name} missing from package-dir"
        assert (folder / "__init__.py").exists(), f"rules/{folder.name} needs an __init__.py"
    for init in sorted((ROOT / "kubelint_py").rglob("__init__.py")):
        name = ".".join(init.parent.relative_to(ROOT).parts)
        assert name in packages, f"{name} missing from packages"


def test_schemas_are_package_data() -> None:
    from importlib import resources

    names = {p.name for p in resources.files("kubelint_py.schemas").iterdir()}
    assert {"config.schema.json", "rule.schema.json"} <= names
