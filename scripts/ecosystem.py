#!/usr/bin/env python3
"""Ecosystem check: lint each real-world project the way a user would, one project at a time,
and compare the findings with the committed snapshot (as ruff's ecosystem check does).

    python scripts/ecosystem.py            # compare with tests/ecosystem/snapshot/, print a diff
    python scripts/ecosystem.py --update   # rewrite the snapshot after an intended change
    python scripts/ecosystem.py --precision  # judged precision per rule from tests/ecosystem/verdicts.tsv

Each project folder of `../shared/realworld` is linted on its own from inside that folder's
parent (so Helm output finds its chart sources), with every default rule, through the real
command line. A snapshot line is one finding: severity, rule, location, object and message.
The verdicts file records an expert's judgment of findings (true, false alarm, debatable), keyed
by rule, location and object, so the precision of every change can be read off.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "realworld"
SNAPSHOT_DIR = ROOT / "tests" / "ecosystem" / "snapshot"
VERDICTS = ROOT / "tests" / "ecosystem" / "verdicts.tsv"
# folders that are not projects to lint: chart sources serve Helm mapping, licences are text
NOT_PROJECTS = frozenset({"LICENSES"})
VERDICT_VALUES = ("true", "false", "debatable")


@dataclass(frozen=True, slots=True)
class Line:
    """One finding as the snapshot records it."""

    severity: str
    rule: str
    location: str
    obj: str
    message: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.location, self.obj)

    def render(self) -> str:
        return "\t".join((self.severity, self.rule, self.location, self.obj, self.message))

    @classmethod
    def parse(cls, text: str) -> Line:
        severity, rule, location, obj, message = text.split("\t", 4)
        return cls(severity, rule, location, obj, message)


def projects(corpus: Path) -> list[str]:
    return sorted(
        entry.name
        for entry in corpus.iterdir()
        if entry.is_dir() and entry.name not in NOT_PROJECTS and not entry.name.startswith("chart-src-")
    )


def lint_project(corpus: Path, name: str) -> list[Line]:
    """The findings of `kubelint lint NAME` run from the corpus folder, as snapshot lines."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KUBELINT")}
    env["NO_COLOR"] = "1"
    completed = subprocess.run(
        [sys.executable, "-m", "kubelint_py", "lint", name, "--format", "json", "--fail-on", "never", "--jobs", "1"],
        cwd=corpus,
        env=env,
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"kubelint failed on {name} (exit {completed.returncode}):\n{completed.stderr.decode()}")
    report = json.loads(completed.stdout)
    return sorted((_line(finding) for finding in report["findings"]), key=_order)


def _line(finding: Mapping[str, object]) -> Line:
    obj = finding.get("object") or {}
    assert isinstance(obj, Mapping)
    namespace = obj.get("namespace")
    name = obj.get("name") or "-"
    shown = f"{obj.get('kind') or '-'} {namespace + '/' if namespace else ''}{name}"
    message = " ".join(str(finding["message"]).split())
    return Line(
        str(finding["severity"]),
        str(finding["ruleId"]),
        f"{finding['file']}:{finding['line']}:{finding['column']}",
        shown,
        message,
    )


def _order(line: Line) -> tuple[str, int, int, str, str]:
    file, row, column = line.location.rsplit(":", 2)
    return (file, int(row), int(column), line.rule, line.obj)


def snapshot_path(name: str) -> Path:
    return SNAPSHOT_DIR / f"{name}.tsv"


def read_snapshot(name: str) -> list[Line]:
    path = snapshot_path(name)
    if not path.is_file():
        return []
    return [Line.parse(text) for text in path.read_text(encoding="utf-8").splitlines() if text]


def write_snapshot(name: str, lines: Sequence[Line]) -> None:
    SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
    snapshot_path(name).write_text("".join(line.render() + "\n" for line in lines), encoding="utf-8")


def diff(name: str, old: Sequence[Line], new: Sequence[Line]) -> list[str]:
    return list(
        difflib.unified_diff(
            [line.render() for line in old],
            [line.render() for line in new],
            f"snapshot/{name}.tsv",
            f"now/{name}",
            lineterm="",
        )
    )


# -- verdicts -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    project: str
    rule: str
    location: str
    obj: str
    verdict: str
    reason: str


def read_verdicts(path: Path = VERDICTS) -> list[Verdict]:
    """`project rule location object verdict reason`, tab-separated; `#` lines are comments."""
    verdicts = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip() or text.startswith("#"):
            continue
        fields = text.split("\t")
        if len(fields) != 6 or fields[4] not in VERDICT_VALUES:
            raise SystemExit(f"{path}:{number}: expected 6 tab-separated fields with a verdict in {VERDICT_VALUES}")
        verdicts.append(Verdict(*fields))
    return verdicts


def precision_table(snapshots: Mapping[str, Sequence[Line]], verdicts: Iterable[Verdict]) -> list[str]:
    """Per rule: findings, judged, true, false, debatable, precision (debatable counted half)."""
    judged: dict[tuple[str, str, str, str], str] = {(v.project, v.rule, v.location, v.obj): v.verdict for v in verdicts}
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    severities: dict[str, str] = {}
    stale = 0
    present = set()
    for project, lines in snapshots.items():
        for line in lines:
            severities[line.rule] = line.severity
            counts[line.rule]["findings"] += 1
            key = (project, *line.key)
            present.add(key)
            verdict = judged.get(key)
            if verdict:
                counts[line.rule][verdict] += 1
    stale = sum(1 for key in judged if key not in present)
    rows = [f"{'severity':8} {'rule':42} {'found':>5} {'judged':>6} {'true':>5} {'false':>5} {'debat':>5} {'prec':>6}"]
    total: collections.Counter[str] = collections.Counter()
    for rule in sorted(counts, key=lambda r: (severities[r], r)):
        c = counts[rule]
        total.update(c)
        rows.append(_row(severities[rule], rule, c))
    rows.append(_row("", "ALL", total))
    errors: collections.Counter[str] = collections.Counter()
    for rule, c in counts.items():
        if severities[rule] == "error":
            errors.update(c)
    rows.append(_row("error", "ALL error-severity", errors))
    if stale:
        rows.append(f"({stale} verdicts match no finding of the snapshot any more)")
    return rows


def _row(severity: str, rule: str, c: collections.Counter[str]) -> str:
    judged = c["true"] + c["false"] + c["debatable"]
    precision = f"{(c['true'] + c['debatable'] / 2) / judged:.3f}" if judged else "-"
    counts = f"{c['findings']:5} {judged:6} {c['true']:5} {c['false']:5} {c['debatable']:5}"
    return f"{severity:8} {rule:42} {counts} {precision:>6}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the realworld folder")
    parser.add_argument("--update", action="store_true", help="rewrite the snapshot")
    parser.add_argument("--precision", action="store_true", help="print judged precision per rule")
    parser.add_argument("projects", nargs="*", help="only these projects")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    names = args.projects or projects(args.corpus)
    if args.precision:
        table = precision_table({name: read_snapshot(name) for name in names}, read_verdicts())
        print("\n".join(table))
        return 0
    changed = 0
    for name in names:
        now = lint_project(args.corpus, name)
        if args.update:
            write_snapshot(name, now)
            print(f"{name}: {len(now)} findings")
            continue
        lines = diff(name, read_snapshot(name), now)
        if lines:
            changed += 1
            print("\n".join(lines))
    if changed:
        print(f"\n{changed} project(s) differ from the snapshot; run with --update if the change is intended")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
