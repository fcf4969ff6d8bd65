"""kubelint_py.k8s.audit: the audit-policy evaluation model of rule-catalog §10."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.k8s.audit import (
    SAMPLED_VERBS,
    Request,
    deciding_rule,
    effective_level,
    may_apply,
    non_resource_may_apply,
    parse_rules,
    possible_levels,
    shadowed_by,
    unreachable,
)


def _rules(*rules: dict[str, Any]) -> Any:
    return parse_rules({"rules": list(rules)})


SECRETS_GET = Request.of("", "secrets", "get")
EXEC = Request.of("", "pods/exec", "create")


def test_first_match_decides() -> None:
    rules = _rules(
        {"level": "Metadata", "resources": [{"group": "", "resources": ["secrets"]}]},
        {"level": "RequestResponse"},
    )
    assert effective_level(rules, SECRETS_GET) == "Metadata"
    assert possible_levels(rules, SECRETS_GET) == {"Metadata"}
    assert effective_level(rules, EXEC) == "RequestResponse"


def test_no_match_is_none() -> None:
    rules = _rules({"level": "Metadata", "resources": [{"group": "apps", "resources": ["deployments"]}]})
    assert effective_level(rules, SECRETS_GET) == "None"
    assert possible_levels(rules, SECRETS_GET) == set()
    assert effective_level([], SECRETS_GET) == "None"


def test_scoped_rules_are_possible_not_effective() -> None:
    rules = _rules(
        {"level": "RequestResponse", "users": ["admin"], "resources": [{"resources": ["secrets"]}]},
        {"level": "None", "namespaces": ["kube-system"]},
        {"level": "Metadata"},
    )
    assert possible_levels(rules, SECRETS_GET) == {"RequestResponse", "None", "Metadata"}
    assert effective_level(rules, SECRETS_GET) == "Metadata"
    empty_scope = _rules({"level": "None", "users": []}, {"level": "Metadata"})
    assert effective_level(empty_scope, SECRETS_GET) == "None"


def test_groups_absent_group_is_core() -> None:
    rules = _rules({"level": "Metadata", "resources": [{"resources": ["secrets"]}]})
    assert effective_level(rules, SECRETS_GET) == "Metadata"
    assert effective_level(rules, Request.of("other.io", "secrets", "get")) == "None"


def test_wildcards_and_subresources() -> None:
    star = _rules({"level": "Metadata", "resources": [{"group": "", "resources": ["*"]}]})
    assert effective_level(star, EXEC) == "Metadata"
    pods_star = _rules({"level": "Metadata", "resources": [{"group": "", "resources": ["pods/*"]}]})
    assert effective_level(pods_star, EXEC) == "Metadata"
    assert effective_level(pods_star, Request.of("", "pods", "create")) == "Metadata"
    any_exec = _rules({"level": "Metadata", "resources": [{"group": "", "resources": ["*/exec"]}]})
    assert effective_level(any_exec, EXEC) == "Metadata"
    assert effective_level(any_exec, Request.of("", "pods", "create")) == "None"
    plain = _rules({"level": "Metadata", "resources": [{"group": "", "resources": ["pods"]}]})
    assert effective_level(plain, EXEC) == "None"
    group_all = _rules({"level": "Metadata", "resources": [{"group": ""}]})
    assert effective_level(group_all, EXEC) == "Metadata"


def test_verbs() -> None:
    rules = _rules({"level": "Metadata", "verbs": ["get", "list"], "resources": [{"resources": ["secrets"]}]})
    assert effective_level(rules, SECRETS_GET) == "Metadata"
    assert effective_level(rules, Request.of("", "secrets", "watch")) == "None"


def test_non_resource_rules_do_not_match_resources() -> None:
    rules = _rules({"level": "None", "nonResourceURLs": ["/healthz*", "/version"]}, {"level": "Metadata"})
    assert effective_level(rules, SECRETS_GET) == "Metadata"
    assert non_resource_may_apply(rules[0], "/healthz/ready", "get")
    assert non_resource_may_apply(rules[0], "/version", "get")
    assert not non_resource_may_apply(rules[0], "/metrics", "get")
    assert non_resource_may_apply(rules[1], "/metrics", "get")
    resource_only = _rules({"level": "None", "resources": [{"resources": ["secrets"]}]})
    assert not non_resource_may_apply(resource_only[0], "/metrics", "get")


def test_resource_names_never_decide() -> None:
    rules = _rules(
        {"level": "None", "resources": [{"resources": ["secrets"], "resourceNames": ["one"]}]},
        {"level": "Metadata"},
    )
    assert possible_levels(rules, SECRETS_GET) == {"None", "Metadata"}
    assert effective_level(rules, SECRETS_GET) == "Metadata"


def test_unreachable_cases() -> None:
    rules = _rules(
        {"level": "Metadata", "resources": [{"group": "", "resources": ["secrets", "pods/*"]}]},
        {"level": "Request", "resources": [{"group": "", "resources": ["secrets"]}]},
        {"level": "Request", "resources": [{"group": "", "resources": ["pods/exec", "pods"]}]},
        {"level": "Request", "resources": [{"group": "", "resources": ["configmaps"]}]},
        {"level": "Request", "verbs": ["get"], "resources": [{"group": ""}]},
        {"level": "Metadata", "verbs": ["get", "list"]},
        {"level": "None", "users": ["x"], "verbs": ["get"]},
        {"level": "None", "verbs": ["watch"]},
        {"level": "None"},
        {"level": "Metadata", "nonResourceURLs": ["/metrics"]},
    )
    found = {later.number: earlier.number for later, earlier in unreachable(rules)}
    assert found == {1: 0, 2: 0, 6: 5, 9: 8}


def test_scoped_rule_shadows_nothing() -> None:
    rules = _rules({"level": "None", "userGroups": ["system:nodes"]}, {"level": "Metadata"})
    assert not unreachable(rules)


def test_parse_tolerates_junk() -> None:
    rules = parse_rules({"rules": ["x", {"level": 3, "resources": "no", "verbs": [1, "get"]}]})
    assert len(rules) == 1 and rules[0].level == "" and rules[0].verbs == {"get"} and rules[0].path == ("rules", 1)
    assert parse_rules({"rules": None}) == []


# -- properties -------------------------------------------------------------------------
_groups = st.sampled_from(["", "apps", "rbac.authorization.k8s.io", "batch"])
_resources = st.sampled_from(["secrets", "pods", "pods/exec", "pods/*", "*", "*/exec", "deployments", "roles"])
_levels = st.sampled_from(["None", "Metadata", "Request", "RequestResponse"])
_entry = st.fixed_dictionaries(
    {"group": _groups},
    optional={"resources": st.lists(_resources, max_size=3), "resourceNames": st.lists(st.just("n"), max_size=1)},
)
_rule = st.fixed_dictionaries(
    {"level": _levels},
    optional={
        "verbs": st.lists(st.sampled_from(SAMPLED_VERBS), max_size=3),
        "resources": st.lists(_entry, max_size=2),
        "users": st.lists(st.just("alice"), max_size=1),
        "namespaces": st.lists(st.just("kube-system"), max_size=1),
        "nonResourceURLs": st.lists(st.just("/healthz"), max_size=1),
    },
)
_request = st.builds(
    Request.of,
    _groups,
    st.sampled_from(["secrets", "pods", "pods/exec", "pods/log", "deployments", "roles", "jobs"]),
    st.sampled_from(SAMPLED_VERBS),
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(_rule, max_size=6), _levels)
def test_catch_all_at_top_makes_everything_unreachable(rules: list[dict[str, Any]], level: str) -> None:
    parsed = _rules({"level": level}, *rules)
    shadowed = {later.number for later, _ in unreachable(parsed)}
    assert shadowed == set(range(1, len(parsed)))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(_rule, max_size=6), _levels, _request)
def test_catch_all_at_top_decides_every_request(rules: list[dict[str, Any]], level: str, request: Request) -> None:
    parsed = _rules({"level": level}, *rules)
    assert effective_level(parsed, request) == level
    assert possible_levels(parsed, request) == {level}


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(_rule, max_size=6), _request)
def test_effective_level_is_a_possible_level(rules: list[dict[str, Any]], request: Request) -> None:
    parsed = _rules(*rules)
    deciding = deciding_rule(parsed, request)
    if deciding is None:
        assert effective_level(parsed, request) == "None"
    else:
        assert deciding.level in possible_levels(parsed, request)
        assert may_apply(deciding, request) and not deciding.scoped


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(_rule, min_size=1, max_size=6), _request)
def test_unreachable_rules_never_decide_nor_add_levels(rules: list[dict[str, Any]], request: Request) -> None:
    parsed = _rules(*rules)
    dead = {later.number for later, _ in unreachable(parsed)}
    possible = {rule.number for rule in _possible_rules(parsed, request)}
    assert not (possible & dead)


def _possible_rules(parsed: Any, request: Request) -> Any:
    from kubelint_py.k8s.audit import possible_rules

    return possible_rules(parsed, request)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_rule, _rule, _request)
def test_shadowing_is_sound(first: dict[str, Any], second: dict[str, Any], request: Request) -> None:
    a, b = _rules(first, second)
    if shadowed_by(a, b) and may_apply(b, request):
        assert may_apply(a, request)
