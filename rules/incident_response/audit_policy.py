"""Audit Policy rules (rule-catalog §10), built on the evaluation model of kubelint_py.k8s.audit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kubelint_py.k8s.audit import (
    BODY_LEVELS,
    READ_VERBS,
    SAMPLED_VERBS,
    WRITE_VERBS,
    AuditRule,
    Request,
    deciding_rule,
    parse_rules,
    possible_rules,
    unreachable,
)
from kubelint_py.k8s.flags import referrers
from kubelint_py.rule_api import Document, FieldPath, Rule, RuleContext, Violation, quote, rule


def _related(doc: Document, ctx: RuleContext) -> tuple[tuple[Document, FieldPath, str], ...]:
    """The kube-apiserver flags that load this policy file, when they are part of the input."""
    return tuple(
        (pod, path, "loaded by kube-apiserver --audit-policy-file here")
        for pod, path in referrers(doc, ctx.lint.documents, "kube-apiserver", "audit-policy-file")
    )


def _rules(doc: Document) -> list[AuditRule]:
    return parse_rules(doc.data)


def _level_path(audit_rule: AuditRule) -> FieldPath:
    return (*audit_rule.path, "level")


def _rules_path(doc: Document) -> FieldPath:
    return ("rules",) if doc.has("rules") else ()


def _not_logged(doc: Document, ctx: RuleContext, requests: Sequence[Request], what: str) -> Iterator[Violation]:
    """One finding per deciding rule (or none) that leaves some of `requests` at level None."""
    rules = _rules(doc)
    by_rule: dict[int, list[Request]] = {}
    deciders: dict[int, AuditRule | None] = {}
    for request in requests:
        decider = deciding_rule(rules, request)
        level = decider.level if decider is not None else "None"
        if level != "None":
            continue
        key = decider.number if decider is not None else -1
        by_rule.setdefault(key, []).append(request)
        deciders[key] = decider
    for key, missed in sorted(by_rule.items()):
        sample = ", ".join(r.describe() for r in missed[:4]) + (", ..." if len(missed) > 4 else "")
        decider = deciders[key]
        if decider is not None:
            yield Violation(
                f"{what} are not audited: rule #{decider.number + 1} (level None) matches them first ({sample})",
                _level_path(decider),
                _related(doc, ctx),
            )
        else:
            yield Violation(
                f"{what} are not audited: no rule matches them ({sample})", _rules_path(doc), _related(doc, ctx)
            )


def _requests(group: str, resources: Sequence[str], verbs: Sequence[str]) -> list[Request]:
    return [Request.of(group, resource, verb) for resource in resources for verb in verbs]


def _not_logged_rule(rule_id: str, *, requests: list[Request], what: str) -> Rule:
    """The rule `rule_id` reporting the audit policies under which `requests` are not logged at
    all (their effective level is None): the family's one check."""

    def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        yield from _not_logged(doc, ctx, requests, what)

    return rule(rule_id)(check)


@rule("audit-secret-bodies-logged")
def check_secret_bodies(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    targets = [
        ("", "secrets", "Secrets"),
        ("", "serviceaccounts/token", "service account tokens"),
        ("authentication.k8s.io", "tokenreviews", "TokenReviews"),
    ]
    if ctx.options.get("includeConfigMaps"):
        targets.append(("", "configmaps", "ConfigMaps"))
    rules = _rules(doc)
    offending: dict[int, tuple[AuditRule, list[str]]] = {}
    for group, resource, label in targets:
        for verb in SAMPLED_VERBS:
            for candidate in possible_rules(rules, Request.of(group, resource, verb)):
                if candidate.level in BODY_LEVELS:
                    entry = offending.setdefault(candidate.number, (candidate, []))
                    if label not in entry[1]:
                        entry[1].append(label)
    for _, (audit_rule, labels) in sorted(offending.items()):
        scope = " for some users/namespaces" if audit_rule.scoped else ""
        yield Violation(
            f"rule #{audit_rule.number + 1} logs request bodies (level {audit_rule.level}){scope} of "
            f"{', '.join(labels)}; their bodies carry secret values or bearer tokens",
            _level_path(audit_rule),
            _related(doc, ctx),
        )


check_secret_access = _not_logged_rule(
    "audit-secret-access-not-logged", requests=_requests("", ["secrets"], READ_VERBS), what="reads of Secrets"
)


check_exec = _not_logged_rule(
    "audit-exec-not-logged",
    requests=_requests("", ["pods/exec", "pods/attach", "pods/portforward"], ("create", "get")),
    what="exec/attach/port-forward into pods",
)


check_rbac = _not_logged_rule(
    "audit-rbac-changes-not-logged",
    requests=_requests(
        "rbac.authorization.k8s.io", ["roles", "clusterroles", "rolebindings", "clusterrolebindings"], WRITE_VERBS
    ),
    what="RBAC writes",
)


check_workloads = _not_logged_rule(
    "audit-workload-changes-not-logged",
    requests=(
        _requests("", ["pods"], WRITE_VERBS)
        + _requests("apps", ["deployments", "daemonsets", "statefulsets"], WRITE_VERBS)
        + _requests("batch", ["jobs", "cronjobs"], WRITE_VERBS)
    ),
    what="workload writes",
)


@rule("audit-catch-all-none")
def check_catch_all(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for audit_rule in _rules(doc):
        if audit_rule.catch_all_candidate:
            if audit_rule.level == "None":
                yield Violation(
                    f"rule #{audit_rule.number + 1} is a catch-all at level None: every request not matched "
                    "earlier goes unrecorded",
                    _level_path(audit_rule),
                    _related(doc, ctx),
                )
            return
    yield Violation(
        "no catch-all rule: requests not matched by any rule go unrecorded", _rules_path(doc), _related(doc, ctx)
    )


@rule("audit-unreachable-rule")
def check_unreachable(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for later, earlier in unreachable(_rules(doc)):
        yield Violation(
            f"rule #{later.number + 1} (level {later.level or 'unset'}) never applies: "
            f"rule #{earlier.number + 1} matches every request it could match",
            later.path,
            ((doc, earlier.path, "shadowing rule"),),
        )


@rule("audit-omit-request-received-missing")
def check_omit_stages(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    top = doc.sequence("omitStages")
    if "RequestReceived" in top:
        return
    rules = _rules(doc)
    if rules and all("RequestReceived" in r.omit_stages for r in rules):
        return
    yield Violation(
        "neither the top-level omitStages nor every rule's omitStages contains RequestReceived",
        ("omitStages",) if doc.has("omitStages") else ("kind",),
    )


@rule("audit-policy-removed-api")
def check_removed_api(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.api_version in ("audit.k8s.io/v1alpha1", "audit.k8s.io/v1beta1"):
        yield Violation(
            f"apiVersion {quote(doc.api_version)} was removed in v1.24; use audit.k8s.io/v1", ("apiVersion",)
        )
