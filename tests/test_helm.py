"""Helm: findings in `helm template` output point at the chart's templates (issue 6).

fixtures/helm/rendered/web-prod.yaml is what `helm template shop charts/web -f
values-prod.yaml --namespace storefront` prints for the chart in fixtures/helm/charts/web
(a subchart `redis`, a pre-install hook Job, a values override). `kubelint helm` is tested with
a real helm 3, in child processes: the one on PATH, else the one `.ci/install-helm` takes from
the npm registry into .ci/tools/bin; those tests skip only where neither is there. Real charts
from ../shared/realworld are rendered too when that folder is present.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.cli import cli
from kubelint_py.integrations.outline import Outline, find_line, outline
from kubelint_py.integrations.rendered import map_rendered
from kubelint_py.integrations.renderers import charts_for, helm_command
from kubelint_py.model import Source
from tests.helpers import FIXTURES, ROOT, SHARED, lint_sources, run_kubelint
from tests.sarif_check import alert_changes, check_sarif_file

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
    verdict = check_sarif_file(out_file, repo_root=ROOT)
    assert verdict.ok and not verdict.warnings, str(verdict)
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
    verdict = check_sarif_file(out_file, repo_root=ROOT)
    assert verdict.ok and not verdict.warnings, str(verdict)
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
    verdict = check_sarif_file(outputs[0], repo_root=ROOT)
    assert verdict.ok and not verdict.warnings, str(verdict)
    docs = [json.loads(path.read_text()) for path in outputs]
    assert alert_changes(docs[0], docs[1]) == []
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


# -- kubelint helm, with a real helm --------------------------------------------------------------
def _real_helm() -> str | None:
    """helm on PATH, else the one .ci/install-helm caches in .ci/tools/bin (from the npm registry)."""
    found = shutil.which("helm")
    cached = ROOT / ".ci" / "tools" / "bin" / "helm"
    if found is None and cached.is_file() and os.access(cached, os.X_OK):
        found = str(cached)
    return found


HELM_BIN = _real_helm()
needs_helm = pytest.mark.skipif(
    HELM_BIN is None or os.name == "nt", reason="no helm on PATH or in .ci/tools/bin (bash .ci/install-helm)"
)


def _helm_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose `helm` is a shim that logs its arguments and runs the real helm
    (HELM_BIN, with its cache and configuration under `tmp_path`); and the log."""
    assert HELM_BIN is not None
    bin_dir = tmp_path / "shim-bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "helm-calls.jsonl"
    script = bin_dir / "helm"
    script.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"os.execv({HELM_BIN!r}, [{HELM_BIN!r}, *sys.argv[1:]])\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = {key: value for key, value in os.environ.items() if key != "KUBELINT_CONFIG"}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    for what in ("CACHE", "CONFIG", "DATA"):
        env[f"HELM_{what}_HOME"] = str(tmp_path / f"helm-{what.lower()}")
    return env, log


@pytest.mark.slow
@needs_helm
def test_helm_subcommand_renders_and_maps(tmp_path: Path) -> None:
    env, log = _helm_env(tmp_path)
    proc = run_kubelint(
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
        ],
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
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
    report = json.loads(proc.stdout)
    # helm renders what fixtures/helm/rendered/web-prod.yaml holds: the same lines, both sides
    got = [(f["file"], f["line"], f["column"], f["ruleId"], f["rendered"]["line"]) for f in report["findings"]]
    assert got == [e[:5] for e in EXPECTED]
    assert {f["rendered"]["file"] for f in report["findings"]} == {f"<helm template {CHART_REL}>"}


@pytest.mark.slow
@needs_helm
def test_helm_subcommand_sarif_category_and_checker(tmp_path: Path) -> None:
    env, _ = _helm_env(tmp_path)
    out_file = tmp_path / "chart.sarif"
    args = ["helm", CHART_REL, "--select", SELECT, "--no-plugins", "--format", "sarif", "--output", str(out_file)]
    proc = run_kubelint(args, cwd=ROOT, env=env)
    assert proc.returncode == 1, proc.stderr
    sarif = json.loads(out_file.read_text())
    assert sarif["runs"][0]["automationDetails"]["id"] == "kubelint/helm-web/"
    assert sarif["runs"][0]["results"]
    verdict = check_sarif_file(out_file, repo_root=ROOT)
    assert verdict.ok and not verdict.warnings, str(verdict)


