"""Output cannot be turned against its reader (docs/security.md, promise 4).

File names, object names, values and custom rules' texts come from the scanned tree. Each class
of hostile character below goes in through each of them; every text output (the text and
GitHub formats, `kubelint rules` and `explain` texts) must show it as a visible escape, never
raw, and no text line may be a GitHub workflow command (`::cmd ...::` after white space, or
`##[cmd]` anywhere). JSON and SARIF must stay valid and carry no raw control or bidi character,
JSON keeping the values themselves (as `\\uXXXX`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubelint_py.input.discovery import printable_name
from kubelint_py.model import Examples, RuleMeta, Scope, Severity
from kubelint_py.output.ruledoc import rule_markdown, rule_text, rules_json, rules_table_text
from kubelint_py.output.safe_text import json_safe, no_workflow_commands, printable, printable_text
from tests.helpers import PRIVILEGED_POD_TEMPLATE
from tests.hostile.support import lint_in_process, lint_subprocess, no_traceback

HOSTILE = {
    "erase": "\x1b[2K\x1b[1A",
    "osc52": "\x1b]52;c;cHduZWQ=\x07",
    "osc8": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "bel": "\x07",
    "backspace": "\x08\x08\x08",
    "vt-ff": "\x0b\x0c",
    "cr": "\r",
    "lf": "\n",
    "c1-csi": "\x9b2J",
    "c1-nel": "\x85",
    "c1-osc": "\x9d0;title\x9c",
    "del": "\x7f",
    "bidi-override": "\u202etxt.yaml\u202c",
    "bidi-isolate": "\u2066\u2067\u2068\u2069",
    "bidi-marks": "\u200e\u200f\u061c",
    "line-separator": "\u2028",
    "paragraph-separator": "\u2029",
}
# what none of the text outputs may carry raw (tab and line feed are the outputs' own)
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# GitHub's runner: a command is `::name ...::` after leading white space, or `##[name` anywhere
COMMAND = re.compile(r"^\s*::|##\[")
OUR_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
COMMAND_FILES = ["::error title=pwned::a.yaml", "  ::warning::b.yaml", "\u3000::notice::c.yaml", "##[error]d.yaml"]


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar holding `text`, the file itself ASCII."""
    return json.dumps(text)


def _pod(label: str, chars: str) -> str:
    return PRIVILEGED_POD_TEMPLATE.format(
        name=_yaml(f"p-{label}{chars}x"), namespace=_yaml(f"::error::ns{chars}"), image=_yaml(f"busybox{chars}:1.36")
    )


def _file_name(label: str, chars: str) -> str:
    return f"{label}-{chars.replace('/', '_').replace(chr(92), '_')}.yaml"  # no path separators


def _shown_name(label: str, chars: str) -> str:
    """The file's name as the run reports it (discovery writes C0 controls as %XX)."""
    return printable_name(_file_name(label, chars))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-output")
    for label, chars in HOSTILE.items():
        (root / _file_name(label, chars)).write_text(_pod(label, chars), encoding="utf-8")
    for number, name in enumerate(COMMAND_FILES):
        (root / name).write_text(_pod(f"cmd{number}", "::error::x"), encoding="utf-8")
    if sys.platform.startswith("linux"):  # a name that is not UTF-8: a lone surrogate once decoded
        (root / os.fsdecode(b"undecodable-\xff.yaml")).write_text(_pod("bytes", ""), encoding="utf-8")
    return root


def _no_raw(text: str, *, colour: bool = False) -> None:
    shown = OUR_COLOURS.sub("", text) if colour else text
    found = sorted({f"U+{ord(ch):04X}" for ch in RAW.findall(shown)})
    assert not found, found


def _no_command_lines(text: str) -> None:
    bad = [line for line in text.split("\n") if COMMAND.search(line)]
    assert not bad, bad[:5]


MODES = [[], ["--show-source"], ["--verbose", "--include-suppressed"], ["--color", "--show-source", "--verbose"]]


@pytest.mark.parametrize("mode", MODES, ids=lambda m: " ".join(m) or "default")
def test_text_format_escapes_everything_from_the_tree(tree: Path, mode: list[str]) -> None:
    run = lint_in_process([".", "--no-plugins", *mode], tree)
    assert no_traceback(run.err), run.err
    colour = "--color" in mode
    _no_raw(run.out + run.err, colour=colour)
    _no_command_lines(OUR_COLOURS.sub("", run.out) if colour else run.out)
    plain = OUR_COLOURS.sub("", run.out)
    # visibly escaped, not dropped
    for escape in ("\\x1b[2K", "\\x1b]52;c;", "\\x07", "\\x08", "\\x9b2J", "\\x85", "\\x7f", "\\u202e", "\\u2066"):
        assert escape in plain, escape
    assert "\\u2028" in plain and "\\u2029" in plain and "\\r" in plain and "\\n" in plain
    # a file named like a workflow command is still named, as the same path
    assert "./::error title=pwned::a.yaml:" in plain
    assert "privileged-container" in plain


