"""kube-apiserver audit flags (rule-catalog §10): backend, policy, retention, persistence."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.examples import static_pod
from kubelint_py.k8s.flags import Flags, apiserver_flags, container_mounts, find_referenced, mount_for
from kubelint_py.rule_api import DocType, Document, FieldPath, RuleContext, Severity, Violation, quote, rule

AUDIT_DOCS = "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/"
FLAGS_REF = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/"

_BASE = static_pod(
    "kube-apiserver",
    flags="""\
--authorization-mode=Node,RBAC
--etcd-servers=https://127.0.0.1:2379
""",
    labels=True,
)
_AUDITED = (
    _BASE
    + """\
        - --audit-policy-file=/etc/kubernetes/audit/policy.yaml
        - --audit-log-path=/var/log/kubernetes/audit/audit.log
        - --audit-log-maxage=30
        - --audit-log-maxbackup=10
        - --audit-log-maxsize=100
      volumeMounts:
        - {name: audit-policy, mountPath: /etc/kubernetes/audit, readOnly: true}
        - {name: audit-log, mountPath: /var/log/kubernetes/audit}
  volumes:
    - name: audit-policy
      hostPath: {path: /etc/kubernetes/audit, type: DirectoryOrCreate}
    - name: audit-log
      hostPath: {path: /var/log/kubernetes/audit, type: DirectoryOrCreate}
"""
)


def _policy_related(doc: Document, ctx: RuleContext, flags: Flags) -> tuple[tuple[Document, FieldPath, str], ...]:
    found = flags.get("audit-policy-file")
    if found is None or found.is_empty():
        return ()
    policies = [d for d in ctx.lint.documents if d.doc_type is DocType.AUDIT_POLICY]
    target = find_referenced(found.text(), policies)
    return ((target, (), "audit policy file named by --audit-policy-file"),) if target is not None else ()


@rule(
    id="apiserver-audit-log-disabled",
    title="kube-apiserver writes no audit log",
    document="incident-response",
    severity=Severity.ERROR,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    rationale="""
Without `--audit-log-path` or `--audit-webhook-config-file` the API server has no audit
backend: no record exists of who read Secrets, exec'd into pods, or changed RBAC. After an
incident there is nothing to scope the damage with, and many compliance regimes (PCI DSS,
SOC 2) fail outright.
""",
    remediation="Enable audit logging to a file (`--audit-log-path`) and/or a webhook backend, with a policy.",
    examples=(_BASE, _AUDITED),
    references=(AUDIT_DOCS, FLAGS_REF, "CIS Kubernetes Benchmark 1.2.16"),
)
def check_audit_disabled(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    if not flags.has_value("audit-log-path") and not flags.has_value("audit-webhook-config-file"):
        yield Violation(
            "neither --audit-log-path nor --audit-webhook-config-file is set: no audit events are written", flags.anchor
        )


@rule(
    id="apiserver-audit-policy-missing",
    title="Audit backend configured without an audit policy",
    document="incident-response",
    severity=Severity.ERROR,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    rationale="""
The audit backends only write the events an audit policy selects. With `--audit-log-path`
or `--audit-webhook-config-file` but no `--audit-policy-file`, the API server records
nothing at all: the audit log exists but stays empty, which is worse than no log because it
looks like evidence.
""",
    remediation="Pass `--audit-policy-file` pointing at an audit Policy (audit.k8s.io/v1).",
    examples=(_AUDITED.replace("        - --audit-policy-file=/etc/kubernetes/audit/policy.yaml\n", ""), _AUDITED),
    references=(AUDIT_DOCS, FLAGS_REF),
)
def check_policy_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None or flags.has_value("audit-policy-file"):
        return
    for backend in ("audit-log-path", "audit-webhook-config-file"):
        if flags.has_value(backend):
            yield Violation(
                f"--{backend} is set but --audit-policy-file is not: no events are recorded", flags.path_of(backend)
            )
            return


def _int_flag(flags: Flags, name: str) -> int | None:
    text = flags.text(name)
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


@rule(
    id="apiserver-audit-log-retention-low",
    title="Audit log retention is too short",
    document="incident-response",
    severity=Severity.WARNING,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    category="operations",
    rationale="""
