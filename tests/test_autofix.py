"""`kubelint fix` (issue 9): every fix round-trips.

For each case the fix of one rule is applied to a file, then the file is linted with every
rule: the finding is gone, no finding appears that was not there before, and the diff holds
exactly the expected lines (so the rest of the file is byte-identical).
"""

from __future__ import annotations

import difflib
import json
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

from kubelint_py.cli import main
from kubelint_py.config.config import Config
from kubelint_py.fixes import FIXES, SAME_SCHEMA_REPLACEMENTS, Edit, Op
from kubelint_py.integrations.autofix import FixResult, never_rewritten, plan_fixes
from kubelint_py.integrations.yaml_edit import apply_edit
from kubelint_py.k8s.apiversions import lookup
from kubelint_py.model import Finding, Source
from kubelint_py.run.pipeline import LintRequest, run_lint
from tests.helpers import registry

WORKLOAD = """\
# The web tier: comments, quoting and odd indentation must survive.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # trailing comment
  namespace: prod
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: "registry.example.com/web:3.2"
        securityContext:
          runAsUser: 10001
      - name: side
        image: 'registry.example.com/side:1.0'
        securityContext: {runAsUser: 10002}
"""


# a workload that talks to a cluster Service by its DNS name (host-network cases need one)
CLUSTER_CLIENT = WORKLOAD.replace(
    '        image: "registry.example.com/web:3.2"\n',
    '        image: "registry.example.com/web:3.2"\n        args: ["--api=http://api.prod.svc:8080"]\n',
)


class Case(NamedTuple):
    rule: str
    text: str
    removed: Sequence[str]  # lines the diff removes
    added: Sequence[str]  # lines the diff adds
    target: str | None = None


