"""Other linters' equivalent checks (issue 18, "Moving from another linter"): the table of
kubelint_py/peers.py names existing rules and well-formed peer ids, and reaches `kubelint
explain`, `kubelint rules --format json`, the rule pages and the SARIF rule properties."""

from __future__ import annotations

import json
import re

import pytest

from kubelint_py.cli import main
from kubelint_py.model import Report
from kubelint_py.output.reporters import ReportOptions, render
from kubelint_py.output.ruledoc import rule_markdown, rule_record, rule_text
from kubelint_py.peers import (
    BY_NAME,
    EQUIVALENTS,
    PEER_NAMES,
    id_shape_ok,
    lookup,
    peers_of,
    rules_for,
    trivy_avd_id,
)
from kubelint_py.registry.registry import Registry, build_registry, scan_builtin


@pytest.fixture(scope="module")
def registry() -> Registry:
    return build_registry(plugins=False)


def test_every_rule_of_the_table_exists(registry: Registry) -> None:
    missing = sorted(set(EQUIVALENTS) - set(registry.rules))
    assert not missing, f"kubelint_py/peers.py names rules that do not exist: {missing}"


def test_every_peer_id_has_its_peers_shape() -> None:
    for rule_id, by_peer in EQUIVALENTS.items():
        assert by_peer, rule_id
        for peer, ids in by_peer.items():
            assert peer in PEER_NAMES, (rule_id, peer)
            assert ids and len(set(ids)) == len(ids), (rule_id, peer)
            for check in ids:
                assert id_shape_ok(peer, check), f"{rule_id}: {peer} id {check!r} is not shaped like {peer}'s ids"


def test_shapes_tell_the_peers_apart() -> None:
    assert id_shape_ok("checkov", "CKV_K8S_16") and id_shape_ok("checkov", "CKV2_K8S_5")
    assert not id_shape_ok("checkov", "CKV_AWS_20") and not id_shape_ok("checkov", "ckv_k8s_16")
    assert id_shape_ok("trivy", "KSV017") and id_shape_ok("trivy", "KCV0001")
    assert not id_shape_ok("trivy", "AVD-KSV-0017")  # kept short; the AVD form is derived
    assert id_shape_ok("polaris", "runAsPrivileged") and not id_shape_ok("polaris", "run-as-privileged")
    assert id_shape_ok("kube-linter", "privileged-container") and not id_shape_ok("kube-linter", "Privileged")
    assert id_shape_ok("kube-score", "container-security-context-privileged")


def test_the_table_is_sorted_and_peers_come_in_a_fixed_order() -> None:
    assert list(EQUIVALENTS) == sorted(EQUIVALENTS)
    for rule_id in EQUIVALENTS:
        assert list(peers_of(rule_id)) == [p for p in PEER_NAMES if p in EQUIVALENTS[rule_id]]
    assert peers_of("no-such-rule") == {}


def test_lookup_by_peer_id() -> None:
    assert rules_for("checkov", "CKV_K8S_16") == ("privileged-container",)
    assert rules_for("checkov", "ckv_k8s_16") == ("privileged-container",)
    assert rules_for("trivy", "AVD-KSV-0017") == rules_for("trivy", "KSV017") == ("privileged-container",)
    assert rules_for("polaris", "privilegeEscalationAllowed") == ("privilege-escalation-allowed",)
    assert rules_for("kube-score", "container-resources") == ("memory-limit-missing", "resource-requests-missing")
    assert rules_for("kube-linter", "cpu-limits-everywhere") == ()
    assert trivy_avd_id("KSV017") == "AVD-KSV-0017" and trivy_avd_id("KCV0001") == "AVD-KCV-0001"
    # a name several peers use is found in each of them; `peer:` narrows it down
    assert [peer for peer, _, _ in lookup("privileged-container")] == ["kube-linter"]
    assert lookup("polaris:hostNetworkSet") == [("polaris", "hostNetworkSet", ("host-namespace-shared",))]
    assert lookup("polaris:host-network") == []


