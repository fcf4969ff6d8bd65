"""Audit-policy evaluation model (rule-catalog §10), as the API server applies it.

Rules are evaluated in order and the first matching rule decides the level; no match means
`None`. A rule is *unscoped* when it has no `users`, `userGroups` and `namespaces`: it
applies to every requester. A rule *may apply* to a request `(group, resource[/sub], verb)`
when its `verbs` is empty or holds the verb, and either it has neither `resources` nor
`nonResourceURLs` (it matches everything) or one of its `resources[]` entries has the
request's `group` (`""`/absent = core) and a `resources` list that is empty or holds
`resource`, `resource/subresource`, `*`, `resource/*` or `*/subresource`.

Matching follows k8s.io/apiserver/pkg/audit/policy/checker.go exactly: `*` matches every
resource *and* subresource, `resource/*` matches the resource itself and all of its
subresources, `*/sub` matches that subresource of any resource.

The *possible levels* of a request are the levels of every rule that may apply, up to and
including the first unscoped rule that may apply; the *effective level* is that rule's
level (None when there is none). One refinement over the catalog: a `resources[]` entry
with `resourceNames` only applies to the named objects, so such a rule counts among the
possible levels but never decides the effective level (it does not cover `list`, or
objects with other names).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from kubelint_py.model import FieldPath, mapping_items

LEVELS = ("None", "Metadata", "Request", "RequestResponse")
BODY_LEVELS = frozenset(("Request", "RequestResponse"))
SAMPLED_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")
WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
READ_VERBS = ("get", "list", "watch")


class GroupResources(NamedTuple):
    group: str
    resources: tuple[str, ...]  # empty = every resource of the group
    has_resource_names: bool
    path: FieldPath


class AuditRule(NamedTuple):
    number: int
    level: str
    path: FieldPath  # path of the rule mapping in the document
    verbs: frozenset[str]  # empty = every verb
    resources: tuple[GroupResources, ...]
    non_resource_urls: tuple[str, ...]
    scoped: bool
    omit_stages: frozenset[str]
    has_omit_stages: bool

    @property
    def matches_everything(self) -> bool:
        """No `resources`, no `nonResourceURLs`, no `verbs`: every request, resource or not."""
        return not self.resources and not self.non_resource_urls and not self.verbs

    @property
    def catch_all_candidate(self) -> bool:
        return self.matches_everything and not self.scoped


class Request(NamedTuple):
    group: str
    resource: str
    subresource: str
    verb: str

    @classmethod
    def of(cls, group: str, resource: str, verb: str) -> Request:
        base, _, sub = resource.partition("/")
        return cls(group, base, sub, verb)

    def describe(self) -> str:
        res = f"{self.resource}/{self.subresource}" if self.subresource else self.resource
        return f"{self.verb} {self.group + '/' if self.group else ''}{res}"


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def _nonempty(value: object) -> bool:
    return isinstance(value, list) and len(value) > 0


def parse_rules(policy: Mapping[str, object], prefix: FieldPath = ()) -> list[AuditRule]:
    """The `rules[]` of an audit Policy; non-mapping items are skipped (the API server would reject them)."""
    found: list[AuditRule] = []
    for number, item in mapping_items(policy, "rules"):
        path: FieldPath = (*prefix, "rules", number)
        level = item.get("level")
        groups: list[GroupResources] = []
        for gnum, entry in mapping_items(item, "resources"):
            group = entry.get("group")
            groups.append(
                GroupResources(
                    group if isinstance(group, str) else "",
                    _strings(entry.get("resources")),
                    _nonempty(entry.get("resourceNames")),
                    (*path, "resources", gnum),
                )
            )
        omit = item.get("omitStages")
        found.append(
            AuditRule(
                number=number,
                level=level if isinstance(level, str) else "",
                path=path,
                verbs=frozenset(_strings(item.get("verbs"))),
                resources=tuple(groups),
                non_resource_urls=_strings(item.get("nonResourceURLs")),
                scoped=any(_nonempty(item.get(key)) for key in ("users", "userGroups", "namespaces")),
                omit_stages=frozenset(_strings(omit)),
                has_omit_stages=isinstance(omit, list),
            )
        )
    return found


def _resource_matches(pattern: str, request: Request) -> bool:
    combined = f"{request.resource}/{request.subresource}" if request.subresource else request.resource
    if pattern in (combined, "*"):
        return True
    if request.subresource and pattern.startswith("*/") and request.subresource == pattern.lstrip("*/"):
        return True
    return pattern.endswith("/*") and request.resource == pattern.rstrip("/*")


def _entry_matches(entry: GroupResources, request: Request) -> bool:
    if entry.group != request.group:
        return False
    return not entry.resources or any(_resource_matches(p, request) for p in entry.resources)


def may_apply(rule: AuditRule, request: Request) -> bool:
    if rule.verbs and request.verb not in rule.verbs:
        return False
    if not rule.resources and not rule.non_resource_urls:
        return True
    return any(_entry_matches(entry, request) for entry in rule.resources)


def decides(rule: AuditRule, request: Request) -> bool:
    """The rule applies to every requester and every object of this request kind."""
    if rule.scoped or not may_apply(rule, request):
        return False
    if not rule.resources:
        return True
    return any(_entry_matches(e, request) and not e.has_resource_names for e in rule.resources)


def possible_rules(rules: Sequence[AuditRule], request: Request) -> list[AuditRule]:
    """Rules that may decide the request, up to and including the first one that always does."""
    found: list[AuditRule] = []
    for rule in rules:
        if may_apply(rule, request):
            found.append(rule)
            if decides(rule, request):
                break
    return found


def deciding_rule(rules: Sequence[AuditRule], request: Request) -> AuditRule | None:
    for rule in rules:
        if decides(rule, request):
            return rule
    return None


def effective_level(rules: Sequence[AuditRule], request: Request) -> str:
    rule = deciding_rule(rules, request)
    return rule.level if rule is not None else "None"


def possible_levels(rules: Sequence[AuditRule], request: Request) -> set[str]:
    return {rule.level for rule in possible_rules(rules, request)}


def non_resource_may_apply(rule: AuditRule, url: str, verb: str) -> bool:
    """A non-resource request (`/healthz`, `/metrics`): `nonResourceURLs` entries match exactly
    or, ending in `*`, by prefix."""
    if rule.verbs and verb not in rule.verbs:
        return False
    if not rule.resources and not rule.non_resource_urls:
        return True
    return any(p == url or (p.endswith("*") and url.startswith(p[:-1])) for p in rule.non_resource_urls)


def _pattern_covers(earlier: str, later: str) -> bool:
    """Every request matched by resource pattern `later` is matched by `earlier`."""
    if earlier == "*" or earlier == later:
        return True
    base, _, sub = later.partition("/")
    if earlier.endswith("/*"):
        return base == earlier[:-2] and base != "*"
    if earlier.startswith("*/"):
        return bool(sub) and sub == earlier[2:] and base != "" and later != f"{base}/*"
    return False


def _entry_covers(earlier: GroupResources, later: GroupResources) -> bool:
    if earlier.has_resource_names or earlier.group != later.group:
        return False
    if not earlier.resources:
        return True
    if "*" in earlier.resources:
        return True
    if not later.resources:
        return False
    return all(any(_pattern_covers(e, p) for e in earlier.resources) for p in later.resources)


def shadowed_by(earlier: AuditRule, later: AuditRule) -> bool:
    """`later` can never apply because the unscoped `earlier` matches every request it could match."""
    if earlier.scoped:
        return False
    if earlier.verbs and (not later.verbs or not later.verbs <= earlier.verbs):
        return False
    if not earlier.resources and not earlier.non_resource_urls:
        return True
    if earlier.non_resource_urls or later.non_resource_urls:
        return False
    if not later.resources:
        return False
    return all(any(_entry_covers(e, lr) for e in earlier.resources) for lr in later.resources)


def unreachable(rules: Sequence[AuditRule]) -> list[tuple[AuditRule, AuditRule]]:
    """(later rule, first earlier rule shadowing it) pairs."""
    found: list[tuple[AuditRule, AuditRule]] = []
    for j, later in enumerate(rules):
        for earlier in rules[:j]:
            if shadowed_by(earlier, later):
                found.append((later, earlier))
                break
    return found