CASES: dict[str, Case] = {
    "escalation-missing": Case(
        "privilege-escalation-allowed",
        WORKLOAD,
        ["        securityContext: {runAsUser: 10002}"],
        [
            "          allowPrivilegeEscalation: false",
            "        securityContext: {runAsUser: 10002, allowPrivilegeEscalation: false}",
        ],
    ),
    "escalation-true-quoted": Case(
        "privilege-escalation-allowed",
        WORKLOAD.replace(
            "runAsUser: 10001", 'runAsUser: 10001\n          allowPrivilegeEscalation: "true"  # why?'
        ).replace("{runAsUser: 10002}", "{runAsUser: 10002, allowPrivilegeEscalation: false}"),
        ['          allowPrivilegeEscalation: "true"  # why?'],
        ["          allowPrivilegeEscalation: false  # why?"],
    ),
    "escalation-no-security-context": Case(
        "privilege-escalation-allowed",
        WORKLOAD.replace("        securityContext:\n          runAsUser: 10001\n", "").replace(
            "        securityContext: {runAsUser: 10002}\n",
            "        securityContext: {allowPrivilegeEscalation: false}\n",
        ),
        [],
        ["        securityContext:", "          allowPrivilegeEscalation: false"],
    ),
    "capabilities-block-list": Case(
        "capabilities-not-dropped",
        WORKLOAD.replace(
            "runAsUser: 10001", "runAsUser: 10001\n          capabilities:\n            drop:\n              - NET_RAW"
        ).replace("{runAsUser: 10002}", "{runAsUser: 10002, capabilities: {drop: ['ALL']}}"),
        [],
        ["              - ALL"],
    ),
    "capabilities-flow-list-quoted": Case(
        "capabilities-not-dropped",
        WORKLOAD.replace("runAsUser: 10001", 'runAsUser: 10001\n          capabilities: {drop: ["NET_RAW"]}').replace(
            "{runAsUser: 10002}", "{runAsUser: 10002, capabilities: {drop: [all]}}"
        ),
        ['          capabilities: {drop: ["NET_RAW"]}'],
        ['          capabilities: {drop: ["NET_RAW", "ALL"]}'],
    ),
    "capabilities-missing": Case(
        "capabilities-not-dropped",
        WORKLOAD.replace("{runAsUser: 10002}", "{runAsUser: 10002, capabilities: {drop: [ALL]}}"),
        [],
        ["          capabilities:", "            drop: [ALL]"],
    ),
    "run-as-non-root-missing": Case(
        "run-as-root-allowed",
        # the container "app" sets no UID (a non-zero runAsUser alone is not reported)
        WORKLOAD.replace("{runAsUser: 10002}", "{runAsUser: 10002, runAsNonRoot: true}").replace(
            "          runAsUser: 10001\n", "          allowPrivilegeEscalation: false\n"
        ),
        [],
        ["          runAsNonRoot: true"],
    ),
    "run-as-non-root-false-at-pod": Case(
        "run-as-root-allowed",
        # without the containers' runAsUser: a non-zero UID never runs as root, whatever runAsNonRoot says
        WORKLOAD.replace(
            "    spec:\n      containers:",
            "    spec:\n      securityContext:\n        runAsNonRoot: no\n      containers:",
        )
        .replace("        securityContext:\n          runAsUser: 10001\n", "")
        .replace("        securityContext: {runAsUser: 10002}\n", ""),
        ["        runAsNonRoot: no"],
        ["        runAsNonRoot: true"],
    ),
    "automount-missing": Case(
        "service-account-token-automount",
        WORKLOAD,
        [],
        ["      automountServiceAccountToken: false"],
    ),
    "automount-true-cronjob": Case(
        "service-account-token-automount",
        """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: prod}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          automountServiceAccountToken: true   # set by a generator
          restartPolicy: OnFailure
          containers:
            - {name: job, image: "busybox:1.36"}
""",
        ["          automountServiceAccountToken: true   # set by a generator"],
        ["          automountServiceAccountToken: false   # set by a generator"],
    ),
    "revision-history": Case(
        "rollback-history-disabled",
        WORKLOAD.replace("spec:\n  selector", "spec:\n  revisionHistoryLimit: 0 # no history\n  selector"),
        ["  revisionHistoryLimit: 0 # no history"],
        ["  revisionHistoryLimit: 10 # no history"],
    ),
    "readonly-root": Case(
        "readonly-root-filesystem-missing",
        WORKLOAD.replace("{runAsUser: 10002}", "{runAsUser: 10002, readOnlyRootFilesystem: false}"),
        ["        securityContext: {runAsUser: 10002, readOnlyRootFilesystem: false}"],
        [
            "          readOnlyRootFilesystem: true",
            "        securityContext: {runAsUser: 10002, readOnlyRootFilesystem: true}",
        ],
    ),
    "seccomp-missing": Case(
        "seccomp-not-runtime-default",
        WORKLOAD.replace(
            "{runAsUser: 10002}", "{runAsUser: 10002, seccompProfile: {type: Localhost, localhostProfile: p.json}}"
        ),
        [],
        ["          seccompProfile:", "            type: RuntimeDefault"],
    ),
    "seccomp-unconfined-at-pod": Case(
        "seccomp-not-runtime-default",
        WORKLOAD.replace(
            "    spec:\n      containers:",
            "    spec:\n      securityContext: {seccompProfile: {type: 'Unconfined'}}\n      containers:",
        ),
        ["      securityContext: {seccompProfile: {type: 'Unconfined'}}"],
        ["      securityContext: {seccompProfile: {type: 'RuntimeDefault'}}"],
    ),
    "dns-policy-missing": Case(
        "hostnetwork-dns-policy",
        CLUSTER_CLIENT.replace("    spec:\n      containers:", "    spec:\n      hostNetwork: true\n      containers:"),
        [],
        ["      dnsPolicy: ClusterFirstWithHostNet"],
    ),
    "dns-policy-cluster-first": Case(
        "hostnetwork-dns-policy",
        CLUSTER_CLIENT.replace(
            "    spec:\n      containers:",
            "    spec:\n      hostNetwork: true\n      dnsPolicy: ClusterFirst\n      containers:",
        ),
        ["      dnsPolicy: ClusterFirst"],
        ["      dnsPolicy: ClusterFirstWithHostNet"],
    ),
    "removed-cronjob": Case(
        "removed-api-version",
        """\
apiVersion: batch/v1beta1   # old
kind: CronJob
metadata: {name: nightly, namespace: prod}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - {name: job, image: "busybox:1.36"}
""",
        ["apiVersion: batch/v1beta1   # old"],
        ["apiVersion: batch/v1   # old"],
        "1.25",
    ),
    "removed-rbac-in-list": Case(
        "removed-api-version",
        """\
apiVersion: v1
kind: List
items:
  - apiVersion: "rbac.authorization.k8s.io/v1beta1"
    kind: Role
    metadata: {name: reader, namespace: prod}
    rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
""",
        ['  - apiVersion: "rbac.authorization.k8s.io/v1beta1"'],
        ['  - apiVersion: "rbac.authorization.k8s.io/v1"'],
        "1.22",
    ),
    "deprecated-hpa": Case(
        "deprecated-api-version",
        """\
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: prod}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
""",
        ["apiVersion: autoscaling/v2beta2"],
        ["apiVersion: autoscaling/v2"],
        "1.24",
    ),
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are discovered relative to the process's directory, as on the command line."""
    monkeypatch.chdir(tmp_path)


def _active(text: str, name: str, target: str | None, cwd: Path) -> dict[str, str]:
    request = LintRequest(sources=[Source(name, text.encode())], plugins=False, target_version=target, cwd=cwd)
    return {f.fingerprint: f.rule_id for f in run_lint(request, Config(), registry()).active}


def _fix(tmp_path: Path, name: str, text: str, select: Sequence[str], target: str | None = None) -> FixResult:
    (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    request = LintRequest(paths=(name,), select=select, plugins=False, target_version=target, cwd=tmp_path)
    return plan_fixes(request, Config(), registry())


def _diff_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """Removed and added lines; asserts that every other line is unchanged and in place."""
    old, new = before.splitlines(), after.splitlines()
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        removed += old[i1:i2]
        added += new[j1:j2]
    return removed, added


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_round_trips(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    before = _active(case.text, "m.yaml", case.target, tmp_path)
    targeted = {fp for fp, rule in before.items() if rule == case.rule}
    assert targeted, f"the case does not trigger {case.rule}"
    result = _fix(tmp_path, "m.yaml", case.text, [case.rule], case.target)
    assert [o.reason for o in result.not_applied] == []
    assert len(result.applied) == len(targeted)
    fixed = result.files[0].fixed
    after = _active(fixed, "m.yaml", case.target, tmp_path)
    assert not targeted & set(after), "the finding is still reported"
    assert set(after) <= set(before), f"new findings: {sorted(after[fp] for fp in set(after) - set(before))}"
    removed, added = _diff_lines(case.text, fixed)
    assert (removed, added) == (list(case.removed), list(case.added))
    assert (tmp_path / "m.yaml").read_text() == case.text  # planning writes nothing


def test_every_fixable_rule_has_a_round_trip_case() -> None:
    assert {case.rule for case in CASES.values()} == set(FIXES)


def test_fixable_rules_exist() -> None:
    assert set(FIXES) <= set(registry().rules)


def test_same_schema_replacements_agree_with_the_api_table() -> None:
    for (api_version, kind), replacement in SAME_SCHEMA_REPLACEMENTS.items():
        entry = lookup(api_version, kind)
        assert entry is not None and entry.replacement == replacement, (api_version, kind)


# -- what is not fixed ------------------------------------------------------------------
def test_run_as_user_zero_is_not_guessed(tmp_path: Path) -> None:
    text = WORKLOAD.replace("runAsUser: 10001", "runAsUser: 0").replace("{runAsUser: 10002}", "{runAsNonRoot: true}")
    result = _fix(tmp_path, "m.yaml", text, ["run-as-root-allowed"])
    assert not result.applied and [o.reason for o in result.not_applied] == ["this case has no safe fix"]
    assert not result.files[0].changed


def test_replacement_with_a_different_schema_is_left_to_a_person(tmp_path: Path) -> None:
    text = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: prod}\n"
    text += "spec:\n  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n"
    result = _fix(tmp_path, "pdb.yaml", text, ["removed-api-version"], "1.25")
    assert "no same-schema replacement" in result.not_applied[0].reason
    assert not result.files[0].changed


def test_seccomp_type_next_to_a_localhost_profile_is_not_touched() -> None:
    text = "spec:\n  seccompProfile: {type: Unconfined, localhostProfile: x.json}\n"
    edit = Edit(Op.SET, "type", "RuntimeDefault", unless_sibling=("localhostProfile",))
    with pytest.raises(Exception, match="localhostProfile"):
        apply_edit(text, ("spec", "seccompProfile", "type"), edit, "Pod")


def test_anchors_and_merge_keys_are_not_edited() -> None:
    edit = Edit(Op.SET, "x", True)
    with pytest.raises(Exception, match="anchored"):
        apply_edit("a: &shared {b: 1}\nc: *shared\n", ("a", "x"), edit, "Pod")
    with pytest.raises(Exception, match="merge key"):
        apply_edit("base: &b {y: 1}\na:\n  <<: *b\n  z: 2\n", ("a", "x"), edit, "Pod")


@pytest.mark.parametrize(
    "text",
    [
        "# Source: web/templates/deployment.yaml\n" + WORKLOAD,
        WORKLOAD.replace("registry.example.com/web:3.2", "{{ .Values.image }}"),
    ],
)
def test_helm_output_and_templates_are_never_rewritten(tmp_path: Path, text: str) -> None:
    assert never_rewritten(text) is not None
    result = _fix(tmp_path, "m.yaml", text, ["privilege-escalation-allowed"])
    assert result.files == [] and [f for f, _ in result.skipped_files] == ["m.yaml"]


def test_other_documents_and_crlf_line_ends_survive(tmp_path: Path) -> None:
    broken = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n"
    text = (broken + "---\n" + WORKLOAD).replace("\n", "\r\n")
    result = _fix(tmp_path, "m.yaml", text, ["privilege-escalation-allowed"])
    fixed = result.files[0].fixed
    assert len(result.applied) == 2
    assert fixed.startswith(broken.replace("\n", "\r\n"))
    assert "\n" not in fixed.replace("\r\n", "")
    assert "          allowPrivilegeEscalation: false\r\n" in fixed


# -- the command line -------------------------------------------------------------------
@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / ".git").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "web.yaml").write_text(WORKLOAD)
    (tmp_path / "deploy" / "web.yaml").chmod(0o640)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUBELINT_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    yield tmp_path


