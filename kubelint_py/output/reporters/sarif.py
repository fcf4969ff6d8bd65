"""SARIF 2.1.0 for GitHub code scanning (integration.md (a)), built with sarif-om objects.

sarif-om has no serializer and `jschema_to_python.to_json()` drops every field equal to
its default, including `Result.level == "warning"`: such a result would inherit its rule's
default level and be misreported. `_to_data` walks the attrs fields itself, keeps `level`
always, and drops only None and sarif-om's other "unset" defaults (-1 indexes, rank -1.0,
kind "fail", language "en-US", the default newline sequences).

GitHub shows message texts and rule help in its pages: what comes from the scanned tree (messages,
labels, object names, custom rules' metadata) is made printable there, and the log as a whole
`json_safe`, so it carries no raw control or bidi character.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from itertools import compress, repeat
from typing import Any
from urllib.parse import quote

import attr
import sarif_om as om

from kubelint_py.fingerprint import fingerprint_of
from kubelint_py.model import Finding, Location, ObjectRef, Report, RuleMeta, Severity
from kubelint_py.output.jsonwrite import compact, indented, string
from kubelint_py.output.reporters import (
    INFORMATION_URI,
    ReportOptions,
    help_uri_for,
    problem_severity,
    region,
    repo_relative,
    sarif_level,
    security_severity,
    sorted_findings,
    suppression_kind,
)
from kubelint_py.output.ruledoc import rule_markdown, rule_text
from kubelint_py.output.safe_text import json_safe, printable, printable_message, printable_text

# GitHub code scanning's upload limits (integration.md; check_sarif.py checks them): results
# per run, and bytes per file (GitHub measures the gzip upload; we hold the raw file to it).
MAX_RESULTS = 25_000
MAX_BYTES = 10 * 1024 * 1024

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "kubelintFinding/v1"
_ALWAYS_KEPT = frozenset({"level"})
# Keys first in this order (the rest keep sarif-om's order), so the output reads naturally.
_KEY_ORDER = {
    key: i
    for i, key in enumerate(
        (
            "$schema",
            "version",
            "name",
            "id",
            "ruleId",
            "ruleIndex",
            "kind",
            "level",
            "message",
            "text",
            "markdown",
            "shortDescription",
            "fullDescription",
            "help",
            "helpUri",
            "defaultConfiguration",
            "locations",
            "physicalLocation",
            "artifactLocation",
            "uri",
            "uriBaseId",
            "region",
            "startLine",
            "startColumn",
            "endLine",
            "endColumn",
            "logicalLocations",
            "fullyQualifiedName",
        )
    )
}


# -- serializer -------------------------------------------------------------------------
_NO_DEFAULT: Any = object()
_PLAIN = frozenset((str, int, float, bool, type(None)))
_Plan = tuple[Callable[[Any], tuple[Any, ...]], tuple[tuple[str, Any], ...]]
_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    """How `_to_data` writes an instance of the attrs class `cls`, worked out once per class
    (tens of thousands of results would otherwise each look up their fields, rebuild factory
    defaults and re-sort their keys): a getter of all attribute values at once, and per value
    its output key and its default (`_NO_DEFAULT`: always kept), in output order."""
    plan = _PLANS.get(cls)
    if plan is None:
        fields = []
        for field in attr.fields(cls):
            default = field.default
            if field.name in _ALWAYS_KEPT or default is attr.NOTHING:
                default = _NO_DEFAULT
            elif isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()  # compared with, never handed out
            fields.append((field.name, field.metadata.get("schema_property_name", field.name), default))
        # sorted once for all fields (stable): leaving some out does not change the others' order
        fields.sort(key=lambda item: _KEY_ORDER.get(item[1], len(_KEY_ORDER)))
        names = [name for name, _, _ in fields]
        getter = operator.attrgetter(*names) if len(names) > 1 else (lambda v: tuple(getattr(v, n) for n in names))
        plan = _PLANS[cls] = (getter, tuple((key, default) for _, key, default in fields))
    return plan


def _to_data(value: Any) -> Any:
    cls = type(value)
    if cls in _PLAIN:
        return value
    plan = _PLANS.get(cls)
    if plan is None:
        if cls is list:
            return [item if type(item) in _PLAIN else _to_data(item) for item in value]
        if cls is dict:
            return {str(k): _to_data(v) for k, v in value.items() if v is not None}
        if not attr.has(cls):
            if isinstance(value, Mapping):
                return {str(k): _to_data(v) for k, v in value.items() if v is not None}
            if isinstance(value, (list, tuple)):
                return [_to_data(v) for v in value]
            return value
        plan = _plan(cls)
    getter, entries = plan
    values = getter(value)
    out: dict[str, Any] = {}
    # most attributes are unset (None): skipped in C, the loop sees the set ones only
    for (key, default), item in compress(zip(entries, values, strict=True), map(operator.is_not, values, repeat(None))):
        if default is not _NO_DEFAULT and type(item) is type(default) and item == default:
            continue  # sarif-om's "unset" value
        out[key] = item if type(item) in _PLAIN else _to_data(item)
    return out


# -- rules ------------------------------------------------------------------------------
def _pascal(rule_id: str) -> str:
    words = rule_id.replace("/", "-").replace("_", "-").split("-")
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def _tags(meta: RuleMeta) -> list[str]:
    tags: list[str] = []
    for tag in ("kubernetes", meta.category, meta.document):
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _rule_properties(meta: RuleMeta) -> dict[str, Any]:
    props: dict[str, Any] = {"tags": _tags(meta), "precision": meta.precision}
    sec = security_severity(meta)
    if sec is not None:
        props["security-severity"] = sec
    problem = problem_severity(meta)
    if problem is not None:
        props["problem.severity"] = problem
    if meta.peers:  # other linters' equivalent check ids (kubelint_py/peers.py)
        props["peers"] = {peer: list(ids) for peer, ids in meta.peers.items()}
    return props


def _descriptor(meta: RuleMeta, options: ReportOptions) -> Any:
    return om.ReportingDescriptor(
        id=meta.id,
        name=_pascal(meta.id),
        short_description=om.MultiformatMessageString(text=printable(meta.title.strip())),
        full_description=om.MultiformatMessageString(text=printable_text(meta.rationale.strip())),
        help=om.MultiformatMessageString(text=rule_text(meta), markdown=rule_markdown(meta)),
        help_uri=help_uri_for(meta.id, {meta.id: meta}, options.help_base_uri),
        default_configuration=om.ReportingConfiguration(level=sarif_level(meta.severity)),
        properties=_rule_properties(meta),
    )


def _placeholder_descriptor(rule_id: str, severity: Severity, options: ReportOptions) -> Any:
    """A finding whose rule is missing from report.rules must still be described."""
    uri = help_uri_for(rule_id, {}, options.help_base_uri)
    return om.ReportingDescriptor(
        id=rule_id,
        name=_pascal(rule_id),
        short_description=om.MultiformatMessageString(text=rule_id),
        full_description=om.MultiformatMessageString(text=f"kubelint rule {rule_id}."),
        # GitHub lists help.text as required: without it the alert shows no help at all
        help=om.MultiformatMessageString(
            text=f"kubelint rule {rule_id}: see {uri} for what it checks and how to fix it."
        ),
        help_uri=uri,
        default_configuration=om.ReportingConfiguration(level=sarif_level(severity)),
        properties={"tags": ["kubernetes"], "precision": "medium"},
    )


# -- locations --------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _uri(rel: str) -> str:
    return quote(rel, safe="/")


# Results are written as plain data directly, key for key what `_to_data` makes of the
# sarif-om objects (`om.Result`, `om.Location`, ...) they stand for: values left unset (None)
# or at sarif-om's default are absent, keys come in `_KEY_ORDER`. Building and walking eight
# attrs objects of thirty-odd fields for each of tens of thousands of results took seconds.


def _message(text: str | None) -> dict[str, Any]:
    """`om.Message(text=text)`, `printable_message`."""
    return {"text": printable_message(text)} if text is not None else {}


def _physical(rel: str, span: Any) -> dict[str, Any]:
    """`om.PhysicalLocation(artifact_location=om.ArtifactLocation(uri, SRCROOT), region=om.Region(...))`."""
    start_line, start_col, end_line, end_col = region(span)
    return {
        "artifactLocation": {"uri": _uri(rel), "uriBaseId": SRCROOT},
        "region": {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col},
    }


def _fully_qualified(finding: Finding) -> str:
    obj = finding.object
    assert obj is not None
    api_version = finding.api_version or (f"{obj.group}/?" if obj.group else "v1")
    parts = [api_version, obj.kind, *([obj.namespace] if obj.namespace else []), obj.name]
    return "/".join(parts)


def _related(finding: Finding, relative: Callable[[str], str | None]) -> list[dict[str, Any]]:
    extra: list[Location] = list(finding.related)
    if finding.rendered is not None:
        extra.append(Location(finding.rendered.file, finding.rendered.span, "rendered output"))
    out = []
    for number, loc in enumerate(extra, start=1):
        rel = relative(loc.file)
        if rel is None:  # cannot be placed: keep it as text only
            line = loc.span.start.line
            out.append({"id": number, "message": _message(f"{loc.label} ({loc.file}:{line})")})
        else:
            out.append({"id": number, "message": _message(loc.label), "physicalLocation": _physical(rel, loc.span)})
    return out


def _result(finding: Finding, rel: str, rule_index: int, relative: Callable[[str], str | None]) -> dict[str, Any]:
    """The SARIF result (`om.Result`) of a finding, as plain data."""
    location: dict[str, Any] = {"physicalLocation": _physical(rel, finding.span)}
    obj = finding.object
    if obj is not None:
        logical = {"name": printable(obj.name)} if obj.name is not None else {}
        logical["kind"] = "resource"
        logical["fullyQualifiedName"] = printable(_fully_qualified(finding))
        location["logicalLocations"] = [logical]
    result: dict[str, Any] = {"ruleId": finding.rule_id}
    if rule_index != -1:
        result["ruleIndex"] = rule_index
    result["level"] = sarif_level(finding.severity)
    result["message"] = _message(finding.message)
    result["locations"] = [location]
    if finding.baseline_state is not None:  # only when --baseline was applied
        result["baselineState"] = finding.baseline_state
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint_of(finding)}
    related = _related(finding, relative)
    if related:
        result["relatedLocations"] = related
    if finding.suppressed_by is not None:
        result["suppressions"] = [_suppression(finding)]
    return result


def _suppression(finding: Finding) -> dict[str, Any]:
    """The SARIF suppression (`om.Suppression`) of a suppressed finding, as plain data."""
    how = suppression_kind(finding)  # another linter's annotation (peer:...) is in the source too
    kind = "inSource" if how in ("annotation", "inline") or how.startswith("peer:") else "external"
    suppression: dict[str, Any] = {"kind": kind}
    if finding.justification:
        suppression["justification"] = printable(finding.justification)
    if how.startswith("peer:"):  # which linter's annotation: SARIF's kind cannot say
        suppression["properties"] = {"suppressedBy": how}
    return suppression


def _on_rendered_stream(finding: Finding) -> Finding:
    """`finding` placed at its rendered position, its source location kept as related evidence;
    the fingerprint stays the source's, so the alert does not change when the root does."""
    assert finding.rendered is not None
    source = Location(finding.file, finding.span, "source (outside the SARIF root)")
    return finding._replace(
        file=finding.rendered.file,
        span=finding.rendered.span,
        rendered=None,
        related=(*finding.related, source),
    )


