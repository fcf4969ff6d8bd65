"""RBAC objects as the authorizer reads them (rule-catalog §9.1). Pure functions, no I/O.

Matching follows `k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go`:

* a verb matches when the rule lists it or `*`;
* an API group matches when the rule lists it or `*` (the core group is `""`);
* a resource (`pods`, or `pods/exec` for a subresource) matches when the rule lists it
  exactly, lists `*`, or lists `*/<subresource>` for that subresource. `pods` does not
  grant `pods/exec`.

Wrongly typed fields count as absent (an absent `verbs` grants nothing); non-string list
items are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from kubelint_py.model import mapping_items

CORE_GROUP = ""
RBAC_GROUP = "rbac.authorization.k8s.io"
WILDCARD = "*"


def string_items(value: object) -> tuple[str, ...]:
    """The string items of a list (anything else: empty)."""
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


class PolicyRule(NamedTuple):
    position: int  # index in `rules`
    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...]
    non_resource_urls: tuple[str, ...]

    def matches_verb(self, verb: str) -> bool:
        return WILDCARD in self.verbs or verb in self.verbs

    def matches_group(self, group: str) -> bool:
        return WILDCARD in self.api_groups or group in self.api_groups

    def matches_resource(self, resource: str) -> bool:
        """`resource` is `name` or `name/subresource`, as RBAC combines them."""
        _, slash, subresource = resource.partition("/")
        for granted in self.resources:
            if granted in (WILDCARD, resource):
                return True
            if slash and subresource and granted == f"*/{subresource}":
                return True
        return False

    def allows(self, verb: str, group: str, resource: str) -> bool:
        return self.matches_verb(verb) and self.matches_group(group) and self.matches_resource(resource)

    def matching_resources(self, prefix: str) -> tuple[str, ...]:
        """Resource entries that name a subresource of `prefix` (`userextras/scopes` for
        `userextras`), in the order written."""
        return tuple(r for r in self.resources if r.startswith(prefix + "/") and len(r) > len(prefix) + 1)


def policy_rules(data: Mapping[str, object]) -> list[PolicyRule]:
    """The `rules` of a Role or ClusterRole (non-mapping items skipped, indexes kept)."""
    found = []
    for index, item in mapping_items(data, "rules"):
        found.append(
            PolicyRule(
                index,
                string_items(item.get("apiGroups")),
                string_items(item.get("resources")),
                string_items(item.get("verbs")),
                string_items(item.get("resourceNames")),
                string_items(item.get("nonResourceURLs")),
            )
        )
    return found


class RoleRef(NamedTuple):
    kind: str | None
    name: str | None
    api_group: str | None


def role_ref(data: Mapping[str, object]) -> RoleRef:
    ref = data.get("roleRef") if isinstance(data, Mapping) else None
    if not isinstance(ref, Mapping):
        return RoleRef(None, None, None)

    def text(key: str) -> str | None:
        value = ref.get(key)
        return value if isinstance(value, str) else None

    return RoleRef(text("kind"), text("name"), text("apiGroup"))


class Subject(NamedTuple):
    position: int  # index in `subjects`
    kind: str | None
    name: str | None
    namespace: str | None
    api_group: str | None

    def describe(self) -> str:
        kind = self.kind or "subject"
        if self.kind == "ServiceAccount" and self.namespace:
            return f'{kind} "{self.namespace}/{self.name}"'
        return f'{kind} "{self.name}"'


def subjects(data: Mapping[str, object]) -> list[Subject]:
    """The `subjects` of a RoleBinding or ClusterRoleBinding (non-mapping items skipped)."""
    found = []
    for index, item in mapping_items(data, "subjects"):

        def text(key: str, item: Mapping[str, object] = item) -> str | None:
            value = item.get(key)
            return value if isinstance(value, str) else None

        found.append(Subject(index, text("kind"), text("name"), text("namespace"), text("apiGroup")))
    return found


def is_system_name(name: object) -> bool:
    """Names in the `system:` namespace are reserved for Kubernetes' own objects."""
    return isinstance(name, str) and name.startswith("system:")


__all__ = [
    "CORE_GROUP",
    "RBAC_GROUP",
    "WILDCARD",
    "PolicyRule",
    "RoleRef",
    "Subject",
    "is_system_name",
    "policy_rules",
    "role_ref",
    "string_items",
    "subjects",
]
