"""Kustomize: `kubelint kustomize DIR` builds real overlays and points findings at the resource
files through `config.kubernetes.io/origin` annotations (issue 6).

fixtures/kustomize/base holds a Deployment, a Service and a configMapGenerator;
fixtures/kustomize/overlays/prod adds a namespace, a name prefix, an image tag, two patches and
a second configMapGenerator. The tests render them with the installed kubectl (or kustomize).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubelint_py.cli import cli
from kubelint_py.integrations.kustomize_mapping import parse_origin
from kubelint_py.integrations.renderers import kustomize_build, kustomize_tool, rebase_origins
from kubelint_py.model import Source
from tests.helpers import FIXTURES, ROOT, lint_sources, run_kubelint
from tests.sarif_check import check_sarif_file

KUSTOMIZE = FIXTURES / "kustomize"
OVERLAY_REL = "fixtures/kustomize/overlays/prod"
BASE_REL = "fixtures/kustomize/base"
SELECT = "privileged-container,mutable-image-tag,readiness-probe-missing,secret-key-in-configmap"

needs_kustomize = pytest.mark.skipif(
    kustomize_tool() is None, reason="neither kubectl nor kustomize is installed (apt-get install kubernetes-client)"
)

# (file, line, column, rule, approximate)
EXPECTED = [
    # the :latest tag is set by the overlay's `images:`; the image key itself is in the base
    (f"{BASE_REL}/deployment.yaml", 11, 11, "mutable-image-tag", False),
    (f"{BASE_REL}/deployment.yaml", 19, 13, "privileged-container", False),
    # a generated ConfigMap from an env file: the KEY= line in that file
    (f"{OVERLAY_REL}/flags.env", 3, 1, "secret-key-in-configmap", False),
    # a generated ConfigMap (hash-suffixed name): the literal in the overlay's generator
    (f"{OVERLAY_REL}/kustomization.yaml", 17, 9, "secret-key-in-configmap", False),
    # the log-shipper sidecar is not in the origin file (base): the overlay patch that adds it
    (f"{OVERLAY_REL}/log-shipper.yaml", 9, 11, "readiness-probe-missing", False),
]


def run(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("KUBELINT_CONFIG", raising=False)
    return ROOT


@pytest.mark.slow
@needs_kustomize
def test_text_points_at_resource_files(at_root: Path) -> None:
    before = _digest(KUSTOMIZE)
    code, out, _ = run(["kustomize", OVERLAY_REL, "--select", SELECT, "--no-plugins", "--quiet"])
    assert _digest(KUSTOMIZE) == before, "kubelint kustomize changed the user's files"
    assert code == 1
    found = re.findall(r"^(\S+):(\d+):(\d+): \w+ ([a-z-]+) (.*)$", out, re.M)
    assert [(f, int(line), int(col), rule) for f, line, col, rule, _ in found] == [e[:4] for e in EXPECTED]
    assert "approximate" not in out


@pytest.mark.slow
@needs_kustomize
def test_json_marks_kustomize_origin(at_root: Path) -> None:
    code, out, _ = run(["kustomize", OVERLAY_REL, "--select", SELECT, "--no-plugins", "--format", "json"])
    assert code == 1
    report = json.loads(out)
    got = [(f["file"], f["line"], f["column"], f["ruleId"], f["rendered"]["approximate"]) for f in report["findings"]]
    assert got == EXPECTED
    for finding in report["findings"]:
        assert finding["rendered"]["source"] == "kustomize"
        assert finding["rendered"]["file"] == f"<kustomize build {OVERLAY_REL}>"
    generated = next(f for f in report["findings"] if "DB_PASSWORD" in f["message"])
    assert re.fullmatch(r"prod-checkout-db-[a-z0-9]{10}", generated["object"]["name"])
    assert generated["object"]["namespace"] == "shop-prod"


@pytest.mark.slow
@needs_kustomize
def test_sarif_passes_the_checker(at_root: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "kustomize.sarif"
    code, _, _ = run(
        ["kustomize", OVERLAY_REL, "--select", SELECT, "--no-plugins", "--format", "sarif", "--output", str(out_file)]
    )
    assert code == 1
    verdict = check_sarif_file(out_file, repo_root=ROOT)
    assert verdict.ok and not verdict.warnings, str(verdict)
    sarif = json.loads(out_file.read_text())
    assert sarif["runs"][0]["automationDetails"]["id"] == "kubelint/kustomize-prod/"
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    assert sorted(uris) == sorted(e[0] for e in EXPECTED)


@pytest.mark.slow
@needs_kustomize
def test_generated_names_keep_their_fingerprint(at_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new generator value gives a new hash suffix; the alert must not move."""
    tree = tmp_path / "tree"
    shutil.copytree(KUSTOMIZE, tree)
    monkeypatch.chdir(tmp_path)
    first = json.loads(
        run(["kustomize", "tree/overlays/prod", "--select", SELECT, "--no-plugins", "--format", "json"])[1]
    )
    kustomization = tree / "overlays" / "prod" / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("change-me-in-vault", "rotated-2026-11"))
    second = json.loads(
        run(["kustomize", "tree/overlays/prod", "--select", SELECT, "--no-plugins", "--format", "json"])[1]
    )
    names = [
        next(f["object"]["name"] for f in report["findings"] if "DB_PASSWORD" in f["message"])
        for report in (first, second)
    ]
    assert names[0] != names[1]  # kustomize re-hashed the generated ConfigMap
    assert {f["fingerprint"] for f in first["findings"]} == {f["fingerprint"] for f in second["findings"]}


