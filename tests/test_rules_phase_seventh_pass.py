"""The rules phase's changes of the seventh pass (issue 20) answer what the former readings
answered: a pod's mentions of a port read without the general helpers, a StatefulSet's
consequence worked out for its findings only."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.model import Document, Source
from kubelint_py.rule_api import RuleContext
from kubelint_py.run.context import LintContext

TARGET_PORT_RULES = "kubelint_py.builtin_rules.network_connectivity.service_target_ports"
HUGE = 10**5000  # a number Python will not write out as text (over 4,300 digits): str() raises


def _load(*objects: Mapping[str, object]) -> list[Document]:
    """The documents of `objects`, with every "HUGE" text replaced by `HUGE` (JSON cannot say it)."""
    result = LoadResult()
    text = "\n---\n".join(json.dumps(o) for o in objects)
    load_source(Source("t.yaml", text.encode()), LoadOptions(), result)
    assert not result.problems, result.problems

    def swap(value: object) -> object:
        if isinstance(value, dict):
            for key, item in value.items():
                value[key] = swap(item)
        elif isinstance(value, list):
            value[:] = [swap(item) for item in value]
        return HUGE if value == "HUGE" else value

    for doc in result.documents:
        swap(doc.data)
    return result.documents


def _outcome(read: Callable[[], bool]) -> tuple[str, object]:
    try:
        return ("answer", read())
    except ValueError as exc:  # a probe port such as "²" (a digit int() refuses), a number too long to write
        return ("raises", str(exc).split(":")[0])


# -- service-targetport-number-undeclared: a pod's mentions of a port read once --------------------
_TEXTS = st.sampled_from(["8080", "port=8080", "18080", ":9102", "80800", "x", "-8080", "a\n8080\nb", ""])
_NUMBERS = st.sampled_from([8080, 80, 9102, -8080, 0])
_WORDS = st.one_of(_TEXTS, _NUMBERS, st.booleans(), st.none(), st.just("HUGE"))
_VALUES = st.one_of(_WORDS, st.lists(_WORDS, max_size=3))
_PORTS = st.one_of(_NUMBERS, st.sampled_from(["8080", "http", "²", "٣", ""]), st.booleans())
_CONFIG_MAPS = st.sampled_from(["cm1", "cm2", "cm3"])
_ENV = st.fixed_dictionaries(
    {"name": st.just("V")},
    optional={
        "value": _VALUES,
        "valueFrom": st.one_of(
            _CONFIG_MAPS.map(lambda n: {"configMapKeyRef": {"name": n, "key": "k"}}),
            st.just({"secretKeyRef": {"name": "s", "key": "k"}}),
            st.just("text"),
        ),
    },
)
_CONTAINER = st.fixed_dictionaries(
    {"name": st.just("c")},
    optional={
        "command": _VALUES,
        "args": _VALUES,
        "env": st.one_of(st.lists(st.one_of(_ENV, st.just("text")), max_size=3), st.just("text")),
        "envFrom": st.lists(_CONFIG_MAPS.map(lambda n: {"configMapRef": {"name": n}}), max_size=2),
        "livenessProbe": _PORTS.map(lambda p: {"httpGet": {"port": p}}),
        "readinessProbe": _PORTS.map(lambda p: {"tcpSocket": {"port": p}}),
    },
)


def _mentions_as_before(module: Any, template: Any, number: int, ctx: RuleContext) -> bool:
    """The former `_mentions_port`: every env entry through the general helpers."""
    from kubelint_py.k8s.ports import probe_ports
    from kubelint_py.k8s.workloads import ContainerScope, containers, pod_spec

    pattern = module._number_pattern(number)
    config_maps: set[str] = set()
    for container in containers(template.doc, ContainerScope.ALL):
        if any(module._probe_number(p.value) == number for p in probe_ports(container)):
            return True
        if module._strings_mention(pattern, container.get("command"), container.get("args")):
            return True
        for item in module._mappings(container.get("env")):
            if module._strings_mention(pattern, item.get("value")):
                return True
            config_maps.update(module._config_map_names(item.get("valueFrom"), "configMapKeyRef"))
        for item in module._mappings(container.get("envFrom")):
            config_maps.update(module._config_map_names(item, "configMapRef"))
    for volume in module._mappings(pod_spec(template.doc).get("volumes")):
        config_maps.update(module._config_map_names(volume, "configMap"))
    for name in config_maps:
        found = ctx.get("ConfigMap", template.namespace, name)
        if found is not None and module._strings_mention(pattern, *found.mapping("data").values()):
            return True
    return False


@given(
    st.lists(_CONTAINER, min_size=1, max_size=3),
    st.lists(_CONTAINER, max_size=1),
    st.lists(_CONFIG_MAPS.map(lambda n: {"name": "v", "configMap": {"name": n}}), max_size=2),
    st.dictionaries(_CONFIG_MAPS, st.dictionaries(st.sampled_from(["a", "b"]), _VALUES, max_size=2), max_size=3),
    _NUMBERS,
)
def test_a_pods_mentions_read_once_equal_the_reading(
    containers: list[dict[str, object]],
    init: list[dict[str, object]],
    volumes: list[dict[str, object]],
    config_maps: dict[str, dict[str, object]],
    number: int,
) -> None:
    """`_mentions_port` answers what the former reading answers, a number too long to write out
    and a probe port int() refuses (both raise) included."""
    module: Any = importlib.import_module(TARGET_PORT_RULES)
    spec = {"containers": containers, "initContainers": init, "volumes": volumes}
    workload = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "w"},
        "spec": {"template": {"metadata": {"labels": {"app": "w"}}, "spec": spec}},
    }
    maps = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}
        for name, data in config_maps.items()
    ]
    docs = _load(workload, *maps)
    ctx = RuleContext(LintContext(docs))
    (template,) = ctx.lint.pod_templates_matching(module.selector_from_map({"app": "w"}), "default")
    read = _outcome(lambda: _mentions_as_before(module, template, number, ctx))
    assert _outcome(lambda: module._mentions_port(template, number, ctx)) == read


@given(st.lists(_CONTAINER, min_size=1, max_size=2), _NUMBERS, st.sampled_from(["cm1", "cm9"]))
def test_the_targetport_rule_finds_what_it_finds_with_the_reading(
    containers: list[dict[str, object]], number: int, config_map: str
) -> None:
    """service-targetport-number-undeclared's findings with `_mentions_port` and with the former reading."""
    module: Any = importlib.import_module(TARGET_PORT_RULES)
    for container in containers:
        container["ports"] = [{"containerPort": 7000}]
    workload = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "w"},
        "spec": {
            "template": {
                "metadata": {"labels": {"app": "w"}},
                "spec": {"containers": containers, "volumes": [{"name": "v", "configMap": {"name": config_map}}]},
            }
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"selector": {"app": "w"}, "ports": [{"port": 80, "targetPort": number or 8080}]},
    }
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1"}, "data": {"a": "listen :9102"}}

    def found() -> tuple[str, object]:
        docs = _load(workload, service, config)
        ctx = RuleContext(LintContext(docs))
        return _outcome(lambda: [(v.message, v.path) for v in module.check_number.check(docs[1], ctx)])  # type: ignore[arg-type,return-value]

    shortcut = found()
    mentions = module._mentions_port
    try:
        module._mentions_port = lambda t, n, c: _mentions_as_before(module, t, n, c)
        read = found()
    finally:
        module._mentions_port = mentions
    assert shortcut == read


