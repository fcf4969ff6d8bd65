#!/usr/bin/env python3
"""Share of workloads each workload rule flags across the real-world corpus.

    python scripts/rule_share.py                      # every workload-scoped rule, default or not
    python scripts/rule_share.py mutable-image-tag    # only these rules
    python scripts/rule_share.py --corpus ../shared/realworld --projects argo-cd helm-redis

Each project folder is linted on its own through the real command line, as a user would
(`kubelint lint NAME --select <rules>` from the corpus folder; naming an opt-in rule turns it on),
and a workload (an object with a pod template, control-plane static pods excepted, as the engine
scopes workload rules) counts once per rule however many findings the rule has on it. The table
gives flagged/workloads per project, the total, and the share over the well-maintained projects:
every project except the `k8s-examples` collection (independent, partly archived examples), so
that a rule that flags most objects of well-kept projects stands out. Used to decide which rules
are on by default and at which severity (docs/rule-authoring.md, "Severity and the default set").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text  # noqa: E402
from kubelint_py.k8s.workloads import is_workload  # noqa: E402
from kubelint_py.model import DocType  # noqa: E402
from kubelint_py.registry.registry import build_registry  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "realworld"
NOT_PROJECTS = frozenset({"LICENSES"})
EXAMPLE_COLLECTIONS = frozenset({"k8s-examples"})  # not "well-maintained projects"
ObjectKey = tuple[str, str, str, str]  # file, kind, namespace, name


def projects(corpus: Path) -> list[str]:
    return sorted(
        entry.name
        for entry in corpus.iterdir()
        if entry.is_dir() and entry.name not in NOT_PROJECTS and not entry.name.startswith("chart-src-")
    )


def workload_rules(selected: Sequence[str]) -> list[tuple[str, str, bool]]:
    """(id, severity, default_enabled) of the workload-scoped rules, or of `selected`."""
    registry = build_registry(plugins=False)
    rules = []
    for rule_id, rule in sorted(registry.rules.items()):
        scoped = "workload" in rule.meta.scope.kind_groups
        if (rule_id in selected) if selected else scoped:
            rules.append((rule_id, rule.meta.severity.name.lower(), rule.meta.default_enabled))
    return rules


def lint(corpus: Path, project: str, rule_ids: Iterable[str]) -> dict[str, object]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KUBELINT")}
    command = [sys.executable, "-m", "kubelint_py", "lint", project, "--format", "json", "--fail-on", "never"]
    command += ["--jobs", "1", "--select", ",".join(rule_ids)]
    done = subprocess.run(command, cwd=corpus, env=env, capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"kubelint failed on {project} (exit {done.returncode}):\n{done.stderr.decode()}")
    report: dict[str, object] = json.loads(done.stdout)
    return report


def manifest_files(corpus: Path, project: str) -> list[str]:
    """The YAML and JSON files of a project, relative to the corpus (as findings name them)."""
    found = []
    for path in sorted((corpus / project).rglob("*")):
        if path.is_file() and path.suffix.lower() in (".yaml", ".yml", ".json"):
            found.append(path.relative_to(corpus).as_posix())
    return found


def workloads(corpus: Path, files: Iterable[str]) -> set[ObjectKey]:
    """The workload objects of the scanned files, keyed as the findings name them."""
    found: set[ObjectKey] = set()
    for file in files:
        result = LoadResult()
        try:
            text = (corpus / file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        load_text(file, text, True, LoadOptions(), result)
        for doc in result.documents:
            if doc.doc_type is DocType.K8S_OBJECT and is_workload(doc):
                found.add((file, doc.kind, doc.namespace or "", doc.name))
    return found


def flagged(report: dict[str, object]) -> dict[str, set[ObjectKey]]:
    by_rule: dict[str, set[ObjectKey]] = defaultdict(set)
    findings = report.get("findings")
    for finding in findings if isinstance(findings, list) else ():
        obj = finding.get("object") or {}
        rendered = finding.get("rendered") or {}
        file = rendered.get("file") or finding.get("file") or ""  # Helm findings point at the chart
        key = (str(file), str(obj.get("kind") or ""), str(obj.get("namespace") or ""), str(obj.get("name") or ""))
        by_rule[str(finding["ruleId"])].add(key)
    return by_rule


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rules", nargs="*", help="rule ids (default: every workload-scoped rule)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the realworld folder")
    parser.add_argument("--projects", nargs="*", default=None, help="only these projects")
    args = parser.parse_args(argv)
    rules = workload_rules(args.rules)
    names = args.projects or projects(args.corpus)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    totals: dict[str, int] = {}
    for project in names:
        report = lint(args.corpus, project, [rule_id for rule_id, _, _ in rules])
        scanned = workloads(args.corpus, manifest_files(args.corpus, project))
        totals[project] = len(scanned)
        by_rule = flagged(report)
        for rule_id, _, _ in rules:
            counts[rule_id][project] = len(by_rule.get(rule_id, set()) & scanned)
    _print(rules, names, counts, totals)
    return 0


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def _print(
    rules: Sequence[tuple[str, str, bool]],
    names: Sequence[str],
    counts: dict[str, dict[str, int]],
    totals: dict[str, int],
) -> None:
    maintained = [p for p in names if p not in EXAMPLE_COLLECTIONS]
    shown = [p for p in names if totals.get(p)]
    print("workloads per project: " + ", ".join(f"{p} {totals[p]}" for p in shown))
    header = f"{'rule':40} {'sev':7} {'default':7} " + " ".join(f"{p[:10]:>10}" for p in shown)
    print(header + f" {'all':>7} {'well-kept':>9}")
    all_total = sum(totals.values())
    kept_total = sum(totals[p] for p in maintained)
    rows = []
    for rule_id, severity, default in rules:
        per = counts[rule_id]
        everything = sum(per.values())
        kept = sum(per.get(p, 0) for p in maintained)
        cells = " ".join(f"{per.get(p, 0):>4}/{totals[p]:<5}" for p in shown)
        line = f"{rule_id:40} {severity:7} {'yes' if default else 'opt-in':7} {cells}"
        rows.append(
            (
                kept / kept_total if kept_total else 0.0,
                line + f" {_share(everything, all_total)} {_share(kept, kept_total):>9}",
            )
        )
    for _, line in sorted(rows, key=lambda row: -row[0]):
        print(line)


if __name__ == "__main__":
    raise SystemExit(main())