@pytest.mark.slow
@needs_helm
def test_precommit_files_render_each_chart_once(tmp_path: Path) -> None:
    """The kubelint-helm hook passes changed files that match its `files:` pattern."""
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "kubelint-helm")
    assert hook["entry"].startswith("kubelint helm") and hook["require_serial"] is True
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
    env, log = _helm_env(tmp_path)
    proc = run_kubelint(["helm", *passed, "--select", SELECT, "--no-plugins", "--quiet"], cwd=ROOT, env=env)
    assert proc.returncode == 1, proc.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls == [["template", "release-name", CHART_REL]]  # subchart files belong to the parent chart
    assert f"{CHART_REL}/charts/redis/templates/statefulset.yaml:20:11: warning mutable-image-tag" in proc.stdout
    assert f"{CHART_REL}/templates/hooks/db-migrate-job.yaml:12:1: warning hook-job-without-deadline" in proc.stdout


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


@pytest.mark.slow
@needs_helm
@pytest.mark.skipif(not Path(PRE_COMMIT).exists(), reason="pre-commit is not installed")
def test_kubelint_helm_hook_for_real(tmp_path: Path) -> None:
    """`pre-commit try-repo` runs the kubelint-helm hook, and it the real helm, on a repository
    holding a chart."""
    env, log = _helm_env(tmp_path)
    repo = tmp_path / "repo"
    shutil.copytree(CHART, repo / "charts" / "web")
    (repo / "ci.yml").write_text("on: [push]\n")
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)
    env.update(PRE_COMMIT_HOME=str(tmp_path / "home"), PRE_COMMIT_COLOR="never")
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
    # the chart's defaults: the redis subchart's image has no tag
    assert "charts/web/charts/redis/templates/statefulset.yaml:20:11: warning mutable-image-tag" in result.stdout
    assert [json.loads(line) for line in log.read_text().splitlines()] == [["template", "release-name", "charts/web"]]


def test_matcher_needs_the_enclosing_key_not_only_the_item_name() -> None:
    rendered = "spec:\n  containers:\n  - name: web\n    image: x\n"
    source = "spec:\n  initContainers:\n    - name: web\n      image: {{ .init }}\n"
    assert _match(rendered, 4, 5, source) is None


