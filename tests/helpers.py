"""Shared test helpers: lint text or files in-process, read fixture configurations (the `# expect:`
markers are read by tests/fixture_markers.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from kubelint_py.config.config import Config, config_from_data, validate_config_data
from kubelint_py.k8s.credentials import _ANCHOR_BYTE_PARTS
from kubelint_py.model import Report, Source
from kubelint_py.registry.registry import Registry, build_registry
from kubelint_py.run.pipeline import LintRequest, run_lint

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
# Folders of fixtures/ that hold multi-rule material rather than one rule's fixtures.
NON_RULE_DIRS = frozenset(("scenarios", "helm", "kustomize", "control-plane", "hostile"))
_CONFIG_RE = re.compile(r"^#\s*fixture-config:\s*(\{.*\})\s*$")

# the CLI tests' inputs: a Pod with one finding at error severity (its name, namespace and image
# to fill in: the output tests put hostile text there), and a file that does not parse
PRIVILEGED_POD_TEMPLATE = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {namespace}
spec:
  containers:
    - name: shell
      image: {image}
      securityContext:
        privileged: true
"""
PRIVILEGED_POD = PRIVILEGED_POD_TEMPLATE.format(name="debug", namespace="tools", image="busybox:1.36")
BROKEN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [a\n"


@lru_cache(maxsize=1)
def registry() -> Registry:
    return build_registry(plugins=False)


def make_config(data: Mapping[str, Any] | None = None) -> Config:
    if not data:
        return Config()
    validate_config_data(data, "fixture-config")
    return config_from_data(data)


def lint_sources(
    sources: Sequence[Source],
    *,
    select: Sequence[str] = (),
    config: Mapping[str, Any] | None = None,
    assume_complete: bool = False,
    raise_errors: bool = True,
    cwd: Path = ROOT,
) -> Report:
    request = LintRequest(
        sources=sources,
        select=select,
        assume_complete=assume_complete,
        raise_errors=raise_errors,
        plugins=False,
        cwd=cwd,
    )
    return run_lint(request, make_config(config), registry())


def lint_text(text: str, *, name: str = "test.yaml", **kwargs: Any) -> Report:
    return lint_sources([Source(name, text.encode("utf-8"))], **kwargs)


def fixture_config(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return {}
    return text_config(text)


def text_config(text: str) -> dict[str, Any]:
    """The `# fixture-config: {json}` comment among the first lines of a fixture or example."""
    for line in text.splitlines()[:20]:
        match = _CONFIG_RE.match(line.strip())
        if match:
            loaded: dict[str, Any] = json.loads(match.group(1))
            return loaded
    return {}


def run_kubelint(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command line, in a child process (the environment as it is, but for a
    KUBELINT_CONFIG of the caller's)."""
    if env is None:
        env = {key: value for key, value in os.environ.items() if key != "KUBELINT_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "kubelint_py", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


# The credential pre-scan's anchor parts as one alternation: the search its part-at-a-time
# loop (credentials._no_anchor_anywhere) is held to
ANCHOR_BYTES_RE = re.compile(b"|".join(_ANCHOR_BYTE_PARTS))
