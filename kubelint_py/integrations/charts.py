"""Helm charts and kustomizations on disk: a chart's name, and the bounded search of the
working directory for the directories holding a Chart.yaml or a kustomization."""

from __future__ import annotations

import os
import re
from pathlib import Path

from kubelint_py.input.confine import DEFAULT_MAX_BYTES, Tree, read_text

_CHART_NAME_RE = re.compile(r"""^name:\s*["']?([^"'#\s]+)["']?\s*(?:#.*)?$""", re.MULTILINE)
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_SKIP_DIRS = frozenset((".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox"))
SEARCH_DEPTH = 3  # charts/web, deploy/helm/web, k8s/charts/web
SEARCH_DIRS = 2000


def chart_name(chart_dir: Path, tree: Tree | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """`name:` of `chart_dir/Chart.yaml` (read with a regex: it is a flat top-level key); None
    when it is not a regular file, or not in `tree`."""
    path = chart_dir / "Chart.yaml"
    if tree is not None and not tree.contains(path):
        return None
    try:
        text = read_text(path, max_bytes)
    except OSError:
        return None
    match = _CHART_NAME_RE.search(text)
    return match.group(1) if match else None


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def search(cwd: Path) -> tuple[list[Path], list[Path]]:
    """(directories holding a Chart.yaml, directories holding a kustomization) under `cwd`, at
    most SEARCH_DEPTH levels down and SEARCH_DIRS directories visited; charts shallowest first,
    `cwd` itself is no chart here (the caller asks it first)."""
    found: list[tuple[int, str, Path]] = []
    kustomizations: list[Path] = []
    queue: list[tuple[Path, int]] = [(cwd, 0)]
    visited = 0
    while queue and visited < SEARCH_DIRS:
        directory, depth = queue.pop(0)
        visited += 1
        try:
            # by name: the order of the paths (one parent); DirEntry answers is_dir without a stat
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=_entry_name)
        except OSError:
            continue
        for entry in entries:
            if entry.name == "Chart.yaml" and directory != cwd:
                found.append((depth, directory.as_posix(), directory))
            elif entry.name in KUSTOMIZATION_FILES:
                kustomizations.append(directory)
            elif depth < SEARCH_DEPTH and entry.name not in _SKIP_DIRS and not entry.name.startswith("."):
                try:
                    if entry.is_dir(follow_symlinks=False):  # a directory, not a link to one
                        queue.append((directory / entry.name, depth + 1))
                except OSError:
                    continue
    return [path for _, _, path in sorted(found)], kustomizations
