"""Messages: every input problem names its file and line and says what is wrong (and what to
do) in plain words, without a Python repr, a secret value, or a path of this machine the
user did not give; so do the CLI's error lines."""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.input.yamlio import Limits
from kubelint_py.model import Source
from tests.hostile.support import lint_in_process, lint_subprocess, pod

SECRET = "s3cr3t-Value-9f8e7d"
REPR = re.compile(
    r"<[\w.]+ object at 0x[0-9a-fA-F]+>"  # default object repr
    r"|\[Errno \d+\]"  # OSError's str
    r"|\bb'|\\x[0-9a-f]{2}"  # bytes reprs
    r"|(?<![\w`])'[^'\s]+'(?!\w)"  # 'quoted' the way !r quotes strings
    r"|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|Traceback"
)
INPUT_RULES = ("yaml-syntax", "yaml-duplicate-key", "input-too-large", "input-unreadable")

# Each line is one broken document; all sit inside a Secret whose value must never be echoed.
BROKEN = [
    "data: [unclosed",
    "data: {a: 1",
    "data: {a: 1, b",
    'data: "never closed',
    "data: 'never closed",
    'data: "bad \\q escape"',
    "data:\n\tpassword: tab-indented",
    "data: @at-sign",
    "data: `backtick`",
    "data: %directive",
    "key: value: another",
    "data:\n  a: 1\n b: 2",
    "data:\n  - a\n - b",
    "data: *undefined",
    "data: &x a\nmore: &x b",
    "data: !<tag",
    "data: |text after indicator",
    "just a line\nand: another",
    "data: [a, b]]",
    "- item\nkey: value",
    "data: a\n  b: c",
    "? complex\n: value\n: extra",
    "data: & anchor",
    "data: !!",
    "data: {a: [}",
]


def secret_doc(body: str) -> str:
    return f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {SECRET}\n{body}\n"


def assert_plain(message: str) -> None:
    assert message and message == message.strip() and "\n" not in message, repr(message)
    assert REPR.search(message) is None, message
    assert SECRET not in message, message


@pytest.mark.parametrize("body", BROKEN)
def test_yaml_syntax_messages_are_plain_and_point_into_the_document(body: str) -> None:
    text = pod("before") + "---\n" + secret_doc(body)
    result = LoadResult()
    load_source(Source("s.yaml", text.encode()), LoadOptions(), result)
    problems = [p for p in result.problems if p.code in INPUT_RULES]
    assert problems, body
    for problem in problems:
        assert_plain(problem.message)
        assert 12 <= problem.span.start.line <= text.count("\n") + 1, (body, problem)
        assert problem.span.start.column >= 1
    assert [d.name for d in result.documents][:1] == ["before"]


def test_every_input_rule_message_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("---\n".join(secret_doc(b) for b in BROKEN))
    (tmp_path / "dup.yaml").write_text(
        'apiVersion: v1\nkind: Secret\nmetadata: {name: d}\nstringData:\n  password: a\n  password: b\n  "it\'s": 1\n'
        "  it's: 2\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: e}\nstringData:\n  ? [x, y]\n  : 1\n"
    )
    (tmp_path / "deep.yaml").write_text(secret_doc("x: " + "[" * 300 + "]" * 300))
    (tmp_path / "laughs.yaml").write_text(
        secret_doc(
            "a: &a [l,l,l,l,l,l,l,l,l,l]\n"
            + "".join(f"{n}: &{n} [{',*'.join([''] + [p] * 10)[1:]}]\n" for p, n in zip("abcd", "bcde", strict=True))
        )
    )
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01" * 50)
    (tmp_path / "latin1.yaml").write_bytes(secret_doc("note: caf\xe9").encode("latin-1"))
    (tmp_path / "ctrl.yaml").write_text(secret_doc("note: \x07bell"))
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "dangling.yaml").symlink_to("gone.yaml")
    run = lint_in_process([".", "--format", "json", "--select", ",".join(INPUT_RULES)], tmp_path)
    report = run.report()
    seen = {f["ruleId"] for f in report["findings"]}
    assert seen == set(INPUT_RULES), seen
    for finding in report["findings"]:
        assert finding["file"] and finding["line"] >= 1 and finding["column"] >= 1, finding
        assert_plain(finding["message"])
    for error in report["errors"]:
        assert_plain(error["message"])
    dup = [f["message"] for f in report["findings"] if f["ruleId"] == "yaml-duplicate-key"]
    assert 'key "password" is defined twice (first at line 5)' in dup[0] and "delete one" in dup[0]
    text = lint_in_process([".", "--select", ",".join(INPUT_RULES)], tmp_path)
    assert str(tmp_path) not in text.out + text.err
    for line in text.out.splitlines():
        if any(f" {rule} " in line for rule in INPUT_RULES):
            assert re.match(r"^[\w./-]+:\d+:\d+: error [a-z-]+ \S", line), line
            assert REPR.search(line) is None and SECRET not in line, line