@pytest.mark.slow
@needs_kustomize
def test_base_alone_maps_generator_and_resources(at_root: Path) -> None:
    code, out, _ = run(["kustomize", BASE_REL, "--select", "privileged-container", "--no-plugins", "--quiet"])
    assert code == 1
    assert f"{BASE_REL}/deployment.yaml:19:13: error privileged-container Deployment checkout:" in out


@pytest.mark.slow
@needs_kustomize
def test_piped_build_with_origin_annotations_maps_with_chart_root(at_root: Path) -> None:
    rendered = kustomize_build(ROOT / OVERLAY_REL, cwd=ROOT)
    assert "configuredIn: kustomization.yaml" in rendered.text
    assert "path: ../../base/deployment.yaml" in rendered.text
    code, out, _ = run(
        ["lint", "-", "--chart-root", OVERLAY_REL, "--select", SELECT, "--no-plugins", "--quiet"], stdin=rendered.text
    )
    assert code == 1
    assert f"{BASE_REL}/deployment.yaml:19:13: error privileged-container" in out
    assert f"{OVERLAY_REL}/kustomization.yaml:17:9: warning secret-key-in-configmap" in out


def test_missing_tools_exit_2_with_one_line_hint(
    at_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, err = run(["kustomize", OVERLAY_REL])
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "neither kustomize nor kubectl is on PATH" in lines[0]
    assert f"kubectl kustomize {OVERLAY_REL} | kubelint lint - --chart-root {OVERLAY_REL}" in lines[0]


@pytest.mark.slow
@needs_kustomize
def test_directory_without_kustomization_is_an_error(at_root: Path) -> None:
    code, _, err = run(["kustomize", "fixtures/kustomize"])
    assert code == 2
    assert "no kustomization.yaml" in err


def test_origin_rebasing_and_parsing(tmp_path: Path) -> None:
    wrapper = tmp_path / "wrap"
    target = tmp_path / "repo" / "overlays" / "prod"
    text = (
        "metadata:\n  annotations:\n    config.kubernetes.io/origin: |\n"
        "      path: ../repo/base/deployment.yaml\n  name: web\nspec:\n  path: ../keep\n"
    )
    rebased = rebase_origins(text, wrapper, target)
    assert "      path: ../../base/deployment.yaml\n" in rebased
    assert "  path: ../keep\n" in rebased  # outside the annotation: untouched
    assert len(rebased.split("\n")) == len(text.split("\n"))
    origin = parse_origin(
        "configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: SecretGenerator\n"
    )
    assert origin == {
        "configuredIn": "kustomization.yaml",
        "configuredBy.apiVersion": "builtin",
        "configuredBy.kind": "SecretGenerator",
    }


def test_remote_origin_stays_on_the_rendered_stream(tmp_path: Path) -> None:
    stream = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    config.kubernetes.io/origin: |\n"
        "      path: pod.yaml\n      repo: https://example.com/org/repo\n      ref: v1\n"
        "spec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    securityContext:\n      privileged: true\n"
    )
    report = lint_sources([Source("<stdin>", stream.encode())], select=["privileged-container"], cwd=tmp_path)
    (finding,) = report.findings
    assert finding.file == "<stdin>" and finding.rendered is None


@pytest.mark.slow
@needs_kustomize
def test_value_changed_by_a_patch_points_at_the_patch(at_root: Path) -> None:
    code, out, _ = run(["kustomize", OVERLAY_REL, "--select", "pdb-missing", "--no-plugins", "--quiet"])
    assert code == 1
    assert f"{OVERLAY_REL}/replicas.yaml:6:3: warning pdb-missing Deployment shop-prod/prod-checkout: 6 replicas" in out


@pytest.mark.slow
@needs_kustomize
def test_no_honest_line_gives_line_one_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A container added by a JSON 6902 patch appears in no file with its structure."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n"
        "    - name: main\n      image: busybox:1.36\n"
    )
    (tmp_path / "app" / "kustomization.yaml").write_text(
        "resources:\n  - pod.yaml\npatches:\n  - target: {kind: Pod, name: tool}\n    patch: |-\n"
        "      - op: add\n        path: /spec/containers/-\n"
        "        value: {name: debug, image: busybox:1.36, securityContext: {privileged: true}}\n"
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["kustomize", "app", "--select", "privileged-container", "--no-plugins", "--format", "json"])
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert (finding["file"], finding["line"], finding["rendered"]["approximate"]) == ("app/pod.yaml", 1, True)
    assert "approximate location" in finding["message"]