def _outside_root_notification(finding: Finding, rule_index: int) -> Any:
    start = finding.span.start
    if finding.file.startswith("<"):
        why = "it was read from stdin; name it with --stdin-filename"
    else:
        why = "the file is outside the SARIF root; see --sarif-root"
    text = f"{finding.file}:{start.line}:{start.column}: {finding.rule_id}: {finding.message} (not a result: {why})"
    return om.Notification(
        level=sarif_level(finding.severity),
        message=om.Message(text=printable_message(text)),
        associated_rule=om.ReportingDescriptorReference(id=finding.rule_id, index=rule_index),
    )


_FINGERPRINT_KEY_TEXT = string(FINGERPRINT_KEY)
_SRCROOT_TEXT = string(SRCROOT)


def _message_text(text: str | None) -> str:
    """`compact(_message(text))`."""
    return "{}" if text is None else '{"text":' + string(printable_message(text)) + "}"


def _logical_text(finding: Finding, obj: ObjectRef) -> str:
    """The end of a result's location from its `logicalLocations` on, as `compact` writes what
    `_result` makes of them."""
    name = f'"name":{string(printable(obj.name))},' if obj.name is not None else ""
    qualified = string(printable(_fully_qualified(finding)))
    return f',"logicalLocations":[{{{name}"kind":"resource","fullyQualifiedName":{qualified}}}]}}]'


