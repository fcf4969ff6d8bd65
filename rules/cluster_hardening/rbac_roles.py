"""RBAC roles (rule-catalog §9.1): rbac-wildcard, rbac-escalation-permission."""

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from kubelint_py.k8s.rbac import CORE_GROUP, RBAC_GROUP, WILDCARD, PolicyRule, is_system_name, policy_rules
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_WILDCARD_FAIL = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: prod}
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["*"]
"""

_WILDCARD_PASS = _WILDCARD_FAIL.replace('["*"]', '["get", "list", "watch", "update", "patch"]')

_WILDCARD_FIELDS = ("apiGroups", "resources", "verbs")


@rule(
    id="rbac-wildcard",
    title="Role grants a wildcard verb, resource or API group",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kinds=("Role", "ClusterRole"),
    rationale="""
`*` grants everything that exists now and everything added later: `verbs: ["*"]` includes
`escalate`, `bind`, `impersonate` and `delete`; `resources: ["*"]` includes Secrets and every
subresource such as `pods/exec`; `apiGroups: ["*"]` includes every CRD installed in the future.
A role written with wildcards cannot be reviewed for least privilege. Roles named
`system:...` (Kubernetes' own) and aggregated ClusterRoles (whose rules the controller
fills in) are not reported.
""",
    remediation="Enumerate the verbs, resources and API groups the subject actually uses.",
    examples=(_WILDCARD_FAIL, _WILDCARD_PASS),
    references=(
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#minimize-wildcard-permissions",
        "CIS Kubernetes Benchmark 5.1.3",
    ),
)
def check_wildcard(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if is_system_name(doc.name):
        return
    if doc.kind == "ClusterRole" and isinstance(doc.value("aggregationRule"), Mapping):
        return
    for policy in policy_rules(doc.data):
        for field in _WILDCARD_FIELDS:
            items = doc.sequence("rules", policy.position, field)
            for number, item in enumerate(items):
                if item == WILDCARD:
                    yield Violation(
                        f'rules[{policy.position}] grants "*" in {field}', ("rules", policy.position, field, number)
                    )
                    break


# -- rbac-escalation-permission -------------------------------------------------------

_AUTHENTICATION_GROUP = "authentication.k8s.io"
_CERTIFICATES_GROUP = "certificates.k8s.io"
_ADMISSION_GROUP = "admissionregistration.k8s.io"


class _Grant(NamedTuple):
    group: str
    verbs: tuple[str, ...]
    resources: tuple[str, ...]


class _Match(NamedTuple):
    rule_index: int
    verbs: tuple[str, ...]
    resources: tuple[str, ...]
    wildcard: bool  # matched only through a "*" (verb, resource or group)

    def describe(self) -> str:
        via = ', via "*"' if self.wildcard else ""
        return f"{', '.join(self.verbs)} on {', '.join(self.resources)} (rules[{self.rule_index}]{via})"


# Each family of escalation paths of the catalog, tied to its API group.
_FAMILIES: tuple[tuple[str, tuple[_Grant, ...]], ...] = (
    ("escalate/bind", (_Grant(RBAC_GROUP, ("escalate", "bind"), ("roles", "clusterroles")),)),
    (
        "impersonate",
        (
            _Grant(CORE_GROUP, ("impersonate",), ("users", "groups", "serviceaccounts")),
            _Grant(_AUTHENTICATION_GROUP, ("impersonate",), ("userextras/*",)),
        ),
    ),
    (
        "pod exec/attach/port-forward",
        # `get` too: a WebSocket exec, attach or port-forward request is an HTTP GET, authorised as `get`
        (_Grant(CORE_GROUP, ("create", "get"), ("pods/exec", "pods/attach", "pods/portforward")),),
    ),
    ("node proxy", (_Grant(CORE_GROUP, ("get", "create"), ("nodes/proxy",)),)),
    ("token creation", (_Grant(CORE_GROUP, ("create",), ("serviceaccounts/token",)),)),
    (
        "webhook configuration",
        (
            _Grant(
                _ADMISSION_GROUP,
                ("create", "update", "patch"),
                ("mutatingwebhookconfigurations", "validatingwebhookconfigurations"),
            ),
        ),
    ),
)
# Approving CSRs takes both grants (in one rule or in two).
_CSR_APPROVAL = _Grant(_CERTIFICATES_GROUP, ("update", "patch"), ("certificatesigningrequests/approval",))
_SIGNER_APPROVE = _Grant(_CERTIFICATES_GROUP, ("approve",), ("signers",))


def _resources_matched(policy: PolicyRule, resources: tuple[str, ...]) -> tuple[list[str], bool]:
    """Which of `resources` the rule grants, and whether only through a wildcard."""
    matched: list[str] = []
    wildcard = False
    for resource in resources:
        if resource == "userextras/*":
            # any `userextras/<key>` entry; `*` and `*/<key>` match too, as RBAC does
            explicit = list(policy.matching_resources("userextras"))
            via_star = [f"userextras/{r[2:]}" for r in policy.resources if r.startswith("*/") and len(r) > 2]
            entries = list(dict.fromkeys(explicit + via_star))
            if WILDCARD in policy.resources:
                entries.append("userextras/*")
            if entries:
                matched.extend(entries)
                wildcard = wildcard or not explicit
            continue
        if policy.matches_resource(resource):
            matched.append(resource)
            wildcard = wildcard or resource not in policy.resources
    return matched, wildcard


def _match(policy: PolicyRule, grant: _Grant) -> _Match | None:
    if not policy.matches_group(grant.group):
        return None
    verbs = [v for v in grant.verbs if policy.matches_verb(v)]
    if not verbs:
        return None
    resources, resource_wildcard = _resources_matched(policy, grant.resources)
    if not resources:
        return None
    wildcard = resource_wildcard or grant.group not in policy.api_groups or any(v not in policy.verbs for v in verbs)
    return _Match(policy.position, tuple(verbs), tuple(resources), wildcard)


def escalation_grants(rules: list[PolicyRule]) -> list[tuple[str, list[_Match]]]:
    """Every catalog escalation path the rules grant: (family, matches), in catalog order."""
    found: list[tuple[str, list[_Match]]] = []
    for family, grants in _FAMILIES:
        if family == "webhook configuration":
            approval = [m for policy in rules if (m := _match(policy, _CSR_APPROVAL)) is not None]
            signers = [m for policy in rules if (m := _match(policy, _SIGNER_APPROVE)) is not None]
            if approval and signers:
                found.append(("CSR approval", approval + signers))
        matches = [m for policy in rules for grant in grants if (m := _match(policy, grant)) is not None]
        if matches:
            found.append((family, matches))
    return found


_ESCALATION_FAIL = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: support}
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/exec"]
    verbs: ["get", "list", "create"]
"""