def test_every_finding_is_one_line(tree: Path) -> None:
    run = lint_in_process([".", "--no-plugins", "-q", "--select", "privileged-container"], tree)
    files = [path for path in tree.iterdir()]
    assert len(run.out.splitlines()) == len(files), run.out


def test_github_format_escapes_properties_and_messages(tree: Path) -> None:
    run = lint_in_process([".", "--no-plugins", "--format", "github"], tree)
    _no_raw(run.out + run.err)
    names = {printable_name(path.name) for path in tree.iterdir()}
    placed = set()
    for line in run.out.splitlines():
        match = re.fullmatch(r"::(error|warning|notice) ([^:]*)::(.*)", line)
        assert match, line
        props = dict(pair.split("=", 1) for pair in match.group(2).split(","))
        assert props["title"].startswith("kubelint ")
        if "file" in props:
            file = props["file"].replace("%3A", ":").replace("%2C", ",").replace("%0D", "\r").replace("%0A", "\n")
            assert file.replace("%25", "%") in names, file
            placed.add(file)
        data = match.group(3)
        assert "\r" not in data and "\n" not in data
    # names that the runner can take as they are stay placed; hostile ones are named in the message
    assert set(COMMAND_FILES) <= placed
    assert not placed & {_shown_name(label, chars) for label, chars in HOSTILE.items() if printable(chars) != chars}
    assert "\\x1b]52;c;" in run.out and "\\u202e" in run.out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_data_formats_stay_valid_and_carry_nothing_raw(tree: Path, fmt: str) -> None:
    run = lint_in_process([".", "--no-plugins", "--format", fmt, "--include-suppressed"], tree)
    _no_raw(run.out)
    data = json.loads(run.out)
    if fmt == "json":  # data: the values themselves, escaped only as JSON
        files = {finding["file"] for finding in data["findings"]}
        assert {_shown_name(label, chars) for label, chars in HOSTILE.items()} <= files
        assert any(HOSTILE["osc52"] in finding["message"] for finding in data["findings"])
    else:  # GitHub renders message texts: printable there
        for result in data["runs"][0]["results"]:
            # (line breaks are the message's own: JSON escapes them, and GitHub shows them as such)
            _no_raw(result["message"]["text"].replace("\n", " ").replace("\r", " "))
            for location in result["locations"]:
                for logical in location.get("logicalLocations", ()):
                    _no_raw(logical["name"] + logical["fullyQualifiedName"])


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_real_cli_output_is_safe(tree: Path, fmt: str) -> None:
    run = lint_subprocess([".", "--format", fmt, "--show-source", "--verbose"], tree)
    assert run.code == 1 and no_traceback(run.err), run.err
    _no_raw(run.out + run.err)
    if fmt == "text":
        _no_command_lines(run.out)
    else:
        assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in run.out.splitlines())


# -- custom rules from the tree ---------------------------------------------------------------
CUSTOM_RULE = """\
id: acme/no-debug-label
title: "No debug label \\e[31m\\u202e at all \\x9b2J"
document: cluster-hardening
severity: warning
rationale: "A debug label is left over.\\n::error title=pwned::from the rationale\\n##[add-mask]everything\\u2028more\\
  \\e]52;c;cHduZWQ=\\a"
remediation: "Remove the label \\e[2K\\r::warning::now."
examples:
  fail: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a, labels: {debug: 'on'}}\\n"
  pass: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n"
target: object
message: "has a debug label \\e]8;;https://evil.example/\\e\\\\here\\e]8;;\\e\\\\ \\u202e"
scope: {kinds: [ConfigMap]}
schema: {properties: {metadata: {properties: {labels: {not: {required: [debug]}}}}}}
"""


@pytest.fixture(scope="module")
def rule_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-rule")
    (root / "policy").mkdir()
    (root / "policy" / "rule.yaml").write_text(CUSTOM_RULE, encoding="utf-8")
    (root / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {debug: 'on'}}\n")
    return root


def test_custom_rules_cannot_inject_through_their_texts(rule_tree: Path) -> None:
    run = lint_in_process(["cm.yaml", "--rules", "policy", "--no-plugins", "--verbose"], rule_tree)
    assert "acme/no-debug-label" in run.out, run.out + run.err
    _no_raw(run.out + run.err)
    _no_command_lines(run.out)
    assert "\\x1b]8;;https://evil.example/" in run.out and "\\x1b[2K" in run.out
    sarif = lint_in_process(["cm.yaml", "--rules", "policy", "--no-plugins", "--format", "sarif"], rule_tree)
    _no_raw(sarif.out)
    rules = json.loads(sarif.out)["runs"][0]["tool"]["driver"]["rules"]
    custom = next(rule for rule in rules if rule["id"] == "acme/no-debug-label")
    for text in (custom["shortDescription"]["text"], custom["fullDescription"]["text"], custom["help"]["text"]):
        _no_raw(text.replace("\n", " "))
        _no_command_lines(text)


