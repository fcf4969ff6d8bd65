"""kube-apiserver audit flags (rule-catalog §10): backend, policy, retention, persistence."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.flags import Flags, apiserver_flags, container_mounts, find_referenced, mount_for
from kubelint_py.rule_api import DocType, Document, FieldPath, RuleContext, Violation, quote, rule


def _policy_related(doc: Document, ctx: RuleContext, flags: Flags) -> tuple[tuple[Document, FieldPath, str], ...]:
    found = flags.get("audit-policy-file")
    if found is None or found.is_empty():
        return ()
    policies = [d for d in ctx.lint.documents if d.doc_type is DocType.AUDIT_POLICY]
    target = find_referenced(found.text(), policies)
    return ((target, (), "audit policy file named by --audit-policy-file"),) if target is not None else ()


@rule("apiserver-audit-log-disabled")
def check_audit_disabled(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    if not flags.has_value("audit-log-path") and not flags.has_value("audit-webhook-config-file"):
        yield Violation(
            "neither --audit-log-path nor --audit-webhook-config-file is set: no audit events are written", flags.anchor
        )


@rule("apiserver-audit-policy-missing")
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


@rule("apiserver-audit-log-retention-low")
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


@rule("apiserver-audit-log-not-persisted")
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


@rule("apiserver-audit-policy-not-mounted")
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


@rule("apiserver-audit-log-stdout")
def check_stdout(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    flags = apiserver_flags(doc)
    if flags is None:
        return
    if (flags.text("audit-log-path") or "").strip() == "-":
        yield Violation('--audit-log-path is "-": audit events go to standard output', flags.path_of("audit-log-path"))