_ESCALATION_PASS = _ESCALATION_FAIL.replace('"pods", "pods/exec"', '"pods", "pods/log"')


@rule(
    id="rbac-escalation-permission",
    title="Role grants a privilege-escalation permission",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kinds=("Role", "ClusterRole"),
    security_severity="8.5",
    rationale="""
Some permissions are worth more than they look, because each leads to broader access: `escalate`
and `bind` on roles let a subject grant itself any permission; `impersonate` lets it act as
another user, group or ServiceAccount; `create` or `get` on `pods/exec`, `pods/attach` or
`pods/portforward` gives a shell or a socket inside pods and so their ServiceAccount tokens and
mounted Secrets (`get` is enough: a WebSocket exec, attach or port-forward request is an HTTP GET
and the API server authorises it as `get`, unless it is a release that also demands `create`);
`nodes/proxy` reaches the kubelet API (exec into any pod on the node); `create`
on `serviceaccounts/token` mints tokens for any ServiceAccount; CSR approval together with
`approve` on signers issues client certificates for any identity; and writing webhook
configurations lets a subject read or rewrite every object sent to the API server. Matching
follows the RBAC authorizer: each path is tied to its API group (core `""` for pods, nodes,
serviceaccounts, users and groups; `authentication.k8s.io` for `userextras/<key>`, where the API
server checks impersonation of extra fields), `*` in apiGroups matches every group, `*` in verbs
every verb, `*` in resources every resource and subresource, and `*/<subresource>` (for example
`*/exec`) that subresource of every resource; `pods` does not grant `pods/exec`. The two CSR
approval grants may sit in different rules of the role. Roles named `system:...` are Kubernetes'
own and are not reported. The finding is placed on the first rule involved (the others are
related locations); the message lists every matched grant.
""",
    remediation="Remove the grant, or confine it to a break-glass role bound only when needed.",
    examples=(_ESCALATION_FAIL, _ESCALATION_PASS),
    references=(
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping",
        "CIS Kubernetes Benchmark 5.1.8, 5.1.10, 5.1.11, 5.1.12, 5.1.13",
    ),
)
def check_escalation(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if is_system_name(doc.name):
        return
    found = escalation_grants(policy_rules(doc.data))
    if not found:
        return
    parts = []
    for family, matches in found:
        if family == "CSR approval":
            approval = [m.describe() for m in matches if "signers" not in m.resources]
            signers = [m.describe() for m in matches if "signers" in m.resources]
            parts.append(f"{', '.join(approval)} together with {', '.join(signers)}")
        else:
            parts.extend(m.describe() for m in matches)
    indexes = sorted({m.rule_index for _, matches in found for m in matches})
    related = tuple((doc, ("rules", i), "further rule granting an escalation path") for i in indexes[1:])
    yield Violation(
        f"grants privilege-escalation permissions: {'; '.join(parts)}", ("rules", indexes[0]), related=related
    )