def _hostile_meta() -> RuleMeta:
    return RuleMeta(
        id="acme/x",
        title="Title \x1b[2J\u202e with \x9b",
        document="cluster-hardening",
        severity=Severity.WARNING,
        scope=Scope(),
        rationale="Why.\n::error title=pwned::x\n  ::set-output name=a::b\n##[add-mask]z\u2028\x1b]52;c;x\x07",
        remediation="Fix \x1b[1A\r it.",
        examples=Examples("a: \x1b[2J\n", "b: 1\n"),
        references=("https://example.com/\x1b]8;;x\x07",),
        source="custom",
    )


@pytest.mark.parametrize("render", [rule_text, rule_markdown, lambda meta: rules_table_text([meta])])
def test_rule_texts_of_custom_rules_are_printable(render: object) -> None:
    text = render(_hostile_meta())  # type: ignore[operator]
    _no_raw(text)
    _no_command_lines(text)
    assert "\\x1b[2J" in text


def test_rules_json_keeps_values_escaped() -> None:
    text = rules_json([_hostile_meta()])
    _no_raw(text)
    assert json.loads(text)[0]["title"] == _hostile_meta().title


# -- the helpers --------------------------------------------------------------------------
def _every_hostile_char() -> Iterator[str]:
    yield from sorted(set(RAW.findall("".join(HOSTILE.values()))))
    yield from "\x00\x1f\x80\x9f\ufeff\u200b\U000e0041\udcff"


def test_printable_escapes_each_character_visibly() -> None:
    for char in _every_hostile_char():
        shown = printable(f"a{char}b")
        assert shown.startswith("a\\") and shown.endswith("b") and len(shown) > 3, repr(shown)
        assert not RAW.search(shown)
    assert printable("plain ünïcode\ttab") == "plain ünïcode\ttab"
    clean = "x" * 100
    assert printable(clean) is clean  # untouched, not copied


def test_printable_text_keeps_lines_and_defuses_commands() -> None:
    text = printable_text("one\n::error::x\n \t::warning::y\n\u3000::notice::z\nsafe ##[add-mask]w\r\n")
    _no_command_lines(text)
    assert text.count("\n") == 5 and "\\r" in text
    assert no_workflow_commands("a::b\nc") == "a::b\nc"


def test_json_safe_keeps_values() -> None:
    value = {"v": "".join(_every_hostile_char())}
    raw = json.dumps(value, ensure_ascii=False)
    safe = json_safe(raw)
    assert json.loads(safe) == value
    _no_raw(safe)


def test_explain_and_rules_commands_print_nothing_raw() -> None:
    """`kubelint rules` and `explain` of the built-in rules: escaped like the rest (a built-in
    example holds a NUL byte)."""
    from click.testing import CliRunner

    from kubelint_py.cli import cli

    for args in (["rules"], ["explain", "input-unreadable"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        _no_raw(result.stdout)
        _no_command_lines(result.stdout)


def test_fixture_is_hostile() -> None:
    """Self-check: the fixtures carry each class raw, so clean outputs mean escaping."""
    pods = "".join(textwrap.dedent(_pod(label, chars)) for label, chars in HOSTILE.items())
    decoded = json.loads("[" + ",".join(re.findall(r'"(?:[^"\\]|\\.)*"', pods)) + "]")
    assert all(any(chars in value for value in decoded) for chars in HOSTILE.values())


def test_cli_messages_on_stderr_are_escaped(tmp_path: Path) -> None:
    # a path named on the command line that does not exist: its name is echoed in the error
    hostile = "missing-\x1b[2J\x1b]52;c;ZXZpbA==\x07-\u202e.yaml"
    run = lint_subprocess([hostile], tmp_path)
    assert run.code == 2 and "no file matches" in run.err
    _no_raw(run.err)
    run = lint_subprocess(["\n::error title=x::owned"], tmp_path)
    assert run.code == 2
    _no_command_lines(run.err)


def test_fix_diff_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"
        "spec:\n"
        "  hostNetwork: true\n  containers:\n    - name: app\n      image: nginx:1.27\n"
        '      args: ["--api=http://api.prod.svc:8080", "\\n::error::x"]  # \u202e bidi override\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint_py", "fix", "--diff", "pod.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "dnsPolicy" in proc.stdout, proc.stdout + proc.stderr
    _no_raw(proc.stdout)
    _no_raw(proc.stderr)
