"""Audit Policy rules (rule-catalog §10), built on the evaluation model of kubelint_py.k8s.audit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

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
from kubelint_py.rule_api import DocType, Document, FieldPath, Rule, RuleContext, Severity, Violation, quote, rule

AUDIT_DOCS = "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/"
POLICY_REF = "https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/#audit-k8s-io-v1-Policy"

_GOOD = """\
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps", "serviceaccounts/token"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  - level: RequestResponse
    resources:
      - group: rbac.authorization.k8s.io
        resources: ["roles", "clusterroles", "rolebindings", "clusterrolebindings"]
  - level: Request
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
    resources:
      - group: ""
        resources: ["pods"]
      - group: apps
      - group: batch
  - level: Metadata
"""

_LOG_EVERYTHING = """\
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: RequestResponse
"""

_DROP_ALL = """\
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets"]
  - level: None
"""


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


def _not_logged_rule(*, requests: list[Request], what: str, **meta: Any) -> Rule:
    """A rule reporting the audit policies under which `requests` are not logged at all (their
    effective level is None): the metadata the family shares, and its one check."""

    def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        yield from _not_logged(doc, ctx, requests, what)

    shared = {
        "document": "incident-response",
        "doc_types": (DocType.AUDIT_POLICY,),
        "cross_object": True,
        "examples": (_DROP_ALL, _GOOD),
        "references": (AUDIT_DOCS, POLICY_REF),
    }
    return rule(**{**shared, **meta})(check)


@rule(
    id="audit-secret-bodies-logged",
    title="Audit policy can copy Secret values and tokens into the audit log",
    document="incident-response",
    severity=Severity.ERROR,
    doc_types=(DocType.AUDIT_POLICY,),
    cross_object=True,
    rationale="""
At `Request` or `RequestResponse` the audit backend writes the request and/or response body
of every matched call. For Secrets that is the base64 secret data, for
`serviceaccounts/token` the freshly minted bearer token and for `tokenreviews` the token
being reviewed: the audit log (often shipped to a SIEM many people can read) becomes a
second, unencrypted copy of every credential in the cluster. The check follows the API
server's matching (first matching rule wins) and flags every rule that may apply to such a
request, including rules scoped to users, groups or namespaces, because for those
requesters the body is logged. ConfigMaps are included with the option
`includeConfigMaps`.
""",
    remediation="Add an early rule logging secrets, serviceaccounts/token and tokenreviews at `Metadata`.",
    examples=(_LOG_EVERYTHING, _GOOD),
    references=(AUDIT_DOCS, POLICY_REF, "CIS Kubernetes Benchmark 3.2.2"),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {"includeConfigMaps": {"type": "boolean", "default": False}},
    },
)
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
    id="audit-secret-access-not-logged",
    title="Reads of Secrets are not audited",
    severity=Severity.WARNING,
    rationale="""
After a credential leak the first question is who read which Secret, and when. If the
effective audit level for `get`, `list` or `watch` on Secrets is `None` (a `None` rule
matches first, or no rule matches), the API server records nothing and that question has
no answer. Rules scoped to some users or namespaces do not count: any other requester goes
unrecorded.
""",
    remediation="Log Secret access at `Metadata` with an unscoped rule placed before any `None` rule that would match.",
    examples=(_DROP_ALL.replace('resources: ["secrets"]', 'resources: ["configmaps"]'), _GOOD),
    requests=_requests("", ["secrets"], READ_VERBS),
    what="reads of Secrets",
)


check_exec = _not_logged_rule(
    id="audit-exec-not-logged",
    title="exec, attach and port-forward into pods are not audited",
    severity=Severity.ERROR,
    rationale="""
`kubectl exec`, `attach` and `port-forward` give an interactive foothold inside a running
container: they are the first thing an attacker with stolen credentials uses and the first
thing incident responders look for. The API server sees them as `create` (or `get` for older
clients) on `pods/exec`, `pods/attach` and `pods/portforward`; when the effective audit level
of those requests is `None`, nothing records who opened a shell where.
""",
    remediation="Log pods/exec, pods/attach and pods/portforward at `Metadata` or higher.",
    requests=_requests("", ["pods/exec", "pods/attach", "pods/portforward"], ("create", "get")),
    what="exec/attach/port-forward into pods",
)


check_rbac = _not_logged_rule(
    id="audit-rbac-changes-not-logged",
    title="RBAC changes are not audited",
    severity=Severity.ERROR,
    rationale="""
Granting oneself a ClusterRoleBinding is the classic privilege-escalation and persistence
step. When writes to Roles, ClusterRoles, RoleBindings and ClusterRoleBindings have the
effective audit level `None`, an attacker can escalate and later remove the binding without
leaving a trace, and responders cannot tell which grants are legitimate.
""",
    remediation="Log RBAC writes at `Request` or `RequestResponse`.",
    requests=_requests(
        "rbac.authorization.k8s.io", ["roles", "clusterroles", "rolebindings", "clusterrolebindings"], WRITE_VERBS
    ),
    what="RBAC writes",
)


check_workloads = _not_logged_rule(
    id="audit-workload-changes-not-logged",
    title="Workload changes are not audited",
    severity=Severity.WARNING,
    rationale="""
