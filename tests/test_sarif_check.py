"""tests/sarif_check.py can fail: each broken copy of a real kubelint log is rejected with the
problem it has, and ../shared/tools/check_sarif.py (beside the clone in CI) agrees with it."""

from __future__ import annotations

import copy
import gzip
import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.helpers import SHARED
from tests.sarif_check import SCHEMA, alert_changes, check_sarif, check_sarif_file
from tests.test_reporters import SOURCES, options
from tests.test_sarif import lint_tree, sarif_checked

SHARED_CHECKER = SHARED / "tools" / "check_sarif.py"
Log = dict[str, Any]


@pytest.fixture
def repo_and_log(tmp_path: Path) -> tuple[Path, Log]:
    """A repository with real files and the SARIF kubelint writes for it, suppressed results
    (with justifications) and related locations included; tests/sarif_check.py accepts it."""
    repo = tmp_path / "repo"
    report = lint_tree(repo, SOURCES)
    log = sarif_checked(report, options(sarif_root=repo, include_suppressed=True), tmp_path / "good.sarif", repo)
    assert len(log["runs"][0]["results"]) >= 3
    return repo, log


def _result(log: Log, n: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = log["runs"][0]["results"][n]
    return result


def _physical(log: Log, n: int = 0) -> dict[str, Any]:
    physical: dict[str, Any] = _result(log, n)["locations"][0]["physicalLocation"]
    return physical


def _rule(log: Log, n: int = 0) -> dict[str, Any]:
    rule: dict[str, Any] = log["runs"][0]["tool"]["driver"]["rules"][n]
    return rule


def _twin(log: Log) -> None:
    log["runs"][0]["results"].append(copy.deepcopy(_result(log)))


def _second_run(log: Log) -> None:
    log["runs"].append(copy.deepcopy(log["runs"][0]))


def _symlinked(log: Log, repo: Path) -> None:
    (repo / "linked").symlink_to(repo / "deploy", target_is_directory=True)
    _physical(log)["artifactLocation"]["uri"] = "linked/web.yaml"


# name -> (how to break the log, what the problem says); the repository is there to change too
BROKEN: dict[str, tuple[Callable[[Log, Path], object], str]] = {
    "no $schema": (lambda log, _: log.pop("$schema"), "$: GitHub requires $schema"),
    "version 2.0.0": (lambda log, _: log.update(version="2.0.0"), "$.version: schema:"),
    "no results list": (lambda log, _: log["runs"][0].pop("results"), "$.runs[0].results: GitHub requires results"),
    "two runs of one category": (lambda log, _: _second_run(log), "$.runs[1]: same tool 'kubelint' and category"),
    "rule without shortDescription": (
        lambda log, _: _rule(log).pop("shortDescription"),
        "rules[0].shortDescription.text: GitHub requires",
    ),
    "rule id twice": (lambda log, _: _rule(log, 1).update(id=_rule(log)["id"]), "rules[1].id: "),
    "relative helpUri": (lambda log, _: _rule(log).update(helpUri="docs/rules/x.md"), "rules[0].helpUri: "),
    "security-severity a number": (
        lambda log, _: _rule(log)["properties"].update({"security-severity": 9.0}),
        "rules[0].properties['security-severity']: 9.0: GitHub reads a string",
    ),
    "security-severity 12": (
        lambda log, _: _rule(log)["properties"].update({"security-severity": "12.0"}),
        "'12.0' is outside 0.0-10.0",
    ),
    "21 tags": (lambda log, _: _rule(log)["properties"].update(tags=[f"t{n}" for n in range(21)]), "rejects more"),
    "precision 'certain'": (lambda log, _: _rule(log)["properties"].update(precision="certain"), "'certain' is not"),
    "rule level none": (
        lambda log, _: _rule(log)["defaultConfiguration"].update(level="none"),
        "rules[0].defaultConfiguration.level: 'none' is not one of note, warning, error",
    ),
    "unknown ruleId": (lambda log, _: _result(log).update(ruleId="no-such-rule"), "'no-such-rule' is described by no"),
    "ruleIndex of another rule": (
        lambda log, _: _result(log).update(ruleIndex=_result(log)["ruleIndex"] + 1),
        "results[0].ruleIndex: ",
    ),
    "no message text": (lambda log, _: _result(log).update(message={"id": "x"}), "results[0].message.text: "),
    "no locations": (lambda log, _: _result(log).update(locations=[]), "results[0].locations: GitHub shows"),
    "logical location only": (
        lambda log, _: _result(log)["locations"][0].pop("physicalLocation"),
        "locations[0].physicalLocation: GitHub places",
    ),
    "no fingerprints": (lambda log, _: _result(log).pop("partialFingerprints"), "GitHub requires partialFingerprints"),
    "fingerprint holds the checkout": (
        lambda log, repo: _result(log).update(partialFingerprints={"k/v1": f"{repo.resolve()}/deploy/web.yaml"}),
        "holds the absolute checkout path",
    ),
    "one alert twice": (lambda log, _: _twin(log), "GitHub folds them into one alert"),
    "absolute path": (lambda log, repo: _physical(log)["artifactLocation"].update(uri=f"{repo}/x.yaml"), "relative"),
    "file: URI": (lambda log, _: _physical(log)["artifactLocation"].update(uri="file:///x.yaml"), "relative"),
    "backslashes": (lambda log, _: _physical(log)["artifactLocation"].update(uri="deploy\\web.yaml"), "is not a URI"),
    "a space": (lambda log, _: _physical(log)["artifactLocation"].update(uri="de ploy/web.yaml"), "percent-encoding"),
    "out of the root": (lambda log, _: _physical(log)["artifactLocation"].update(uri="../web.yaml"), "climbs out"),
    "./ prefix": (lambda log, _: _physical(log)["artifactLocation"].update(uri="./deploy/web.yaml"), "normal form"),
    "file not in the repository": (
        lambda log, _: _physical(log)["artifactLocation"].update(uri="deploy/gone.yaml"),
        "'deploy/gone.yaml' is no regular file under",
    ),
    "undeclared uriBaseId": (lambda log, _: _physical(log)["artifactLocation"].update(uriBaseId="ELSE"), "'ELSE'"),
    "through a symbolic link": (_symlinked, "goes through the link 'linked'"),
    "startColumn 0": (lambda log, _: _physical(log)["region"].update(startColumn=0), "startColumn: 0: GitHub"),
    "no startColumn": (lambda log, _: _physical(log)["region"].pop("startColumn"), "startColumn: None: GitHub"),
    "endLine before startLine": (
        lambda log, _: _physical(log)["region"].update(endLine=_physical(log)["region"]["startLine"] - 1),
        "region.endLine: ",
    ),
    "endColumn before startColumn": (
        lambda log, _: _physical(log)["region"].update(
            endLine=_physical(log)["region"]["startLine"], endColumn=_physical(log)["region"]["startColumn"] - 1
        ),
        "region.endColumn: ",
    ),
    "a review with a level": (lambda log, _: _result(log).update(kind="review"), "of kind 'review' has level 'none'"),
}


def test_kubelint_log_is_accepted_as_it_is(repo_and_log: tuple[Path, Log]) -> None:
    repo, log = repo_and_log
    verdict = check_sarif(log, repo_root=repo)
    assert verdict.ok and not verdict.warnings, str(verdict)
    assert str(verdict) == f"ok: {verdict.results} results, {verdict.rules} rules"


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_log_is_rejected_for_its_problem(name: str, repo_and_log: tuple[Path, Log]) -> None:
    repo, log = repo_and_log
    mutate, expected = BROKEN[name]
    mutate(log, repo)
    verdict = check_sarif(log, repo_root=repo)
    assert not verdict.ok and any(expected in p for p in verdict.problems), str(verdict)


@pytest.mark.slow
def test_limits_gzip_size_and_warnings(tmp_path: Path, repo_and_log: tuple[Path, Log]) -> None:
    repo, log = repo_and_log
    many = copy.deepcopy(log)
    run = many["runs"][0]
    run["results"] = [{**_result(log), "partialFingerprints": {"k/v1": str(n)}} for n in range(5_001)]
    run["results"][0] = {**_result(log), "locations": _result(log)["locations"] * 101}
    verdict = check_sarif(many, repo_root=repo)
    assert verdict.ok, str(verdict)
    assert "$.runs[0].results: 5001 results: GitHub shows the 5000 most severe" in verdict.warnings
    assert "$.runs[0].results[0].locations: 101 locations: GitHub keeps 100" in verdict.warnings
    path = tmp_path / "log.sarif"
    path.write_text(json.dumps(log), encoding="utf-8")
    size = len(gzip.compress(path.read_bytes()))
    assert check_sarif_file(path, max_gzip_bytes=size).ok
    assert check_sarif_file(path, max_gzip_bytes=size - 1000).problems == [
        f"$: {size} bytes gzip-compressed: GitHub's upload limit is {size - 1000}"
    ]
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert check_sarif_file(path).problems[-1] == "$: starts with a byte order mark"


def test_alert_changes_follow_rule_file_and_fingerprints(repo_and_log: tuple[Path, Log]) -> None:
    _, log = repo_and_log
    moved = copy.deepcopy(log)
    for result in moved["runs"][0]["results"]:
        result["locations"][0]["physicalLocation"]["region"]["startLine"] += 7
    assert alert_changes(log, moved) == []
    renamed = copy.deepcopy(moved)
    _result(renamed)["partialFingerprints"] = {"kubelintFinding/v1": "another"}
    gone, new = alert_changes(log, renamed)
    assert gone.startswith(f"- ('{_result(log)['ruleId']}', ") and new.endswith('"another"}\')')


# -- the cross-check: ../shared/tools/check_sarif.py where it is beside the clone -------------------
@lru_cache(maxsize=1)
def _shared_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_sarif", SHARED_CHECKER)
    assert spec is not None and spec.loader is not None, f"cannot load {SHARED_CHECKER}"
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_sarif"] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


# what the shared checker lets through (at most with a warning) and GitHub's page does not
OURS_ONLY = {
    "no $schema": "the page lists $schema as required",
    "no results list": "the page lists runs[].results as required",
    "no startColumn": "the page lists region.startColumn as required",
    "rule level none": "the page's values for defaultConfiguration.level are note, warning and error",
    "./ prefix": "file paths must match across runs exactly for alerts to keep their identity",
    "through a symbolic link": "code scanning cannot show a result reported on a symlinked path",
}


def test_vendored_schema_is_the_shared_one() -> None:
    shared = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if not shared.is_file():
        pytest.skip(f"{shared} is not beside the clone (CI has it)")
    assert json.loads(SCHEMA.read_bytes()) == json.loads(shared.read_bytes())


def test_shared_checker_agrees(tmp_path: Path, repo_and_log: tuple[Path, Log]) -> None:
    """CI keeps ../shared beside the clone: its checker, run as a command, accepts the log ours
    accepts, and rejects every broken copy ours rejects that it has a check for."""
    if not SHARED_CHECKER.is_file():
        pytest.skip(f"{SHARED_CHECKER} is not beside the clone (CI has it): tests/sarif_check.py checked alone")
    repo, log = repo_and_log
    good = tmp_path / "good.sarif"
    proc = subprocess.run(
        [sys.executable, str(SHARED_CHECKER), str(good), "--repo-root", str(repo), "--strict"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.splitlines()[-1].startswith("ok: "), proc.stdout + proc.stderr
    accepted = set()
    for name, (mutate, _) in sorted(BROKEN.items()):
        broken = copy.deepcopy(log)
        mutate(broken, repo)
        if _shared_checker().check_document(broken, repo_root=str(repo)).ok:
            accepted.add(name)
        if (repo / "linked").is_symlink():
            (repo / "linked").unlink()
    assert accepted == set(OURS_ONLY), "the two checkers disagree on what a bad log is: look at the difference"