@pytest.mark.slow
@needs_helm
def test_helm_failure_exits_2(tmp_path: Path) -> None:
    chart = tmp_path / "broken"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: broken\nversion: 0.1.0\n")
    (chart / "templates" / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.x \n")
    env, _ = _helm_env(tmp_path)
    proc = run_kubelint(["helm", "broken"], cwd=tmp_path, env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert (
        "kubelint: error: helm template broken failed (exit 1): Error: parse error at (broken/templates/pod.yaml"
        in (proc.stderr)
    )
    assert len(proc.stderr.strip().splitlines()) == 1


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


@pytest.mark.slow
@needs_helm
def test_several_charts_render_once_each_into_one_report(tmp_path: Path) -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Chart.Name }}\nspec:\n  containers:\n    - name: c\n"
    for name in ("alpha", "beta"):
        (tmp_path / name / "templates").mkdir(parents=True)
        (tmp_path / name / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
        (tmp_path / name / "templates" / "pod.yaml").write_text(pod + "      image: busybox\n")
    env, log = _helm_env(tmp_path)
    out_file = tmp_path / "out.sarif"
    args = ["helm", "alpha/templates/pod.yaml", "beta/Chart.yaml", "alpha/Chart.yaml"]
    args += ["--select", "mutable-image-tag", "--no-plugins"]
    proc = run_kubelint([*args, "--quiet"], cwd=tmp_path, env=env)
    assert proc.returncode == 1, proc.stderr
    assert [call[:3] for call in map(json.loads, log.read_text().splitlines())] == [
        ["template", "release-name", "alpha"],
        ["template", "release-name", "beta"],
    ]
    assert "alpha/templates/pod.yaml:8:7: warning mutable-image-tag Pod alpha:" in proc.stdout
    assert "beta/templates/pod.yaml:8:7: warning mutable-image-tag Pod beta:" in proc.stdout
    assert run_kubelint([*args, "--format", "sarif", "--output", str(out_file)], cwd=tmp_path, env=env).returncode == 1
    sarif = json.loads(out_file.read_text())
    assert sarif["runs"][0]["automationDetails"]["id"] == "kubelint/helm/"
    assert len(sarif["runs"][0]["results"]) == 2


# -- real charts from ../shared/realworld --------------------------------------------------------
REALWORLD = SHARED / "realworld"
REAL_CHARTS = [
    # (folder holding the chart, chart directory, (template, line text) pairs the findings must include)
    (
        "chart-src-prometheus-node-exporter",
        "prometheus-node-exporter",
        [
            ("templates/daemonset.yaml", "hostNetwork: {{ .Values.hostNetwork }}"),
            ("templates/daemonset.yaml", "hostPID: {{ .Values.hostPID }}"),
            ("templates/daemonset.yaml", "path: /proc"),
        ],
    ),
    ("chart-src-bitnami-nginx", "nginx", [("templates/svc.yaml", "type: {{ .Values.service.type }}")]),
]


def _key_at(line: str, column: int) -> str:
    """The mapping key (or list item's first key) that starts at 1-based `column` of `line`."""
    return line[column - 1 :].split(":", 1)[0].strip().strip("\"'")


@pytest.mark.slow
@needs_helm
@pytest.mark.parametrize(("folder", "chart", "anchors"), REAL_CHARTS, ids=[c[0] for c in REAL_CHARTS])
def test_real_chart_findings_land_on_template_lines(
    folder: str, chart: str, anchors: list[tuple[str, str]], tmp_path: Path
) -> None:
    """`kubelint helm` on a real chart as its authors keep it: every exact finding is on the
    template line that writes the key found at the rendered position."""
    home = REALWORLD / folder
    if not (home / chart / "Chart.yaml").is_file():
        pytest.skip(f"{home} is not here (../shared is optional)")
    env, _ = _helm_env(tmp_path)
    proc = run_kubelint(["helm", chart, "--format", "json", "--fail-on", "never"], cwd=home, env=env)
    assert proc.returncode == 0, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert findings, "a real chart with its defaults has findings"
    rendered_text = subprocess.run(
        [HELM_BIN or "helm", "template", "release-name", chart],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout.split("\n")
    exact = [f for f in findings if not f["rendered"]["approximate"]]
    assert len(exact) >= len(findings) // 2, [(f["file"], f["ruleId"]) for f in findings]
    placed = set()
    for finding in exact:
        assert finding["file"].startswith(f"{chart}/"), finding
        template_lines = (home / finding["file"]).read_text(encoding="utf-8").split("\n")
        template_line = template_lines[finding["line"] - 1]
        rendered_line = rendered_text[finding["rendered"]["line"] - 1]
        key = _key_at(rendered_line, finding["rendered"]["column"]).removeprefix("- ")
        assert key and _key_at(template_line, finding["column"]).removeprefix("- ") == key, (finding, template_line)
        placed.add((finding["file"].removeprefix(f"{chart}/"), template_line.strip().removeprefix("- ")))
    for anchor in anchors:
        assert anchor in placed, sorted(placed)


# -- helm template flags passed through ----------------------------------------------------------
PASS_CHART = {
    "Chart.yaml": "apiVersion: v2\nname: passthru\nversion: 0.1.0\n",
    # the Kubernetes version helm renders for names the Pod
    "templates/pod.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata:\n"
        '  name: kube-{{ .Capabilities.KubeVersion.Major }}-{{ trimSuffix "+" .Capabilities.KubeVersion.Minor }}\n'
        "spec:\n  containers:\n    - name: c\n      image: busybox:latest\n"
    ),
    # rendered only when the cluster serves the API
    "templates/monitor.yaml": (
        '{{- if .Capabilities.APIVersions.Has "example.com/v1" }}\n'
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: with-example-api\n"
        "spec:\n  containers:\n    - name: c\n      image: busybox:latest\n{{- end }}\n"
    ),
    "templates/tests/test-connection.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: test-hook\n  annotations:\n"
        '    "helm.sh/hook": test\nspec:\n  containers:\n    - name: c\n      image: busybox:latest\n'
    ),
    # removed in 1.32: a warning for --target-version 1.29, which --kube-version 1.29.x implies
    "templates/flowschema.yaml": (
        "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: fs\n"
        "spec:\n  priorityLevelConfiguration:\n    name: global-default\n"
    ),
    "crds/widgets.yaml": (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
        "  name: widgets.example.com\nspec:\n  group: example.com\n  names:\n    kind: Widget\n"
        "    plural: widgets\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n"
        "      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n"
    ),
}


def _pass_chart(tmp_path: Path) -> Path:
    for rel, text in PASS_CHART.items():
        (tmp_path / "passthru" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "passthru" / rel).write_text(text)
    return tmp_path / "passthru"