# -- the log ----------------------------------------------------------------------------
_LEVEL_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# a result to place: (severity rank, finding, relative path, place in the list of them)
_Placed = tuple[int, Finding, str, int]

# Findings that cannot be placed (files outside --sarif-root, stdin) are listed as notifications,
# at most this many (the most severe, in location order), then one that counts the rest: all
# 51,657 findings of a run over files outside the root made a 24 MB log, over GitHub's limit.
MAX_UNPLACED_NOTIFICATIONS = 1_000


class _Layout:
    """What the log is made of, worked out in one pass over the findings (sorted once): the rule
    descriptors, the findings to place as results (with their sort key and severity rank), and
    the notifications. Results are built only for the findings kept (`render`)."""

    def __init__(self, report: Report, options: ReportOptions) -> None:
        self.options = options
        # baselined findings are always emitted, marked baselineState "unchanged" and suppressed
        shown = sorted_findings(
            (
                f
                for f in report.findings
                if options.include_suppressed or f.suppressed_by is None or f.baseline_state == "unchanged"
            ),
            report.ordered,
        )
        severity_of = {f.rule_id: f.severity for f in shown}
        metas: dict[str, RuleMeta | None] = dict.fromkeys(severity_of)
        metas.update((meta.id, meta) for meta in report.rules)
        rule_ids = sorted(metas)
        self.index = index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
        self.descriptors = [
            _descriptor(meta, options)
            if (meta := metas[rule_id]) is not None
            else _placeholder_descriptor(rule_id, severity_of[rule_id], options)
            for rule_id in rule_ids
        ]
        self.placed: list[_Placed] = []
        placed = self.placed
        unplaced: list[Finding] = []
        seen: set[tuple[str, str, str]] = set()
        # repo_relative once per file: the same few thousand files come back for every finding
        self.relative = relative = cache(lambda file: repo_relative(file, options))
        for finding in shown:
            rel = relative(finding.file)
            if rel is None and finding.rendered is not None and relative(finding.rendered.file) is not None:
                # a template or kustomize source outside the root, a rendered stream inside it: the
                # result goes on the stream (code scanning shows it), the source line as evidence
                finding = _on_rendered_stream(finding)
                rel = relative(finding.file)
            if rel is None:
                unplaced.append(finding)
                continue
            key = (finding.rule_id, rel, finding.fingerprint or fingerprint_of(finding))
            if key in seen:  # the same alert twice would be folded by GitHub anyway
                continue
            seen.add(key)
            placed.append((_LEVEL_RANK[finding.severity], finding, rel, len(placed)))
        self.unplaced = [_outside_root_notification(f, index[f.rule_id]) for f in _most_severe(unplaced)]
        if len(unplaced) > MAX_UNPLACED_NOTIFICATIONS:
            self.unplaced.append(_unplaced_omitted_notification(len(unplaced)))
        self.closing: list[Any] = []  # after the results' own notification
        for note in report.notes:  # why findings stayed on a rendered stream (also on stderr)
            self.closing.append(om.Notification(level="warning", message=om.Message(text=printable_message(note))))
        for error in report.errors:
            where = error.file or "kubelint"
            if error.line is not None:
                where += f":{error.line}"
            self.closing.append(
                om.Notification(level="error", message=om.Message(text=printable_message(f"{where}: {error.message}")))
            )

        # what `result_text` makes once: by (rule, severity), by file, the last object's
        self.heads: dict[tuple[str, Severity], str] = {}
        self.physical: dict[str, str] = {}
        self.last_object: tuple[ObjectRef | None, str] = (None, "")
        self.last_logical = ""

    def result(self, item: _Placed) -> dict[str, Any]:
        _, finding, rel, _ = item
        return _result(finding, rel, self.index[finding.rule_id], self.relative)

    def result_text(self, item: _Placed) -> str:
        """`compact(self.result(item))`, written directly: what is the same for every result of
        a rule (its id, index and level) and of an object (its logical location) made once;
        a file's physical location once per file. 10,298 results of the corpus kept under
        GitHub's 10 MB (2,690 with related locations): 0.21 s as data then encoded."""
        _, finding, rel, _ = item
        head = self.heads.get((finding.rule_id, finding.severity))
        if head is None:
            head = self.heads[(finding.rule_id, finding.severity)] = self._head(finding)
        line, column, end_line, end_column = region(finding.span)
        physical = self.physical.get(rel)
        if physical is None:
            physical = self._physical_text(rel)
        obj = finding.object
        if obj is None:
            logical = "}]"
        else:
            identity = (obj, finding.api_version)
            if identity == self.last_object:
                logical = self.last_logical
            else:
                logical = _logical_text(finding, obj)
                self.last_object, self.last_logical = identity, logical
        text = (
            f'{head}{_message_text(finding.message)},"locations":[{{{physical}{line},"startColumn":{column},'
            f'"endLine":{end_line},"endColumn":{end_column}}}}}{logical}'
        )
        if finding.baseline_state is not None:  # only when --baseline was applied
            text += ',"baselineState":' + string(finding.baseline_state)
        fingerprint = string(finding.fingerprint or fingerprint_of(finding))
        text += f',"partialFingerprints":{{{_FINGERPRINT_KEY_TEXT}:{fingerprint}}}'
        if finding.related or finding.rendered is not None:
            text += f',"relatedLocations":[{self._related_text(finding)}]'
        if finding.suppressed_by is not None:
            text += f',"suppressions":[{compact(_suppression(finding))}]'
        return text + "}"

    def _physical_text(self, rel: str) -> str:
        """A physical location in `rel` as text, from its key to its region's startLine."""
        artifact = f'{{"uri":{string(_uri(rel))},"uriBaseId":{_SRCROOT_TEXT}}}'
        text = self.physical[rel] = f'"physicalLocation":{{"artifactLocation":{artifact},"region":{{"startLine":'
        return text

    def _related_text(self, finding: Finding) -> str:
        """`_related`'s items as `compact` writes them (comma-separated)."""
        extra = finding.related
        if finding.rendered is not None:
            extra += (Location(finding.rendered.file, finding.rendered.span, "rendered output"),)
        items = []
        for number, loc in enumerate(extra, start=1):
            rel = self.relative(loc.file)
            if rel is None:  # cannot be placed: keep it as text only
                message = _message_text(f"{loc.label} ({loc.file}:{loc.span.start.line})")
                items.append(f'{{"id":{number},"message":{message}}}')
                continue
            physical = self.physical.get(rel)
            if physical is None:
                physical = self._physical_text(rel)
            line, column, end_line, end_column = region(loc.span)
            items.append(
                f'{{"id":{number},"message":{_message_text(loc.label)},{physical}{line},"startColumn":{column},'
                f'"endLine":{end_line},"endColumn":{end_column}}}}}}}'
            )
        return ",".join(items)

    def _head(self, finding: Finding) -> str:
        """A result's text up to its message, the same for a rule's results of one severity."""
        rule_index = self.index[finding.rule_id]
        index_text = f',"ruleIndex":{rule_index}' if rule_index != -1 else ""
        level = string(sarif_level(finding.severity))
        return f'{{"ruleId":{string(finding.rule_id)}{index_text},"level":{level},"message":'

    def log(self, results: list[Any], omitted: Any = None) -> Any:
        """The sarif-om `SarifLog` with these results (plain data already, `_result`)."""
        notifications = [*self.unplaced, *([omitted] if omitted is not None else []), *self.closing]
        exit_code = self.options.exit_code
        invocation = om.Invocation(execution_successful=exit_code != 2, exit_code=exit_code)
        if notifications:
            invocation.tool_execution_notifications = notifications
        driver = om.ToolComponent(
            name="kubelint",
            version=self.options.tool_version,
            semantic_version=self.options.tool_version,
            information_uri=INFORMATION_URI,
            rules=self.descriptors,
        )
        run = om.Run(
            tool=om.Tool(driver=driver),
            automation_details=om.RunAutomationDetails(id=f"kubelint/{self.options.sarif_category}/"),
            column_kind="unicodeCodePoints",
            invocations=[invocation],
            results=results,
        )
        return om.SarifLog(schema_uri=SARIF_SCHEMA, version="2.1.0", runs=[run])


