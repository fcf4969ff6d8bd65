#!/usr/bin/env python3
"""Scaffold a new built-in rule: its module, a failing and a passing fixture, the index and the
docs regenerated, and the fixture's markers written from what the new rule reports, so the
suite passes from the first run and you start from a working rule.

    python scripts/new_rule.py RULE_ID --document SLUG --category CATEGORY (--workloads | --kinds KIND[,KIND])
                               [--severity error|warning|info] [--default-enabled] [--api-version V]

    python scripts/new_rule.py liveness-probe-timeout-low --document failed-deployment \\
        --category reliability --workloads
    python scripts/new_rule.py service-owner-label-missing --document traffic-spike \\
        --category operations --kinds Service --severity info
    python scripts/new_rule.py cronjob-owner-label-missing --document failed-deployment \\
        --category operations --kinds batch/CronJob        # group-qualified: that group only

It writes rules/<document folder>/<rule_id>.py (an example check: containers without a CPU
limit, or objects without an `owner` label: replace it), its metadata beside it in
<rule_id>.meta.yaml, fixtures/<rule-id>/fail-basic.yaml and pass-basic.yaml, then runs
scripts/generate.py. The rule starts opt-in (docs/severity-policy.md:
it goes on by default once scripts/ecosystem.py shows it keeps its promise). Then follow the
checklist at the end of docs/rule-authoring.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kubelint_py.atomic_write import write_atomically  # noqa: E402
from kubelint_py.guidance import BY_SLUG, LOADER, folder_name  # noqa: E402
from kubelint_py.registry.meta_file import META_SUFFIX  # noqa: E402

RULES = ROOT / "rules"
FIXTURES = ROOT / "fixtures"
CATEGORIES = ("security", "reliability", "networking", "portability", "operations", "correctness")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
# apiVersion of the kinds most rules are about (other kinds, or another group: --api-version)
API_VERSIONS = {
    **dict.fromkeys(
        ("Pod", "Service", "ConfigMap", "Secret", "Namespace", "ServiceAccount", "PersistentVolumeClaim"), "v1"
    ),
    **dict.fromkeys(("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"), "apps/v1"),
    **dict.fromkeys(("Job", "CronJob"), "batch/v1"),
    **dict.fromkeys(("Ingress", "NetworkPolicy", "IngressClass"), "networking.k8s.io/v1"),
    **dict.fromkeys(("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"), "rbac.authorization.k8s.io/v1"),
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PodDisruptionBudget": "policy/v1",
    "StorageClass": "storage.k8s.io/v1",
}
CLUSTER_SCOPED = frozenset(("Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass", "IngressClass"))

WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:1.4.2{extra}
"""
WORKLOAD_PASS = "\n          resources: {limits: {cpu: 500m}}"
WORKLOAD_CHECK = """\
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    # TODO: your condition. This example reports containers without a CPU limit. The scope says
    # which containers: C (containers), C+S (and native sidecars), C+I (and init containers),
    # ALL (and ephemeral containers).
    for container in containers(doc, ContainerScope.C):
        if container.get("resources", "limits", "cpu") is None:
            yield Violation(f"{container.describe()} sets no CPU limit", container.path)
"""
OBJECT_CHECK = """\
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    # TODO: your condition. This example reports objects without an `owner` label; a missing
    # field is reported at the nearest key that exists.
    if "owner" not in doc.labels():
        yield Violation("has no owner label", ("metadata", "labels"))
"""

MODULE = '''\
"""{rule_id}: TODO say in a sentence or two what this rule checks and why, for the next reader."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.rule_api import {imports}


@rule("{rule_id}")  # its metadata: {meta_file}
{check}'''

META = """\
# The metadata of the rules in {module_file} (kubelint_py/registry/meta_file.py reads it).

{rule_id}:
  title: "TODO: name the problem in one line"
  document: {document}
  severity: {severity}  # keeps the promise of docs/severity-policy.md
  category: {category}
{enabled}  {scope}
  rationale: |-
    TODO: what goes wrong in operation when this is ignored, and for whom, in two to five sentences.
  remediation: "TODO: the concrete change that fixes it."
  references:
    - https://kubernetes.io/docs/
  examples:  # run by the tests: fail must trigger the rule, pass must not
    fail: |
{fail}
    pass: |
{pass_}
"""
OPT_IN = "  default_enabled: false  # opt-in until scripts/ecosystem.py shows it keeps its promise\n"


def _api_version(kind: str, given: str | None) -> str | None:
    """The apiVersion of the fixtures' `kind` (`Service`, or group-qualified `batch/CronJob`,
    the core group spelled `v1`): --api-version, else the table's when its group agrees."""
    group, _, name = kind.rpartition("/")
    version = given or API_VERSIONS.get(name)
    if version is None or (group and (version.rpartition("/")[0] or "v1") != group):
        return None
    return version


def _object(kind: str, api_version: str, labels: bool) -> str:
    metadata = "{name: web" + ("" if kind in CLUSTER_SCOPED else ", namespace: shop")
    metadata += ", labels: {owner: team-shop}}" if labels else "}"
    text = f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {metadata}\n"
    if kind == "Service":
        text += "spec:\n  selector: {app: web}\n  ports:\n    - {name: http, port: 80, targetPort: http}\n"
    return text