@pytest.mark.slow
@needs_helm
def test_helm_flags_pass_through_to_helm_template(tmp_path: Path) -> None:
    _pass_chart(tmp_path)
    env, log = _helm_env(tmp_path)
    select = ["--select", "mutable-image-tag,deprecated-api-version,removed-api-version", "--no-plugins"]

    def lint(*extra: str) -> tuple[set[str], list[str], int]:
        proc = run_kubelint(["helm", "passthru", *select, "--format", "json", *extra], cwd=tmp_path, env=env)
        assert proc.returncode in (0, 1), proc.stderr
        report = json.loads(proc.stdout)
        pods = {f["object"]["name"] for f in report["findings"] if f["ruleId"] == "mutable-image-tag"}
        apis = [f["message"] for f in report["findings"] if f["ruleId"] != "mutable-image-tag"]
        return pods, apis, report["summary"]["objectsScanned"]

    pods, apis, objects = lint()
    assert "test-hook" in pods and "with-example-api" not in pods
    assert any(re.fullmatch(r"kube-1-\d+", name) for name in pods)
    pods_given, apis_given, objects_given = lint(
        "--kube-version", "1.29.3", "--api-versions", "example.com/v1", "--include-crds", "--skip-tests"
    )
    assert pods_given == {"kube-1-29", "with-example-api"}  # no test hook, the API is served
    assert objects_given == objects + 1 - 1 + 1  # + the CRD from crds/, - the test hook, + the gated Pod
    assert len(apis_given) == 1 and "(target v1.29)" in apis_given[0]  # --kube-version implies the target
    assert apis and "(target v1.29)" not in apis[0]
    # an explicit --target-version wins over the one --kube-version implies
    _, apis_target, _ = lint("--kube-version", "1.29.3", "--target-version", "1.32")
    assert "removed in Kubernetes v1.32 (target v1.32)" in apis_target[0]
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls[1] == [
        "template",
        "release-name",
        "passthru",
        "--kube-version=1.29.3",
        "--api-versions=example.com/v1",
        "--include-crds",
        "--skip-tests",
    ]


def test_helm_pass_through_is_a_table_of_checked_values(tmp_path: Path) -> None:
    chart = Path("charts/web")
    passed = {"kube_version": "v1.31.2", "api_versions": ("a.io/v1", "policy/v1/PodDisruptionBudget")}
    assert helm_command(chart, passed={**passed, "include_crds": True, "skip_tests": False}) == [
        "helm",
        "template",
        "release-name",
        "charts/web",
        "--kube-version=v1.31.2",
        "--api-versions=a.io/v1",
        "--api-versions=policy/v1/PodDisruptionBudget",
        "--include-crds",
    ]
    for bad in ({"kube_version": "--post-renderer=x"}, {"api_versions": ("a/v1 --debug",)}, {"post_renderer": "x"}):
        with pytest.raises(ValueError):
            helm_command(chart, passed=bad)
    # on the command line: a usage error before helm is run
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    proc = run_kubelint(["helm", "c", "--kube-version", "latest"], cwd=tmp_path)
    assert proc.returncode == 2 and "'latest' is not a valid value for --kube-version" in proc.stderr
    proc = run_kubelint(["helm", "--help"], cwd=tmp_path)
    for flag in ("--kube-version", "--api-versions", "--include-crds", "--skip-tests"):
        assert flag in proc.stdout


# -- piped Helm output that cannot be mapped says why (issue 19, defects 3 and 4) -----------------
def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, timeout=60)
    return repo


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("kubelint: warning:")]


