"""Baselines for legacy repositories: record today's findings, then fail only on new ones.

A baseline file lists findings by fingerprint (rule, file, object identity and logical field
path, never line numbers), so edits elsewhere in a file do not invalidate it. The file is JSON
written with one entry per line, sorted, so a change to it reads well in a diff:

    {
      "schemaVersion": 1,
      "tool": "kubelint",
      "findings": [
        {"ruleId": "...", "file": "...", "object": "Deployment prod/web", "path": "...", "fingerprint": "..."},
        ...
      ]
    }

Applying a baseline marks each unsuppressed finding `baseline_state="new"` or, when its
fingerprint is recorded, `"unchanged"` and hides it (`suppressed_by="baseline"`), so the exit
code, the text and JSON outputs and GitHub annotations only see new findings. Entries that
match nothing although their file was linted by a rule that ran are counted as fixed.

Pure: no file system access here (the CLI reads and writes the file).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from kubelint_py.fingerprint import fingerprint_of
from kubelint_py.model import INPUT_PROBLEMS, Finding, Report
from kubelint_py.output.jsonwrite import one_line

SCHEMA_VERSION = 1
SUPPRESSED_BY = "baseline"
NEW, UNCHANGED = "new", "unchanged"
STAT_HIDDEN, STAT_FIXED = "baselineHidden", "baselineFixed"
_ENTRY_KEYS = ("ruleId", "file", "object", "path", "fingerprint")


class BaselineError(Exception):
    """A baseline file that cannot be used; the CLI reports it and exits 2."""


@dataclass(frozen=True, slots=True, order=True)
class BaselineEntry:
    # field order is the file's sort order: by file, then object, rule and path
    file: str
    object: str
    rule_id: str
    path: str
    fingerprint: str

    def record(self) -> dict[str, str]:
        return {
            "ruleId": self.rule_id,
            "file": self.file,
            "object": self.object,
            "path": self.path,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: tuple[BaselineEntry, ...] = ()

    def counts(self) -> Counter[str]:
        return Counter(entry.fingerprint for entry in self.entries)


@dataclass(frozen=True, slots=True)
class Applied:
    report: Report
    hidden: int  # findings recorded in the baseline, hidden from this run's result
    fixed: tuple[BaselineEntry, ...]  # entries in scope that no finding matches any more


def entry_for(finding: Finding) -> BaselineEntry:
    obj = finding.object.display() if finding.object is not None else f"document #{finding.doc_index}"
    path = finding.logical_path or ".".join(str(p) for p in finding.path)
    return BaselineEntry(finding.file, obj, finding.rule_id, path, fingerprint_of(finding))


# Input problems (a file not read, not parsed or not fully checked) and kubelint's own
# failures are never accepted as debt: recorded, they would hide a broken file or run, and a
# baseline written before them cannot hide them either
NEVER_BASELINED = INPUT_PROBLEMS


def _recordable(finding: Finding) -> bool:
    """Findings a baseline records: everything not hidden by a suppression of its own."""
    if finding.rule_id in NEVER_BASELINED:
        return False
    return finding.suppressed_by is None or finding.suppressed_by == SUPPRESSED_BY


# a file with one of these was not (fully) read: its baselined findings are not "fixed"
_UNREAD = frozenset({"yaml-syntax", "input-too-large", "input-unreadable", "internal-error"})


def _scope(report: Report) -> tuple[set[str], set[str]]:
    """The files linted and the rules run: entries outside them say nothing about this run."""
    files = set(report.files) | {f.file for f in report.findings}
    files -= {f.file for f in report.findings if f.rule_id in _UNREAD}
    return files, {meta.id for meta in report.rules}


def from_report(report: Report, previous: Baseline | None = None) -> Baseline:
    """The baseline of `report`: its unsuppressed findings (baselined ones included), plus the
    entries of `previous` this run could not have seen (other files, rules that did not run)."""
    entries = {entry_for(f) for f in report.findings if _recordable(f)}
    if previous is not None:
        files, rules = _scope(report)
        entries |= {e for e in previous.entries if e.file not in files or e.rule_id not in rules}
    return Baseline(tuple(sorted(entries)))


def dumps(baseline: Baseline) -> str:
    """The file's text: stable, sorted, one finding per line."""
    lines = ["{", f'  "schemaVersion": {SCHEMA_VERSION},', '  "tool": "kubelint",']
    entries = sorted(set(baseline.entries))
    if not entries:
        lines.append('  "findings": []')
    else:
        lines.append('  "findings": [')
        rows = [one_line(entry.record()) for entry in entries]
        lines += [f"    {row}," for row in rows[:-1]] + [f"    {rows[-1]}"]
        lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def loads(text: str, where: str = "baseline") -> Baseline:
    """Parse a baseline file's text; BaselineError names what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{where}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, Mapping):
        raise BaselineError(f"{where}: a baseline is a JSON object with schemaVersion and findings")
    version = data.get("schemaVersion")
    if version != SCHEMA_VERSION:
        raise BaselineError(
            f"{where}: unsupported schemaVersion {version!r} (this kubelint reads {SCHEMA_VERSION}); "
            "rewrite it with --write-baseline"
        )
    items = data.get("findings")
    if not isinstance(items, list):
        raise BaselineError(f"{where}: `findings` must be a list")
    entries = []
    for number, item in enumerate(items):
        if not isinstance(item, Mapping) or not all(isinstance(item.get(k), str) for k in _ENTRY_KEYS):
            raise BaselineError(f"{where}: findings[{number}] needs string fields {', '.join(_ENTRY_KEYS)}")
        entries.append(BaselineEntry(item["file"], item["object"], item["ruleId"], item["path"], item["fingerprint"]))
    return Baseline(tuple(entries))


def apply(report: Report, baseline: Baseline) -> Applied:
    """Mark the report's findings against `baseline` and hide the recorded ones."""
    remaining = baseline.counts()
    marked: list[Finding] = []
    hidden = 0
    for finding in report.findings:
        if finding.suppressed_by is not None or finding.rule_id in NEVER_BASELINED:
            marked.append(finding)
            continue
        key = fingerprint_of(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            hidden += 1
            marked.append(
                finding._replace(
                    baseline_state=UNCHANGED,
                    suppressed_by=SUPPRESSED_BY,
                    justification="recorded in the baseline",
                )
            )
        else:
            marked.append(finding._replace(baseline_state=NEW))
    fixed = []
    files, rules = _scope(report)
    for entry in sorted(baseline.entries):
        if remaining[entry.fingerprint] > 0:
            remaining[entry.fingerprint] -= 1
            if entry.file in files and entry.rule_id in rules:
                fixed.append(entry)
    stats = {**report.stats, STAT_HIDDEN: hidden, STAT_FIXED: len(fixed)}
    return Applied(replace(report, findings=tuple(marked), stats=stats), hidden, tuple(fixed))


def is_baselined(finding: Finding) -> bool:
    return finding.suppressed_by == SUPPRESSED_BY


def own_suppressions(findings: Iterable[Finding]) -> list[Finding]:
    """Suppressed findings other than those hidden by a baseline."""
    return [f for f in findings if f.suppressed_by is not None and f.suppressed_by != SUPPRESSED_BY]
