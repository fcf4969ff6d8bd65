"""`kubelint init` (issue 9): the starter .kubelint.yaml lists every key of the configuration
schema with its real default, and loads with the real configuration loader."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubelint_py.cli import main
from kubelint_py.config.config import Config, load_config, load_schema
from kubelint_py.config.init_config import FALLBACK_DESCRIPTIONS, defaults, schema_keys, starter_config
from kubelint_py.input.loader import LoadOptions
from kubelint_py.run.pipeline import _load_options

_KEY_LINE = re.compile(r"^(\s*)# ([A-Za-z]+):(\s|$)")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUBELINT_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    yield tmp_path


def _leaf_names() -> set[str]:
    return {key.rsplit(".", 1)[-1] for key in schema_keys() if "[]" not in key}


def _uncommented(text: str) -> str:
    """The starter with every commented-out key (not the list-item example) switched on."""
    names = _leaf_names()
    out = []
    for line in text.splitlines():
        match = _KEY_LINE.match(line)
        if match and match.group(2) in names:
            line = match.group(1) + line[match.end(1) + 2 :]
        out.append(line)
    return "\n".join(out) + "\n"


def test_every_schema_key_is_written_with_a_description() -> None:
    text = starter_config()
    for key in schema_keys():
        name = key.rsplit(".", 1)[-1].removeprefix("exemptions[].")
        assert re.search(rf"^[ #-]*{re.escape(name)}:", text, re.MULTILINE), f"{key} is missing"
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^\s*(# )?[A-Za-z]+:", line) and not line.lstrip().startswith("# Documentation"):
            assert lines[number - 1].lstrip().startswith("#"), f"no description above {line!r}"
    schema_props = load_schema("config.schema.json")["properties"]
    assert "# " + schema_props["failOn"]["description"] in text


def test_fallback_descriptions_are_only_for_keys_the_schema_leaves_undescribed() -> None:
    schema = load_schema("config.schema.json")

    def spec_of(key: str) -> Any:
        node: Any = schema
        for part in key.split("."):
            if part.endswith("[]"):
                node = node["properties"][part[:-2]]["items"]
            else:
                node = node["properties"][part]
        return node

    undescribed = {key for key in schema_keys() if not spec_of(key).get("description")}
    assert undescribed == set(FALLBACK_DESCRIPTIONS)


def test_the_starter_loads_with_the_real_loader_and_changes_nothing(repo: Path) -> None:
    (repo / ".kubelint.yaml").write_text(starter_config())
    loaded = load_config(None, repo, {"HOME": str(repo)})
    assert loaded.path is not None
    plain = Config()
    for name in Config._fields:
        if name not in ("path", "base_dir"):
            assert getattr(loaded, name) == getattr(plain, name), name


def test_the_commented_defaults_are_valid_and_are_the_defaults(repo: Path) -> None:
    text = _uncommented(starter_config())
    assert "\n# settings:" not in text and "\nsettings:\n" in text
    (repo / ".kubelint.yaml").write_text("{}\n")  # what the example `extends` names
    (repo / "app").mkdir()
    (repo / "app" / ".kubelint.yaml").write_text(text)
    loaded = load_config(None, repo / "app", {"HOME": str(repo)})
    assert _load_options(loaded) == LoadOptions()
    assert loaded.settings["cluster"]["windowsTaint"] == defaults()["settings.cluster.windowsTaint"]
    assert loaded.namespace == "default"


def test_cli_init_refuses_to_overwrite_without_force(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    written = repo / ".kubelint.yaml"
    assert written.read_text() == starter_config()
    assert stat.S_IMODE(written.stat().st_mode) == 0o644
    written.write_text("failOn: error\n")
    assert main(["init"]) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert written.read_text() == "failOn: error\n"
    assert main(["init", "--force"]) == 0
    assert written.read_text() == starter_config()
    assert main(["init", "other/kubelint.yaml"]) == 2  # the directory does not exist
    assert main(["lint", "--config", ".kubelint.yaml", str(written)]) in (0, 1)  # a valid configuration
