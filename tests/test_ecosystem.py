"""The ecosystem snapshot: findings on ../shared/realworld, one project at a time, as committed.

A change in a rule shows here as a reviewable diff; `python scripts/ecosystem.py --update`
records an intended one. Skipped where the corpus is not beside the clone.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.helpers import ROOT

_spec = importlib.util.spec_from_file_location("ecosystem", ROOT / "scripts" / "ecosystem.py")
assert _spec and _spec.loader
ecosystem = importlib.util.module_from_spec(_spec)
sys.modules["ecosystem"] = ecosystem
_spec.loader.exec_module(ecosystem)


@pytest.mark.slow  # every real-world project, each linted in a child process
@pytest.mark.skipif(not ecosystem.DEFAULT_CORPUS.is_dir(), reason="../shared/realworld is not beside the clone")
@pytest.mark.parametrize(
    "project", ecosystem.projects(ecosystem.DEFAULT_CORPUS) if ecosystem.DEFAULT_CORPUS.is_dir() else []
)
def test_findings_match_the_snapshot(project: str) -> None:
    now = ecosystem.lint_project(ecosystem.DEFAULT_CORPUS, project)
    lines = ecosystem.diff(project, ecosystem.read_snapshot(project), now)
    assert not lines, "\n".join(lines[:80]) + "\n(python scripts/ecosystem.py --update if intended)"


def test_every_verdict_names_a_known_verdict() -> None:
    verdicts = ecosystem.read_verdicts()
    assert verdicts, "the verdicts file is empty"