def test_the_registry_fills_in_the_metadata(registry: Registry) -> None:
    meta = registry.rules["privileged-container"].meta
    assert meta.peers["checkov"] == ("CKV_K8S_16",)
    assert meta.peers["kube-linter"] == ("privileged-container",)
    assert registry.rules["yaml-syntax"].meta.peers == {}
    # not part of the rule's identity: the index and the modules still compare equal
    scanned = Registry()
    scan_builtin(scanned)
    assert scanned.rules["privileged-container"].meta.peers == meta.peers
    assert scanned.rules["privileged-container"].meta == meta


def test_explain_rules_json_pages_and_sarif_show_them(registry: Registry) -> None:
    meta = registry.rules["host-namespace-shared"].meta
    text = rule_text(meta)
    assert "Equivalent checks in other linters:" in text
    assert "    kube-linter: host-ipc, host-network, host-pid" in text
    assert "    Trivy: KSV008 (AVD-KSV-0008), KSV009 (AVD-KSV-0009), KSV010 (AVD-KSV-0010)" in text
    page = rule_markdown(meta)
    assert "## Other linters" in page and "- Polaris: `hostIPCSet`, `hostNetworkSet`, `hostPIDSet`" in page
    assert rule_record(meta)["peers"] == {p: list(ids) for p, ids in EQUIVALENTS["host-namespace-shared"].items()}
    assert rule_record(registry.rules["yaml-syntax"].meta)["peers"] == {}
    report = Report(findings=(), rules=(meta, registry.rules["yaml-syntax"].meta), files=())
    sarif = json.loads(render("sarif", report, ReportOptions(fail_on=None, exit_code=0)))
    props = {r["id"]: r["properties"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert props["host-namespace-shared"]["peers"]["checkov"] == ["CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"]
    assert "peers" not in props["yaml-syntax"]


def test_cli_explain_by_peer_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "CKV_K8S_16"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Checkov check CKV_K8S_16: kubelint rule privileged-container\n\n")
    assert "privileged-container: Container runs privileged" in out
    assert main(["explain", "privilegeEscalationAllowed"]) == 0
    assert "Polaris check privilegeEscalationAllowed: kubelint rule privilege-escalation-allowed" in (
        capsys.readouterr().out
    )
    assert main(["explain", "AVD-KSV-0017"]) == 0
    assert capsys.readouterr().out.startswith("Trivy check KSV017: kubelint rule privileged-container")
    # several rules: listed, with their titles
    assert main(["explain", "kube-score:container-resources"]) == 0
    listed = capsys.readouterr().out
    assert "kube-score check container-resources: 2 kubelint rules report the same problem:" in listed
    assert re.search(r"^  memory-limit-missing  Container has no memory limit$", listed, re.MULTILINE)
    assert re.search(r"^  resource-requests-missing  ", listed, re.MULTILINE)
    # a rule id wins over a peer check of the same name
    assert main(["explain", "privileged-container"]) == 0
    assert capsys.readouterr().out.startswith("privileged-container: Container runs privileged")
    # a peer check kubelint has no equivalent for says so
    assert main(["explain", "CKV_K8S_11"]) == 2
    assert "Checkov check CKV_K8S_11 has no kubelint equivalent" in capsys.readouterr().err
    assert main(["explain", "polaris:cpuLimitsMissing"]) == 2
    assert "Polaris check cpuLimitsMissing has no kubelint equivalent" in capsys.readouterr().err
    assert main(["explain", "not-a-rule"]) == 2
    assert 'unknown rule "not-a-rule"' in capsys.readouterr().err


def test_cli_rules_json_has_the_peers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--all", "--format", "json"]) == 0
    records = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert records["privileged-container"]["peers"]["polaris"] == ["runAsPrivileged"]
    assert all(isinstance(r["peers"], dict) for r in records.values())


def test_peer_titles() -> None:
    assert [BY_NAME[p].title for p in PEER_NAMES] == ["kube-linter", "kube-score", "Polaris", "Checkov", "Trivy"]
