"""A CRD in the tree cannot stall a run with a backtracking `pattern`."""

from __future__ import annotations

import time
from pathlib import Path

from kubelint_py.k8s.bounded_regex import BoundedPattern, compile_bounded
from tests.hostile.support import lint_in_process, no_traceback

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                name: {type: string, pattern: "^(a|a)*$"}
                code: {type: string, pattern: "^[0-9]{3}$"}
"""
WIDGET = """\
---
apiVersion: example.com/v1
kind: Widget
metadata: {{name: w{n}, namespace: prod}}
spec: {{name: "{evil}", code: "{code}"}}
"""


def test_backtracking_crd_pattern_is_bounded(tmp_path: Path) -> None:
    evil = "a" * 40 + "!"  # ^(a|a)*$ backtracks 2**40 times, in re and in regex alike
    widgets = "".join(WIDGET.format(n=n, evil=evil, code="12x" if n == 0 else "123") for n in range(200))
    (tmp_path / "widgets.yaml").write_text(CRD + widgets)
    started = time.perf_counter()
    run = lint_in_process(["widgets.yaml", "--format", "json", "--fail-on", "never"], tmp_path)
    assert time.perf_counter() - started < 30
    assert no_traceback(run.out + run.err)
    findings = run.report()["findings"]
    assert not [f for f in findings if f["ruleId"] == "internal-error"]
    # the well-behaved pattern is still checked; the unbounded one is not reported as violated
    messages = [f["message"] for f in findings if f["ruleId"] == "custom-resource-schema-violation"]
    assert len(messages) == 1 and "spec.code" in messages[0], messages


def test_a_pattern_that_times_out_is_given_up() -> None:
    pattern = compile_bounded("^(a|a)*$")
    assert pattern is not None
    assert pattern.search("aaaa") is True
    spent = BoundedPattern.spent
    assert pattern.search("a" * 64 + "!") is None  # stopped, not "no match"
    assert pattern.search("aaaa") is None  # given up for the rest of the run
    assert BoundedPattern.spent - spent < 1.0
    assert compile_bounded("(unclosed") is None
