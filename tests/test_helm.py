"""Helm: findings in `helm template` output point at the chart's templates (issue 6).

fixtures/helm/rendered/web-prod.yaml is what `helm template shop charts/web -f
values-prod.yaml --namespace storefront` prints for the chart in fixtures/helm/charts/web
(a subchart `redis`, a pre-install hook Job, a values override). Helm itself is not needed:
`kubelint helm` is run against a stand-in `helm` that prints that output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.cli import cli
from kubelint_py.model import Source
from kubelint_py.rendered import Outline, find_line, map_rendered, outline
from kubelint_py.renderers import charts_for, helm_command
from tests.helpers import FIXTURES, ROOT, SHARED, lint_sources

HELM = FIXTURES / "helm"
CHART = HELM / "charts" / "web"
RENDERED = HELM / "rendered" / "web-prod.yaml"
CHART_REL = "fixtures/helm/charts/web"
RENDERED_REL = "fixtures/helm/rendered/web-prod.yaml"
SELECT = (
    "privileged-container,mutable-image-tag,readiness-probe-missing,hook-job-without-deadline,secret-key-in-configmap"
)

# (template file relative to the repository, line, column, rule, rendered line, approximate)
EXPECTED = [
    (f"{CHART_REL}/charts/redis/templates/statefulset.yaml", 20, 11, "mutable-image-tag", 129, False),
    (f"{CHART_REL}/templates/configmap.yaml", 10, 3, "secret-key-in-configmap", 15, False),
    # `privileged` comes from values through `toYaml .Values.securityContext`: no template line has it.
    (f"{CHART_REL}/templates/deployment.yaml", 1, 1, "privileged-container", 85, True),
    (f"{CHART_REL}/templates/deployment.yaml", 21, 11, "mutable-image-tag", 81, False),
    (f"{CHART_REL}/templates/deployment.yaml", 37, 11, "readiness-probe-missing", 100, False),
    (f"{CHART_REL}/templates/hooks/db-migrate-job.yaml", 12, 1, "hook-job-without-deadline", 156, False),
    (f"{CHART_REL}/templates/hooks/db-migrate-job.yaml", 23, 11, "mutable-image-tag", 168, False),
]


def run(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _load_checker() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_sarif", SHARED / "tools" / "check_sarif.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("KUBELINT_CONFIG", raising=False)
    return ROOT


def _lint_rendered(*extra: str) -> tuple[int, str, str]:
    return run(["lint", RENDERED_REL, "--chart-root", CHART_REL, "--select", SELECT, "--no-plugins", *extra])


# -- text, JSON, SARIF ------------------------------------------------------------------------
def test_text_points_at_template_lines(at_root: Path) -> None:
    code, out, _ = _lint_rendered("--quiet")
    assert code == 1
    found = re.findall(r"^(\S+):(\d+):(\d+): \w+ ([a-z-]+) ", out, re.M)
    assert [(f, int(line), int(col), rule) for f, line, col, rule in found] == [
        (file, line, col, rule) for file, line, col, rule, _, _ in EXPECTED
    ]
    privileged = next(line for line in out.splitlines() if "privileged-container" in line)
    assert "approximate location" in privileged
    assert "rendered inside `securityContext` at line 23" in privileged
    exact = [line for line in out.splitlines() if "mutable-image-tag" in line]
    assert exact and not any("approximate" in line for line in exact)


def test_text_verbose_names_the_rendered_position(at_root: Path) -> None:
    _, out, _ = _lint_rendered("--verbose")
    assert f"note: rendered output at {RENDERED_REL}:85:13 (approximate template location)" in out
    assert f"note: rendered output at {RENDERED_REL}:81:11\n" in out


def test_json_carries_template_and_rendered_positions(at_root: Path) -> None:
    code, out, _ = _lint_rendered("--format", "json")
    assert code == 1
    report = json.loads(out)
    got = [
        (
            f["file"],
            f["line"],
            f["column"],
            f["ruleId"],
            f["rendered"]["line"],
            f["rendered"]["approximate"],
        )
        for f in report["findings"]
    ]
    assert got == EXPECTED
    for finding in report["findings"]:
        assert finding["rendered"]["source"] == "helm"
        assert finding["rendered"]["file"] == RENDERED_REL
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    Draft202012Validator(schema).validate(report)


def test_sarif_uses_template_uris_and_passes_the_checker(at_root: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "helm.sarif"
    code, _, _ = _lint_rendered("--format", "sarif", "--output", str(out_file), "--sarif-category", "helm-web")
    assert code == 1
    checked = _load_checker().check_file(str(out_file), repo_root=str(ROOT))
    assert checked.ok and not checked.warnings, checked.problems + checked.warnings
    sarif = json.loads(out_file.read_text())
    run_ = sarif["runs"][0]
    assert run_["automationDetails"]["id"] == "kubelint/helm-web/"
    got = []
    for result in run_["results"]:
        physical = result["locations"][0]["physicalLocation"]
        rendered = [r for r in result["relatedLocations"] if r["message"]["text"] == "rendered output"]
        assert len(rendered) == 1
        assert rendered[0]["physicalLocation"]["artifactLocation"]["uri"] == RENDERED_REL
        got.append(
            (
                physical["artifactLocation"]["uri"],
                physical["region"]["startLine"],
                physical["region"]["startColumn"],
                result["ruleId"],
                rendered[0]["physicalLocation"]["region"]["startLine"],
                "approximate location" in result["message"]["text"],
            )
        )
    assert sorted(got) == sorted(EXPECTED)


def test_stdin_stream_sarif_keeps_rendered_position_as_text(at_root: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "stdin.sarif"
    code, _, _ = run(
        [
            "lint",
            "-",
            "--chart-root",
            CHART_REL,
            "--select",
            SELECT,
            "--no-plugins",
            "--format",
            "sarif",
            "--output",
            str(out_file),
        ],
        stdin=RENDERED.read_text(),
    )
    assert code == 1
    checked = _load_checker().check_file(str(out_file), repo_root=str(ROOT))
    assert checked.ok and not checked.warnings, checked.problems + checked.warnings
    results = json.loads(out_file.read_text())["runs"][0]["results"]
    assert len(results) == len(EXPECTED)  # every finding placed on a template, none lost to stdin
    related = {r["relatedLocations"][-1]["message"]["text"] for r in results}
    assert "rendered output (<stdin>:85)" in related


def test_fingerprints_survive_value_changes(at_root: Path, tmp_path: Path) -> None:
    """Another values file shifts every rendered line; the alerts must stay the same."""
    changed = RENDERED.read_text().replace("  replicas: 4\n", "  replicas: 2\n  minReadySeconds: 10\n")
    changed = changed.replace(
        '    app.kubernetes.io/version: "2.7.1"\n', '    app.kubernetes.io/version: "2.8.0"\n    tier: web\n'
    )
    assert changed != RENDERED.read_text()
    outputs = []
    for name, text in (("a", RENDERED.read_text()), ("b", changed)):
        target = tmp_path / f"{name}.sarif"
        run(
            [
                "lint",
                "-",
                "--chart-root",
                CHART_REL,
                "--select",
                SELECT,
                "--no-plugins",
                "--format",
                "sarif",
                "--output",
                str(target),
            ],
            stdin=text,
        )
        outputs.append(target)
    checker = _load_checker()
    checked = checker.check_file(str(outputs[0]), repo_root=str(ROOT))
    docs = [json.loads(path.read_text()) for path in outputs]
    checker.compare_fingerprints(checked, docs[0], docs[1], "b.sarif")
    assert checked.ok, checked.problems
    assert len(docs[0]["runs"][0]["results"]) == len(EXPECTED)


# -- detection and the library call ------------------------------------------------------------
def test_chart_is_detected_by_name_from_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HELM)
    code, out, _ = run(["lint", "-", "--select", SELECT, "--no-plugins", "--quiet"], stdin=RENDERED.read_text())
    assert code == 1
    assert "charts/web/templates/deployment.yaml:21:11: warning mutable-image-tag" in out
    assert "charts/web/charts/redis/templates/statefulset.yaml:20:11: warning mutable-image-tag" in out


def test_chart_in_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CHART)
    code, out, _ = run(["lint", "-", "--select", SELECT, "--no-plugins", "--quiet"], stdin=RENDERED.read_text())
    assert code == 1
    assert "templates/hooks/db-migrate-job.yaml:12:1: warning hook-job-without-deadline" in out


def test_without_the_chart_on_disk_the_rendered_position_stays(tmp_path: Path) -> None:
    report = lint_sources([Source("out.yaml", RENDERED.read_bytes())], select=SELECT.split(","), cwd=tmp_path)
    assert {f.file for f in report.findings} == {"out.yaml"}
    assert all(f.rendered is None and f.helm_source for f in report.findings)


def test_packaged_dependency_points_at_chart_yaml(tmp_path: Path) -> None:
    chart = tmp_path / "web"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 1.0.0\n")
    stream = (
        "---\n# Source: web/charts/postgresql/templates/primary/statefulset.yaml\n"
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: shop-postgresql\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: postgresql\n          image: postgres\n"
    )
    report = lint_sources([Source("<stdin>", stream.encode())], select=["mutable-image-tag"], cwd=tmp_path)
    (finding,) = report.findings
    assert (finding.file, finding.span.start.line, finding.approximate) == ("web/Chart.yaml", 1, True)
    assert "web/charts/postgresql/templates/primary/statefulset.yaml is not on disk" in finding.message
    assert finding.rendered is not None and finding.rendered.span.start.line == 12


def test_map_rendered_leaves_plain_manifests_alone() -> None:
    report = lint_sources(
        [Source("pod.yaml", (FIXTURES / "privileged-container" / "pass-not-privileged.yaml").read_bytes())]
    )
    assert map_rendered(list(report.findings), [], {}, cwd=ROOT) == list(report.findings)


# -- the outline matcher ---------------------------------------------------------------------
def _match(rendered: str, line: int, column: int, source: str) -> int | None:
    r, s = Outline(rendered), Outline(source)
    target = r.node_at(line, column)
    assert target is not None
    found = find_line(r, target, s)
    return found.line if found is not None else None


def test_matcher_uses_list_item_names_and_structure() -> None:
    rendered = "spec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: y\n"
    source = "spec:\n  containers:\n    - name: a\n      image: {{ .a }}\n    - name: b\n      image: {{ .b }}\n"
    assert _match(rendered, 6, 5, source) == 6
    assert _match(rendered, 4, 5, source) == 4


def test_matcher_refuses_ambiguous_lines() -> None:
    rendered = "spec:\n  containers:\n  - name: a\n    image: x\n"
    source = (
        "spec:\n  containers:\n    {{- range .Values.c }}\n    - name: {{ .name }}\n      image: {{ .image }}\n"
        "    {{- end }}\n    - name: {{ .extra }}\n      image: {{ .extraImage }}\n"
    )
    assert _match(rendered, 4, 5, source) is None


def test_matcher_skips_block_scalars_and_other_documents() -> None:
    rendered = "kind: ConfigMap\ndata:\n  app.ini: |\n    debug: true\n  debug: false\n"
    source = (
        "kind: Service\nspec:\n  debug: 1\n---\n"
        "kind: ConfigMap\ndata:\n  app.ini: |\n    debug: true\n  debug: {{ .d }}\n"
    )
    assert _match(rendered, 5, 3, source) == 9
    nodes = outline(rendered)
    assert [n.key for n in nodes] == ["kind", "data", "app.ini", "debug"]


# -- kubelint helm ------------------------------------------------------------------------------
def _fake_helm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `helm` on PATH that logs its arguments and prints the fixture's rendered output."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "helm-calls.jsonl"
    script = bin_dir / "helm"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"sys.stdout.write(open({str(RENDERED)!r}).read())\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return log


@pytest.mark.skipif(os.name == "nt", reason="the stand-in helm is a POSIX script")
def test_helm_subcommand_renders_and_maps(at_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _fake_helm(tmp_path, monkeypatch)
    code, out, _ = run(
        [
            "helm",
            CHART_REL,
            "-f",
            "fixtures/helm/values-prod.yaml",
            "--set",
            "replicaCount=4",
            "--release",
            "shop",
            "--namespace",
            "storefront",
            "--select",
            SELECT,
            "--no-plugins",
            "--format",
            "json",
        ]
    )
    assert code == 1
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls == [
        [
            "template",
            "shop",
            CHART_REL,
            "--values",
            "fixtures/helm/values-prod.yaml",
            "--set",
            "replicaCount=4",
            "--namespace",
            "storefront",
        ]
    ]
    report = json.loads(out)
    assert [(f["file"], f["line"]) for f in report["findings"]] == [(e[0], e[1]) for e in EXPECTED]
    assert {f["rendered"]["file"] for f in report["findings"]} == {f"<helm template {CHART_REL}>"}


@pytest.mark.skipif(os.name == "nt", reason="the stand-in helm is a POSIX script")
def test_helm_subcommand_sarif_category_and_checker(
    at_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_helm(tmp_path, monkeypatch)
    out_file = tmp_path / "chart.sarif"
    code, _, _ = run(
        ["helm", CHART_REL, "--select", SELECT, "--no-plugins", "--format", "sarif", "--output", str(out_file)]
    )
    assert code == 1
    sarif = json.loads(out_file.read_text())
    assert sarif["runs"][0]["automationDetails"]["id"] == "kubelint/helm-web/"
    checked = _load_checker().check_file(str(out_file), repo_root=str(ROOT))
    assert checked.ok and not checked.warnings, checked.problems + checked.warnings


@pytest.mark.skipif(os.name == "nt", reason="the stand-in helm is a POSIX script")
def test_precommit_files_render_each_chart_once(at_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kubelint-helm hook passes changed files that match its `files:` pattern."""
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "kubelint-helm")
    assert hook["entry"] == "kubelint helm" and hook["require_serial"] is True
    candidates = [
        f"{CHART_REL}/Chart.yaml",
        f"{CHART_REL}/values.yaml",
        f"{CHART_REL}/templates/deployment.yaml",
        f"{CHART_REL}/templates/hooks/db-migrate-job.yaml",
        f"{CHART_REL}/charts/redis/templates/statefulset.yaml",
        "fixtures/helm/values-prod.yaml",  # matches the pattern but belongs to no chart
        "fixtures/helm/rendered/web-prod.yaml",  # does not match
        "README.md",
    ]
    passed = [c for c in candidates if re.search(hook["files"], c)]
    assert "fixtures/helm/rendered/web-prod.yaml" not in passed and "README.md" not in passed
    log = _fake_helm(tmp_path, monkeypatch)
    code, out, _ = run(["helm", *passed, "--select", SELECT, "--no-plugins", "--quiet"])
    assert code == 1
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls == [["template", "release-name", CHART_REL]]  # subchart files belong to the parent chart
    assert f"{CHART_REL}/templates/deployment.yaml:21:11: warning mutable-image-tag" in out


