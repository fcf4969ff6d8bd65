"""What the tests ask of every SARIF log kubelint writes: valid against the OASIS SARIF 2.1.0
schema (vendored in tests/data, so the suite needs nothing beside the clone), and usable by
GitHub code scanning as its "SARIF support for code scanning" page describes it.

    verdict = check_sarif_file(path, repo_root=repo)   # or check_sarif(parsed_log, ...)
    assert verdict.ok and not verdict.warnings, verdict

The GitHub layer, one function per object of that page:

- log: `$schema` and `version` "2.1.0"; at most 20 runs; no two runs of one tool share a
  category (`automationDetails.id` up to its last `/`), or GitHub rejects the upload;
- run: `tool.driver.name`; `results` present (an empty list for a clean run); at most 25,000
  rules, 100 tool extensions and 25,000 results (a warning past the 5,000 GitHub shows);
- rule (reportingDescriptor): a unique `id`; `shortDescription.text` and `fullDescription.text`
  non-empty, `help.text` too (a warning: GitHub takes the log, the alert shows no help);
  `name` at most 255 characters; `defaultConfiguration.level` note/warning/error; `tags`
  strings, at most 20 (a warning past the 10 shown); `precision`, `problem.severity` from
  their lists; `security-severity` a string holding a number in 0.0-10.0; kubelint's own
  promise: an absolute http(s) `helpUri`;
- result: a `ruleId` that a rule describes, and a `ruleIndex` pointing at it; a `level` of
  the four; `message.text`; one to 1,000 locations (a warning past 100); non-empty
  `partialFingerprints` of string values that hold no absolute checkout path, and no second
  result of the same rule, file and fingerprints in the run (GitHub would fold them into one
  alert); a result whose kind is not `fail` has level `none`;
- location: a `physicalLocation` whose `artifactLocation.uri` is a relative URI reference
  (no scheme, no leading `/`, no `\\`, no `..` out of the root, percent-encoded) with
  `uriBaseId` either %SRCROOT% or declared in `originalUriBaseIds`; a region with integer
  `startLine` and `startColumn` >= 1, and `endLine`/`endColumn` not before them. With
  `repo_root`, the URI names a regular file under it reached through no symbolic link
  (GitHub cannot show results on a symlinked path);
- file: at most 10 MB once gzip-compressed, GitHub's upload limit.

`alert_changes(before, after)` compares two logs as GitHub matches alerts across runs (rule,
file, fingerprints): the lines that appear or disappear.
"""

from __future__ import annotations

import gzip
import json
import math
import posixpath
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import unquote, urlsplit

SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"

# GitHub's limits per upload: over the first number the upload is rejected, past the second
# only the most important entries are kept
MAX_GZIP_BYTES = 10 * 1024 * 1024
MAX_RUNS = 20
MAX_RULES = 25_000
MAX_EXTENSIONS = 100
MAX_RESULTS, SHOWN_RESULTS = 25_000, 5_000
MAX_LOCATIONS, SHOWN_LOCATIONS = 1_000, 100
MAX_TAGS, SHOWN_TAGS = 20, 10
MAX_RULE_NAME = 255

RESULT_LEVELS = ("none", "note", "warning", "error")
RULE_LEVELS = ("note", "warning", "error")
PRECISIONS = ("very-high", "high", "medium", "low")
PROBLEM_SEVERITIES = ("error", "warning", "recommendation")

_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
# what RFC 3986 allows in a URI reference, '%' only as the start of an escape
_URI_CHARACTER = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$")


