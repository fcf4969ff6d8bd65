"""`kubelint init --from kube-linter|polaris FILE` (issue 18, "Moving from another linter"):
the peer's configuration, written the way its documentation shows it, becomes a commented
.kubelint.yaml that the real loader accepts, with what could not be translated said at the top."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubelint_py.cli import main
from kubelint_py.config.config import Config, ConfigError, load_config
from kubelint_py.config.peer_config import translated_config
from kubelint_py.model import Severity
from kubelint_py.registry.registry import build_registry


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUBELINT_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    yield tmp_path


def _translate(repo: Path, peer: str, text: str) -> tuple[str, Config]:
    source = repo / f"{peer}-config.yaml"
    source.write_text(text)
    written = translated_config(peer, source)
    (repo / ".kubelint.yaml").write_text(written)
    return written, load_config(None, repo, {"HOME": str(repo)})


def _comment_of(text: str, line_start: str) -> str:
    match = re.search(rf"^\s*{re.escape(line_start)}.*?#\s*(.*)$", text, re.MULTILINE)
    assert match, line_start
    return match.group(1)


def _defaults() -> dict[str, tuple[bool, Severity]]:
    return {r.id: (r.meta.default_enabled, r.meta.severity) for r in build_registry(plugins=False).rules.values()}


# kube-linter's "Run specific checks" examples (docs/configuring-kubelinter.md) and a repository's
# config with paths to ignore and a custom check
KUBE_LINTER_ALL_BUT = """\
checks:
  addAllBuiltIn: true
  exclude:
    - "unset-cpu-requirements"
    - "unset-memory-requirements"
"""

KUBE_LINTER_ONLY = """\
checks:
  doNotAutoAddDefaults: true
  include:
    - "privileged-container"
    - "run-as-non-root"