def test_precommit_with_no_chart_files_is_clean(at_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    code, out, err = run(["helm", "fixtures/helm/values-prod.yaml"])
    assert code == 0 and out == ""
    assert "none of the given files belongs to a Helm chart" in err


def test_helm_missing_exits_2_with_one_line_hint(
    at_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    if shutil.which("helm"):
        pytest.skip("helm is still reachable")
    code, out, err = run(["helm", CHART_REL])
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "helm is not on PATH" in lines[0]
    assert f"helm template RELEASE {CHART_REL} | kubelint lint - --chart-root {CHART_REL}" in lines[0]


def test_helm_refuses_a_directory_that_is_no_chart(at_root: Path) -> None:
    code, _, err = run(["helm", "fixtures/helm/rendered"])
    assert code == 2
    assert "no Helm chart there" in err


def test_charts_for_and_command_line() -> None:
    charts, not_charts = charts_for([CHART / "templates" / "service.yaml", CHART, CHART / "charts" / "redis"])
    assert charts == [CHART] and not_charts == []
    assert helm_command(CHART, values=["v.yaml"], release=None) == [
        "helm",
        "template",
        "release-name",
        str(CHART),
        "--values",
        "v.yaml",
    ]


def test_unrendered_templates_are_skipped_with_a_hint(at_root: Path) -> None:
    code, out, err = run(["lint", f"{CHART_REL}/templates", "--no-plugins"])
    assert code == 0
    assert "yaml-syntax" not in out
    assert "skipped 4 unrendered Helm template file(s)" in err


PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")


@pytest.mark.skipif(not Path(PRE_COMMIT).exists() or os.name == "nt", reason="pre-commit is not installed")
def test_kubelint_helm_hook_for_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`pre-commit try-repo` runs the kubelint-helm hook on a repository holding a chart."""
    import subprocess

    log = _fake_helm(tmp_path, monkeypatch)
    repo = tmp_path / "repo"
    shutil.copytree(CHART, repo / "charts" / "web")
    (repo / "ci.yml").write_text("on: [push]\n")
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "PRE_COMMIT_COLOR": "never"}
    result = subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), "kubelint-helm", "--all-files", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "charts/web/templates/deployment.yaml:21:11: warning mutable-image-tag" in result.stdout
    assert [json.loads(line) for line in log.read_text().splitlines()] == [["template", "release-name", "charts/web"]]


def test_matcher_needs_the_enclosing_key_not_only_the_item_name() -> None:
    rendered = "spec:\n  containers:\n  - name: web\n    image: x\n"
    source = "spec:\n  initContainers:\n    - name: web\n      image: {{ .init }}\n"
    assert _match(rendered, 4, 5, source) is None


@pytest.mark.skipif(os.name == "nt", reason="the stand-in helm is a POSIX script")
def test_helm_failure_exits_2(at_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "helm"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "sys.stderr.write('Error: parse error at (web/templates/deployment.yaml:21): unexpected EOF\\n')\n"
        "sys.exit(1)\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    code, out, err = run(["helm", CHART_REL])
    assert code == 2 and out == ""
    assert f"helm template {CHART_REL} failed (exit 1): Error: parse error at (web/templates/deployment.yaml:21)" in err


_FRAGMENTS = [
    "spec:",
    "  containers:",
    "  - name: a",
    "  - name: b",
    "    - name: c",
    "    image: x",
    "      image: {{ .Values.image }}",
    "    securityContext:",
    "      privileged: true",
    "  {{- if .Values.x }}",
    "  {{- end }}",
    "data:",
    "  key: |",
    "    inner: text",
    "---",
    "# a comment",
    "- bare",
    "  - NET_ADMIN",
    '  "quoted.key/x": "v"',
    "  url: http://example.com/a:b",
    "",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=25))
def test_matcher_finds_each_line_in_its_own_text_or_nothing(lines: list[str]) -> None:
    text = "\n".join(lines)
    outline_ = Outline(text)
    for index, node in enumerate(outline_.nodes):
        found = find_line(outline_, index, outline_)
        assert found is None or found.line == node.line


@pytest.mark.skipif(os.name == "nt", reason="the stand-in helm is a POSIX script")
def test_several_charts_render_once_each_into_one_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: c\n"
    for name in ("alpha", "beta"):
        (tmp_path / name / "templates").mkdir(parents=True)
        (tmp_path / name / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
        (tmp_path / name / "templates" / "pod.yaml").write_text(pod + "      image: busybox\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "helm"
    script.write_text(
        f"#!{sys.executable}\nimport re, sys\n"
        "name = re.search(r'^name: (\\S+)', open(sys.argv[3] + '/Chart.yaml').read(), re.M).group(1)\n"
        "print('---\\n# Source: %s/templates/pod.yaml' % name)\n"
        "print('apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: %s\\nspec:\\n  containers:\\n"
        "    - name: c\\n      image: busybox' % name)\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.chdir(tmp_path)
    out_file = tmp_path / "out.sarif"
    args = ["helm", "alpha/templates/pod.yaml", "beta/Chart.yaml", "alpha/Chart.yaml"]
    args += ["--select", "mutable-image-tag", "--no-plugins"]
    code, out, _ = run([*args, "--quiet"])
    assert run([*args, "--format", "sarif", "--output", str(out_file)])[0] == 1
    assert code == 1
    assert "alpha/templates/pod.yaml:8:7: warning mutable-image-tag Pod alpha:" in out
    assert "beta/templates/pod.yaml:8:7: warning mutable-image-tag Pod beta:" in out
    sarif = json.loads(out_file.read_text())
    assert sarif["runs"][0]["automationDetails"]["id"] == "kubelint/helm/"
    assert len(sarif["runs"][0]["results"]) == 2
