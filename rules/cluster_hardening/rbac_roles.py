"""RBAC roles (rule-catalog §9.1): rbac-wildcard, rbac-escalation-permission."""

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from kubelint_py.k8s.rbac import CORE_GROUP, RBAC_GROUP, WILDCARD, PolicyRule, is_system_name, policy_rules
from kubelint_py.rule_api import Document, RuleContext, Violation, rule

_WILDCARD_FIELDS = ("apiGroups", "resources", "verbs")


@rule("rbac-wildcard")
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


@rule("rbac-escalation-permission")
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
