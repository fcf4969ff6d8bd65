"""Promise 1 of docs/security.md: nothing outside the tree is opened because the tree says so.

Each test builds a repository (the tree: the current directory of the run) next to an
`outside` directory whose files hold a marker, and lets the repository point at them: origin
annotations, the kustomization, patch and env files behind them, Helm `# Source:` headers and
links, and the configuration's `extends`, `context` and `customRules`. The marker never
reaches the output, no finding moves out of the tree, and a configuration that names a place
outside is refused with a message naming its key (exit 2).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.support import Run, child_env, lint_subprocess, no_traceback, pod

MARKER = "OUTSIDE-MARKER-7f3a"
SECRET_ENV = "KUBELINT_CANARY_SECRET_VALUE_91c2"


def _trees(tmp_path: Path) -> tuple[Path, Path]:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    return repo, outside


def _rendered_pod(origin: str, *, privileged_comment: str = "") -> str:
    """A `kustomize build` Pod with an origin annotation (`origin`: its lines, unindented)."""
    block = "".join(f"      {line}\n" for line in origin.splitlines())
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n"
        f"    config.kubernetes.io/origin: |\n{block}"
        "spec:\n  containers:\n    - name: shell\n      image: busybox:1.36\n"
        f"      securityContext:\n        privileged: true{privileged_comment}\n"
    )


def _outside_pod() -> str:
    return pod("web").replace("privileged: true", f"privileged: true  # {MARKER}")


def _files(run: Run) -> set[str]:
    return {file for file, _, _ in run.findings()}


def _lint(args: list[str], cwd: Path, **kwargs: object) -> Run:
    run = lint_subprocess(args, cwd, **kwargs)  # type: ignore[arg-type]
    assert no_traceback(run.err), run.err
    return run


# -- origin annotations and what lies behind them -----------------------------------------------
def test_an_origin_path_out_of_the_tree_keeps_the_finding_on_the_stream(tmp_path: Path) -> None:
    repo, outside = _trees(tmp_path)
    (outside / "pod.yaml").write_text(_outside_pod())
    (repo / "rendered.yaml").write_text(_rendered_pod("path: ../outside/pod.yaml"))
    run = _lint(["rendered.yaml", "--select", "privileged-container", "--format", "json"], repo)
    assert run.code == 1
    assert _files(run) == {"rendered.yaml"}
    text = _lint(["rendered.yaml", "--select", "privileged-container", "--show-source"], repo)
    assert MARKER not in text.out and "rendered.yaml:" in text.out


def test_an_origin_path_to_proc_never_shows_the_environment(tmp_path: Path) -> None:
    repo, _ = _trees(tmp_path)
    depth = len(repo.resolve().parts) - 1
    (repo / "rendered.yaml").write_text(_rendered_pod(f"path: {'../' * depth}proc/self/environ"))
    env = child_env({"CANARY": SECRET_ENV})
    run = _lint(["rendered.yaml", "--select", "privileged-container", "--show-source"], repo, env=env)
    assert run.code == 1
    assert SECRET_ENV not in run.out + run.err
    assert "environ" not in run.out and "rendered.yaml:" in run.out


def test_a_link_in_the_tree_to_a_file_outside_is_outside(tmp_path: Path) -> None:
    repo, outside = _trees(tmp_path)
    (outside / "pod.yaml").write_text(_outside_pod())
    (repo / "base").mkdir()
    (repo / "base" / "pod.yaml").symlink_to(outside / "pod.yaml")
    (repo / "rendered.yaml").write_text(_rendered_pod("path: base/pod.yaml"))
    run = _lint(["rendered.yaml", "--select", "privileged-container", "--format", "json"], repo)
    assert _files(run) == {"rendered.yaml"}
    text = _lint(["rendered.yaml", "--select", "privileged-container", "--show-source"], repo)
    assert MARKER not in text.out


def test_a_patch_named_by_the_kustomization_out_of_the_tree_is_not_read(tmp_path: Path) -> None:
    """The resource sets `privileged: false`, so the mapper looks for the patch that changed
    it; the kustomization names one outside the tree."""
    repo, outside = _trees(tmp_path)
    (repo / "pod.yaml").write_text(pod("web").replace("privileged: true", "privileged: false"))
    (repo / "kustomization.yaml").write_text("resources:\n  - pod.yaml\npatches:\n  - path: ../outside/patch.yaml\n")
    (outside / "patch.yaml").write_text(_outside_pod())
    (repo / "rendered.yaml").write_text(_rendered_pod("path: pod.yaml"))
    run = _lint(["rendered.yaml", "--select", "privileged-container", "--format", "json"], repo)
    assert run.code == 1
    assert _files(run) == {"pod.yaml"}  # the resource file (marked as differing), never the patch


def test_a_kustomization_out_of_the_tree_is_not_read(tmp_path: Path) -> None:
    repo, outside = _trees(tmp_path)
    (outside / "kustomization.yaml").write_text(f"configMapGenerator:\n  - name: flags  # {MARKER}\n")
    (repo / "rendered.yaml").write_text(_configmap("configuredIn: ../outside/kustomization.yaml"))
    run = _lint(["rendered.yaml", "--select", "secret-key-in-configmap", "--format", "json"], repo)
    assert run.code == 1
    assert _files(run) == {"rendered.yaml"}


def test_an_env_file_out_of_the_tree_is_not_read(tmp_path: Path) -> None:
    repo, outside = _trees(tmp_path)
    (outside / "flags.env").write_text(f"LOG_LEVEL=info\nDB_PASSWORD={MARKER}\n")
    (repo / "kustomization.yaml").write_text(
        "configMapGenerator:\n  - name: flags\n    envs:\n      - ../outside/flags.env\n"
    )
    (repo / "rendered.yaml").write_text(_configmap("configuredIn: kustomization.yaml"))
    run = _lint(["rendered.yaml", "--select", "secret-key-in-configmap", "--format", "json"], repo)
    assert run.code == 1
    assert _files(run) == {"kustomization.yaml"}  # the generator entry, marked approximate
    assert MARKER not in run.out


def _configmap(origin_first_line: str) -> str:
    origin = f"{origin_first_line}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  name: flags"
    block = "".join(f"      {line}\n" for line in origin.splitlines())
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags-5h2k8m9b4c\n  annotations:\n"
        f"    config.kubernetes.io/origin: |\n{block}"
        "data:\n  DB_PASSWORD: hunter2\n  LOG_LEVEL: info\n"
    )


# -- Helm ---------------------------------------------------------------------------------------
def test_a_helm_template_that_links_out_of_the_tree_is_not_read(tmp_path: Path) -> None:
    repo, outside = _trees(tmp_path)
    (outside / "pod.yaml").write_text(_outside_pod())
    chart = repo / "charts" / "web"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 1.0.0\n")
    (chart / "templates" / "pod.yaml").symlink_to(outside / "pod.yaml")
    (repo / "rendered.yaml").write_text("---\n# Source: web/templates/pod.yaml\n" + pod("web"))
    run = _lint(["rendered.yaml", "--select", "privileged-container", "--format", "json"], repo)
    assert run.code == 1
    assert _files(run) == {"rendered.yaml"}
    text = _lint(["rendered.yaml", "--select", "privileged-container", "--show-source"], repo)
    assert MARKER not in text.out


def test_a_chart_yaml_that_is_a_fifo_or_a_device_does_not_hang_the_mapping(tmp_path: Path) -> None:
    repo, _ = _trees(tmp_path)
    chart = repo / "charts" / "web"
    (chart / "templates").mkdir(parents=True)
    os.mkfifo(chart / "Chart.yaml")
    (repo / "charts" / "api").mkdir()
    (repo / "charts" / "api" / "Chart.yaml").symlink_to("/dev/zero")
    (repo / "rendered.yaml").write_text("---\n# Source: web/templates/pod.yaml\n" + pod("web"))
    run = _lint(["rendered.yaml", "--select", "privileged-container", "--format", "json"], repo, timeout=60)
    assert run.code == 1 and _files(run) == {"rendered.yaml"}


# -- the configuration --------------------------------------------------------------------------
def _config_run(repo: Path, config: str, timeout: float = 60) -> Run:
    (repo / ".kubelint.yaml").write_text(config)
    (repo / "pod.yaml").write_text(pod("web"))
    return _lint(["pod.yaml"], repo, timeout=timeout)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("context: [../outside]\n", "context"),
        ('context: ["/"]\n', "context"),
        ("context: [../outside/*.yaml]\n", "context"),
        ("extends: ../outside/base.yaml\n", "extends"),
        ("customRules: [../outside/rules]\n", "customRules"),
    ],
)
def test_a_configuration_naming_a_place_outside_the_tree_is_refused(tmp_path: Path, config: str, key: str) -> None:
    repo, outside = _trees(tmp_path)
    (outside / "base.yaml").write_text("failOn: never\n")
    (outside / "rules").mkdir()
    (outside / "pod.yaml").write_text(_outside_pod())
    run = _config_run(repo, config)
    assert run.code == 2, run.err
    assert run.err.startswith("kubelint: error: ") and ".kubelint.yaml" in run.err
    assert f"{key}: " in run.err and "outside the scanned tree" in run.err
    assert run.out == ""


def test_a_configuration_file_that_links_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    repo, outside = _trees(tmp_path)
    (outside / "config.yaml").write_text("failOn: never\n")
    (repo / ".kubelint.yaml").symlink_to(outside / "config.yaml")
    (repo / "pod.yaml").write_text(pod("web"))
    run = _lint(["pod.yaml"], repo)
    assert run.code == 2 and "outside the scanned tree" in run.err


def test_a_context_glob_over_a_loop_of_links_ends(tmp_path: Path) -> None:
    """glob.glob follows links to directories: two links to `.` made `**` explode."""
    repo, _ = _trees(tmp_path)
    (repo / "deploy").mkdir()
    (repo / "deploy" / "a").symlink_to(".")
    (repo / "deploy" / "b").symlink_to(".")
    (repo / "deploy" / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n")
    run = _config_run(repo, 'context: ["deploy/**/*.yaml"]\n', timeout=60)
    assert run.code == 1, run.err


def test_places_inside_the_tree_and_the_repository_still_work(tmp_path: Path) -> None:
    """`extends: ../.kubelint.yaml` from a directory of the repository (the starter's example),
    a context directory and custom rules inside."""
    repo, _ = _trees(tmp_path)
    (repo / ".git").mkdir()
    (repo / ".kubelint.yaml").write_text("failOn: error\n")
    app = repo / "app"
    (app / "deploy").mkdir(parents=True)
    (app / "deploy" / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n")
    (app / ".kubelint.yaml").write_text("extends: ../.kubelint.yaml\ncontext: [deploy]\n")
    (app / "pod.yaml").write_text(pod("web"))
    run = _lint(["pod.yaml"], app)
    assert run.code == 1, run.err


def test_a_configuration_of_the_user_outside_the_tree_may_name_anything(tmp_path: Path) -> None:
    """KUBELINT_CONFIG is the environment's, trusted (docs/security.md, Limits)."""
    repo, outside = _trees(tmp_path)
    (outside / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n")
    (outside / "org.yaml").write_text(f"context: [{outside}]\n")
    (repo / "pod.yaml").write_text(pod("web"))
    run = _lint(["pod.yaml"], repo, env=child_env({"KUBELINT_CONFIG": str(outside / "org.yaml")}))
    assert run.code == 1, run.err


def test_context_named_on_the_command_line_is_part_of_the_tree(tmp_path: Path) -> None:
    repo, outside = _trees(tmp_path)
    (outside / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n")
    (repo / "pod.yaml").write_text(pod("web"))
    run = _lint(["pod.yaml", "--context", str(outside)], repo)
    assert run.code == 1, run.err


# -- the tree itself ----------------------------------------------------------------------------
def test_tree_contains_resolves_dots_and_links(tmp_path: Path) -> None:
    from kubelint_py.input.confine import Tree

    repo, outside = _trees(tmp_path)
    (repo / "out").symlink_to(outside)
    tree = Tree.for_run(repo)
    assert tree.contains(repo / "a.yaml") and tree.contains(repo)
    assert not tree.contains(repo / ".." / "outside" / "a.yaml")
    assert not tree.contains(repo / "out" / "a.yaml")
    assert tree.resolve(repo, "../outside/a.yaml") is None
    assert tree.resolve(repo, "/etc/passwd") is None
    assert tree.resolve(repo, "sub/../a.yaml") == repo.resolve() / "a.yaml"
    named = tree.with_paths([str(outside / "x.yaml")], repo)
    assert named.contains(outside / "y.yaml")  # a file named by itself and the directory holding it
    assert not named.contains(tmp_path / "z.yaml")