def _problems(args: argparse.Namespace) -> list[str]:
    problems = []
    if not ID_RE.match(args.rule_id) or len(args.rule_id) > 63:
        problems.append(f"{args.rule_id}: a rule id is lower-case words joined by '-' (at most 63 characters)")
    if args.document not in BY_SLUG or args.document == LOADER.slug:
        problems.append(f"--document: one of {', '.join(s for s in BY_SLUG if s != LOADER.slug)}")
    module = RULES / folder_name(args.document) / f"{args.rule_id.replace('-', '_')}.py"
    if module.exists():
        problems.append(f"{module.relative_to(ROOT)} exists already")
    if (FIXTURES / args.rule_id).exists():
        problems.append(f"fixtures/{args.rule_id} exists already")
    for kind in args.kinds or ():
        if _api_version(kind, args.api_version) is None:
            problems.append(f"--kinds {kind}: give its --api-version (e.g. example.com/v1)")
    if not problems:
        from kubelint_py.registry.registry import build_registry

        if args.rule_id in build_registry(plugins=False).rules:
            problems.append(f"{args.rule_id}: a rule of that id exists already")
    return problems


def _mark(fixture: Path, rule_id: str) -> int:
    """Append `# expect: rule-id@column` to each line of `fixture` the rule reports on."""
    from kubelint_py.config.config import Config
    from kubelint_py.registry.registry import Registry, scan_builtin
    from kubelint_py.run.pipeline import LintRequest, run_lint

    registry = Registry()
    scan_builtin(registry)  # from the modules: the index this process read is the one before the rule
    request = LintRequest(paths=[str(fixture)], select=[rule_id], plugins=False, cwd=ROOT)
    report = run_lint(request, Config(), registry)
    lines = fixture.read_text(encoding="utf-8").split("\n")
    marks: dict[int, list[str]] = {}
    for finding in report.findings:
        if finding.rule_id == rule_id:
            marks.setdefault(finding.span.start.line, []).append(f"{rule_id}@{finding.span.start.column}")
    for line, found in marks.items():
        lines[line - 1] += f"  # expect: {', '.join(found)}"
    write_atomically(fixture, "\n".join(lines))
    return sum(len(found) for found in marks.values())


def render(args: argparse.Namespace) -> tuple[str, str, str, str]:
    """(the rule module, its .meta.yaml file, the failing fixture, the passing one) for `args`."""
    if args.workloads:
        fail, pass_ = WORKLOAD.format(extra=""), WORKLOAD.format(extra=WORKLOAD_PASS)
        imports = "ContainerScope, Document, RuleContext, Violation, containers, rule"
        scope_line = "kind_groups: [workload]  # every pod-template kind; or deployment-like, serving..."
        check = WORKLOAD_CHECK
    else:
        api_version = _api_version(args.kinds[0], args.api_version)
        assert api_version is not None  # _problems said so otherwise
        kind = args.kinds[0].rpartition("/")[2]  # the manifests' kind: has no group
        fail, pass_ = _object(kind, api_version, labels=False), _object(kind, api_version, labels=True)
        imports = "Document, RuleContext, Violation, rule"
        kinds = ", ".join(args.kinds)
        scope_line = f"kinds: [{kinds}]  # Kind: in any API group; group/Kind (v1/Service, batch/CronJob): in that one"
        check = OBJECT_CHECK
    name = args.rule_id.replace("-", "_")
    module = MODULE.format(rule_id=args.rule_id, imports=imports, meta_file=f"{name}.meta.yaml", check=check)
    meta = META.format(
        module_file=f"{name}.py",
        rule_id=args.rule_id,
        document=args.document,
        severity=args.severity,
        category=args.category,
        enabled="" if args.default_enabled else OPT_IN,
        scope=scope_line,
        fail=_indented(fail),
        pass_=_indented(pass_),
    )
    return module, meta, fail, pass_


def _indented(text: str) -> str:
    return "\n".join("      " + line if line else "" for line in text.rstrip("\n").split("\n"))


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rule_id")
    parser.add_argument("--document", required=True, help="the guidance document (kubelint_py/guidance.py)")
    parser.add_argument("--category", required=True, choices=CATEGORIES)
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--workloads", action="store_true", help="every pod-template kind (kind_groups=workload)")
    scope.add_argument("--kinds", type=lambda text: [k.strip() for k in text.split(",") if k.strip()])
    parser.add_argument("--severity", choices=("error", "warning", "info"), default="warning")
    parser.add_argument("--default-enabled", action="store_true", help="on by default (see the opt-in policy)")
    parser.add_argument("--api-version", help="apiVersion of the fixtures' objects, for kinds not known here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    problems = _problems(args)
    if problems:
        for problem in problems:
            print(f"new_rule.py: {problem}", file=sys.stderr)
        return 2

    text, meta, fail, pass_ = render(args)
    module = RULES / folder_name(args.document) / f"{args.rule_id.replace('-', '_')}.py"
    write_atomically(module, text)
    write_atomically(module.with_suffix(META_SUFFIX), meta)
    folder = FIXTURES / args.rule_id
    folder.mkdir(parents=True)
    write_atomically(folder / "fail-basic.yaml", fail)
    write_atomically(folder / "pass-basic.yaml", pass_)

    import generate  # scripts/generate.py: the index and the docs, with the new rule

    if generate.main([]) != 0:
        return 1
    marked = _mark(folder / "fail-basic.yaml", args.rule_id)
    written = (module, module.with_suffix(META_SUFFIX), folder / "fail-basic.yaml", folder / "pass-basic.yaml")
    shown = [p.relative_to(ROOT).as_posix() for p in written]
    print(f"wrote {', '.join(shown)} ({marked} expected finding(s) marked)")
    print("next: replace the TODOs (metadata in the .meta.yaml file) and the example check, add fixtures")
    print("for the edge cases, then run")
    print("  .venv/bin/python scripts/generate.py      # after every change to the metadata, first")
    print(f"  .venv/bin/python -m pytest tests/test_rule_fixtures.py -k {args.rule_id}")
    print("and follow the checklist at the end of docs/rule-authoring.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
