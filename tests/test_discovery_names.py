"""Files found by walking a directory are shown as `display_path` shows each of them, however
the directory was named (the walk builds the names from its directory's, without pathlib)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubelint_py.input.discovery import Ignore, discover, display_path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "work" / "repo"
    for rel in ("a.yaml", "sub/b.yaml", "sub/deeper/c.yml", "sub/notes.txt", "odd name/d.json", "tab\there/e.yaml"):
        file = root / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("kind: ConfigMap\n")
    return root


@pytest.mark.parametrize(
    ("argument", "cwd_rel"),
    [
        (".", "."),
        ("sub", "."),
        ("sub/", "."),
        ("./sub/./deeper", "."),
        ("{root}", "."),  # absolute, inside the current directory
        ("{root}/sub", ".."),  # absolute, outside it
        ("../../sub", "sub/deeper"),
    ],
)
def test_walked_names_are_display_paths(
    tree: Path, argument: str, cwd_rel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd = (tree / cwd_rel).resolve()
    monkeypatch.chdir(cwd)
    path = argument.format(root=tree)
    sources = discover([path], cwd=cwd, ignore=Ignore([]))
    expected = []
    for dirpath, dirnames, filenames in os.walk(cwd / path):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml", ".json")):
                expected.append(display_path(Path(dirpath) / name, cwd))
    assert sorted(s.display for s in sources) == sorted(expected)
    assert all("\t" not in s.display for s in sources)  # a control character is shown escaped
    assert len(sources) == (5 if path in (".", str(tree)) else len(expected))
    assert len(expected) >= 1