Crypto-miners, backdoor DaemonSets and tampered Deployments arrive as ordinary writes to
Pods and workload controllers. When the effective audit level of those writes is `None`,
responders cannot tell who created the rogue workload, from where, or what else that
identity changed.
""",
    remediation="Log writes to pods, deployments, daemonsets, statefulsets, jobs and cronjobs at `Request` or higher.",
    requests=(
        _requests("", ["pods"], WRITE_VERBS)
        + _requests("apps", ["deployments", "daemonsets", "statefulsets"], WRITE_VERBS)
        + _requests("batch", ["jobs", "cronjobs"], WRITE_VERBS)
    ),
    what="workload writes",
)


@rule(
    id="audit-catch-all-none",
    title="Audit policy drops every request its earlier rules do not name",
    document="incident-response",
    severity=Severity.WARNING,
    doc_types=(DocType.AUDIT_POLICY,),
    cross_object=True,
    rationale="""
Requests that no rule matches are not recorded at all, and a final catch-all at level `None`
says the same explicitly. Either way every resource the policy author did not think of (new
CRDs, new subresources, webhooks configurations, node proxies) goes unrecorded: exactly the
unusual calls an intrusion produces.
""",
    remediation="End the policy with an unscoped catch-all rule at `Metadata` (no resources, no verbs).",
    examples=(_DROP_ALL, _GOOD),
    references=(AUDIT_DOCS, POLICY_REF),
)
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


@rule(
    id="audit-unreachable-rule",
    title="Audit rule can never apply",
    document="incident-response",
    severity=Severity.WARNING,
    doc_types=(DocType.AUDIT_POLICY,),
    rationale="""
The API server applies the first matching rule. A rule placed after an unscoped rule that
already matches every request it could match never applies: the level its author meant
(often `Metadata` for Secrets, or `RequestResponse` for RBAC) silently does not take effect.
An earlier rule shadows a later one when it matches everything, or when it lists every verb
of the later rule (or has no `verbs`) and its `resources[]` cover every group and resource
of the later rule.
""",
    remediation="Reorder: specific rules first, catch-all last.",
    examples=(
        _GOOD.replace("rules:\n", "rules:\n  - level: Metadata\n", 1),
        _GOOD,
    ),
    references=(AUDIT_DOCS, POLICY_REF),
)
def check_unreachable(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for later, earlier in unreachable(_rules(doc)):
        yield Violation(
            f"rule #{later.number + 1} (level {later.level or 'unset'}) never applies: "
            f"rule #{earlier.number + 1} matches every request it could match",
            later.path,
            ((doc, earlier.path, "shadowing rule"),),
        )


@rule(
    id="audit-omit-request-received-missing",
    title="Audit policy records the RequestReceived stage",
    document="incident-response",
    severity=Severity.INFO,
    doc_types=(DocType.AUDIT_POLICY,),
    category="operations",
    rationale="""
Every audited request produces a `RequestReceived` event and then a `ResponseComplete` event
holding the same information and the outcome. Keeping `RequestReceived` roughly doubles the
audit volume (and its storage and shipping cost, and the chance of the log backend dropping
events under load) without adding evidence.
""",
    remediation='Add `omitStages: ["RequestReceived"]` at the top level of the policy.',
    examples=(_GOOD.replace('omitStages: ["RequestReceived"]\n', ""), _GOOD),
    references=(AUDIT_DOCS, POLICY_REF),
)
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


@rule(
    id="audit-policy-removed-api",
    title="Audit policy uses a removed API version",
    document="incident-response",
    severity=Severity.ERROR,
    doc_types=(DocType.AUDIT_POLICY,),
    category="correctness",
    rationale="""
`audit.k8s.io/v1alpha1` and `audit.k8s.io/v1beta1` were removed in Kubernetes v1.24. A
kube-apiserver of v1.24 or later refuses to load a policy file in these versions and does
not start, taking the control plane down on the next restart or upgrade.
""",
    remediation="Change `apiVersion` to `audit.k8s.io/v1` (the fields are the same).",
    examples=(_GOOD.replace("audit.k8s.io/v1", "audit.k8s.io/v1beta1"), _GOOD),
    references=(
        "https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-24",
        POLICY_REF,
    ),
)
def check_removed_api(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.api_version in ("audit.k8s.io/v1alpha1", "audit.k8s.io/v1beta1"):
        yield Violation(
            f"apiVersion {quote(doc.api_version)} was removed in v1.24; use audit.k8s.io/v1", ("apiVersion",)
        )