"""

KUBE_LINTER_DEFAULTS = """\
checks:
  include:
    - access-to-create-pods
    - no-liveness-probe
    - required-label-owner
  exclude:
    - host-network
    - latest-tag
  ignorePaths:
    - ./charts/vendor/**
    - ~/scratch/*.yaml
    - /tmp/*.yaml
customChecks:
  - name: required-annotation-responsible
    template: required-annotation
    params:
      key: company.io/responsible
    scope:
      objectKinds:
        - DeploymentLike
"""


def test_kube_linter_all_builtin_but_excluded(repo: Path) -> None:
    text, config = _translate(repo, "kube-linter", KUBE_LINTER_ALL_BUT)
    assert config.peer_suppressions == ("kube-linter",)
    assert config.disable == {"resource-requests-missing", "memory-limit-missing"}
    assert _comment_of(text, "- memory-limit-missing") == "kube-linter exclude: unset-memory-requirements"
    defaults = _defaults()
    # every opt-in kubelint rule with a kube-linter equivalent runs, as every kube-linter check does
    for rule_id in ("ssh-port-exposed", "privileged-port", "rbac-workload-create", "liveness-probe-missing"):
        assert defaults[rule_id][0] is False and rule_id in config.enable, rule_id
    assert _comment_of(text, "- ssh-port-exposed") == "kube-linter addAllBuiltIn: ssh-port"
    assert all(defaults[r][0] is False for r in config.enable)  # only opt-in rules need enabling
    assert "Not translated" not in text


def test_kube_linter_only_included_checks(repo: Path) -> None:
    text, config = _translate(repo, "kube-linter", KUBE_LINTER_ONLY)
    assert config.enable == {"run-as-root-group"}  # run-as-non-root covers the group too
    # kubelint rules whose kube-linter equivalents this configuration never runs are turned off...
    for rule_id in ("host-namespace-shared", "mutable-image-tag", "privilege-escalation-allowed"):
        assert rule_id in config.disable, rule_id
    assert _comment_of(text, "- mutable-image-tag") == "kube-linter doNotAutoAddDefaults, not included: latest-tag"
    # ...the included ones stay, and rules kube-linter has no equivalent of keep kubelint's default
    assert not {"privileged-container", "run-as-root-allowed"} & config.disable
    assert not {"apiserver-anonymous-auth-enabled", "etcd-client-tls-missing"} & config.disable


def test_kube_linter_defaults_with_include_exclude_paths_and_custom_checks(repo: Path) -> None:
    text, config = _translate(repo, "kube-linter", KUBE_LINTER_DEFAULTS)
    assert config.enable == {"rbac-workload-create", "liveness-probe-missing"}
    assert config.disable == {"mutable-image-tag"}
    # host-network is excluded, host-ipc and host-pid (kube-linter defaults) still run
    assert "host-namespace-shared" not in config.disable
    assert (
        "# Left at kubelint's default: host-namespace-shared (excluded host-network, but it also covers "
        "host-ipc, host-pid)." in text
    )
    assert config.exclude == ("charts/vendor/**",)
    header = text.split("\n\n", 1)[0]
    assert "#   - checks.include: required-label-owner (no kubelint equivalent)" in header
    assert "#   - checks.ignorePaths: ~/scratch/*.yaml (outside the repository)" in header
    assert "#   - checks.ignorePaths: /tmp/*.yaml (outside the repository)" in header
    assert "#   - customChecks: required-annotation-responsible (kube-linter check templates;" in header
    untranslated = header.split("Not translated", 1)[1]
    assert all(len(line) <= 100 for line in untranslated.splitlines())


# Polaris' documented configuration: check levels (customization/checks.md and the checks
# pages), exemptions (customization/exemptions.md) and a custom check (custom-checks.md)
POLARIS = """\
checks:
  # reliability
  deploymentMissingReplicas: warning
  priorityClassNotSet: ignore
  tagNotSpecified: danger
  pullPolicyNotAlways: warning
  readinessProbeMissing: warning
  livenessProbeMissing: warning
  missingPodDisruptionBudget: ignore
  # efficiency
  cpuRequestsMissing: warning
  cpuLimitsMissing: warning
  memoryRequestsMissing: warning
  memoryLimitsMissing: warning
  # security
  automountServiceAccountToken: ignore
  hostIPCSet: danger
  hostPIDSet: danger
  hostNetworkSet: warning
  notReadOnlyRootFilesystem: warning
  privilegeEscalationAllowed: danger
  runAsRootAllowed: danger
  runAsPrivileged: danger
  dangerousCapabilities: danger
  insecureCapabilities: warning
  hostPortSet: warning
  tlsSettingsMissing: warning
  sensitiveContainerEnvVar: danger
  procMount: sometimes

exemptions:
  - namespace: kube-system
    controllerNames:
      - dns-controller
    rules:
      - hostNetworkSet
  - controllerNames:
      - datadog-agent
    rules:
      - hostPIDSet
      - runAsRootAllowed
      - cpuLimitsMissing
  - namespace: kube-system
    controllerNames:
      - kube-proxy
    containerNames:
      - kube-proxy
    rules:
      - runAsPrivileged
  - namespace: legacy
  - controllerNames:
      - batch-runner
    rules:
      - pullPolicyNotAlways

customChecks:
  imageRegistry:
    successMessage: Image comes from allowed registries
    failureMessage: Image should not be from disallowed registry
    category: Security
    target: Container
    schema:
      '$schema': http://json-schema.org/draft-07/schema
      type: object
      properties:
        image:
          type: string
          not:
            pattern: ^quay.io
"""


def test_polaris_levels_become_enable_disable_and_severity(repo: Path) -> None:
    text, config = _translate(repo, "polaris", POLARIS)
    assert config.peer_suppressions == ("polaris",)
    assert config.disable == {"pdb-missing", "service-account-token-automount"}
    assert "liveness-probe-missing" in config.enable  # opt-in in kubelint, on in this Polaris
    defaults = _defaults()
    for rule_id, severity in config.severity.items():
        assert severity != defaults[rule_id][1], f"{rule_id}: only differences from kubelint's default"
    assert config.severity["mutable-image-tag"] is Severity.ERROR  # tagNotSpecified: danger
    assert config.severity["readonly-root-filesystem-missing"] is Severity.WARNING
    # hostIPCSet/hostPIDSet danger and hostNetworkSet warning: the most severe wins (error, the default)
    assert "host-namespace-shared" not in config.severity
    assert _comment_of(text, "mutable-image-tag: error") == (
        "Polaris tagNotSpecified: danger; kubelint's default is warning"
    )
    header = text.split("\n\n", 1)[0]
    assert "checks: pullPolicyNotAlways, cpuLimitsMissing (no kubelint equivalent)" in header
    assert "checks.procMount: 'sometimes' (not ignore, warning or danger)" in header
    assert "#   - customChecks (custom checks: write them as kubelint custom rules, customRules)" in header


def test_polaris_exemptions(repo: Path) -> None:
    text, config = _translate(repo, "polaris", POLARIS)
    exemptions = config.exemptions
    assert len(exemptions) == 3  # the container-scoped one and the one with no equivalent stay commented
    dns, agent, legacy = exemptions
    assert dns.namespaces == {"kube-system"} and dns.names == {"dns-controller"}
    assert dns.rules == {"host-namespace-shared"}
    assert dns.reason == "Polaris exemption 0 (hostNetworkSet)"
    assert agent.namespaces == frozenset() and agent.names == {"datadog-agent"}
    assert agent.rules == {"host-namespace-shared", "run-as-root-allowed"}
    assert legacy.namespaces == {"legacy"} and legacy.rules == frozenset()  # every rule
    assert "# Polaris matches controllerNames as prefixes; kubelint matches names exactly." in text
    assert "# No kubelint equivalent of cpuLimitsMissing." in text
    assert "# host-namespace-shared also covers hostIPCSet, hostNetworkSet, which this exemption does not name." in (
        text
    )
    assert "a kubelint exemption cannot name a\n" not in text
    assert "#   names: [kube-proxy]" in text and "#   rules: [privileged-container]" in text
    assert "# None of its checks has a kubelint equivalent: nothing to exempt." in text
    assert "3 exemption(s) and 2 left commented out" in text.split("\n\n", 1)[0].replace("\n# ", " ")


def test_polaris_helm_values_form(repo: Path) -> None:
    values = "dashboard:\n  enable: true\nconfig:\n" + "".join(f"  {line}\n" for line in POLARIS.splitlines())
    _, config = _translate(repo, "polaris", values)
    assert config.disable == {"pdb-missing", "service-account-token-automount"}
    assert len(config.exemptions) == 3


def test_cli_init_from(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".kube-linter.yaml").write_text(KUBE_LINTER_ALL_BUT)
    assert main(["init", "--from", "kube-linter", ".kube-linter.yaml"]) == 0
    err = capsys.readouterr().err
    assert "wrote .kubelint.yaml from .kube-linter.yaml" in err
    written = (repo / ".kubelint.yaml").read_text()
    assert written == translated_config("kube-linter", Path(".kube-linter.yaml"))
    assert main(["init", "--from", "polaris", ".kube-linter.yaml"]) == 2  # exists: refused
    assert "already exists; use --force" in capsys.readouterr().err
    (repo / "polaris.yaml").write_text(POLARIS)
    assert main(["init", "--force", "--from", "polaris", "polaris.yaml"]) == 0
    capsys.readouterr()
    assert main(["lint", "--exit-zero", "polaris.yaml"]) == 0  # the written file is a valid configuration
    assert main(["init", "--from", "trivy", "polaris.yaml", "x.yaml"]) == 2
    assert "'trivy' is not one of 'kube-linter', 'polaris'" in capsys.readouterr().err
    assert main(["init", "--from", "polaris", "missing.yaml", "x.yaml"]) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("checks: [a\n", "polaris-config.yaml:1:"),
        ("- a\n- b\n", "the Polaris configuration must be a mapping of keys"),
        (b"\xff\xfe\x00", "is not UTF-8 text"),
    ],
)
def test_unreadable_peer_configurations(repo: Path, content: str | bytes, message: str) -> None:
    source = repo / "polaris-config.yaml"
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content)
    with pytest.raises(ConfigError, match=re.escape(message)):
        translated_config("polaris", source)


def test_empty_peer_configuration_still_turns_peer_suppressions_on(repo: Path) -> None:
    _, config = _translate(repo, "kube-linter", "")
    assert config.peer_suppressions == ("kube-linter",)
    assert not config.enable and not config.disable