# -- piped output whose origins are missing or unusable says why (issue 19, defect 4) --------------
def _build(directory: Path) -> str:
    tool = kustomize_tool()
    assert tool is not None
    return subprocess.run([*tool, str(directory)], capture_output=True, text=True, timeout=300, check=True).stdout


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("kubelint: warning:")]


@pytest.mark.slow
@needs_kustomize
def test_piped_build_without_origin_annotations_says_why(tmp_path: Path) -> None:
    """`kubectl kustomize DIR | kubelint lint -`: the findings stay on the stream, and one line
    says why and how to get file locations; SARIF still has results when the stream has a name."""
    stream = _build(ROOT / OVERLAY_REL)
    assert "config.kubernetes.io/origin" not in stream
    proc = run_kubelint(["lint", "-", "--select", SELECT, "--no-plugins", "--quiet"], cwd=ROOT, stdin=stream)
    assert proc.returncode == 1
    assert proc.stdout.count("<stdin>:") == len(EXPECTED)
    (warning,) = _warnings(proc.stderr)
    assert "findings in <stdin> stay on the rendered output" in warning
    assert "no `config.kubernetes.io/origin` annotations" in warning
    assert "kubelint kustomize DIR" in warning and "`buildMetadata: [originAnnotations]`" in warning
    assert "--chart-root DIR" in warning
    # SARIF: results on the named stream, not notifications; the warning as a notification
    out_file = tmp_path / "out.sarif"
    args = ["lint", "-", "--stdin-filename", "build.yaml", "--select", SELECT, "--no-plugins"]
    proc = run_kubelint([*args, "--format", "sarif", "--output", str(out_file)], cwd=ROOT, stdin=stream)
    assert proc.returncode == 1
    run_ = json.loads(out_file.read_text())["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    assert uris == {"build.yaml"} and len(run_["results"]) == len(EXPECTED)
    (note,) = run_["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "buildMetadata" in note["message"]["text"]


@pytest.mark.slow
@needs_kustomize
def test_piped_build_with_origins_from_another_directory_names_it(tmp_path: Path) -> None:
    """Origin paths are relative to the kustomization that was built: from elsewhere they do not
    resolve, and the warning names the directory they resolve from."""
    repo = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, repo / "k")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, timeout=60)
    kustomization = repo / "k" / "overlays" / "prod" / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + "buildMetadata: [originAnnotations]\n")
    stream = _build(repo / "k" / "overlays" / "prod")
    assert "path: ../../base/deployment.yaml" in stream
    args = ["lint", "-", "--select", SELECT, "--no-plugins", "--quiet"]
    proc = run_kubelint(args, cwd=repo, stdin=stream)
    assert proc.returncode == 1 and proc.stdout.count("<stdin>:") == len(EXPECTED)
    (warning,) = _warnings(proc.stderr)
    assert "origin paths (such as ../../base/deployment.yaml) are not files relative to the current directory" in (
        warning
    )
    assert "--chart-root with the kustomization directory that was built (here: k/overlays/prod)" in warning
    proc = run_kubelint([*args, "--chart-root", "k/overlays/prod"], cwd=repo, stdin=stream)
    assert "k/base/deployment.yaml:19:13: error privileged-container" in proc.stdout
    assert "<stdin>" not in proc.stdout and not _warnings(proc.stderr)


def test_plain_manifests_piped_in_say_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, timeout=60)
    text = (FIXTURES / "privileged-container" / "fail-workload-kinds.yaml").read_text()
    proc = run_kubelint(["lint", "-", "--select", "privileged-container", "--no-plugins"], cwd=repo, stdin=text)
    assert proc.returncode == 1 and "<stdin>:" in proc.stdout
    assert not _warnings(proc.stderr)


@pytest.mark.slow
@needs_kustomize
def test_piped_build_without_generators_is_told_from_plain_manifests(tmp_path: Path) -> None:
    """No generated names to recognise kustomize output by: its keys are sorted at every level
    (kustomize writes them so), a person's manifest puts `name:` first."""
    repo = tmp_path / "repo"
    (repo / "deploy" / "app").mkdir(parents=True)
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\n  labels:\n    app: tool\nspec:\n  containers:\n"
        "    - name: main\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n"
    )
    (repo / "deploy" / "app" / "pod.yaml").write_text(pod)
    (repo / "deploy" / "app" / "kustomization.yaml").write_text("resources:\n  - pod.yaml\n")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, timeout=60)
    args = ["lint", "-", "--select", "privileged-container", "--no-plugins", "--quiet"]
    built = run_kubelint(args, cwd=repo, stdin=_build(repo / "deploy" / "app"))
    assert built.returncode == 1
    (warning,) = _warnings(built.stderr)
    assert "no `config.kubernetes.io/origin` annotations" in warning
    plain = run_kubelint(args, cwd=repo, stdin=pod)
    assert plain.returncode == 1 and not _warnings(plain.stderr)