def test_cli_diff_changes_nothing_then_fix_rewrites(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    select = ["--select", "privilege-escalation-allowed,readonly-root-filesystem-missing"]
    assert main(["fix", "deploy", "--diff", *select]) == 1
    out = capsys.readouterr().out
    assert out.startswith("--- a/deploy/web.yaml\n+++ b/deploy/web.yaml\n@@ ")
    assert "+          allowPrivilegeEscalation: false\n" in out
    assert (repo / "deploy" / "web.yaml").read_text() == WORKLOAD

    assert main(["fix", "deploy", *select]) == 0
    out = capsys.readouterr().out
    assert "Fixed 4 finding(s) in 1 file(s)" in out
    assert "fixed readonly-root-filesystem-missing" in out and "note: a process that writes" in out
    assert stat.S_IMODE((repo / "deploy" / "web.yaml").stat().st_mode) == 0o640
    assert sorted(p.name for p in (repo / "deploy").iterdir()) == ["web.yaml"]  # no temporary file left

    assert main(["fix", "deploy", "--diff", *select]) == 0
    assert capsys.readouterr().out == ""
    assert main(["lint", "deploy", *select]) == 0


def test_cli_fix_refuses_stdin(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "-"]) == 2
    assert "cannot fix stdin" in capsys.readouterr().err