def test_a_port_is_mentioned_as_a_whole_number_only() -> None:
    module: Any = importlib.import_module(TARGET_PORT_RULES)
    env = [
        {"name": "P", "value": 9102},
        {"name": "Q", "valueFrom": {"configMapKeyRef": {"name": "by-key", "key": "k"}}},
    ]
    container = {
        "name": "c",
        "args": ["--listen=:18080", "x"],
        "env": env,
        "envFrom": [{"configMapRef": {"name": "all"}}],
    }
    spec = {"containers": [container], "volumes": [{"name": "v", "configMap": {"name": "cm"}}]}
    workload = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "w"},
        "spec": {"template": {"metadata": {"labels": {"app": "w"}}, "spec": spec}},
    }

    def config(name: str, data: object) -> dict[str, object]:
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}

    docs = _load(
        workload, config("cm", {"a": ["x", 7070]}), config("by-key", {"k": "6060"}), config("all", {"k": 5050})
    )
    ctx = RuleContext(LintContext(docs))
    (template,) = ctx.lint.pod_templates_matching(module.selector_from_map({"app": "w"}), "default")
    assert module._mentions_port(template, 18080, ctx)
    assert not module._mentions_port(template, 8080, ctx)  # 18080 is not 8080
    assert not module._mentions_port(template, 1808, ctx)
    assert module._mentions_port(template, 9102, ctx)  # an env value that is a number
    assert module._mentions_port(template, 7070, ctx)  # in a list of the ConfigMap it mounts
    assert module._mentions_port(template, 6060, ctx)  # in a ConfigMap an env entry reads a key of
    assert module._mentions_port(template, 5050, ctx)  # in a ConfigMap envFrom reads
    assert not module._mentions_port(template, 4040, ctx)


# -- statefulset-headless-service-missing: what the missing DNS names cost, said in a finding only --
HEADLESS_RULE = "kubelint_py.builtin_rules.network_connectivity.statefulset_headless_service"


def test_the_consequence_is_said_in_both_findings_and_worked_out_for_them_only() -> None:
    module: Any = importlib.import_module(HEADLESS_RULE)
    container = {"name": "db", "args": ["--join=$(POD_NAME).db-peers"]}
    statefulset = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {"serviceName": "db-peers", "template": {"spec": {"containers": [container]}}},
    }
    used = 'which container "db" uses to reach its peers'

    def messages(*others: Mapping[str, object]) -> list[str]:
        docs = _load(statefulset, *others)
        ctx = RuleContext(LintContext(docs))
        return [v.message for v in module.check.check(docs[0], ctx)]  # type: ignore[arg-type]

    def service(**spec: object) -> dict[str, object]:
        return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db-peers"}, "spec": spec}

    other = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {}}
    (missing,) = messages(other)
    assert missing.startswith('serviceName "db-peers" names no Service') and missing.endswith(used)
    (not_headless,) = messages(service(clusterIP="10.0.0.1"))
    assert "is not headless" in not_headless and not_headless.endswith(used)
    consequence = module._consequence
    try:
        module._consequence = lambda doc, name: pytest.fail("worked out without a finding")
        assert messages(service(clusterIP="None")) == []
    finally:
        module._consequence = consequence
