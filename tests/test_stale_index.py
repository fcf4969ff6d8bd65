"""A stale rule index stops the rule with a message that names the fix, not an internal error
that asks for a bug report (a newcomer who changed a rule's title met the latter)."""

from __future__ import annotations

import pytest

from kubelint_py.model import Source, StaleGeneratedFile
from kubelint_py.registry import builtin
from kubelint_py.registry.builtin import DeferredCheck
from kubelint_py.registry.registry import build_registry
from tests import helpers
from tests.helpers import lint_sources

POD = b"""\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: c, image: nginx:1.27, securityContext: {privileged: true}}
"""


def test_a_rule_missing_from_its_module_names_the_regenerate_command() -> None:
    with pytest.raises(StaleGeneratedFile, match=r"out of date: run `python scripts/generate.py`"):
        DeferredCheck("rules.cluster_hardening.security_context", "no_such_rule", run=False)()


def test_the_finding_says_the_index_is_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    def stale(module: str, attribute: str) -> object:
        raise StaleGeneratedFile(f"{module}.{attribute}: the index is out of date: run `python scripts/generate.py`")

    monkeypatch.setattr(builtin, "_real_rule", stale)
    # a registry of its own: the suite's shared one has loaded the real check already
    monkeypatch.setattr(helpers, "registry", lambda: build_registry(plugins=False))
    report = lint_sources([Source("pod.yaml", POD)], select=["privileged-container"], raise_errors=False)
    [finding] = [f for f in report.findings if f.rule_id == "internal-error"]
    assert "rule privileged-container could not run: " in finding.message
    assert "run `python scripts/generate.py`" in finding.message and "report it" not in finding.message