def test_json_manifests_stay_json(tmp_path: Path) -> None:
    text = """\
{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "p", "namespace": "prod"},
  "spec": {
    "containers": [
      {"name": "app", "image": "nginx:1.27", "securityContext": {"runAsUser": 1000}}
    ]
  }
}
"""
    select = ["privilege-escalation-allowed", "service-account-token-automount"]
    result = _fix(tmp_path, "pod.json", text, select)
    fixed = result.files[0].fixed
    assert len(result.applied) == 2
    data = json.loads(fixed)
    assert data["spec"]["automountServiceAccountToken"] is False
    assert data["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"] is False
    removed, added = _diff_lines(text, fixed)
    assert removed == [
        '      {"name": "app", "image": "nginx:1.27", "securityContext": {"runAsUser": 1000}}',
        "    ]",
    ]
    assert added == [
        '      {"name": "app", "image": "nginx:1.27", "securityContext": {"runAsUser": 1000, '
        '"allowPrivilegeEscalation": false}}',
        "    ],",
        '    "automountServiceAccountToken": false',
    ]


def test_an_edit_that_introduces_a_finding_is_not_kept(tmp_path: Path) -> None:

    from kubelint_py.integrations.autofix import _stage, _verify_alone

    text = WORKLOAD.replace("{runAsUser: 10002}", "{runAsUser: 10002, allowPrivilegeEscalation: false}")
    found = _active_findings(text)
    target = [f for f in found.values() if f.rule_id == "privilege-escalation-allowed"]
    stage = _stage("m.yaml", text, target)
    assert len(stage.targets) == 1 and stage.candidate != text
    intruder = target[0]._replace(rule_id="made-up-rule", fingerprint="f" * 32)

    def lint(file: str, current: str) -> dict[str, Finding]:
        return dict(found) if current == text else {intruder.fingerprint: intruder}

    fixed = _verify_alone(stage, lint)
    assert fixed.fixed == text and not fixed.changed
    assert [o.reason for o in fixed.outcomes] == ["the edit would introduce made-up-rule"]


def _active_findings(text: str) -> dict[str, Finding]:
    request = LintRequest(sources=[Source("m.yaml", text.encode())], plugins=False)
    return {f.fingerprint: f for f in run_lint(request, Config(), registry()).active}
