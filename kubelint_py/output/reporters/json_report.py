"""`--format json`: the versioned report of integration.md (f), schema in schemas/report.schema.json.

`file`, `level`, `helpUri` and `fingerprint` are computed by the same helpers as the SARIF
output, so the two never disagree.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from kubelint_py.fingerprint import fingerprint_of
from kubelint_py.model import Finding, Report, RuleMeta, Severity
from kubelint_py.output.reporters import (
    ReportOptions,
    display_file,
    help_uri_for,
    region,
    rules_by_id,
    sarif_level,
    severity_counts,
    suppression_kind,
)
from kubelint_py.output.safe_text import json_safe

SCHEMA_VERSION = "1.1"  # 1.1: baselineState, summary.baselined, summary.baselineFixed


def _finding_record(
    finding: Finding,
    metas: Mapping[str, RuleMeta],
    options: ReportOptions,
    shown_file: Callable[[str], str] | None = None,
    help_uri: Callable[[str], str] | None = None,
) -> dict[str, object]:
    """`shown_file` / `help_uri`: `display_file` and `help_uri_for` as the caller caches them."""
    if shown_file is None:
        shown_file = lambda file: display_file(file, options)  # noqa: E731
    if help_uri is None:
        help_uri = lambda rule_id: help_uri_for(rule_id, metas, options.help_base_uri)  # noqa: E731
    line, column, end_line, end_column = region(finding.span)
    obj = finding.object
    record: dict[str, object] = {
        "ruleId": finding.rule_id,
        "severity": finding.severity.label,
        "level": sarif_level(finding.severity),
        "guidance": finding.document,
        "message": finding.message,
        "file": shown_file(finding.file),
        "line": line,
        "column": column,
        "endLine": end_line,
        "endColumn": end_column,
        "object": None
        if obj is None
        else {
            "apiVersion": finding.api_version,
            "kind": obj.kind,
            "namespace": obj.namespace,
            "name": obj.name,
            "documentIndex": finding.doc_index,
        },
        "path": finding.logical_path or ".".join(str(p) for p in finding.path),
    }
    if finding.rendered is not None:
        record["rendered"] = {
            "source": "helm" if finding.helm_source is not None else "kustomize",
            "file": shown_file(finding.rendered.file),
            "line": finding.rendered.span.start.line,
            "column": finding.rendered.span.start.column,
            "approximate": finding.approximate,
        }
    record["related"] = [
        {
            "file": shown_file(loc.file),
            "line": loc.span.start.line,
            "column": loc.span.start.column,
            "message": loc.label,
        }
        for loc in finding.related
    ]
    meta = metas.get(finding.rule_id)
    record["remediation"] = meta.remediation if meta is not None else ""
    record["helpUri"] = help_uri(finding.rule_id)
    record["fingerprint"] = fingerprint_of(finding)
    if finding.suppressed_by is not None:
        record["suppression"] = {"kind": suppression_kind(finding), "justification": finding.justification}
    if finding.baseline_state is not None:  # only when --baseline was applied
        record["baselineState"] = finding.baseline_state
    return record


def _sort_key(record: Mapping[str, object]) -> tuple[str, int, int, str]:
    line, column = record["line"], record["column"]
    assert isinstance(line, int) and isinstance(column, int)
    return (str(record["file"]), line, column, str(record["ruleId"]))


def report_data(report: Report, options: ReportOptions) -> dict[str, object]:
    metas = rules_by_id(report)
    # pure functions of the file (rule id) for this report: computed once, not per finding
    shown_file: Callable[[str], str] = cache(lambda file: display_file(file, options))
    help_uri: Callable[[str], str] = cache(lambda rule_id: help_uri_for(rule_id, metas, options.help_base_uri))
    findings = report.active  # a property that filters every finding: taken once
    active = sorted((_finding_record(f, metas, options, shown_file, help_uri) for f in findings), key=_sort_key)
    suppressed = sorted(
        (_finding_record(f, metas, options, shown_file, help_uri) for f in report.suppressed), key=_sort_key
    )
    counts = severity_counts(findings)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "kubelint", "version": options.tool_version},
        "summary": {
            "filesScanned": int(report.stats.get("files", len(report.files))),
            "objectsScanned": int(report.stats.get("documents", 0)),
            "findings": len(active),
            "suppressed": len(suppressed),
            "errors": len(report.errors),
            "bySeverity": {s.label: counts[s] for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
            "failOn": options.fail_on.label if options.fail_on is not None else "never",
            "exitCode": options.exit_code,
            # only when --baseline was applied: findings it hides, entries nothing matches any more
            **{
                key: int(report.stats[stat])
                for key, stat in (("baselined", "baselineHidden"), ("baselineFixed", "baselineFixed"))
                if stat in report.stats
            },
        },
        "findings": active,
        "suppressed": suppressed,
        "errors": [{"file": e.file, "message": e.message, "line": e.line} for e in report.errors],
    }


def render(report: Report, options: ReportOptions) -> str:
    """The report; its strings keep the tree's text exactly, control and bidi characters as
    `\\uXXXX` escapes rather than raw (`json_safe`)."""
    return json_safe(dumps_indented(report_data(report, options))) + "\n"


# -- output -----------------------------------------------------------------------------
# `json.dumps(data, indent=2, ensure_ascii=False)`, character for character, in a fraction
# of the time: with `indent` the json module leaves its C encoder for a generic pure-Python
# generator, which took seconds for tens of thousands of findings. Plain dicts, lists, str,
# int, float, bool and None are written here (strings by the json module's own C escaper);
# a value of any other type hands the whole document back to `json.dumps`.

_INDENT = "  "
_encode_string: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


class _Unsupported(Exception):
    pass


def dumps_indented(data: object) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False)`."""
    chunks: list[str] = []
    try:
        _write(data, "\n", chunks)
    except _Unsupported:
        return json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(chunks)


def _scalar(value: object) -> str:
    kind = type(value)
    if kind is str:
        return _encode_string(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)  # type: ignore[arg-type]
    if kind is float:
        return _float(value)  # type: ignore[arg-type]
    raise _Unsupported


def _float(value: float) -> str:
    if value != value:  # NaN
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key(key: object) -> str:
    kind = type(key)
    if kind is str:
        return key  # type: ignore[return-value]
    if kind is float:
        return _float(key)  # type: ignore[arg-type]
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if kind is int:
        return int.__repr__(key)  # type: ignore[arg-type]
    raise _Unsupported


def _write(value: Any, newline: str, out: list[str]) -> None:
    """Append the JSON text of `value`, whose line starts after `newline` (the line break and
    the current indentation); scalars inside a collection are written inline."""
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + _INDENT
        comma = "," + inner
        separator = "{" + inner
        encode = _encode_string
        for key, item in value.items():
            name = encode(key) if type(key) is str else encode(_key(key))
            item_kind = type(item)
            if item_kind is str:
                out.append(f"{separator}{name}: {encode(item)}")
            elif item_kind is dict or item_kind is list:
                out.append(f"{separator}{name}: ")
                _write(item, inner, out)
            else:
                out.append(f"{separator}{name}: {_scalar(item)}")
            separator = comma
        out.append(newline + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = newline + _INDENT
        comma = "," + inner
        separator = "[" + inner
        for item in value:
            item_kind = type(item)
            if item_kind is dict or item_kind is list:
                out.append(separator)
                _write(item, inner, out)
            else:
                out.append(separator + _scalar(item))
            separator = comma
        out.append(newline + "]")
    else:
        out.append(_scalar(value))