_yaml_chars = st.sampled_from(list(string.ascii_letters[:6] + " :-[]{},#&*!|>'\"\n\t?%@`\\"))


@given(st.lists(_yaml_chars, max_size=120).map("".join))
def test_any_problem_message_is_plain(text: str) -> None:
    result = LoadResult()
    options = LoadOptions(max_documents=5, limits=Limits(max_depth=5, max_nodes=200))
    load_source(Source("h.yaml", (secret_doc("") + "---\n" + text).encode()), options, result)
    for problem in result.problems:
        assert_plain(problem.message)
        assert problem.span.start.line >= 1 and problem.span.start.column >= 1


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kubelint: error: "), err
    assert REPR.search(lines[0]) is None, err
    return lines[0]


@pytest.mark.slow
def test_cli_error_lines_are_one_plain_line(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(pod("p"))
    cases = {
        ("nope.yaml",): "nope.yaml: no such file or directory",
        ("no/*.yaml",): "no/*.yaml: no file matches this pattern",
        (".", "--select", "no-such-rule"): "no-such-rule",
        (".", "--output", "missing/r.txt"): "cannot write missing/r.txt",
        (".", "--rules", "absent-rules"): "absent-rules",
    }
    for args, expected in cases.items():
        run = lint_subprocess(list(args), tmp_path)
        assert run.code == 2, (args, run)
        assert expected in _one_error_line(run.err), (args, run.err)
        assert str(tmp_path) not in run.err


@pytest.mark.slow
def test_config_errors_name_the_config_file_relative_to_the_directory(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(pod("p"))
    config = tmp_path / ".kubelint.yaml"
    for text, expected in (
        ("rulez: {}\n", ".kubelint.yaml: unknown key rulez"),
        ("rules: [\n", ".kubelint.yaml:1:"),
        (f"namespace: [{SECRET}\n", ".kubelint.yaml:1:"),
    ):
        config.write_text(text)
        run = lint_subprocess(["."], tmp_path, env={**_env(tmp_path)})
        line = _one_error_line(run.err)
        assert run.code == 2 and line.startswith(f"kubelint: error: {expected}"), run.err
        assert str(tmp_path) not in line and SECRET not in line


def test_an_internal_error_names_no_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kubelint_py.run import pipeline

    def broken(*_: object, **__: object) -> object:
        raise KeyError(SECRET)

    monkeypatch.setattr(pipeline, "run_lint", broken)
    (tmp_path / "pod.yaml").write_text(pod("p"))
    from kubelint_py.cli import main

    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(KeyError):
            main(["lint", "pod.yaml", "--debug"])
        capsys.readouterr()
        code = main(["lint", "pod.yaml"])
    finally:
        os.chdir(old)
    err = capsys.readouterr().err
    assert code == 2 and SECRET not in err and REPR.search(err.replace("(KeyError)", "")) is None, err
    assert err.startswith("kubelint: internal error (KeyError): this is a bug in kubelint;") and err.count("\n") == 1


def _env(home: Path) -> dict[str, str]:
    from tests.hostile.support import child_env

    return child_env({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")})


def test_messages_stay_short_whatever_the_values(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(pod("p").replace("busybox:1.36", "registry.example/" + "a" * 100_000))
    run = lint_in_process(["pod.yaml", "--format", "json"], tmp_path)
    assert max(len(f["message"]) for f in run.report()["findings"]) < 1000
