"""Scenario: a release whose rollback is impossible (fixtures/scenarios/rollback-impossible.yaml).

Runs every rule of the traffic-spike and failed-deployment packs over one realistic bundle
(ConfigMap, Deployment, Service, HPA, PDB, StatefulSet, Helm hook Job) and asserts the exact
(rule id, line) set: the serving side is prepared for traffic (HPA, PDB, spread, preStop,
requests), so every finding is one of the reasons `kubectl rollout undo` / `helm rollback`
cannot bring the old version back. Then checks that the fixes make each finding go away.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubelint_py.model import Source
from tests.helpers import FIXTURES, lint_sources, registry

SCENARIO = FIXTURES / "scenarios" / "rollback-impossible.yaml"
TEXT = SCENARIO.read_text(encoding="utf-8")
DIGEST = "sha256:" + "4f" * 32


def _pack_ids(*documents: str) -> list[str]:
    return sorted(r.id for r in registry().rules.values() if r.meta.document in documents)


PACKS = ("traffic-spike", "failed-deployment")


def _findings(text: str = TEXT, config: Mapping[str, Any] | None = None) -> set[tuple[str, int]]:
    report = lint_sources(
        [Source("rollback-impossible.yaml", text.encode("utf-8"))], select=_pack_ids(*PACKS), config=config
    )
    assert not [f for f in report.findings if f.rule_id in ("yaml-syntax", "internal-error")]
    pairs = [(f.rule_id, f.span.start.line) for f in report.findings]
    assert len(pairs) == len(set(pairs)), "one finding per rule and line"
    return set(pairs)


def _line(anchor: str, occurrence: int = 1, text: str = TEXT) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if anchor in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{anchor!r} not found")


EXPECTED = {
    # Deployment shop/web
    ("rollback-history-disabled", 17),  # revisionHistoryLimit: 0
    ("progress-deadline-too-long", 18),  # progressDeadlineSeconds: 3600
    ("deployment-paused", 19),  # paused: true
    ("rollout-max-unavailable-all", 23),  # maxUnavailable: 100% of the HPA's 3
    ("readiness-probe-missing", 41),  # - name: web
    ("mutable-image-tag", 42),  # image: ...web:latest
    ("image-not-pinned-by-digest", 42),
    ("config-change-not-rolled", 45),  # configMapRef name: web-config
    ("liveness-probe-too-aggressive", 49),  # livenessProbe: 0 + 3 × 5 s
    # StatefulSet shop/sessions
    ("rollout-min-ready-seconds-zero", 112),  # spec: (minReadySeconds absent)
    ("rollback-history-disabled", 115),
    ("rollout-updates-blocked", 117),  # type: OnDelete
    ("image-not-pinned-by-digest", 128),  # image: redis:7.4
    ("liveness-equals-readiness", 132),
    # Job shop/web-migrate (helm hook)
    ("hook-job-without-deadline", 147),  # spec: (activeDeadlineSeconds absent)
    ("mutable-image-tag", 154),  # image without tag
}


def test_the_scenario_rules_belong_to_the_packs() -> None:
    # derived, not counted: rules are added to the packs over time
    assert {rule for rule, _ in EXPECTED} <= set(_pack_ids(*PACKS))


def test_expected_lines_are_the_offending_fields() -> None:
    lines = TEXT.splitlines()
    assert lines[16].strip() == "revisionHistoryLimit: 0"
    assert lines[22].strip() == "maxUnavailable: 100%"
    assert lines[40].strip() == "- name: web"
    assert lines[41].strip() == "image: registry.example.com/shop/web:latest"
    assert lines[44].strip() == "name: web-config"
    assert lines[48].strip() == "livenessProbe:"
    assert lines[114].strip() == "revisionHistoryLimit: 0"
    assert lines[116].strip() == "type: OnDelete"
    assert lines[131].strip() == "livenessProbe:"
    assert lines[146].strip() == "spec:" and "web-migrate" in lines[142]
    assert lines[153].strip() == "image: registry.example.com/shop/web-migrate"


def test_exact_findings() -> None:
    assert _findings() == EXPECTED


def test_same_findings_when_declared_complete() -> None:
    assert _findings(config={"assumeComplete": True}) == EXPECTED


def test_traffic_side_is_prepared() -> None:
    traffic = set(_pack_ids("traffic-spike"))
    assert not {rule for rule, _ in _findings()} & traffic


def test_fixing_the_release_clears_every_finding() -> None:
    fixed = (
        TEXT.replace("  revisionHistoryLimit: 0\n", "  revisionHistoryLimit: 5\n")
        .replace("  progressDeadlineSeconds: 3600\n", "  progressDeadlineSeconds: 600\n  minReadySeconds: 10\n")
        .replace("  paused: true\n", "")
        .replace("      maxUnavailable: 100%\n      maxSurge: 0\n", "      maxUnavailable: 1\n      maxSurge: 1\n")
        .replace("shop/web:latest", f"shop/web:1.8.0@{DIGEST}")
        .replace("shop/web-migrate\n", f"shop/web-migrate:1.8.0@{DIGEST}\n")
        .replace("redis:7.4", f"redis:7.4@{DIGEST}")
        .replace("    type: OnDelete\n", "    type: RollingUpdate\n")
        .replace("  backoffLimit: 6\n", "  backoffLimit: 1\n  activeDeadlineSeconds: 900\n")
        .replace(
            "          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n"
            "            periodSeconds: 5\n",
            "          readinessProbe:\n            httpGet: {path: /ready, port: http}\n"
            "          startupProbe:\n            httpGet: {path: /healthz, port: http}\n"
            "            failureThreshold: 30\n"
            "          livenessProbe:\n            httpGet: {path: /healthz, port: http}\n",
        )
        .replace(
            '          livenessProbe:\n            exec:\n              command: ["redis-cli", "ping"]\n',
            "          livenessProbe:\n            tcpSocket: {port: 6379}\n",
        )
        .replace(
            "      labels:\n        app: web\n",
            "      labels:\n        app: web\n      annotations:\n        checksum/config: 9a1c3e\n",
        )
    )
    assert fixed.count("checksum/config") == 1
    assert fixed.count("minReadySeconds") == 1
    # the StatefulSet keeps its readiness probe, so it needs minReadySeconds too
    fixed = fixed.replace("  serviceName: sessions\n", "  serviceName: sessions\n  minReadySeconds: 10\n")
    assert _findings(fixed) == set()


def test_kustomize_hash_suffix_also_rolls_config() -> None:
    hashed = TEXT.replace("web-config", "web-config-5h8d9f2b7k")
    assert ("config-change-not-rolled", 45) not in _findings(hashed)


def test_each_fix_removes_only_its_finding() -> None:
    no_pause = TEXT.replace("  paused: true\n", "")
    shifted = {(rule, line - 1 if line > 19 else line) for rule, line in EXPECTED if rule != "deployment-paused"}
    assert _findings(no_pause) == shifted
    history = TEXT.replace("  revisionHistoryLimit: 0\n  progressDeadlineSeconds", "  progressDeadlineSeconds")
    assert ("rollback-history-disabled", 17) not in _findings(history)
    assert ("rollback-history-disabled", _line("revisionHistoryLimit: 0", text=history)) in _findings(history)
