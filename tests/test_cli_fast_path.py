"""The click-free path of `kubelint lint` (kubelint_py.cli.argv.fast_lint_options): made from the
same table as the click parser, it must hand the command exactly the options click would, and
print exactly what click would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kubelint_py import cli as cli_module
from kubelint_py.cli import lint as lint_module
from kubelint_py.cli import main
from kubelint_py.cli.argv import COMMANDS, LINT_DEFAULTS, SHARED, build_cli, fast_lint_options
from tests.helpers import ROOT

FAST = [
    ["lint", "a.yaml"],
    ["lint", "a.yaml", "b.yaml", "dir"],
    ["lint", "-"],
    ["lint", "--context", ".", "a.yaml"],  # the pre-commit hook's entry
    ["lint", "--context=.", "a.yaml", "--context", "other"],
    ["lint", "a.yaml", "--select", "privileged-container,host-network", "--select", "x", "--ignore", "y"],
    ["lint", "-q", "a.yaml", "--quiet", "-v", "--verbose"],
    ["lint", "--namespace", "shop", "--namespace=web", "a.yaml"],
    ["lint", "--target-provider", "aws", "a.yaml"],
    ["lint", "--rules", "custom/", "a.yaml"],
    ["lint", "--no-plugins", "--exit-zero", "--assume-complete", "--include-suppressed", "--show-source", "a"],
    ["lint", "--color", "--no-color", "a.yaml"],
    ["lint", "--no-color", "--color", "--debug", "a.yaml"],
    ["lint", "--select=", "a.yaml"],
    ["lint", "lint"],
]
# Left to click: other commands, options the fast path does not know, values that look like
# options, a missing value, flags given a value, short-option clusters, `--`, no PATH.
CLICK = [
    [],
    ["lint"],
    ["rules"],
    ["--version"],
    ["lint", "--help"],
    ["lint", "-h", "a.yaml"],
    ["lint", "--format", "json", "a.yaml"],
    ["lint", "--jobs", "1", "a.yaml"],
    ["lint", "--config", "c.yaml", "a.yaml"],
    ["lint", "--target-version", "1.31", "a.yaml"],
    ["lint", "--context"],
    ["lint", "a.yaml", "--context"],
    ["lint", "--context", "-x", "a.yaml"],
    ["lint", "--quiet=1", "a.yaml"],
    ["lint", "-qv", "a.yaml"],
    ["lint", "--", "a.yaml"],
    ["lint", "--contex", "x", "a.yaml"],
    ["lint", "--quiet"],
    ["helm", "chart"],
]


def _click_options(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[str, ...], dict[str, Any]]:
    """What click hands the lint command for `args`."""
    seen: list[Any] = []
    monkeypatch.setattr(lint_module, "lint_and_exit", lambda options, inputs, *_: seen.append((options, inputs)))
    build_cli().main(args=args, prog_name="kubelint", standalone_mode=False)
    (options, inputs), *_ = seen
    assert len(inputs) == 1 and inputs[0].chart_root is None
    return inputs[0].paths, options


@pytest.mark.parametrize("args", FAST, ids=" ".join)
def test_fast_path_gives_what_click_gives(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("_KUBELINT_COMPLETE", raising=False)
    fast = fast_lint_options(args)
    assert fast is not None
    assert fast == _click_options(args, monkeypatch)


@pytest.mark.parametrize("args", CLICK, ids=lambda a: " ".join(a) or "(none)")
def test_anything_else_is_left_to_click(args: list[str]) -> None:
    assert fast_lint_options(args) is None


def test_defaults_are_clicks_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _click_options(["lint", "a.yaml"], monkeypatch)[1] == LINT_DEFAULTS


def test_the_fast_options_are_those_click_neither_checks_nor_converts() -> None:
    """A value the fast path took unchecked must be one click would also pass on as it is."""
    for option in (*SHARED, *COMMANDS["lint"][3]):
        if option.fast:
            assert option.kind in ("flag", "switch", "value", "multiple"), option.flags
            assert not (option.choices or option.path or option.int_range), option.flags


def test_shell_completion_is_left_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_KUBELINT_COMPLETE", "bash_complete")
    assert fast_lint_options(["lint", "a.yaml"]) is None


# The same run through both paths, in fresh processes (so the fast one never has click
# loaded): same stdout, stderr and exit code. `--jobs 0` is the default, but an option the
# fast path leaves to click.
ESCAPES = """\
apiVersion: v1
kind: Pod
metadata:
  name: "\\e[31mred\\e[0m-caf\\u00e9"
  namespace: t
spec:
  containers:
    - name: c
      image: "busybox:latest\\e[2J"
      securityContext: {privileged: true}
"""


def _run(args: list[str], cwd: Path) -> tuple[int, str, str, bool]:
    code = (
        "import sys\n"
        "from kubelint_py.cli import main\n"
        f"status = main({args!r})\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('CLICK=%s' % ('click' in sys.modules))\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUBELINT", "PYTHON", "NO_COLOR"))}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONIOENCODING"] = "utf-8"  # the fast path writes UTF-8 streams itself, others via click
    env["HOME"] = str(cwd)
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    err, _, flag = proc.stderr.rpartition("CLICK=")
    return proc.returncode, proc.stdout, err, flag == "True"


@pytest.mark.slow
@pytest.mark.parametrize(
    "extra",
    [[], ["--context", "."], ["-q", "--show-source"], ["--select", "privileged-container,nope"], ["--color"]],
    ids=lambda a: " ".join(a) or "plain",
)
def test_fast_and_click_paths_print_the_same(tmp_path: Path, extra: list[str]) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pod.yaml").write_text(ESCAPES, encoding="utf-8")
    (tmp_path / "svc.yaml").write_text(json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}))
    fast = _run(["lint", *extra, "pod.yaml", "svc.yaml"], tmp_path)
    slow = _run(["lint", "--jobs", "0", *extra, "pod.yaml", "svc.yaml"], tmp_path)
    assert fast[3] is False and slow[3] is True  # which path each took
    assert fast[:3] == slow[:3]
    # not a terminal: no colour, unless --color asks for it (then piped output is coloured too)
    assert ("\x1b" in fast[1]) is ("--color" in extra)


@pytest.mark.slow
def test_fast_path_errors_read_like_clicks(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pod.yaml").write_text(ESCAPES, encoding="utf-8")
    (tmp_path / ".kubelint.yaml").write_text("rules: {enable: [no-such-rule]}\nbogus: 1\n")
    fast = _run(["lint", "pod.yaml"], tmp_path)
    slow = _run(["lint", "--jobs", "0", "pod.yaml"], tmp_path)
    assert fast[:3] == slow[:3]
    assert fast[0] == 2 and fast[2].startswith("kubelint: error: .kubelint.yaml: unknown key")
    missing = _run(["lint", "missing.yaml"], tmp_path), _run(["lint", "--jobs", "0", "missing.yaml"], tmp_path)
    assert missing[0][:3] == missing[1][:3]


def test_kubelint_error_is_not_a_click_exception_but_click_shows_it(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kubelint_py.cli.errors import KubelintError

    assert not any(c.__module__.startswith("click") for c in KubelintError.__mro__)
    result = CliRunner().invoke(cli_module.cli, ["lint", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert "kubelint: error:" in result.output


def test_main_fast_path_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pod.yaml").write_text(ESCAPES, encoding="utf-8")
    assert main(["lint", str(tmp_path / "pod.yaml")]) == 1
    out = capsys.readouterr().out
    assert "privileged-container" in out and "\x1b" not in out
