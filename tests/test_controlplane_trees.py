"""Control-plane node trees (fixtures/control-plane/): a kubeadm default node and a hardened one.

The kubeadm tree is what `kubeadm init` writes for v1.31 (static pods with their real default
flags, the KubeletConfiguration as kubeadm renders it, an admin.conf kubeconfig). Among the
control-plane rules (§7, §9.4, §10) it must show exactly what a CIS benchmark flags: no
anonymous-auth=false, no kubelet CA, no encryption at rest, no audit log. The hardened tree
(etcd configured through --config-file, encryption with KMS v2, audit policy and log on a
hostPath) must be clean.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from kubelint_py.model import DocType, Report, Severity, Source
from kubelint_py.output.reporters import FORMATS, ReportOptions, render
from kubelint_py.run.pipeline import LintRequest, run_lint
from tests.helpers import FIXTURES, ROOT, lint_sources, make_config, registry

TREES = FIXTURES / "control-plane"
DOCUMENTS = ("securing-etcd", "incident-response")
CLUSTER_HARDENING_IDS = (
    "apiserver-anonymous-auth-enabled",
    "apiserver-authorization-insecure",
    "apiserver-admission-weak",
    "apiserver-static-credentials",
    "apiserver-kubelet-tls-unverified",
    "kubelet-anonymous-auth-enabled",
    "kubelet-authorization-always-allow",
    "kubelet-read-only-port-enabled",
    "kubelet-weak-setting",
)


def _control_plane_ids() -> list[str]:
    ids = [rid for rid, r in registry().rules.items() if r.meta.document in DOCUMENTS]
    return sorted({*ids, *CLUSTER_HARDENING_IDS})


def _sources(tree: Path, *, skip: tuple[str, ...] = (), replace: dict[str, str] | None = None) -> list[Source]:
    sources: list[Source] = []
    for path in sorted(p for p in tree.rglob("*") if p.suffix in (".yaml", ".yml")):
        rel = path.relative_to(ROOT).as_posix()
        if path.name in skip:
            continue
        data = path.read_bytes()
        if replace and path.name in replace:
            data = replace[path.name].encode()
        sources.append(Source(rel, data))
    return sources


def _findings(report: Report) -> set[tuple[str, int, str]]:
    return {
        (Path(f.file).relative_to(Path("fixtures/control-plane")).as_posix(), f.span.start.line, f.rule_id)
        for f in report.findings
    }


def test_the_control_plane_rules_are_registered_and_scoped_to_control_plane_documents() -> None:
    """No count of them (a new rule must not have to edit this file): every rule of the two
    control-plane documents is scoped to control-plane document types, and the cluster
    hardening rules this tree exercises exist."""
    rules = registry().rules
    assert set(CLUSTER_HARDENING_IDS) <= set(rules)
    control_plane = {
        DocType.APISERVER_STATIC_POD,
        DocType.ETCD_STATIC_POD,
        DocType.ETCD_CONFIG,
        DocType.AUDIT_POLICY,
        DocType.ENCRYPTION_CONFIG,
        DocType.KUBELET_CONFIG,
    }
    for rule_id in _control_plane_ids():
        scope = rules[rule_id].meta.scope
        assert scope.doc_types and scope.doc_types <= control_plane and not scope.kinds, rule_id


def test_kubeadm_default_tree_shows_what_cis_flags() -> None:
    report = lint_sources(_sources(TREES / "kubeadm-default"), select=_control_plane_ids())
    apiserver = "kubeadm-default/manifests/kube-apiserver.yaml"
    assert _findings(report) == {
        (apiserver, 14, "apiserver-anonymous-auth-enabled"),
        (apiserver, 14, "apiserver-kubelet-tls-unverified"),
        (apiserver, 14, "apiserver-encryption-config-missing"),
        (apiserver, 14, "apiserver-audit-log-disabled"),
    }
    severities = {f.rule_id: f.severity for f in report.findings}
    assert severities["apiserver-encryption-config-missing"] is Severity.ERROR
    assert severities["apiserver-anonymous-auth-enabled"] is Severity.WARNING


def test_hardened_tree_is_clean() -> None:
    report = lint_sources(_sources(TREES / "hardened"), select=_control_plane_ids())
    assert not report.findings, [f.message for f in report.findings]


def test_directory_walk_like_kubelint_lint_etc_kubernetes() -> None:
    """`kubelint lint <tree>`: discovery reads the manifests, skips pki and admin.conf."""
    request = LintRequest(
        paths=[str(TREES / "kubeadm-default")], select=_control_plane_ids(), plugins=False, raise_errors=True, cwd=ROOT
    )
    report = run_lint(request, make_config(), registry())
    assert not report.errors
    assert {f.rule_id for f in report.findings} == {
        "apiserver-anonymous-auth-enabled",
        "apiserver-kubelet-tls-unverified",
        "apiserver-encryption-config-missing",
        "apiserver-audit-log-disabled",
    }
    assert not any("admin.conf" in f for f in report.files)
    request = LintRequest(
        paths=[str(TREES / "hardened")], select=_control_plane_ids(), plugins=False, raise_errors=True, cwd=ROOT
    )
    assert not run_lint(request, make_config(), registry()).findings


def test_etcd_config_file_finding_points_back_to_the_flag() -> None:
    conf = (TREES / "hardened" / "etcd" / "etcd.conf.yml").read_text()
    weakened = conf.replace(
        "  client-cert-auth: true\n  trusted-ca-file: /etc/kubernetes/pki/etcd/ca.crt\n  auto-tls",
        "  client-cert-auth: false\n  trusted-ca-file: /etc/kubernetes/pki/etcd/ca.crt\n  auto-tls",
        1,
    )
    assert weakened != conf
    report = lint_sources(
        _sources(TREES / "hardened", replace={"etcd.conf.yml": weakened}), select=_control_plane_ids()
    )
    assert _findings(report) == {("hardened/etcd/etcd.conf.yml", 15, "etcd-client-cert-auth-disabled")}
    (finding,) = report.findings
    assert finding.related, "the finding names the static pod that loads the file"
    assert finding.related[0].file.endswith("hardened/manifests/etcd.yaml")
    assert finding.related[0].span.start.line == 16


def test_etcd_config_file_missing_from_input() -> None:
    report = lint_sources(_sources(TREES / "hardened", skip=("etcd.conf.yml",)), select=_control_plane_ids())
    assert _findings(report) == {("hardened/manifests/etcd.yaml", 16, "etcd-config-file-not-provided")}


def test_audit_policy_and_encryption_config_linked_from_flags() -> None:
    policy = (TREES / "hardened" / "audit" / "policy.yaml").read_text()
    dropped = policy.replace(
        "rules:\n", 'rules:\n  - level: None\n    resources:\n      - group: ""\n        resources: ["secrets"]\n', 1
    )
    report = lint_sources(
        _sources(TREES / "hardened", replace={"policy.yaml": dropped}), select=["audit-secret-access-not-logged"]
    )
    (finding,) = report.findings
    assert finding.file.endswith("hardened/audit/policy.yaml")
    assert [loc.file.rsplit("/", 2)[-1] for loc in finding.related] == ["kube-apiserver.yaml"]


_KEY = base64.b64encode(bytes(range(200, 232))).decode()
_INLINE = f"""\
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ["secrets"]
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: "{_KEY}"
            - name: key2
              secret: "{_KEY[:-4]}"
      - identity: {{}}
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_key_material_and_kubeconfig_never_printed(fmt: str) -> None:
    admin = (TREES / "kubeadm-default" / "admin.conf").read_bytes()
    report = lint_sources([Source("enc/encryption-config.yaml", _INLINE.encode()), Source("admin.conf", admin)])
    ids = {f.rule_id for f in report.findings}
    assert {"encryption-key-material-inline", "encryption-key-invalid", "encryption-provider-not-recommended"} <= ids
    text = render(fmt, report, ReportOptions(fail_on=Severity.ERROR, exit_code=1, verbose=True))
    client_key = admin.decode().split("client-key-data: ")[1].split()[0]
    for secret in (_KEY, _KEY[:-4], client_key, base64.b64decode(client_key).decode()):
        assert secret not in text
    assert not [f for f in report.findings if f.file == "admin.conf"]


def test_show_source_does_not_print_block_style_keys() -> None:
    report = lint_sources([Source("enc.yaml", _INLINE.encode())])
    lines = _INLINE.splitlines()
    options = ReportOptions(
        fail_on=Severity.ERROR,
        exit_code=1,
        show_source=True,
        verbose=True,
        read_line=lambda _file, line: lines[line - 1] if 0 < line <= len(lines) else None,
    )
    text = render("text", report, options)
    assert "encryption-key-material-inline" in text
    assert _KEY not in text and _KEY[:-4] not in text


def test_encryption_config_finding_points_back_to_the_flag() -> None:
    enc = (TREES / "hardened" / "enc" / "encryption-config.yaml").read_text()
    weakened = enc.replace("    providers:\n", "    providers:\n      - identity: {}\n", 1)
    report = lint_sources(
        _sources(TREES / "hardened", replace={"encryption-config.yaml": weakened}), select=["encryption-identity-first"]
    )
    (finding,) = report.findings
    assert finding.file.endswith("hardened/enc/encryption-config.yaml") and finding.span.start.line == 8
    (related,) = finding.related
    assert related.file.endswith("hardened/manifests/kube-apiserver.yaml")
    assert "encryption-provider-config" in related.label