Intrusions are typically discovered weeks after they start. Without explicit rotation
settings the audit log is never rotated by size and old files are never removed, so it
grows until the control-plane disk fills (and kube-apiserver fails); low values delete the
evidence of the first days of an attack before anyone looks. CIS recommends 30 days, 10
backups and 100 MB; thresholds are configurable.
""",
    remediation="Set `--audit-log-maxage`, `--audit-log-maxbackup` and `--audit-log-maxsize` (CIS: 30/10/100).",
    examples=(_AUDITED.replace("--audit-log-maxage=30", "--audit-log-maxage=7"), _AUDITED),
    references=(AUDIT_DOCS, FLAGS_REF, "CIS Kubernetes Benchmark 1.2.17-1.2.19"),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "minAge": {"type": "integer", "minimum": 0, "default": 30},
            "minBackup": {"type": "integer", "minimum": 0, "default": 10},
            "minSize": {"type": "integer", "minimum": 0, "default": 100},
        },
    },
)
def check_retention(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    log_path = flags.text("audit-log-path")
    if log_path is None or log_path.strip() in ("", "-"):
        return
    problems: dict[FieldPath, list[str]] = {}
    for flag, option, unit in (
        ("audit-log-maxage", "minAge", "days"),
        ("audit-log-maxbackup", "minBackup", "files"),
        ("audit-log-maxsize", "minSize", "MB"),
    ):
        minimum = int(ctx.options.get(option, 0))
        value = _int_flag(flags, flag)
        if not flags.is_set(flag):
            problems.setdefault(flags.path_of("audit-log-path"), []).append(
                f"--{flag} is not set (want at least {minimum} {unit})"
            )
        elif value is None or value < minimum:
            problems.setdefault(flags.path_of(flag), []).append(
                f"--{flag} is {quote(flags.text(flag))} (want at least {minimum} {unit})"
            )
    for path, messages in problems.items():
        yield Violation("; ".join(messages), path)


@rule(
    id="apiserver-audit-log-not-persisted",
    title="Audit log is written inside the container and lost on restart",
    document="incident-response",
    severity=Severity.WARNING,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    category="operations",
    rationale="""
A static pod's container filesystem is discarded whenever the kubelet recreates it
(upgrade, manifest change, crash). If the `--audit-log-path` directory is not on a
`hostPath` or PersistentVolumeClaim mount, the audit trail is lost exactly when the control
plane is restarted, and an attacker who can restart the API server can wipe it.
""",
    remediation="Mount a hostPath directory for the audit log and ship its files off the node.",
    examples=(
        _AUDITED.replace("mountPath: /var/log/kubernetes/audit}", "mountPath: /var/log/kube-audit}"),
        _AUDITED,
    ),
    references=(AUDIT_DOCS, "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"),
)
def check_not_persisted(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    log_path = flags.text("audit-log-path")
    if log_path is None or log_path.strip() in ("", "-"):
        return
    mount = mount_for(log_path.strip(), container_mounts(doc, flags.container_path))
    if mount is None:
        yield Violation(
            f"--audit-log-path {quote(log_path)} is not under any volume mount of the container",
            flags.path_of("audit-log-path"),
        )
    elif mount.volume_type() not in ("hostPath", "persistentVolumeClaim"):
        kind = mount.volume_type() or "no declared volume"
        yield Violation(
            f"--audit-log-path {quote(log_path)} is on mount {quote(mount.mount_path)} backed by {kind}, "
            "not hostPath or a PersistentVolumeClaim",
            flags.path_of("audit-log-path"),
        )


@rule(
    id="apiserver-audit-policy-not-mounted",
    title="Audit policy or webhook config file is not mounted into kube-apiserver",
    document="incident-response",
    severity=Severity.ERROR,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    category="correctness",
    cross_object=True,
    rationale="""
The static pod's container sees only the host paths mounted into it. When
`--audit-policy-file` or `--audit-webhook-config-file` points outside every `volumeMounts`
path, kube-apiserver cannot read the file and exits at startup: enabling auditing this way
takes the API server down on the next restart.
""",
    remediation="Mount the policy directory (hostPath, read-only) at the path the flag names.",
    examples=(
        _AUDITED.replace("mountPath: /etc/kubernetes/audit,", "mountPath: /etc/kubernetes/policies,"),
        _AUDITED,
    ),
    references=(AUDIT_DOCS, "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#log-backend"),
)
def check_policy_not_mounted(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    mounts = container_mounts(doc, flags.container_path)
    for flag in ("audit-policy-file", "audit-webhook-config-file"):
        value = flags.text(flag)
        if value is None or not value.strip():
            continue
        if mount_for(value.strip(), mounts) is None:
            related = _policy_related(doc, ctx, flags) if flag == "audit-policy-file" else ()
            yield Violation(
                f"--{flag} {quote(value)} is not under any volumeMounts[].mountPath: kube-apiserver cannot read it",
                flags.path_of(flag),
                related,
            )


@rule(
    id="apiserver-audit-log-stdout",
    title="Audit events are written to the container log stream",
    document="incident-response",
    severity=Severity.INFO,
    doc_types=(DocType.APISERVER_STATIC_POD,),
    category="operations",
    rationale="""
`--audit-log-path=-` writes audit events to standard output, mixed with the API server's
own logs. They are then retained only as long as the container log rotation allows, cannot
be protected separately, and are hard to ship to a SIEM without parsing every log line.
""",
    remediation="Write to a dedicated file (hostPath) or a webhook backend so evidence can be retained separately.",
    examples=(_AUDITED.replace("--audit-log-path=/var/log/kubernetes/audit/audit.log", "--audit-log-path=-"), _AUDITED),
    references=(AUDIT_DOCS,),
)
def check_stdout(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    if (flags.text("audit-log-path") or "").strip() == "-":
        yield Violation('--audit-log-path is "-": audit events go to standard output', flags.path_of("audit-log-path"))