@pytest.mark.slow
def test_two_charts_of_the_streams_name_keep_findings_on_the_stream(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    shutil.copytree(CHART, repo / "charts" / "web")
    shutil.copytree(CHART, repo / "legacy" / "web")
    args = ["lint", "-", "--select", "mutable-image-tag", "--no-plugins", "--quiet"]
    proc = run_kubelint(args, cwd=repo, stdin=RENDERED.read_text())
    assert proc.returncode == 1
    assert [line.split(":")[0] for line in proc.stdout.splitlines()] == ["<stdin>"] * 3  # not the other chart's
    (warning,) = _warnings(proc.stderr)
    assert "chart `web`, and 2 charts here have that name (charts/web, legacy/web)" in warning
    assert "--chart-root" in warning
    # the user names the chart: mapped, no warning
    proc = run_kubelint([*args, "--chart-root", "legacy/web"], cwd=repo, stdin=RENDERED.read_text())
    assert "legacy/web/templates/deployment.yaml:21:11: warning mutable-image-tag" in proc.stdout
    assert not _warnings(proc.stderr)
    # a copy without a template the stream names could not have rendered it: not a candidate
    (repo / "legacy" / "web" / "templates" / "hooks" / "db-migrate-job.yaml").unlink()
    proc = run_kubelint(args, cwd=repo, stdin=RENDERED.read_text())
    assert "charts/web/templates/hooks/db-migrate-job.yaml:23:11: warning mutable-image-tag" in proc.stdout
    assert not _warnings(proc.stderr)


@pytest.mark.slow
def test_helm_stream_piped_from_outside_the_chart_says_why_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    proc = run_kubelint(
        ["lint", "-", "--select", SELECT, "--no-plugins", "--quiet"], cwd=repo, stdin=RENDERED.read_text()
    )
    assert proc.returncode == 1 and proc.stdout.count("<stdin>:") == len(EXPECTED)
    (warning,) = _warnings(proc.stderr)
    assert "findings in <stdin> stay on the rendered output" in warning
    assert "chart `web`, which is not in the current directory" in warning
    assert "--chart-root CHART_DIR" in warning and "kubelint helm CHART_DIR" in warning
    # a --chart-root of another chart is named as such
    other = repo / "other"
    other.mkdir()
    (other / "Chart.yaml").write_text("apiVersion: v2\nname: other\nversion: 0.1.0\n")
    proc = run_kubelint(["lint", "-", "--chart-root", "other", "--quiet"], cwd=repo, stdin=RENDERED.read_text())
    (warning,) = _warnings(proc.stderr)
    assert "name chart `web`, but --chart-root other holds chart `other`" in warning
    # plain manifests piped in: nothing to say
    plain = (FIXTURES / "privileged-container" / "fail-workload-kinds.yaml").read_text()
    proc = run_kubelint(["lint", "-", "--select", "privileged-container"], cwd=repo, stdin=plain)
    assert proc.returncode == 1 and not _warnings(proc.stderr)


@pytest.mark.slow
def test_sarif_places_findings_on_the_stream_when_the_chart_is_outside_the_root(tmp_path: Path) -> None:
    """Templates outside the SARIF root, the rendered stream inside it: results on the stream,
    not notifications (before: 0 results, exit 1)."""
    out_file = tmp_path / "out.sarif"
    root = "fixtures/helm/rendered"
    args = ["lint", "-", "--stdin-filename", RENDERED_REL, "--chart-root", CHART_REL, "--sarif-root", root]
    args += ["--select", SELECT, "--no-plugins", "--format", "sarif", "--output", str(out_file)]
    proc = run_kubelint(args, cwd=ROOT, stdin=RENDERED.read_text())
    assert proc.returncode == 1, proc.stderr
    run_ = json.loads(out_file.read_text())["runs"][0]
    assert "toolExecutionNotifications" not in run_["invocations"][0]
    results = run_["results"]
    assert sorted(
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["ruleId"],
        )
        for r in results
    ) == sorted(("web-prod.yaml", e[4], e[3]) for e in EXPECTED)
    deployment = next(r for r in results if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 81)
    assert deployment["relatedLocations"][-1]["message"]["text"] == (
        f"source (outside the SARIF root) ({CHART_REL}/templates/deployment.yaml:21)"
    )
    verdict = check_sarif_file(out_file, repo_root=ROOT / root)
    assert verdict.ok and not verdict.warnings, str(verdict)
    # the same alerts as when the templates are in the root: the fingerprints are the templates'
    inside = tmp_path / "inside.sarif"
    args = ["lint", "-", "--chart-root", CHART_REL, "--select", SELECT, "--no-plugins"]
    run_kubelint([*args, "--format", "sarif", "--output", str(inside)], cwd=ROOT, stdin=RENDERED.read_text())
    prints = [
        sorted(r["partialFingerprints"]["kubelintFinding/v1"] for r in json.loads(f.read_text())["runs"][0]["results"])
        for f in (out_file, inside)
    ]
    assert prints[0] == prints[1]


def test_sarif_of_an_unmapped_stream_carries_the_warning(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "rendered.yaml").write_text(RENDERED.read_text())
    out_file = tmp_path / "out.sarif"
    args = ["lint", "-", "--stdin-filename", "rendered.yaml", "--select", SELECT, "--no-plugins"]
    proc = run_kubelint([*args, "--format", "sarif", "--output", str(out_file)], cwd=repo, stdin=RENDERED.read_text())
    assert proc.returncode == 1
    run_ = json.loads(out_file.read_text())["runs"][0]
    assert len(run_["results"]) == len(EXPECTED)  # on the stream, which has a usable name
    (note,) = run_["invocations"][0]["toolExecutionNotifications"]
    assert (
        note["level"] == "warning" and "chart `web`, which is not in the current directory" in note["message"]["text"]
    )
    assert len(_warnings(proc.stderr)) == 1