@dataclass
class Verdict:
    """Problems make a log unusable or wrong on GitHub; warnings are losses GitHub tolerates."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    results: int = 0
    rules: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        lines = [*self.problems, *(f"warning: {w}" for w in self.warnings)]
        return "\n".join(lines) or f"ok: {self.results} results, {self.rules} rules"


@lru_cache(maxsize=1)
def _validator() -> Any:
    """A draft-04 validator (what the schema declares) that resolves `$ref`s in the file only."""
    from jsonschema import Draft4Validator
    from referencing import Registry
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT4

    registry_type: Any = Registry  # attrs classes: keyword arguments mypy does not see
    missing: Any = NoSuchResource

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)

    def refuse(uri: str) -> Any:
        raise missing(ref=uri)

    registry = registry_type(retrieve=refuse).with_resource(schema["id"], DRAFT4.create_resource(schema))
    return Draft4Validator(schema, registry=registry)


def _schema_problems(log: Any) -> Iterator[str]:
    for error in sorted(_validator().iter_errors(log), key=lambda e: e.json_path):
        yield f"{error.json_path}: schema: {error.message[:300]}"


# -- small readers ----------------------------------------------------------------------------
def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _whole(value: Any, least: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


class _Checker:
    def __init__(self, verdict: Verdict, repo_root: Path | None) -> None:
        self.verdict = verdict
        self.root = repo_root.resolve() if repo_root is not None else None

    def problem(self, where: str, text: str) -> None:
        self.verdict.problems.append(f"{where}: {text}")

    def warn(self, where: str, text: str) -> None:
        self.verdict.warnings.append(f"{where}: {text}")

    # -- log ----------------------------------------------------------------------------------
    def log(self, log: Any) -> None:
        if not isinstance(log, dict):
            return  # the schema said so
        if not _text(log.get("$schema")):
            self.problem("$", "GitHub requires $schema, the URI of the SARIF 2.1.0 schema")
        runs = _list(log.get("runs"))
        if not runs:
            self.problem("$.runs", "no run: write one run, with an empty results list when nothing was found")
        if len(runs) > MAX_RUNS:
            self.problem("$.runs", f"{len(runs)} runs: GitHub rejects more than {MAX_RUNS} in one file")
        categories: dict[tuple[str, str], int] = {}
        for number, run in enumerate(runs):
            self.run(_obj(run), f"$.runs[{number}]")
            tool = str(_obj(_obj(_obj(run).get("tool")).get("driver")).get("name"))
            automation_id = str(_obj(_obj(run).get("automationDetails")).get("id", ""))
            category = automation_id.rpartition("/")[0]
            first = categories.setdefault((tool, category), number)
            if first != number:
                self.problem(
                    f"$.runs[{number}]",
                    f"same tool {tool!r} and category {category!r} as runs[{first}]: GitHub rejects the upload",
                )

    # -- run ----------------------------------------------------------------------------------
    def run(self, run: Mapping[str, Any], where: str) -> None:
        tool = _obj(run.get("tool"))
        driver = _obj(tool.get("driver"))
        if not _text(driver.get("name")):
            self.problem(f"{where}.tool.driver.name", "GitHub requires the tool's name")
        extensions = _list(tool.get("extensions"))
        if len(extensions) > MAX_EXTENSIONS:
            self.problem(f"{where}.tool.extensions", f"{len(extensions)} extensions: GitHub accepts {MAX_EXTENSIONS}")
        rules = _list(driver.get("rules"))
        self.verdict.rules += len(rules)
        if len(rules) > MAX_RULES:
            self.problem(f"{where}.tool.driver.rules", f"{len(rules)} rules: GitHub accepts {MAX_RULES} per run")
        ids: dict[str, int] = {}
        for number, rule in enumerate(rules):
            rule_id = self.rule(_obj(rule), f"{where}.tool.driver.rules[{number}]")
            if rule_id is not None and ids.setdefault(rule_id, number) != number:
                self.problem(f"{where}.tool.driver.rules[{number}].id", f"{rule_id!r} is already rules[{ids[rule_id]}]")
        for e, extension in enumerate(extensions):
            for number, rule in enumerate(_list(_obj(extension).get("rules"))):
                self.rule(_obj(rule), f"{where}.tool.extensions[{e}].rules[{number}]")

        if not isinstance(run.get("results"), list):
            self.problem(f"{where}.results", "GitHub requires results (an empty list for a clean run)")
            return
        results = run["results"]
        self.verdict.results += len(results)
        if len(results) > MAX_RESULTS:
            self.problem(f"{where}.results", f"{len(results)} results: GitHub rejects more than {MAX_RESULTS} per run")
        elif len(results) > SHOWN_RESULTS:
            self.warn(f"{where}.results", f"{len(results)} results: GitHub shows the {SHOWN_RESULTS} most severe")
        bases = _obj(run.get("originalUriBaseIds"))
        alerts: dict[tuple[str, str, str], int] = {}
        for number, result in enumerate(results):
            rwhere = f"{where}.results[{number}]"
            self.result(_obj(result), rwhere, tool, bases)
            alert = _alert(_obj(result))
            if alert is not None and alerts.setdefault(alert, number) != number:
                self.problem(
                    f"{rwhere}.partialFingerprints",
                    f"same rule, file and fingerprints as results[{alerts[alert]}]: GitHub folds them into one alert",
                )

    # -- rule ---------------------------------------------------------------------------------
    def rule(self, rule: Mapping[str, Any], where: str) -> str | None:
        rule_id = rule.get("id")
        if not _text(rule_id):
            self.problem(f"{where}.id", "a rule needs an id")
            rule_id = None
        for key in ("shortDescription", "fullDescription"):
            if not _text(_obj(rule.get(key)).get("text")):
                self.problem(f"{where}.{key}.text", f"GitHub requires {key}.text (non-empty)")
        if not _text(_obj(rule.get("help")).get("text")):  # uploads, but the alert has no help
            self.warn(f"{where}.help.text", "GitHub lists help.text as required: the alert shows no help")
        name = rule.get("name")
        if isinstance(name, str) and len(name) > MAX_RULE_NAME:
            self.problem(f"{where}.name", f"{len(name)} characters: GitHub takes {MAX_RULE_NAME}")
        uri = rule.get("helpUri")
        parts = urlsplit(uri) if isinstance(uri, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            self.problem(f"{where}.helpUri", f"{uri!r}: kubelint links every rule to its page (absolute http(s))")
        level = _obj(rule.get("defaultConfiguration")).get("level", "warning")
        if level not in RULE_LEVELS:
            self.problem(f"{where}.defaultConfiguration.level", f"{level!r} is not one of {', '.join(RULE_LEVELS)}")
        self.properties(_obj(rule.get("properties")), f"{where}.properties", is_rule=True)
        return rule_id if isinstance(rule_id, str) else None

    def properties(self, props: Mapping[str, Any], where: str, *, is_rule: bool) -> None:
        if "tags" in props:
            tags = props["tags"]
            if not isinstance(tags, list) or not all(_text(t) for t in tags):
                self.problem(f"{where}.tags", "tags are a list of non-empty strings")
            elif is_rule and len(tags) > MAX_TAGS:
                self.problem(f"{where}.tags", f"{len(tags)} tags: GitHub rejects more than {MAX_TAGS}")
            elif is_rule and len(tags) > SHOWN_TAGS:
                self.warn(f"{where}.tags", f"{len(tags)} tags: GitHub shows {SHOWN_TAGS}")
        if "precision" in props and props["precision"] not in PRECISIONS:
            self.problem(f"{where}.precision", f"{props['precision']!r} is not one of {', '.join(PRECISIONS)}")
        if "problem.severity" in props and props["problem.severity"] not in PROBLEM_SEVERITIES:
            self.problem(
                f"{where}['problem.severity']",
                f"{props['problem.severity']!r} is not one of {', '.join(PROBLEM_SEVERITIES)}",
            )
        if "security-severity" in props:
            score = props["security-severity"]
            if not isinstance(score, str) or not _NUMBER.match(score):
                self.problem(f"{where}['security-severity']", f'{score!r}: GitHub reads a string like "8.0"')
            elif not (math.isfinite(float(score)) and 0.0 <= float(score) <= 10.0):
                self.problem(f"{where}['security-severity']", f"{score!r} is outside 0.0-10.0")

    # -- result -------------------------------------------------------------------------------
    def result(self, result: Mapping[str, Any], where: str, tool: Mapping[str, Any], bases: Mapping[str, Any]) -> None:
        rules = _list(_obj(tool.get("driver")).get("rules"))
        component = _obj(_obj(result.get("rule")).get("toolComponent"))
        if "index" in component:  # a rule of an extension
            extension = component["index"]
            extensions = _list(tool.get("extensions"))
            ok = _whole(extension, 0) and extension < len(extensions)
            rules = _list(_obj(extensions[extension]).get("rules")) if ok else []
        ids = [_obj(rule).get("id") for rule in rules]
        rule_id = result.get("ruleId")
        if not _text(rule_id):
            self.problem(f"{where}.ruleId", "GitHub files a result under its ruleId")
        elif rule_id not in ids:
            self.problem(f"{where}.ruleId", f"{rule_id!r} is described by no rule of the tool")
        index = result.get("ruleIndex", -1)
        if index != -1:
            if not (_whole(index, 0) and index < len(ids)):
                self.problem(f"{where}.ruleIndex", f"{index!r} is not an index of the tool's rules")
            elif _text(rule_id) and ids[index] != rule_id:
                self.problem(f"{where}.ruleIndex", f"{index} is rule {ids[index]!r}, not {rule_id!r}")
        level = result.get("level")
        if level is not None and level not in RESULT_LEVELS:
            self.problem(f"{where}.level", f"{level!r} is not one of {', '.join(RESULT_LEVELS)}")
        if result.get("kind", "fail") != "fail" and level != "none":
            self.problem(f"{where}.level", f"a result of kind {result['kind']!r} has level 'none'")
        if not _text(_obj(result.get("message")).get("text")):
            self.problem(f"{where}.message.text", "GitHub shows message.text as the alert's title")
        locations = _list(result.get("locations"))
        if not locations:
            self.problem(f"{where}.locations", "GitHub shows a result at its first location: give one")
        elif len(locations) > MAX_LOCATIONS:
            self.problem(f"{where}.locations", f"{len(locations)} locations: GitHub rejects more than {MAX_LOCATIONS}")
        elif len(locations) > SHOWN_LOCATIONS:
            self.warn(f"{where}.locations", f"{len(locations)} locations: GitHub keeps {SHOWN_LOCATIONS}")
        for number, location in enumerate(locations):
            self.location(_obj(location), f"{where}.locations[{number}]", bases, required=True)
        for number, location in enumerate(_list(result.get("relatedLocations"))):
            self.location(_obj(location), f"{where}.relatedLocations[{number}]", bases, required=False)
        self.fingerprints(result.get("partialFingerprints"), f"{where}.partialFingerprints")
        self.properties(_obj(result.get("properties")), f"{where}.properties", is_rule=False)

    def fingerprints(self, prints: Any, where: str) -> None:
        if not isinstance(prints, dict) or not prints:
            self.problem(where, "GitHub requires partialFingerprints: alerts keep their identity when lines move")
            return
        for key, value in prints.items():
            if not _text(key) or not _text(value):
                self.problem(f"{where}[{key!r}]", "a fingerprint is a non-empty string under a non-empty key")
            elif self.root is not None and str(self.root) != "/" and str(self.root) in value:
                self.problem(f"{where}[{key!r}]", "holds the absolute checkout path: it changes between machines")

    # -- location -----------------------------------------------------------------------------
    def location(self, location: Mapping[str, Any], where: str, bases: Mapping[str, Any], *, required: bool) -> None:
        physical = location.get("physicalLocation")
        if not isinstance(physical, dict):
            if required:
                self.problem(f"{where}.physicalLocation", "GitHub places a result by its physicalLocation only")
            return
        where = f"{where}.physicalLocation"
        self.artifact(_obj(physical.get("artifactLocation")), f"{where}.artifactLocation", bases)
        region = physical.get("region")
        if not isinstance(region, dict):
            self.problem(f"{where}.region", "GitHub needs a region (startLine, startColumn) to place it")
            return
        start_line, start_column = region.get("startLine"), region.get("startColumn")
        for key, value in (("startLine", start_line), ("startColumn", start_column)):
            if not _whole(value, 1):
                self.problem(f"{where}.region.{key}", f"{value!r}: GitHub requires an integer >= 1")
        end_line = region.get("endLine", start_line)
        if "endLine" in region and not (_whole(end_line, 1) and _whole(start_line, 1) and end_line >= start_line):
            self.problem(f"{where}.region.endLine", f"{end_line!r} is not a line at or after startLine")
        end_column = region.get("endColumn")
        if end_column is not None:
            same_line = end_line == start_line
            if not _whole(end_column, 1) or (same_line and _whole(start_column, 1) and end_column < start_column):
                self.problem(f"{where}.region.endColumn", f"{end_column!r} is not a column at or after startColumn")

    def artifact(self, artifact: Mapping[str, Any], where: str, bases: Mapping[str, Any]) -> None:
        uri = artifact.get("uri")
        if not isinstance(uri, str) or not _text(uri):
            self.problem(f"{where}.uri", "GitHub requires the file's uri")
            return
        base = artifact.get("uriBaseId")
        if base is not None and base != SRCROOT and base not in bases:
            self.problem(f"{where}.uriBaseId", f"{base!r} is neither {SRCROOT} nor in run.originalUriBaseIds")
        parts = urlsplit(uri)
        if parts.scheme or uri.startswith(("/", "//")) or re.match(r"^[A-Za-z]:", uri):
            self.problem(f"{where}.uri", f"{uri!r}: write the path relative to the repository root")
            return
        if "\\" in uri or not _URI_CHARACTER.match(uri):
            self.problem(f"{where}.uri", f"{uri!r} is not a URI reference: '/' separators, percent-encoding")
            return
        if parts.query or parts.fragment:
            self.problem(f"{where}.uri", f"{uri!r}: '?' and '#' of a file name must be percent-encoded")
            return
        path = unquote(parts.path)
        normal = posixpath.normpath(path)
        if normal == ".." or normal.startswith("../"):
            self.problem(f"{where}.uri", f"{uri!r} climbs out of the repository root")
            return
        if path != normal:
            self.problem(f"{where}.uri", f"{uri!r} is not in normal form ({normal!r}): GitHub matches paths exactly")
        if self.root is None or base not in (None, SRCROOT):
            return
        target = self.root / normal
        if not target.is_file():
            self.problem(f"{where}.uri", f"{uri!r} is no regular file under {self.root}")
            return
        walked = self.root
        for part in Path(normal).parts:
            walked = walked / part
            if walked.is_symlink():
                self.problem(f"{where}.uri", f"{uri!r} goes through the link {part!r}: GitHub cannot show it there")
                return


def _alert(result: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """What GitHub identifies an alert by: rule, file of the first location, fingerprints."""
    prints = result.get("partialFingerprints")
    if not isinstance(prints, dict) or not prints:
        return None
    first = _obj(_list(result.get("locations"))[0]) if _list(result.get("locations")) else {}
    uri = _obj(_obj(first.get("physicalLocation")).get("artifactLocation")).get("uri")
    return (str(result.get("ruleId")), str(uri), json.dumps(prints, sort_keys=True))


def check_sarif(log: Any, *, repo_root: Path | str | None = None) -> Verdict:
    """Both layers on a parsed log."""
    verdict = Verdict()
    verdict.problems.extend(_schema_problems(log))
    _Checker(verdict, Path(repo_root) if repo_root is not None else None).log(log)
    return verdict


def check_sarif_file(
    path: Path | str, *, repo_root: Path | str | None = None, max_gzip_bytes: int = MAX_GZIP_BYTES
) -> Verdict:
    raw = Path(path).read_bytes()
    try:
        log = json.loads(raw.decode("utf-8-sig"))
    except ValueError as exc:  # UnicodeDecodeError is a ValueError
        return Verdict(problems=[f"$: not UTF-8 JSON: {exc}"])
    verdict = check_sarif(log, repo_root=repo_root)
    if raw.startswith(b"\xef\xbb\xbf"):
        verdict.problems.append("$: starts with a byte order mark")
    compressed = len(gzip.compress(raw))
    if compressed > max_gzip_bytes:
        verdict.problems.append(f"$: {compressed} bytes gzip-compressed: GitHub's upload limit is {max_gzip_bytes}")
    return verdict


def alerts(log: Any) -> Counter[tuple[str, str, str]]:
    """The alerts GitHub would make of a log's results, by identity."""
    found: Counter[tuple[str, str, str]] = Counter()
    for run in _list(_obj(log).get("runs")):
        for result in _list(_obj(run).get("results")):
            alert = _alert(_obj(result))
            if alert is not None:
                found[alert] += 1
    return found


def alert_changes(before: Any, after: Any) -> list[str]:
    """The alerts one log has and the other has not: `+` appear in `after`, `-` vanish."""
    old, new = alerts(before), alerts(after)
    return [f"- {a}" for a in sorted((old - new).elements())] + [f"+ {a}" for a in sorted((new - old).elements())]
