"""Custom rules and configuration as a new user meets them (issue 19, defects 8 and 9): the rule
schema and the loader agree, `kubelint rules` / `explain` see custom rules, configuration errors
come all at once, `targetProvider` in the configuration; help and metadata tell the truth."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from kubelint_py.config.config import load_schema
from kubelint_py.output.reporters import ReportOptions, render
from kubelint_py.output.ruledoc import rule_markdown, rule_text, rules_json
from kubelint_py.registry.declarative import validate_rule
from kubelint_py.registry.registry import build_registry
from tests.helpers import ROOT, lint_text
from tests.test_workflow import kubelint

GUIDE = ROOT / "docs" / "rule-authoring.md"


def guide_rule() -> str:
    """The declarative rule docs/rule-authoring.md shows, as written there."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## Declarative rules") :]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "kubelint-rules.yaml").write_text(guide_rule())
    (tmp_path / "deploy").mkdir()
    return tmp_path


def _yaml(data: object) -> str:
    return json.dumps(data)  # JSON is YAML


# -- the schema and the loader agree ------------------------------------------------------------
def test_the_guides_rule_fits_the_schema_and_works_through_the_cli(repo: Path) -> None:
    from kubelint_py.input.yamlio import parse_document

    parsed = parse_document(guide_rule())
    assert parsed is not None
    assert list(Draft202012Validator(load_schema("rule.schema.json")).iter_errors(parsed.data)) == []
    examples = parsed.data["examples"]  # type: ignore[index]
    (repo / "deploy" / "fail.yaml").write_text(examples["fail"])
    (repo / "deploy" / "pass.yaml").write_text(examples["pass"])
    result = kubelint(["lint", "deploy", "--rules", "policies", "--select", "acme/internal-registry-only"], repo)
    assert result.returncode == 1, result.stderr
    assert "deploy/fail.yaml:5:" in result.stdout and "error acme/internal-registry-only" in result.stdout
    assert "pass.yaml" not in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["scope", "target", "message", "schema"])
def test_a_rule_without_a_declarative_key_is_refused_by_schema_and_loader_alike(repo: Path, missing: str) -> None:
    from kubelint_py.input.yamlio import parse_document

    parsed = parse_document(guide_rule())
    assert parsed is not None
    spec = dict(parsed.data)  # type: ignore[call-overload]
    del spec[missing]
    errors = [e.message for e in Draft202012Validator(load_schema("rule.schema.json")).iter_errors(spec)]
    assert errors == [f"'{missing}' is a required property"]
    (repo / "policies" / "kubelint-rules.yaml").write_text(_yaml(spec))
    result = kubelint(["lint", "deploy", "--rules", "policies"], repo)
    assert result.returncode == 2
    assert f"'{missing}' is a required property" in result.stderr
    assert "policies/kubelint-rules.yaml: rule acme/internal-registry-only" in result.stderr


def test_every_rule_problem_is_reported_at_once(repo: Path) -> None:
    from kubelint_py.input.yamlio import parse_document

    parsed = parse_document(guide_rule())
    assert parsed is not None
    spec = dict(parsed.data)  # type: ignore[call-overload]
    del spec["scope"]
    spec["severity"] = "fatal"
    spec["colour"] = "red"
    (repo / "policies" / "kubelint-rules.yaml").write_text(_yaml(spec))
    result = kubelint(["rules", "--rules", "policies"], repo)
    assert result.returncode == 2
    for part in ("'scope' is a required property", "'fatal' is not one of", "'colour' was unexpected"):
        assert part in result.stderr


def test_built_in_rules_fit_the_schema_too() -> None:
    """Python rules and plugins carry the schema's metadata and scope (without the declarative keys)."""
    for rule in build_registry(plugins=False).sorted():
        validate_rule(rule, "built-in")


def test_the_schema_knows_every_document_type() -> None:
    from kubelint_py.model import DocType

    scope = load_schema("rule.schema.json")["properties"]["scope"]["properties"]
    known = set(scope["doc-types"]["items"]["enum"])
    assert known == {d.value for d in DocType} - {"kubeconfig", "unknown"}  # never linted