def _most_severe(findings: list[Finding]) -> list[Finding]:
    """The first MAX_UNPLACED_NOTIFICATIONS findings by severity (stable), in their own order."""
    if len(findings) <= MAX_UNPLACED_NOTIFICATIONS:
        return findings
    ranked = sorted(range(len(findings)), key=lambda i: _LEVEL_RANK[findings[i].severity])
    return [findings[i] for i in sorted(ranked[:MAX_UNPLACED_NOTIFICATIONS])]


def _unplaced_omitted_notification(total: int) -> Any:
    text = (
        f"{total:,} findings could not be placed in the repository (outside the SARIF root, or stdin): "
        f"the {MAX_UNPLACED_NOTIFICATIONS:,} most severe are listed, {total - MAX_UNPLACED_NOTIFICATIONS:,} "
        "left out (the JSON or text report has them all)"
    )
    return om.Notification(level="warning", message=om.Message(text=text))


def build_log(report: Report, options: ReportOptions, max_results: int = MAX_RESULTS) -> Any:
    """The sarif-om `SarifLog` for `report`; its results are plain data already (`_result`).

    At most `max_results` results, the most severe first; a notification counts the rest."""
    layout = _Layout(report, options)
    kept = _by_severity(layout.placed, max_results)
    omitted = _omitted_notification(len(layout.placed), len(kept)) if len(kept) < len(layout.placed) else None
    return layout.log([layout.result(item) for item in sorted(kept, key=_location)], omitted)


