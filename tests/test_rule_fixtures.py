"""One parametrised test drives every rule's fixtures and executed examples.

fixtures/<rule-id>/fail-*.yaml mark each expected finding with `# expect: <rule-id>@<column>`
at the end of its line (tests/fixture_markers.py); pass-*.yaml must give none. A first-line
comment `# fixture-config: {json}` supplies .kubelint.yaml keys (rule options, settings,
assumeComplete, namespace, targetVersion).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kubelint_py.model import Source
from tests.fixture_markers import HOW, MarkerError, as_markers, expected_findings
from tests.helpers import FIXTURES, NON_RULE_DIRS, fixture_config, lint_sources, registry, text_config

LOADER_ONLY = frozenset(("internal-error",))  # cannot be triggered by input text


def _fixture_files() -> list[Path]:
    return sorted(
        p
        for p in FIXTURES.glob("*/*")
        if p.parent.name not in NON_RULE_DIRS
        and p.name.startswith(("fail-", "pass-"))
        and not p.name.endswith(".expect")
    )


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path) -> None:
    rule_id = path.parent.name
    assert rule_id in registry().rules, f"fixture folder {rule_id} names no rule"
    select = [rule_id] if rule_id == "yaml-syntax" else [rule_id, "yaml-syntax"]
    report = lint_sources(
        [Source(path.relative_to(FIXTURES).as_posix(), path.read_bytes())], select=select, config=fixture_config(path)
    )
    syntax = [f for f in report.findings if f.rule_id == "yaml-syntax" and rule_id != "yaml-syntax"]
    assert not syntax, f"fixture is not valid YAML: {syntax}"
    mine = [f for f in report.findings if f.rule_id == rule_id]
    got = Counter((f.rule_id, f.span.start.line, f.span.start.column) for f in mine)
    if path.name.startswith("pass-"):
        assert not got, f"pass fixture produced findings: {[f.message for f in report.findings]}"
    else:
        try:
            expected, unreadable = expected_findings(path), ""
        except MarkerError as exc:
            expected, unreadable = Counter(), str(exc)
        if unreadable:
            pytest.fail(unreadable, pytrace=False)
        assert expected, f"a fail fixture marks the findings it expects: {HOW}"
        assert got == expected, "\n".join(
            [
                f"kubelint reports, not marked: {as_markers(got - expected)}",
                f"marked, not reported: {as_markers(expected - got)}",
                *(f"{f.span.start.line}:{f.span.start.column}: {f.message}" for f in mine),
            ]
        )


def _all_rule_ids() -> list[str]:
    return sorted(registry().rules)


@pytest.mark.parametrize("rule_id", _all_rule_ids())
def test_rule_has_fixtures(rule_id: str) -> None:
    if rule_id in LOADER_ONLY:
        pytest.skip(f"{rule_id} cannot be triggered by input text")
    folder = FIXTURES / rule_id
    assert list(folder.glob("fail-*")), f"{rule_id} has no fail fixture"
    assert list(folder.glob("pass-*")), f"{rule_id} has no pass fixture"


@pytest.mark.parametrize("rule_id", _all_rule_ids())
def test_examples_execute(rule_id: str) -> None:
    if rule_id in LOADER_ONLY:
        pytest.skip(f"{rule_id} cannot be triggered by input text")
    meta = registry().rules[rule_id].meta
    failing = lint_sources(
        [Source("example.yaml", meta.examples.fail.encode())],
        select=[rule_id],
        assume_complete=True,
        config=text_config(meta.examples.fail),
    )
    assert any(f.rule_id == rule_id for f in failing.findings), "examples.fail does not trigger the rule"
    passing = lint_sources(
        [Source("example.yaml", meta.examples.pass_.encode())],
        select=[rule_id],
        assume_complete=True,
        config=text_config(meta.examples.pass_),
    )
    assert not [f for f in passing.findings if f.rule_id == rule_id], "examples.pass triggers the rule"


def test_every_fixture_folder_names_a_rule() -> None:
    for folder in FIXTURES.iterdir():
        if folder.is_dir() and folder.name not in NON_RULE_DIRS:
            assert folder.name in registry().rules, f"fixtures/{folder.name} names no rule"