# -- rules and explain see custom rules --------------------------------------------------------
@pytest.mark.slow
def test_rules_and_explain_see_rules_of_the_configuration_and_of_rules(repo: Path) -> None:
    listed = kubelint(["rules", "--rules", "policies"], repo)
    assert listed.returncode == 0 and "acme/internal-registry-only" in listed.stdout
    assert "acme/" not in kubelint(["rules"], repo).stdout
    (repo / ".kubelint.yaml").write_text("customRules: [policies/]\n")
    listed = kubelint(["rules", "--document", "cluster-hardening", "--format", "json"], repo)
    record = next(r for r in json.loads(listed.stdout) if r["id"] == "acme/internal-registry-only")
    assert record["source"] != "builtin" and record["enabled"] is True
    explained = kubelint(["explain", "acme/internal-registry-only"], repo)
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("acme/internal-registry-only: Container image does not come from")
    assert "registry.acme.example/nginx" in explained.stdout
    (repo / "plain.yaml").write_text("failOn: error\n")
    other = kubelint(["explain", "acme/internal-registry-only", "--config", "plain.yaml"], repo)
    assert other.returncode == 2 and 'unknown rule "acme/internal-registry-only"' in other.stderr


@pytest.mark.slow
def test_rules_lists_what_runs_and_all_lists_the_rest_with_a_status(repo: Path) -> None:
    registry = build_registry(plugins=False)
    opt_in = sorted(r.id for r in registry.rules.values() if not r.meta.default_enabled)
    assert opt_in, "no opt-in rule to test with"
    (repo / ".kubelint.yaml").write_text(f"rules: {{enable: [{opt_in[0]}], disable: [privileged-container]}}\n")
    default = kubelint(["rules"], repo)
    ids = {line.split()[0] for line in default.stdout.splitlines()[1:]}
    assert opt_in[0] in ids and "privileged-container" not in ids and opt_in[-1] not in ids
    assert "add --all" in default.stderr
    everything = kubelint(["rules", "--all"], repo)
    status = {line.split()[0]: line.split()[2] for line in everything.stdout.splitlines()[1:]}
    assert set(status) == set(registry.rules)
    assert status[opt_in[0]] == "on" and status["privileged-container"] == "off"
    if len(opt_in) > 1:
        assert status[opt_in[-1]] == "opt-in"
    records = json.loads(kubelint(["rules", "--all", "--format", "json"], repo).stdout)
    assert {r["id"]: r["enabled"] for r in records}["privileged-container"] is False


# -- configuration errors ------------------------------------------------------------------------
def test_configuration_errors_come_all_at_once_with_file_key_and_what_is_allowed(repo: Path) -> None:
    (repo / ".kubelint.yaml").write_text(
        "failOn: sometimes\nbogus: 1\nrules:\n  enable: 3\n  severity: {privileged-container: fatal}\n"
    )
    result = kubelint(["lint", "deploy"], repo)
    assert result.returncode == 2
    assert "kubelint: error: 4 problems in the configuration:" in result.stderr
    for line in (
        ".kubelint.yaml: unknown key bogus; allowed: ",
        '.kubelint.yaml: failOn: "sometimes" is not allowed; use one of: error, warning, info, never',
        ".kubelint.yaml: rules.enable: must be a list, found 3",
        '.kubelint.yaml: rules.severity.privileged-container: "fatal" is not allowed; use one of: error, warning, info',
    ):
        assert f"\n  {line}" in result.stderr


def test_unknown_rules_everywhere_are_reported_together(repo: Path) -> None:
    (repo / ".kubelint.yaml").write_text(
        "rules:\n  enable: [nope]\n  severity: {nope2: error}\n"
        "  options: {privileged-container: {x: 1}, unsafe-sysctl: {allowedSysctls: 3}}\n"
        "exemptions:\n  - rules: [privileged-containr, privileged-container]\n    reason: legacy\n"
    )
    result = kubelint(["lint", "deploy", "--select", "zzz"], repo)
    assert result.returncode == 2
    for part in (
        ".kubelint.yaml: rules.enable: unknown rule id or guidance document: nope",
        "--select: unknown rule id or guidance document: zzz",
        ".kubelint.yaml: rules.severity: unknown rule id(s): nope2",
        ".kubelint.yaml: exemptions[0].rules: unknown rule id(s): privileged-containr",
        ".kubelint.yaml: rules.options.privileged-container: this rule takes no options",
        ".kubelint.yaml: rules.options.unsafe-sysctl.allowedSysctls: 3 is not of type 'array'",
    ):
        assert part in result.stderr