def _location(item: _Placed) -> tuple[str, int, int, str]:
    """The results' order: by uri, then the start of `region`, then rule id."""
    _, finding, rel, _ = item
    start = finding.span.start
    return (_uri(rel), max(start.line, 1), max(start.column, 1), finding.rule_id)


def _by_severity(placed: list[Any], limit: int) -> list[Any]:
    """The first `limit` of `placed` by severity (stable: in finding order within a level)."""
    if len(placed) <= limit:
        return placed
    return sorted(placed, key=operator.itemgetter(0))[:limit]


def _omitted_notification(total: int, kept: int) -> Any:
    return _notification(_omitted_text(total, kept))


def _omitted_text(total: int, kept: int) -> str:
    return (
        f"{total:,} results; GitHub code scanning accepts at most {MAX_RESULTS:,} per run and "
        f"{MAX_BYTES // (1024 * 1024)} MB per file: the {kept:,} most severe are included, "
        f"{total - kept:,} left out (the JSON or text report has them all)"
    )


def _notification(text: str) -> Any:
    return om.Notification(level="warning", message=om.Message(text=text))


def _log_data(log: Any) -> dict[str, Any]:
    run = log.runs[0]
    results, run.results = run.results, []  # already plain data: not walked again
    data: dict[str, Any] = _to_data(log)
    data["runs"][0]["results"] = results  # in the place of the empty list (key order kept)
    # Conventional key order: $schema, version, runs.
    return {"$schema": data["$schema"], "version": data["version"], "runs": data["runs"]}


