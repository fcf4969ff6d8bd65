"""Scenario: a mixed Linux/Windows cluster (fixtures/scenarios/windows-mixed-cluster.yaml).

Runs every rule of the windows-workloads pack (the opt-in toleration rule included) over one
realistic bundle and asserts the exact (rule id, line) set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubelint_py.model import Source
from tests.helpers import FIXTURES, lint_sources, registry

SCENARIO = FIXTURES / "scenarios" / "windows-mixed-cluster.yaml"


def _pack_ids() -> list[str]:
    return sorted(r.id for r in registry().rules.values() if r.meta.document == "windows-workloads")


def _findings(text: str | None = None, config: Mapping[str, Any] | None = None) -> set[tuple[str, int]]:
    raw = SCENARIO.read_bytes() if text is None else text.encode("utf-8")
    report = lint_sources([Source("windows-mixed-cluster.yaml", raw)], select=_pack_ids(), config=config)
    assert not [f for f in report.findings if f.rule_id in ("yaml-syntax", "internal-error")]
    return {(f.rule_id, f.span.start.line) for f in report.findings}


def _line(anchor: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `anchor` (keeps the expectations readable)."""
    seen = 0
    for number, line in enumerate(SCENARIO.read_text(encoding="utf-8").splitlines(), start=1):
        if anchor in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{anchor!r} not found")


EXPECTED = {
    # IIS app: targeted by nodeSelector only, build not pinned, no memory limit,
    # a Linux-only field, a POSIX mode on its TLS secret
    ("windows-os-field-missing", 37),
    ("windows-build-selector-missing", 46),
    ("windows-memory-resources-missing", 49),
    ("windows-linux-only-field", 52),
    ("windows-file-mode-ignored", 59),
    # Windows node agent: HostProcess (consistent: hostNetwork true, pod-level flag)
    ("windows-hostprocess-container", 87),
    # Linux log collector and web app, not pinned to Linux in a mixed cluster
    ("linux-daemonset-missing-os-selector", 105),
    ("linux-workload-missing-os-selector", 126),
}


def test_the_scenario_rules_belong_to_the_pack() -> None:
    # derived, not counted: rules are added to the pack over time
    assert {rule for rule, _ in EXPECTED} <= set(_pack_ids())


def test_expected_lines_point_at_the_right_fields() -> None:
    assert _line("kubernetes.io/os: windows") == 37
    assert _line("windowsservercore-ltsc2022") == 46
    assert _line("resources:") == 49  # no limits block: the finding points at resources
    assert _line("readOnlyRootFilesystem: true") == 52
    assert _line("defaultMode: 0400") == 59
    assert _line("hostProcess: true") == 87
    assert _line("    spec:", 3) == 105  # fluent-bit pod spec (no nodeSelector to point at)
    assert _line("    spec:", 4) == 126  # web pod spec


def test_mixed_cluster_findings() -> None:
    assert _findings() == EXPECTED


def test_declared_linux_only_cluster_silences_the_linux_pinning_rules() -> None:
    config = {"settings": {"cluster": {"windowsNodes": False}}}
    assert _findings(config=config) == EXPECTED - {
        ("linux-daemonset-missing-os-selector", 105),
        ("linux-workload-missing-os-selector", 126),
    }


def test_custom_windows_taint_is_not_tolerated_by_the_iis_app() -> None:
    config = {"settings": {"cluster": {"windowsTaint": "node.example.com/windows=true:NoSchedule"}}}
    # the exporter tolerates only key `os`; neither tolerates the custom taint
    assert _findings(config=config) == EXPECTED | {
        ("windows-toleration-missing", _line("tolerations:", 1)),
        ("windows-toleration-missing", _line("tolerations:", 2)),
    }


def test_linux_part_alone_is_not_a_mixed_cluster() -> None:
    documents = SCENARIO.read_text(encoding="utf-8").split("\n---\n")
    keep = ("{name: fluent-bit,", "{name: web,", "{name: sitemap,")
    linux_only = "\n---\n".join(d for d in documents if any(name in d for name in keep))
    assert linux_only.count("kind: ") == 3 and "mcr.microsoft.com" not in linux_only
    assert _findings(linux_only) == set()