@pytest.mark.slow
def test_an_exemption_naming_an_unknown_rule_is_an_error(repo: Path) -> None:
    (repo / "deploy" / "pod.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (repo / ".kubelint.yaml").write_text("exemptions:\n  - rules: [privileged-containers]\n    reason: typo\n")
    result = kubelint(["lint", "deploy"], repo)
    assert result.returncode == 2 and "exemptions[0].rules: unknown rule id(s): privileged-containers" in result.stderr
    (repo / ".kubelint.yaml").write_text("exemptions:\n  - rules: [privileged-container]\n    reason: fine\n")
    assert kubelint(["lint", "deploy"], repo).returncode == 0


@pytest.mark.slow
def test_target_provider_is_settable_in_the_configuration(repo: Path) -> None:
    sa = (
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n  annotations:\n"
        "    eks.amazonaws.com/role-arn: arn:aws:iam::1:role/app\n"
        "    iam.gke.io/gcp-service-account: app@p.iam.gserviceaccount.com\n"
    )
    (repo / "deploy" / "sa.yaml").write_text(sa)
    args = ["lint", "deploy", "--select", "cloud-specific-annotation", "--format", "json"]

    def flagged(extra: list[str] | None = None) -> set[str]:
        result = kubelint([*args, *(extra or [])], repo)
        return {f["message"].split("annotation ")[1].split()[0] for f in json.loads(result.stdout)["findings"]}

    assert flagged() == {"eks.amazonaws.com/role-arn", "iam.gke.io/gcp-service-account"}
    (repo / ".kubelint.yaml").write_text("targetProvider: gcp\n")
    assert flagged() == {"eks.amazonaws.com/role-arn"}
    assert flagged(["--target-provider", "aws"]) == {"iam.gke.io/gcp-service-account"}  # the flag wins
    (repo / ".kubelint.yaml").write_text("targetProvider: 3\n")
    assert "targetProvider: must be a string, found 3" in kubelint(args, repo).stderr


# -- help and metadata ------------------------------------------------------------------------------
def test_fixture_config_lines_never_reach_users(repo: Path) -> None:
    registry = build_registry(plugins=False)
    with_config = [r for r in registry.sorted() if "fixture-config" in r.meta.examples.fail + r.meta.examples.pass_]
    assert with_config, "no rule example needs a configuration any more: drop this test"
    for rule in registry.sorted():
        assert "fixture-config" not in rule_text(rule.meta) + rule_markdown(rule.meta), rule.id
        assert "fixture-config" not in rules_json([rule.meta]), rule.id
    explained = kubelint(["explain", "removed-api-version"], repo)
    assert "fixture-config" not in explained.stdout
    assert 'Example (fails, with {"targetVersion": "1.25"} in .kubelint.yaml):' in explained.stdout
    record = json.loads(rules_json([registry.rules["removed-api-version"].meta]))[0]
    assert record["examples"]["config"] == {"fail": {"targetVersion": "1.25"}, "pass": {"targetVersion": "1.25"}}
    assert not record["examples"]["fail"].startswith("#")
    report = lint_text(with_config[0].meta.examples.fail, select=[with_config[0].id], raise_errors=False)
    sarif = json.loads(render("sarif", report, ReportOptions(fail_on=None, exit_code=0)))
    for described in sarif["runs"][0]["tool"]["driver"]["rules"]:
        assert "fixture-config" not in described["help"]["text"] + described["help"]["markdown"]


def test_rules_json_shows_the_security_severity_sarif_uses(repo: Path) -> None:
    registry = build_registry(plugins=False)
    records = {r["id"]: r for r in json.loads(kubelint(["rules", "--all", "--format", "json"], repo).stdout)}
    report = lint_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", select=sorted(registry.rules))
    sarif = json.loads(render("sarif", report, ReportOptions(fail_on=None, exit_code=0)))
    described = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    for rule_id, rule in registry.rules.items():
        shown = described[rule_id].get("properties", {}).get("security-severity")
        assert records[rule_id]["securitySeverity"] == shown, rule_id
        assert (shown is not None) == (rule.meta.category == "security"), rule_id


def test_helm_and_kustomize_help_shows_what_acts_there_with_true_defaults(repo: Path) -> None:
    helm = kubelint(["helm", "--help"], repo).stdout
    kustomize = kubelint(["kustomize", "--help"], repo).stdout
    lint = kubelint(["lint", "--help"], repo).stdout
    for text in (helm, kustomize):
        assert "--stdin-filename" not in text and "--chart-root" not in text
        assert "[default: manifests]" not in " ".join(text.split())
    assert "[default: helm-<chart name>" in " ".join(helm.split())
    assert "[default: kustomize-<directory name>" in " ".join(kustomize.split())
    assert "--stdin-filename" in lint and "[default: manifests]" in " ".join(lint.split())