def sarif_data(report: Report, options: ReportOptions, max_results: int = MAX_RESULTS) -> dict[str, Any]:
    return _log_data(build_log(report, options, max_results))


# GitHub rejects SARIF uploads over 10 MB; indentation is a third of a large log.
PRETTY_LIMIT = 2_000_000


def _utf8_size(text: str) -> int:
    """Bytes `text` takes in UTF-8, without a copy of a log of tens of MB when it is ASCII."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def render(report: Report, options: ReportOptions) -> str:
    """Indented for reading when small; compact (same content) past PRETTY_LIMIT characters,
    so a repository with thousands of findings still fits GitHub's upload limit. Past
    GitHub's limits (MAX_RESULTS results, MAX_BYTES), the most severe results that fit.

    One pass: the findings are sorted and laid out once (three rounds of building, sorting
    and encoding every result cost about 0.8 s on the 10,000-document benchmark corpus); each
    result is built and encoded only if kept, most severe first, its exact size counted
    against what the log around the results leaves of MAX_BYTES (with room for the
    notification of results left out, at its longest)."""
    layout = _Layout(report, options)
    placed = layout.placed
    # most severe first (stable: in finding order within a level), whichever limit cuts
    candidates = sorted(placed, key=operator.itemgetter(0))[:MAX_RESULTS]
    # the log around the results, split where a unique string stands for them
    marker = f"kubelint-results-{os.urandom(8).hex()}"
    # and the notification of results left out, its text a unique string too: the log is
    # encoded once (its rule descriptors: 0.017 s on the corpus), the text put in its place
    note_text = f"kubelint-omitted-{os.urandom(8).hex()}"
    note = string(note_text)
    around = json_safe(compact(_log_data(layout.log([marker], _notification(note_text) if placed else None))))
    widest = _utf8_size(json_safe(string(_omitted_text(10**9, 10**9 - 1)))) - len(note) if placed else 0
    budget = MAX_BYTES - _utf8_size(around) - widest - 1  # and the final newline
    encoded: list[tuple[_Placed, str]] = []  # the kept results and their JSON text
    size = 0
    for item in candidates:
        text = json_safe(layout.result_text(item))
        cost = _utf8_size(text) + (1 if encoded else 0)  # and the comma before it
        if size + cost > budget:
            break
        size += cost
        encoded.append((item, text))
    kept = len(encoded)
    omitted = _omitted_notification(len(placed), kept) if kept < len(placed) else None
    # in location order, stably from finding order (as a sort of the kept results by location)
    encoded.sort(key=lambda pair: (_location(pair[0]), pair[0][3]))
    if omitted is not None:
        around = around.replace(note, json_safe(string(_omitted_text(len(placed), kept))), 1)
    elif placed:  # every result kept: no notification of results left out
        around = json_safe(compact(_log_data(layout.log([marker]))))
    head, tail = around.split(compact(marker), 1)
    text = head + ",".join(pair[1] for pair in encoded) + tail + "\n"
    if len(text) <= PRETTY_LIMIT:  # small enough to be read: the same log indented
        results = [layout.result(item) for item, _ in encoded]
        pretty = json_safe(indented(_log_data(layout.log(results, omitted)))) + "\n"
        if _utf8_size(pretty) <= MAX_BYTES:
            return pretty
    return text
